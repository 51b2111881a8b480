"""Calls to the partner API that no valid key made are counted per client and minute, not logged a
row each (accounts.request_log, accounts.ApiRequestTally): anyone on the internet can send them,
and the keys' throttle cannot count them, so a row each let a flood write the database without
limit and bury the log of real calls. A valid key's calls keep their row each."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import request_log
from accounts.models import ApiKey, ApiRequestLog, ApiRequestTally
from tests.accounts.test_api_keys import URL, client_with, create_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.api_urls")]


def inserts(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def tallies() -> list[tuple]:
    return list(ApiRequestTally.objects.order_by("minute", "client").values_list("client", "status_code", "count"))


@override_settings(CASEWORKS_API_LOG_FLUSH_SECONDS=3600)
def test_a_flood_without_a_key_writes_a_row_a_minute_not_a_row_a_request():
    # given: one client sending 60 calls with no key and 40 with keys that do not exist or are malformed
    anonymous, unknown, malformed = APIClient(), client_with("cw_deadbeef_not-a-real-key"), client_with("garbage")
    # when
    with CaptureQueriesContext(connection) as queries:
        codes = {anonymous.get(URL).status_code for _ in range(60)}
        codes |= {unknown.get(URL).status_code for _ in range(20)}
        codes |= {malformed.post(URL).status_code for _ in range(20)}
    # then: still refused as before, and nothing in the request log
    assert codes == {401}
    assert ApiRequestLog.objects.count() == 0
    # one INSERT for the client's first call of the minute (two if the minute turned meanwhile)
    assert 1 <= len(inserts(queries)) <= 2
    assert ApiRequestTally.objects.count() <= 2
    assert request_log.request_log_flush() >= 1  # the waiting counts, added in one statement
    assert sum(ApiRequestTally.objects.values_list("count", flat=True)) == 100
    row = ApiRequestTally.objects.order_by("minute").first()
    assert (row.client, row.ip_address, row.key_prefix, row.agency, row.status_code) == (
        "127.0.0.1",
        "127.0.0.1",
        "",
        None,
        401,
    )
    assert (row.method, row.path) == ("GET", URL)  # the first call counted
    assert row.first_at <= row.last_at


def test_the_first_refused_call_of_a_client_is_visible_at_once():
    APIClient().get(URL)
    assert tallies() == [("127.0.0.1", 401, 1)]


def test_ipv6_clients_are_counted_by_their_64_as_the_public_throttle_counts_them():
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"):
        APIClient(REMOTE_ADDR=address).get(URL)
    APIClient(REMOTE_ADDR="10.0.0.7").get(URL)
    request_log.request_log_flush()
    assert sorted((c, n) for c, _, n in tallies()) == [
        ("10.0.0.7", 1),
        ("2001:db8:1:2::/64", 2),
        ("2001:db8:1:3::/64", 1),
    ]
    assert ApiRequestTally.objects.get(client="2001:db8:1:2::/64").ip_address == "2001:db8:1:2::1"


def test_a_real_key_refused_is_named_in_its_count():
    """A revoked or expired key still in use, or a wrong secret for a real prefix: the count names
    the key and its agency (an unknown prefix is not named: rows stay bounded by the keys that exist)."""
    raw = create_key("Court", "--scopes", "cases:read")
    key = ApiKey.objects.get()
    wrong = f"cw_{key.prefix}_{'x' * 20}"
    assert client_with(wrong).get(URL).status_code == 401
    ApiKey.objects.update(revoked_at=timezone.now())
    assert client_with(raw).get(URL).status_code == 401
    assert client_with(raw).get(URL).status_code == 401
    request_log.request_log_flush()
    rows = list(ApiRequestTally.objects.values_list("key_prefix", "agency__name", "status_code", "count"))
    assert sum(count for *_, count in rows) == 3
    assert {(prefix, agency, status) for prefix, agency, status, _ in rows} == {(key.prefix, "Court", 401)}
    assert ApiRequestLog.objects.count() == 0


def test_a_valid_key_keeps_its_row_each_beside_the_counts():
    raw = create_key("Court", "--scopes", "cases:read")
    api = client_with(raw)
    APIClient().get(URL)
    api.get(URL)
    APIClient().get(URL)
    api.post(URL)
    rows = list(ApiRequestLog.objects.order_by("id").values_list("agency__name", "method", "status_code", "ip_address"))
    assert rows == [("Court", "GET", 200, "127.0.0.1"), ("Court", "POST", 403, "127.0.0.1")]
    request_log.request_log_flush()
    assert [n for *_, n in tallies()] in ([2], [1, 1])


def test_counts_of_several_processes_add_up_in_one_row():
    """Each process counts on its own; a process's first call of a minute finds the row another
    wrote and adds to it (INSERT ... ON CONFLICT DO UPDATE)."""
    at = timezone.now().replace(second=30, microsecond=0)
    call = {"client": "192.0.2.1", "key_prefix": "", "agency_id": None, "method": "GET", "path": URL}
    request_log.request_tally_add(**call, status_code=401, ip_address="192.0.2.1", at=at)
    request_log._tallies.clear()  # another process: has not seen this client
    request_log.request_tally_add(**call, status_code=401, ip_address="192.0.2.1", at=at + timedelta(seconds=5))
    request_log.request_tally_add(**call, status_code=401, ip_address="192.0.2.1", at=at + timedelta(seconds=9))
    request_log.request_log_flush()
    row = ApiRequestTally.objects.get()
    assert row.count == 3
    assert (row.first_at, row.last_at) == (at, at + timedelta(seconds=9))


def test_counts_wait_no_longer_than_the_flush_interval():
    with override_settings(CASEWORKS_API_LOG_FLUSH_SECONDS=0):
        for _ in range(3):
            APIClient().get(URL)
    assert [n for *_, n in tallies()] in ([3], [1, 2], [2, 1])


def test_a_flood_from_many_clients_writes_a_bounded_number_of_rows_a_minute(monkeypatch):
    """Beyond TALLY_ROWS_A_MINUTE clients in a minute (e.g. the /64s of one /48), new clients are
    counted together on one row: rows and memory stay bounded, no call goes uncounted."""
    monkeypatch.setattr(request_log, "TALLY_ROWS_A_MINUTE", 5)
    for i in range(40):
        APIClient(REMOTE_ADDR=f"2001:db8:0:{i:x}::1").get(URL)
    request_log.request_log_flush()
    assert ApiRequestTally.objects.count() <= 12  # 5 clients and "others", twice if the minute turned
    assert len(request_log._tallies) <= 12
    assert sum(ApiRequestTally.objects.values_list("count", flat=True)) == 40
    others = ApiRequestTally.objects.filter(client=request_log.OTHERS)
    assert sum(others.values_list("count", flat=True)) >= 40 - 10

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiKey, ApiRequestLog, PartnerAgency

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.api_urls")]
URL = "/api/v1/echo/"


def create_key(*args) -> str:
    """Run the command; a key for Albany unless the arguments name its counties."""
    if "--counties" not in args and "--all-counties" not in args:
        args = (*args, "--counties", "Albany")
    out, err = StringIO(), StringIO()
    call_command("create_partner_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1]


def client_with(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def test_command_creates_agency_and_prints_key_alone_on_last_line():
    raw = create_key("Family Court", "--scopes", "cases:read,collections:write", "--kind", "court")
    assert raw.startswith("cw_") and " " not in raw
    agency = PartnerAgency.objects.get(name="Family Court")
    assert agency.kind == "court"
    key = agency.keys.get()
    assert key.scopes == ["cases:read", "collections:write"]
    assert raw not in key.digest and key.matches(raw)  # only the digest is stored


def test_command_refuses_unknown_scopes():
    with pytest.raises(CommandError, match="Unknown scope"):
        create_key("X", "--scopes", "cases:delete")


def test_scopes_all_reaches_everything():
    raw = create_key("State Office", "--scopes", "all")
    assert client_with(raw).post(URL).status_code == 201


def test_key_reaches_only_its_scopes():
    api = client_with(create_key("Court", "--scopes", "cases:read"))
    assert api.get(URL).json() == {"agency": "Court", "scopes": ["cases:read"]}
    denied = api.post(URL)
    assert denied.status_code == 403
    assert "scope" in denied.json()["detail"]


def test_missing_or_bad_key_is_a_401_json_error():
    assert APIClient().get(URL).status_code == 401
    response = client_with("cw_deadbeef_not-a-real-key").get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid API key."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_keys_stop_working():
    raw = create_key("Court", "--scopes", "cases:read")
    key = ApiKey.objects.get()
    key.revoked_at = timezone.now()
    key.save()
    assert client_with(raw).get(URL).status_code == 401
    raw2 = create_key("Court", "--scopes", "cases:read")
    ApiKey.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_with(raw2).get(URL).status_code == 401


def test_a_key_revoked_or_an_agency_deactivated_after_use_stops_at_the_next_request():
    """The key lookup's statement is compiled once per connection (17.3), its row read every time."""
    raw = create_key("Court", "--scopes", "cases:read")
    api = client_with(raw)
    assert api.get(URL).status_code == 200
    ApiKey.objects.update(revoked_at=timezone.now())
    assert api.get(URL).status_code == 401
    ApiKey.objects.update(revoked_at=None)
    assert api.get(URL).status_code == 200
    PartnerAgency.objects.update(is_active=False)
    assert api.get(URL).status_code == 401


def test_api_key_by_prefix_reads_the_key_and_its_agency_as_the_orm_does(django_assert_num_queries):
    from accounts.selectors import api_key_by_prefix

    create_key("Court", "--scopes", "cases:read,collections:write", "--counties", "Albany,Schenectady")
    expected = ApiKey.objects.select_related("agency").get()
    api_key_by_prefix(prefix=expected.prefix)  # compiles the statement on this connection
    with django_assert_num_queries(1):
        key = api_key_by_prefix(prefix=expected.prefix)
    assert key is not None and not key._state.adding
    fields = [f.attname for f in ApiKey._meta.concrete_fields]
    assert [getattr(key, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert key.scopes == ["cases:read", "collections:write"] and key.counties == ["Albany", "Schenectady"]
    with django_assert_num_queries(0):  # the agency came with the key
        agency = key.agency
    agency_fields = [f.attname for f in PartnerAgency._meta.concrete_fields]
    assert [getattr(agency, name) for name in agency_fields] == [
        getattr(expected.agency, name) for name in agency_fields
    ]
    assert api_key_by_prefix(prefix="00000000") is None


def test_every_call_of_a_valid_key_is_logged_with_agency_endpoint_and_outcome():
    """Calls without a valid key are counted instead (tests/accounts/test_api_request_tally.py)."""
    raw = create_key("Court", "--scopes", "cases:read")
    client_with(raw).get(URL)
    client_with(raw).post(URL)
    APIClient().get(URL)
    rows = list(
        ApiRequestLog.objects.order_by("id").values_list("agency__name", "key_prefix", "method", "path", "status_code")
    )
    prefix = ApiKey.objects.get().prefix
    assert rows == [("Court", prefix, "GET", URL, 200), ("Court", prefix, "POST", URL, 403)]


def test_over_the_rate_limit_is_a_429():
    raw = create_key("Court", "--scopes", "cases:read")
    from django.conf import settings

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "2/minute"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        try:
            api = client_with(raw)
            codes = [api.get(URL).status_code for _ in range(3)]
        finally:
            SimpleRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 429]


def test_successful_reads_are_logged_in_batches_and_denials_at_once(django_assert_num_queries):
    """17.3: no request-log INSERT per successful GET; the batch goes in with one statement, and
    a denial is written on its request path after what waits (the order requests were answered)."""
    from accounts.request_log import request_log_flush

    raw = create_key("Court", "--scopes", "cases:read")
    client = client_with(raw)
    with override_settings(CASEWORKS_API_LOG_BATCH=3, CASEWORKS_API_LOG_FLUSH_SECONDS=3600):
        client.get(URL)
        client.get(URL)
        assert ApiRequestLog.objects.count() == 0  # waiting in the buffer
        client.get(URL)  # the third fills the batch
        assert list(ApiRequestLog.objects.values_list("status_code", flat=True)) == [200, 200, 200]
        client.get(URL)
        client.post(URL)  # a 403 (no write scope): written at once, after the GET that waited
        rows = list(ApiRequestLog.objects.order_by("id").values_list("status_code", "agency__name"))
        assert rows[3:] == [(200, "Court"), (403, "Court")]
        client.get(URL)
        with django_assert_num_queries(1):
            assert request_log_flush() == 1
        assert request_log_flush() == 0
    assert ApiRequestLog.objects.count() == 6
    assert ApiRequestLog.objects.filter(at__isnull=True).count() == 0


def test_the_rate_history_is_one_array_in_the_cache_and_a_list_left_by_an_older_release_still_counts():
    """17.3: the key's request timestamps are cached as an ``array("d")`` (pickled as one block,
    not float by float); the window, the 429 and its wait are DRF's, whatever the stored form."""
    import time
    from array import array

    from django.core.cache import cache

    from accounts.api.throttling import ApiKeyRateThrottle

    class TwoAMinute(ApiKeyRateThrottle):
        rate = "2/minute"

        def get_cache_key(self, request, view):
            return "throttle-history-test"

    cache.set("throttle-history-test", [time.time() - 1, time.time() - 120])  # as an older release stored it
    try:
        assert TwoAMinute().allow_request(None, None) is True  # the entry out of the window is dropped
        history = cache.get("throttle-history-test")
        assert isinstance(history, array) and len(history) == 2 and history[0] > history[1]
        refused = TwoAMinute()
        assert refused.allow_request(None, None) is False
        assert 58 < refused.wait() <= 60
    finally:
        cache.delete("throttle-history-test")

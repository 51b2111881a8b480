"""Partner keys kept in the shared cache (accounts.key_cache, issue 17.3): no database round trip to
authenticate, and a revocation, an expiry, a deactivated agency or a changed scope still counts
from the next request."""

import os
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import key_cache
from accounts.models import ApiKey, PartnerAgency
from tests.accounts.test_api_keys import URL, client_with, create_key
from tests.conftest import needs_redis

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.api_urls")]
CACHED = override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=60)


def key_queries(api) -> tuple[int, list[str]]:
    """The response's status and the statements it ran on the keys' table."""
    with CaptureQueriesContext(connection) as queries:
        status = api.get(URL).status_code
    return status, [q["sql"] for q in queries.captured_queries if "accounts_apikey" in q["sql"]]


@CACHED
def test_a_cached_key_authenticates_without_reading_the_database():
    api = client_with(create_key("Court", "--scopes", "cases:read"))
    status, first = key_queries(api)
    assert status == 200 and len(first) == 2  # the lookup, and last_used_at marked
    for _ in range(3):
        assert key_queries(api) == (200, [])


def test_with_the_cache_off_every_request_reads_its_key():
    api = client_with(create_key("Court", "--scopes", "cases:read"))
    api.get(URL)
    status, queries = key_queries(api)
    assert status == 200 and len(queries) == 1 and "SELECT" in queries[0]
    assert cache.get(key_cache.entry_key(ApiKey.objects.get().prefix)) is None


@CACHED
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda key: ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now()), id="update"),
        pytest.param(lambda key: setattr(key, "revoked_at", timezone.now()) or key.save(), id="admin-save"),
        pytest.param(lambda key: key.delete(), id="deleted"),
        pytest.param(lambda key: ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1)), id="expired"),
        pytest.param(lambda key: PartnerAgency.objects.update(is_active=False), id="agency-update"),
        pytest.param(lambda key: setattr(key.agency, "is_active", False) or key.agency.save(), id="agency-deactivated"),
        pytest.param(lambda key: key.agency.delete(), id="agency-deleted"),
        pytest.param(lambda key: ApiKey.objects.update(scopes=["collections:read"]), id="scope-withdrawn"),
    ],
)
def test_a_change_to_a_cached_key_counts_from_the_next_request(change):
    api = client_with(create_key("Court", "--scopes", "cases:read"))
    assert api.get(URL).status_code == 200
    assert api.get(URL).status_code == 200  # from the cache
    change(ApiKey.objects.select_related("agency").get())
    assert api.get(URL).status_code in (401, 403)


@CACHED
def test_the_admin_revoke_action_ends_a_cached_key(rf, admin_user):
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    api = client_with(create_key("Court", "--scopes", "cases:read"))
    assert api.get(URL).status_code == 200
    request = rf.post("/admin/accounts/apikey/")
    request.user, request.session = admin_user, {}
    request._messages = FallbackStorage(request)
    admin.site._registry[ApiKey].revoke(request, ApiKey.objects.all())
    assert ApiKey.objects.get().revoked_at is not None
    assert api.get(URL).status_code == 401


@CACHED
def test_a_request_that_read_a_key_before_its_change_cannot_cache_it_again():
    """The race a plain delete would lose: a request reads the row, the key is revoked (its entry
    replaced by a tombstone), then the request would store what it read. It only ever adds."""
    create_key("Court", "--scopes", "cases:read")
    key = ApiKey.objects.get()
    name = key_cache.entry_key(key.prefix)
    key_cache.forget([key.prefix])  # a change happened while the request was reading
    found, _ = key_cache.api_key_for_request(key.prefix)
    assert found is not None and found.pk == key.pk
    assert cache.get(name) == key_cache.TOMBSTONE  # not replaced by the row read
    cache.delete(name)  # the tombstone expired
    key_cache.api_key_for_request(key.prefix)
    assert isinstance(cache.get(name), tuple)


@CACHED
def test_an_unknown_prefix_is_not_cached():
    assert key_cache.api_key_for_request("00000000") == (None, {key_cache.throttle_key("00000000"): None})
    assert cache.get(key_cache.entry_key("00000000")) is None
    assert client_with("cw_00000000_not-a-real-key").get(URL).status_code == 401


@CACHED
@pytest.mark.parametrize("prefix", ["DEADBEEF", "deadbee\x01", "deadbeefff", "../../..", "zzzzzzzz"])
def test_a_prefix_no_key_can_have_is_refused_before_the_database_or_the_cache(prefix, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the cache was asked")

    monkeypatch.setattr(cache, "get_many", never)
    with CaptureQueriesContext(connection) as queries:
        response = client_with(f"cw_{prefix}_secret").get(URL)
    assert response.status_code == 401 and response.json() == {"detail": "Invalid API key."}
    assert not [q for q in queries.captured_queries if "accounts_apikey" in q["sql"]]


@CACHED
def test_last_used_is_marked_once_a_minute_not_on_every_cached_request():
    api = client_with(create_key("Court", "--scopes", "cases:read"))
    api.get(URL)
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))  # its cached copy is older still
    for _ in range(3):
        _, queries = key_queries(api)
        assert not any(sql.startswith("UPDATE") for sql in queries)


@CACHED
def test_the_rate_limit_still_counts_when_its_history_comes_with_the_key():
    from django.conf import settings
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api = client_with(create_key("Court", "--scopes", "cases:read"))
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "2/minute"}
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [api.get(URL).status_code for _ in range(3)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 429]
    assert len(cache.get(key_cache.throttle_key(ApiKey.objects.get().prefix))) == 2


def test_a_throttle_keyed_otherwise_reads_its_own_history_not_the_one_read_with_the_key():
    from accounts.api.throttling import _Prefetched

    cache.set("another-throttle", [1.0, 2.0])
    prefetched = _Prefetched({"throttle_api_key_abc": None})
    assert prefetched.get("throttle_api_key_abc", []) == []
    assert prefetched.get("another-throttle", []) == [1.0, 2.0]


def test_a_per_process_cache_with_keys_kept_is_a_warning():
    def warnings():
        return [m.id for m in run_checks(tags=["caches"]) if m.id.startswith("accounts.")]

    assert warnings() == []
    with CACHED:
        assert warnings() == ["accounts.W004"]
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    with CACHED, override_settings(CACHES=redis):
        assert warnings() == []


@needs_redis()
@pytest.mark.redis
def test_with_redis_a_revocation_reaches_a_key_cached_by_another_process():
    """The deployment's shape: the cache in Redis; the entry written by one connection to it is
    replaced by the revocation made through another (what another web process would see)."""
    from django.core.cache.backends.redis import RedisCache

    location = os.environ["CELERY_BROKER_URL"]
    prefix = f"test-key-cache-{uuid.uuid4().hex}"
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    with CACHED, override_settings(CACHES={"default": {**caches["default"], "KEY_PREFIX": prefix}}):
        api = client_with(create_key("Court", "--scopes", "cases:read"))
        assert api.get(URL).status_code == 200
        other = RedisCache(location, {"KEY_PREFIX": prefix})  # another process's client
        name = key_cache.entry_key(ApiKey.objects.get().prefix)
        assert isinstance(other.get(name), tuple)
        assert key_queries(api) == (200, [])
        ApiKey.objects.update(revoked_at=timezone.now())
        assert other.get(name) == key_cache.TOMBSTONE
        assert api.get(URL).status_code == 401
        other.delete_many([name, key_cache.throttle_key(ApiKey.objects.get().prefix)])


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_keys_are_read_from_the_primary_even_when_api_reads_go_to_a_replica(settings):
    """A revocation must not wait for a replica to catch up (config/db_router.py)."""
    from django.db import connections

    from accounts import selectors
    from config.db_router import replica_reads

    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    with replica_reads():
        used, _ = selectors._lookup()
    assert used is connections["default"]


@CACHED
def test_a_change_the_cache_cannot_hear_about_is_refused_not_made_behind_a_live_entry(monkeypatch):
    api = client_with(create_key("Court", "--scopes", "cases:read"))
    assert api.get(URL).status_code == 200  # cached

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set_many", unreachable)
    key = ApiKey.objects.get()
    for change in (
        lambda: ApiKey.objects.update(revoked_at=timezone.now()),
        lambda: setattr(key, "revoked_at", timezone.now()) or key.save(),
        lambda: PartnerAgency.objects.update(is_active=False),
    ):
        with pytest.raises(ConnectionError):
            change()
    monkeypatch.undo()
    fresh = ApiKey.objects.select_related("agency").get()
    assert fresh.revoked_at is None and fresh.agency.is_active  # nothing changed: revoke again
    assert api.get(URL).status_code == 200


def test_with_the_cache_off_a_bulk_change_reads_nothing_more(django_assert_num_queries):
    create_key("Court", "--scopes", "cases:read")
    with django_assert_num_queries(1):
        assert ApiKey.objects.update(revoked_at=timezone.now()) == 1
    with django_assert_num_queries(1):
        assert PartnerAgency.objects.update(is_active=False) == 1


@CACHED
def test_with_the_cache_on_a_bulk_change_reads_the_prefixes_once(django_assert_num_queries):
    create_key("Court", "--scopes", "cases:read")
    with django_assert_num_queries(2):  # the prefixes, then the UPDATE
        ApiKey.objects.update(revoked_at=timezone.now())
    with django_assert_num_queries(1):  # the minute's mark: no tombstone, no read
        ApiKey.objects.update(last_used_at=timezone.now())


def test_the_rate_history_key_is_the_one_drf_would_name():
    from accounts.api.throttling import ApiKeyRateThrottle

    expected = ApiKeyRateThrottle.cache_format % {"scope": ApiKeyRateThrottle.scope, "ident": "deadbeef"}
    assert key_cache.throttle_key("deadbeef") == expected == "throttle_api_key_deadbeef"

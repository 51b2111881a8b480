"""The partner keys' rate limit (issue 17.3): every request a key makes is counted, also when many
are served at once, one request's count costs no round trip of its own beside the key's read
(Redis: accounts.rate_limit), and a request whose key is not valid spends nothing of a real key's
rate."""

import os
import threading
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from accounts import key_cache, rate_limit
from accounts.api.throttling import ApiKeyRateThrottle
from accounts.models import ApiKey
from tests.accounts.test_api_keys import URL, client_with, create_key
from tests.conftest import needs_redis

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.api_urls")]


@contextmanager
def key_rate(rate: str):
    saved = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**saved, key_cache.THROTTLE_SCOPE: rate}
    try:
        yield
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved


@contextmanager
def redis_cache():
    """The default cache in the test Redis (CELERY_BROKER_URL's database), under a prefix of this
    test's own, its entries deleted afterwards (never the whole database)."""
    prefix = f"test-rate-{uuid.uuid4().hex}"
    settings = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CELERY_BROKER_URL"],
        "KEY_PREFIX": prefix,
    }
    with override_settings(CACHES={"default": settings}):
        backend = caches["default"]
        try:
            yield backend
        finally:
            client = backend._cache.get_client(write=True)
            names = list(client.scan_iter(match=f"{prefix}:*"))
            if names:
                client.delete(*names)


def window_size(backend, prefix: str) -> int:
    name = backend.make_and_validate_key(rate_limit.window_key(key_cache.throttle_key(prefix)))
    return backend._cache.get_client(name).zcard(name)


def test_the_rate_is_read_from_the_throttle_settings():
    with key_rate("7/minute"):
        assert ApiKeyRateThrottle.key_rate() == (7, 60)
    with key_rate("3/hour"):
        assert ApiKeyRateThrottle.key_rate() == (3, 3600)


def test_without_redis_concurrent_requests_of_a_key_are_all_counted():
    """The local cache (SQLite default, tests): DRF's history, read and written under a lock, so
    threads serving the same key at once lose none of each other's requests."""
    assert rate_limit.redis_cache() is None
    request = mock.Mock(user=None, _request=mock.Mock(caseworks_rate_history=None))

    class FiveAMinute(ApiKeyRateThrottle):
        rate = "5/minute"

        def get_cache_key(self, request, view):
            return "throttle-concurrency-test"

    slow_get = caches["default"].get

    def get(*args, **kwargs):  # widen the read-to-write gap, where a lost update would happen
        value = slow_get(*args, **kwargs)
        threading.Event().wait(0.01)
        return value

    allowed = []
    with mock.patch.object(caches["default"], "get", get):
        threads = [
            threading.Thread(target=lambda: allowed.append(FiveAMinute().allow_request(request, None)))
            for _ in range(12)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(allowed) == [False] * 7 + [True] * 5


@needs_redis()
@pytest.mark.redis
@pytest.mark.parametrize("seconds", [0, 60], ids=["key-cache-off", "key-cache-on"])
def test_with_redis_the_limit_holds_and_the_429_says_when_to_retry(seconds):
    with redis_cache() as backend, override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=seconds), key_rate("2/minute"):
        api = client_with(create_key("Court", "--scopes", "cases:read"))
        responses = [api.get(URL) for _ in range(3)]
        assert [r.status_code for r in responses] == [200, 200, 429]
        assert 0 < int(responses[2]["Retry-After"]) <= 60
        assert window_size(backend, ApiKey.objects.get().prefix) == 2  # the refused request is not added


@needs_redis()
@pytest.mark.redis
def test_with_redis_the_key_and_its_count_are_one_round_trip():
    with redis_cache() as backend, override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=60), key_rate("100/minute"):
        api = client_with(create_key("Court", "--scopes", "cases:read"))
        assert api.get(URL).status_code == 200  # the key's entry cached
        calls = []
        from redis.connection import AbstractConnection

        real = AbstractConnection.send_command

        def spy(self, *args, **kwargs):
            calls.append(args[0])
            return real(self, *args, **kwargs)

        with mock.patch.object(AbstractConnection, "send_command", spy):
            assert api.get(URL).status_code == 200
        assert calls == ["EVALSHA"]
        assert window_size(backend, ApiKey.objects.get().prefix) == 2


@needs_redis()
@pytest.mark.redis
def test_with_redis_concurrent_requests_of_a_key_are_all_counted():
    """Twenty requests of one key at once (threads, each with its own connection to Redis) against
    a limit of eight: exactly eight are allowed (a read-modify-write history would let more
    through, each thread writing back what it read)."""
    with redis_cache() as backend:
        barrier = threading.Barrier(20)
        results: list[bool] = []

        def one():
            barrier.wait()
            results.append(rate_limit.count(backend, "throttle_api_key_concurrent", 8, 60)[1].allowed)

        threads = [threading.Thread(target=one) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False] * 12 + [True] * 8
        name = backend.make_and_validate_key(rate_limit.window_key("throttle_api_key_concurrent"))
        assert backend._cache.get_client(name).zcard(name) == 8


@needs_redis()
@pytest.mark.redis
@pytest.mark.parametrize("seconds", [0, 60], ids=["key-cache-off", "key-cache-on"])
def test_with_redis_a_wrong_secret_or_a_revoked_key_spends_none_of_the_rate(seconds):
    with redis_cache() as backend, override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=seconds), key_rate("2/minute"):
        raw = create_key("Court", "--scopes", "cases:read")
        prefix = ApiKey.objects.get().prefix
        forged = client_with(raw[:-4] + ("0000" if not raw.endswith("0000") else "1111"))
        assert [forged.get(URL).status_code for _ in range(5)] == [401] * 5
        assert window_size(backend, prefix) == 0
        api = client_with(raw)
        assert api.get(URL).status_code == 200
        ApiKey.objects.update(revoked_at=timezone.now())
        assert [api.get(URL).status_code for _ in range(3)] == [401] * 3  # revoked: from the next request
        assert window_size(backend, prefix) == 1


@needs_redis()
@pytest.mark.redis
def test_with_redis_the_script_is_loaded_again_after_the_server_forgot_it():
    with redis_cache() as backend:
        rate_limit._script.sha = "0" * 40  # as after a restart of Redis: NOSCRIPT
        assert rate_limit.count(backend, "throttle_api_key_reload", 1, 60)[1].allowed
        assert not rate_limit.count(backend, "throttle_api_key_reload", 1, 60)[1].allowed
        assert rate_limit._script.sha != "0" * 40


@needs_redis()
@pytest.mark.redis
def test_with_redis_a_history_left_by_an_older_release_does_not_break_the_count():
    """During a rolling deploy an older process still writes its pickled history under the
    throttle's key: the window is a key of its own (no WRONGTYPE), and the key still authenticates."""
    from array import array

    with redis_cache() as backend, override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=60), key_rate("5/minute"):
        api = client_with(create_key("Court", "--scopes", "cases:read"))
        prefix = ApiKey.objects.get().prefix
        backend.set(key_cache.throttle_key(prefix), array("d", [1.0, 2.0]), 60)
        assert [api.get(URL).status_code for _ in range(2)] == [200, 200]
        assert window_size(backend, prefix) == 2

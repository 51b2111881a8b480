import threading
from array import array
from functools import lru_cache

from django.core.cache import cache as default_cache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts import key_cache, rate_limit
from accounts.api.authentication import PartnerPrincipal


class ApiKeyRateThrottle(SimpleRateThrottle):
    """One bucket per API key (rate: CASEWORKS_API_THROTTLE_RATE). Not brute-force protection:
    that is django-axes for people; keys are unguessable."""

    scope = key_cache.THROTTLE_SCOPE

    def get_cache_key(self, request, view):
        if isinstance(request.user, PartnerPrincipal):
            return key_cache.throttle_key(request.user.key.prefix)
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    @classmethod
    def key_rate(cls) -> tuple[int, int] | None:
        """``(limit, seconds)`` of this throttle's rate (None: no rate, nothing counted), read
        before the throttle runs: authentication counts the request with the key's read."""
        return _parsed_rate(getattr(cls, "rate", None) or cls.THROTTLE_RATES.get(cls.scope))

    def allow_request(self, request, view):
        """With Redis as the cache, the request counted in Redis (``accounts.rate_limit``: atomic,
        so concurrent requests of a key are all counted), by authentication in the round trip that
        read the key, else here. With another cache, DRF's (under a lock: the threads of this
        process do not lose each other's requests); where authentication already read the key's
        history with the key itself (``accounts.key_cache``: one cache round trip for both), DRF
        reads that instead."""
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        prefetched = getattr(getattr(request, "_request", None), "caseworks_rate_history", None)
        if isinstance(prefetched, rate_limit.RateCount) and (
            prefetched.name,
            prefetched.limit,
            prefetched.duration,
        ) == (
            self.key,
            self.num_requests,
            self.duration,
        ):
            self.counted = prefetched
            return prefetched.allowed
        backend = rate_limit.redis_cache()
        if backend is not None:
            self.counted = rate_limit.count(backend, self.key, self.num_requests, self.duration)[1]
            return self.counted.allowed
        if isinstance(prefetched, dict):
            self.cache = _Prefetched(prefetched)
        with _history_lock:
            return super().allow_request(request, view)

    def wait(self):
        counted = getattr(self, "counted", None)
        return counted.wait() if counted is not None else super().wait()

    def throttle_success(self):
        """DRF's, the history (a timestamp per request of the window, newest first) stored as an
        ``array("d")``: the cache pickles it as one block of bytes, not float by float. A key at
        600 requests a minute read and wrote 600 pickled floats on every request (13 µs; 3 µs as
        an array), one at the bench's unreachable rate thousands (0.2 ms; issue 17.3). DRF's
        ``allow_request`` and ``wait`` work on it unchanged (``pop``, ``insert``, ``len``, ``[-1]``);
        a list left in the cache by an older release is converted here, on its next request."""
        if not isinstance(self.history, array):
            self.history = array("d", self.history)
        return super().throttle_success()


_history_lock = threading.Lock()


@lru_cache(maxsize=16)
def _parsed_rate(rate: str | None) -> tuple[int, int] | None:
    if rate is None:
        return None
    limit, seconds = SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]  # reads no attribute
    assert limit is not None and seconds is not None
    return limit, seconds


class _Prefetched:
    """The cache as DRF's throttle sees it, for one request: ``get`` answers what authentication
    already read (``{cache key: history or None}``) and asks the cache for any other key; ``set``
    writes."""

    def __init__(self, found: dict):
        self.found = found

    def get(self, key, default=None):
        if key not in self.found:
            return default_cache.get(key, default)
        value = self.found[key]
        return default if value is None else value

    def set(self, key, value, timeout=None):
        default_cache.set(key, value, timeout)


class PublicRateThrottle(AnonRateThrottle):
    """For forms and endpoints the public reaches without an account (CASEWORKS_PUBLIC_THROTTLE_RATE)."""

    scope = "public"

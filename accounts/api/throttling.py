from array import array

from django.core.cache import cache as default_cache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts import key_cache
from accounts.api.authentication import PartnerPrincipal


class ApiKeyRateThrottle(SimpleRateThrottle):
    """One bucket per API key (rate: CASEWORKS_API_THROTTLE_RATE). Not brute-force protection:
    that is django-axes for people; keys are unguessable."""

    scope = key_cache.THROTTLE_SCOPE

    def get_cache_key(self, request, view):
        if isinstance(request.user, PartnerPrincipal):
            return key_cache.throttle_key(request.user.key.prefix)
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        """DRF's; where authentication already read the key's history with the key itself
        (``accounts.key_cache``: one cache round trip for both), DRF reads that instead."""
        prefetched = getattr(getattr(request, "_request", None), "caseworks_rate_history", None)
        if prefetched is not None:
            self.cache = _Prefetched(prefetched)
        return super().allow_request(request, view)

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

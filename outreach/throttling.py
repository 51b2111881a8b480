"""A cache-based limit on the public feedback form, keyed by client address.

The rate is the office's public-form rate (``CASEWORKS_PUBLIC_THROTTLE_RATE``, read through
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"]`` so the API and the forms share one knob).
A fixed window per address: ``cache.add`` starts the window, ``cache.incr`` counts atomically in
Redis and in the local-memory cache.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from core.services import client_ip


def public_rate() -> tuple[int, int]:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("public") or "10/hour"
    num, duration = SimpleRateThrottle.parse_rate(None, rate)
    return int(num), int(duration)


def public_request_allowed(request, *, bucket: str) -> bool:
    """Count this request; False once the address has used up the window."""
    limit, window = public_rate()
    key = f"caseworks:public:{bucket}:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit

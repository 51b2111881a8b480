"""A cache-based rate limit for what the public reaches without an account.

Keyed by client IP (read as django-axes reads it, so a trusted proxy is configured once) and the
rate ``CASEWORKS_PUBLIC_THROTTLE_RATE`` (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"], e.g.
"10/hour"). Fixed window: ``cache.add`` starts the window and ``cache.incr`` counts atomically on
Redis/Memcached. Not brute-force protection for accounts (that is django-axes).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from core.services import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"10/hour" → (10, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def public_rate() -> tuple[int, int]:
    return parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"])


def allow(request, bucket: str) -> bool:
    """Count one hit for this client in ``bucket``; False once over the limit."""
    limit, period = public_rate()
    key = f"cw-public:{bucket}:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=period):
        return True
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return True
    return hits <= limit


def retry_after() -> int:
    return public_rate()[1]

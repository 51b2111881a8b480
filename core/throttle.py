"""One cache-based rate limit for what the public reaches without an account (the complaint form
and status page, the outreach feedback form).

Keyed by client IP (read as django-axes reads it, so a trusted proxy is configured once: see
``core.services.client_ip``) and the office's public rate ``CASEWORKS_PUBLIC_THROTTLE_RATE``, read
through ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"]`` (e.g. "10/hour") so the API and the
forms share one knob. Fixed window per address and bucket: ``cache.add`` starts the window and
``cache.incr`` counts atomically on Redis and in the local-memory cache. Not brute-force protection
for accounts (that is django-axes).
"""

from __future__ import annotations

import ipaddress
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .services import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_RATE = "10/hour"


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/hour" → (10, 3600); the period is read by its first letter (s, m, h, d)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def public_rate() -> tuple[int, int]:
    """(requests, seconds) allowed per client address in one window."""
    rest_framework = cast(dict[str, Any], settings.REST_FRAMEWORK)
    rate = rest_framework.get("DEFAULT_THROTTLE_RATES", {}).get("public") or DEFAULT_RATE
    return parse_rate(rate)


def client_key(request: HttpRequest) -> str:
    """Who is counted: the client's IPv4 address, or the /64 of its IPv6 address (one connection
    holds a whole /64, so per address a client would start a new window with each request)."""
    return address_key(client_ip(request))


def address_key(address: str | None) -> str:
    """``client_key`` of an address already read (``client_ip``)."""
    if not address:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


def allow(request: HttpRequest, bucket: str) -> bool:
    """Count one hit for this client (``client_key``) in ``bucket``; False once over the limit."""
    limit, period = public_rate()
    key = f"cw-public:{bucket}:{client_key(request)}"
    if cache.add(key, 1, timeout=period):
        return True
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return True
    return hits <= limit


def retry_after() -> int:
    """Seconds a refused client should wait (the window's length), for ``Retry-After``."""
    return public_rate()[1]


def refused(request: HttpRequest, template_name: str, context: dict[str, Any] | None = None) -> HttpResponse:
    """The answer to a client over the limit: the app's page, 429 and ``Retry-After``."""
    response = render(request, template_name, context, status=429)
    response["Retry-After"] = str(retry_after())
    return response

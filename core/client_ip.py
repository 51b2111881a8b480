"""The client's address, one reading for everything that keys on it: the public rate limits
(``core.throttle``), the password-reset limit, django-axes (``AXES_CLIENT_IP_CALLABLE``) and the
security log.

``CASEWORKS_CLIENT_IP_HEADERS`` lists the ``request.META`` keys tried in order (default
``REMOTE_ADDR`` alone). Behind the office's reverse proxy add ``HTTP_X_FORWARDED_FOR`` first: each
trusted proxy appends the address it saw, so the client is the ``CASEWORKS_TRUSTED_PROXY_COUNT``-th
entry from the right (1: one proxy). Entries further left were written by the client and are never
believed. A header that is missing, too short or not an address falls through to the next key.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def request_client_ip(request: HttpRequest) -> str | None:
    meta = request.META
    proxies = max(settings.CASEWORKS_TRUSTED_PROXY_COUNT, 1)
    for key in settings.CASEWORKS_CLIENT_IP_HEADERS or ["REMOTE_ADDR"]:
        raw = str(meta.get(key) or "")
        if not raw:
            continue
        if key == "REMOTE_ADDR":
            found = _address(raw)
        else:
            entries = raw.split(",")
            found = _address(entries[-proxies]) if len(entries) >= proxies else None
        if found:
            return found
    return None

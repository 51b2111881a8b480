"""What authenticating a partner request costs, with the key read from the database and from the
shared cache (``accounts.key_cache``), the rate limit included.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_1m CACHE_URL=rediscache://127.0.0.1:6379/9 \\
        .venv/bin/python bench/api_key_auth.py --requests 5000

For each way (``CASEWORKS_API_KEY_CACHE_SECONDS`` 0 and 300) it runs DRF's authentication and the
key's rate limit on the same request, as every partner request does, in alternating blocks of 250
(so that a drift of the host's speed falls on both alike), and prints the CPU per request of this
process and its PostgreSQL backend, and the wall time (which includes the cache server's work).
Without ``CACHE_URL`` the cache is this process's memory, as in tests: not what production runs.
Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("CASEWORKS_API_THROTTLE_RATE", "100000000/minute")

import django  # noqa: E402

django.setup()

from _cpu import cpu_seconds  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from rest_framework.request import Request  # noqa: E402

from accounts.api.authentication import ApiKeyAuthentication  # noqa: E402
from accounts.api.throttling import ApiKeyRateThrottle  # noqa: E402


def one_request(factory: RequestFactory, header: str) -> None:
    request = Request(factory.get("/api/v1/cases/", HTTP_AUTHORIZATION=header))
    principal, _ = ApiKeyAuthentication().authenticate(request)
    request.user = principal
    assert ApiKeyRateThrottle().allow_request(request, None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    from accounts.services import partner_key_create

    _, raw = partner_key_create(
        agency_name="Bench key cache", scopes=["cases:read"], all_counties=True, actor_label="bench/api_key_auth.py"
    )
    header = f"Bearer {raw}"
    factory = RequestFactory()
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; {args.requests} requests each way")
    ways = {"database": 0, "cache": 300}
    wall = dict.fromkeys(ways, 0.0)
    cpu = dict.fromkeys(ways, 0.0)
    block = 250
    for seconds in ways.values():  # warm-up: the statement compiled, the entry cached
        with override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=seconds):
            for _ in range(50):
                one_request(factory, header)
    for number in range(max(1, args.requests // block)):
        for way in ways if number % 2 == 0 else reversed(ways):
            with override_settings(CASEWORKS_API_KEY_CACHE_SECONDS=ways[way]):
                cpu_start, start = cpu_seconds() or 0.0, time.perf_counter()
                for _ in range(block):
                    one_request(factory, header)
                wall[way] += time.perf_counter() - start
                cpu[way] += (cpu_seconds() or 0.0) - cpu_start
    count = max(1, args.requests // block) * block
    for way in ways:
        print(
            f"  key from the {way:8}: CPU {cpu[way] / count * 1e6:6.0f} µs a request (process + its PostgreSQL "
            f"backend), wall {wall[way] / count * 1e6:6.0f} µs"
        )


if __name__ == "__main__":
    main()

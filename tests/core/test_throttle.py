"""core.throttle: the one rate limit of the public forms (complaint form and status page, outreach
feedback), per client address and bucket, at the office's public rate."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from core import throttle


def _rate(rate: str | None):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": rate}
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates})


def _request(ip: str):
    return RequestFactory().post("/public/", REMOTE_ADDR=ip)


@pytest.mark.parametrize(
    ("rate", "expected"), [("10/hour", (10, 3600)), ("3/m", (3, 60)), ("1/day", (1, 86400)), ("5/sec", (5, 1))]
)
def test_rates_read_by_the_periods_first_letter(rate, expected):
    assert throttle.parse_rate(rate) == expected


def test_a_blank_rate_falls_back_to_ten_an_hour():
    with _rate(None):
        assert throttle.public_rate() == (10, 3600)
        assert throttle.retry_after() == 3600


def test_each_address_and_bucket_has_its_own_window():
    with _rate("2/hour"):
        first = _request("203.0.113.5")
        assert [throttle.allow(first, "complaint") for _ in range(3)] == [True, True, False]
        # another bucket and another address are counted apart
        assert throttle.allow(first, "feedback") is True
        assert throttle.allow(_request("203.0.113.6"), "complaint") is True
        assert throttle.retry_after() == 3600


def test_an_ipv6_client_is_counted_by_its_slash_64_not_by_each_address():
    """One IPv6 connection holds a whole /64 (2^64 addresses): counted per address, a client would
    get a fresh window for every request by changing the last bits."""
    from django.core.cache import cache

    cache.clear()
    with _rate("1/hour"):
        assert throttle.allow(_request("2001:db8:1:2::1"), "complaint") is True
        assert throttle.allow(_request("2001:db8:1:2:ffff:ffff:ffff:fffe"), "complaint") is False
        # another /64 is another client
        assert throttle.allow(_request("2001:db8:1:3::1"), "complaint") is True
        # IPv4 addresses stay one window each
        assert throttle.allow(_request("203.0.113.7"), "complaint") is True
        assert throttle.allow(_request("203.0.113.8"), "complaint") is True

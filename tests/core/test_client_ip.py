"""core.services.client_ip: the client's address for the public rate limits, the password-reset limit,
django-axes and the security log — REMOTE_ADDR, or, behind the office's proxy, the address that proxy
saw (``CASEWORKS_CLIENT_IP_HEADERS``, ``CASEWORKS_TRUSTED_PROXY_COUNT``), never one the client wrote."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from core import throttle
from core.services import client_ip

PROXY = "10.0.0.5"
BEHIND_PROXY = override_settings(CASEWORKS_CLIENT_IP_HEADERS=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"])


def _request(forwarded: str | None = None, remote: str = PROXY):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/public/", REMOTE_ADDR=remote, **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    assert client_ip(_request("198.51.100.77", remote="203.0.113.9")) == "203.0.113.9"


@BEHIND_PROXY
def test_behind_the_proxy_each_client_is_the_address_the_proxy_saw():
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("203.0.113.10")) == "203.0.113.10"


@BEHIND_PROXY
def test_an_address_the_client_wrote_itself_is_not_believed():
    # the client sent "X-Forwarded-For: 198.51.100.77"; the proxy appended the address it saw
    assert client_ip(_request("198.51.100.77, 203.0.113.9")) == "203.0.113.9"


@override_settings(CASEWORKS_CLIENT_IP_HEADERS=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"], CASEWORKS_TRUSTED_PROXY_COUNT=2)
def test_two_proxies_each_append_an_address():
    assert client_ip(_request("198.51.100.77, 203.0.113.9, 10.0.0.4")) == "203.0.113.9"


@BEHIND_PROXY
@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.9\r\nX: y", "unknown, ", "999.1.1.1"])
def test_a_missing_or_malformed_header_falls_back_to_the_next_source(forwarded):
    assert client_ip(_request(forwarded)) == PROXY


@BEHIND_PROXY
@pytest.mark.django_db
def test_the_public_rate_is_counted_per_client_behind_the_proxy():
    from django.core.cache import cache

    cache.clear()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "1/hour"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        assert throttle.allow(_request("203.0.113.9"), "status") is True
        # another member of the public, through the same proxy: a window of their own
        assert throttle.allow(_request("203.0.113.10"), "status") is True
        # the first one again, with a made-up address in front: still the first one's window
        assert throttle.allow(_request("198.51.100.1, 203.0.113.9"), "status") is False

"""Password reset by e-mail for staff (issue 12.4): Django's token views, rate limited, and the
answer never says whether an address belongs to anyone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core.models import AccessLog

pytestmark = pytest.mark.django_db

OLD, NEW = "the old password 123", "a brand new passphrase 456"


@pytest.fixture
def staff(make_user):
    user = make_user(Role.CASEWORKER, email="worker@county.example.gov")
    user.set_password(OLD)
    user.save()
    return user


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def post(email: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email}, **extra)

    return post


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_a_known_address_gets_a_link_that_sets_a_new_password_once(client, staff, ask):
    response = ask("Worker@County.example.gov")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["worker@county.example.gov"]
    assert staff.username in mail.outbox[0].body

    path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")

    staff.refresh_from_db()
    assert staff.check_password(NEW) and not staff.check_password(OLD)
    stages = list(
        AccessLog.objects.filter(kind=AccessLog.Kind.PASSWORD_RESET)
        .order_by("id")
        .values_list("detail__stage", "username")
    )
    assert stages == [("requested", ""), ("completed", staff.username)]
    reused = client.get("/" + path, follow=True)
    assert b"This link does not work" in reused.content


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, staff, ask):
    known = ask("worker@county.example.gov")
    unknown = ask("nobody@county.example.gov")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mail.outbox) == 1
    page_known = client.get(known.url).content
    page_unknown = client.get(unknown.url).content
    assert page_known == page_unknown


def test_an_inactive_user_gets_no_mail(staff, ask):
    staff.is_active = False
    staff.save()
    assert ask("worker@county.example.gov").status_code == 302
    assert mail.outbox == []


def test_requests_per_address_are_limited_without_saying_so(staff, ask, settings):
    for _ in range(settings.CASEWORKS_PASSWORD_RESET_PER_ADDRESS_HOURLY + 2):
        response = ask("worker@county.example.gov")
        assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == settings.CASEWORKS_PASSWORD_RESET_PER_ADDRESS_HOURLY
    limited = AccessLog.objects.filter(kind=AccessLog.Kind.PASSWORD_RESET, detail__rate_limited=True).count()
    assert limited == 2


def test_requests_per_client_address_are_limited(ask, settings):
    settings.CASEWORKS_PASSWORD_RESET_PER_IP_HOURLY = 3
    for i in range(3):
        assert ask(f"someone{i}@example.org").status_code == 302
    refused = ask("someone9@example.org")
    assert refused.status_code == 429 and b"Too many password reset requests" in refused.content
    assert ask("someone9@example.org", REMOTE_ADDR="10.9.9.9").status_code == 302  # another client


def test_an_ipv6_client_is_limited_by_its_slash_64(ask, settings):
    # one connection holds a whole /64: a new address per request is the same client
    settings.CASEWORKS_PASSWORD_RESET_PER_IP_HOURLY = 1
    assert ask("someone1@example.org", REMOTE_ADDR="2001:db8:5:6::1").status_code == 302
    assert ask("someone2@example.org", REMOTE_ADDR="2001:db8:5:6::2").status_code == 429
    assert ask("someone3@example.org", REMOTE_ADDR="2001:db8:5:7::1").status_code == 302  # another client


def test_the_limit_window_passes(staff, ask, settings):
    settings.CASEWORKS_PASSWORD_RESET_PER_ADDRESS_HOURLY = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask("worker@county.example.gov")
        ask("worker@county.example.gov")
        assert len(mail.outbox) == 1
        clock.shift(timedelta(hours=1, seconds=1))
        ask("worker@county.example.gov")
    assert len(mail.outbox) == 2


def test_a_link_expires(client, staff, ask, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask("worker@county.example.gov")
        path = "/" + link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
        clock.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        page = client.get(path, follow=True)
    assert b"This link does not work" in page.content


def test_a_reset_does_not_sign_in_or_skip_the_second_factor(client, staff, ask, settings):
    settings.CASEWORKS_MFA_REQUIRED = True
    ask("worker@county.example.gov")
    path = "/" + link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert client.get(reverse("core:home")).url.startswith(reverse("login"))
    client.post(reverse("login"), {"username": staff.username, "password": NEW})
    assert client.get(reverse("core:home")).url.startswith(reverse("mfa_setup"))


def test_a_weak_new_password_is_refused(client, staff, ask):
    ask("worker@county.example.gov")
    path = "/" + link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    form = client.get(path, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(OLD)


def test_the_sign_in_page_links_to_the_reset(client):
    assert reverse("password_reset").encode() in client.get(reverse("login")).content

"""Demo credentials never work in production (issue 12.6)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.checks import demo_accounts_check
from accounts.demo import DEMO_HOME_COUNTY
from accounts.models import User
from core.models import AccessLog

pytestmark = pytest.mark.django_db
PASSWORD = "published demo password 1"


@pytest.fixture
def demo_user(make_user):
    user = make_user("caseworker", username="demo_caseworker", is_demo=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_demo_logins_are_off_outside_local_settings():
    assert settings.CASEWORKS_DEMO_LOGINS is False
    from config.settings import base

    assert base.CASEWORKS_DEMO_LOGINS is False


def test_demo_account_is_refused_with_the_right_password(client, demo_user):
    response = _sign_in(client, demo_user)
    # refused exactly like a wrong password (nothing tells a stranger the account exists) ...
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session
    # ... and logged: the failed sign-in, and a denial naming the reason
    assert AccessLog.objects.filter(kind=AccessLog.Kind.LOGIN_FAILED, username=demo_user.username).count() == 1
    denial = AccessLog.objects.get(kind=AccessLog.Kind.ACCESS_DENIED)
    assert (denial.username, denial.detail["reason"]) == (demo_user.username, "demo_account")


def test_wrong_password_on_a_demo_account_writes_no_demo_denial(client, demo_user):
    _sign_in(client, demo_user, password="wrong")
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.ACCESS_DENIED).exists()


@override_settings(CASEWORKS_DEMO_LOGINS=True)
def test_demo_account_signs_in_when_demo_logins_are_on(client, demo_user):
    response = _sign_in(client, demo_user)
    assert response.status_code == 302 and response.url == reverse("core:home")


def test_an_open_demo_session_ends_when_demo_logins_are_off(client, demo_user):
    with override_settings(CASEWORKS_DEMO_LOGINS=True):
        assert _sign_in(client, demo_user).status_code == 302
        assert client.get(reverse("core:home")).status_code == 200
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_ordinary_staff_sign_in_is_unaffected(client, make_user):
    user = make_user("trainer")
    user.set_password(PASSWORD)
    user.save()
    assert _sign_in(client, user).status_code == 302


@pytest.mark.slow  # started first (tests/conftest.py): 2.5-9 CPU-s, not left for the run's end
def test_seed_demo_flags_its_users_and_gives_them_counties():
    call_command("seed_demo", "--password", "demo-pass-123", "--seed", "1")
    demo = User.objects.filter(is_demo=True)
    assert demo.count() >= 9 and not demo.filter(county="").exists()
    workers = demo.filter(groups__name="caseworker")
    assert workers.count() == 2
    assert set(workers.values_list("county", flat=True)) == {DEMO_HOME_COUNTY[settings.CASEWORKS_JURISDICTION]}
    from cases.models import Case

    # both caseworkers have a caseload in their county, and the demo has another county's cases
    home = DEMO_HOME_COUNTY[settings.CASEWORKS_JURISDICTION]
    for worker in workers:
        assert Case.objects.filter(caseworker=worker, county=home).exists()
    assert Case.objects.exclude(county=home).exists()


def test_demo_home_county_is_the_first_generated_county():
    from cases.generate import COUNTIES

    assert {j: c[0] for j, c in COUNTIES.items()} == DEMO_HOME_COUNTY


def test_deploy_check_warns_when_demo_users_exist(demo_user):
    assert [m.id for m in demo_accounts_check()] == ["accounts.W003"]
    assert "demo_caseworker" in demo_accounts_check()[0].msg
    User.objects.filter(pk=demo_user.pk).update(is_active=False)
    assert demo_accounts_check() == []


@override_settings(CASEWORKS_DEMO_LOGINS=True, DEBUG=False)
def test_deploy_check_errors_when_demo_logins_are_on_without_debug():
    assert [m.id for m in demo_accounts_check()] == ["accounts.E002"]

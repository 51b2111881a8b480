"""Multi-factor sign-in for staff (issue 12.4): enrolment, codes, recovery codes, exemptions,
lockout, administrator reset; the partner API and public forms unaffected."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP

from accounts.choices import Role
from accounts.models import AuthenticatorDevice, RecoveryCodeDevice
from core.models import AccessLog, DomainEvent
from tests.conftest import STAFF_ROLES

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 12, 1, 14, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.CASEWORKS_MFA_REQUIRED = True
    settings.CASEWORKS_MFA_EXEMPT_ROLES = []
    return settings


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(make_user):
    def make(role: str = Role.CASEWORKER, username: str | None = None):
        user = make_user(role, username=username)
        user.set_password(PASSWORD)
        user.email = f"{user.username}@county.example.gov"
        user.save()
        return user

    return make


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def code_for(device: AuthenticatorDevice, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, 30, 0, 6, 0)
    totp.time = datetime.now(UTC).timestamp() + offset_steps * 30
    return f"{totp.token():06d}"


def wrong_code(device: AuthenticatorDevice) -> str:
    near = {code_for(device, k) for k in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def enrol(client, user, clock) -> tuple[AuthenticatorDevice, list[str]]:
    """Sign in and enrol; returns the device and the recovery codes shown."""
    sign_in(client, user)
    client.get(reverse("mfa_setup"))
    device = AuthenticatorDevice.objects.get(user=user)
    response = client.post(reverse("mfa_setup"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li class=\"col\">([a-z2-9]{5}-[a-z2-9]{5})</li>", response.content.decode())
    return device, codes


def enrolled(client, user, clock) -> tuple[AuthenticatorDevice, list[str]]:
    device, codes = enrol(client, user, clock)
    client.post(reverse("logout"))
    clock.shift(60)  # the next code is a new one
    return device, codes


# --- required for every staff role, enrolment at the first sign-in ------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_is_sent_to_enrol_after_the_password(client, staff, role):
    user = staff(role)
    sign_in(client, user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_setup')}?next=%2F"


def test_enrolment_shows_a_qr_code_and_key_then_confirms_with_a_code(client, staff, clock):
    user = staff()
    sign_in(client, user)
    page = client.get(reverse("mfa_setup") + "?next=/cases/")
    assert page.status_code == 200
    body = page.content.decode()
    device = AuthenticatorDevice.objects.get(user=user)
    assert not device.confirmed
    assert "<svg" in body and "QR code for your authenticator app" in body
    assert " ".join(device.base32_key[i : i + 4] for i in range(0, 32, 4)) in body
    assert "style=" not in body.split('data-testid="mfa-qr"')[1].split("</figure>")[0]  # CSP: no inline styles

    confirmed = client.post(reverse("mfa_setup"), {"code": code_for(device), "next": "/cases/"})

    assert confirmed.status_code == 200
    codes = re.findall(r"<li class=\"col\">([a-z2-9]{5}-[a-z2-9]{5})</li>", confirmed.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/cases/"' in confirmed.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert RecoveryCodeDevice.objects.get(user=user).remaining == 10
    assert client.get(reverse("core:home")).status_code == 200
    log = AccessLog.objects.get(kind=AccessLog.Kind.MFA_ENROLLED)
    assert (log.username, log.object_id, log.detail["recovery_codes"]) == (user.username, str(user.pk), 10)


def test_enrolment_refuses_a_wrong_code(client, staff, clock):
    user = staff()
    sign_in(client, user)
    client.get(reverse("mfa_setup"))
    device = AuthenticatorDevice.objects.get(user=user)
    response = client.post(reverse("mfa_setup"), {"code": wrong_code(device)})
    assert response.status_code == 200
    assert b"That code is not valid" in response.content
    assert not AuthenticatorDevice.objects.get(user=user).confirmed
    assert client.get(reverse("core:home")).status_code == 302


def test_a_lapsed_enrolment_gets_a_new_secret_and_the_old_one_is_refused(client, staff, clock, settings):
    user = staff()
    sign_in(client, user)
    client.get(reverse("mfa_setup"))
    old = AuthenticatorDevice.objects.get(user=user)
    old_key = old.key

    clock.shift(settings.CASEWORKS_MFA_ENROLMENT_SECONDS + 1)
    stale_code = code_for(old)  # what the app set up with the old secret shows now
    response = client.post(reverse("mfa_setup"), {"code": stale_code})

    assert response.status_code == 200 and b"lapsed" in response.content
    new = AuthenticatorDevice.objects.get(user=user)
    assert not new.confirmed and new.key != old_key
    assert " ".join(new.base32_key[i : i + 4] for i in range(0, 32, 4)) in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    # the new secret works
    clock.shift(30)
    assert client.post(reverse("mfa_setup"), {"code": code_for(new)}).status_code == 200
    assert AuthenticatorDevice.objects.get(user=user).confirmed


def test_an_enrolled_user_cannot_replace_the_authenticator_without_a_reset(client, staff, clock):
    user = staff()
    device, _ = enrolled(client, user, clock)
    sign_in(client, user)
    response = client.get(reverse("mfa_setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_verify"))
    assert AuthenticatorDevice.objects.get(user=user).key == device.key


def test_the_secret_and_recovery_codes_are_not_stored_in_clear(client, staff, clock):
    user = staff()
    device, codes = enrol(client, user, clock)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        raw_key = cursor.fetchone()[0]
        cursor.execute("SELECT hashed_codes FROM accounts_recoverycodedevice WHERE user_id = %s", [user.pk])
        raw_codes = cursor.fetchone()[0]
    assert device.key not in raw_key and len(device.key) == 40
    stored = raw_codes if isinstance(raw_codes, str) else json.dumps(raw_codes)
    assert not any(c.replace("-", "") in stored or c in stored for c in codes)


# --- the second step at every sign-in --------------------------------------------------------------


def test_an_enrolled_user_gives_a_code_after_the_password(client, staff, clock):
    user = staff()
    device, _ = enrolled(client, user, clock)
    sign_in(client, user)
    blocked = client.get(reverse("complaints:complaint_list"))
    assert blocked.status_code == 302
    assert blocked.url == f"{reverse('mfa_verify')}?next=%2Fcomplaints%2F"

    response = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": "/complaints/"})

    assert response.status_code == 302 and response.url == "/complaints/"
    assert client.get(reverse("core:home")).status_code == 200
    log = AccessLog.objects.filter(kind=AccessLog.Kind.MFA_VERIFIED).get()
    assert (log.username, log.detail["method"]) == (user.username, "totp")


def test_a_wrong_code_is_refused_and_logged_as_a_failed_sign_in(client, staff, clock):
    user = staff()
    device, _ = enrolled(client, user, clock)
    sign_in(client, user)
    response = client.post(reverse("mfa_verify"), {"code": wrong_code(device)})
    assert response.status_code == 200 and b"That code is not valid" in response.content
    assert client.get(reverse("core:home")).status_code == 302
    failure = AccessLog.objects.get(kind=AccessLog.Kind.LOGIN_FAILED)
    assert (failure.username, failure.detail, failure.outcome) == (user.username, {"stage": "mfa"}, "failure")


def test_a_code_is_accepted_once_never_replayed(client, staff, clock):
    user = staff()
    device, _ = enrolled(client, user, clock)
    sign_in(client, user)
    code = code_for(device)
    assert client.post(reverse("mfa_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))

    clock.shift(5)  # same 30-second step: the same code is still current
    sign_in(client, user)
    replay = client.post(reverse("mfa_verify"), {"code": code})

    assert replay.status_code == 200 and b"That code is not valid" in replay.content
    assert client.get(reverse("core:home")).status_code == 302


def test_a_recovery_code_works_once(client, staff, clock):
    user = staff()
    _, codes = enrolled(client, user, clock)
    sign_in(client, user)
    used = client.post(reverse("mfa_verify"), {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert used.redirect_chain[-1][0] == reverse("core:home")
    assert b"Recovery code accepted; 9 left." in used.content
    assert AccessLog.objects.get(kind=AccessLog.Kind.MFA_VERIFIED).detail == {
        "method": "recovery_code",
        "recovery_codes_left": 9,
    }
    client.post(reverse("logout"))

    clock.shift(5)
    sign_in(client, user)
    again = client.post(reverse("mfa_verify"), {"code": codes[0]})

    assert again.status_code == 200 and b"That code is not valid" in again.content
    assert RecoveryCodeDevice.objects.get(user=user).remaining == 9
    clock.shift(5)  # after the throttle's short wait, another unused code still works
    assert client.post(reverse("mfa_verify"), {"code": codes[1]}).status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, staff, clock, settings):
    user = staff()
    device, _ = enrolled(client, user, clock)
    sign_in(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("mfa_verify"), {"code": wrong_code(device)}).status_code == 200
        clock.shift(10)
    locked = client.post(reverse("mfa_verify"), {"code": wrong_code(device)})

    assert locked.status_code == 429
    assert client.get(reverse("core:home")).url.startswith(reverse("login"))  # the session ended
    again = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert again.status_code == 429  # and the right password is refused for the lockout period


def test_the_next_address_must_be_on_this_site(client, staff, clock):
    user = staff()
    device, _ = enrolled(client, user, clock)
    sign_in(client, user)
    response = client.post(reverse("mfa_verify"), {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("core:home")


def test_the_admin_site_also_needs_the_second_factor(client, role_user, clock):
    admin = role_user(Role.ADMINISTRATOR)
    admin.set_password(PASSWORD)
    admin.save()
    sign_in(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_setup"))


# --- exemptions, and what MFA leaves alone --------------------------------------------------------


def test_an_exempt_role_signs_in_with_the_password_alone(client, staff, settings):
    settings.CASEWORKS_MFA_EXEMPT_ROLES = [Role.TRAINER]
    trainer = staff(Role.TRAINER)
    sign_in(client, trainer)
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("mfa_verify")).status_code == 302  # nothing to do there


def test_holding_one_role_that_is_not_exempt_means_mfa(client, staff, settings):
    from django.contrib.auth.models import Group

    settings.CASEWORKS_MFA_EXEMPT_ROLES = [Role.TRAINER]
    user = staff(Role.TRAINER)
    user.groups.add(Group.objects.get(name=Role.CASEWORKER))
    sign_in(client, user)
    assert client.get(reverse("core:home")).url.startswith(reverse("mfa_setup"))


def test_off_by_setting_the_suite_and_demo_sign_in_with_a_password(client, staff, settings):
    settings.CASEWORKS_MFA_REQUIRED = False
    sign_in(client, staff())
    assert client.get(reverse("core:home")).status_code == 200


def test_partner_api_keys_are_unaffected(api_client_with):
    api = api_client_with("cases:read")
    assert api.get("/api/v1/cases/").status_code == 200


def test_public_forms_are_unaffected_even_mid_sign_in(client, staff):
    assert client.get(reverse("complaints:public_form")).status_code == 200
    sign_in(client, staff())  # password given, second factor not yet
    assert client.get(reverse("complaints:public_form")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


# --- administrator reset ---------------------------------------------------------------------------


def test_an_administrator_resets_mfa_and_it_is_audited(client, staff, role_user, clock):
    user = staff()
    enrolled(client, user, clock)
    target_client = client.__class__()
    sign_in(target_client, user)
    device = AuthenticatorDevice.objects.get(user=user)
    assert target_client.post(reverse("mfa_verify"), {"code": code_for(device)}).status_code == 302
    admin = role_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    # (force_login skips the second step; the page under test is the admin action)
    from django.test import override_settings

    with override_settings(CASEWORKS_MFA_REQUIRED=False):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_mfa", "_selected_action": [user.pk]},
            follow=True,
        )

    assert response.status_code == 200 and b"Multi-factor sign-in reset for 1 user(s)" in response.content
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()
    log = AccessLog.objects.get(kind=AccessLog.Kind.MFA_RESET)
    assert (log.user, log.object_type, log.object_id, log.detail["devices_removed"]) == (
        admin,
        "accounts.User",
        str(user.pk),
        2,
    )
    assert DomainEvent.objects.filter(verb="user.mfa_reset", actor=admin).count() == 1
    # the user's verified session lost its second factor: they enrol again
    assert target_client.get(reverse("core:home")).url.startswith(reverse("mfa_setup"))


def test_only_users_who_may_change_users_can_reset(client, staff, role_user, clock, settings):
    user = staff()
    enrolled(client, user, clock)
    coordinator = role_user(Role.COORDINATOR)  # may view users, not change them
    coordinator.is_staff = True
    coordinator.save()
    settings.CASEWORKS_MFA_REQUIRED = False
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "reset_mfa", "_selected_action": [user.pk]}
    )
    assert response.status_code in (200, 302, 403)
    assert AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.MFA_RESET).exists()


# --- deploy checks ---------------------------------------------------------------------------------


def test_deploy_check_warns_when_mfa_is_off_or_a_role_is_exempt(settings):
    from accounts.checks import mfa_exempt_roles_are_known, mfa_required_for_every_role

    assert mfa_required_for_every_role() == []
    settings.CASEWORKS_MFA_REQUIRED = False
    settings.CASEWORKS_MFA_EXEMPT_ROLES = ["trainer"]
    assert [w.id for w in mfa_required_for_every_role()] == ["accounts.W001", "accounts.W002"]
    settings.CASEWORKS_MFA_EXEMPT_ROLES = ["trainre"]
    assert [e.id for e in mfa_exempt_roles_are_known()] == ["accounts.E001"]


def test_admin_lists_devices_without_their_secret(client, staff, role_user, clock, settings):
    user = staff()
    device, codes = enrol(client, user, clock)
    settings.CASEWORKS_MFA_REQUIRED = False
    client.force_login(role_user(Role.ADMINISTRATOR))
    page = client.get(reverse("admin:accounts_authenticatordevice_change", args=[device.pk])).content.decode()
    assert str(user) in page and device.key not in page and device.base32_key not in page
    recovery = RecoveryCodeDevice.objects.get(user=user)
    page = client.get(reverse("admin:accounts_recoverycodedevice_change", args=[recovery.pk])).content.decode()
    assert "10" in page and codes[0] not in page and recovery.hashed_codes[0] not in page


def test_the_menu_is_hidden_until_the_second_factor(client, staff, clock):
    user = staff()
    sign_in(client, user)
    page = client.get(reverse("complaints:public_form")).content.decode()
    assert 'id="main-nav"' not in page and reverse("password_change") not in page
    client.get(reverse("mfa_setup"))
    client.post(reverse("mfa_setup"), {"code": code_for(AuthenticatorDevice.objects.get(user=user))})
    assert 'id="main-nav"' in client.get(reverse("core:home")).content.decode()

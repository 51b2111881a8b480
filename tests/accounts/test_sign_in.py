import html
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.choices import Role
from core.models import AccessLog
from core.navigation import menu_for

pytestmark = pytest.mark.django_db


def test_sign_in_logs_success_and_failure(client, make_user):
    user = make_user("caseworker")
    user.set_password("correct horse battery")
    user.save()
    bad = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert bad.status_code == 200
    assert b"Please enter a correct username and password" in bad.content
    ok = client.post(reverse("login"), {"username": user.username, "password": "correct horse battery"})
    assert ok.status_code == 302 and ok.url == reverse("core:home")
    kinds = list(AccessLog.objects.filter(kind__startswith="login").order_by("id").values_list("kind", "username"))
    assert kinds == [("login_failed", user.username), ("login", user.username)]


def test_three_failures_lock_the_username(client, make_user):
    user = make_user("caseworker")
    user.set_password("correct horse battery")
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": user.username, "password": "correct horse battery"})
    assert locked.status_code == 429
    assert b"Account locked" in locked.content


def test_passwords_are_hashed_with_argon2_in_production():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_session_expires_after_inactivity_and_absolute_lifetime(client_as):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.CASEWORKS_SESSION_TOUCH_SECONDS <= 60
    client = client_as("caseworker")
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session["caseworks_session_started"] = int(time.time()) - settings.CASEWORKS_SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_disabled_user_is_signed_out(client_as, role_user):
    client = client_as("caseworker")
    user = role_user("caseworker")
    user.is_active = False
    user.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302


def test_password_change_is_logged(client, make_user):
    user = make_user("trainer")
    user.set_password("old password 123!")
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old password 123!",
            "new_password1": "a much longer new secret 9",
            "new_password2": "a much longer new secret 9",
        },
    )
    assert response.status_code == 302
    assert AccessLog.objects.filter(kind="password_change", username=user.username).exists()


def test_navigation_shows_only_what_the_role_may_open(client_as, role_user):
    # The security log is the security officer's (core.view_security_log), not a supervisor's whose reads it audits.
    administrator_items = [i.url_name for _, items in menu_for(role_user("administrator")) for i in items]
    coordinator_items = [i.url_name for _, items in menu_for(role_user("coordinator")) for i in items]
    trainer_items = [i.url_name for _, items in menu_for(role_user("trainer")) for i in items]
    assert "core:audit_access" in administrator_items
    assert "core:audit_access" not in coordinator_items and "core:audit_events" in coordinator_items
    assert "core:audit_access" not in trainer_items
    page = client_as("trainer").get(reverse("core:home")).content.decode()
    assert reverse("core:audit_access") not in page


@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.PARTNER_AGENCY])
def test_every_role_sees_exactly_its_menu_on_its_pages(client_as, role_user, role):
    page = client_as(role).get(reverse("core:home")).content.decode()
    nav = page[page.index('id="main-nav"') : page.index("</nav>", page.index('id="main-nav"'))]
    shown = sorted(html.unescape(label).strip() for label in re.findall(r'<a class="nav-link[^>]*>([^<]*)</a>', nav))
    expected = sorted(item.label for _, items in menu_for(role_user(role)) for item in items)
    assert [label for label in shown if label not in {"Home", "Administration"}] == expected


def test_csrf_is_enforced_on_sign_in(make_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_docs_roles_md_matches_the_declared_permissions():
    from pathlib import Path

    from accounts.management.commands.roles_matrix import render

    doc = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
    assert doc.read_text() == render(), "Run: python manage.py roles_matrix > docs/roles.md"


def test_role_groups_hold_exactly_their_declared_permissions():
    from django.contrib.auth.models import Group

    from accounts.roles import sync_roles

    counts = sync_roles()
    for name, count in counts.items():
        assert Group.objects.get(name=name).permissions.count() == count
    assert counts["partner_agency"] == 0
    assert Group.objects.get(name="coordinator").permissions.filter(codename="view_accesslog").exists()
    assert not Group.objects.get(name="caseworker").permissions.filter(codename="view_accesslog").exists()


def test_a_plain_get_does_not_write_the_session_but_activity_slides_the_idle_expiry(client_as):
    """17.3: no session write per page; the idle expiry still moves with activity (at most
    CASEWORKS_SESSION_TOUCH_SECONDS late), so an active user is not signed out at 30 minutes."""
    from django.contrib.sessions.models import Session

    client = client_as("caseworker")
    assert client.get(reverse("core:home")).status_code == 200
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    Session.objects.filter(session_key=key).update(expire_date=expiry)  # unchanged baseline
    assert client.get(reverse("core:home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == expiry  # touched < 60 s ago: no write
    session = client.session
    session["caseworks_session_seen"] = int(time.time()) - settings.CASEWORKS_SESSION_TOUCH_SECONDS
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    assert client.get(reverse("core:home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date >= saved  # slid ahead
    assert client.session["caseworks_session_seen"] >= int(time.time()) - 5

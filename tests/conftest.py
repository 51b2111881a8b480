"""Shared fixtures: a fixed cast of staff users, one per role, and partner API clients."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import User
from accounts.services import partner_key_create

# Timing is not what property tests check: a busy CI machine must not fail them.
hypothesis_settings.register_profile("caseworks", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("caseworks")

STAFF_ROLES = [r for r in Role if r != Role.PARTNER_AGENCY]


def pytest_sessionfinish(session):
    """Django removes the SQLite test database file but not its WAL and shared-memory files."""
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and test_name:
        for suffix in ("-wal", "-shm"):
            Path(f"{test_name}{suffix}").unlink(missing_ok=True)


def needs_postgres():
    return pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)",
    )


def needs_redis():
    return pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"),
        reason="needs a real Redis broker: set CELERY_BROKER_URL=redis://... (CI does)",
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and lockouts live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# The cast works in one county (the factories' cases are in it too); pass ``county=""`` for a user
# without one (who sees no county's cases: cases.models.scope).
CAST_COUNTY = "Albany"


@pytest.fixture
def make_user(db):
    def make(role: str | None = None, username: str | None = None, **fields) -> User:
        name = username or (f"{role}_user" if role else "norole_user")
        fields.setdefault("county", CAST_COUNTY)
        user, _ = User.objects.get_or_create(username=name, defaults={"first_name": name.title(), **fields})
        if role:
            user.groups.add(Group.objects.get(name=str(role)))
        return user

    return make


@pytest.fixture
def role_user(make_user):
    """``role_user("caseworker")`` → the cast member for that role (superuser for administrator)."""

    def get(role: str) -> User:
        user = make_user(role)
        if str(role) == Role.ADMINISTRATOR and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save()
        return user

    return get


@pytest.fixture
def client_as(client, role_user):
    """``client_as("coordinator")`` → Django test client signed in as that role."""

    def sign_in(role: str):
        client.force_login(role_user(role))
        return client

    return sign_in


@pytest.fixture
def api_client_with(db):
    """``api_client_with("cases:read", agency="Family Court", kind="court")`` → an APIClient with a key
    for the cast's county (``counties=[...]`` for others, ``all_counties=True`` for a state-wide key)."""

    def make(*scopes: str, agency: str = "Test Agency", kind: str = "other", counties=(CAST_COUNTY,),
             all_counties: bool = False) -> APIClient:
        key, raw = partner_key_create(agency_name=agency, scopes=list(scopes), kind=kind,
                                      counties=[] if all_counties else list(counties), all_counties=all_counties)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        api.key = key
        return api

    return make

"""Shared fixtures: a fixed cast of staff users, one per role, and partner API clients."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
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


# Tests that share one resource run on one xdist worker (``--dist loadgroup``): the browser tests
# (one Chromium at a time keeps a 2-core machine responsive) and the tests that start a real
# Celery worker on the shared Redis broker (two such workers would take each other's tasks).
XDIST_GROUPS = {"browser": "browser", "redis": "broker", "chaos": "broker"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the xdist_group markers into node ids
def pytest_collection_modifyitems(config, items):
    # The chaos tests kill and restart real worker processes and switch this process's broker: they
    # run in a pytest process of their own (.ci/run, CASEWORKS_CHAOS=1), not among the suite's tests.
    chaos_off = pytest.mark.skip(reason="chaos tests run on their own: CASEWORKS_CHAOS=1 (see .ci/run)")
    for item in items:
        if item.get_closest_marker("chaos") is not None and os.environ.get("CASEWORKS_CHAOS") != "1":
            item.add_marker(chaos_off)
        for marker, group in XDIST_GROUPS.items():
            if item.get_closest_marker(marker) is not None:
                item.add_marker(pytest.mark.xdist_group(group))
                break


ROOT = Path(__file__).resolve().parent.parent


def _sqlite_template() -> Path:
    """A migrated SQLite database, built once per set of migrations and copied for each test run.

    Applying the migrations renders Django's model states operation by operation: about a minute of
    CPU that every run and every xdist worker would otherwise pay again. The template is keyed by
    the migration files and Django's version and built under a lock (one worker builds, the others
    wait and copy); the run itself still migrates its copy (nothing left to apply) so the
    post-migrate set-up (roles, schedules, reference data) runs as usual."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    local = ROOT / ".local"
    local.mkdir(exist_ok=True)
    template = local / f"test-template-{digest.hexdigest()[:16]}.sqlite3"
    with open(local / "test-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": f"sqlite:///{building}",
            }
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            for old in local.glob("test-template-*.sqlite3"):
                old.unlink()
            building.rename(template)
    return template


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings):
    """On SQLite, start from the migrated template (see ``_sqlite_template``) unless --create-db."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    reuse = bool(request.config.getvalue("reuse_db")) and not request.config.getvalue("create_db")
    if not database["ENGINE"].endswith("sqlite3") or request.config.getvalue("create_db") or reuse:
        return reuse
    name = database["TEST"]["NAME"]
    shutil.copyfile(_sqlite_template(), name)
    request.config._caseworks_copied_db = name
    return True


def pytest_sessionfinish(session):
    """Remove the SQLite test database (a template copy is kept by keepdb) and its WAL files."""
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and test_name:
        suffixes = ("-wal", "-shm", "") if getattr(session.config, "_caseworks_copied_db", None) else ("-wal", "-shm")
        for suffix in suffixes:
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

    def make(
        *scopes: str,
        agency: str = "Test Agency",
        kind: str = "other",
        counties=(CAST_COUNTY,),
        all_counties: bool = False,
    ) -> APIClient:
        key, raw = partner_key_create(
            agency_name=agency,
            scopes=list(scopes),
            kind=kind,
            counties=[] if all_counties else list(counties),
            all_counties=all_counties,
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        api.key = key
        return api

    return make

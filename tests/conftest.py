"""Shared fixtures: a fixed cast of staff users, one per role, and partner API clients."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import threading
from pathlib import Path

import factory.random
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import User
from accounts.services import partner_key_create
from tests import db_flush
from tests.db_template import _postgres, _postgres_copy_of_template, _sqlite_template
from tests.factory_base import HISTORY

# Timing is not what property tests check: a busy CI machine must not fail them.
hypothesis_settings.register_profile("caseworks", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("caseworks")

STAFF_ROLES = [r for r in Role if r != Role.PARTNER_AGENCY]

db_flush.install()  # a transactional test's flush restores post_migrate's rows (tests/db_flush.py)

# Field history is written unless this thread is inside a factory's create (tests/factory_base.py).
settings.SIMPLE_HISTORY_ENABLED = HISTORY


# Python's cyclic garbage collector, tuned for a test process (issue 18.1): by default it collects
# the youngest objects every 700 allocations and walks the whole heap (every module, Django's
# caches, the test database's set-up) at each full collection: 6 % of the CPU of model-heavy tests.
# Collections every 20,000 allocations, and the objects alive after the first, 10th, 100th and
# 1,000th test (the long-lived ones: modules imported, URL resolvers, templates compiled) moved out
# of the collector's sight (``gc.freeze``): 1.79 -> 1.00 s of 28.8 s in ``-n 0`` over 345 tests.
# Garbage is still collected, cycles included; what is frozen is what stays alive anyway.
gc.set_threshold(20_000, 20, 20)
FREEZE_AFTER = {1, 10, 100, 1000}
_tests_run = 0


def pytest_runtest_logfinish(nodeid, location):
    global _tests_run
    _tests_run += 1
    if _tests_run in FREEZE_AFTER:
        gc.collect()  # the garbage first: what is frozen is never collected
        gc.freeze()


# Tests that share one resource run on one xdist worker (``--dist loadgroup``): the browser tests
# (one Chromium at a time keeps a 2-core machine responsive) and the tests that start a real
# Celery worker on the shared Redis broker (two such workers would take each other's tasks).
XDIST_GROUPS = {"browser": "browser", "redis": "broker", "chaos": "broker"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the xdist_group markers into node ids
def pytest_collection_modifyitems(config, items):
    # The chaos tests kill and restart real worker processes and switch this process's broker: they
    # run in a pytest process of their own (.ci/run, CASEWORKS_CHAOS=1), not among the suite's tests.
    chaos_off = pytest.mark.skip(reason="chaos tests run on their own: CASEWORKS_CHAOS=1 (see .ci/run)")
    # Tests without a database first, then the long tests: xdist hands out work in this order (after
    # the groups, which go first as the biggest units). On a fresh clone the migrated template is
    # still being built meanwhile (``pytest_sessionstart``), and a long test picked up last would
    # keep one worker busy while the other idles.
    items[:] = sorted(items, key=lambda item: (_uses_database(item), item.get_closest_marker("slow") is None))
    for item in items:
        if item.get_closest_marker("chaos") is not None and os.environ.get("CASEWORKS_CHAOS") != "1":
            item.add_marker(chaos_off)
        for marker, group in XDIST_GROUPS.items():
            if item.get_closest_marker(marker) is not None:
                item.add_marker(pytest.mark.xdist_group(group))
                break


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def _uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or not DATABASE_FIXTURES.isdisjoint(item.fixturenames)


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings):
    """Start from a migrated template (``_sqlite_template``, ``_postgres_copy_of_template``) unless
    --create-db or --reuse-db."""
    database = settings.DATABASES["default"]
    reuse = bool(request.config.getvalue("reuse_db")) and not request.config.getvalue("create_db")
    if request.config.getvalue("create_db") or reuse:
        return reuse
    name = database.get("TEST", {}).get("NAME") or f"test_{database['NAME']}"
    if database["ENGINE"].endswith("sqlite3"):
        shutil.copyfile(_sqlite_template(), name)
    elif database["ENGINE"].endswith("postgresql"):
        _postgres_copy_of_template(database, name)
    else:
        return False
    request.config._caseworks_copied_db = name
    return True


def pytest_sessionstart(session):
    """Under xdist, the controller starts building the SQLite template (``_sqlite_template``) at
    once, in a thread, while its workers start, collect and run the tests that need no database
    (ordered first); their first database test waits on the template's lock. On a fresh clone the
    build (about 40 s of one core) otherwise began only at a worker's first database test, with
    every other worker waiting on it."""
    config = session.config
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", default=None):
        return
    if config.option.collectonly:
        return
    if config.getvalue("reuse_db") or config.getvalue("create_db"):
        return
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        config._caseworks_template_build = threading.Thread(target=_sqlite_template, name="sqlite-template")
        config._caseworks_template_build.start()


def pytest_sessionfinish(session):
    """Remove the test database (a template copy is kept by keepdb) and SQLite's WAL files."""
    build = getattr(session.config, "_caseworks_template_build", None)
    if build is not None:
        build.join()  # a run that needed no database still leaves the template for the next

    database = settings.DATABASES["default"]
    test_name = database.get("TEST", {}).get("NAME")
    copied = getattr(session.config, "_caseworks_copied_db", None)
    if database["ENGINE"].endswith("postgresql") and copied:
        from django.db import connections

        connections.close_all()
        try:
            _postgres(database, f'DROP DATABASE IF EXISTS "{copied}"')
        except Exception as error:  # a connection still open (a live server thread): the next run drops it
            print(f"\nTest database {copied} left in place: {error}", file=sys.stderr)
    if database["ENGINE"].endswith("sqlite3") and test_name:
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
def _reproducible_fakes(request):
    """Each test draws the same Faker names and fuzzy values whichever xdist worker runs it and
    whatever ran before it there: a failure that hangs on a random name repeats on a rerun."""
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture
def factory_history():
    """This test's factories write field history, as production code would (tests/factory_base.py)."""
    HISTORY.factories_record = True
    yield
    HISTORY.factories_record = False


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and lockouts live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _forget_api_tallies():
    """The per-process counts of calls without a valid key (accounts.request_log): each test's first
    such call of a client is a first call, written at once, whatever ran before."""
    import time

    from accounts import request_log

    request_log._tallies.clear()
    request_log._tallies_started.clear()
    request_log._tallies_written = time.monotonic()  # the flush interval counts from the test's start
    yield
    request_log._tallies.clear()
    request_log._tallies_started.clear()


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


@pytest.fixture
def relay(settings):
    """A mail relay the test can take down (tests/mail_relay.py), up again after the test."""
    from tests import mail_relay

    settings.EMAIL_BACKEND = "tests.mail_relay.Relay"
    mail_relay.STATE = state = mail_relay.RelayState()
    yield state
    state.up()

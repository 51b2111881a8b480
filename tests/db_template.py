"""Migrated template databases, built once per set of migrations and copied for each run.

Used by the suite's fixtures (``tests/conftest.py``: each test run, and each xdist worker, starts
from a copy) and by ``.ci/api_fuzz.sh``, whose database is a copy of the same PostgreSQL template:

    python -m tests.db_template postgres://postgres@127.0.0.1:5432/caseworks_ci caseworks_ci_fuzz

copies ``caseworks_ci``'s template (building it first if this set of migrations has none) into a
fresh ``caseworks_ci_fuzz``; ``python -m tests.db_template --prepare`` builds the SQLite template
if it is missing (``make test``, in the background). Imports no Django model: it runs before Django is set up.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _migrations_digest() -> str:
    """The migration files and Django's version: what a migrated template depends on."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _migrate(database_url: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v0"], cwd=ROOT, env=env, check=True
    )


def _template_dir() -> Path:
    """Where SQLite templates are kept: the user's cache (``$XDG_CACHE_HOME/caseworks``, else
    ``~/.cache/caseworks``), shared by every clone and worktree on the machine, as the PostgreSQL
    server keeps its templates for every clone; ``.local`` when the cache cannot be written."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "caseworks"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        probe = cache / ".writable"
        probe.touch()
        return cache
    except OSError:
        local = ROOT / ".local"
        local.mkdir(exist_ok=True)
        return local


def _sqlite_template() -> Path:
    """A migrated SQLite database, built once per set of migrations and copied for each test run.

    Applying the migrations renders Django's model states operation by operation: 37–51 s of CPU
    since the squash (docs/operations.md, "Squashed migrations"; 66–72 s before) that every run and
    every xdist worker would otherwise pay again. The template is keyed by the migration files and Django's version and built under a lock of that key (one worker builds, the others
    wait and copy; a build for other migrations waits for no one); the run itself still migrates its copy (nothing left to apply) so the
    post-migrate set-up (roles, schedules, reference data) runs as usual. Kept in the user's cache
    (``_template_dir``), so a second clone or worktree at the same migrations starts at once;
    templates unused for a week are removed when a new one is built."""
    folder = _template_dir()
    digest = _migrations_digest()
    template = folder / f"test-template-{digest}.sqlite3"
    # A lock per set of migrations: a worktree on other migrations building its template (30-50 s)
    # does not keep this one from copying its own, already built (issue 18.1: helpers share the cache).
    with open(folder / f"test-template-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)  # a build that was killed
            _migrate(f"sqlite:///{building}")
            week_ago = time.time() - 7 * 24 * 3600
            for old in folder.glob("test-template-*.sqlite3"):
                if old.stat().st_mtime < week_ago:
                    old.unlink(missing_ok=True)
                    old.with_suffix(".lock").unlink(missing_ok=True)
            building.rename(template)
        os.utime(template)  # in use: kept by the clean-up above
    return template


def _postgres(database: dict, sql: str, params=()) -> list:
    """``sql`` on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        autocommit=True,
    ) as maintenance:
        cursor = maintenance.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _postgres_copy_of_template(database: dict, test_name: str) -> None:
    """The test database as a copy (``CREATE DATABASE … TEMPLATE``) of a migrated database that the
    server keeps between runs: ``<name>_template_<digest>`` (see ``_sqlite_template``; PostgreSQL
    migrations took about 95 s of each CI run's first test on each worker, 37–43 s of CPU since the
    squash). Built under a lock; old templates of the same name are dropped when a new one is built."""
    from urllib.parse import quote

    prefix = f"{database['NAME']}_template_"
    template = f"{prefix}{_migrations_digest()}"
    local = ROOT / ".local"
    local.mkdir(exist_ok=True)
    with open(local / f"{prefix}lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _postgres(database, "SELECT 1 FROM pg_database WHERE datname = %s", [template]):
            building = f"{template}_building"
            _postgres(database, f'DROP DATABASE IF EXISTS "{building}"')
            _postgres(database, f'CREATE DATABASE "{building}"')
            password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
            host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
            _migrate(f"postgres://{quote(database['USER'], safe='')}{password}@{host}:{port}/{building}")
            like = prefix.replace("_", r"\_") + "%"
            for (old,) in _postgres(database, "SELECT datname FROM pg_database WHERE datname LIKE %s", [like]):
                if old != building:
                    _postgres(database, f'DROP DATABASE IF EXISTS "{old}"')
            _postgres(database, f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        _postgres(database, f'DROP DATABASE IF EXISTS "{test_name}"')
        _postgres(database, f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')


def prepare() -> None:
    """Build the SQLite template if this set of migrations has none: ``make test`` starts this in
    the background as soon as the virtualenv is installed, so that a first run builds it while
    Chromium is installed and the tree compiled, not while the test workers wait (issue 18.1).
    Nothing to do when ``DATABASE_URL`` is PostgreSQL (in CI, Schemathesis's set-up builds that
    template first)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite"):
        _sqlite_template()


def main(argv: list[str]) -> None:
    import environ

    if argv == ["--prepare"]:
        prepare()
        return
    if len(argv) != 2:
        sys.exit("usage: python -m tests.db_template POSTGRES_URL NEW_DATABASE_NAME | --prepare")
    database = environ.Env.db_url_config(argv[0])
    if not database["ENGINE"].endswith("postgresql"):
        sys.exit(f"not a PostgreSQL URL: {argv[0]}")
    _postgres_copy_of_template(database, argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])

"""The suite's migrated SQLite template (tests/db_template.py)."""

from __future__ import annotations

from pathlib import Path

from tests import db_template


def test_the_template_is_built_under_a_lock_of_its_own_migrations(monkeypatch, tmp_path):
    """Issue 18.1: several worktrees share the template cache; one building a template for other
    migrations must not keep this run from copying its own."""
    locked = []
    real_flock = db_template.fcntl.flock
    monkeypatch.setattr(db_template.fcntl, "flock", lambda f, op: (locked.append(f.name), real_flock(f, op))[1])
    monkeypatch.setattr(db_template, "_template_dir", lambda: tmp_path)
    monkeypatch.setattr(db_template, "_migrate", lambda url: Path(url.removeprefix("sqlite:///")).touch())
    template = db_template._sqlite_template()
    digest = db_template._migrations_digest()
    assert template == tmp_path / f"test-template-{digest}.sqlite3" and template.exists()
    assert [Path(path).name for path in locked] == [f"test-template-{digest}.lock"]

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _run(
    *args,
    env_extra: dict,
    command=("manage.py",),
    drop=(
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CASEWORKS_FIELD_ENCRYPTION_KEYS",
        "CASEWORKS_BLIND_INDEX_KEY",
        "CACHE_URL",
        "CASEWORKS_API_KEY_CACHE_SECONDS",
    ),
):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, *command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _production_settings(expression: str = "None", *, env_extra: dict):
    """Import the production settings in a new process, as every command and the web server do
    first (where a missing or placeholder variable stops them), and print ``expression`` of them:
    a tenth of a second where ``manage.py`` loads every app first (two to three seconds)."""
    return _run(f"import config.settings.production as s; print({expression})", env_extra=env_extra, command=("-c",))


def _field_keys() -> dict[str, str]:
    return {
        "CASEWORKS_FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "CASEWORKS_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
    }


def _production(**extra) -> dict:
    """The variables production requires, with generated values (as `make check` passes them)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "caseworks.example.org",
        "CASEWORKS_ACH_COMPANY_ID": "1234567890",
        "CASEWORKS_ACH_COMPANY_NAME": "ALBANY CO SDU",
        **_field_keys(),
        **extra,
    }


def test_production_deploy_check_passes_with_only_the_required_variables(tmp_path):
    # On a database of its own: the developer's (``make run``'s demo accounts: accounts.W003) is not
    # what this checks.
    database = f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}"
    result = _run("check", "--deploy", "--fail-level", "WARNING", env_extra=_production(DATABASE_URL=database))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_placeholder_ach_originator():
    # given the local placeholder company id, or none at all, or a name too long for the batch header
    for extra in (
        {"CASEWORKS_ACH_COMPANY_ID": "1999999999"},
        {"CASEWORKS_ACH_COMPANY_ID": ""},
        {"CASEWORKS_ACH_COMPANY_NAME": "ALBANY COUNTY SUPPORT COLLECTION UNIT"},
    ):
        result = _production_settings(env_extra=_production(**extra))
        # then production does not start, and says which variable
        assert result.returncode != 0 and "CASEWORKS_ACH_COMPANY_ID" in result.stderr, extra


def test_the_offset_local_code_cannot_be_the_control_records_mark():
    # FOP tells a control record by "CTL" in positions 3-5, where a case record has the local code
    result = _production_settings(env_extra=_production(CASEWORKS_OFFSET_LOCAL_CODE="ctl"))
    assert result.returncode != 0 and "CASEWORKS_OFFSET_LOCAL_CODE cannot be CTL" in result.stderr


@pytest.mark.parametrize(
    ("missing", "bad_value", "message"),
    [
        ("CASEWORKS_FIELD_ENCRYPTION_KEYS", None, "CASEWORKS_FIELD_ENCRYPTION_KEYS must be set in production"),
        ("CASEWORKS_FIELD_ENCRYPTION_KEYS", "not-a-key-at-all", "key 1 is not a Fernet key"),
        ("CASEWORKS_BLIND_INDEX_KEY", None, "CASEWORKS_BLIND_INDEX_KEY must be set in production"),
        ("CASEWORKS_BLIND_INDEX_KEY", "short", "CASEWORKS_BLIND_INDEX_KEY must be set in production"),
    ],
)
def test_production_refuses_to_start_without_field_keys(missing, bad_value, message):
    env_extra = _production()
    del env_extra[missing]
    if bad_value is not None:
        env_extra[missing] = bad_value
    result = _production_settings(env_extra=env_extra)
    assert result.returncode != 0
    assert message in result.stderr
    assert "not-a-key-at-all" not in result.stderr  # a key never reaches the log


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = _run("check", env_extra={"DJANGO_SETTINGS_MODULE": "config.settings.production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("cache_url", "kept"), [("rediscache://127.0.0.1:6379/1", "300"), ("locmemcache://", "0"), (None, "0")]
)
def test_production_keeps_partner_keys_in_the_cache_only_when_it_is_shared(cache_url, kept):
    """accounts.key_cache: with Redis a revocation reaches every process; in one process's memory
    it would not reach the others, so no key is kept there."""
    extra = {"CACHE_URL": cache_url} if cache_url else {}
    result = _production_settings("s.CASEWORKS_API_KEY_CACHE_SECONDS", env_extra=_production(**extra))
    assert result.stdout.strip().splitlines()[-1] == kept, result.stderr


def test_production_debug_is_always_off():
    result = _production_settings("s.DEBUG", env_extra=_production(DJANGO_DEBUG="true"))
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_every_setting_the_code_reads_is_declared_not_defaulted_at_the_read():
    # issue 18.6: a setting is declared once, with its default, in config/settings/base.py; a read
    # `getattr(settings, "X", default)` keeps a second default that can drift from the first.
    apps = (
        "accounts",
        "cases",
        "complaints",
        "config",
        "core",
        "enforcement",
        "hearings",
        "outreach",
        "quality",
        "training",
    )
    pattern = re.compile(r"getattr\(\s*settings\s*,")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def _readme_settings_table() -> set[str]:
    """The variables the README's settings table lists (its first column)."""
    names = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    # issue 18.6: an operator finds every variable, its default and its meaning in one table.
    read = {
        name
        for path in (ROOT / "config" / "settings").glob("*.py")
        for name in re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text())
    }
    assert len(read) > 60, sorted(read)
    listed = _readme_settings_table()
    assert sorted(read - listed) == [], "variables the settings read that README.md's table does not list"


def test_every_variable_the_readme_lists_is_read_somewhere():
    # A row for a variable nothing reads tells an operator a setting works that does nothing.
    sources = (
        "\n".join(
            path.read_text()
            for folder in ("config", "core", "accounts", "cases", "enforcement", "tests")
            for path in (ROOT / folder).rglob("*.py")
            if "migrations" not in path.parts
        )
        + (ROOT / "Makefile").read_text()
    )
    unread = sorted(
        name for name in _readme_settings_table() if f'"{name}' not in sources and f"{name}=" not in sources
    )
    assert unread == []

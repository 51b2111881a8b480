import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, env_extra: dict,
         drop=("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _production(**extra) -> dict:
    """The variables production requires, with generated values (as `make check` passes them)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "caseworks.example.org",
        "CASEWORKS_ACH_COMPANY_ID": "1234567890",
        "CASEWORKS_ACH_COMPANY_NAME": "ALBANY CO SDU",
        **extra,
    }


def test_production_deploy_check_passes_with_only_the_required_variables():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env_extra=_production())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_placeholder_ach_originator():
    # given the local placeholder company id, or none at all, or a name too long for the batch header
    for extra in ({"CASEWORKS_ACH_COMPANY_ID": "1999999999"}, {"CASEWORKS_ACH_COMPANY_ID": ""},
                  {"CASEWORKS_ACH_COMPANY_NAME": "ALBANY COUNTY SUPPORT COLLECTION UNIT"}):
        result = _run("check", env_extra=_production(**extra))
        # then production does not start, and says which variable
        assert result.returncode != 0 and "CASEWORKS_ACH_COMPANY_ID" in result.stderr, extra


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = _run("check", env_extra={"DJANGO_SETTINGS_MODULE": "config.settings.production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_debug_is_always_off():
    result = _run("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                  env_extra=_production(DJANGO_DEBUG="true"))
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr

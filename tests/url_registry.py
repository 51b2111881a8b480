"""Sample URL arguments for the every-URL × every-role test.

Each app's tests folder may define ``tests/<app>/url_samples.py`` with::

    def url_samples(*, users) -> dict[str, dict]:
        case = CaseFactory(...)
        return {"cases:case_detail": {"case_number": case.case_number}}

A URL that takes arguments and has no sample fails the walk: every view is exercised.
``users`` maps role name → the cast user, so samples can be made in every role's scope.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from django.conf import settings

TESTS = Path(__file__).resolve().parent


def collect_samples(*, users) -> dict[str, dict]:
    """Every ``tests/<app>/url_samples*.py`` (several per app, so parts of an app keep their own)."""
    samples: dict[str, dict] = {}
    for app in settings.CASEWORKS_APPS:
        for path in sorted((TESTS / app).glob("url_samples*.py")):
            module = import_module(f"tests.{app}.{path.stem}")
            samples.update(module.url_samples(users=users))
    return samples

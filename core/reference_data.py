"""Reference data (rule tables, required courses …) that must exist for the app to work.

A data migration seeds it once; but a test database is flushed between transactional tests
(and an operator may flush too), which empties every table. So each app may also offer
``<app>/reference_data.py`` with ``ensure(*, using: str) -> None`` (idempotent, current models),
called after every ``migrate`` and ``flush`` (both send post_migrate).
"""

from __future__ import annotations

from django.conf import settings

from .hooks import app_module


def ensure_reference_data(sender, using="default", **kwargs) -> None:
    if sender.name not in settings.CASEWORKS_APPS:
        return
    module = app_module(f"{sender.name}.reference_data")
    if module is None:
        return
    ensure_app = getattr(module, "ensure", None)
    if ensure_app is not None:  # (core's own is ``ensure`` below)
        ensure_app(using=using)


def ensure(*, using: str) -> None:
    """Core's reference data: the legal parameters (``core.legal_seed``); adds only missing rows."""
    from .legal_seed import seed
    from .models import LegalParameter

    seed(LegalParameter=LegalParameter, using=using)

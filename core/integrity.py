"""Data checks: rows written before a rule was corrected, listed for the office to decide.

When a defect in the code is fixed, what it wrote before may still be wrong: a complaint linked to a
case its filer could not see, an action fired on a rounded figure, a worksheet split the old way.
Some of these cannot be rewritten by a migration, because what is right is a decision (reopen the
action? send a corrected worksheet?), not a computation. Each app declares such checks in
``<app>/integrity.py``::

    CHECKS = [IntegrityCheck(name="cases.order_two_active_versions", title=..., why=..., find=fn)]

``find()`` returns ``IntegrityRow``\\ s: a reference a caseworker can look up (a case or complaint
number, an action's id) and the figures that make the row suspect. Rows carry no names, addresses or
SSNs, so the report can be printed and passed round. ``manage.py integrity_report`` prints every check
(docs/operations.md, "Data checks after a fix"); a check that finds nothing says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .hooks import app_modules


@dataclass(frozen=True)
class IntegrityRow:
    reference: str  # what to look up: "CASE-000123", "CMP-2026-0001", "action 42"
    detail: str  # the figures that make it suspect; never a name, an address or an SSN


@dataclass(frozen=True)
class IntegrityCheck:
    name: str  # "<app>.<what>", stable: ``integrity_report --check`` takes it
    title: str  # what the rows are, in the office's words
    why: str  # which fix made them suspect, and what the office decides for each
    find: Callable[[], Iterable[IntegrityRow]]


def declared_checks() -> list[IntegrityCheck]:
    found: list[IntegrityCheck] = []
    for _app, module in app_modules("integrity"):
        found.extend(getattr(module, "CHECKS", []))
    return found

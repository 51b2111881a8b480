"""Extension points that let one app contribute to another without importing it.

The dependency rule (``.importlinter``) keeps ``core`` below every domain app and ``cases``
below the apps that act on cases. Where a lower app needs something an upper one knows, the
upper app registers it here from its ``AppConfig.ready()``, as ``schedules.py`` and ``roles.py``
are discovered (the menu is declared whole in ``config/navigation.py``, which may know every app):

- ``fti_access_checks``: callables ``(user) -> bool``; FTI (IRS Publication 1075) is shown only
  when every registered check passes *and* at least one is registered (training registers the
  FTI awareness training check): with none, access fails closed.
- ``case_panels``: callables ``(*, user, case) -> CasePanel | None``, rendered in order on the case
  page (complaints and hearing requests register theirs).
- ``collection_reversed``: callables ``(*, collection, reason, on, by) -> str``, called by
  ``cases.services.collection_reverse`` in its transaction once the collection is reversed; each
  does what its app must about it and says what it did in a phrase for the reversal's event ("" if
  nothing): enforcement closes a bank return's "pay again" work item, and marks a held tax
  offset's record ``reversed`` (saying nothing: FTI).
- ``employment_recorded``: callables ``(*, employment, by, case_q=None) -> str``, called by
  ``cases.services.employment.employment_record`` in its transaction once a job a caseworker
  learned of is on file (and by ``employment_confirm`` once a coordinator confirmed one, with
  ``case_q`` the cases the coordinator may change: ``Q`` on ``CaseParticipant`` through
  ``case__``, ``None`` every open case); enforcement applies the new-hire rule (income withholding
  proposed to the new employer, 42 USC 666(b), 653a(g)(1)). The phrase names no employer (FVI).
- ``employment_ended``: callables ``(*, employment, by) -> str``, called by
  ``cases.services.employment.employment_end`` in its transaction once the job has ended;
  enforcement ends the income withholding orders at that employer as the payment file's
  termination flag does. The phrase names no employer (FVI).
- ``person_merging``: callables ``(*, survivor, duplicate) -> list[MergeChange]``, called by
  ``cases.services.people.person_merge`` in its transaction (both people's rows locked) before it
  moves the duplicate's rows to the survivor: each makes its app's rows about the two fit on one
  person where a rule allows one row per person (a ``UniqueConstraint`` on the person), and returns
  what it changed, field by field (``MergeChange``): the merge event records the changes and their
  notes, and the undo puts each ``before`` back (a value changed since stays). A callable refuses
  the merge by raising ``ValidationError`` with the reason. Enforcement ends the older of two
  current federal offset certifications of one SSN and case type, keeps one active payee account
  and one open bank match per account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings


def app_module(name: str) -> ModuleType | None:
    """The module ``name`` (``"cases.schedules"``), or None when it does not exist. A module that
    exists but fails to import raises: a broken contribution must not vanish silently."""
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def app_modules(submodule: str, *, apps: list[str] | None = None) -> Iterator[tuple[str, ModuleType]]:
    """``(app, module)`` for each Caseworks app (``settings.CASEWORKS_APPS``) that has
    ``<app>.<submodule>``: how apps contribute by convention (``schedules``, ``roles``, ``demo``,
    ``events``, ``reference_data``) without ``core`` importing them by name."""
    for app in settings.CASEWORKS_APPS if apps is None else apps:
        module = app_module(f"{app}.{submodule}")
        if module is not None:
            yield app, module


def is_last_app_migrated(sender) -> bool:
    """Whether ``sender`` (a ``post_migrate`` sender) is the last Caseworks app with models.

    Django sends ``post_migrate`` once per app with models, in ``INSTALLED_APPS`` order, after each
    app's permissions and content types exist, on every ``migrate`` and ``flush`` (one per browser
    test). Work that needs every app's tables and permissions, and is the same whichever app
    triggered it (the roles, the schedules), runs once, here, instead of once per app."""
    from django.apps import apps

    names = [config.name for config in apps.get_app_configs() if config.models_module is not None]
    ours = [name for name in names if name in settings.CASEWORKS_APPS]
    return bool(ours) and sender.name == ours[-1]


class Hook:
    """An ordered set of callables, registered once each (``ready()`` may run twice in tests)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callables: list[Callable[..., Any]] = []

    def register(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if fn not in self._callables:
            self._callables.append(fn)
        return fn

    def __iter__(self):
        return iter(list(self._callables))

    def __len__(self) -> int:
        return len(self._callables)


@dataclass(frozen=True)
class MergeChange:
    """One field of one row a ``person_merging`` callable changed (``before`` → ``after``, JSON
    values) so the two people's rows fit on one person, with a note saying why for the event."""

    model: str  # the model's ``_meta.label_lower``: "enforcement.payeeaccount"
    pk: int
    field: str
    before: Any
    after: Any
    note: str


@dataclass(frozen=True)
class CasePanel:
    """A block on the case page: ``template`` rendered with ``context`` (plus ``case``)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


fti_access_checks = Hook("fti_access_checks")
case_panels = Hook("case_panels")
collection_reversed = Hook("collection_reversed")
employment_recorded = Hook("employment_recorded")
employment_ended = Hook("employment_ended")
person_merging = Hook("person_merging")


def fti_checks_pass(user) -> bool:
    checks = list(fti_access_checks)
    return bool(checks) and all(check(user) for check in checks)


def case_panels_for(*, user, case) -> list[CasePanel]:
    panels = [panel for fn in case_panels if (panel := fn(user=user, case=case)) is not None]
    return sorted(panels, key=lambda p: p.order)

"""Extension points that let one app contribute to another without importing it.

The dependency rule (``.importlinter``) keeps ``core`` below every domain app and ``cases``
below the apps that act on cases. Where a lower app needs something an upper one knows, the
upper app registers it here from its ``AppConfig.ready()``, as ``navigation.py`` and
``schedules.py`` are discovered:

- ``fti_access_checks``: callables ``(user) -> bool``; FTI (IRS Publication 1075) is shown only
  when every registered check passes *and* at least one is registered (training registers the
  FTI awareness training check): with none, access fails closed.
- ``case_panels``: callables ``(*, user, case) -> CasePanel | None``, rendered in order on the case
  page (complaints and hearing requests register theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
class CasePanel:
    """A block on the case page: ``template`` rendered with ``context`` (plus ``case``)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


fti_access_checks = Hook("fti_access_checks")
case_panels = Hook("case_panels")


def fti_checks_pass(user) -> bool:
    checks = list(fti_access_checks)
    return bool(checks) and all(check(user) for check in checks)


def case_panels_for(*, user, case) -> list[CasePanel]:
    panels = [panel for fn in case_panels if (panel := fn(user=user, case=case)) is not None]
    return sorted(panels, key=lambda p: p.order)


# Domain event labels (issue 15.5: people read events in words, not codes such as ``work_item.created``).
# Apps may register their own wording from ``ready()`` with ``event_labels.update({...})``; any verb
# without one reads as its words ("work_item.reassigned" -> "Work item reassigned").
event_labels: dict[str, str] = {
    "case.document_attached": "Document attached",
    "case.note_added": "Note added",
    "case.interstate_referred": "Referred to another state",
    "fvi.override_granted": "Court override of the family violence indicator recorded",
    "fvi.override_used": "Court override of the family violence indicator used",
    "locate.attempted": "Locate attempt recorded",
    "api_key.created": "Partner API key created",
    "user.mfa_reset": "Multi-factor sign-in reset",
    "work_item.done": "Work item completed",
}


def event_label(verb: str) -> str:
    """The words for a domain event's ``verb``."""
    if verb in event_labels:
        return event_labels[verb]
    words = " ".join(part.replace("_", " ").strip() for part in verb.split(".") if part.strip())
    return (words[:1].upper() + words[1:]) if words else verb

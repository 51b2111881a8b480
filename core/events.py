"""The vocabulary of domain events: every verb a service writes, with the words people read.

Each app lists its verbs in ``<app>/events.py`` as a ``TextChoices`` (``CaseEvent``,
``EnforcementEvent``...) in one style, ``<subject>.<what happened>`` in lower case
(``case.opened``, ``collection.posted``), with a human label ("Collection posted"). ``core``
imports no domain app: the modules are found by name, as ``schedules.py`` and ``navigation.py``
are. Old rows were rewritten to this style by ``core`` migration 0008.
"""

from __future__ import annotations

from functools import cache

from django.db import models

from .hooks import app_modules


@cache
def verb_choices() -> tuple[type[models.TextChoices], ...]:
    """Every app's event ``TextChoices`` (the classes defined in ``<app>/events.py``)."""
    found = []
    for _app, module in app_modules("events"):
        found += [value for value in vars(module).values()
                  if isinstance(value, type) and issubclass(value, models.TextChoices)
                  and value is not models.TextChoices and value.__module__ == module.__name__]
    return tuple(found)


@cache
def verb_labels() -> dict[str, str]:
    """verb → label, for every registered verb."""
    return {str(value): str(label) for choices in verb_choices() for value, label in choices.choices}


def label_for(verb: str) -> str:
    """The words for ``verb`` ("collection.posted" → "Collection posted"); an unlisted verb (an
    event written before this vocabulary, or by a newer release) is spelled out from its parts."""
    label = verb_labels().get(verb)
    if label:
        return label
    words = verb.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def known_verbs() -> frozenset[str]:
    return frozenset(verb_labels())


def legacy_verb(verb: str) -> str:
    """A verb of the old spaced style in the new one: "collection posted" → "collection.posted",
    "enforcement action contest window opened" → "enforcement.action_contest_window_opened".
    Dotted verbs are already in the new style and come back unchanged (the data migration)."""
    if "." in verb or " " not in verb.strip():
        return verb
    subject, rest = verb.strip().split(" ", 1)
    return f"{subject}.{rest.replace(' ', '_').replace('-', '_')}"

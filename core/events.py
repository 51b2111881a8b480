"""The vocabulary of domain events: every verb a service writes, with the words people read.

Each app lists its verbs in its ``choices.py`` as a ``TextChoices`` made by ``event_choices``
(``CaseEvent``, ``EnforcementEvent``...) and named by ``EVENT_VERBS``, in one style:
``<subject>.<what happened>`` in lower case (``case.opened``, ``collection.posted``). The label
is the verb in words ("Collection posted"), derived by ``humanise`` (acronyms in capitals), or
given where the words need more than that.
``core`` imports no domain app: the modules are found by name (``core.hooks.app_modules``), as
``schedules.py`` and ``roles.py`` are. Old rows were rewritten to this style by ``core``
migration 0008.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import Any, cast

from django.db import models

from .hooks import app_modules

ACRONYMS = {"fvi": "FVI", "mfa": "MFA", "api": "API", "nacha": "NACHA", "ura": "URA", "ocse": "OCSE"}
VERB_STYLE = re.compile(r"^[a-z][a-z_]*\.[a-z0-9_]+$")


def humanise(verb: str) -> str:
    """ "collection.posted" → "Collection posted"; "fvi.override_granted" → "FVI override granted"."""
    words = [ACRONYMS.get(word, word) for word in re.split(r"[._\s]+", verb.strip()) if word]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def event_choices(name: str, verbs: str, *, labels: dict[str, str] | None = None) -> type[models.TextChoices]:
    """The ``TextChoices`` of an app's event verbs (whitespace-separated in ``verbs``), each
    labelled ``labels[verb]`` or in words (``humanise``). A verb out of style is refused at import."""
    members = []
    for verb in verbs.split():
        if not VERB_STYLE.match(verb):
            raise ValueError(f"Event verb {verb!r} is not <subject>.<what_happened> in lower case.")
        members.append((re.sub(r"\W+", "_", verb).upper(), (verb, (labels or {}).get(verb) or humanise(verb))))
    # Enum's functional API, TextChoices(name, [(member, (value, label))]): the stubs know only the class form.
    module = sys._getframe(1).f_globals.get("__name__")  # the app's choices module, for repr and pickling
    return cast(Any, models.TextChoices)(name, members, module=module)


@cache
def verb_choices() -> tuple[type[models.TextChoices], ...]:
    """Every app's event ``TextChoices`` (``EVENT_VERBS`` in ``<app>/choices.py``)."""
    return tuple(module.EVENT_VERBS for _app, module in app_modules("choices") if hasattr(module, "EVENT_VERBS"))


@cache
def verb_labels() -> dict[str, str]:
    """verb → label, for every registered verb."""
    return {str(value): str(label) for choices in verb_choices() for value, label in choices.choices}


def label_for(verb: str) -> str:
    """The words for ``verb`` ("collection.posted" → "Collection posted"); an unlisted verb (an
    event written before this vocabulary, or by a newer release) is spelled out from its parts."""
    return verb_labels().get(verb) or humanise(verb)


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

"""A reason chosen from a list (``TextChoices`` with an ``OTHER``) and its explanation in words,
which "Other" needs: the rule the services apply and the forms check before them
(``core.forms.ExplainedReasonForm``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

EXPLANATION_MIN = 5  # characters: "Other" says in a word or two why


def other_unexplained(reason: str | None, text: str | None, *, other: str) -> bool:
    """Whether ``reason`` is the ``other`` choice with too short an explanation."""
    return reason == other and len((text or "").strip()) < EXPLANATION_MIN


def reason_explained(reason: str, text: str | None, *, choices: type[models.TextChoices], why: str) -> str:
    """The explanation of ``reason`` cleaned (NUL characters dropped, stripped). Refused ("Choose
    why {why}.", "Say why {why}.") when ``reason`` is not one of ``choices``, or is its ``OTHER``
    unexplained."""
    text = (text or "").replace("\x00", "").strip()
    if reason not in choices.values:
        raise ValidationError({"reason": f"Choose why {why}."})
    if other_unexplained(reason, text, other=choices.OTHER):  # type: ignore[attr-defined]
        raise ValidationError({"reason_text": f"Say why {why}."})
    return text

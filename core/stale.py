"""Pages that were out of date when their form was sent (lost updates): one mechanism for every form.

A page that edits a row, or acts on what it shows, carries in a hidden field (``SHOWN``) what it
showed: when it was opened and a fingerprint of each value it showed (``shown_token``). When the
form comes back, the service reads the row under its lock (``select_for_update``) and compares:

- ``shown_changes``: an edit form applies only the fields the user changed on the page (the posted
  value differs from the one shown); a field someone else changed since the page was opened keeps
  their value. The same field changed by both, to different values, is refused.
- ``refuse_if_changed``: an action decided on what the page showed (approve this text, order this
  amount, schedule a first hearing) is refused when any of it changed since.

A refusal is a ``ValidationError`` (on the form, nothing saved) that says who changed the row and
when: "Dana Cole changed this at 17:02, after you opened the page at 16:58: reload the page to see
it; nothing was saved." Fingerprints, not the values, travel with the form (no model needs an
``updated_at`` or a version column, and a long note is not sent twice); the values the page shows
are on it already. A form sent without the field (a page from before this check, a hand-made
request) is refused as out of date; services called without ``shown`` (the API, commands, tests of
the service) apply what they are given, as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

SHOWN = "shown"
F = TypeVar("F", bound=forms.BaseForm)
OUT_OF_DATE = "This page is out of date: reload it and enter your change again; nothing was saved."


def _normal(value: Any) -> str:
    """One text for a value however it arrives (the row's value, a form's initial or cleaned value):
    a row is its pk, rows a sorted list of pks, an amount without trailing zeros, an instant in UTC,
    text without surrounding spaces and with ``\\n`` line ends, nothing and blank alike. An instant
    counts to the minute, as pages show and send it."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return ",".join(sorted(_normal(v) for v in value))
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
        return value.replace(second=0, microsecond=0).isoformat()  # pages show and send minutes
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def fingerprint(value: Any) -> str:
    return hashlib.sha256(_normal(value).encode()).hexdigest()[:12]


def shown_token(values: Mapping[str, Any], *, at: datetime | None = None) -> str:
    """The hidden field's value: ``at=<epoch seconds>;name=<fingerprint>;...`` (no characters a page
    escapes, readable in a page's source)."""
    at = at or timezone.now()
    return ";".join([f"at={int(at.timestamp())}", *(f"{name}={fingerprint(v)}" for name, v in values.items())])


@dataclass(frozen=True)
class Shown:
    """What a page showed: when it was opened and the fingerprint of each value."""

    at: datetime
    prints: dict[str, str]

    @classmethod
    def parse(cls, token: str | None) -> Shown | None:
        if not token:
            return None
        try:
            pairs = dict(part.split("=", 1) for part in token.split(";"))
            at = datetime.fromtimestamp(int(pairs.pop("at")), tz=UTC)
        except (ValueError, KeyError, OverflowError):
            return None
        return cls(at=at, prints=pairs)

    def showed(self, name: str, value: Any) -> bool:
        """Whether ``value`` is what the page showed for ``name`` (a name it did not show: yes)."""
        return name not in self.prints or self.prints[name] == fingerprint(value)


class ShownField(forms.CharField):
    """The hidden field that carries ``shown_token`` back (``carry_shown`` adds it to a form)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": OUT_OF_DATE})
        super().__init__(required=True, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if Shown.parse(value) is None:
            raise ValidationError(OUT_OF_DATE, code="invalid")
        return value


def carry_shown(form: F, values: Mapping[str, Any] | None = None) -> F:
    """Add the ``SHOWN`` field to ``form`` (on GET and on POST alike), its initial value the
    fingerprint of ``values``: by default the value the form shows in each of its fields (its
    initial, or its instance's). Returns the form."""
    if values is None:
        values = {name: form.get_initial_for_field(field, name) for name, field in form.fields.items()}
    form.fields[SHOWN] = ShownField(initial=shown_token(values))
    return form


def shown_in(data: Mapping[str, Any]) -> Shown | None:
    """The ``Shown`` a cleaned form carried (``None`` when it carried none)."""
    return Shown.parse(data.get(SHOWN))


def without_shown(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != SHOWN}


def _label(row: models.Model, name: str, labels: Mapping[str, str]) -> str:
    if name in labels:
        return labels[name]
    try:
        return str(getattr(row._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _last_change(row: models.Model, since: datetime) -> tuple[str, datetime | None]:
    """Who changed ``row`` last and when: from the domain event a service wrote about it (its
    ``by``) and from its field history (the signed-in user of the request), the later of the two,
    named by whichever names someone since ``since``; else its ``updated_at``, by no one known."""
    from django.contrib.contenttypes.models import ContentType

    from .models import DomainEvent

    changes: list[tuple[datetime, str]] = []
    event = (
        DomainEvent.objects.filter(subject_type=ContentType.objects.get_for_model(row), subject_id=row.pk)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
        .first()
    )
    if event is not None:
        changes.append((event.occurred_at, str(event.actor) if event.actor else event.actor_label))
    history = getattr(row, "history", None)
    record = history.order_by("-history_date").select_related("history_user").first() if history is not None else None
    if record is not None:
        changes.append((record.history_date, str(record.history_user) if record.history_user else ""))
    if not changes:
        return "", getattr(row, "updated_at", None)
    changes.sort(key=lambda change: change[0], reverse=True)
    return next((who for at, who in changes if who and at >= since), ""), changes[0][0]


def stale_refusal(
    *,
    row: models.Model,
    shown: Shown,
    fields: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
    happened: str = "",
) -> ValidationError:
    """The refusal, with who changed the row and when (its last change, ``_last_change``):

    "Dana Cole changed the due date at 17:02, after you opened the page at 16:58: reload the page
    to see it; nothing was saved." ``fields``: what was changed (named by ``labels``, else by the
    model's verbose names; none: "this"). ``happened``: what happened instead, in a sentence of its
    own ("The hearing was scheduled meanwhile for Dec 8, 2026 10:00"), followed by "(by Dana Cole
    at 17:02, after you opened the page at 16:58): reload ..."."""
    by, at = _last_change(row, shown.at)
    opened = f"{timezone.localtime(shown.at):%H:%M}"
    when = f" at {timezone.localtime(at):%H:%M}" if at is not None and at >= shown.at else ""
    reload = "reload the page to see it; nothing was saved."
    if happened:
        who = f"by {by}{when}, " if by else (f"{when.strip()}, " if when else "")
        return ValidationError(f"{happened} ({who}after you opened the page at {opened}): {reload}", code="stale")
    names = [_label(row, name, labels or {}) for name in fields]
    what = (
        "this" if not names else "the " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])
    )
    return ValidationError(
        f"{by or 'Someone'} changed {what}{when}, after you opened the page at {opened}: {reload}", code="stale"
    )


def row_value(row: models.Model, name: str) -> Any:
    """The row's value for ``name`` as a form shows it: a related row's pk, related rows' pks."""
    field = row._meta.get_field(name)
    if field.many_to_many:
        return [obj.pk for obj in getattr(row, name).all()] if row.pk else []
    if isinstance(field, models.ForeignKey):
        return getattr(row, field.attname)
    return getattr(row, name)


def shown_changes(
    *, row: models.Model, shown: Shown | None, posted: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Of the ``posted`` values, those the user changed on the page (all of them without ``shown``).
    ``row`` is read under its lock. A field the user changed that someone else also changed since
    the page was opened, to another value, is refused (``stale_refusal`` naming the fields)."""
    if shown is None:
        return dict(posted)
    changed = {name: value for name, value in posted.items() if not shown.showed(name, value)}
    now = {name: row_value(row, name) for name in changed}  # one read each (a many-to-many is a query)
    clashes = [
        name
        for name, value in changed.items()
        if not shown.showed(name, now[name]) and fingerprint(now[name]) != fingerprint(value)
    ]
    if clashes:
        raise stale_refusal(row=row, shown=shown, fields=clashes, labels=labels)
    return changed


def refuse_if_changed(
    *,
    row: models.Model,
    shown: Shown | None,
    current: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    happened: str = "",
) -> None:
    """Refuse (``stale_refusal``) when any ``current`` value (read under the row's lock) is not the
    one the page showed, naming those in ``labels`` (else "this"), or saying what ``happened``.
    Without ``shown`` (no page: the API, a command) nothing is checked."""
    if shown is None:
        return
    changed = [name for name, value in current.items() if not shown.showed(name, value)]
    if changed:
        named = [name for name in changed if labels and name in labels]
        raise stale_refusal(row=row, shown=shown, fields=named, labels=labels, happened=happened)

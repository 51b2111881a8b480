"""List rows from ``.values()`` represented as a serializer represents them, without its per-request cost.

The large partner lists (issue 17.3) build their pages from ``.values()`` and represent each value
with the serializer's own field. Building the serializer (a ``ModelSerializer`` derives its fields
on every instance) cost more than representing a page, and DRF's ``to_representation`` of a text,
choice, boolean or ISO date column only returns the value itself or its ``isoformat()``. Here the
fields are built once per serializer and such fields are represented by the builtin that gives the
same JSON (an instant by its ``isoformat()`` in the current time zone, as DRF does; an amount
already at the field's decimal places by its ``f`` format, which is what DRF's quantize-then-format
gives it); every other value keeps DRF's own ``to_representation``. The current time zone is read
once per call of ``field_representers`` (a page), not once per instant shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache, partial
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

Represent = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _fast(field: serializers.Field) -> Represent | _Instant:
    """A builtin giving ``field.to_representation``'s result for a value read from the database
    (an instant: ``_Instant``, bound to the page's time zone by ``field_representers``)."""
    kind = type(field)
    if kind is serializers.CharField:
        return str
    if kind is serializers.BooleanField:
        return bool
    if kind is serializers.IntegerField:
        return int
    if kind is getattr(serializers, "BigIntegerField", None) and not getattr(
        field, "coerce_to_string", getattr(api_settings, "COERCE_BIGINT_TO_STRING", False)
    ):
        return int  # a big primary key (DRF 3.16+): DRF's ``int`` unless told to send it as text
    if (
        isinstance(field, serializers.ChoiceField)
        and kind is serializers.ChoiceField
        and all(isinstance(key, str) and key == value for key, value in field.choice_strings_to_values.items())
    ):
        return _same  # DRF maps str(value) to the choice's key: the value itself
    if kind is serializers.DateField:
        output = getattr(field, "format", api_settings.DATE_FORMAT)
        if isinstance(output, str) and output.lower() == ISO_8601:
            return datetime.date.isoformat
    instant = isinstance(field, serializers.DateTimeField) and kind is serializers.DateTimeField
    if instant and settings.USE_TZ and not hasattr(field, "timezone"):
        output = getattr(field, "format", api_settings.DATETIME_FORMAT)
        if isinstance(output, str) and output.lower() == ISO_8601:
            return _Instant(field)
    if (
        kind is serializers.DecimalField
        and isinstance(field, serializers.DecimalField)
        and field.decimal_places is not None
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        and not field.localize
        and not field.normalize_output
    ):
        return _amount(field)
    return field.to_representation


def _amount(field: serializers.DecimalField) -> Represent:
    """DRF's text of a decimal. A column's value already has the field's places (``numeric(12,2)``
    gives ``Decimal("250.00")``): quantizing it changes nothing, so its text is DRF's (DRF builds a
    context and a quantum for every value: a page of cases shows 400 amounts). ``str`` writes such
    a value as ``{:f}`` does (plain notation: its exponent is ``-places``, no scientific form), and
    costs a third of it; the text is taken only when it ends in ``.`` and ``places`` digits. The
    field's places and digits are read once (a closure), not once per value."""
    places, max_digits, drf = field.decimal_places, field.max_digits, field.to_representation
    if not places:
        return drf
    dot, digits = slice(-places - 1, -places), slice(-places, None)

    def amount(value: Any) -> str:
        if type(value) is Decimal:
            text = str(value)
            # Its places read off the text (cheaper than ``as_tuple``): a scientific form, NaN or
            # Infinity fails the test and goes to DRF. The digits counted with any leading zero, so
            # a value DRF's precision would refuse goes to DRF.
            if (
                text[dot] == "."
                and text[digits].isdigit()
                and (max_digits is None or len(text) - 1 - (text[0] == "-") <= max_digits)
            ):
                return text
        return drf(value)

    return amount


class _Instant(NamedTuple):
    """An instant field, represented in the time zone current when a page is represented."""

    field: serializers.Field


def _instant(field: serializers.Field, zone: datetime.tzinfo, value: datetime.datetime) -> str:
    """DRF's ISO 8601 of an aware instant: in ``zone`` (the current time zone), ``Z`` for UTC."""
    if value.tzinfo is None:
        return field.to_representation(value)
    text = value.astimezone(zone).isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


@cache
def _representers(serializer_class: type[serializers.Serializer], names: tuple[str, ...]) -> dict[str, Any]:
    fields = serializer_class().fields
    return {name: _fast(fields[name]) for name in names}


def field_representers(serializer_class: type[serializers.Serializer], names: tuple[str, ...]) -> dict[str, Represent]:
    """``{name: represent}`` for ``names`` of ``serializer_class``'s fields; ``represent`` takes a
    non-null value (a null stays null: callers test ``is None`` first, as DRF's serializer does).
    Ask once per page: instants are shown in the time zone current at this call."""
    zone = timezone.get_current_timezone()
    return {
        name: partial(_instant, show.field, zone) if isinstance(show, _Instant) else show
        for name, show in _representers(serializer_class, names).items()
    }


def row_representer(fields: Sequence[tuple[str, str, Represent]]) -> Callable[[dict], dict]:
    """``lambda row: {name: None if row[column] is None else show(row[column]) for name, column,
    show in fields}`` (``fields`` as ``field_representers`` gives them, with the row's column of
    each), written out as straight-line code: a page of 50 rows of 27 columns spent a third of its
    representation on the comprehension's loop (issue 17.3). The code is made once per
    ``(name, column)`` list and process; each page binds its own ``show`` functions."""
    same = tuple(show is _same for _, _, show in fields)
    return _row_function(tuple((name, column) for name, column, _ in fields), same)(*(show for _, _, show in fields))


@cache
def _row_function(pairs: tuple[tuple[str, str], ...], same: tuple[bool, ...]) -> Callable[..., Callable[[dict], dict]]:
    if not all(isinstance(name, str) and isinstance(column, str) for name, column in pairs):
        raise TypeError("names and columns are text")
    shows = ", ".join(f"s{i}" for i in range(len(pairs)))
    lines = [f"def make({shows}):", "    def represent(row):"]
    lines += [f"        v{i} = row[{column!r}]" for i, (_, column) in enumerate(pairs)]
    # A value shown as it is (``_same``: a choice of text keys) is put in as it is, null or not.
    item = ", ".join(
        f"{name!r}: v{i}" if same[i] else f"{name!r}: None if v{i} is None else s{i}(v{i})"
        for i, (name, _) in enumerate(pairs)
    )
    lines += [f"        return {{{item}}}", "    return represent"]
    namespace: dict[str, Any] = {}
    # Only string literals (repr of the serializers' own field and column names) and numbered names.
    exec(compile("\n".join(lines), "<core.api.rows.row_representer>", "exec"), namespace)  # noqa: S102
    return namespace["make"]

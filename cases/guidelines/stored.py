"""A guideline result as stored (``OrderReview.worksheet``: ``dataclasses.asdict`` with every amount
and date as a string) read back into its result class, so a stored calculation is shown and printed
with the same numbered lines, notes and legal parameters as the calculator pages, and never rerun
(the law applied is the one stored, even if a table or the code changed since)."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal, InvalidOperation

from .ca import CaGuidelineResult
from .ny import NyGuidelineResult

# jurisdiction → (result class, worksheet columns, PDF title, PDF subtitle); the calculator pages use the same.
WORKSHEETS: dict[str, tuple[type, tuple[str, ...], str, str]] = {
    "NY": (
        NyGuidelineResult,
        ("Payor", "Other parent", "Combined"),
        "New York Child Support Standards Act worksheet",
        "DRL 240(1-b); FCA 413; laid out after form 4-SM-3",
    ),
    "CA": (
        CaGuidelineResult,
        ("Amount",),
        "California guideline child support worksheet",
        "Family Code 4055 as amended by SB 343; add-ons 4061-4062",
    ),
}


class StoredResultError(ValueError):
    """The stored worksheet does not have the shape of a result (an older or damaged record)."""


def _read(hint, value):
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _read(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        return tuple(_read(args[0], v) for v in value)
    if origin is list:
        return [_read(args[0], v) for v in value]
    if origin is dict:
        return {str(k): _read(args[1], v) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, value)
    if hint is Decimal:
        return Decimal(str(value))
    if hint is date:
        return date.fromisoformat(str(value))
    if hint is bool:
        return value if isinstance(value, bool) else str(value) == "True"
    if hint is int:
        return int(value)
    return str(value)


def _dataclass(cls, data):
    if not isinstance(data, dict):
        raise StoredResultError(f"{cls.__name__}: expected an object")
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _read(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
    return cls(**kwargs)


def stored_result(jurisdiction: str, data: dict):
    """The result object of ``jurisdiction``'s guideline from its stored dict (fields it lacks keep
    their defaults; keys it does not know are ignored). Raises ``StoredResultError``."""
    cls = WORKSHEETS[jurisdiction][0]
    try:
        result = _dataclass(cls, data)
        result.lines()  # every line can be drawn
    except StoredResultError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, InvalidOperation, StopIteration) as exc:
        raise StoredResultError(f"{cls.__name__}: {exc}") from exc
    return result

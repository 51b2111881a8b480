"""Fixed-width partner files, declared once as data and used both ways.

Every partner file the office exchanges (e-IWO, new hires, Federal Offset, FIDM ...) is a file of
fixed-width records. A layout is *declared* — never coded twice — and the one ``read`` and the
one ``write`` below interpret the same declaration, so a reader and a writer cannot disagree.

How a layout module declares its records (``enforcement/interchange/layouts/<name>.py``)::

    from ..fixedwidth import Field, FileLayout, RecordLayout, register_layout

    HEADER = RecordLayout("header", record_id="HDR", length=80, fields=[
        Field("record_id", 1, 3, "constant", value="HDR"),          # the discriminator
        Field("created_on", 4, 8, "date", required=True),            # CCYYMMDD (the default)
        Field("control_number", 12, 10, "alnum", required=True),
        Field("filler", 22, 59, "filler"),
    ])
    DETAIL = keyed_record("detail", "DTL", [...], length=80)  # record_id in 1-3, filler to 80
    LAYOUT = register_layout(FileLayout(
        "example", records=[HEADER, DETAIL], id_start=1, id_length=3,
        version="Spec title, version and date", check=my_structure_check))

Rules of the declaration (checked when the layout is built, so a typo fails at import time):
- ``start`` is the 1-based column of the spec; fields of a record are contiguous and cover it
  exactly (``start + length`` of one is the ``start`` of the next; the last ends at ``length``).
- Types: ``alpha`` (letters, blanks, ``- ' . ,``), ``alnum`` (printable ASCII), ``numeric`` (a
  string of digits kept as a string: SSN, FEIN, ZIP — leading zeros matter), ``integer`` (an
  ``int``, right-justified, zero-filled: counts), ``amount`` (a ``Decimal`` with ``decimals``
  implied decimal places, zero-filled, no point), ``date`` (a ``date``; ``format`` one of
  ``CCYYMMDD``, ``MMDDCCYY``, ``YYMMDD``, ``CCYYMM``), ``constant`` (always ``value``; checked on
  read, written on write, not part of the record's values) and ``filler`` (blanks; ignored).
- ``required``: a blank is an error. An optional blank reads as ``""`` (text) or ``None``.
- ``choices``: the codes a field may hold (checked both ways).
- ``confirmed=False`` marks a field whose position we could not confirm in the published spec
  (listed in ``docs/partner-files.md``).
- ``consecutive(start, [(name, length, type, options), ...])`` lays a run of fields end to end, for
  a run whose positions follow from its lengths (``options``: the other arguments of ``Field``).
- ``FileLayout.check(records)`` returns structural errors (header first, trailer counts agree...).

Errors are collected for the whole file — ``{line, field, reason}`` — and raised together
(``FixedWidthError``): a file with any error is refused whole, nothing from it is recorded.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

TYPES = ("alpha", "alnum", "numeric", "integer", "amount", "date", "constant", "filler")
DATE_FORMATS = {"CCYYMMDD": "%Y%m%d", "MMDDCCYY": "%m%d%Y", "YYMMDD": "%y%m%d", "CCYYMM": "%Y%m"}
ALPHA_RE = re.compile(r"^[A-Za-z \-'.,]*$")
PRINTABLE_RE = re.compile(r"^[\x20-\x7e]*$")
MAX_ERRORS = 200  # a file with thousands of bad lines reports the first ones, then a count


@dataclass(frozen=True)
class Field:
    name: str
    start: int  # 1-based column, as the specs number them
    length: int
    type: str = "alnum"
    required: bool = False
    decimals: int = 2  # amount: implied decimal places
    format: str = "CCYYMMDD"  # date
    value: str = ""  # constant
    choices: tuple[str, ...] | None = None
    description: str = ""
    confirmed: bool = True

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown type {self.type!r}")
        if self.start < 1 or self.length < 1:
            raise ValueError(f"{self.name}: start and length must be positive")
        if self.type == "date" and self.format not in DATE_FORMATS:
            raise ValueError(f"{self.name}: unknown date format {self.format!r}")
        if self.type == "date" and len(self.format) != self.length:
            raise ValueError(f"{self.name}: a {self.format} date is {len(self.format)} long, not {self.length}")
        if self.type == "constant" and len(self.value) > self.length:
            raise ValueError(f"{self.name}: constant longer than the field")

    @property
    def end(self) -> int:  # 1-based, inclusive
        return self.start + self.length - 1

    @property
    def carries_value(self) -> bool:
        return self.type not in ("constant", "filler")

    # --- one field both ways -------------------------------------------------------------------

    def parse(self, raw: str) -> Any:
        """The typed value of ``raw`` (exactly ``length`` characters); ``ValueError`` says why not."""
        text = raw.rstrip()
        if self.type == "filler":
            return None
        if self.type == "constant":
            if raw != self.value.ljust(self.length):
                raise ValueError(f"must be {self.value!r}")
            return None
        if not text.strip():
            if self.required:
                raise ValueError("required, but blank")
            return "" if self.type in ("alpha", "alnum", "numeric") else None
        if self.type == "alpha":
            if not ALPHA_RE.match(text):
                raise ValueError("letters only")
            value: Any = text
        elif self.type == "alnum":
            if not PRINTABLE_RE.match(text):
                raise ValueError("unprintable character")
            value = text
        elif self.type == "numeric":
            if not raw.isdigit() or not raw.isascii():
                raise ValueError("digits only")
            value = raw
        elif self.type == "integer":
            if not raw.isdigit() or not raw.isascii():
                raise ValueError("a whole number, zero-filled")
            value = int(raw)
        elif self.type == "amount":
            if not raw.isdigit() or not raw.isascii():
                raise ValueError(f"an amount: digits with {self.decimals} implied decimals")
            value = (Decimal(int(raw)) / (10**self.decimals)).quantize(Decimal(1).scaleb(-self.decimals))
        else:  # date
            try:
                value = datetime.strptime(raw, DATE_FORMATS[self.format]).date()
            except ValueError:
                raise ValueError(f"a date {self.format}") from None
        if self.choices is not None and str(value) not in self.choices:
            raise ValueError(f"one of {', '.join(self.choices)}")
        return value

    def format_value(self, value: Any) -> str:
        """``value`` laid out in ``length`` characters; ``ValueError`` when it cannot be."""
        if self.type == "filler":
            return " " * self.length
        if self.type == "constant":
            return self.value.ljust(self.length)
        if value is None or value == "":
            if self.required:
                raise ValueError("required, but blank")
            return " " * self.length
        if self.choices is not None and str(value) not in self.choices:
            raise ValueError(f"one of {', '.join(self.choices)}")
        if self.type in ("alpha", "alnum"):
            text = str(value)
            pattern = ALPHA_RE if self.type == "alpha" else PRINTABLE_RE
            if not pattern.match(text):
                raise ValueError("letters only" if self.type == "alpha" else "unprintable character")
            if len(text) > self.length:
                raise ValueError(f"longer than {self.length}")
            return text.ljust(self.length)
        if self.type == "numeric":
            text = str(value)
            if not text.isdigit() or not text.isascii() or len(text) > self.length:
                raise ValueError(f"at most {self.length} digits")
            return text.rjust(self.length, "0")
        if self.type == "integer":
            number = int(value)
            if number < 0 or len(str(number)) > self.length:
                raise ValueError(f"a whole number of at most {self.length} digits")
            return str(number).rjust(self.length, "0")
        if self.type == "amount":
            try:
                cents = Decimal(value).scaleb(self.decimals)
            except InvalidOperation:
                raise ValueError("not an amount") from None
            if cents != cents.to_integral_value() or cents < 0:
                raise ValueError(f"a non-negative amount with at most {self.decimals} decimals")
            text = str(int(cents))
            if len(text) > self.length:
                raise ValueError(f"amount too large for {self.length} digits")
            return text.rjust(self.length, "0")
        if not isinstance(value, date):
            raise ValueError("not a date")
        text = value.strftime(DATE_FORMATS[self.format])
        if len(text) != self.length:  # a year before 1000 (or after 9999 for YYMMDD)
            raise ValueError(f"a date {self.format}")
        return text


@dataclass(frozen=True)
class RecordLayout:
    name: str
    record_id: str
    fields: tuple[Field, ...] | list[Field]
    length: int
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        position = 1
        names: set[str] = set()
        for f in self.fields:
            if f.start != position:
                raise ValueError(f"{self.name}.{f.name} starts at {f.start}, expected {position}")
            if f.carries_value and f.name in names:
                raise ValueError(f"{self.name}.{f.name} declared twice")
            names.add(f.name)
            position = f.end + 1
        if position - 1 != self.length:
            raise ValueError(f"{self.name}: fields end at {position - 1}, record is {self.length} long")

    @property
    def value_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.carries_value)  # type: ignore[union-attr]


def keyed_record(name: str, record_id: str, fields: list[Field], *, length: int, description: str = "") -> RecordLayout:
    """The usual record: its type ``record_id``, a constant from column 1, then ``fields``, then
    (when they stop short of ``length``) filler to the end of the record."""
    fields = [Field("record_id", 1, len(record_id), "constant", value=record_id), *fields]
    end = fields[-1].end
    if end < length:
        fields.append(Field("filler", end + 1, length - end, "filler"))
    return RecordLayout(name, record_id=record_id, length=length, description=description, fields=fields)


def consecutive(start: int, specs: Iterable[tuple[str, int, str, Mapping[str, Any]]], **common: Any) -> list[Field]:
    """Fields laid end to end from column ``start``, each ``(name, length, type, options)``: a run whose
    positions follow from the lengths. ``options`` (and ``common``, for every field) are the other
    arguments of ``Field``."""
    fields = []
    for name, length, type_, options in specs:
        fields.append(Field(name, start, length, type_, **{**common, **options}))
        start += length
    return fields


@dataclass
class Record:
    """One record of a file: its type (``RecordLayout.name``), values by field name, and line."""

    type: str
    values: dict[str, Any]
    line: int = 0

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def __eq__(self, other: object) -> bool:  # the line is where it was read, not what it is
        return isinstance(other, Record) and (self.type, self.values) == (other.type, other.values)


StructureCheck = Callable[[list[Record]], list[dict]]


@dataclass(frozen=True)
class FileLayout:
    name: str
    records: tuple[RecordLayout, ...] | list[RecordLayout]
    id_start: int = 1
    id_length: int = 1
    version: str = ""  # the published spec this follows (title, version, date)
    check: StructureCheck | None = None
    pad_short_lines: bool = True  # transfers strip trailing blanks: a short line is padded, then read
    description: str = ""
    # A layout whose record types are not told by one column range (the FOP detail record has no
    # record id: its control record says "CTL" where a detail has its local code) names them here.
    identify: Callable[[str], str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", tuple(self.records))
        ids = [r.record_id for r in self.records]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.name}: two record types share an id")
        for r in self.records:  # type: ignore[union-attr]
            if self.identify is None and len(r.record_id) != self.id_length:
                raise ValueError(f"{self.name}.{r.name}: record id {r.record_id!r} is not {self.id_length} long")

    def record(self, name: str) -> RecordLayout:
        for r in self.records:  # type: ignore[union-attr]
            if r.name == name:
                return r
        raise KeyError(f"{self.name} has no record type {name!r}")

    def by_id(self) -> dict[str, RecordLayout]:
        return {r.record_id: r for r in self.records}  # type: ignore[union-attr]


class FixedWidthError(Exception):
    """A file (or a set of records to write) with errors: ``errors`` is ``[{line, field, reason}]``."""

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(
                f"line {e['line']}: {e['field']}: {e['reason']}"
                if e.get("field")
                else f"line {e['line']}: {e['reason']}"
                for e in errors[:5]
            )
        )


def error_row(line: int, field_name: str, reason: str) -> dict:
    """One error of a file as ``FixedWidthError`` and the reports carry it: the line (0: the whole
    file), the field (``""``: none) and why."""
    return {"line": line, "field": field_name, "reason": reason}


def _error(errors: list[dict], line: int, field_name: str, reason: str) -> None:
    if len(errors) < MAX_ERRORS:
        errors.append(error_row(line, field_name, reason))


def read(lines: Iterable[str], layout: FileLayout) -> list[Record]:
    """Every record of the file, typed; ``FixedWidthError`` with all its errors otherwise."""
    records: list[Record] = []
    errors: list[dict] = []
    by_id = layout.by_id()
    lengths = {r.length for r in by_id.values()}
    lo, hi = layout.id_start - 1, layout.id_start - 1 + layout.id_length
    total_errors = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue  # blank lines (a trailing newline, padding blocks of spaces) carry nothing
        record_id = layout.identify(line) if layout.identify is not None else line[lo:hi]
        record_layout = by_id.get(record_id)
        if record_layout is None:
            total_errors += 1
            _error(
                errors,
                number,
                "record_id",
                f"unknown record type {record_id!r} (expected one of {', '.join(sorted(by_id))})",
            )
            continue
        if len(line) < record_layout.length and layout.pad_short_lines:
            line = line.ljust(record_layout.length)
        if len(line) != record_layout.length:
            total_errors += 1
            _error(
                errors,
                number,
                "",
                f"{record_layout.name} record is {len(line)} characters, "
                f"expected {record_layout.length}"
                + (f" (record lengths here: {sorted(lengths)})" if len(lengths) > 1 else ""),
            )
            continue
        values: dict[str, Any] = {}
        for f in record_layout.fields:
            try:
                value = f.parse(line[f.start - 1 : f.end])
            except ValueError as exc:
                total_errors += 1
                _error(errors, number, f.name, f"{f.name} (columns {f.start}-{f.end}): {exc}")
                continue
            if f.carries_value:
                values[f.name] = value
        records.append(Record(record_layout.name, values, number))
    if not errors and layout.check is not None:
        errors = list(layout.check(records))
        total_errors = len(errors)
    if errors:
        if total_errors > len(errors):
            errors.append(error_row(0, "", f"{total_errors - len(errors)} more errors not listed"))
        raise FixedWidthError(errors)
    return records


def write(records: Iterable[Record | Mapping[str, Any]], layout: FileLayout) -> list[str]:
    """The lines of ``records`` (``Record`` or ``{"type": ..., **values}``); ``FixedWidthError``
    (``line`` = the record's position, 1-based) when a value does not fit its field."""
    lines: list[str] = []
    errors: list[dict] = []
    for number, item in enumerate(records, start=1):
        if isinstance(item, Record):
            type_name, values = item.type, item.values
        else:
            type_name, values = item["type"], {k: v for k, v in item.items() if k != "type"}
        try:
            record_layout = layout.record(type_name)
        except KeyError as exc:
            _error(errors, number, "type", str(exc))
            continue
        unknown = set(values) - {f.name for f in record_layout.value_fields}
        if unknown:
            _error(errors, number, sorted(unknown)[0], f"not a field of {record_layout.name}")
        parts: list[str] = []
        for f in record_layout.fields:
            try:
                parts.append(f.format_value(values.get(f.name)))
            except ValueError as exc:
                _error(errors, number, f.name, f"{f.name}: {exc}")
                parts.append(" " * f.length)
        lines.append("".join(parts))
    if errors:
        raise FixedWidthError(errors)
    return lines


def write_text(records: Iterable[Record | Mapping[str, Any]], layout: FileLayout, *, newline: str = "\r\n") -> str:
    """The file as text: CR LF line ends (the federal partners' convention), a final line end."""
    return "".join(line + newline for line in write(records, layout))


def decode(content: bytes) -> list[str]:
    """A file's lines; only ASCII (the federal layouts are ASCII): ``FixedWidthError`` otherwise."""
    try:
        text = content.decode("ascii")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise FixedWidthError(
            [error_row(line, "", f"not ASCII text (byte 0x{content[exc.start]:02x}): the partner files are ASCII")]
        ) from None
    return text.splitlines()


# --- the registry of layouts -----------------------------------------------------------------------

_LAYOUTS: dict[str, FileLayout] = {}


def register_layout(layout: FileLayout) -> FileLayout:
    if layout.name in _LAYOUTS and _LAYOUTS[layout.name] is not layout:
        raise ValueError(f"layout {layout.name!r} registered twice")
    _LAYOUTS[layout.name] = layout
    return layout


def all_layouts() -> dict[str, FileLayout]:
    """Every layout (importing each module of ``enforcement.interchange.layouts``)."""
    from . import layouts

    for module in pkgutil.iter_modules(layouts.__path__):
        importlib.import_module(f"{layouts.__name__}.{module.name}")
    return dict(_LAYOUTS)


def get_layout(name: str) -> FileLayout:
    layouts_by_name = _LAYOUTS if name in _LAYOUTS else all_layouts()
    return layouts_by_name[name]


@dataclass
class TrailerCount:
    """A ready-made structure check: one header first, one trailer last, and trailer counts
    that agree with the details (``counts``: trailer field → record type counted, or a callable)."""

    header: str | None
    trailer: str | None
    counts: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    sums: dict[str, tuple[str, str]] = field(default_factory=dict)  # trailer field → (record type, amount field)

    def __call__(self, records: list[Record]) -> list[dict]:
        errors: list[dict] = []
        if not records:
            return [error_row(0, "", "the file has no records")]
        if self.header:
            if records[0].type != self.header:
                errors.append(error_row(records[0].line, "record_id", f"the first record must be the {self.header}"))
            for r in records[1:]:
                if r.type == self.header:
                    errors.append(error_row(r.line, "record_id", f"a second {self.header}"))
        if self.trailer:
            last = records[-1]
            if last.type != self.trailer:
                errors.append(error_row(last.line, "record_id", f"the last record must be the {self.trailer}"))
                return errors
            for r in records[:-1]:
                if r.type == self.trailer:
                    errors.append(error_row(r.line, "record_id", f"a {self.trailer} before the end"))
            for trailer_field, counted in self.counts.items():
                kinds = (counted,) if isinstance(counted, str) else counted
                actual = sum(1 for r in records if r.type in kinds)
                if last.get(trailer_field) != actual:
                    errors.append(
                        error_row(
                            last.line,
                            trailer_field,
                            f"{trailer_field} says {last.get(trailer_field)}, the file has {actual}",
                        )
                    )
            for trailer_field, (kind, amount_field) in self.sums.items():
                total = sum((r.get(amount_field) or Decimal(0) for r in records if r.type == kind), Decimal(0))
                if last.get(trailer_field) != total:
                    errors.append(
                        error_row(
                            last.line,
                            trailer_field,
                            f"{trailer_field} says {last.get(trailer_field)}, the records add to {total}",
                        )
                    )
        return errors

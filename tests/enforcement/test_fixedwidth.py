"""The fixed-width layouts: write → read gives the same records, for every record type of every
registered layout (partner-b's e-IWO layouts included: the test walks the registry), and bad
input is refused with the line and the field."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from enforcement.interchange.fixedwidth import (
    ALPHA_RE,
    Field,
    FileLayout,
    FixedWidthError,
    Record,
    RecordLayout,
    TrailerCount,
    all_layouts,
    read,
    write,
)

LAYOUTS = all_layouts()
RECORD_TYPES = [(layout.name, record.name) for layout in LAYOUTS.values() for record in layout.records]
PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
ALPHA = st.sampled_from(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz -'.,"))


def _text(f: Field, alphabet) -> st.SearchStrategy:
    base = st.text(alphabet, min_size=0, max_size=f.length).map(str.rstrip)
    if f.required:
        base = base.filter(lambda s: s.strip() != "")
    return base


def value_strategy(f: Field) -> st.SearchStrategy:
    if f.choices is not None:
        values = st.sampled_from(f.choices)
        return values if f.required else st.one_of(st.just(""), values)
    if f.type == "alpha":
        return _text(f, ALPHA)
    if f.type == "alnum":
        return _text(f, PRINTABLE)
    if f.type == "numeric":
        digits = st.text("0123456789", min_size=f.length, max_size=f.length)
        return digits if f.required else st.one_of(st.just(""), digits)
    if f.type == "integer":
        number = st.integers(min_value=0, max_value=10 ** min(f.length, 15) - 1)
        return number if f.required else st.one_of(st.none(), number)
    if f.type == "amount":
        cents = st.integers(min_value=0, max_value=10 ** min(f.length, 15) - 1)
        amount = cents.map(lambda c: (Decimal(c) / 10**f.decimals).quantize(Decimal(1).scaleb(-f.decimals)))
        return amount if f.required else st.one_of(st.none(), amount)
    if f.type == "date":
        low = date(1970, 1, 1) if f.format == "YYMMDD" else date(1900, 1, 1)
        high = date(2068, 12, 31) if f.format == "YYMMDD" else date(2099, 12, 31)
        days = st.dates(min_value=low, max_value=high)
        if f.format == "CCYYMM":
            days = days.map(lambda d: d.replace(day=1))
        return days if f.required else st.one_of(st.none(), days)
    raise AssertionError(f.type)


def record_strategy(record: RecordLayout) -> st.SearchStrategy:
    return st.fixed_dictionaries({f.name: value_strategy(f) for f in record.value_fields}).map(
        lambda values: Record(record.name, values)
    )


def test_the_registry_holds_the_new_hire_layout():
    assert "ndnh-w4" in LAYOUTS
    assert all(layout.version for layout in LAYOUTS.values()), "every layout names the spec version it follows"


@pytest.mark.parametrize(("layout_name", "record_name"), RECORD_TYPES)
def test_write_then_read_gives_the_same_records(layout_name, record_name):
    layout = LAYOUTS[layout_name]
    record = layout.record(record_name)
    # The structure check (header first, counts) is the file's, not one record's: test records alone.
    bare = dataclasses.replace(layout, check=None)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(record_strategy(record), min_size=1, max_size=4))
    def round_trip(records):
        lines = write(records, bare)
        # A layout that tells its records apart by content reserves those columns (FOP: "CTL" in
        # positions 3-5 is a control record, so no detail's local code is CTL; the settings refuse it).
        assume(layout.identify is None or all(layout.identify(line) == record.record_id for line in lines))
        assert all(len(line) == record.length for line in lines)
        assert read(lines, bare) == records

    round_trip()


def _tiny_layout() -> FileLayout:
    header = RecordLayout(
        "header",
        record_id="H",
        length=20,
        fields=[
            Field("record_id", 1, 1, "constant", value="H"),
            Field("created_on", 2, 8, "date", required=True),
            Field("batch", 10, 4, "numeric", required=True),
            Field("filler", 14, 7, "filler"),
        ],
    )
    detail = RecordLayout(
        "detail",
        record_id="D",
        length=20,
        fields=[
            Field("record_id", 1, 1, "constant", value="D"),
            Field("ssn", 2, 9, "numeric", required=True),
            Field("amount", 11, 8, "amount", required=True),
            Field("code", 19, 2, "alnum", choices=("AA", "BB")),
        ],
    )
    trailer = RecordLayout(
        "trailer",
        record_id="T",
        length=20,
        fields=[
            Field("record_id", 1, 1, "constant", value="T"),
            Field("count", 2, 5, "integer", required=True),
            Field("total", 7, 14, "amount", required=True),
        ],
    )
    return FileLayout(
        "tiny",
        records=[header, detail, trailer],
        version="test",
        check=TrailerCount(
            header="header", trailer="trailer", counts={"count": "detail"}, sums={"total": ("detail", "amount")}
        ),
    )


def test_a_good_file_reads_into_typed_records():
    lines = ["H202601150001", "D12345678900001050AA", "D98765432100000100", "T0000200000000001150"]
    records = read(lines, _tiny_layout())
    assert [r.type for r in records] == ["header", "detail", "detail", "trailer"]
    assert records[0]["created_on"] == date(2026, 1, 15) and records[0]["batch"] == "0001"
    assert records[1]["amount"] == Decimal("10.50") and records[2]["code"] == ""
    assert records[3]["total"] == Decimal("11.50")


def test_every_error_of_a_file_is_reported_with_its_line_and_field():
    lines = ["H202613150001", "D12345678X00001050ZZ", "X", "D123", "T0000900000000001150"]
    with pytest.raises(FixedWidthError) as caught:
        read(lines, _tiny_layout())
    errors = caught.value.errors
    by_line = {(e["line"], e["field"]) for e in errors}
    assert (1, "created_on") in by_line  # month 13
    assert (2, "ssn") in by_line and (2, "code") in by_line
    assert (3, "record_id") in by_line
    assert any(e["line"] == 1 and "columns 2-9" in e["reason"] for e in errors)


def test_a_short_line_is_padded_but_a_long_one_refused():
    layout = _tiny_layout()
    assert read(["H202601150001", "D12345678900001050", "T0000100000000001050"], layout)[1]["code"] == ""
    with pytest.raises(FixedWidthError) as caught:
        read(["H202601150001      XX"], layout)
    assert "21 characters, expected 20" in caught.value.errors[0]["reason"]


def test_trailer_counts_and_totals_must_agree():
    with pytest.raises(FixedWidthError) as caught:
        read(["H202601150001", "D12345678900001050", "T0000200000000001050"], _tiny_layout())
    assert {e["field"] for e in caught.value.errors} == {"count"}


def test_write_refuses_what_does_not_fit():
    with pytest.raises(FixedWidthError) as caught:
        write([{"type": "detail", "ssn": "1234567890", "amount": Decimal("-1")}], _tiny_layout())
    assert {e["field"] for e in caught.value.errors} == {"ssn", "amount"}


def test_a_layout_whose_fields_do_not_meet_fails_at_declaration():
    with pytest.raises(ValueError, match="starts at 5, expected 4"):
        RecordLayout(
            "bad",
            record_id="B",
            length=10,
            fields=[Field("record_id", 1, 3, "constant", value="B"), Field("x", 5, 6, "alnum")],
        )


def test_alpha_allows_names_with_hyphens_and_apostrophes():
    assert ALPHA_RE.match("O'NEIL-SMITH JR.")


def test_keyed_record_puts_its_id_first_and_fills_the_rest():
    from enforcement.interchange.fixedwidth import Field, RecordLayout, keyed_record

    record = keyed_record("detail", "DTL", [Field("amount", 4, 5, "integer")], length=20, description="A detail")

    assert record == RecordLayout(
        "detail",
        record_id="DTL",
        length=20,
        description="A detail",
        fields=[
            Field("record_id", 1, 3, "constant", value="DTL"),
            Field("amount", 4, 5, "integer"),
            Field("filler", 9, 12, "filler"),
        ],
    )


def test_keyed_record_adds_no_filler_to_a_full_record():
    from enforcement.interchange.fixedwidth import Field, keyed_record

    record = keyed_record("trailer", "T", [Field("count", 2, 4, "integer")], length=5)

    assert [f.name for f in record.fields] == ["record_id", "count"]

"""The BAI2 statement parser/validator and writer (pure, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import bai2.bai2 as bai2_library
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement.bai2file import AccountSpec, Bai2Invalid, TransactionSpec, build_statement, direction_of, parse


def _statement(**kwargs) -> str:
    accounts = kwargs.pop("accounts", None) or [
        AccountSpec(
            "100200300",
            [
                TransactionSpec(165, Decimal("350.50"), "B1", "PF-1", "ACH CREDIT, EMPLOYER"),
                TransactionSpec(455, Decimal("100.00"), "B2", "DX-1"),
            ],
            opening_balance=Decimal("-5.00"),
        ),
    ]
    return build_statement(sender="BANK", receiver="SDU", as_of=date(2026, 11, 20), accounts=accounts, **kwargs)


def _errors(text: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(Bai2Invalid) as info:
        parse(text)
    return info.value.errors


def test_valid_statement_parses_and_agrees_with_the_bai2_library():
    text = _statement()
    statement = parse(text)
    account = statement.groups[0].accounts[0]
    assert [t.direction for t in account.transactions] == ["credit", "debit"]
    assert account.transactions[0].text == "ACH CREDIT, EMPLOYER"
    assert account.transactions[0].customer_reference == "PF-1"
    assert statement.groups[0].as_of_date == date(2026, 11, 20)
    assert statement.control_total == Decimal("445.50")
    library = bai2_library.parse_from_string(text)
    assert library.trailer.file_control_total == 44550


def test_continuation_records_are_joined():
    text = (
        "01,BANK,SDU,261120,0800,1,,,2/\n"
        "02,SDU,BANK,1,261120,,USD,2/\n"
        "03,42,USD,010,1000,,Z/\n"
        "88,015,2000,,Z/\n"
        "16,165,500,Z,B1,C1,FIRST PART\n"
        "88,SECOND PART/\n"
        "49,3500,5/\n"
        "98,3500,1,7/\n"
        "99,3500,1,9/\n"
    )
    account = parse(text).groups[0].accounts[0]
    assert account.summaries == [(10, Decimal("10.00")), (15, Decimal("20.00"))]
    assert account.transactions[0].text == "FIRST PART SECOND PART"


def test_mistotalled_account_is_refused_with_line_numbers():
    text = _statement().replace("49,44550,4/", "49,44551,4/")
    errors = _errors(text)
    assert errors[0] == (
        6,
        "account trailer for account 100200300 (line 3): control total says 445.51, the records total 445.50",
    )


def test_wrong_record_count_is_refused():
    errors = _errors(_statement().replace("99,44550,1,8/", "99,44550,1,9/"))
    assert errors == [(8, "file trailer: record count says 9, the file has 8")]


def test_wrong_group_account_count_is_refused():
    errors = _errors(_statement().replace("98,44550,1,6/", "98,44550,2,6/"))
    assert errors == [(7, "group trailer for the group at line 2: number of accounts says 2, the group has 1")]


def test_truncated_statement_is_refused():
    lines = _statement().splitlines()[:5]
    reasons = [r for _, r in _errors("\n".join(lines))]
    assert "truncated: no file trailer (99)" in reasons
    assert any("has no trailer (49)" in r for r in reasons)


def test_unknown_record_type_is_refused():
    text = _statement().replace("16,455", "17,455")
    assert (5, "unknown record type '17'") in _errors(text)


def test_missing_slash_is_refused():
    text = _statement().replace("03,100200300,USD,010,-500,,Z/", "03,100200300,USD,010,-500,,Z")
    assert (3, "record 03 must end with '/'") in _errors(text)


def test_bad_amount_and_type_code_are_refused():
    text = _statement().replace("16,165,35050", "16,1X5,35.50")
    errors = _errors(text)
    assert (4, "type code must be 3 digits, found '1X5'") in errors
    assert (4, "transaction amount must be whole number of cents, found '35.50'") in errors


def test_records_after_the_file_trailer_are_refused():
    assert (9, "records after the file trailer (99)") in _errors(_statement() + "16,165,1,Z,,/\n")


def test_version_other_than_2_is_refused():
    text = _statement().replace(",,,2/", ",,,3/", 1)
    assert (1, "only BAI version 2 is accepted, found version '3'") in _errors(text)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "the file is empty"),
        ("1" + "0" * 93 + "\n", "this looks like a NACHA file, not a BAI2 bank statement"),
        ("date,amount\n2026-11-20,5\n", "not a BAI2 statement: the first record must be a file header (01)"),
        (b"\xff\xfe", "the file contains non-ASCII bytes: not a BAI2 statement"),
    ],
)
def test_file_of_another_format_is_refused(content, reason):
    assert _errors(content) == [(1, reason)]


@pytest.mark.parametrize(
    ("code", "direction"),
    [(99, "other"), (100, "credit"), (399, "credit"), (400, "debit"), (699, "debit"), (700, "other")],
)
def test_direction_edges(code, direction):
    assert direction_of(code) == direction


def _parse_or_invalid(data) -> None:
    try:
        parse(data)
    except Bai2Invalid as exc:
        assert exc.errors and all(isinstance(line, int) and line >= 1 for line, _ in exc.errors)


@settings(max_examples=300)
@given(st.binary(max_size=1500))
def test_fuzz_random_bytes(data):
    _parse_or_invalid(data)


_VALID = _statement()


@settings(max_examples=400)
@given(
    position=st.integers(min_value=0, max_value=len(_VALID) - 1),
    replacement=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=4),
)
def test_fuzz_mutated_valid_statement(position, replacement):
    _parse_or_invalid(_VALID[:position] + replacement + _VALID[position + len(replacement) :])


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=8))
def test_fuzz_dropped_or_duplicated_records(ops):
    lines = _VALID.splitlines()
    for op in ops:
        if not lines:
            break
        index = op % len(lines)
        if op % 2:
            del lines[index]
        else:
            lines.insert(index, lines[index])
    _parse_or_invalid("\n".join(lines))


# --- layouts banks send (issue 13.5): every fixture read by this reader and by the bai2 package ---

FIXTURES = Path(__file__).parent / "bai2_fixtures"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("ascii")


def _ours(text: str) -> list[tuple]:
    statement = parse(text)
    return [
        (
            a.number,
            [(code, amount) for code, amount in a.summaries],
            a.control_total,
            [(t.type_code, t.amount, t.bank_reference, t.customer_reference, t.text) for t in a.transactions],
        )
        for g in statement.groups
        for a in g.accounts
    ]


def _library(text: str) -> list[tuple]:
    """The same view of the statement through the ``bai2`` package (the oracle).

    The package keeps an all-empty summary group as a summary without a type code; such a group
    says nothing, so it is left out here as the project's reader leaves it out.
    """
    library = bai2_library.parse_from_string(text.replace("\x1a", ""))
    cents = Decimal("0.01")
    return [
        (
            a.header.customer_account_number,
            [
                (int(s.type_code.code), (Decimal(s.amount) * cents).quantize(cents))
                for s in a.header.summary_items
                if s.type_code is not None
            ],
            (Decimal(a.trailer.account_control_total) * cents).quantize(cents),
            [
                (
                    int(t.type_code.code),
                    (Decimal(t.amount) * cents).quantize(cents),
                    t.bank_reference or "",
                    t.customer_reference or "",
                    t.text or "",
                )
                for t in a.children
            ],
        )
        for g in library.children
        for a in g.children
    ]


# Layouts the bai2 package cannot read (tested against the BAI2 rules on their own below).
BEYOND_THE_PACKAGE = {"spec_account_summary_continued.bai"}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.bai") if p.name not in BEYOND_THE_PACKAGE))
def test_every_fixture_reads_as_the_bai2_package_reads_it(name):
    text = _fixture(name)
    assert _ours(text) == _library(text)


def test_empty_summary_groups_are_accounts_without_summaries():
    for name in ("empty_summary_with_currency.bai", "empty_summary_without_currency.bai"):
        [(number, summaries, total, transactions)] = _ours(_fixture(name))
        assert (number, summaries, total) == ("1234567", [], Decimal("500.00"))
        assert transactions == [(165, Decimal("500.00"), "B1", "PF-1", "ACH CREDIT")]


def test_a_continued_account_record_keeps_its_summary_groups_in_place():
    [(_, summaries, total, _)] = _ours(_fixture("account_continued_after_trailing_empty_field.bai"))
    assert summaries == [(10, Decimal("1000.00")), (15, Decimal("2000.00"))]
    assert total == Decimal("3500.00")
    [(_, summaries, _, _)] = _ours(_fixture("account_continued_twice.bai"))
    assert summaries == [(10, Decimal("1000.00")), (15, Decimal("2000.00")), (40, Decimal("-50.00"))]


def test_continued_details_join_text_and_start_new_fields():
    [(_, _, _, transactions)] = _ours(_fixture("detail_continued_text_and_fields.bai"))
    assert transactions == [
        (165, Decimal("500.00"), "B1", "PF-1", "ACH CREDIT EMPLOYER ACME PAYROLL CHILD SUPPORT"),
        (455, Decimal("200.00"), "B2", "DX-20261120-001", "DISBURSEMENT FILE"),
    ]


def test_availability_crlf_and_a_dos_end_of_file_mark():
    statement = parse(_fixture("availability_crlf_ctrl_z.bai"))
    details = statement.groups[0].accounts[0].transactions
    assert [(t.funds_type, t.value_date) for t in details] == [("V", date(2026, 11, 19)), ("S", None), ("D", None)]
    assert statement.record_count == 9


def test_fixed_length_records_and_bank_header_variants():
    statement = parse(_fixture("fixed_length_80_two_accounts.bai"))
    group = statement.groups[0]
    assert (statement.created_time, group.as_of_time, group.currency) == ("9999", "2400", "USD")
    assert [a.number for a in group.accounts] == ["1234567", "7654321"]
    assert [a.record_count for a in group.accounts] == [4, 3]


def test_an_account_summary_with_split_availability_continued():
    # S availability inside a summary group, then a trailing empty field, then an 88: the bai2
    # package cannot read this layout (it counts commas in fours); the BAI2 rules allow it.
    text = (
        "01,BANK,SDU,261120,0800,1,,,2/\n02,SDU,BANK,1,261120,,USD,2/\n"
        "03,1234567,USD,010,100000,,S,50000,25000,25000,/\n88,015,200000,,Z/\n"
        "49,300000,3/\n98,300000,1,5/\n99,300000,1,7/\n"
    )
    [(_, summaries, total, _)] = _ours(text)
    assert summaries == [(10, Decimal("1000.00")), (15, Decimal("2000.00"))] and total == Decimal("3000.00")


def test_wrong_totals_after_continuations_are_still_refused_with_lines():
    text = _fixture("account_continued_twice.bai").replace("49,345000,5/", "49,345001,5/")
    assert _errors(text)[0] == (
        7,
        "account trailer for account 1234567 (line 3): control total says 3450.01, the records total 3450.00",
    )
    text = _fixture("account_continued_twice.bai").replace("49,345000,5/", "49,345000,4/")
    assert _errors(text)[0] == (
        7,
        "account trailer for account 1234567 (line 3): record count says 4, the account has 5",
    )


def test_a_summary_group_with_a_bad_type_code_is_refused():
    text = _fixture("account_continued_twice.bai").replace("88,015,200000,,/", "88,15,200000,,/")
    assert (3, "type code must be 3 digits, found '15'") in _errors(text)


def test_the_bai_specs_own_account_summary_continued_on_two_88_records():
    # BAI2 (Cash Management Balance Reporting Specifications, version 2) sample: a summary group
    # (type code 190, then its amount) runs across the "/" onto an 88; a continued record reads as
    # it would on one physical line. The bai2 package joins the records without a field
    # delimiter ('190500000') and cannot read it, so this fixture is not compared with it.
    statement = parse(_fixture("spec_account_summary_continued.bai"))
    [account] = statement.groups[0].accounts
    assert (account.number, account.currency, account.record_count) == ("9876543210", "USD", 5)
    assert account.summaries == [
        (10, Decimal("-5000.00")),
        (100, Decimal("10000.00")),
        (400, Decimal("20000.00")),
        (190, Decimal("5000.00")),
        (110, Decimal("10000.00")),
        (72, Decimal("5000.00")),
        (74, Decimal("5000.00")),
        (40, Decimal("-15000.00")),
    ]
    [detail] = account.transactions
    assert (detail.type_code, detail.amount, detail.funds_type, detail.text) == (
        115,
        Decimal("5000.00"),
        "S",
        "LOCK BOX NO.68751",
    )
    assert account.control_total == statement.control_total == Decimal("40000.00")


@pytest.mark.parametrize(
    ("account", "continued"),
    [
        # split availability (S: immediate, one day, two or more days) continued after its funds type
        ("03,1234567,USD,010,100000,,S/", "88,50000,25000,25000,015,200000,,Z/"),
        ("03,1234567,USD,010,100000,,S,50000/", "88,25000,25000,015,200000,,Z/"),
        # value dated (V: date, time) and distributed (D: count, then day/amount pairs)
        ("03,1234567,USD,010,100000,,V/", "88,261121,,015,200000,,Z/"),
        ("03,1234567,USD,010,100000,,D,2,0/", "88,50000,1,50000,015,200000,,Z/"),
        ("03,1234567,USD,010,100000,,D/", "88,1,0,100000,015,200000,,Z/"),
    ],
)
def test_a_summary_groups_availability_may_run_onto_the_88(account, continued):
    text = (
        f"01,BANK,SDU,261120,0800,1,,,2/\n02,SDU,BANK,1,261120,,USD,2/\n{account}\n{continued}\n"
        "49,300000,3/\n98,300000,1,5/\n99,300000,1,7/\n"
    )
    [(_, summaries, total, _)] = _ours(text)
    assert summaries == [(10, Decimal("1000.00")), (15, Decimal("2000.00"))] and total == Decimal("3000.00")

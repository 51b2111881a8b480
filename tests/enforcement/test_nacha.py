"""The NACHA parser/validator and writer (pure, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcement import nacha
from enforcement.nacha import NachaInvalid, ded_parse, parse, payment_entries, routing_check_digit
from tests.enforcement.nacha_files import ded_entry, payment_file


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _set(text: str, line: int, start: int, value: str) -> str:
    lines = _lines(text)
    record = lines[line - 1]
    lines[line - 1] = record[:start] + value + record[start + len(value) :]
    return "\n".join(lines) + "\n"


def _errors(text: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(NachaInvalid) as info:
        payment_entries(parse(text))
    return info.value.errors


@pytest.fixture
def valid() -> str:
    return payment_file(
        [ded_entry("NY-000001", "250.00"), ded_entry("NY-000002", "100.50", medical=True, name="SMITHJOJOH")]
    )


def test_valid_file_parses_with_totals(valid):
    parsed = parse(valid)
    payments = payment_entries(parsed)
    assert [p.ded.case_id for p in payments] == ["NY-000001", "NY-000002"]
    assert parsed.total_credit == Decimal("350.50")
    assert parsed.entry_hash == 2 * 2100002
    assert payments[1].ded.medical and payments[1].ded.name == "SMITHJOJOH"
    assert payments[0].line == 3
    assert len(_lines(valid)) % 10 == 0  # padded to a block


def test_writer_round_trips_many_batches():
    entries = [ded_entry(f"CA-{i:06d}", Decimal(i) + Decimal("0.01")) for i in range(1, 26)]
    parsed = parse(payment_file(entries, batches=3))
    assert len(parsed.batches) == 3
    assert len(payment_entries(parsed)) == 25
    assert parsed.total_credit == sum(Decimal(i) + Decimal("0.01") for i in range(1, 26))


def test_crlf_and_unbroken_stream_are_accepted(valid):
    assert len(payment_entries(parse(valid.replace("\n", "\r\n")))) == 2
    assert len(payment_entries(parse(valid.replace("\n", "")))) == 2


def test_empty_file_is_rejected():
    assert _errors(b"") == [(1, "the file is empty")]


def test_truncated_file_is_rejected(valid):
    truncated = "\n".join(_lines(valid)[:4]) + "\n"
    reasons = [r for _, r in _errors(truncated)]
    assert any("truncated" in r and "batch control" in r for r in reasons)
    assert any("no file control" in r for r in reasons)


def test_mistotalled_batch_and_file_are_rejected_with_line_numbers(valid):
    line = next(i for i, r in enumerate(_lines(valid), 1) if r.startswith("8"))
    errors = _errors(_set(valid, line, 32, "000000035051"))
    assert errors[0][0] == line and "total credit says 350.51" in errors[0][1]


def test_wrong_entry_hash_is_rejected(valid):
    line = next(i for i, r in enumerate(_lines(valid), 1) if r.startswith("9"))
    errors = _errors(_set(valid, line, 21, "0000000001"))
    assert errors == [(line, "file control entry hash says 1, the file has 4200004")]


def test_wrong_counts_are_rejected(valid):
    line = next(i for i, r in enumerate(_lines(valid), 1) if r.startswith("8"))
    errors = _errors(_set(valid, line, 4, "000005"))
    assert errors == [(line, "batch control for the batch at line 2: entry/addenda count says 5, the batch has 4")]


def test_record_longer_than_94_is_rejected(valid):
    lines = _lines(valid)
    lines[2] = lines[2] + " "
    errors = _errors("\n".join(lines))
    assert errors == [(3, "record is 95 characters long; NACHA records are 94")]


def test_right_trimmed_records_are_padded_and_reported(valid):
    # given a file whose transfer stripped every record's trailing blanks
    trimmed = "\n".join(line.rstrip(" ") for line in _lines(valid)) + "\n"
    short = [n for n, line in enumerate(_lines(trimmed), 1) if len(line) < 94]
    assert short  # the header, batch records and file control end in blanks
    # when it is parsed, then it reads as the untrimmed file and says which lines were padded
    parsed = parse(trimmed)
    assert parsed.padded_lines == short
    assert [p.ded.case_id for p in payment_entries(parsed)] == ["NY-000001", "NY-000002"]
    assert parsed.total_credit == parse(valid).total_credit == Decimal("350.50")
    assert parse(valid).padded_lines == []


def test_a_trimmed_record_that_lost_content_is_still_refused(valid):
    lines = _lines(valid)
    lines[2] = lines[2][:-1]  # the last trace digit, not a blank
    errors = _errors("\n".join(lines))
    assert (3, "trace number must be digits, found '09100001000000 '") in errors


def test_trimmed_file_with_a_wrong_count_is_still_refused(valid):
    line = next(i for i, r in enumerate(_lines(valid), 1) if r.startswith("8"))
    trimmed = "\n".join(r.rstrip(" ") for r in _lines(_set(valid, line, 4, "000005")))
    errors = _errors(trimmed)
    assert errors == [(line, "batch control for the batch at line 2: entry/addenda count says 5, the batch has 4")]


def test_unknown_record_type_is_rejected(valid):
    errors = _errors(_set(valid, 3, 0, "4"))
    assert (3, "unknown record type '4'") in errors


def test_bad_check_digit_is_rejected(valid):
    errors = _errors(_set(valid, 3, 11, "0"))
    assert errors[0] == (3, "routing number 021000020 fails its check digit (expected 1)")


def test_addenda_sequence_must_match_the_entry(valid):
    errors = _errors(_set(valid, 4, 87, "0000009"))
    assert errors[0][0] == 4 and "does not match the entry's trace number" in errors[0][1]


def test_missing_addenda_is_rejected(valid):
    lines = _lines(valid)
    del lines[3]
    reasons = dict(_errors("\n".join(lines)))
    assert reasons[3] == "the entry announces an addenda record (indicator 1) but none follows"


_CASE_ID_REASON = (
    "DED case identifier must be 1-20 characters (letters, digits, blanks or punctuation other than * and \\)"
)


@pytest.mark.parametrize(
    ("segment", "reason"),
    [
        ("DED*CS*NY-000001*261118*25000*12345678*N\\", "DED SSN must be exactly 9 digits"),
        ("DED*CS*NY-000001*261118*25000*12345678X*N\\", "DED SSN must be exactly 9 digits"),
        ("DED*CS*NY-000001*261118*25000*000456789*N\\", "DED SSN is not a valid SSN (area 000 or serial 0000)"),
        ("DED*CS*NY-000001*261118*25000*123450000*N\\", "DED SSN is not a valid SSN (area 000 or serial 0000)"),
        ("DED*CS**261118*25000*123456789*N\\", f"{_CASE_ID_REASON}, found ''"),
        ("DED*CS*   *261118*25000*123456789*N\\", f"{_CASE_ID_REASON}, found '   '"),
        ("DED*CS*NY\\0001*261118*25000*123456789*N\\", f"{_CASE_ID_REASON}, found 'NY\\\\0001'"),
        (
            "DED*CS*ABCDEFGHIJKLMNOPQRSTU*261118*25000*123456789*N\\",
            f"{_CASE_ID_REASON}, found 'ABCDEFGHIJKLMNOPQRSTU'",
        ),
        ("DED*CS*NY-000001*261318*25000*123456789*N\\", "DED pay date is not a valid YYMMDD date: '261318'"),
        (
            "DED*CS*NY-000001*261118*25000*123456789*X\\",
            "DED medical support indicator must be Y, N or W, found 'X'",
        ),
        ("DED*CS*NY-000001*261118*25000*123456789*N", "the DED segment must end with a backslash (\\)"),
        ("DED*XX*NY-000001*261118*25000*123456789*N\\", "DED application identifier must be CS, found 'XX'"),
        ("DED*CS*NY-000001*261118*25000*123456789*N**123\\", "DED FIPS code must be 5 or 7 digits, found '123'"),
        (
            "DED*CS*NY-000001*261118*25000*123456789*N***N\\",
            "DED employment termination indicator must be Y or blank, found 'N'",
        ),
        ("RMR*IV*12345\\", "the addenda does not carry a DED child support segment"),
    ],
)
def test_malformed_ded_is_rejected(valid, segment, reason):
    errors = _errors(_set(valid, 4, 3, segment.ljust(80)))
    assert errors == [(4, reason)]


def test_ded_accepts_all_optional_elements():
    ded = ded_parse("DED*CS*NY-000001*261118*25000*123456789*Y*SMITHJOJOH*36061*Y\\")
    assert (ded.fips, ded.terminated, ded.amount) == ("36061", True, Decimal("250.00"))
    assert ded_parse("DED*CS*A1*261118*1*123456789*N\\").amount == Decimal("0.01")


@pytest.mark.parametrize(
    ("case_id", "read_as"),
    [
        # DED02 is "AN 1/20" (X12 alphanumeric: letters, digits, blanks and special characters)
        ("NY 0001", "NY 0001"),
        ("ny-0001", "ny-0001"),
        ("2026/CS.0012#A", "2026/CS.0012#A"),
        (" 12345 ", "12345"),
        ("ABCDEFGHIJKLMNOPQRST", "ABCDEFGHIJKLMNOPQRST"),
    ],
)
def test_ded_case_identifier_is_alphanumeric_as_the_convention_says(valid, case_id, read_as):
    text = _set(valid, 4, 3, f"DED*CS*{case_id}*261118*25000*123456789*N\\".ljust(80))
    assert payment_entries(parse(text))[0].ded.case_id == read_as


def test_ded_medical_support_indicator_w_is_not_applicable(valid):
    # DED06 "Y or N or W"; W: the disposition of medical insurance is not applicable
    text = _set(valid, 4, 3, "DED*CS*NY-000001*261118*25000*123456789*W\\".ljust(80))
    ded = payment_entries(parse(text))[0].ded
    assert (ded.medical, ded.medical_indicator) == (False, "W")
    assert nacha.ded_format(ded) == "DED*CS*NY-000001*261118*25000*123456789*W\\"


def test_ded_amount_must_equal_entry_amount(valid):
    errors = _errors(_set(valid, 4, 3, "DED*CS*NY-000001*261118*25001*123456789*N\\".ljust(80)))
    assert errors == [(4, "DED amount 250.01 differs from the entry amount 250.00")]


@pytest.mark.parametrize(
    ("pay_date", "effective"),
    [
        (date(2026, 11, 20), date(2026, 11, 20)),  # sent the day before payday, settling on payday
        (date(2026, 11, 23), date(2026, 11, 20)),  # effective Friday for a Monday payday
        (date(2026, 11, 22), date(2026, 11, 18)),  # effective date before the file date: from the file date
    ],
)
def test_pay_date_after_the_file_date_but_near_the_effective_date_is_accepted(pay_date, effective):
    # DED03 is the employee's pay date or the date of withholding; files are sent ahead of it
    text = payment_file([ded_entry("NY-000001", "10.00", pay_date=pay_date)], effective=effective)
    assert [p.ded.pay_date for p in payment_entries(parse(text))] == [pay_date]


def test_pay_date_far_after_the_effective_entry_date_is_rejected():
    text = payment_file([ded_entry("NY-000001", "10.00", pay_date=date(2026, 11, 24))], effective=date(2026, 11, 20))
    assert _errors(text) == [
        (4, "DED pay date 2026-11-24 is more than 3 days after the batch's effective entry date 2026-11-20")
    ]
    text = payment_file([ded_entry("NY-000001", "10.00", pay_date=date(2027, 11, 18))], effective=date(2026, 11, 18))
    assert _errors(text) == [(4, "DED pay date 2027-11-18 is more than 3 days after the file creation date 2026-11-19")]


def test_debit_entries_are_rejected(valid):
    # a changed code without changed controls is caught by the controls ...
    assert any("total debit says 0.00" in reason for _, reason in _errors(_set(valid, 3, 1, "27")))
    # ... and a well-formed file carrying a debit is refused as a payment file
    debit = ded_entry("NY-000001", "250.00")
    debit.transaction_code = "27"
    errors = _errors(payment_file([debit], service_class="200"))
    assert errors == [(3, "transaction code 27 is a debit; a payment file carries credits")]


def test_ppd_batch_is_not_a_child_support_payment_file(valid):
    errors = _errors(_set(valid, 2, 50, "PPD"))
    assert errors == [(2, "child support payments come as CCD+ batches; this batch is PPD")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("01,SENDER,RECEIVER,261120,0800,1,80,,2/\n", "this looks like a BAI2 bank statement, not a NACHA file"),
        ("%PDF-1.7\n", "this is a PDF document, not a NACHA file"),
        ('{"a": 1}\n', "this looks like XML/JSON, not a NACHA file"),
        ("case,amount\nNY-1,20\n", "this looks like a CSV file, not a NACHA file"),
    ],
)
def test_file_of_another_format_is_rejected(content, reason):
    assert _errors(content) == [(1, reason)]


def test_binary_bytes_are_rejected():
    assert _errors(b"\x89PNG\r\n\x1a\n\x00\x00") == [(1, "the file contains non-ASCII bytes: not a NACHA file")]


def test_filler_only_after_file_control(valid):
    lines = _lines(valid)
    lines[-1] = "6" + lines[-1][1:]
    assert any("filler" in reason for _, reason in _errors("\n".join(lines)))


def test_routing_check_digit():
    assert routing_check_digit("02100002") == "1"
    assert routing_check_digit("09100001") == "9"


# ---------------------------------------------------------------------------------------------
# fuzzing: any input either parses or raises NachaInvalid (never another exception)


def _parse_or_invalid(data: bytes | str) -> None:
    try:
        payment_entries(parse(data))
    except NachaInvalid as exc:
        assert exc.errors and all(isinstance(line, int) and line >= 1 for line, _ in exc.errors)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes(data):
    _parse_or_invalid(data)


_VALID = payment_file([ded_entry("NY-000001", "250.00"), ded_entry("NY-000002", "100.50")])


@settings(max_examples=400)
@given(
    position=st.integers(min_value=0, max_value=len(_VALID) - 1),
    replacement=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=5),
)
def test_fuzz_mutated_valid_file(position, replacement):
    mutated = _VALID[:position] + replacement + _VALID[position + len(replacement) :]
    _parse_or_invalid(mutated)


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=12))
def test_fuzz_dropped_or_duplicated_records(ops):
    lines = _lines(_VALID)
    for op in ops:
        index = op % len(lines)
        if op % 2:
            del lines[index]
        else:
            lines.insert(index, lines[index])
        if not lines:
            break
    _parse_or_invalid("\n".join(lines))


def test_mutations_never_pass_silently_when_totals_change():
    # an amount change anywhere in an entry must be caught by the controls
    changed = _VALID.replace("0000025000", "0000025100", 1)
    assert changed != _VALID
    with pytest.raises(NachaInvalid):
        payment_entries(parse(changed))


def test_max_errors_is_capped():
    lines = ["X" * 10] * (nacha.MAX_ERRORS + 50)
    with pytest.raises(NachaInvalid) as info:
        parse("1" + "\n".join(lines))
    assert len(info.value.errors) == nacha.MAX_ERRORS


def test_zero_dollar_ded_entries_are_returned_as_notices():
    # DED09 "Y" = the employee has been terminated; "DED04 may contain zero if this field is used"
    zero_credit = ded_entry("NY-000002", "0.00", terminated=True)
    zero_with_remittance = ded_entry("NY-000003", "0.00", terminated=True)
    zero_with_remittance.transaction_code = "24"  # zero-dollar credit carrying remittance data
    prenote = ded_entry("NY-000004", "0.00")
    prenote.transaction_code, prenote.addenda = "23", ""
    text = payment_file([ded_entry("NY-000001", "10.00", terminated=True), zero_credit, zero_with_remittance, prenote])
    entries = payment_entries(parse(text))
    assert [(e.ded.case_id, e.amount, e.is_notice, e.ded.terminated) for e in entries] == [
        ("NY-000001", Decimal("10.00"), False, True),
        ("NY-000002", Decimal("0.00"), True, True),
        ("NY-000003", Decimal("0.00"), True, True),
    ]


def test_a_zero_dollar_entry_with_a_bad_ded_is_refused():
    zero = ded_entry("NY-000002", "0.00", terminated=True)
    zero.transaction_code = "24"
    zero.addenda = zero.addenda.replace("*Y\\", "*X\\")
    assert _errors(payment_file([zero])) == [(4, "DED employment termination indicator must be Y or blank, found 'X'")]


def test_a_right_trimmed_file_whose_header_has_a_comma_is_read_as_nacha():
    # "ACME WIDGETS, INC" in the origin name, trailing blanks stripped in transfer: not a CSV file
    text = payment_file([ded_entry("NY-000001", "250.00")], employer="ACME WIDGETS, INC")
    trimmed = "\n".join(line.rstrip() for line in _lines(text)) + "\n"
    assert "," in _lines(trimmed)[0] and len(_lines(trimmed)[0]) < 94
    parsed = parse(trimmed)
    assert parsed.origin_name == "ACME WIDGETS, INC" and 1 in parsed.padded_lines
    assert [p.ded.case_id for p in payment_entries(parsed)] == ["NY-000001"]

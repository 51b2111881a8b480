"""Builders of partner files for the tests and benches, written with the project's own layouts."""

from __future__ import annotations

from datetime import date

from enforcement.interchange.fixedwidth import get_layout, write_text


def w4(
    ssn: str,
    *,
    fein: str = "141234567",
    employer: str = "ACME WIDGETS INC",
    hired: date = date(2026, 11, 16),
    first: str = "JOHN",
    last: str = "DOE",
    **extra,
) -> dict:
    return {
        "type": "w4",
        "employee_ssn": ssn,
        "employee_first_name": first,
        "employee_last_name": last,
        "employee_address_1": "12 MAIN ST",
        "employee_city": "ALBANY",
        "employee_state": "NY",
        "employee_zip": "12207",
        "employee_hire_date": hired,
        "employer_fein": fein,
        "employer_name": employer,
        "employer_address_1": "1 FACTORY RD",
        "employer_city": "TROY",
        "employer_state": "NY",
        "employer_zip": "12180",
        **extra,
    }


def new_hire_file(
    records: list[dict], *, stamp: date = date(2026, 11, 23), batch: str = "000001", count: int | None = None
) -> bytes:
    rows = [
        {"type": "header", "transmitter_state_code": "36", "date_stamp": stamp, "batch_number": batch},
        *records,
        {"type": "trailer", "employee_record_count": len(records) if count is None else count},
    ]
    return write_text(rows, get_layout("ndnh-w4")).encode("ascii")

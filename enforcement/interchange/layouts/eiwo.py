"""e-IWO: electronic income withholding orders out (state → employer) and acknowledgments in.

Follows OCSE "A Guide to an Employer's Role in the Child Support Program, Appendix D: e-IWO Record
Layouts", Version 4.0 (August 25, 2021; OMB 0970-0154): Chart D-1 Universal Header (file ``FH`` and
batch ``BH`` headers, third character the record type: ``I`` IWO detail, ``A`` acknowledgment),
Chart D-2 Universal Trailer (``FT``/``BT``), Chart D-3 e-IWO Detail record (``DTL``), Chart D-4
e-IWO Acknowledgment record (``ACK``). The file is fixed-width ASCII, one record per line.

Confirmed against the published charts (field, columns): the headers' Document Code (1-3) and
Control Number (4-25, "cannot reuse previously submitted control numbers"; the state assigns one
per file and one per employer batch); the DTL's Document Code (1-3), filler (4-6), Document Action
Code (7-9: ORG, AMD, TRM, LUM), Document Date (10-17, CCYYMMDD), Issuing State-Tribe-Territory
Name (18-52), Issuing Jurisdiction Name (53-87), Case ID (88-102, no ``\\`` or ``*``), Employer
Name (103-159), Employer Address Line 1 (160-184); the ACK's Document Code (1-3) and Document
Action Code (4-6); the disposition codes (status A accepted / R rejected; reason codes B, D, M,
N, S, W ...). Every other position below is ours, declared ``confirmed=False`` (listed in
docs/partner-files.md): the full charts were not available to check, so the record length and the
columns after those above may differ from the federal layout and must be checked against Appendix
D before a file is exchanged with the federal e-IWO portal.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..fixedwidth import (
    Field,
    FileLayout,
    Record,
    RecordLayout,
    consecutive,
    error_row,
    keyed_record,
    register_layout,
)

VERSION = "OCSE Appendix D: e-IWO Record Layouts v4.0 (2021-08-25)"
LENGTH = 1200  # (confirm) one length for every record type of these files here
ACTION_CODES = ("ORG", "AMD", "TRM", "LUM")
FREQUENCY_CODES = ("W", "B", "S", "M")  # (confirm) weekly, biweekly, semimonthly, monthly
# Chart D-4 disposition: status A (accepted) or R (rejected); reasons (confirm the full list).
DISPOSITION_STATUS = ("A", "R")
DISPOSITION_REASONS = ("B", "D", "M", "N", "S", "W", "U", "L", "O")


def _ours(start: int, specs: list[tuple[str, int, str, dict[str, Any]]]) -> list[Field]:
    """Fields laid end to end from column ``start`` whose positions we could not confirm in the
    published chart: ``(name, length, type, options)``."""
    return consecutive(start, specs, confirmed=False)


def _universal(record_id: str, description: str, specs: list[tuple[str, int, str, dict[str, Any]]]) -> RecordLayout:
    """A universal header or trailer: the document code (1-3) and control number (4-25) of
    Charts D-1 and D-2, then the fields of ``specs`` (ours)."""
    return keyed_record(
        record_id.lower(),
        record_id,
        [Field("control_number", 4, 22, "alnum", required=True), *_ours(26, specs)],
        length=LENGTH,
        description=description,
    )


def _header(record_id: str, description: str) -> RecordLayout:
    return _universal(
        record_id,
        description,
        [
            ("state_fips", 5, "numeric", {"required": True, "description": "State FIPS + 000"}),
            ("ein", 9, "numeric", {"description": "Employer's EIN (batch header)"}),
            ("primary_ein", 9, "numeric", {}),
            ("created_on", 8, "date", {"required": True}),
            ("created_time", 6, "numeric", {"required": True, "description": "HHMMSS"}),
            ("error_field_name", 32, "alnum", {}),
        ],
    )


def _trailer(record_id: str, description: str) -> RecordLayout:
    return _universal(
        record_id,
        description,
        [
            ("batch_count", 5, "integer", {"description": "Batches in the file (file trailer; 0 in a batch trailer)"}),
            ("record_count", 5, "integer", {"required": True, "description": "Detail records"}),
            ("employee_termination_count", 5, "integer", {}),
            ("lump_sum_count", 5, "integer", {}),
            ("error_record_count", 5, "integer", {}),
        ],
    )


DETAIL = keyed_record(
    "detail",
    "DTL",
    [
        Field("filler_4", 4, 3, "filler"),
        Field("action_code", 7, 3, "alnum", required=True, choices=ACTION_CODES),
        Field("document_date", 10, 8, "date", required=True),
        Field("issuing_state", 18, 35, "alnum", required=True),
        Field("issuing_jurisdiction", 53, 35, "alnum"),
        Field("case_id", 88, 15, "alnum", required=True),
        Field("employer_name", 103, 57, "alnum", required=True),
        Field("employer_line1", 160, 25, "alnum", required=True),
        *_ours(
            185,
            [
                ("employer_line2", 25, "alnum", {}),
                ("employer_city", 22, "alnum", {}),
                ("employer_state", 2, "alnum", {}),
                ("employer_zip", 5, "numeric", {}),
                ("employer_zip4", 4, "numeric", {}),
                ("employer_fein", 9, "numeric", {"required": True}),
                ("employee_last_name", 20, "alnum", {"required": True}),
                ("employee_first_name", 15, "alnum", {"required": True}),
                ("employee_middle_name", 15, "alnum", {}),
                ("employee_ssn", 9, "numeric", {"required": True}),
                ("employee_birth_date", 8, "date", {}),
                ("obligee_name", 57, "alnum", {}),
                *[
                    (f"child{n}_{part}", length, type_, {})
                    for n in range(1, 7)
                    for part, length, type_ in (("name", 35, "alnum"), ("birth_date", 8, "date"))
                ],
                ("current_support", 11, "amount", {}),
                ("current_support_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("past_due_support", 11, "amount", {}),
                ("past_due_support_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("arrears_over_12_weeks", 1, "alnum", {"choices": ("Y", "N")}),
                ("current_medical", 11, "amount", {}),
                ("current_medical_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("past_due_medical", 11, "amount", {}),
                ("past_due_medical_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("current_spousal", 11, "amount", {}),
                ("current_spousal_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("past_due_spousal", 11, "amount", {}),
                ("past_due_spousal_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("other_amount", 11, "amount", {}),
                ("other_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("other_reason", 35, "alnum", {}),
                ("total_amount", 11, "amount", {}),
                ("total_freq", 1, "alnum", {"choices": FREQUENCY_CODES}),
                ("weekly_amount", 11, "amount", {}),
                ("biweekly_amount", 11, "amount", {}),
                ("semimonthly_amount", 11, "amount", {}),
                ("monthly_amount", 11, "amount", {}),
                ("lump_sum_amount", 11, "amount", {}),
                ("employment_state", 35, "alnum", {}),
                ("begin_withholding_days", 2, "integer", {}),
                ("remit_days", 2, "integer", {}),
                ("withholding_limit_pct", 2, "integer", {}),
                ("payee_name", 57, "alnum", {"required": True}),
                ("payee_line1", 25, "alnum", {}),
                ("payee_line2", 25, "alnum", {}),
                ("payee_line3", 25, "alnum", {}),
                ("remittance_id", 20, "alnum", {"required": True}),
                ("order_id", 30, "alnum", {}),
                ("tracking_id", 30, "alnum", {"required": True, "description": "Document tracking identifier"}),
                ("nmsn_indicator", 1, "alnum", {"choices": ("Y", "N")}),
                ("copy_to_employee", 1, "alnum", {"choices": ("Y", "N")}),
                ("issuer_name", 57, "alnum", {}),
                ("issuer_phone", 20, "alnum", {}),
            ],
        ),
    ],
    length=LENGTH,
    description="e-IWO detail (Chart D-3)",
)

ACK = keyed_record(
    "ack",
    "ACK",
    [
        Field("action_code", 4, 3, "alnum", required=True, choices=ACTION_CODES),
        *_ours(
            7,
            [
                ("case_id", 15, "alnum", {"required": True}),
                ("employer_fein", 9, "numeric", {"required": True}),
                ("employee_ssn", 9, "numeric", {"required": True}),
                ("employee_last_name", 20, "alnum", {}),
                ("tracking_id", 30, "alnum", {"required": True, "description": "Our document tracking identifier"}),
                ("disposition_status", 1, "alnum", {"required": True, "choices": DISPOSITION_STATUS}),
                ("disposition_reason", 3, "alnum", {"choices": DISPOSITION_REASONS}),
                ("termination_date", 8, "date", {"description": "Date of separation"}),
                ("final_payment_date", 8, "date", {}),
                ("final_payment_amount", 11, "amount", {}),
                ("new_employer_name", 57, "alnum", {}),
                ("new_employer_line1", 25, "alnum", {}),
                ("new_employer_city", 22, "alnum", {}),
                ("new_employer_state", 2, "alnum", {}),
                ("new_employer_zip", 5, "numeric", {}),
                ("new_employer_fein", 9, "numeric", {}),
                ("lump_sum_date", 8, "date", {}),
                ("lump_sum_amount", 11, "amount", {}),
                ("lump_sum_type", 3, "alnum", {"description": "e.g. BON (bonus), COM (commission), SEV (severance)"}),
                ("corrected_fein", 9, "numeric", {}),
                ("multi_iwo_state", 2, "alnum", {}),
                ("reason_text", 80, "alnum", {}),
            ],
        ),
    ],
    length=LENGTH,
    description="e-IWO acknowledgment (Chart D-4)",
)


def batched_check(file_header: str, batch_header: str, detail: str, batch_trailer: str, file_trailer: str):
    """File header first, file trailer last, details only inside a batch (header … trailer with the
    same control number), and every count agreeing: each batch trailer's record count with its
    details, the file trailer's batch and record counts with the file."""

    def check(records: list[Record]) -> list[dict]:
        errors: list[dict] = []
        if not records:
            return [error_row(0, "", "the file has no records")]
        if records[0].type != file_header:
            errors.append(error_row(records[0].line, "record_id", f"the first record must be {file_header.upper()}"))
        if records[-1].type != file_trailer:
            errors.append(error_row(records[-1].line, "record_id", f"the last record must be {file_trailer.upper()}"))
            return errors
        batch = None
        batches, seen = 0, set()
        details: Counter[int] = Counter()
        for record in records[1:-1]:
            if record.type in (file_header, file_trailer):
                errors.append(error_row(record.line, "record_id", f"a second {record.type.upper()}"))
            elif record.type == batch_header:
                if batch is not None:
                    errors.append(error_row(record.line, "record_id", "a batch header inside an open batch"))
                if record["control_number"] in seen or record["control_number"] == records[0]["control_number"]:
                    errors.append(
                        error_row(
                            record.line, "control_number", f"control number {record['control_number']} used twice"
                        )
                    )
                seen.add(record["control_number"])
                batch, batches = record, batches + 1
            elif record.type == detail:
                if batch is None:
                    errors.append(error_row(record.line, "record_id", "a detail record outside a batch"))
                else:
                    details[batch.line] += 1
            elif record.type == batch_trailer:
                if batch is None:
                    errors.append(error_row(record.line, "record_id", "a batch trailer without its header"))
                    continue
                if record["control_number"] != batch["control_number"]:
                    errors.append(
                        error_row(
                            record.line,
                            "control_number",
                            f"batch trailer {record['control_number']} closes batch {batch['control_number']}",
                        )
                    )
                if record["record_count"] != details[batch.line]:
                    errors.append(
                        error_row(
                            record.line,
                            "record_count",
                            f"record_count says {record['record_count']}, the batch has {details[batch.line]}",
                        )
                    )
                batch = None
        if batch is not None:
            errors.append(error_row(batch.line, "record_id", "a batch without its trailer"))
        trailer = records[-1]
        if trailer["control_number"] != records[0]["control_number"]:
            errors.append(
                error_row(trailer.line, "control_number", "the file trailer's control number is not the file header's")
            )
        if trailer["batch_count"] != batches:
            errors.append(
                error_row(
                    trailer.line, "batch_count", f"batch_count says {trailer['batch_count']}, the file has {batches}"
                )
            )
        total = sum(details.values())
        if trailer["record_count"] != total:
            errors.append(
                error_row(
                    trailer.line, "record_count", f"record_count says {trailer['record_count']}, the file has {total}"
                )
            )
        return errors

    return check


def _batched_file(name: str, kind: str, detail: RecordLayout, *, batch_header: str, description: str) -> FileLayout:
    """An e-IWO file of record type ``kind`` (``I`` IWO details, ``A`` acknowledgments): the file
    header ``FH<kind>``, per employer a batch header ``BH<kind>``, its ``detail`` records and a
    batch trailer ``BT<kind>``, then the file trailer ``FT<kind>`` (Charts D-1, D-2)."""
    file_header, batch, batch_trailer, file_trailer = (f"{prefix}{kind}" for prefix in ("FH", "BH", "BT", "FT"))
    return register_layout(
        FileLayout(
            name,
            records=[
                _header(file_header, "File header (Chart D-1)"),
                _header(batch, batch_header),
                detail,
                _trailer(batch_trailer, "Batch trailer (Chart D-2)"),
                _trailer(file_trailer, "File trailer"),
            ],
            id_start=1,
            id_length=3,
            version=VERSION,
            check=batched_check(
                file_header.lower(), batch.lower(), detail.name, batch_trailer.lower(), file_trailer.lower()
            ),
            description=description,
        )
    )


EIWO = _batched_file(
    "eiwo",
    "I",
    DETAIL,
    batch_header="Batch header, one per employer",
    description="e-IWO batch file, state to employers",
)
EIWO_ACKS = _batched_file(
    "eiwo-acks", "A", ACK, batch_header="Batch header", description="e-IWO acknowledgments, employers to state"
)

"""Federal tax refund offset and passport denial: the Federal Offset Program (FOP; since 2022 the
"Federal Collection and Enforcement" program, OCSE) record layouts (issue 16.3).

Follows the FCE/FOP "Input Record Specifications" (Appendix E: Chart E-1 Case Submission and Update
Record, Chart E-2 Case Submission and Update Control Record) and "Output Record Specifications"
(Appendix F: Chart F-4 Collection and Adjustment Record, Chart F-5 its Control Record), OMB
0970-0161, the 2022 renewal of the Federal Offset Program User Guide, and the release notes of FOP
05-01 (injured spouse indicator in position 225) and 06-01 (passport threshold $2,500). Records
are 245 characters (the output control record's filler ends at 245).

Confirmed against the published charts: submitting state 1-2, local code 3-5, SSN 6-14, case ID
15-29, last name 30-49, first name 50-64 (Charts E-1 and F-4); on the case submission record the
arrearage amount 65-72 (whole dollars) and transaction type 73 (Chart E-1); on the collection and
adjustment record the certified arrearage amount 65-75, the collection amount 76-86 and the
adjustment amount 87-97, each 11 digits with two decimals assumed (Chart F-4 of the FCE Payment
File Charts 4-5, OMB 0970-0161); the control records' state 1-2 and "CTL" 3-5 and the reject
control counts 6-59; the injured spouse indicator at 225 (release 05-01). Every field marked ``confirmed=False`` is our best reading of the charts
we could not see whole (listed in docs/partner-files.md): its position must be checked against
the current spec before production.
"""

from __future__ import annotations

from ..fixedwidth import Field, FileLayout, Record, RecordLayout, error_row, register_layout

VERSION_IN = (
    "OCSE Federal Collection and Enforcement (Federal Offset Program) Input Record Specifications, "
    "Chart E-1/E-2, OMB 0970-0161 (2022)"
)
VERSION_OUT = (
    "OCSE Federal Collection and Enforcement (Federal Offset Program) Output Record Specifications, "
    "Chart F-4/F-5, OMB 0970-0161 (2022); FOP release 05-01 (injured spouse, position 225)"
)
LENGTH = 245
# add, delete, modify arrearage, replace exclusion indicators (FOP release 07-01); B name,
# L local code, ... are not sent here
TRANSACTIONS = ("A", "D", "M", "R")
CASE_TYPES = ("A", "N")  # A: TANF (assigned), N: non-TANF
EXCLUSIONS = ("ADM", "RET", "VEN", "SAL", "TAX", "PAS", "FIN", "INS")


def _identify(line: str) -> str:
    return "CTL" if line[2:5] == "CTL" else "DTL"


def _detail(name: str, description: str, *, last_name_required: bool, fields: list[Field]) -> RecordLayout:
    """A detail record (``DTL``): the submitting state, local code, SSN, case ID and the NCP's name
    in positions 1-64 (confirmed, the same in Charts E-1 and F-4), then ``fields``."""
    return RecordLayout(
        name,
        record_id="DTL",
        length=LENGTH,
        description=description,
        fields=[
            Field("state", 1, 2, "alpha", required=True),
            Field("local_code", 3, 3, "alnum"),
            Field("ssn", 6, 9, "numeric", required=True),
            Field("case_id", 15, 15, "alnum"),
            Field("last_name", 30, 20, "alnum", required=last_name_required),
            Field("first_name", 50, 15, "alnum"),
            *fields,
        ],
    )


def _control(description: str, *, tanf_amount_description: str = "", fields: list[Field]) -> RecordLayout:
    """A control record (``CTL`` in 3-5) ending a file: the state, then the TANF and non-TANF
    record counts and amounts (Charts E-2 and F-5), then ``fields``."""
    return RecordLayout(
        "control",
        record_id="CTL",
        length=LENGTH,
        description=description,
        fields=[
            Field("state", 1, 2, "alpha", required=True),
            Field("record_id", 3, 3, "constant", value="CTL"),
            Field("tanf_records", 6, 9, "integer", required=True, confirmed=False),
            Field("non_tanf_records", 15, 9, "integer", required=True, confirmed=False),
            Field(
                "tanf_amount", 24, 11, "integer", required=True, confirmed=False, description=tanf_amount_description
            ),
            Field("non_tanf_amount", 35, 11, "integer", required=True, confirmed=False),
            *fields,
        ],
    )


CASE = _detail(
    "case",
    "Case Submission and Update (Chart E-1)",
    last_name_required=True,
    fields=[
        Field("arrears", 65, 8, "integer", required=True, description="Whole dollars"),
        Field("transaction", 73, 1, "alnum", required=True, choices=TRANSACTIONS),
        Field("case_type", 74, 1, "alnum", required=True, choices=CASE_TYPES, confirmed=False),
        Field("transfer_state", 75, 2, "alnum", confirmed=False),
        Field("process_year", 77, 4, "numeric", confirmed=False),
        Field("address_1", 81, 30, "alnum", confirmed=False),
        Field("address_2", 111, 30, "alnum", confirmed=False),
        Field("city", 141, 25, "alnum", confirmed=False),
        Field("address_state", 166, 2, "alnum", confirmed=False),
        Field("zip", 168, 9, "alnum", confirmed=False),
        Field(
            "exclusions",
            177,
            40,
            "alnum",
            confirmed=False,
            description="Exclusion indicators (ADM RET VEN SAL TAX PAS FIN INS), three letters each, blank-separated",
        ),
        Field("filler", 217, 29, "filler", confirmed=False),
    ],
)

CASE_CONTROL = _control("Case Submission and Update Control (Chart E-2)", fields=[Field("filler", 46, 200, "filler")])


def _control_check(kind_field: str, amount):
    def check(records: list[Record]) -> list[dict]:
        controls = [r for r in records if r.type == "control"]
        details = [r for r in records if r.type != "control"]
        if len(controls) != 1 or records[-1].type != "control":
            line = controls[1].line if len(controls) > 1 else (records[-1].line if records else 0)
            return [error_row(line, "record_id", "one control record (CTL) ends the file")]
        control = controls[0]
        errors = []
        for case_type, prefix in (("A", "tanf"), ("N", "non_tanf")):
            mine = [r for r in details if r[kind_field] == case_type]
            if control[f"{prefix}_records"] != len(mine):
                errors.append(
                    error_row(
                        control.line,
                        f"{prefix}_records",
                        f"{prefix}_records says {control[f'{prefix}_records']}, the file has {len(mine)}",
                    )
                )
            total = sum(int(amount(r)) for r in mine)
            if control[f"{prefix}_amount"] != total:
                errors.append(
                    error_row(
                        control.line,
                        f"{prefix}_amount",
                        f"{prefix}_amount says {control[f'{prefix}_amount']}, the records add to {total}",
                    )
                )
        return errors

    return check


def _file(name: str, detail: RecordLayout, control: RecordLayout, *, version: str, amount, description: str):
    """A FOP file: its detail records, then the one control record that counts them and adds up
    ``amount(record)`` by case type."""
    return register_layout(
        FileLayout(
            name,
            records=[detail, control],
            id_length=3,
            identify=_identify,
            version=version,
            check=_control_check("case_type", amount),
            description=description,
        )
    )


CASE_SUBMISSION = _file(
    "fop-case-submission",
    CASE,
    CASE_CONTROL,
    version=VERSION_IN,
    amount=lambda r: r["arrears"],
    description="Certification of past-due support for federal tax refund offset and passport denial",
)


COLLECTION = _detail(
    "collection",
    "Collection and Adjustment (Chart F-4)",
    last_name_required=False,
    fields=[
        # Chart F-4 (FCE Payment File Charts 4-5, OMB 0970-0161): "Certified Arrearage Amount
        # 65-75, 11, N ... a signed positive numeric amount with two decimal places assumed."
        Field("certified_arrears", 65, 11, "amount", required=True, description="Dollars and cents"),
        # "Collection Amount 76-86, 11, N ... If the Collection Amount Field contains a value greater
        # than zero, the adjustment amount is zeroes."
        Field("collection_amount", 76, 11, "amount", required=True, description="Dollars and cents"),
        # "Adjustment Amount 87-97, 11, N ... If the adjustment amount contains a value greater than
        # zero, the collection amount is zeroes." Which one is non-zero says collection or adjustment.
        Field("adjustment_amount", 87, 11, "amount", required=True, description="Dollars and cents"),
        # Positions 98-224: the published chart's rows after the adjustment amount could not be read
        # (docs/partner-files.md); the fields the importer needs are placed here unconfirmed.
        Field("case_type", 98, 1, "alnum", required=True, choices=CASE_TYPES, confirmed=False),
        Field("offset_date", 99, 8, "date", required=True, confirmed=False, description="Transaction date"),
        Field("tax_year", 107, 4, "numeric", confirmed=False),
        Field("joint_return", 111, 1, "alnum", choices=("Y", "N"), confirmed=False),
        Field("filler_1", 112, 113, "filler", confirmed=False),
        # FOP release 05-01: "The Collection and Adjustment Record will contain the status of an
        # Injured Spouse Claim on Non-TANF joint-return records in position 225."
        Field("injured_spouse", 225, 1, "alnum", choices=("Y", "N")),
        Field("filler_2", 226, 20, "filler"),
    ],
)

COLLECTION_CONTROL = _control(
    "Collection and Adjustment Control (Chart F-5)",
    tanf_amount_description="Whole dollars (cents dropped)",
    fields=[
        Field("batch_date", 46, 8, "date", required=True, confirmed=False),
        Field("filler", 54, 192, "filler"),
    ],
)


def collection_amount(record: Record):
    """The record's amount, collection or adjustment (Chart F-4: one of the two is zeroes)."""
    return record["collection_amount"] + record["adjustment_amount"]


# The control's amounts are whole dollars of the records' amounts (cents dropped per record);
# unconfirmed (Chart F-5 could not be read).
COLLECTIONS = _file(
    "fop-collections",
    COLLECTION,
    COLLECTION_CONTROL,
    version=VERSION_OUT,
    amount=collection_amount,
    description="Federal tax refund offset collections and adjustments",
)

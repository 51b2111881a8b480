"""Financial institution data match (issue 16.4): the Multistate FIDM match file (Method Two,
"Matched Accounts": a financial institution's answer to the inquiry file).

Follows the OCSE "Multistate Financial Institution Data Match Specifications Handbook", Version 3.0
(December 30, 2020; OMB 0970-0196): the ``A`` record (the financial institution), one ``B``
record per matched account, and the ``T`` total record. The record ids and their order, and the
data the B record carries (period, payee SSN and name, account number, type, balance, trust fund
indicator), are from the handbook; every column position marked ``confirmed=False`` is ours,
not checked against the handbook's chart (docs/partner-files.md lists them): confirm them with the
state's FIDM site before production.
"""

from __future__ import annotations

from ..fixedwidth import Field, FileLayout, TrailerCount, keyed_record, register_layout

VERSION = "OCSE Multistate FIDM Specifications Handbook v3.0 (2020-12-30), Method Two match file A/B/T records"
LENGTH = 500

INSTITUTION = keyed_record(
    "institution",
    "A",
    [
        Field("period", 2, 6, "date", format="CCYYMM", required=True, confirmed=False),
        Field("fein", 8, 9, "numeric", required=True, confirmed=False),
        Field("name", 17, 40, "alnum", required=True, confirmed=False),
        Field("address", 57, 40, "alnum", confirmed=False),
        Field("city", 97, 29, "alnum", confirmed=False),
        Field("state", 126, 2, "alnum", confirmed=False),
        Field("zip", 128, 9, "alnum", confirmed=False),
    ],
    length=LENGTH,
)

ACCOUNT = keyed_record(
    "account",
    "B",
    [
        Field("period", 2, 6, "date", format="CCYYMM", required=True, confirmed=False),
        Field("ssn", 8, 9, "numeric", required=True, confirmed=False),
        Field("last_name", 17, 20, "alnum", confirmed=False),
        Field("first_name", 37, 15, "alnum", confirmed=False),
        Field("account_number", 52, 30, "alnum", required=True, confirmed=False),
        Field(
            "account_type",
            82,
            2,
            "numeric",
            confirmed=False,
            description="e.g. 04 checking, 11 savings (the handbook's account type codes)",
        ),
        Field(
            "trust_fund",
            84,
            1,
            "alnum",
            choices=("0", "1", "2"),
            confirmed=False,
            description="0: not a trust fund; 1 or 2: a trust or custodial account (not levied without review)",
        ),
        Field("balance", 85, 13, "amount", confirmed=False),
        Field(
            "match_flag",
            98,
            1,
            "alnum",
            choices=("1", "2"),
            confirmed=False,
            description="1: primary owner's SSN matched; 2: a secondary owner's",
        ),
    ],
    length=LENGTH,
)

TOTAL = keyed_record(
    "total",
    "T",
    [
        Field("account_count", 2, 8, "integer", required=True, confirmed=False),
    ],
    length=LENGTH,
)

LAYOUT = register_layout(
    FileLayout(
        "msfidm-match",
        records=[INSTITUTION, ACCOUNT, TOTAL],
        id_length=1,
        version=VERSION,
        check=TrailerCount(header="institution", trailer="total", counts={"account_count": "account"}),
        description="Accounts of delinquent obligors found at a financial institution",
    )
)

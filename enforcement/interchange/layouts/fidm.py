"""Financial institution data match (issue 16.4): the FIDM match file (Method 2, "Matched
Accounts": a financial institution's answer to the state's inquiry file), ``A``/``B``/``T`` records.

Only the Method 2 match file is read: the import matches each B record to an NCP by SSN and proposes
levies; a Method 1 all-accounts or update file (add/change/delete indicators, every account of the
institution) is not something it handles, and position 371 of the A record tells them apart.

Charts followed (the state FIDM layouts are "patterned after the nationwide reporting format", the
OCSE Multistate FIDM Specifications Handbook, OMB 0970-0196):
- ``A``: California FTB, "Method 1 and 2 'A' Record" (ftb.ca.gov/businesses/fidm/method_1-2A.shtml),
  positions 001-359 confirmed; 371 (data match file indicator, "M" on a match file) from OCSE's
  "Supplement to Financial Data Match Specifications Handbook" (TCC-02-06a, common errors on MSFI
  response files), which also gives 007-015 FEIN, 032, 050-089, 131-210, 211-219 as the FTB chart.
- ``B``: FTB, "Method 1 'B' Record" (ftb.ca.gov/businesses/fidm/method_1-B.shtml), positions
  001-370. TCC-02-06a gives, for the Method 2 B record, the same 015-023 (matched SSN), 162-201
  (matched name) and 351-357 (balance, whole dollars), and 322-326 / 327-349 (FIPS code and state
  pass-back, blanks in Method 1). The Method 2 chart itself was not found: the fields taken from
  the Method 1 chart only are ``confirmed=False``.

Not found, kept as declared before and marked ``confirmed=False``:
- the A record's 360-370 (after the transmitter city; read as filler) and 372-500;
- the B record's 371-500; the account type (2 characters) is read at 371-372, a position from no
  chart: the value is kept as sent (optional, any characters), never used to refuse a file;
- the B record's match flag (TCC-02-06a lists it after the balance; read at 358, optional);
- the whole ``T`` record (the count of B records, 002-009) and the record length (500).
docs/partner-files.md lists them: confirm them with the state's FIDM site before production.
"""

from __future__ import annotations

from ..fixedwidth import Field, FileLayout, TrailerCount, keyed_record, register_layout

VERSION = (
    "FTB FIDM Method 1 and 2 A record, Method 1 B record (ftb.ca.gov/businesses/fidm), OCSE TCC-02-06a "
    "(MSFIDM match file B positions); Method 2 match file A/B/T"
)
LENGTH = 500  # unconfirmed
MATCH_FILE = "M"  # A record, position 371: a Method 2 match file (TCC-02-06a)
# B record, position 359 (FTB Method 1 chart): 0 closed account or not a trust account, 1 UTMA/UGMA,
# 2 IOLTA, 3 mortgage escrow, 4 security deposits (including real estate), 5 other trust/escrow,
# 6 information not available.
TRUST_FUND_CODES = ("0", "1", "2", "3", "4", "5", "6")
TRUST_ACCOUNT_CODES = frozenset({"1", "2", "3", "4", "5"})

INSTITUTION = keyed_record(
    "institution",
    "A",
    [
        Field("blank_2", 2, 2, "filler"),
        Field("media_sequence", 4, 3, "numeric", description="optional; start with 001"),
        Field("fein", 7, 9, "numeric", required=True),
        Field("name_control", 16, 4, "alnum", description="optional; first 4 letters of the name"),
        Field("period", 20, 6, "date", format="CCYYMM", required=True, description="the inquiry file's date"),
        Field("blank_26", 26, 6, "filler"),
        Field("test_indicator", 32, 1, "alnum", description='"T": a test file'),
        Field("service_bureau", 33, 1, "alnum", description='"1": a service bureau was used'),
        Field("blank_34", 34, 8, "filler"),
        Field("tape_indicator", 42, 2, "alnum"),
        Field("blank_44", 44, 5, "filler"),
        Field("foreign_corporation", 49, 1, "alnum"),
        Field("name", 50, 40, "alnum", required=True, description="institution name for levy service"),
        Field("second_name", 90, 40, "alnum"),
        Field("transfer_agent", 130, 1, "alnum"),
        Field("address", 131, 40, "alnum", description="address to which a levy should be mailed"),
        Field("city", 171, 29, "alnum"),
        Field("state", 200, 2, "alnum"),
        Field("zip", 202, 9, "alnum"),
        Field("transmitter_fein", 211, 9, "numeric"),
        Field("transmitter_name", 220, 71, "alnum"),
        Field("transmitter_address", 291, 40, "alnum"),
        Field("transmitter_city", 331, 29, "alnum"),
        Field("unverified_360", 360, 11, "filler", confirmed=False),
        Field(
            "data_match_file",
            371,
            1,
            "alnum",
            required=True,
            choices=(MATCH_FILE,),
            description="M: a Method 2 match file (a Method 1 account or update file is not imported)",
        ),
        Field("unverified_372", 372, LENGTH - 371, "filler", confirmed=False),
    ],
    length=LENGTH,
)

ACCOUNT = keyed_record(
    "account",
    "B",
    [
        Field("period", 2, 6, "date", format="CCYYMM", required=True, confirmed=False),
        Field("name_control", 8, 4, "alnum", confirmed=False),
        Field("blank_12", 12, 3, "filler", confirmed=False),
        Field("ssn", 15, 9, "numeric", required=True),
        Field("account_number", 24, 20, "alnum", required=True, confirmed=False),
        Field("blank_44", 44, 17, "filler", confirmed=False),
        Field("account_title", 61, 100, "alnum", confirmed=False),
        Field("foreign_country", 161, 1, "alnum", confirmed=False),
        Field("name", 162, 40, "alnum"),
        Field("second_name", 202, 40, "alnum", confirmed=False),
        Field("address", 242, 40, "alnum", confirmed=False),
        Field("city", 282, 29, "alnum", confirmed=False),
        Field("state", 311, 2, "alnum", confirmed=False),
        Field("zip", 313, 9, "alnum", confirmed=False),
        Field("fips_pass_back", 322, 5, "alnum", description="the state where the account is"),
        Field("state_pass_back", 327, 23, "alnum"),
        Field("unverified_350", 350, 1, "filler", confirmed=False),
        Field("balance", 351, 7, "amount", decimals=0, description="whole dollars; zeros when $0 or less"),
        Field("match_flag", 358, 1, "alnum", confirmed=False),
        Field(
            "trust_fund",
            359,
            1,
            "alnum",
            choices=TRUST_FUND_CODES,
            confirmed=False,
            description="1-5: a trust, escrow or custodial account (not levied without review)",
        ),
        Field("blank_360", 360, 1, "filler", confirmed=False),
        Field(
            "balance_indicator",
            361,
            1,
            "alnum",
            confirmed=False,
            description="0 not provided, 1 average balance, 2 current balance (unused: no choices enforced)",
        ),
        Field("unverified_362", 362, 1, "filler", confirmed=False),
        # CCYYMMDD or blanks by the Method 1 chart; unused, so kept as text: an unconfirmed position
        # must not refuse a file.
        Field("date_of_birth", 363, 8, "alnum", confirmed=False),
        Field("account_type", 371, 2, "alnum", confirmed=False, description="position from no chart"),
        Field("unverified_373", 373, LENGTH - 372, "filler", confirmed=False),
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

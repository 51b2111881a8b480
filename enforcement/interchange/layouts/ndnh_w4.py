"""New hires: the NDNH/SDNH W-4 new hire record (issue 16.2).

Follows the National Directory of New Hires "New Hire Input Record Specifications", Version 13.4
(OCSE, November 1, 2021; OMB 0970-0166), Appendix E: Transmitter Header ``H4``, W-4 data record
``W4`` and Transmitter Trailer ``T4``, 801 characters each. A State Directory of New Hires sends
the same W-4 record to its IV-D offices. The data is ASCII here (the federal transmission is
EBCDIC; the transfer translates it).

Fields marked ``confirmed=False`` are positions we could not confirm against the published chart
(the foreign and optional-address blocks of the employer, and the trailer's count): they are read
and written as declared but the importer relies on none of them.
"""

from __future__ import annotations

from ..fixedwidth import Field, FileLayout, TrailerCount, consecutive, keyed_record, register_layout

VERSION = "NDNH New Hire Input Record Specifications v13.4 (OCSE, 2021-11-01), W-4 records H4/W4/T4"
LENGTH = 801

HEADER = keyed_record(
    "header",
    "H4",
    [
        Field("transmitter_state_code", 3, 2, "alnum", description="FIPS code of the transmitting state"),
        Field("transmitter_agency_code", 5, 9, "alnum", description="FEIN of a transmitting federal agency"),
        Field("transmission_type", 14, 2, "constant", value="W4"),
        Field("dod_code", 16, 1, "alnum", choices=("A", "C", "R")),
        Field("version_control_number", 17, 2, "constant", value="01"),
        Field("date_stamp", 19, 8, "date", required=True, description="Transmission date, CCYYMMDD"),
        Field("batch_number", 27, 6, "numeric", required=True, description="Sequential per transmitter"),
    ],
    length=LENGTH,
)

# A party's address block, the same 198 positions for the employee and the employer:
# (name, length, type); the first line is required.
ADDRESS_BLOCK = (
    ("address_1", 40, "alnum"),
    ("address_2", 40, "alnum"),
    ("address_3", 40, "alnum"),
    ("city", 25, "alpha"),
    ("state", 2, "alpha"),
    ("zip", 5, "numeric"),
    ("zip4", 4, "numeric"),
    ("foreign_country_code", 2, "alnum"),
    ("foreign_country_name", 25, "alnum"),
    ("foreign_zip", 15, "alnum"),
)
CONFIRMED_ADDRESS = 6  # address lines, city, state, ZIP; the rest of the employer's block is not confirmed


def _address(party: str, start: int, *, tail_confirmed: bool = True) -> list[Field]:
    """``party``'s address block from column ``start``: ``<party>_address_1`` ... ``<party>_foreign_zip``."""
    specs = []
    for index, (name, length, type_) in enumerate(ADDRESS_BLOCK):
        confirmed = tail_confirmed or index < CONFIRMED_ADDRESS
        specs.append((f"{party}_{name}", length, type_, {"required": index == 0, "confirmed": confirmed}))
    return consecutive(start, specs)


W4 = keyed_record(
    "w4",
    "W4",
    [
        Field("employee_ssn", 3, 9, "numeric", required=True),
        Field("employee_first_name", 12, 16, "alpha", required=True),
        Field("employee_middle_name", 28, 16, "alpha"),
        Field("employee_last_name", 44, 30, "alpha", required=True),
        *_address("employee", 74),
        Field("employee_birth_date", 272, 8, "date"),
        Field(
            "employee_hire_date",
            280,
            8,
            "date",
            required=True,
            description="The day the employee first performed services for pay (42 USC 653a(b)(1)(A))",
        ),
        Field("state_of_hire", 288, 2, "alpha"),
        Field("employer_fein", 290, 9, "numeric", required=True),
        Field("employer_state_ein", 299, 12, "alnum"),
        Field("employer_name", 311, 45, "alnum", required=True),
        *_address("employer", 356, tail_confirmed=False),
        # The employer's optional (payroll) address block and the reserved filler: not used here.
        Field("filler", 554, 248, "filler", confirmed=False),
    ],
    length=LENGTH,
)

TRAILER = keyed_record(
    "trailer",
    "T4",
    [
        Field(
            "employee_record_count",
            3,
            11,
            "integer",
            required=True,
            confirmed=False,
            description="Number of W4 records in the transmission",
        ),
    ],
    length=LENGTH,
)


def control_number(records) -> str:
    """A transmission is identified by its transmitter, date stamp and batch number."""
    header = records[0]
    return (
        f"{header['transmitter_state_code'] or header['transmitter_agency_code']}-"
        f"{header['date_stamp']:%Y%m%d}-{header['batch_number']}"
    )


LAYOUT = register_layout(
    FileLayout(
        "ndnh-w4",
        records=[HEADER, W4, TRAILER],
        id_start=1,
        id_length=2,
        version=VERSION,
        check=TrailerCount(header="header", trailer="trailer", counts={"employee_record_count": "w4"}),
        description="W-4 new hire records as the State Directory of New Hires sends them",
    )
)

"""The legal parameters seeded by migration 0003 and restored after a flush (``core.reference_data``).

Values from ../shared/DOMAIN.md with their citations; ``confirm`` where DOMAIN.md marks the value
**(confirm)** or the row comes from a secondary source. Existing rows (perhaps corrected by an
administrator) are never overwritten: a correction is a new dated row or an edit in admin, kept in
the row's history.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

D = Decimal

CSSA = "DRL 240(1-b)"
CA_4055 = "Fam. Code 4055(b)(3)"
SB343 = date(2024, 9, 1)  # SB 343 (Stats. 2023, ch. 213): new K bands and low-income adjustment
CA_ORIGINAL = date(1993, 7, 1)
FEDERAL_FROM = date(1999, 10, 1)  # FY 2000 (the date quality's seeded rule tables start)  # first day the calculator applies the pre-SB 343 table


def _rows() -> list[dict]:
    rows: list[dict] = []

    def add(key, jurisdiction, effective_on, value, citation, *, confirm=False, note=""):
        rows.append({"key": key, "jurisdiction": jurisdiction, "effective_on": effective_on, "value": D(value),
                     "citation": citation, "confirm": confirm, "note": note})

    # --- New York CSSA --------------------------------------------------------------------------
    caps = [
        (date(1989, 9, 15), "80000", "DRL 240(1-b)(c)(2), original CSSA cap", False),
        (date(2010, 1, 31), "130000", "DRL 240(1-b)(c)(2) as amended (L. 2009)", False),
        (date(2012, 1, 31), "136000", "SSL 111-i(2)(b) CPI-U adjustment", True),
        (date(2014, 1, 31), "141000", "SSL 111-i(2)(b) CPI-U adjustment", False),
        (date(2016, 3, 1), "143000", "SSL 111-i(2)(b) CPI-U adjustment", True),
        (date(2018, 3, 1), "148000", "SSL 111-i(2)(b) CPI-U adjustment", True),
        (date(2020, 3, 1), "154000", "SSL 111-i(2)(b) CPI-U adjustment", True),
        (date(2022, 3, 1), "163000", "SSL 111-i(2)(b) CPI-U adjustment", False),
        (date(2024, 3, 1), "183000", "SSL 111-i(2)(b) CPI-U adjustment", False),
        (date(2026, 3, 1), "193000", "SSL 111-i(2)(b) CPI-U adjustment", True),
    ]
    for on, cap, cite, confirm in caps:
        add("ny.cssa.income_cap", "NY", on, cap, cite, confirm=confirm,
            note="Combined parental income cap; confirm against the state's published chart." if confirm else
            "Combined parental income cap.")
    for children, pct in ((1, "0.17"), (2, "0.25"), (3, "0.29"), (4, "0.31"), (5, "0.35")):
        add(f"ny.cssa.percentage.{children}", "NY", date(1989, 9, 15), pct, f"{CSSA}(b)(3)",
            note="Five or more children: no less than 35%." if children == 5 else "")
    for year, poverty, reserve, confirm in ((2024, "15060", "20331", False), (2025, "15650", "21128", False),
                                            (2026, "15960", "21546", True)):
        add("ny.poverty_guideline", "NY", date(year, 3, 1), poverty, f"{CSSA}(b)(6); SSL 111-i(2)(a)",
            confirm=confirm, note="Federal poverty guideline for a single person, annual, effective each March 1.")
        add("ny.self_support_reserve", "NY", date(year, 3, 1), reserve, f"{CSSA}(b)(6); SSL 111-i(2)(a)",
            confirm=confirm, note="135% of the single-person poverty guideline, annual, effective each March 1.")
    add("ny.low_income.poverty_obligation_monthly", "NY", date(1989, 9, 15), "25", f"{CSSA}(d)",
        note="Basic obligation when paying would take the payor below the poverty guideline.")
    add("ny.low_income.reserve_obligation_monthly", "NY", date(1989, 9, 15), "50", f"{CSSA}(d)",
        note="Minimum when paying would take the payor below the self-support reserve (or the income above it).")

    # --- Federal case processing timeframes (45 CFR 303), read by quality.timeframes ------------
    for key, days, cite in (("us.timeframe.case_opening_days", 20, "45 CFR 303.2(b)"),
                            ("us.timeframe.locate_days", 75, "45 CFR 303.3(b)(3)"),
                            ("us.timeframe.establishment_days", 90, "45 CFR 303.4(d)")):
        add(key, "US", FEDERAL_FROM, days, cite, note="Calendar days; the first day applied here is a default.")

    # --- California guideline ---------------------------------------------------------------------
    # K fraction bands: band n covers TN up to ``upper`` (the last band has none); fraction =
    # base + TN / tn_divisor + over_tn / TN (a zero term is left out).
    before = [("800", "0.20", "16000", "0"), ("6666", "0.25", "0", "0"), ("10000", "0.10", "0", "1000"),
              (None, "0.12", "0", "800")]
    after = [("2900", "0.165", "82857", "0"), ("5000", "0.131", "42149", "0"), ("10000", "0.25", "0", "0"),
             ("15000", "0.10", "0", "1499"), (None, "0.12", "0", "1200")]
    for on, bands, cite, confirm, note in (
        (CA_ORIGINAL, before, f"{CA_4055} (before SB 343)", True,
         "Table before 2024-09-01; the first day it is applied here is a default (confirm)."),
        (SB343, after, f"{CA_4055} as amended by SB 343 (Stats. 2023, ch. 213)", False, "SB 343 table."),
    ):
        add("ca.k.band_count", "CA", on, len(bands), cite, confirm=confirm, note=note)
        for n, (upper, base, divisor, over) in enumerate(bands, start=1):
            if upper is not None:
                add(f"ca.k.band.{n}.upper", "CA", on, upper, cite, confirm=confirm, note="Highest TN of the band.")
            add(f"ca.k.band.{n}.base", "CA", on, base, cite, confirm=confirm)
            add(f"ca.k.band.{n}.tn_divisor", "CA", on, divisor, cite, confirm=confirm, note="TN ÷ this (0: none).")
            add(f"ca.k.band.{n}.over_tn", "CA", on, over, cite, confirm=confirm, note="This ÷ TN (0: none).")
    for children, mult in ((2, "1.6"), (3, "2"), (4, "2.3"), (5, "2.5"), (6, "2.625"), (7, "2.75"), (8, "2.813"),
                           (9, "2.844"), (10, "2.86")):
        add(f"ca.children_multiplier.{children}", "CA", CA_ORIGINAL, mult, "Fam. Code 4055(b)(4)")
    for year, wage in ((2024, "16.00"), (2025, "16.50"), (2026, "16.90")):
        add("ca.minimum_wage_hourly", "CA", date(year, 1, 1), wage, "Labor Code 1182.12",
            note="State minimum wage per hour (all employers).")
    add("ca.low_income.hours_per_year", "CA", SB343, "2080", "Fam. Code 4055(b)(7) as amended by SB 343",
        note="Full-time minimum-wage earnings: hourly wage × 40 hours × 52 weeks ÷ 12 = the monthly threshold.")
    # --- Federal: income withholding (IWO form, OMB 0970-0154) ----------------------------------
    ccpa = date(1970, 7, 1)  # Consumer Credit Protection Act Title III in force
    add("us.ccpa.limit_supporting_other_family_pct", "US", ccpa, "50", "15 USC 1673(b)(2)(A)",
        note="Share of disposable earnings that may be withheld when the obligor supports another spouse or child.")
    add("us.ccpa.limit_not_supporting_other_family_pct", "US", ccpa, "60", "15 USC 1673(b)(2)(B)",
        note="Share of disposable earnings that may be withheld when the obligor supports no other spouse or child.")
    add("us.ccpa.arrears_12_weeks_addition_pct", "US", ccpa, "5", "15 USC 1673(b)(2)",
        note="Added to either limit when the support is more than 12 weeks in arrears.")
    add("us.iwo.arrears_weeks", "US", ccpa, "12", "15 USC 1673(b)(2); IWO form field 6",
        note="Weeks of support in arrears above which the higher CCPA limit applies.")
    add("us.iwo.remit_business_days", "US", date(1996, 8, 22), "7", "42 USC 666(b)(6)(A)(i)",
        note="The employer remits within this many business days of the pay date.")
    add("us.iwo.start_days", "US", date(1996, 8, 22), "14", "42 USC 666(b)(6)(A)(i); IWO form",
        note="Withholding begins no later than the first pay period that occurs this many days after the IWO date.")
    return rows


SEED_ROWS = _rows()


def seed(*, LegalParameter, using: str = "default") -> int:  # noqa: N803
    """Create the seeded rows that are missing (two queries); return how many were created.
    Existing rows, perhaps corrected by an administrator, are left as they are."""
    manager = LegalParameter.objects.using(using)
    have = set(manager.values_list("key", "jurisdiction", "effective_on"))
    missing = [LegalParameter(**row) for row in SEED_ROWS
               if (row["key"], row["jurisdiction"], row["effective_on"]) not in have]
    manager.bulk_create(missing)
    return len(missing)

"""The remedy rules seeded by migration 0002 (DOMAIN.md "Enforcement remedies and thresholds").

Values marked ``to_confirm`` are not given by DOMAIN.md (or are marked **(confirm)** there): they
are office defaults that an administrator revises as a dated new version.
"""

from __future__ import annotations

from datetime import date

from core.legal_seed import seed_value

SEED_EFFECTIVE_FROM = date(2000, 1, 1)
CONFIRM = "Not fixed by DOMAIN.md: office default, confirm locally and revise as a dated version."

# The federal tax refund offset's thresholds (45 CFR 303.72), which the state tax offset copies.
_OFFSET_THRESHOLDS = {
    "assigned_arrears_min": seed_value("us.remedy.offset.assigned_min", "US"),
    "unassigned_arrears_min": seed_value("us.remedy.offset.unassigned_min", "US"),
    "aggregate_by_ncp": True,
}

_FEDERAL = [
    {
        "remedy": "income_withholding",
        "requires_delinquency": False,
        "requires_employer": True,
        "release_when_paid": False,
        "notice_days": 0,
        "contest_days": 15,
        "partner": "Employer",
        "citation": "42 USC 666(b)",
        "notes": "On an order with a known employer; the employer remits within 7 business days of pay day "
        "(42 USC 666(b)(6)(A)(i)). Contest period: " + CONFIRM,
        "to_confirm": True,
    },
    {
        "remedy": "federal_tax_offset",
        "requires_delinquency": False,
        **_OFFSET_THRESHOLDS,
        "notice_days": 0,
        "contest_days": 30,
        "partner": "OCSE Federal Offset Program (U.S. Treasury)",
        "citation": "45 CFR 303.72; PIQ-01-06",
        "notes": "Arrears >= $150 assigned or >= $500 unassigned, added across one NCP's cases per category. "
        "Pre-offset notice contest period: " + CONFIRM,
        "to_confirm": True,
    },
    {
        "remedy": "state_tax_offset",
        "requires_delinquency": False,
        **_OFFSET_THRESHOLDS,
        "notice_days": 0,
        "contest_days": 30,
        "partner": "State tax department",
        "citation": "42 USC 666(a)(3)",
        "notes": "Thresholds copied from the federal offset: " + CONFIRM,
        "to_confirm": True,
    },
    {
        "remedy": "passport_denial",
        "requires_delinquency": False,
        "arrears_min": seed_value("us.remedy.passport.min", "US"),
        "arrears_comparison": "gt",
        "notice_days": 0,
        "contest_days": 30,
        "partner": "U.S. Department of State (through OCSE)",
        "citation": "42 USC 652(k)",
        "notes": "Arrears > $2,500. Contest period: " + CONFIRM,
        "to_confirm": True,
    },
    {
        "remedy": "bank_levy",
        "requires_delinquency": True,
        "requires_bank_match": True,
        "arrears_min": None,
        "notice_days": 0,
        "contest_days": 30,
        "partner": "Financial institution",
        "citation": "42 USC 666(a)(17)",
        "notes": "After a financial institution data match (FIDM). The state threshold is configurable: "
        "set arrears_min as a dated version. " + CONFIRM,
        "to_confirm": True,
    },
]

_NY = [
    {
        "remedy": "credit_bureau",
        "requires_delinquency": True,
        "notice_days": int(seed_value("ny.remedy.credit_bureau.notice_days", "NY")),
        "contest_days": 0,
        "partner": "Consumer reporting agencies",
        "citation": "42 USC 666(a)(7); NY SSL 111-c(2)(h)",
        "notes": "Reported after notice and a chance to contest; NY notice at least 10 days.",
    },
    {
        "remedy": "license_suspension",
        "requires_delinquency": False,
        "months_min": seed_value("ny.remedy.license_suspension.months_min", "NY"),
        "months_comparison": "gte",
        "notice_days": 45,
        "contest_days": 0,
        "partner": "NY DMV",
        "citation": "NY DRL 244-b; FCA 458-a",
        "notes": "Arrears of at least 4 months of support (retroactive support excluded). Notice period: " + CONFIRM,
        "to_confirm": True,
    },
]

_CA = [
    {
        "remedy": "credit_bureau",
        "requires_delinquency": True,
        "notice_days": 10,
        "contest_days": 0,
        "partner": "Consumer reporting agencies",
        "citation": "42 USC 666(a)(7)",
        "notes": "Reported after notice and a chance to contest. Notice period copied from NY: " + CONFIRM,
        "to_confirm": True,
    },
    {
        "remedy": "license_suspension",
        "requires_delinquency": False,
        "days_past_due_min": int(seed_value("ca.remedy.license_suspension.days_past_due", "CA")),
        "days_comparison": "gt",
        "months_min": seed_value("ca.remedy.license_suspension.months_min", "CA"),
        "months_comparison": "gt",
        "notice_days": 150,
        "contest_days": 0,
        "partner": "CA DMV",
        "citation": "Fam. Code 17520",
        "notes": "Listed when > 30 days delinquent; 150-day temporary licence (the notice period); suspension "
        "after > 4 months of arrears (confirm).",
        "to_confirm": True,
    },
    {
        "remedy": "state_collection",
        "requires_delinquency": False,
        "days_past_due_min": int(seed_value("ca.remedy.state_collection.days_past_due", "CA")),
        "days_comparison": "gt",
        "arrears_min": seed_value("ca.remedy.state_collection.arrears_min", "CA"),
        "arrears_comparison": "gt",
        "notice_days": 0,
        "contest_days": 0,
        "partner": "Franchise Tax Board (state collection)",
        "citation": "Fam. Code 17500(c)",
        "notes": "More than 60 days past due and more than $100. Days past due are counted from the date the "
        "case became delinquent.",
    },
]


def seed_rows() -> list[dict]:
    rows = []
    for jurisdiction, extra in (("NY", _NY), ("CA", _CA)):
        for spec in [*_FEDERAL, *extra]:
            rows.append(
                {
                    "jurisdiction": jurisdiction,
                    "version": 1,
                    "effective_from": SEED_EFFECTIVE_FROM,
                    "change_reason": "Seeded from DOMAIN.md",
                    **spec,
                }
            )
    return rows

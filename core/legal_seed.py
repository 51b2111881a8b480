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
FEDERAL_FROM = date(1999, 10, 1)  # FY 2000: the first day of the federal tables (quality's rule tables start here too)
COMPLAINTS_FROM = date(2000, 1, 1)  # Fam. Code 17800-17801 (Stats. 1999) in force
INTERSTATE_1988 = date(1988, 2, 22)  # OCSE-AT-88-02: the interstate rule (45 CFR 303.7) in force
INTERGOVERNMENTAL_2011 = date(2011, 1, 3)  # 75 FR 38612: the intergovernmental rule in force
PRWORA = date(1996, 8, 22)  # Pub. L. 104-193 enacted
SDU_FROM = date(1998, 10, 1)  # 42 USC 654b(a)(1): State disbursement units from October 1, 1998
CURRENT_EXCEPTION_CITE = "45 CFR 305.33; 42 USC 658a(b)(6)(C)(ii)"  # the current collections improvement exception
ARREARS_EXCEPTION_CITE = "45 CFR 305.33; 42 USC 658a(b)(6)(D)(ii)"  # the arrears collections improvement exception
CA_COMPLAINT_REGS = date(2001, 7, 1)  # 22 CCR 120100-120108 (chapter 10, article 2) operative
NY_HEARINGS_CORRECTED = date(2026, 12, 7)  # NY fair-hearing rows replace the mirror of California
CA_17520_5 = date(2025, 1, 1)  # Fam. Code 17520.5(c): "shall become operative on January 1, 2025"
CA_17520_5_NONCOMMERCIAL = date(2027, 1, 1)  # 17520.5(a)(2): noncommercial licences only from then
CA_17504_2 = date(2024, 5, 5)  # Fam. Code 17504.2 (AB 207): DCSS implemented the former-recipient pass-through
CCP_685_010 = date(1983, 7, 1)  # CCP 685.010 (Stats. 1982, ch. 1364) operative July 1, 1983
PASSPORT_DRA = date(2006, 10, 1)  # Deficit Reduction Act of 2005 s. 7303: passport threshold $5,000 -> $2,500


def _rows() -> list[dict]:
    rows: list[dict] = []

    def add(key, jurisdiction, effective_on, value, citation, *, confirm=False, note=""):
        rows.append(
            {
                "key": key,
                "jurisdiction": jurisdiction,
                "effective_on": effective_on,
                "value": D(value),
                "citation": citation,
                "confirm": confirm,
                "note": note,
            }
        )

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
        add(
            "ny.cssa.income_cap",
            "NY",
            on,
            cap,
            cite,
            confirm=confirm,
            note="Combined parental income cap; confirm against the state's published chart."
            if confirm
            else "Combined parental income cap.",
        )
    for children, pct in ((1, "0.17"), (2, "0.25"), (3, "0.29"), (4, "0.31"), (5, "0.35")):
        add(
            f"ny.cssa.percentage.{children}",
            "NY",
            date(1989, 9, 15),
            pct,
            f"{CSSA}(b)(3)",
            note="Five or more children: no less than 35%." if children == 5 else "",
        )
    for year, poverty, reserve, confirm in (
        (2024, "15060", "20331", False),
        (2025, "15650", "21128", False),
        (2026, "15960", "21546", False),  # HHS 2026 guidelines, 91 FR (2026-00755), Jan. 15, 2026
    ):
        add(
            "ny.poverty_guideline",
            "NY",
            date(year, 3, 1),
            poverty,
            f"{CSSA}(b)(6); SSL 111-i(2)(a)",
            confirm=confirm,
            note="Federal poverty guideline for a single person, annual, effective each March 1.",
        )
        add(
            "ny.self_support_reserve",
            "NY",
            date(year, 3, 1),
            reserve,
            f"{CSSA}(b)(6); SSL 111-i(2)(a)",
            confirm=confirm,
            note="135% of the single-person poverty guideline, annual, effective each March 1.",
        )
    # Maintenance one parent pays the other: deducted from the payor's income ((b)(5)(vii)(C)) since 1989,
    # and added to the recipient's only from L. 2015 c. 387 s. 3, in force 2016-01-24.
    add(
        "ny.cssa.maintenance_received_is_income",
        "NY",
        date(1989, 9, 15),
        "0",
        f"{CSSA}(b)(5) before L. 2015 c. 387",
        note="0: maintenance received from the other parent is not the recipient's CSSA income.",
    )
    add(
        "ny.cssa.maintenance_received_is_income",
        "NY",
        date(2016, 1, 24),
        "1",
        f"{CSSA}(b)(5)(iii)(I), L. 2015 c. 387",
        note="1: maintenance paid to the other parent is added to the recipient's CSSA income.",
    )
    add(
        "ny.low_income.poverty_obligation_monthly",
        "NY",
        date(1989, 9, 15),
        "25",
        f"{CSSA}(d)",
        note="Basic obligation when paying would take the payor below the poverty guideline.",
    )
    add(
        "ny.low_income.reserve_obligation_monthly",
        "NY",
        date(1989, 9, 15),
        "50",
        f"{CSSA}(d)",
        note="Minimum when paying would take the payor below the self-support reserve (or the income above it).",
    )

    # --- Federal case processing timeframes (45 CFR 303), read by quality.timeframes ------------
    for key, days, cite in (
        ("us.timeframe.case_opening_days", 20, "45 CFR 303.2(b)"),
        ("us.timeframe.locate_days", 75, "45 CFR 303.3(b)(3)"),
        ("us.timeframe.establishment_days", 90, "45 CFR 303.4(d)"),
    ):
        add(key, "US", FEDERAL_FROM, days, cite, note="Calendar days; the first day applied here is a default.")

    # --- The last timeframes of cases and enforcement (issue 11.1) --------------------------------
    # Interstate referral: 20 calendar days from determining the NCP is in another State. The 1988
    # interstate rule (OCSE-AT-88-02, in force 1988-02-22) put it in 303.7(b)(2); the 2010
    # intergovernmental rule (75 FR 38612, in force 2011-01-03) kept 20 days in 303.7(c)(4).
    add(
        "us.timeframe.interstate_referral_days",
        "US",
        INTERSTATE_1988,
        20,
        "45 CFR 303.7(b)(2) (OCSE-AT-88-02)",
        note="Calendar days from determining that the noncustodial parent is in another State.",
    )
    add(
        "us.timeframe.interstate_referral_days",
        "US",
        INTERGOVERNMENTAL_2011,
        20,
        "45 CFR 303.7(c)(4) as revised by 75 FR 38612 (July 2, 2010)",
        note="Calendar days from determining that the noncustodial parent is in another State (and receipt "
        "of any information needed to process the case).",
    )
    # Case closure: the notice of intent to close is sent 60 calendar days before closure, to the
    # recipient of services for (b)(1)-(10), (15), (16) (45 CFR 303.11(d)(1)), to the initiating
    # agency for (b)(17) ((d)(2)), to the recipient for a limited service (b)(13) ((d)(4)).
    # cases.services.closure reads it.
    add(
        "us.closure.notice_days",
        "US",
        FEDERAL_FROM,
        60,
        "45 CFR 303.11(d)(1), (d)(2), (d)(4) as revised by 81 FR 93492 (Dec. 20, 2016)",
        note="Calendar days from the notice of intent to close to the first day the case may be closed. The "
        "paragraph numbers are the 2016 text's; the 1999 text (64 FR 11810) had the same 60 days. The first "
        "day applied here is a default.",
    )
    # Order review: at least every 3 years (36 months), on request or, for TANF cases, automatically.
    add(
        "us.review.cycle_months",
        "US",
        PRWORA,
        36,
        "42 USC 666(a)(10)(A)(i); 45 CFR 303.8(b)(1)",
        confirm=True,
        note="Months between reviews of an order; PRWORA 1996 s. 351 text. The first day applied here is a "
        "default (the Family Support Act of 1988 already required 3-yearly reviews): confirm.",
    )
    # Income withholding: the employer pays the State disbursement unit within 7 business days after
    # the day the employee would have been paid.
    add(
        "us.withholding.employer_remit_business_days",
        "US",
        PRWORA,
        7,
        "42 USC 666(b)(6)(A)(i)",
        confirm=True,
        note="Business days after the pay date; PRWORA 1996 text. The first day applied here is a default: confirm.",
    )
    # The State disbursement unit distributes and disburses within 2 business days of receipt.
    add(
        "us.disbursement.business_days",
        "US",
        SDU_FROM,
        2,
        "42 USC 654b(c)(1); 45 CFR 302.32(b)",
        note="Business days after receipt by the State disbursement unit (SDUs required from 1998-10-01, "
        "42 USC 654b as enacted by PRWORA 1996 s. 312).",
    )
    # A Federal tax refund offset is sent to the family within 30 calendar days of its initial
    # receipt by the IV-D agency (not the 2 business days of periodic income).
    add(
        "us.disbursement.tax_offset_calendar_days",
        "US",
        SDU_FROM,
        30,
        "45 CFR 302.32(b)(2)(iv), (b)(3)(ii)",
        confirm=True,
        note="Calendar days after initial receipt by the IV-D agency (a timely post-offset appeal: 15 days "
        "after it is resolved). The first day applied here is a default: confirm.",
    )

    # --- California guideline ---------------------------------------------------------------------
    # K fraction bands: band n covers TN up to ``upper`` (the last band has none); fraction =
    # base + TN / tn_divisor + over_tn / TN (a zero term is left out).
    before = [
        ("800", "0.20", "16000", "0"),
        ("6666", "0.25", "0", "0"),
        ("10000", "0.10", "0", "1000"),
        (None, "0.12", "0", "800"),
    ]
    after = [
        ("2900", "0.165", "82857", "0"),
        ("5000", "0.131", "42149", "0"),
        ("10000", "0.25", "0", "0"),
        ("15000", "0.10", "0", "1499"),
        (None, "0.12", "0", "1200"),
    ]
    for on, bands, cite, confirm, note in (
        (
            CA_ORIGINAL,
            before,
            f"{CA_4055} (before SB 343)",
            True,
            "Table before 2024-09-01; the first day it is applied here is a default (confirm).",
        ),
        (SB343, after, f"{CA_4055} as amended by SB 343 (Stats. 2023, ch. 213)", False, "SB 343 table."),
    ):
        add("ca.k.band_count", "CA", on, len(bands), cite, confirm=confirm, note=note)
        for n, (upper, base, divisor, over) in enumerate(bands, start=1):
            if upper is not None:
                add(f"ca.k.band.{n}.upper", "CA", on, upper, cite, confirm=confirm, note="Highest TN of the band.")
            add(f"ca.k.band.{n}.base", "CA", on, base, cite, confirm=confirm)
            add(f"ca.k.band.{n}.tn_divisor", "CA", on, divisor, cite, confirm=confirm, note="TN ÷ this (0: none).")
            add(f"ca.k.band.{n}.over_tn", "CA", on, over, cite, confirm=confirm, note="This ÷ TN (0: none).")
    for children, mult in (
        (2, "1.6"),
        (3, "2"),
        (4, "2.3"),
        (5, "2.5"),
        (6, "2.625"),
        (7, "2.75"),
        (8, "2.813"),
        (9, "2.844"),
        (10, "2.86"),
    ):
        add(f"ca.children_multiplier.{children}", "CA", CA_ORIGINAL, mult, "Fam. Code 4055(b)(4)")
    for year, wage in ((2024, "16.00"), (2025, "16.50"), (2026, "16.90")):
        add(
            "ca.minimum_wage_hourly",
            "CA",
            date(year, 1, 1),
            wage,
            "Labor Code 1182.12",
            note="State minimum wage per hour (all employers).",
        )
    add(
        "ca.low_income.hours_per_year",
        "CA",
        SB343,
        "2080",
        "Fam. Code 4055(b)(7) as amended by SB 343",
        note="Full-time minimum-wage earnings: hourly wage × 40 hours × 52 weeks ÷ 12 = the monthly threshold.",
    )

    # Add-ons (Fam. Code 4062): how 4061(a) divides them. Before SB 343 one-half to each parent unless a
    # parent asked otherwise (only secondary sources for the former text were found: confirm); from
    # 2024-09-01 in proportion to net incomes after the child support the payor pays (4061(a), (d)).
    add(
        "ca.add_ons.income_proportional",
        "CA",
        CA_ORIGINAL,
        "0",
        "former Fam. Code 4061(a)",
        confirm=True,
        note="0: add-ons divided one-half to each parent (the presumption before SB 343).",
    )
    add(
        "ca.add_ons.income_proportional",
        "CA",
        SB343,
        "1",
        "Fam. Code 4061(a), (d) as amended by SB 343 (Stats. 2023, ch. 213)",
        note="1: add-ons divided in proportion to net incomes, the payor's reduced by the child support paid.",
    )

    # --- Complaints and state hearings (core.deadlines), per jurisdiction profile --------------------
    # California: Fam. Code 17800-17801 (Stats. 1999, in force 2000-01-01). New York keeps the same
    # workflow with its own rows, which mirror California's until the office confirms them.
    for key, days, cite, confirm in (
        ("complaint.resolution_days", 30, "Fam. Code 17800; 22 CCR 120100", False),
        ("complaint.extension_max_days", 30, "Fam. Code 17800 (the director may extend by 30 days)", False),
        ("complaint.known_limit_days", 90, "Fam. Code 17800", False),
        ("complaint.referral_forward_days", 5, "DOMAIN.md: a complaint about another county is forwarded", True),
        ("hearing.request_days", 90, "Fam. Code 17801", False),
        ("hearing.no_resolution_days", 30, "Fam. Code 17801", False),
        ("hearing.held_days", 45, "DOMAIN.md: hearing held within 45 days of the request", True),
        ("hearing.decision_days", 75, "DOMAIN.md: decision within 75 days of the request", True),
    ):
        add(
            f"ca.{key}",
            "CA",
            COMPLAINTS_FROM,
            days,
            cite,
            confirm=confirm,
            note="Calendar days; a deadline on a weekend or holiday moves to the next business day.",
        )
        add(
            f"ny.{key}",
            "NY",
            COMPLAINTS_FROM,
            days,
            f"NY profile, same workflow as California ({cite})",
            confirm=True,
            note="Mirrors California until the office confirms its own timeframe.",
        )

    # Corrections found against the law's own text (core 0014): new dated rows, the rows above kept.
    # 22 CCR 120104(a)(1): a complaint for another county's agency is sent to it "within five (5)
    # business days after the complaint receipt date" (core.deadlines counts this key in business days).
    add(
        "ca.complaint.referral_forward_days",
        "CA",
        CA_COMPLAINT_REGS,
        5,
        "22 CCR 120104(a)(1)",
        note="Business days after the complaint receipt date (22 CCR 110164).",
    )
    # 18 NYCRR 358-3.5(b)(1): a fair hearing "must be [requested] within 60 days after the social
    # services agency's determination, action, or failure to act"; 358-6.4(a): final administrative
    # action "in no event more than 90 days from the date of the request for a fair hearing".
    add(
        "ny.hearing.request_days",
        "NY",
        NY_HEARINGS_CORRECTED,
        60,
        "18 NYCRR 358-3.5(b)(1)",
        note="Calendar days from the agency's determination, the written resolution's date (as the "
        "regulation counts; a notice that stated a later day is honoured). Replaces the mirror of California's 90.",
    )
    add(
        "ny.hearing.decision_days",
        "NY",
        NY_HEARINGS_CORRECTED,
        90,
        "18 NYCRR 358-6.4(a)",
        note="Calendar days from the request. Replaces the mirror of California's 75.",
    )

    # 22 CCR 120211(b), 120213(b): before dismissing a request late without good cause, outside state
    # hearing jurisdiction or whose hearing no one came to, the complainant is told that "a dismissal
    # shall occur 15 days after the notice is sent". hearings.deadlines.dismissal_on; a date on a
    # weekend or holiday moves to the next business day (22 CCR 120100, as every calendar deadline).
    add(
        "ca.hearing.dismissal_notice_days",
        "CA",
        COMPLAINTS_FROM,
        15,
        "22 CCR 120211(b), 120213(b)",
        note="Calendar days from the day the notice of intended dismissal is sent to the dismissal.",
    )

    # 18 NYCRR 358-5.1(a): "at least 10 calendar days prior to the date of the fair hearing, a written
    # notice of the fair hearing will be sent by OAH" (except hearings given priority under 358-5.2).
    # hearings.deadlines.minimum_notice; California has no row (no minimum found in 22 CCR).
    add(
        "ny.hearing.notice_days",
        "NY",
        COMPLAINTS_FROM,
        10,
        "18 NYCRR 358-5.1(a)",
        note="Calendar days from the day the notice of hearing is sent to the hearing date. The first day "
        "applied here is the hearing rows' (the regulation is older).",
    )

    # --- Pass-through (cases.allocation.pass_through_table): the state's election ---------------------
    # 42 USC 657(a)(6)(B) lets a state pass support through to a family on assistance, the federal
    # share waived on up to $100 a month, or for 2 or more children an amount the state sets of up
    # to $200, when the family's assistance disregards it. Both states pass through current support
    # only (core 0014 corrected these rows against the texts):
    # - NY: $50 a month whatever the number of children until 2009; 18 NYCRR 352.15(b)(1)-(2):
    #   "Effective January 1, 2010", up to the first $100 (one public assistance individual under 21)
    #   or $200 (two or more) "of current support collections received or the monthly support
    #   obligation, whichever is less" (a child: 347.2(g)). The seed had dated $100/$200 from 2008.
    # - CA: "The first fifty dollars ($50) of any amount of child support collected in a month in
    #   payment of the required support obligation for that month" (Welf. & Inst. Code 11475.3, later
    #   Fam. Code 17504), then $100 for one child / $200 for two or more (Fam. Code 17504(a) as added
    #   by Stats. 2020, ch. 11 (AB 79)), operative "on January 1, 2022, or when" CDSS and DCSS notify
    #   the Legislature that the systems can perform the automation, "whichever date is later"
    #   (17504(c)): the notice was not found, so the 2022 rows stay ``confirm``.
    ny_657 = "42 USC 657(a)(6)(B); NY SSL 131-a; former 18 NYCRR 352.15 ($50)"
    ny_50 = (
        'Monthly, whatever the number of children, until 2009 (Empire Justice Center, 2003: "The maximum '
        'pass through payment is $50, regardless of the number of children").'
    )
    ny_352, ny_2010 = "18 NYCRR 352.15(b)(1)-(2); 347.2(g); 42 USC 657(a)(6)(B)", date(2010, 1, 1)
    ny_cap = "of current support collected or the monthly support obligation, whichever is less."
    ca_11475, ca_1999 = "CA Welf. & Inst. Code 11475.3 (later Fam. Code 17504)", date(1999, 1, 1)
    ca_17504, ca_2022 = "Fam. Code 17504(a), (c) (Stats. 2020, ch. 11, AB 79)", date(2022, 1, 1)
    ca_when = (
        "Operative Jan. 1, 2022 or when CDSS and DCSS notify the Legislature that the automation can be "
        "done, whichever is later (17504(c)): the notice was not found; confirm the date."
    )
    for key, jurisdiction, on, amount, cite, confirm, note in (
        ("ny.pass_through.one_child", "NY", FEDERAL_FROM, 50, ny_657, True, ny_50),
        ("ny.pass_through.two_or_more", "NY", FEDERAL_FROM, 50, ny_657, True, ny_50),
        (
            "ny.pass_through.one_child",
            "NY",
            ny_2010,
            100,
            ny_352,
            False,
            f"Monthly, one child under 21: up to $100 {ny_cap}",
        ),
        (
            "ny.pass_through.two_or_more",
            "NY",
            ny_2010,
            200,
            ny_352,
            False,
            f"Monthly, two or more children under 21: up to $200 {ny_cap}",
        ),
        ("ca.pass_through.one_child", "CA", ca_1999, 50, ca_11475, False, "Monthly, one child."),
        (
            "ca.pass_through.two_or_more",
            "CA",
            ca_1999,
            50,
            ca_11475,
            False,
            "Monthly, two or more children (the same $50).",
        ),
        ("ca.pass_through.one_child", "CA", ca_2022, 100, ca_17504, True, f"Monthly, one child. {ca_when}"),
        (
            "ca.pass_through.two_or_more",
            "CA",
            ca_2022,
            200,
            ca_17504,
            True,
            f"Monthly, two or more children. {ca_when}",
        ),
    ):
        add(key, jurisdiction, on, amount, cite, confirm=confirm, note=note)
    # Former recipients (cases.allocation.former_assigned_table): 42 USC 657(a)(6)(A) lets a state pass
    # through to a family that formerly received assistance what it would retain of assigned support.
    # CA Fam. Code 17504.2(a)(1) (AB 207, Stats. 2022, ch. 573): "Any amount of support collected in a
    # month in payment of an assigned support obligation shall be passed through to a former recipient
    # of aid" (CalWORKs; not foster care). DCSS announced its implementation from May 5, 2024 (press
    # release of 2024-05-06); the statute's own operative-date subdivision was not found: confirm.
    # NY has no such rule: no row, the state retains (42 USC 657(a)(2)).
    add(
        "ca.former_assistance.assigned_pass_through",
        "CA",
        CA_17504_2,
        1,
        "Fam. Code 17504.2(a)(1) (Stats. 2022, ch. 573, AB 207)",
        confirm=True,
        note="1: what is collected on a former CalWORKs recipient's assigned arrears (not foster care), tax "
        "offsets included, goes to the family. From DCSS's announced start (2024-05-05); CSSI Letter 24-04 "
        "is summarised as May 1, 2024: confirm.",
    )

    # --- Federal incentive tables (45 CFR 305.33), read by quality.selectors.RuleBook --------------
    # Band n of a table (1 = the highest): a measure at or above ``floor`` (whole percent, or the
    # cost-effectiveness ratio) earns ``percentage``; ``band_count`` says how many bands the version
    # has. The band is chosen on the unrounded value (79.996% is in the 79% band).
    def incentive_table(table, cite, pairs):
        add(f"us.incentive.{table}.band_count", "US", FEDERAL_FROM, len(pairs), cite)
        for n, (floor, pct, confirm) in enumerate(pairs, start=1):
            add(
                f"us.incentive.{table}.band.{n}.floor",
                "US",
                FEDERAL_FROM,
                floor,
                cite,
                confirm=confirm,
                note="Lowest value of the band.",
            )
            add(
                f"us.incentive.{table}.band.{n}.percentage",
                "US",
                FEDERAL_FROM,
                pct,
                cite,
                confirm=confirm,
                note="Applicable (incentive) percentage of the band.",
            )

    # Table 1 (paternity, orders): >=80 -> 100; 2 points less per percent to 70 -> 80; then 1 point
    # less: 69 -> 79 ... 50 -> 60; below 50 -> 0. Every row verified against the statute's own tables
    # (42 USC 658a(b)(6)(A)(ii), (B)(ii)); core 0013 cleared the confirm flag of rows 58-50.
    incentive_table(
        "establishment",
        "45 CFR 305.33, table 1",
        [(80, 100, False)]
        + [(p, 100 - 2 * (80 - p), False) for p in range(79, 69, -1)]
        + [(p, p + 10, False) for p in range(69, 49, -1)]
        + [(0, 0, False)],
    )
    # Table 2 (collections): the same shape down to 40 -> 50; below 40 -> 0. Verified against the
    # statute's tables (42 USC 658a(b)(6)(C)(ii), (D)(ii)); core 0013 cleared the rows 80-41's confirm.
    incentive_table(
        "collections",
        "45 CFR 305.33, table 2",
        [(80, 100, False)]
        + [(p, 100 - 2 * (80 - p), False) for p in range(79, 69, -1)]
        + [(p, p + 10, False) for p in range(69, 39, -1)]
        + [(0, 0, False)],
    )
    incentive_table(
        "cost_effectiveness",
        "45 CFR 305.33, table 3",
        [
            ("5.00", 100, False),
            ("4.50", 90, False),
            ("4.00", 80, False),
            ("3.50", 70, False),
            ("3.00", 60, False),
            ("2.50", 50, False),
            ("2.00", 40, False),
            ("0.00", 0, False),
        ],
    )
    # Improvement exceptions: below ``below`` a measure earns ``percentage`` when it rose at least
    # ``min_gain`` points over the preceding fiscal year. The collections ones are the statute's
    # ("less than 40 percent but exceeds by at least 5 percentage points …, then the applicable
    # percentage … is 50 percent", 42 USC 658a(b)(6)(C)(ii), (D)(ii)); core 0013 cleared their confirm.
    for measure, below, gain, cite, confirm in (
        ("paternity", 50, 10, "45 CFR 305.33(b)", False),
        ("orders", 50, 5, "45 CFR 305.33(d)", False),
        ("current_collections", 40, 5, CURRENT_EXCEPTION_CITE, False),
        ("arrears_collections", 40, 5, ARREARS_EXCEPTION_CITE, False),
    ):
        for name, value, note in (
            ("below", below, "The exception applies below this value."),
            ("min_gain", gain, "Points of improvement over the preceding fiscal year needed."),
            ("percentage", 50, "Applicable percentage earned under the exception."),
        ):
            add(f"us.incentive.exception.{measure}.{name}", "US", FEDERAL_FROM, value, cite, confirm=confirm, note=note)
    # Self-assessment benchmarks (45 CFR 308.2): closure 90%, establishment 75% verified; others (confirm).
    for criterion, benchmark, cite, confirm in (
        ("case_closure", 90, "45 CFR 308.2(a); 303.11", False),
        ("establishment", 75, "45 CFR 308.2(b); 303.4(d)", False),
        ("enforcement", 75, "45 CFR 308.2(c); 303.6(c)(2)", True),
        ("disbursement", 75, "45 CFR 308.2(d); 42 USC 654b(c)", True),
        ("medical_support", 75, "45 CFR 308.2(e); 303.31", True),
        ("review_adjustment", 75, "45 CFR 308.2(f); 303.8(b)", True),
        ("interstate", 75, "45 CFR 308.2(g); 303.7", True),
        ("expedited", 75, "45 CFR 308.2(h); 303.101(b)(2)(i)", True),
    ):
        add(
            f"us.self_assessment.{criterion}.benchmark",
            "US",
            FEDERAL_FROM,
            benchmark,
            cite,
            confirm=confirm,
            note="Compliance (%) a self-assessment review must reach for the criterion.",
        )

    # --- Enforcement timeframe (45 CFR 303.6(c)(2)), read by enforcement.services.sweep -------------
    add(
        "us.enforcement.action_days",
        "US",
        FEDERAL_FROM,
        30,
        "45 CFR 303.6(c)(2)",
        note="Calendar days to take an enforcement action after the delinquency is identified or the NCP "
        "located, whichever is later.",
    )
    add(
        "us.enforcement.action_days_service",
        "US",
        FEDERAL_FROM,
        60,
        "45 CFR 303.6(c)(2)",
        note="The same timeframe when service of process is needed.",
    )

    # --- State remedy thresholds (the office's remedy rules may be stricter, never looser) -------
    add(
        "ny.remedy.credit_bureau.notice_days",
        "NY",
        FEDERAL_FROM,
        10,
        "42 USC 666(a)(7); NY SSL 111-c(2)(h)",
        note="Least number of days' notice before reporting to a consumer reporting agency.",
    )
    add(
        "ny.remedy.license_suspension.months_min",
        "NY",
        FEDERAL_FROM,
        4,
        "NY DRL 244-b; FCA 458-a",
        note="Arrears of at least this many months of support (retroactive support excluded).",
    )
    add(
        "ca.remedy.license_suspension.days_past_due",
        "CA",
        FEDERAL_FROM,
        30,
        "Fam. Code 17520(a)(4)",
        note="Listed when more than this many days delinquent.",
    )
    add(
        "ca.remedy.license_suspension.months_min",
        "CA",
        FEDERAL_FROM,
        4,
        "Fam. Code 17520",
        confirm=True,
        note="Suspension after more than this many months of arrears.",
    )
    add(
        "ca.remedy.license_suspension.notice_days",
        "CA",
        FEDERAL_FROM,
        150,
        "Fam. Code 17520",
        confirm=True,
        note="The 150-day temporary licence before suspension: the notice period (DOMAIN.md marks it to confirm; "
        "the text of 17520 giving the 150 days was not checked, only 17520(a)(3), (a)(4)).",
    )
    # Fam. Code 17520.5 (SB 1055, Stats. 2022, ch. 830): no DMV listing of a low-income obligor.
    add(
        "ca.remedy.license_suspension.low_income_pct",
        "CA",
        CA_17520_5,
        70,
        "Fam. Code 17520.5(a)(1), (c)",
        note="Not sent to the DMV when the obligor's annual household income is at or below this percent of the "
        "HCD median income of the county the agency believes the obligor resides in.",
    )
    for on, covers in ((CA_17520_5, 1), (CA_17520_5_NONCOMMERCIAL, 0)):
        add(
            "ca.remedy.license_suspension.low_income_covers_commercial",
            "CA",
            on,
            covers,
            "Fam. Code 17520.5(a)(2)",
            note="1: the low-income rule covers every driver's licence; 0: noncommercial licences only "
            "(from January 1, 2027).",
        )
    add(
        "ca.remedy.state_collection.days_past_due",
        "CA",
        FEDERAL_FROM,
        60,
        "Fam. Code 17500(c)",
        note="Transfer to state collection when more than this many days past due …",
    )
    add(
        "ca.remedy.state_collection.arrears_min",
        "CA",
        FEDERAL_FROM,
        100,
        "Fam. Code 17500(c)",
        note="… and more than this amount is owed.",
    )

    # California: interest on support arrears. A support order is a money judgment (Fam. Code 155);
    # CCP 685.010(a)(1): "interest accrues at the rate of 10 percent per annum on the principal amount
    # of a money judgment remaining unsatisfied" (the 5 % of (a)(2), from 2023, is for medical and
    # personal-debt judgments only). Read by ``cases.ledger.interest``; New York has no row (FCA 460:
    # interest only in a money judgment the court enters for a willful default, CPLR 5004).
    add(
        "ca.arrears.interest_rate",
        "CA",
        CCP_685_010,
        10,
        "CCP 685.010(a)(1)",
        note="Percent a year, simple, on each unpaid support installment from the first day of the month after "
        "it was due (CCP 685.020(b); Fam. Code 17433.5); never on interest. The Legislature may lower it "
        "for interest accruing after a change (685.010(b)): add a dated row.",
    )

    # --- Federal remedy thresholds ----------------------------------------------------------------
    add(
        "us.remedy.offset.assigned_min",
        "US",
        FEDERAL_FROM,
        150,
        "45 CFR 303.72(a)(1)",
        note="Federal tax refund offset: past-due support assigned to the state of at least this amount "
        "(may be added across one NCP's cases, PIQ-01-06).",
    )
    add(
        "us.remedy.offset.unassigned_min",
        "US",
        FEDERAL_FROM,
        500,
        "45 CFR 303.72(a)(2)",
        note="Federal tax refund offset: past-due support owed to the family (not assigned) of at least this "
        "amount (may be added across one NCP's cases, PIQ-01-06).",
    )
    add(
        "us.remedy.passport.min",
        "US",
        FEDERAL_FROM,
        5000,
        "42 USC 652(k)(1) as enacted by PRWORA 1996",
        note="Passport denial: arrears exceeding this amount (before the Deficit Reduction Act of 2005).",
    )
    add(
        "us.remedy.passport.min",
        "US",
        PASSPORT_DRA,
        2500,
        "42 USC 652(k)(1) as amended by DRA 2005 s. 7303",
        note="Passport denial: arrears exceeding this amount (from October 1, 2006; OCSE DCL of March 29, 2006).",
    )
    # --- Federal: income withholding (IWO form, OMB 0970-0154) ----------------------------------
    ccpa = date(1970, 7, 1)  # Consumer Credit Protection Act Title III in force
    add(
        "us.ccpa.limit_supporting_other_family_pct",
        "US",
        ccpa,
        "50",
        "15 USC 1673(b)(2)(A)",
        note="Share of disposable earnings that may be withheld when the obligor supports another spouse or child.",
    )
    add(
        "us.ccpa.limit_not_supporting_other_family_pct",
        "US",
        ccpa,
        "60",
        "15 USC 1673(b)(2)(B)",
        note="Share of disposable earnings that may be withheld when the obligor supports no other spouse or child.",
    )
    add(
        "us.ccpa.arrears_12_weeks_addition_pct",
        "US",
        ccpa,
        "5",
        "15 USC 1673(b)(2)",
        note="Added to either limit when support owed is for a period before the 12 weeks ending with the workweek.",
    )
    add(
        "us.iwo.arrears_weeks",
        "US",
        ccpa,
        "12",
        "15 USC 1673(b)(2); IWO form field 6",
        note="Support owed for a period before this many weeks (ending with the workweek) raises the CCPA "
        "limit: the age of the arrears decides, not their amount.",
    )
    add(
        "us.iwo.remit_business_days",
        "US",
        date(1996, 8, 22),
        "7",
        "42 USC 666(b)(6)(A)(i)",
        note="The employer remits within this many business days of the pay date.",
    )
    add(
        "us.iwo.start_days",
        "US",
        date(1996, 8, 22),
        "14",
        "42 USC 666(b)(6)(A)(i); IWO form",
        note="Withholding begins no later than the first pay period that occurs this many days after the IWO date.",
    )
    # The time the employer of the issuing state has to begin withholding, stated on the IWO and in
    # the e-IWO record's "begin withholding days" (``enforcement.services.withholding.iwo_figures``):
    # the law of the state where the order is served, which sets its own time (the federal form
    # leaves the number blank for the sender to fill in).
    add(
        "ny.iwo.start_days",
        "NY",
        date(1996, 8, 22),
        "14",
        "CPLR 5241(g)(1)",
        confirm=True,
        note="Deductions begin no later than the first pay period that occurs this many days after service of the "
        "income execution on the employer. Start date taken from the federal row: check the subdivision's history.",
    )
    add(
        "ca.iwo.start_days",
        "CA",
        date(1994, 1, 1),
        "10",
        "Fam. Code 5233",
        confirm=True,
        note="The employer begins withholding as soon as possible after service of the order, and not later than "
        "this many days after it. From the Family Code's operative date: check the section's history.",
    )
    return rows


SEED_ROWS = _rows()


def seed_value(key: str, jurisdiction: str, on: date | None = None) -> Decimal:
    """The seeded value of ``key`` in force on ``on`` (the latest seeded one without a date): the
    default other apps' seed data (e.g. the remedy rules) take, so a number is written down once."""
    rows = [
        r
        for r in SEED_ROWS
        if r["key"] == key and r["jurisdiction"] == jurisdiction and (on is None or r["effective_on"] <= on)
    ]
    if not rows:
        raise LookupError(f"No seeded {jurisdiction} legal parameter {key!r}.")
    return max(rows, key=lambda r: r["effective_on"])["value"]


def seed(*, LegalParameter, using: str = "default") -> int:  # noqa: N803
    """Create the seeded rows that are missing (two queries); return how many were created.
    Existing rows, perhaps corrected by an administrator, are left as they are."""
    manager = LegalParameter.objects.using(using)
    have = set(manager.values_list("key", "jurisdiction", "effective_on"))
    missing = [
        LegalParameter(**row) for row in SEED_ROWS if (row["key"], row["jurisdiction"], row["effective_on"]) not in have
    ]
    manager.bulk_create(missing)
    return len(missing)

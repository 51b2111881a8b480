"""Demo office: ~30 cases across two counties, with real ledger history (idempotent).

Built through the same services the screens use: cases, orders, then month by month the real
accrual and collection posting, so balances are consistent (``verify_ledger`` finds nothing).
Several cases are delinquent above the enforcement thresholds other apps sweep for (DOMAIN.md):
arrears over $2,500 (passport denial, 42 USC 652(k)), at least 4 months of support (NY licence
suspension), at least $500 unassigned arrears (tax offset, 45 CFR 303.72).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import DomainEvent
from core.services import event_record

from .choices import CaseStage, CollectionSource, InterstateRole, LocateResult
from .generate import COUNTIES, FIRST_F, FIRST_M
from .ledger_dates import month_start, next_month
from .models import Case, Employer, Employment
from .services import (
    ObligationData,
    PartyData,
    case_close,
    case_create,
    locate_attempt_record,
    order_create,
    work_item_create,
)

MARKER = "demo.cases_seeded"

# name, county index, assistance, monthly support, months of order, payer profile, extras
# profiles: steady (pays each month), partial (half), none (pays nothing), stopped (paid, then stopped 6 months ago)
ENFORCEMENT_CASES = [
    ("Rivera/Thompson", 0, "never", "650.00", 14, "none", {}),  # > $2,500 and > 4 months, unassigned
    ("Johnson/Baker", 0, "former", "820.00", 12, "stopped", {}),
    ("Nguyen/Tran", 1, "current", "540.00", 10, "none", {}),  # assigned arrears
    ("Garcia/Lopez", 1, "never", "300.00", 9, "partial", {}),
    ("Williams/Brown", 0, "former", "475.00", 18, "partial", {"fvi": True}),
    ("Davis/Moore", 1, "never", "900.00", 8, "stopped", {"interstate": InterstateRole.RESPONDING}),
    ("Smith/Clark", 0, "never", "400.00", 20, "steady", {}),
    ("Martinez/Perez", 1, "former", "350.00", 16, "steady", {}),
    ("Wilson/King", 0, "current", "250.00", 12, "steady", {}),
    ("Anderson/Scott", 1, "never", "725.00", 24, "steady", {"weekly": True}),
    ("Taylor/Young", 0, "never", "560.00", 6, "steady", {}),
    ("Harris/Allen", 1, "former", "610.00", 11, "partial", {}),
    ("Lewis/Wright", 0, "never", "180.00", 30, "steady", {}),
    ("Robinson/Hill", 1, "current", "300.00", 7, "partial", {}),
    ("Walker/Flores", 0, "never", "1200.00", 5, "none", {}),  # 5 months unpaid, $6,000
    ("Sanchez/Torres", 1, "never", "0.00", 12, "none", {"zero": True}),  # zero order still counts (OCSE-157)
]
OTHER_CASES = [
    ("Hernandez/Ortiz", 0, "never", CaseStage.LOCATE, 200),  # unlocated: quarterly attempt overdue
    ("Jackson/Reed", 1, "former", CaseStage.LOCATE, 40),
    ("White/Ward", 0, "current", CaseStage.LOCATE, 70),  # 75-day locate clock due soon
    ("Thomas/Cook", 1, "never", CaseStage.LOCATE, 10),
    ("Lee/Park", 0, "never", CaseStage.ESTABLISHMENT, 95),  # 90-day establishment clock overdue
    ("Moore/Bell", 1, "former", CaseStage.ESTABLISHMENT, 30),
    ("King/Cooper", 0, "never", CaseStage.ESTABLISHMENT, 84),  # due soon
    ("Young/Price", 1, "never", "interstate", 12),  # initiating: referral due in 20 days
    ("Evans/Gray", 0, "never", "closed", 300),
    ("Adams/Hughes", 1, "former", "closed", 500),
]
CHILDREN = ["Mia", "Noah", "Emma", "Liam", "Ava", "Elijah", "Sofia", "Lucas", "Isabella", "Mateo", "Amelia", "Leo"]


# Demo people get random birth dates: a chance look-alike is a new person, said so on the case.
DEMO_REASON = "Demo office: generated person"


def _ssn(n: int) -> str:
    return f"{987650000 + n:09d}"  # 9xx: never issued, collision-free with generate_office's range


def _parties(i: int, pair: str, rng, today: date, fvi: bool = False):
    cp_last, ncp_last = pair.split("/")
    cp = PartyData(
        FIRST_F[i % len(FIRST_F)],
        cp_last,
        today - timedelta(days=rng.randint(24, 40) * 365),
        _ssn(2 * i),
        family_violence=fvi,
        new_person_reason=DEMO_REASON,
        address={"line1": f"{10 + i} Maple St", "city": "Albany", "state": "NY", "postal_code": "12203"},
    )
    ncp = PartyData(
        FIRST_M[i % len(FIRST_M)],
        ncp_last,
        today - timedelta(days=rng.randint(25, 45) * 365),
        _ssn(2 * i + 1),
        new_person_reason=DEMO_REASON,
        address={"line1": f"{200 + i} River Rd", "city": "Troy", "state": "NY", "postal_code": "12180"},
    )
    born = today - timedelta(days=rng.randint(2, 15) * 365)
    wedlock = i % 3 == 0
    child = PartyData(
        CHILDREN[i % len(CHILDREN)],
        ncp_last,
        born,
        new_person_reason=DEMO_REASON,
        extra={
            "born_in_wedlock": wedlock,
            "paternity_status": "established",
            "paternity_established_on": born if wedlock else born + timedelta(days=30),
            "paternity_method": "marital_presumption"
            if wedlock
            else ("voluntary_acknowledgment" if i % 2 else "genetic_test"),
        },
    )
    return cp, ncp, child


def _worker(workers, county_index: int, i: int):
    """Home-county cases alternate between the two caseworkers (who share that county); the
    second county's cases have no caseworker of this office (only office-wide roles see them)."""
    return workers[i % 2] if county_index == 0 else None


def seed(*, users, rng, stdout) -> None:
    if DomainEvent.objects.filter(verb=MARKER).exists():
        stdout.write("cases: demo office already present")
        return
    today = timezone.localdate()
    jurisdiction = settings.CASEWORKS_JURISDICTION
    counties = COUNTIES.get(jurisdiction, COUNTIES["NY"])[:2]
    workers = [users.get("caseworker"), users.get("caseworker2") or users.get("caseworker")]
    by = users.get("caseworker")
    with transaction.atomic():
        employers = [
            Employer.objects.create(
                name=name,
                fein=fein,
                city="Albany",
                state="NY",
                postal_code="12207",
                contact_email=f"payroll@{slug}.example",
            )
            for name, fein, slug in [
                ("Capital Region Health", "141234567", "crh"),
                ("Hudson Valley Logistics", "142345678", "hvl"),
                ("Empire Foods", "143456789", "empire"),
            ]
        ]
        payers: list[tuple[Case, Decimal, str, date]] = []
        for i, (pair, c, assistance, monthly, months, profile, extra) in enumerate(ENFORCEMENT_CASES):
            start = month_start(today) - relativedelta(months=months)
            applied = start - timedelta(days=120)
            cp, ncp, child = _parties(i, pair, rng, today, fvi=extra.get("fvi", False))
            case = case_create(
                county=counties[c],
                jurisdiction=jurisdiction,
                assistance_status=assistance,
                application_received_on=applied,
                opened_on=applied + timedelta(days=12),
                cp=cp,
                ncp=ncp,
                children=[child],
                by=by,
                caseworker=_worker(workers, c, i),
                ncp_location_known=True,
                interstate_role=extra.get("interstate", InterstateRole.NONE),
                other_state="NJ" if extra.get("interstate") else "",
                other_state_case_id="NJ-77812" if extra.get("interstate") else "",
            )
            frequency = "weekly" if extra.get("weekly") else "monthly"
            amount = (
                Decimal(monthly) if frequency == "monthly" else (Decimal(monthly) * 12 / 52).quantize(Decimal("0.01"))
            )
            lines = [ObligationData("current_support", amount, frequency, start)]
            if i % 4 == 1:
                lines.append(ObligationData("medical_support", Decimal("75.00"), "monthly", start))
            order_create(
                case=case,
                order_number=f"DEMO-{i + 1:03d}",
                kind="court" if i % 3 else "administrative",
                court_name=f"{counties[c]} County Family Court" if i % 3 else "",
                issued_on=start - timedelta(days=10),
                effective_on=start,
                obligations=lines,
                by=by,
            )
            Employment.objects.create(
                person=case.ncp,
                employer=employers[i % 3],
                started_on=start - timedelta(days=200),
                gross_monthly_income=Decimal(monthly) * 6 or Decimal("2500.00"),
            )
            payers.append((case, Decimal(monthly) + (Decimal("75.00") if i % 4 == 1 else 0), profile, start))
        offset = len(ENFORCEMENT_CASES)
        for j, (pair, c, assistance, stage, age) in enumerate(OTHER_CASES):
            i = offset + j
            opened = today - timedelta(days=age)
            cp, ncp, child = _parties(i, pair, rng, today)
            case = case_create(
                county=counties[c],
                jurisdiction=jurisdiction,
                assistance_status=assistance,
                application_received_on=opened - timedelta(days=8),
                opened_on=opened,
                cp=cp,
                ncp=ncp,
                children=[child],
                by=by,
                caseworker=_worker(workers, c, i),
                ncp_location_known=stage not in (CaseStage.LOCATE,),
                interstate_role=InterstateRole.INITIATING if stage == "interstate" else InterstateRole.NONE,
                other_state="PA" if stage == "interstate" else "",
            )
            if stage == CaseStage.LOCATE and age > 30:
                locate_attempt_record(
                    case=case,
                    source="new_hire",
                    attempted_on=opened + timedelta(days=5),
                    result=LocateResult.NOT_FOUND,
                    by=by,
                )
            if stage == "closed":
                case_close(
                    case=case,
                    reason="recipient_request",
                    on=opened + timedelta(days=60),
                    by=by,
                    note="The custodial parent asked to close the case.",
                )
        # An application received but not yet opened (the 20-day clock of 45 CFR 303.2(b) runs).
        pending = case_create(
            county=counties[0],
            jurisdiction=jurisdiction,
            assistance_status="never",
            application_received_on=today - timedelta(days=16),
            opened_on=today - timedelta(days=16),
            cp=PartyData("Irene", "Castillo"),
            ncp=PartyData("Hugo", "Castillo"),
            children=[PartyData("Leo", "Castillo", today - timedelta(days=900))],
            by=by,
            caseworker=workers[0],
        )
        Case.objects.filter(pk=pending.pk).update(opened_on=None, stage=CaseStage.OPENED, locate_needed_on=None)
        from .services import case_deadline_refresh

        case_deadline_refresh(Case.objects.get(pk=pending.pk))
        _ledger_history(payers, today, rng)
        for case, _m, _profile, _s in payers[:4]:
            work_item_create(
                case=case,
                title="Review enforcement options",
                kind="manual",
                due_on=today + timedelta(days=rng.randint(-3, 10)),
                by=by,
            )
        event_record(verb=MARKER, actor_label="seed_demo", summary=f"{Case.objects.count()} cases in the demo office")
    stdout.write(f"cases: demo office with {len(ENFORCEMENT_CASES) + len(OTHER_CASES) + 1} cases")


def _ledger_history(payers, today: date, rng) -> None:
    """Month by month: the real accrual, then each payer's payments through collection_post."""
    from .services import collection_post
    from .services.ledger_accrual import balances_refresh_derived, charges_accrue

    ids = [c.pk for c, *_ in payers]
    case_range = (min(ids), max(ids))
    month = min(s for *_, s in payers)
    while month <= today:
        last_day = min(next_month(month) - timedelta(days=1), today)
        charges_accrue(through=last_day, case_range=case_range)
        for case, monthly, profile, start in payers:
            if month < start or monthly <= 0:
                continue
            months_before_now = (today.year - month.year) * 12 + today.month - month.month
            if profile == "none" or (profile == "stopped" and months_before_now < 6):
                continue
            amount = monthly if profile in ("steady", "stopped") else (monthly / 2).quantize(Decimal("0.01"))
            paid_on = min(month + timedelta(days=14), today)
            if paid_on > today or amount <= 0:
                continue
            collection_post(
                case_number=case.case_number,
                amount=amount,
                received_on=paid_on,
                source=CollectionSource.INCOME_WITHHOLDING if profile == "steady" else CollectionSource.DIRECT_PAYMENT,
                source_reference=f"DEMO-{case.case_number}-{month:%Y%m}",
                received_via="generator",
                actor_label="seed_demo",
                posted_on=paid_on,
            )
        month = next_month(month)
    balances_refresh_derived(on=today, case_range=case_range)
    del rng

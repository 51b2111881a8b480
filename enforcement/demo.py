"""Demo enforcement: runs the sweep once on the demo office so the queue, the dashboard and the
API have actions; adds a bank match, court petitions with hearings and a criminal referral, and the
office's bank accounts (collections, disbursements, debit card program) so the payment, statement and
disbursement files work on a fresh demo.

The cases demo holds delinquent cases above several remedies' thresholds. If no delinquent case
exists (the cases demo not loaded), a few are created here so the sweep always proposes actions.
Idempotent: the sweep runs only when no sweep has run yet; the rest is created once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from cases.models import Address, Case, CaseBalance, CaseParticipant, Obligation, Person, SupportOrder

from .choices import ActionStatus, BankAccountPurpose, PetitionKind, ReferralAgency, Remedy
from .models import BankAccount, BankMatch, EnforcementAction, Petition, SweepRun
from .services.actions import NoticeNotSent, action_contest, action_notice_issue
from .services.courts import hearing_schedule, petition_create, referral_create
from .services.sweep import sweep_run_inline

# (arrears unassigned, assigned, months, days delinquent): above passport, tax offset, licence, transfer
DEMO_DELINQUENTS = [
    (Decimal("3600.00"), Decimal("0.00"), Decimal("7.20"), 210),
    (Decimal("900.00"), Decimal("400.00"), Decimal("2.60"), 75),
    (Decimal("2700.00"), Decimal("0.00"), Decimal("5.40"), 125),
    (Decimal("650.00"), Decimal("0.00"), Decimal("1.30"), 40),
]

# The office's accounts at its bank (demo numbers; routing numbers pass the ABA check digit). The
# disbursement file is sent from the disbursements account; payees without direct deposit are paid
# to the debit card program.
DEMO_BANK_ACCOUNTS = [
    ("SDU collections", "100200300", "021000021", BankAccountPurpose.COLLECTIONS),
    ("SDU disbursements", "555000111", "021000021", BankAccountPurpose.DISBURSEMENTS),
    ("Debit card program", "777000999", "091000019", BankAccountPurpose.CARD_PROGRAM),
]


def _ensure_bank_accounts(*, stdout) -> None:
    """One account per purpose unless the office has configured its own."""
    created = []
    for name, number, routing, purpose in DEMO_BANK_ACCOUNTS:
        if BankAccount.objects.filter(purpose=purpose, active=True).exists():
            continue
        if BankAccount.objects.filter(account_number=number).exists():  # deactivated by someone: leave it
            continue
        BankAccount.objects.create(name=name, account_number=number, routing_number=routing, purpose=purpose)
        created.append(name)
    if created:
        stdout.write(f"  enforcement: bank accounts {', '.join(created)}.")


def _ensure_delinquent_cases(*, rng, stdout) -> None:
    if CaseBalance.objects.filter(case__status="open", delinquent_since__isnull=False).exists():
        return
    today = timezone.localdate()
    jurisdiction = settings.CASEWORKS_JURISDICTION
    for i, (unassigned, assigned, months, days) in enumerate(DEMO_DELINQUENTS, start=1):
        number = f"{jurisdiction}-99{i:04d}"
        if Case.objects.filter(case_number=number).exists():
            continue
        case = Case.objects.create(
            case_number=number,
            county="Albany" if jurisdiction == "NY" else "Sacramento",
            jurisdiction=jurisdiction,
            stage="enforcement",
            application_received_on=today - timedelta(days=700),
            opened_on=today - timedelta(days=690),
            ncp_located_on=today - timedelta(days=600),
            delinquency_identified_on=today - timedelta(days=days),
        )
        ncp = Person.objects.create(first_name=rng.choice(["Dale", "Marcus", "Ray", "Tomas"]), last_name=f"Demo{i}")
        cp = Person.objects.create(first_name=rng.choice(["Ana", "Beth", "Carla"]), last_name=f"Demo{i}")
        CaseParticipant.objects.create(case=case, person=ncp, role="ncp")
        # The notices the demo issues are mailed: a notice with no address is not issued.
        city, state, postal_code = ("Albany", "NY", "12207") if jurisdiction == "NY" else ("Sacramento", "CA", "95814")
        Address.objects.create(
            person=ncp,
            line1=f"{300 + i} Hudson Ave",
            city=city,
            state=state,
            postal_code=postal_code,
            valid_from=today - timedelta(days=690),
        )
        CaseParticipant.objects.create(case=case, person=cp, role="cp")
        order = SupportOrder.objects.create(
            case=case,
            order_number=f"DEMO-ENF-{i}",
            kind="court",
            court_name="Family Court",
            issued_on=today - timedelta(days=680),
            effective_on=today - timedelta(days=680),
            status="active",
        )
        Obligation.objects.create(
            order=order,
            kind="current_support",
            amount=Decimal("500.00"),
            frequency="monthly",
            start_on=order.effective_on,
        )
        CaseBalance.objects.update_or_create(
            case=case,
            defaults={
                "monthly_obligation": Decimal("500.00"),
                "unassigned_arrears": unassigned,
                "assigned_arrears": assigned,
                "total_arrears": unassigned + assigned,
                "months_in_arrears": months,
                "delinquent_since": today - timedelta(days=days),
            },
        )
    stdout.write("  enforcement: no delinquent demo case found; created 4.")


def seed(*, users, rng, stdout) -> None:
    _ensure_delinquent_cases(rng=rng, stdout=stdout)
    _ensure_bank_accounts(stdout=stdout)
    today = timezone.localdate()
    specialist, coordinator = users["enforcement_specialist"], users["coordinator"]
    top = list(
        CaseBalance.objects.filter(case__status="open", delinquent_since__isnull=False)
        .select_related("case")
        .order_by("-total_arrears", "case_id")[:3]
    )
    if top and not BankMatch.objects.exists():
        ncp = CaseParticipant.objects.filter(case=top[0].case, role="ncp").first()
        if ncp:
            BankMatch.objects.create(
                person=ncp.person,
                institution="Hudson Valley Savings",
                account_last4="4417",
                matched_on=today - timedelta(days=3),
            )
    if not SweepRun.objects.exists():
        run = sweep_run_inline(as_of=today, triggered_by="seed_demo")
        stdout.write(f"  enforcement sweep: {run.cases_examined} cases examined, {run.proposed} actions proposed.")
        passports = list(
            EnforcementAction.objects.filter(remedy=Remedy.PASSPORT_DENIAL, status=ActionStatus.PROPOSED).order_by(
                "id"
            )[:2]
        )
        noticed = []
        for action in passports:
            try:
                noticed.append(action_notice_issue(action=action, by=specialist, on=today))
            except NoticeNotSent:  # no postal address for this NCP: left proposed, its work item open
                continue
        if len(noticed) == 2:
            action_contest(
                action=noticed[1], reason="Says the arrears were paid in cash (demo).", by=specialist, on=today
            )
    if top and not Petition.objects.exists():
        petition = petition_create(
            case=top[0].case,
            kind=PetitionKind.VIOLATION,
            by=specialist,
            docket_number=f"V-{rng.randint(1000, 9999)}-26",
            filed_on=today - timedelta(days=10),
            reason="Violation of the support order: arrears over four months.",
        )
        hearing_schedule(
            petition=petition,
            by=specialist,
            court_part="Part 2",
            judge="Support Magistrate",
            scheduled_for=timezone.make_aware(datetime.combine(today + timedelta(days=7), time(10))),
        )
        if len(top) > 1:
            petition_create(
                case=top[1].case,
                kind=PetitionKind.MODIFICATION,
                by=coordinator,
                origin="review and adjustment",
                reason="Review found a change of income.",
            )
            referral_create(
                case=top[0].case,
                agency=ReferralAgency.DISTRICT_ATTORNEY,
                agency_name="County District Attorney",
                referred_on=today - timedelta(days=5),
                by=coordinator,
                notes="Wilful non-payment over two years (demo).",
            )

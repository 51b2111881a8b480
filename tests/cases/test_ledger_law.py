"""Issue 11 items 5–7 and 10: month of collection (45 CFR 302.51), assignment by month of
assistance (42 USC 608(a)(3)), URA cap (42 USC 657(a)(1)), the overpayment policy, re-derivation."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cases import allocation as rules
from cases.choices import (
    AssistanceStatus,
    Bucket,
    CollectionStatus,
    DisbursementStatus,
    EntryType,
    ParticipantRole,
    Payee,
)
from cases.ledger_verify import ledger_differences
from cases.models import (
    Allocation,
    AssistanceSpell,
    CaseBalance,
    CaseParticipant,
    Collection,
    Disbursement,
    LedgerEntry,
)
from cases.services import (
    case_assistance_change,
    case_assistance_paid,
    charges_accrue,
    collection_post,
    collection_reverse,
    collections_post_batch,
)
from cases.services.ledger import CollectionItem
from core.models import DomainEvent
from core.templatetags.caseworks import fdate
from tests.cases.factories import CaseFactory, ChildFactory, ObligationFactory, SupportOrderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def case_from(start: date, monthly: str = "500.00", assistance: str = AssistanceStatus.NEVER, spell: bool = True):
    """A case whose one monthly obligation starts on ``start``; with its first assistance spell."""
    case = CaseFactory(assistance_status=assistance, opened_on=date(2024, 1, 10))
    order = SupportOrderFactory(case=case, issued_on=start, effective_on=start)
    ObligationFactory(order=order, amount=D(monthly))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": D(monthly)})
    if spell:
        AssistanceSpell.objects.create(case=case, status=assistance, start_on=date(2024, 1, 10))
    return case


def post(case, amount, ref, *, received_on, collected_on=None, source="income_withholding", **kw):
    return collection_post(
        case_number=case.case_number,
        amount=D(amount),
        received_on=received_on,
        collected_on=collected_on,
        source=source,
        source_reference=ref,
        received_via="api",
        **kw,
    )


def live(collection) -> list[tuple[str, str, Decimal]]:
    return sorted(
        Allocation.objects.filter(collection=collection, reversed_on__isnull=True).values_list(
            "bucket", "payee", "amount"
        )
    )


def bal(case) -> CaseBalance:
    return CaseBalance.objects.get(case=case)


# --- 11.5 month of collection -------------------------------------------------------------------


def test_payment_withheld_on_the_last_day_of_a_month_and_posted_in_the_next_pays_that_month():
    # Order of $500 a month from November. November closes out unpaid ($500 → arrears) when
    # December is accrued; a payment withheld November 30 and posted December 2 pays November's
    # current support (45 CFR 302.51(a)(2)), not December's.
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
        b = bal(case)
        assert (b.current_due_month, b.unassigned_arrears) == (D("500.00"), D("500.00"))
        result = post(case, "500.00", "WH-1130", received_on=date(2024, 12, 2), collected_on=date(2024, 11, 30))
    assert [(a.bucket, a.payee, a.amount) for a in result.allocations] == [("current", "family", D("500.00"))]
    b = bal(case)
    # November's arrears are paid; December's current support is still fully due.
    assert (b.current_due_month, b.current_paid_month, b.unassigned_arrears, b.total_arrears) == (
        D("500.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    entry = LedgerEntry.objects.get(collection=result.collection, entry_type=EntryType.ALLOCATION)
    assert (entry.bucket, entry.due_on, entry.amount) == (Bucket.ARREARS_UNASSIGNED, date(2024, 11, 1), D("-500.00"))
    assert "2024-11" in entry.description
    assert result.collection.collected_on == date(2024, 11, 30)
    assert DomainEvent.objects.filter(verb="collection.posted", case_id=case.pk).count() == 1
    assert ledger_differences() == []


def test_the_same_payment_collected_in_december_pays_december():
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
        post(case, "500.00", "WH-1202", received_on=date(2024, 12, 2))
    b = bal(case)
    assert (b.current_paid_month, b.unassigned_arrears) == (D("500.00"), D("500.00"))
    assert ledger_differences() == []


def test_a_late_collection_redistributes_the_later_ones_with_reversals_and_an_event():
    # $500 a month from November. A ($700, collected Dec 5) first pays December 500 and November's
    # arrears 200. Then B ($500, collected Nov 29) is posted: in order of collection B pays
    # November 500, and A pays December 500 and, nothing else being owed, $200 excess to the family.
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 6)), tick=False):
        charges_accrue(through=date(2024, 12, 6))
        a = post(case, "700.00", "A", received_on=date(2024, 12, 5)).collection
        assert live(a) == [("arrears_unassigned", "family", D("200.00")), ("current", "family", D("500.00"))]
        b = post(case, "500.00", "B", received_on=date(2024, 12, 6), collected_on=date(2024, 11, 29)).collection
    assert live(b) == [("current", "family", D("500.00"))]
    assert live(a) == [("", "family", D("200.00")), ("current", "family", D("500.00"))]
    assert Allocation.objects.filter(collection=a, reversed_on=date(2024, 12, 6)).count() == 2
    reversals = LedgerEntry.objects.filter(collection=a, entry_type=EntryType.REVERSAL)
    assert reversals.count() == 2 and all(r.reverses_id for r in reversals)
    event = DomainEvent.objects.get(verb="collections.redistributed", case_id=case.pk)
    assert event.data["changes"][0]["collection"] == "A"
    b_ = bal(case)
    assert (b_.current_paid_month, b_.unassigned_arrears, b_.total_arrears) == (D("500.00"), D("0.00"), D("0.00"))
    # The family disbursement of A is replaced: 700 in all, one pending row.
    pending = Disbursement.objects.filter(collection=a, status=DisbursementStatus.PENDING)
    assert [d.amount for d in pending] == [D("700.00")]
    assert ledger_differences() == []


def test_collected_on_after_received_is_refused_and_nothing_is_written():
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 2)), tick=False), pytest.raises(ValidationError) as error:
        post(case, "10.00", "X", received_on=date(2024, 12, 1), collected_on=date(2024, 12, 2))
    assert "collected_on" in error.value.message_dict
    assert not Collection.objects.exists()


def test_ocse157_line_25_counts_current_support_in_its_month_of_collection():
    from quality.measures import line_specs

    case = case_from(date(2024, 9, 1))
    with time_machine.travel(at(date(2024, 10, 2)), tick=False):
        charges_accrue(through=date(2024, 10, 2))
        post(case, "500.00", "WH-0930", received_on=date(2024, 10, 2), collected_on=date(2024, 9, 30))
    # Federal fiscal year 2024 ends September 30: the payment withheld that day counts in FY2024.
    fy2024 = line_specs(2024)["25"].rows.aggregate(s=__import__("django.db.models").db.models.Sum("amount"))["s"]
    fy2025 = line_specs(2025)["25"].rows.count()
    assert (fy2024, fy2025) == (D("500.00"), 0)


# --- 11.6 assistance spells, assignment, URA ---------------------------------------------------


def test_a_month_of_assistance_closed_out_after_the_family_left_is_assigned():
    # On assistance through November; the family leaves from December 1 (recorded that day).
    # November is closed out on December 2: its unpaid support is assigned (assistance was paid
    # for November), December's, closed out in January, is not.
    case = case_from(date(2024, 11, 1), assistance=AssistanceStatus.CURRENT)
    with time_machine.travel(at(date(2024, 11, 20)), tick=False):
        charges_accrue(through=date(2024, 11, 20))
    with time_machine.travel(at(date(2024, 12, 1)), tick=False):
        case_assistance_change(case=case, status=AssistanceStatus.FORMER, effective_on=date(2024, 12, 1), by=None)
    case.refresh_from_db()
    assert case.assistance_status == AssistanceStatus.FORMER
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
    b = bal(case)
    assert (b.assigned_arrears, b.unassigned_arrears) == (D("500.00"), D("0.00"))
    with time_machine.travel(at(date(2025, 1, 2)), tick=False):
        charges_accrue(through=date(2025, 1, 2))
    b = bal(case)
    assert (b.assigned_arrears, b.unassigned_arrears) == (D("500.00"), D("500.00"))
    assert ledger_differences() == []


def test_the_posting_roll_uses_the_month_of_assistance_too():
    # The same close-out done by a posting (no accrual run in December yet).
    case = case_from(date(2024, 11, 1), assistance=AssistanceStatus.CURRENT)
    with time_machine.travel(at(date(2024, 11, 20)), tick=False):
        charges_accrue(through=date(2024, 11, 20))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        case_assistance_change(case=case, status=AssistanceStatus.FORMER, effective_on=date(2024, 12, 1), by=None)
        post(case, "100.00", "P1", received_on=date(2024, 12, 3))
    b = bal(case)
    # November's 500 was assigned at the roll; then former assistance pays assigned arrears
    # (no unassigned, no December charge accrued yet) to the state: 400 left.
    assert (b.assigned_arrears, b.unassigned_arrears) == (D("400.00"), D("0.00"))
    assert ledger_differences() == []


def test_case_assistance_change_closes_the_open_spell_and_refuses_bad_changes():
    case = case_from(date(2024, 11, 1), assistance=AssistanceStatus.NEVER, spell=False)
    with time_machine.travel(at(date(2024, 12, 10)), tick=False):
        spell = case_assistance_change(
            case=case, status=AssistanceStatus.CURRENT, effective_on=date(2024, 12, 1), by=None
        )
        spells = list(AssistanceSpell.objects.filter(case=case).values_list("status", "start_on", "end_on"))
        assert spells == [("never", date(2024, 1, 10), date(2024, 11, 30)), ("current", date(2024, 12, 1), None)]
        assert spell.status == AssistanceStatus.CURRENT
        for status, effective_on, field in (
            (AssistanceStatus.CURRENT, date(2024, 12, 5), "status"),
            (AssistanceStatus.FORMER, date(2024, 12, 1), "effective_on"),
            (AssistanceStatus.FORMER, date(2024, 12, 11), "effective_on"),
            ("bogus", date(2024, 12, 5), "status"),
        ):
            with pytest.raises(ValidationError) as error:
                case_assistance_change(case=case, status=status, effective_on=effective_on, by=None)
            assert field in error.value.message_dict
    assert AssistanceSpell.objects.filter(case=case).count() == 2
    assert DomainEvent.objects.filter(verb="assistance.changed", case_id=case.pk).count() == 1


def test_what_the_state_retains_never_exceeds_the_ura_and_the_excess_goes_to_the_family():
    # Current assistance, NY, one child: pass-through $100. November due 500 → assigned arrears
    # 500 at the December roll; December current 500. URA recorded: $300.
    # A $1,000 payment in December: current 500 → family 100 (pass-through) + state 400, capped
    # at the URA 300 → state 300 and family 100 more; assigned arrears 500 → family (URA gone).
    case = case_from(date(2024, 11, 1), assistance=AssistanceStatus.CURRENT)
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        charges_accrue(through=date(2024, 12, 3))
        assert case_assistance_paid(case=case, amount="300.00", paid_for=date(2024, 12, 1), by=None) == D("300.00")
        result = post(case, "1000.00", "URA-1", received_on=date(2024, 12, 3))
    lines = live(result.collection)
    assert sum(a for _, p, a in lines if p == "state") == D("300.00")
    assert sum(a for _, p, a in lines if p == "family") == D("700.00")
    assert ("arrears_assigned", "family", D("500.00")) in lines
    b = bal(case)
    assert (b.unreimbursed_assistance, b.assigned_arrears, b.current_paid_month) == (D("0.00"), D("0.00"), D("500.00"))
    # Reversing the collection gives the URA back.
    with time_machine.travel(at(date(2024, 12, 4)), tick=False):
        collection_reverse(collection=result.collection, reason="returned item", by=None)
    assert bal(case).unreimbursed_assistance == D("300.00")
    assert ledger_differences() == []


def test_distribute_caps_state_lines_at_the_ura():
    d = rules.distribute(
        assistance_status="current",
        source="income_withholding",
        amount=D("250"),
        current_due=[rules.Slice(rules.CURRENT, D("100"))],
        arrears=[rules.Slice(rules.ARREARS_ASSIGNED, D("200"))],
        ura_available=D("120"),
    )
    assert d.paid(payee=rules.STATE) == D("120")
    assert d.paid(payee=rules.FAMILY) == D("130")
    assert d.paid(bucket=rules.ARREARS_ASSIGNED) == D("150")


def test_california_pass_through_for_two_children_rises_from_50_to_200_on_2022_01_01():
    """Fam. Code 17504: before, "The first fifty dollars ($50) of any amount of child support
    collected in a month in payment of the required support obligation for that month shall be
    paid to a recipient of aid" (former text, whatever the number of children); as added by Stats.
    2020, ch. 11 (AB 79), "the first two hundred dollars ($200) for a family with two or more
    children", operative "on January 1, 2022, or when" the systems were ready, "whichever date is
    later" (17504(c); the row is marked confirm). By hand, a CA family on CalWORKs with two
    children, an order of $500 a month, no URA recorded:
    - December 2021, $500 collected: current support 500 → family 50, state 450;
    - January 2022, $150 then $350 collected: 150 → family 150 (200 - 0 left); 350 → family 50
      (the rest of the month's 200), state 300. January: family 200, state 300."""
    case = CaseFactory(
        case_number="CA-917504",
        jurisdiction="CA",
        county="Sacramento",
        assistance_status=AssistanceStatus.CURRENT,
        application_received_on=date(2021, 11, 1),
        opened_on=date(2021, 11, 15),
        ncp_located_on=date(2021, 11, 15),
    )
    CaseParticipant.objects.create(case=case, person=ChildFactory(), role=ParticipantRole.CHILD)
    assert CaseParticipant.objects.filter(case=case, role=ParticipantRole.CHILD).count() == 2
    order = SupportOrderFactory(case=case, issued_on=date(2021, 12, 1), effective_on=date(2021, 12, 1))
    ObligationFactory(order=order, amount=D("500.00"))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": D("500.00")})
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.CURRENT, start_on=date(2021, 11, 15))
    with time_machine.travel(at(date(2021, 12, 10)), tick=False):
        charges_accrue(through=date(2021, 12, 10))
        december = post(case, "500.00", "CA-DEC", received_on=date(2021, 12, 10))
    assert live(december.collection) == [("current", "family", D("50.00")), ("current", "state", D("450.00"))]
    with time_machine.travel(at(date(2022, 1, 5)), tick=False):
        charges_accrue(through=date(2022, 1, 5))
        first = post(case, "150.00", "CA-JAN-1", received_on=date(2022, 1, 5))
    with time_machine.travel(at(date(2022, 1, 20)), tick=False):
        second = post(case, "350.00", "CA-JAN-2", received_on=date(2022, 1, 20))
    assert live(first.collection) == [("current", "family", D("150.00"))]
    assert live(second.collection) == [("current", "family", D("50.00")), ("current", "state", D("300.00"))]
    b = bal(case)
    assert (b.current_paid_month, b.total_arrears) == (D("500.00"), D("0.00"))
    assert ledger_differences() == []


def test_the_data_check_finds_a_month_posted_under_the_old_pass_through():
    """``cases.pass_through_not_as_the_law_reads``: the same family as above, its January 2022 posted
    before core 0014 (the table had CA $50 from 1999, nothing in 2022): family 50 of 500 where
    Fam. Code 17504 gives 200. Posted under the corrected table, nothing is found."""
    from core.integrity import declared_checks
    from core.models import LegalParameter

    (check,) = [c for c in declared_checks() if c.name == "cases.pass_through_not_as_the_law_reads"]
    case = CaseFactory(
        case_number="CA-917505",
        jurisdiction="CA",
        county="Sacramento",
        assistance_status=AssistanceStatus.CURRENT,
        application_received_on=date(2021, 11, 1),
        opened_on=date(2021, 11, 15),
        ncp_located_on=date(2021, 11, 15),
    )
    CaseParticipant.objects.create(case=case, person=ChildFactory(), role=ParticipantRole.CHILD)
    order = SupportOrderFactory(case=case, issued_on=date(2021, 12, 1), effective_on=date(2021, 12, 1))
    ObligationFactory(order=order, amount=D("500.00"))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": D("500.00")})
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.CURRENT, start_on=date(2021, 11, 15))
    rows_2022 = LegalParameter.objects.filter(key__startswith="ca.pass_through.", effective_on=date(2022, 1, 1))
    kept = list(rows_2022.values())
    assert len(kept) == 2
    rows_2022.delete()  # the table as it was before the fix
    with time_machine.travel(at(date(2022, 1, 5)), tick=False):
        charges_accrue(through=date(2022, 1, 5))
        january = post(case, "500.00", "CA-OLD", received_on=date(2022, 1, 5))
    assert live(january.collection) == [("current", "family", D("50.00")), ("current", "state", D("450.00"))]
    LegalParameter.objects.bulk_create(LegalParameter(**row) for row in kept)  # core 0014
    (row,) = check.find()
    assert row.reference == "CA-917505"
    assert (
        row.detail
        == "2022-01: the family received $50.00 of $500.00 current support; the pass-through in force gives $200.00"
    )
    # December 2021, under the $50 still in force then, is as the law reads: not listed
    with time_machine.travel(at(date(2022, 2, 5)), tick=False):
        charges_accrue(through=date(2022, 2, 5))
        post(case, "500.00", "CA-FEB", received_on=date(2022, 2, 5))  # posted under the corrected table
    assert [r.detail[:7] for r in check.find()] == ["2022-01"]


# --- 11.7 overpayment policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "held", "excess_line", "reason_part"),
    [
        ("family", D("0.00"), True, ""),
        ("hold", D("200.00"), False, "held for review"),
        ("refund", D("200.00"), False, "refunded to the payor"),
    ],
)
def test_each_overpayment_policy(settings, policy, held, excess_line, reason_part):
    from cases.services.ledger import collection_held_amount

    settings.CASEWORKS_OVERPAYMENT_POLICY = policy
    case = case_from(date(2024, 12, 1))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        charges_accrue(through=date(2024, 12, 3))
        result = post(case, "700.00", f"OP-{policy}", received_on=date(2024, 12, 3))
    collection = Collection.objects.get(pk=result.collection.pk)
    assert collection.overpayment_policy == policy
    assert collection.status == CollectionStatus.POSTED
    assert collection_held_amount(collection) == held
    assert (("", "family", D("200.00")) in live(collection)) is excess_line
    assert reason_part in collection.hold_reason
    entry = LedgerEntry.objects.get(collection=collection, entry_type=EntryType.COLLECTION)
    assert (
        f"overpayment 200.00: {dict(collection._meta.get_field('overpayment_policy').choices)[policy].lower()}"
        in entry.description
    )
    family = Disbursement.objects.get(collection=collection, payee=Payee.FAMILY).amount
    assert family == D("700.00") - held
    assert ledger_differences() == []


def test_a_state_tax_offset_excess_is_held_for_the_obligor_not_paid_to_the_family(settings):
    """45 CFR 303.102(g)(2): "If the amount collected is in excess of the amounts required to be
    distributed under paragraph (g)(1) of this section, the IV-D agency must repay the excess to
    the noncustodial parent whose State income tax refund was offset". By hand: $500 due in
    December, a State offset of $700: $500 to current support (the family), $200 held for refund
    to the obligor, even when the office pays overpayments to the family."""
    from cases.services.ledger import collection_held_amount

    settings.CASEWORKS_OVERPAYMENT_POLICY = "family"
    case = case_from(date(2024, 12, 1))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        charges_accrue(through=date(2024, 12, 3))
        result = post(case, "700.00", "STO-1", received_on=date(2024, 12, 3), source="state_tax_offset")
    collection = Collection.objects.get(pk=result.collection.pk)
    assert live(collection) == [("current", "family", D("500.00"))]
    assert collection_held_amount(collection) == D("200.00")
    assert collection.hold_reason == rules.STATE_TAX_OFFSET_EXCESS_REASON
    assert collection.overpayment_policy == ""
    assert Disbursement.objects.get(collection=collection, payee=Payee.FAMILY).amount == D("500.00")
    assert ledger_differences() == []


def test_a_federal_tax_offset_is_due_to_the_family_within_30_calendar_days_not_2_business_days():
    """45 CFR 302.32(b)(3)(ii): "Collections due the family as a result of Federal tax refund
    offset must be sent to the family within 30 calendar days of the date of initial receipt in
    the title IV-D agency" (302.32(b)(2)(iv) the same for a IV-A family); 42 USC 654b(c)(1)'s 2
    business days are for amounts "after receipt from the employer or other source of periodic
    income". By hand: a never-assistance case owed $300 of arrears; an offset of $300 received on
    Tuesday 2025-03-04 is due to the family by 2025-04-03; a payment received the same day is due
    2 business days later, Thursday 2025-03-06."""
    from cases.services.ledger import disbursement_due_by

    assert disbursement_due_by(date(2025, 3, 4), "NY", source="federal_tax_offset") == date(2025, 4, 3)
    assert disbursement_due_by(date(2025, 3, 4), "NY", source="income_withholding") == date(2025, 3, 6)
    case = case_from(date(2024, 12, 1), monthly="300.00")
    with time_machine.travel(at(date(2025, 3, 4)), tick=False):
        charges_accrue(through=date(2025, 1, 31))
        result = post(case, "300.00", "FTO-1", received_on=date(2025, 3, 4), source="federal_tax_offset")
    family = Disbursement.objects.get(collection=result.collection, payee=Payee.FAMILY)
    assert family.amount == D("300.00")
    assert family.due_by == date(2025, 4, 3)


def test_no_overpayment_leaves_the_policy_blank(settings):
    settings.CASEWORKS_OVERPAYMENT_POLICY = "hold"
    case = case_from(date(2024, 12, 1))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        charges_accrue(through=date(2024, 12, 3))
        result = post(case, "500.00", "EXACT", received_on=date(2024, 12, 3))
    assert (result.collection.overpayment_policy, result.collection.hold_reason) == ("", "")


# --- property: the order of posting does not change the distribution ------------------------------

PAYDAYS = [
    date(2024, 10, 3),
    date(2024, 10, 31),
    date(2024, 11, 15),
    date(2024, 11, 30),
    date(2024, 12, 1),
    date(2024, 12, 4),
]


@pytest.fixture
def property_case():
    return case_from(date(2024, 9, 1), monthly="300.00")


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# One payment per collection day: 45 CFR 302.51 orders collections by their date of collection and
# says nothing of two collected the same day (the ledger then keeps the order they were posted in).
@given(
    payments=st.lists(
        st.tuples(st.sampled_from(PAYDAYS), st.integers(min_value=1, max_value=900)),
        min_size=1,
        max_size=5,
        unique_by=lambda payment: payment[0],
    ),
    order=st.randoms(use_true_random=False),
    assistance=st.sampled_from(["never", "former", "current"]),
)
def test_posting_in_any_order_gives_the_allocation_of_collection_date_order(property_case, payments, order, assistance):
    case = property_case
    items = [(f"R{i:02d}", day, D(amount)) for i, (day, amount) in enumerate(payments)]

    def run(sequence):
        sid = transaction.savepoint()
        try:
            AssistanceSpell.objects.filter(case=case).update(status=assistance)
            with time_machine.travel(at(date(2024, 12, 5)), tick=False):
                charges_accrue(through=date(2024, 12, 5))
                for ref, day, amount in sequence:
                    post(case, amount, ref, received_on=date(2024, 12, 5), collected_on=day)
            assert ledger_differences() == []
            b = bal(case)
            return (
                {ref: live(Collection.objects.get(source_reference=ref)) for ref, _, _ in sequence},
                (b.current_paid_month, b.unassigned_arrears, b.assigned_arrears),
            )
        finally:
            transaction.savepoint_rollback(sid)

    reference = run(sorted(items, key=lambda item: (item[1], item[0])))
    shuffled = list(items)
    order.shuffle(shuffled)
    assert run(shuffled) == reference


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payments=st.lists(
        st.tuples(st.sampled_from(PAYDAYS), st.integers(min_value=1, max_value=900)),
        min_size=1,
        max_size=5,
        unique_by=lambda payment: payment[0],
    ),
    earlier=st.integers(min_value=0, max_value=2),
    order=st.randoms(use_true_random=False),
    assistance=st.sampled_from(["never", "former", "current"]),
)
def test_a_payment_file_in_any_order_gives_the_allocation_of_posting_one_by_one_in_date_order(
    property_case, payments, earlier, order, assistance
):
    # A payment file (one batch) posted December 5, after ``earlier`` of its payments were posted
    # one by one: its collections of closed months (October, November) pay their own month, planned
    # in the batch without redistributing the case unless one already distributed is dated later.
    case = property_case
    items = [(f"R{i:02d}", day, D(amount)) for i, (day, amount) in enumerate(payments)]

    def run(singles, batch):
        sid = transaction.savepoint()
        try:
            AssistanceSpell.objects.filter(case=case).update(status=assistance)
            with time_machine.travel(at(date(2024, 12, 5)), tick=False):
                charges_accrue(through=date(2024, 12, 5))
                for ref, day, amount in singles:
                    post(case, amount, ref, received_on=date(2024, 12, 5), collected_on=day)
                collections_post_batch(
                    [
                        CollectionItem(
                            case_number=case.case_number,
                            amount=amount,
                            received_on=date(2024, 12, 5),
                            collected_on=day,
                            source="income_withholding",
                            source_reference=ref,
                            received_via="file",
                        )
                        for ref, day, amount in batch
                    ]
                )
            assert ledger_differences() == []
            b = bal(case)
            return (
                {ref: live(Collection.objects.get(source_reference=ref)) for ref, _, _ in items},
                (b.current_paid_month, b.unassigned_arrears, b.assigned_arrears),
            )
        finally:
            transaction.savepoint_rollback(sid)

    reference = run(sorted(items, key=lambda item: (item[1], item[0])), [])
    shuffled = list(items)
    order.shuffle(shuffled)
    assert run(shuffled[:earlier], shuffled[earlier:]) == reference


def test_a_file_of_late_november_pay_dates_pays_november_without_redistributing():
    # $500 a month from November; November closed out unpaid on December 2 ($500 → arrears). A
    # file received December 2 lists pay dates November 30 ($300) and November 28 ($300). In order
    # of collection: Nov 28 pays November's current support 300; Nov 30 pays the 200 left of it.
    # December's current support is paid only by collections of December (302.51(a)(2)), and no
    # arrears are left, so Nov 30's last 100 is an overpayment (the default policy: the family).
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
        results = collections_post_batch(
            [
                CollectionItem(
                    case_number=case.case_number,
                    amount=D("300.00"),
                    received_on=date(2024, 12, 2),
                    collected_on=day,
                    source="income_withholding",
                    source_reference=ref,
                    received_via="file",
                )
                for ref, day in (("N30", date(2024, 11, 30)), ("N28", date(2024, 11, 28)))
            ]
        )
    by_ref = {r.collection.source_reference: r for r in results}
    assert [(a.bucket, a.payee, a.amount) for a in by_ref["N28"].allocations] == [("current", "family", D("300.00"))]
    assert sorted((a.bucket, a.payee, a.amount) for a in by_ref["N30"].allocations) == [
        ("", "family", D("100.00")),
        ("current", "family", D("200.00")),
    ]
    entries = LedgerEntry.objects.filter(collection__source_reference="N28", entry_type=EntryType.ALLOCATION)
    assert [(e.bucket, e.due_on, e.amount) for e in entries] == [
        (Bucket.ARREARS_UNASSIGNED, date(2024, 11, 1), D("-300.00"))
    ]
    b = bal(case)
    assert (b.current_due_month, b.current_paid_month, b.unassigned_arrears) == (D("500.00"), D("0.00"), D("0.00"))
    assert not DomainEvent.objects.filter(verb="collections.redistributed", case_id=case.pk).exists()
    assert not LedgerEntry.objects.filter(case=case, entry_type=EntryType.REVERSAL).exists()
    assert ledger_differences() == []


def test_a_closed_months_collection_pays_its_months_unpaid_support_out_of_that_arrears_bucket_first():
    # The planner the batch and the redistribution share: November closed out with 500 of its
    # current support unpaid, now in the unassigned arrears with 200 older arrears (700). A
    # collection of November pays November's 500 as current support, taken out of that bucket
    # here; then the older arrears (the caller moves those, as for any payment).
    from cases.services.ledger_redistribute import closed_month_distribute

    balance = CaseBalance(unassigned_arrears=D("700.00"), assigned_arrears=D("0.00"))
    distribution = closed_month_distribute(
        balance,
        assistance_status=rules.NEVER,
        month_bucket=Bucket.ARREARS_UNASSIGNED,
        unpaid=D("500.00"),
        source="income_withholding",
        amount=D("600.00"),
        pass_through_available=D("0.00"),
        policy=rules.OVERPAYMENT_FAMILY,
    )
    assert sorted((line.bucket, line.payee, line.amount) for line in distribution.lines) == [
        (Bucket.ARREARS_UNASSIGNED, Payee.FAMILY, D("100.00")),
        (Bucket.CURRENT, Payee.FAMILY, D("500.00")),
    ]
    assert (balance.unassigned_arrears, balance.current_paid_month) == (D("200.00"), D("0.00"))


# --- 11.10 re-derivation of existing ledgers ------------------------------------------------------


def test_ledger_rederive_on_a_generated_office_leaves_verify_ledger_at_zero():
    from io import StringIO

    from django.core.management import call_command

    from cases.generate import office_generate

    with time_machine.travel(at(date(2024, 12, 10)), tick=False):
        office_generate(cases=12, seed=3, months=6)
        assert ledger_differences() == []
        # Legacy data the law corrects: a family on assistance in months closed out unassigned,
        # and a payment recorded as received in the month after it was withheld.
        never = (
            CaseBalance.objects.filter(case__assistance_status="never", unassigned_arrears__gt=0)
            .select_related("case")
            .first()
            .case
        )
        AssistanceSpell.objects.filter(case=never).delete()  # generated spells go: a legacy case had none
        AssistanceSpell.objects.create(
            case=never, status="current", start_on=date(2024, 1, 1), end_on=date(2024, 10, 31)
        )
        AssistanceSpell.objects.create(case=never, status="never", start_on=date(2024, 11, 1))
        paid = Collection.objects.filter(status="posted", received_on__day__lte=10).exclude(case=never).first()
        Collection.objects.filter(pk=paid.pk).update(collected_on=month_before(paid.received_on))
        out = StringIO()
        call_command("ledger_rederive", stdout=out)
        assert "Re-derived; every balance matches" in out.getvalue()
        assert ledger_differences() == []
        assert DomainEvent.objects.filter(verb="arrears.reassigned", case_id=never.pk).exists()
        assert LedgerEntry.objects.filter(case=never, description__startswith="Reassigned").exists()
        # Every case has its spells now; a rerun changes nothing.
        assert not CaseBalance.objects.exclude(case__assistance_spells__isnull=False).exists()
        entries = LedgerEntry.objects.count()
        again = StringIO()
        call_command("ledger_rederive", stdout=again)
        assert "months_reassigned=0" in again.getvalue() and "collections_redistributed=0" in again.getvalue()
        assert LedgerEntry.objects.count() == entries


def month_before(day: date) -> date:
    from datetime import timedelta

    return day.replace(day=1) - timedelta(days=1)


# --- the case page ------------------------------------------------------------------------------


def test_the_case_page_changes_assistance_through_the_service(client_as):
    from django.urls import reverse

    case = case_from(date(2024, 11, 1), assistance=AssistanceStatus.NEVER)
    client = client_as("caseworker")
    url = reverse("cases:assistance_change", args=[case.case_number])
    with time_machine.travel(at(date(2024, 12, 10)), tick=False):
        page = client.get(url)
        assert page.status_code == 200 and b"assistance-spells" in page.content
        bad = client.post(url, {"status": "current", "effective_on": "2099-01-01"})
        assert bad.status_code == 200 and AssistanceSpell.objects.filter(case=case).count() == 1
        done = client.post(url, {"status": "current", "effective_on": "2024-12-01"})
    assert done.status_code == 302
    assert list(AssistanceSpell.objects.filter(case=case).order_by("start_on").values_list("status", "end_on")) == [
        ("never", date(2024, 11, 30)),
        ("current", None),
    ]


def test_the_case_page_refuses_an_assistance_change_to_a_read_only_role(client_as):
    from django.urls import reverse

    case = case_from(date(2024, 11, 1))
    response = client_as("quality_analyst").post(
        reverse("cases:assistance_change", args=[case.case_number]), {"status": "current", "effective_on": "2024-12-01"}
    )
    assert response.status_code in (302, 403)
    assert AssistanceSpell.objects.filter(case=case).count() == 1


def test_the_payment_form_takes_the_date_of_collection(client_as):
    from django.urls import reverse

    case = case_from(date(2024, 11, 1))
    client = client_as("caseworker")
    with time_machine.travel(at(date(2024, 12, 2)), tick=False):
        charges_accrue(through=date(2024, 12, 2))
        response = client.post(
            reverse("cases:payment_create", args=[case.case_number]),
            {
                "amount": "500.00",
                "received_on": "2024-12-02",
                "source": "direct_payment",
                "source_reference": "F-1",
                "collected_on": "2024-11-30",
            },
            follow=True,
        )
    assert response.status_code == 200 and f"Collected {fdate(date(2024, 11, 30))}".encode() in response.content
    assert Collection.objects.get(source_reference="F-1").collected_on == date(2024, 11, 30)
    assert bal(case).unassigned_arrears == D("0.00")


def test_a_collection_recorded_in_the_wrong_month_is_moved_to_its_month_of_collection():
    # Legacy: a payment withheld in November was distributed to December's current support
    # (its date of collection corrected afterwards). The next November payment redistributes
    # both to November: same allocation lines ("current"), but the entries now reduce
    # November's arrears, and the balance still equals its entries.
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        charges_accrue(through=date(2024, 12, 3))
        legacy = post(case, "100.00", "LEGACY", received_on=date(2024, 12, 3)).collection
        Collection.objects.filter(pk=legacy.pk).update(collected_on=date(2024, 11, 30))
        post(case, "50.00", "NOV", received_on=date(2024, 12, 3), collected_on=date(2024, 11, 29))
    b = bal(case)
    assert (b.current_paid_month, b.unassigned_arrears) == (D("0.00"), D("350.00"))
    assert LedgerEntry.objects.filter(collection=legacy, entry_type=EntryType.REVERSAL).count() == 1
    assert ledger_differences() == []


# --- 11.5 reversing a collection redistributes the later ones --------------------------------------


def test_reversing_a_collection_redistributes_the_later_collections_in_one_event():
    # $500 a month from November. C ($100, collected Nov 20) pays November current. At the December
    # roll November's unpaid $400 becomes arrears. A ($500, Dec 1) pays December current; B ($500,
    # Dec 3) pays November's $400 arrears and $100 excess to the family. Reversing A (returned item)
    # must redistribute B as if A never came: B pays December current $500 (45 CFR 302.51(a)(2));
    # November's $400 is owed again. C, collected before A, is left as it was.
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 11, 20)), tick=False):
        charges_accrue(through=date(2024, 11, 20))
        c = post(case, "100.00", "C-1120", received_on=date(2024, 11, 20)).collection
    c_allocations = sorted(Allocation.objects.filter(collection=c).values_list("pk", flat=True))
    with time_machine.travel(at(date(2024, 12, 3)), tick=False):
        charges_accrue(through=date(2024, 12, 3))
        a = post(case, "500.00", "A-1201", received_on=date(2024, 12, 1)).collection
        b = post(case, "500.00", "B-1203", received_on=date(2024, 12, 3)).collection
    assert live(b) == [("", "family", D("100.00")), ("arrears_unassigned", "family", D("400.00"))]
    b_entries = set(LedgerEntry.objects.filter(collection=b).values_list("pk", "amount"))
    with time_machine.travel(at(date(2024, 12, 10)), tick=False):
        collection_reverse(collection=a, reason="returned item", by=None)
    assert live(b) == [("current", "family", D("500.00"))]
    balance = bal(case)
    assert (balance.current_due_month, balance.current_paid_month, balance.unassigned_arrears) == (
        D("500.00"),
        D("500.00"),
        D("400.00"),
    )
    # C untouched; B's old entries are still there, unchanged, each reversed by a new entry
    assert sorted(Allocation.objects.filter(collection=c, reversed_on__isnull=True).values_list("pk", flat=True)) == (
        c_allocations
    )
    assert b_entries <= set(LedgerEntry.objects.filter(collection=b).values_list("pk", "amount"))
    assert LedgerEntry.objects.filter(collection=b, entry_type=EntryType.REVERSAL).exists()
    # one event: the reversal, carrying what it redistributed
    event = DomainEvent.objects.get(verb="collection.reversed")
    assert [change["collection"] for change in event.data["redistributed"]] == [b.source_reference]
    assert "1 later collection(s) redistributed" in event.summary
    assert not DomainEvent.objects.filter(verb="collections.redistributed").exists()
    assert Collection.objects.get(pk=a.pk).status == CollectionStatus.REVERSED
    assert ledger_differences() == []


def test_reversing_the_last_collection_changes_no_other():
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 11, 20)), tick=False):
        charges_accrue(through=date(2024, 11, 20))
        first = post(case, "200.00", "F-1", received_on=date(2024, 11, 10)).collection
        last = post(case, "100.00", "L-1", received_on=date(2024, 11, 20)).collection
        before = live(first)
        collection_reverse(collection=last, reason="misapplied", by=None)
    assert live(first) == before
    assert DomainEvent.objects.get(verb="collection.reversed").data["redistributed"] == []
    assert bal(case).current_paid_month == D("200.00")
    assert ledger_differences() == []


# --- a redistribution and family payments the bank returned ---------------------------------------


def _family(collection) -> list[tuple[str, Decimal]]:
    return sorted(Disbursement.objects.filter(collection=collection).values_list("status", "amount"))


def test_a_redistribution_never_pays_again_a_disbursement_the_bank_returned(settings):
    # $500 a month from November; the office holds what is over (policy "hold"). A ($700,
    # collected Dec 5) pays December 500 and November's arrears 200: $700 to the family, sent and
    # returned by the bank (the office holds it, the return's work item pays it again). Then B
    # ($500, collected Nov 29) is posted: B pays November, A pays December 500 and $200 is held.
    # A's family share falls to 500; the $700 held covers it: no new disbursement, nothing to
    # recover from the family (who got nothing), and $200 of what is held is no longer theirs.
    settings.CASEWORKS_OVERPAYMENT_POLICY = "hold"
    case = case_from(date(2024, 11, 1))
    with time_machine.travel(at(date(2024, 12, 6)), tick=False):
        charges_accrue(through=date(2024, 12, 6))
        a = post(case, "700.00", "A", received_on=date(2024, 12, 5)).collection
        Disbursement.objects.filter(collection=a).update(
            status=DisbursementStatus.RETURNED, export_batch="DX-20241205-001", disbursed_on=date(2024, 12, 5)
        )
        post(case, "500.00", "B", received_on=date(2024, 12, 6), collected_on=date(2024, 11, 29))
    assert live(a) == [("current", "family", D("500.00"))]
    assert _family(a) == [("returned", D("700.00"))]
    event = DomainEvent.objects.get(verb="collections.redistributed")
    assert "to recover" not in event.summary
    assert event.summary.endswith(
        "; 1 with a payment returned by the bank held undistributed (paid again through its return's work item;"
        " 200.00 of it no longer due to the family)"
    )
    change = event.data["changes"][0]
    assert (change["collection"], change["family_sent_before"], change["family_to_recover"]) == ("A", "0.00", "0.00")
    assert (change["family_returned_held"], change["family_held_not_due"]) == ("700.00", "200.00")
    assert ledger_differences() == []

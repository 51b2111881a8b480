"""California former-assistance pass-through (Fam. Code 17504.2, AB 207, Stats. 2022 ch. 573).

17504.2(a)(1): "Any amount of support collected in a month in payment of an assigned support
obligation shall be passed through to a former recipient of aid under Article 2 (commencing with
Section 11250) of Chapter 2 of Part 3 of Division 9 of the Welfare and Institutions Code, except
recipients of foster care payments ..." (lawserver.com copy of Fam. Code 17504.2). DCSS press release
of 2024-05-06 (dcss.ca.gov/2024/05/06/moremoneytofamilies): "Yesterday, Assembly Bill 207 (AB 207) ...
began to be implemented ... Collections that are received for government-assigned debt due to
participation in ... CalWORKs will be passed through to those families who no longer receive CalWORKs."
The seed dates it from 2024-05-05 (``ca.former_assistance.assigned_pass_through``, confirm). New York
has no such rule: the state keeps what pays assigned arrears of a former recipient (42 USC 657(a)(2)).

The reviewer's case first (RTLAW), then the day before the operative date, New York, a federal tax
refund offset, a family still on assistance, and the ledger end to end: posting one by one, in a
batch (a closed month's collection) and by redistribution, each collection by its own date, the
family's share disbursed to the family and ``verify_ledger`` agreeing.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from cases import allocation as rules
from cases.choices import AssistanceStatus, EntryType
from cases.ledger_verify import ledger_differences
from cases.models import Allocation, AssistanceSpell, CaseBalance, Collection, Disbursement, LedgerEntry
from cases.services import CollectionItem, case_assistance_change, charges_accrue, collections_post_batch
from cases.services.ledger import collection_held_amount
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory
from tests.cases.test_ledger_law import at, live, post

pytestmark = pytest.mark.django_db
D = Decimal
OPERATIVE = date(2024, 5, 5)  # DCSS: AB 207 implemented from May 5, 2024


def on_assistance(*, number: str, assisted_month: date, jurisdiction: str = "CA"):
    """A family on assistance from ``assisted_month`` whose $500 of support that month goes unpaid
    (assigned to the state at the close-out, 42 USC 608(a)(3)): charges accrued to the 20th."""
    case = CaseFactory(
        assistance_status=AssistanceStatus.CURRENT,
        opened_on=assisted_month,
        jurisdiction=jurisdiction,
        county="Alameda" if jurisdiction == "CA" else "Albany",
        case_number=number,
    )
    order = SupportOrderFactory(case=case, issued_on=assisted_month, effective_on=assisted_month)
    ObligationFactory(order=order, amount=D("500.00"))
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": D("500.00")})
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.CURRENT, start_on=assisted_month)
    with time_machine.travel(at(assisted_month.replace(day=20)), tick=False):
        charges_accrue(through=assisted_month.replace(day=20))
    return case


def former_case(*, number: str = "CA-990002", assisted_month: date = date(2024, 4, 1), jurisdiction: str = "CA"):
    """``on_assistance``, then a former recipient from the first of the next month. No charge of a
    later month is accrued, so a collection pays the assigned arrears."""
    case = on_assistance(number=number, assisted_month=assisted_month, jurisdiction=jurisdiction)
    first = date(assisted_month.year + assisted_month.month // 12, assisted_month.month % 12 + 1, 1)
    with time_machine.travel(at(first), tick=False):
        case_assistance_change(case=case, status=AssistanceStatus.FORMER, effective_on=first, by=None)
    return case


# --- the reviewer's case (RTLAW) -----------------------------------------------------------------


def test_ca_former_recipient_gets_collections_on_assigned_arrears_in_2025():
    case = on_assistance(number="CA-990001", assisted_month=date(2025, 11, 1))
    with time_machine.travel(at(date(2025, 12, 3)), tick=False):
        case_assistance_change(case=case, status=AssistanceStatus.FORMER, effective_on=date(2025, 12, 1), by=None)
        result = post(case, "100.00", "RTLAW-17504-2", received_on=date(2025, 12, 3))
    lines = [(a.bucket, a.payee, a.amount) for a in result.allocations]
    # November's unpaid $500 was assigned (month of assistance); the family is now a former recipient:
    # the $100 paying that assigned support is passed through to the family (17504.2(a)(1)).
    assert lines == [("arrears_assigned", "family", D("100.00"))], lines


# --- the operative date, the jurisdiction, the source, the status ---------------------------------


def test_ca_collection_of_the_day_before_the_operative_date_is_retained_the_next_day_passed_through():
    case = former_case()
    with time_machine.travel(at(date(2024, 5, 6)), tick=False):
        before = post(case, "100.00", "CA-0504", received_on=date(2024, 5, 6), collected_on=date(2024, 5, 4))
        from_date = post(case, "100.00", "CA-0505", received_on=date(2024, 5, 6), collected_on=OPERATIVE)
    assert live(before.collection) == [("arrears_assigned", "state", D("100.00"))]
    assert live(from_date.collection) == [("arrears_assigned", "family", D("100.00"))]
    assert CaseBalance.objects.get(case=case).assigned_arrears == D("300.00")
    assert ledger_differences() == []


def test_ny_former_recipient_assigned_arrears_still_go_to_the_state():
    case = former_case(jurisdiction="NY", number="NY-990003", assisted_month=date(2025, 11, 1))
    with time_machine.travel(at(date(2025, 12, 3)), tick=False):
        result = post(case, "100.00", "NY-1203", received_on=date(2025, 12, 3))
    assert live(result.collection) == [("arrears_assigned", "state", D("100.00"))]
    assert not Disbursement.objects.filter(collection=result.collection).exists()


def test_ca_federal_tax_offset_on_a_former_case_is_passed_through_from_the_operative_date():
    # DCSS: collections on government-assigned debt, tax refund offsets included; 42 USC 657(a)(6)(A).
    before = former_case(number="CA-990004", assisted_month=date(2024, 3, 1))
    after = former_case(number="CA-990005", assisted_month=date(2025, 2, 1))
    with time_machine.travel(at(date(2024, 4, 12)), tick=False):
        kept = post(before, "350.00", "CA-TOP-2024", received_on=date(2024, 4, 12), source="federal_tax_offset")
    with time_machine.travel(at(date(2025, 3, 12)), tick=False):
        passed = post(after, "650.00", "CA-TOP-2025", received_on=date(2025, 3, 12), source="federal_tax_offset")
    assert live(kept.collection) == [("arrears_assigned", "state", D("350.00"))]
    # past-due support only; what exceeds it is held for refund to the obligor, as before
    assert live(passed.collection) == [("arrears_assigned", "family", D("500.00"))]
    assert collection_held_amount(passed.collection) == D("150.00")
    assert passed.collection.hold_reason == rules.TAX_OFFSET_EXCESS_REASON
    family = Disbursement.objects.get(collection=passed.collection)
    assert (family.payee, family.amount) == ("family", D("500.00"))
    assert ledger_differences() == []


def test_ca_family_still_on_assistance_is_unchanged():
    # 17504 (the monthly pass-through of current support) governs a current recipient, not 17504.2.
    case = on_assistance(number="CA-990006", assisted_month=date(2025, 11, 1))
    with time_machine.travel(at(date(2025, 12, 3)), tick=False):
        charges_accrue(through=date(2025, 12, 3))
        result = post(case, "700.00", "CA-CURRENT", received_on=date(2025, 12, 3))
    # December's $500: $100 passed through (one child, 17504(a)), $400 retained; then November's
    # assigned $500: $200 to the state
    assert live(result.collection) == [
        ("arrears_assigned", "state", D("200.00")),
        ("current", "family", D("100.00")),
        ("current", "state", D("400.00")),
    ]


# --- the ledger end to end ---------------------------------------------------------------------------


def test_posting_passes_through_to_the_family_disburses_it_and_the_ledger_agrees():
    case = former_case(number="CA-990007", assisted_month=date(2025, 11, 1))
    with time_machine.travel(at(date(2025, 12, 3)), tick=False):
        result = post(case, "120.00", "CA-E2E", received_on=date(2025, 12, 3))
    collection = result.collection
    assert live(collection) == [("arrears_assigned", "family", D("120.00"))]
    # the ledger and the statement say where the money went
    assert list(
        LedgerEntry.objects.filter(collection=collection, entry_type=EntryType.ALLOCATION).values_list(
            "bucket", "amount", "description"
        )
    ) == [("arrears_assigned", D("-120.00"), "Allocated to arrears_assigned (family)")]
    # the family's share is disbursed to the custodial parent like any family money
    (family,) = Disbursement.objects.filter(collection=collection)
    assert (family.payee, family.amount, family.status) == ("family", D("120.00"), "pending")
    b = CaseBalance.objects.get(case=case)
    assert (b.assigned_arrears, b.unassigned_arrears) == (D("380.00"), D("0.00"))
    assert ledger_differences() == []


def test_a_batch_pays_each_closed_month_collection_by_its_own_date():
    # A file received June 3, 2024 with two May pay dates: May is closed out, a month of former
    # assistance, so each is planned in the batch (ledger_closed_month), on either side of May 5.
    case = former_case(number="CA-990008")
    with time_machine.travel(at(date(2024, 6, 3)), tick=False):
        collections_post_batch(
            [
                CollectionItem(
                    case_number=case.case_number,
                    amount=D(amount),
                    received_on=date(2024, 6, 3),
                    collected_on=collected_on,
                    source="income_withholding",
                    source_reference=ref,
                    received_via="file",
                )
                for ref, amount, collected_on in (
                    ("CA-B-0503", "80.00", date(2024, 5, 3)),
                    ("CA-B-0530", "90.00", date(2024, 5, 30)),
                )
            ]
        )
    early, late = (Collection.objects.get(source_reference=r) for r in ("CA-B-0503", "CA-B-0530"))
    assert live(early) == [("arrears_assigned", "state", D("80.00"))]
    assert live(late) == [("arrears_assigned", "family", D("90.00"))]
    assert not Disbursement.objects.filter(collection=early).exists()
    assert Disbursement.objects.get(collection=late).amount == D("90.00")
    assert ledger_differences() == []


def test_redistribution_distributes_each_collection_by_its_own_date_of_collection():
    # A collection of May 10 posted first, then one of May 3 (an earlier date): the case is
    # redistributed from May 3; the May 3 one is retained, the May 10 one stays the family's.
    case = former_case(number="CA-990009")
    with time_machine.travel(at(date(2024, 5, 12)), tick=False):
        later = post(case, "100.00", "CA-R-0510", received_on=date(2024, 5, 12), collected_on=date(2024, 5, 10))
        earlier = post(case, "100.00", "CA-R-0503", received_on=date(2024, 5, 12), collected_on=date(2024, 5, 3))
    assert live(earlier.collection) == [("arrears_assigned", "state", D("100.00"))]
    assert live(later.collection) == [("arrears_assigned", "family", D("100.00"))]
    assert Disbursement.objects.get(collection=later.collection).amount == D("100.00")
    assert not Disbursement.objects.filter(collection=earlier.collection).exists()
    assert ledger_differences() == []


def test_a_generated_california_office_passes_assigned_support_through_to_former_recipients(settings):
    # The generator's own distribution (``generate._distributed``) reads the dated parameter too:
    # every month of a CA office generated today is after 2024-05-05.
    from cases.generate import office_generate
    from cases.services.ledger import spells_of, status_in

    settings.CASEWORKS_JURISDICTION = "CA"
    office_generate(cases=60, seed=11, months=12)
    assert ledger_differences() == []
    assigned = list(
        Allocation.objects.filter(bucket="arrears_assigned").select_related("case", "collection").order_by("pk")
    )
    spells = spells_of({a.case_id for a in assigned})
    former = [a for a in assigned if status_in(spells, a.case, a.collection.collected_on.replace(day=1)) == "former"]
    assert former, "the seed gives former recipients collections on assigned arrears"
    assert {a.payee for a in former} == {"family"}
    assert {a.payee for a in assigned if a not in former} <= {"state"}


def test_the_data_check_finds_assigned_support_the_state_kept_before_the_fix():
    """``cases.former_assigned_retained``: a CA former recipient's collections of 2024-05-05 on posted
    as before the fix (no legal row: the state kept them) are found, one row for the case with the
    first date; one of the day before is not (then the state kept it by law), nor is New York."""
    from core.integrity import declared_checks
    from core.models import LegalParameter

    (check,) = [c for c in declared_checks() if c.name == "cases.former_assigned_retained"]
    ca = former_case(number="CA-990010")
    ny = former_case(jurisdiction="NY", number="NY-990011")
    row = LegalParameter.objects.filter(key="ca.former_assistance.assigned_pass_through")
    kept = list(row.values())
    assert len(kept) == 1
    row.delete()  # the ledger as it was before the fix
    with time_machine.travel(at(date(2024, 5, 20)), tick=False):
        for day in (date(2024, 5, 4), OPERATIVE, date(2024, 5, 18)):
            post(ca, "40.00", f"CA-{day:%m%d}", received_on=date(2024, 5, 20), collected_on=day)
            post(ny, "40.00", f"NY-{day:%m%d}", received_on=date(2024, 5, 20), collected_on=day)
    LegalParameter.objects.create(**kept[0])
    assert [(r.reference, r.detail) for r in check.find()] == [
        (
            "CA-990010",
            "2 day(s) of collection from 2024-05-05: $80.00 of assigned arrears retained by the state; "
            "the law passes it through to the former recipient",
        )
    ]
    # redistributed by the law, nothing is left to find
    from cases.services.ledger import _locked_balance
    from cases.services.ledger_redistribute import case_redistribute

    with time_machine.travel(at(date(2024, 5, 21)), tick=False):
        case_redistribute(
            case=ca,
            balance=_locked_balance(ca, on=date(2024, 5, 21)),
            from_date=OPERATIVE,
            on=date(2024, 5, 21),
            reason="former-recipient pass-through (Fam. Code 17504.2)",
        )
    assert list(check.find()) == []
    assert Disbursement.objects.filter(case=ca, payee="family").count() == 2
    assert ledger_differences() == []

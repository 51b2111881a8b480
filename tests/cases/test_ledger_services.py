"""Ledger services: accrual, posting, replay/conflict, holds, reversal, release, verify_ledger."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cases.choices import Bucket, CollectionStatus, DisbursementStatus, EntryType, Frequency, ObligationKind, Payee
from cases.exceptions import CollectionConflict
from cases.ledger_verify import ledger_differences
from cases.models import Allocation, CaseBalance, Collection, Disbursement, LedgerEntry
from cases.services import charges_accrue, collection_post, collection_release, collection_reverse
from core.db import ledger_writer
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory, case_with_order

pytestmark = pytest.mark.django_db
D = Decimal


def post(case, amount, ref, *, source="income_withholding", received_on=date(2024, 4, 10), **kw):
    return collection_post(
        case_number=case.case_number if case else kw.pop("case_number", ""),
        amount=D(amount),
        received_on=received_on,
        source=source,
        source_reference=ref,
        received_via="api",
        **kw,
    )


def at(day: date) -> datetime:
    """Noon in the office's time zone (a bare date travels to midnight UTC, the evening before)."""
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)


def balance(case) -> CaseBalance:
    return CaseBalance.objects.get(case=case)


@pytest.fixture
def april():
    with time_machine.travel(at(date(2024, 4, 15)), tick=False):
        yield


# --- accrual ----------------------------------------------------------------------------------


def test_accrual_charges_every_due_date_once_and_late_months_become_arrears(april):
    case = case_with_order(monthly=D("500.00"))  # monthly from 2024-02-01
    result = charges_accrue(through=date(2024, 4, 15))
    assert result.charges == 3
    b = balance(case)
    assert (b.current_month, b.current_due_month, b.unassigned_arrears, b.total_arrears) == (
        date(2024, 4, 1),
        D("500.00"),
        D("1000.00"),
        D("1000.00"),
    )
    # delinquent since February's support rolled into arrears (1 March), as daily runs would date
    # it, not since the day of the late run
    assert b.months_in_arrears == D("2.00") and b.delinquent_since == date(2024, 3, 1)
    assert charges_accrue(through=date(2024, 4, 15)).charges == 0
    assert LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).count() == 3
    assert ledger_differences() == []


def test_daily_runs_and_one_late_run_give_the_same_ledger():
    daily = case_with_order(monthly=D("100.00"))
    ObligationFactory(
        order=daily.orders.get(), kind=ObligationKind.MEDICAL_SUPPORT, amount=D("20.00"), frequency=Frequency.WEEKLY
    )
    with time_machine.travel(at(date(2024, 5, 20)), tick=False):
        for day in range(1, 32):
            charges_accrue(through=date(2024, 3, day) if day <= 31 else date(2024, 3, 31))
        charges_accrue(through=date(2024, 5, 20))
    daily_charges = sorted(LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).values_list("due_on", "amount"))
    daily_balance = balance(daily)
    ledger_writer()  # a test resetting the ledger declares itself a ledger writer (the PostgreSQL trigger)
    LedgerEntry.objects.all().delete()
    CaseBalance.objects.all().delete()
    daily.orders.get().obligations.update(accrued_through=None)
    with time_machine.travel(at(date(2024, 5, 20)), tick=False):
        charges_accrue(through=date(2024, 5, 20))
    late = balance(daily)
    assert (
        sorted(LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).values_list("due_on", "amount")) == daily_charges
    )
    assert (late.current_due_month, late.total_arrears, late.delinquent_since) == (
        daily_balance.current_due_month,
        daily_balance.total_arrears,
        daily_balance.delinquent_since,
    )
    assert ledger_differences() == []


def test_unpaid_current_support_rolls_into_assigned_arrears_on_assistance(april):
    case = case_with_order(monthly=D("300.00"), assistance_status="current")
    charges_accrue(through=date(2024, 2, 1))
    post(case, "100.00", "R-1", received_on=date(2024, 2, 10), posted_on=date(2024, 2, 10))
    charges_accrue(through=date(2024, 3, 1))
    b = balance(case)
    assert (b.assigned_arrears, b.unassigned_arrears, b.current_due_month) == (D("200.00"), D("0.00"), D("300.00"))
    assert ledger_differences() == []


def test_ended_and_zero_obligations_stop_charging(april):
    case = case_with_order(monthly=D("500.00"))
    ob = case.orders.get().obligations.get()
    ob.end_on = date(2024, 2, 29)
    ob.save()
    ObligationFactory(order=case.orders.get(), amount=D("0.00"))
    charges_accrue(through=date(2024, 4, 15))
    assert LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).count() == 1


def test_superseded_order_without_end_date_does_not_accrue(april):
    case = case_with_order(monthly=D("500.00"))
    case.orders.update(status="superseded")
    SupportOrderFactory(case=case, version=2, order_number="NEW", effective_on=date(2024, 4, 1))
    ObligationFactory(order=case.orders.get(version=2), amount=D("250.00"), start_on=date(2024, 4, 1))
    charges_accrue(through=date(2024, 4, 15))
    assert list(LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).values_list("amount", flat=True)) == [
        D("250.00")
    ]
    assert balance(case).monthly_obligation == D("250.00")


def test_arrears_repayment_is_a_memo_charge_that_changes_no_balance(april):
    case = case_with_order(monthly=D("500.00"))
    ObligationFactory(order=case.orders.get(), kind=ObligationKind.ARREARS_REPAYMENT, amount=D("50.00"))
    charges_accrue(through=date(2024, 4, 15))
    assert LedgerEntry.objects.filter(entry_type=EntryType.CHARGE, bucket="").count() == 3
    assert balance(case).total_arrears == D("1000.00")


def test_accrue_charges_command_refuses_future_dates(april):
    with pytest.raises(Exception, match="future"):
        call_command("accrue_charges", "--through", "2024-04-16")
    call_command("accrue_charges", "--through", "2024-04-15")


# --- posting ----------------------------------------------------------------------------------


def test_post_allocates_current_then_arrears_and_schedules_the_family_disbursement(april):
    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    result = post(case, "700.00", "R-1", received_on=date(2024, 4, 12))  # a Friday
    assert result.created
    assert sorted((a.bucket, a.payee, a.amount) for a in result.allocations) == [
        (Bucket.ARREARS_UNASSIGNED, Payee.FAMILY, D("200.00")),
        (Bucket.CURRENT, Payee.FAMILY, D("500.00")),
    ]
    b = balance(case)
    assert (b.current_paid_month, b.unassigned_arrears, b.last_payment_amount) == (
        D("500.00"),
        D("800.00"),
        D("700.00"),
    )
    disbursement = Disbursement.objects.get()
    # 42 USC 654b(c): 2 business days after receipt — Friday → Tuesday.
    assert (disbursement.amount, disbursement.due_by, disbursement.status) == (
        D("700.00"),
        date(2024, 4, 16),
        "pending",
    )
    assert ledger_differences() == []


def test_exact_replay_writes_nothing_and_different_content_conflicts(april):
    case = case_with_order()
    charges_accrue(through=date(2024, 4, 15))
    first = post(case, "100.00", "R-1")
    again = post(case, "100.00", "R-1")
    assert not again.created and again.collection.pk == first.collection.pk
    assert [a.pk for a in again.allocations] == [a.pk for a in first.allocations]
    assert Collection.objects.count() == 1 and Allocation.objects.count() == 1
    with pytest.raises(CollectionConflict):
        post(case, "100.01", "R-1")
    with pytest.raises(CollectionConflict):
        post(case, "100.00", "R-1", source="direct_payment")
    assert Collection.objects.count() == 1


@pytest.mark.parametrize(
    "number,status,reason",
    [("NY-404404", "open", "No case with this case number"), (None, "closed", "The case is closed")],
)
def test_unknown_or_closed_case_is_held_never_dropped(april, number, status, reason):
    case = (
        case_with_order(status=status, closure_reason="other", closed_on=date(2024, 3, 1), stage="closed")
        if status == "closed"
        else None
    )
    result = collection_post(
        case_number=number or case.case_number,
        amount=D("80.00"),
        received_on=date(2024, 4, 1),
        source="other",
        source_reference="H-1",
        received_via="file",
    )
    assert result.created and result.collection.status == CollectionStatus.HELD
    assert result.collection.hold_reason == reason and result.allocations == []
    assert not LedgerEntry.objects.exists() and not Disbursement.objects.exists()


def test_explicit_hold_reason_holds(april):
    case = case_with_order()
    result = post(case, "80.00", "H-2", hold_reason="Payor name does not match")
    assert result.collection.status == CollectionStatus.HELD and not Allocation.objects.exists()


def test_tax_offset_skips_current_and_holds_the_excess(april):
    case = case_with_order(monthly=D("500.00"), assistance_status="former")
    charges_accrue(through=date(2024, 4, 15))
    result = post(case, "1200.00", "T-1", source="federal_tax_offset")
    assert {a.bucket for a in result.allocations} == {Bucket.ARREARS_UNASSIGNED}
    assert balance(case).current_paid_month == 0 and balance(case).total_arrears == 0
    assert result.collection.hold_reason.startswith("Federal tax refund offset exceeds")
    assert sum(a.amount for a in result.allocations) == D("1000.00")


@pytest.mark.parametrize(
    "field,kwargs",
    [
        ("amount", {"amount": D("0")}),
        ("amount", {"amount": D("-5")}),
        ("amount", {"amount": D("1.005")}),
        ("received_on", {"received_on": date(2024, 4, 16)}),
        ("source", {"source": "lottery"}),
        ("source_reference", {"source_reference": ""}),
        ("source_reference", {"source_reference": "x" * 65}),
        ("source_reference", {"source_reference": "a\x00b"}),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(april, field, kwargs):
    case = case_with_order()
    args = {
        "case_number": case.case_number,
        "amount": D("10.00"),
        "received_on": date(2024, 4, 1),
        "source": "other",
        "source_reference": "B-1",
        "received_via": "api",
        **kwargs,
    }
    with pytest.raises(ValidationError) as exc:
        collection_post(**args)
    assert field in exc.value.message_dict
    assert not Collection.objects.exists()


def test_received_today_is_accepted(april):
    case = case_with_order()
    assert post(case, "10.00", "T-0", received_on=date(2024, 4, 15)).created


# --- reversal and release -----------------------------------------------------------------------


def test_reversal_restores_what_was_paid_and_cancels_the_pending_disbursement(april, role_user):
    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    result = post(case, "700.00", "R-1")
    collection_reverse(collection=result.collection, reason="Cheque returned", by=role_user("caseworker"))
    b = balance(case)
    assert (b.current_paid_month, b.unassigned_arrears) == (D("0.00"), D("1000.00"))
    assert Disbursement.objects.get().status == DisbursementStatus.CANCELLED
    assert Collection.objects.get().status == CollectionStatus.REVERSED
    assert LedgerEntry.objects.filter(entry_type=EntryType.REVERSAL).count() == 3
    with pytest.raises(ValidationError):
        collection_reverse(collection=result.collection, reason="again")
    assert ledger_differences() == []


def test_reversing_last_months_current_payment_makes_it_arrears():
    with time_machine.travel(at(date(2024, 5, 3)), tick=False):
        case = case_with_order(monthly=D("500.00"))
        charges_accrue(through=date(2024, 4, 1))
        result = post(case, "500.00", "R-1", received_on=date(2024, 4, 2), posted_on=date(2024, 4, 2))
        charges_accrue(through=date(2024, 5, 3))
        collection_reverse(collection=result.collection, reason="NSF")
        b = balance(case)
        assert (b.current_paid_month, b.current_due_month, b.unassigned_arrears) == (0, D("500.00"), D("1500.00"))
        assert ledger_differences() == []


def test_release_of_a_held_collection_distributes_it_and_is_audited(april, role_user):
    from core.models import DomainEvent

    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    held = collection_post(
        case_number="NY-UNKNOWN",
        amount=D("300.00"),
        received_on=date(2024, 4, 1),
        source="direct_payment",
        source_reference="H-9",
        received_via="file",
    ).collection
    result = collection_release(collection=held, case=case, by=role_user("caseworker"), note="Matched by name")
    assert result.collection.status == CollectionStatus.POSTED and result.collection.case == case
    assert balance(case).current_paid_month == D("300.00")
    assert DomainEvent.objects.filter(verb="collection.released", case_id=case.pk).exists()
    with pytest.raises(ValidationError):
        collection_release(collection=held, case=case, by=role_user("caseworker"))


def test_a_held_collection_can_be_reversed_and_leaves_the_held_queue(april, role_user):
    # given a payment held for an unknown case and one held on a known case (explicit hold)
    from cases.selectors import case_statement, collections_held
    from core.models import DomainEvent

    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    before = balance(case)
    unknown = post(None, "300.00", "H-1", case_number="NY-UNKNOWN", source="direct_payment").collection
    on_case = post(case, "200.00", "H-2", source="direct_payment", hold_reason="Cheque to be verified").collection
    assert {c.status for c in (unknown, on_case)} == {CollectionStatus.HELD}
    worker = role_user("coordinator")
    assert set(collections_held(user=worker)) == {unknown, on_case}
    # when a caseworker reverses both (the payer's cheque bounced)
    assert collection_reverse(collection=unknown, reason="Cheque returned unpaid", by=worker) == []
    assert collection_reverse(collection=on_case, reason="Cheque returned unpaid", by=worker) == []
    # then both are reversed, out of the held queue, with nothing written to the ledger
    for collection in (unknown, on_case):
        collection.refresh_from_db()
        assert (collection.status, collection.hold_reason) == (CollectionStatus.REVERSED, "")
    assert not collections_held(user=worker).exists()
    assert case_statement(case=case)["held_count"] == 0
    assert not LedgerEntry.objects.filter(collection__in=[unknown, on_case]).exists()
    assert not Allocation.objects.exists() and not Disbursement.objects.exists()
    after = balance(case)
    assert (after.current_paid_month, after.total_arrears) == (before.current_paid_month, before.total_arrears)
    assert ledger_differences() == []
    event = DomainEvent.objects.get(verb="collection.reversed", subject_id=on_case.pk)
    assert event.case_id == case.pk
    assert "was held: Cheque to be verified" in event.summary and "Cheque returned unpaid" in event.summary
    assert event.data["previous_hold_reason"] == "Cheque to be verified"
    assert DomainEvent.objects.get(verb="collection.reversed", subject_id=unknown.pk).case_id is None
    # and a reversed collection is neither released nor reversed again
    with pytest.raises(ValidationError):
        collection_release(collection=unknown, case=case, by=worker)
    with pytest.raises(ValidationError):
        collection_reverse(collection=unknown, reason="again")


def test_reversing_a_held_tax_offset_never_names_its_source(april):
    from core.models import DomainEvent

    case = case_with_order(monthly=D("500.00"))
    held = post(
        case,
        "400.00",
        "COL-1",
        source="federal_tax_offset",
        hold_reason="Joint-return tax offset: held for a possible injured spouse claim",
    ).collection
    collection_reverse(collection=held, reason="Adjusted by Treasury")
    event = DomainEvent.objects.get(verb="collection.reversed")
    assert "tax" not in event.summary.lower() and "joint" not in event.summary.lower()
    assert event.data["previous_hold_reason"] == ""
    assert ledger_differences() == []


def test_reversing_a_posted_collection_with_an_excess_held_leaves_nothing_held(april):
    from cases.selectors import case_statement

    case = case_with_order(monthly=D("500.00"))
    charges_accrue(through=date(2024, 4, 15))
    result = post(case, "5000.00", "TO-1", source="federal_tax_offset")  # more than the past-due support
    assert result.collection.hold_reason and case_statement(case=case)["held_count"] == 1
    collection_reverse(collection=result.collection, reason="Adjusted by Treasury")
    collection = Collection.objects.get()
    assert (collection.status, collection.hold_reason) == (CollectionStatus.REVERSED, "")
    assert case_statement(case=case)["held_count"] == 0
    assert ledger_differences() == []


def test_verify_ledger_command_reports_a_tampered_balance(april):
    case = case_with_order()
    charges_accrue(through=date(2024, 4, 15))
    call_command("verify_ledger")
    CaseBalance.objects.filter(case=case).update(unassigned_arrears=D("1.00"))
    with pytest.raises(Exception, match="difference"):
        call_command("verify_ledger")


def test_factory_case_without_orders_is_fine(april):
    CaseFactory()
    charges_accrue(through=date(2024, 4, 15))
    assert ledger_differences() == []


# --- months of support in arrears (a figure to read; no rule decides on it) ---------------------

MONTHS = [
    ("3995.00", "1000.00", "3.99"),  # 3.995: rounded, it read 4.00 for less than four months of support
    ("1733.31", "433.33", "3.99"),  # 3.99998 ($100 a week)
    ("1733.32", "433.33", "4.00"),
    ("2000.00", "3000.00", "0.66"),
    ("4000.00", "1000.00", "4.00"),
    ("-5.00", "1000.00", "0.00"),  # a credit: cut towards zero, as TRUNC does
    ("5000000.00", "1.00", "999999.99"),
    ("3995.00", "0.00", "0.00"),  # no monthly obligation: no months to count
]


@pytest.mark.parametrize(("total", "monthly", "months"), MONTHS)
def test_months_in_arrears_is_cut_to_two_places_never_rounded_up(total, monthly, months):
    from cases.services.ledger import months_in_arrears

    assert months_in_arrears(D(total), D(monthly)) == D(months)


@pytest.mark.parametrize(("total", "monthly", "months"), MONTHS)
def test_the_statements_that_move_balances_cut_months_in_arrears_as_posting_does(total, monthly, months):
    from cases.services.ledger_accrual import balances_refresh_derived

    # given a balance whose buckets were moved by a set-based statement (accrual, roll, backfill)
    case = CaseFactory()
    CaseBalance.objects.update_or_create(
        case=case, defaults={"monthly_obligation": D(monthly), "unassigned_arrears": D(total)}
    )
    # when its derived figures are set in SQL
    balances_refresh_derived(on=date(2024, 4, 15), case_range=(case.pk, case.pk))
    # then the months figure is the one posting computes in Python
    b = balance(case)
    assert (b.total_arrears, b.months_in_arrears) == (D(total), D(months))


# --- disbursements and scheduled tasks ------------------------------------------------------------


def test_a_failed_run_is_finished_with_its_error_on_the_row_and_raises(april, monkeypatch):
    from cases.models import LedgerRun
    from cases.services import ledger
    from cases.services.ledger_accrual import ledger_run_disbursements

    def sweep_fails(**kwargs):
        raise RuntimeError("bank file store down")

    monkeypatch.setattr(ledger, "disbursements_sweep", sweep_fails)
    with pytest.raises(RuntimeError, match="bank file store down"):
        ledger_run_disbursements(on=date(2024, 4, 15))
    run = LedgerRun.objects.get()
    assert run.finished_at is not None and "bank file store down" in run.error and run.counts == {}


def test_sweep_flags_pending_disbursements_after_the_due_date_only(april, settings):
    from cases.tasks import sweep_disbursements_task

    case = case_with_order()
    charges_accrue(through=date(2024, 4, 15))
    post(case, "100.00", "D-1", received_on=date(2024, 4, 11))  # Thursday → due Monday 15th
    post(case, "100.00", "D-2", received_on=date(2024, 4, 10))  # Wednesday → due Friday 12th
    assert sweep_disbursements_task()["flagged_late"] == 1
    late = Disbursement.objects.get(is_late=True)
    assert late.due_by == date(2024, 4, 12) and late.status == DisbursementStatus.PENDING
    assert sweep_disbursements_task()["flagged_late"] == 0
    settings.CASEWORKS_DISBURSE_DIRECTLY = True
    assert sweep_disbursements_task()["sent"] == 2
    on_time = Disbursement.objects.get(due_by=date(2024, 4, 15))
    assert (on_time.status, on_time.disbursed_on, on_time.is_late) == ("sent", date(2024, 4, 15), False)


def test_accrual_task_fans_out_in_ranges_and_writes_one_run_row(april, django_capture_on_commit_callbacks):
    from cases.models import LedgerRun
    from cases.schedules import SCHEDULES
    from cases.tasks import accrue_charges_task
    from core.models import DomainEvent

    cases = [case_with_order() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        run_id = accrue_charges_task(chunk_size=2)  # the chunks run eagerly at commit in tests
    run = LedgerRun.objects.get(pk=run_id)
    ids = [c.pk for c in cases]
    assert run.chunk_count == max(ids) // 2 - min(ids) // 2 + 1 and run.chunks_done == run.chunk_count
    assert run.finished_at and run.run_on == date(2024, 4, 15) and not run.error
    assert (run.counts["charges"], run.counts["cases"]) == (15, 5)  # 3 months for each of the 5 cases
    assert run.counts["amounts"] == {"current": "2500.00", "arrears_unassigned": "5000.00"}
    assert DomainEvent.objects.filter(verb="charges.accrued", subject_id=run.pk).count() == 1  # when the last ends
    with django_capture_on_commit_callbacks(execute=True):
        again_id = accrue_charges_task(chunk_size=2)
    again = LedgerRun.objects.get(pk=again_id)
    assert again.counts["charges"] == 0 and again.finished_at
    assert {"cases.accrue_charges", "cases.sweep_disbursements"} <= {s.task for s in SCHEDULES}


def test_a_redelivered_chunk_is_counted_once_and_a_failed_one_is_recorded(april, monkeypatch):
    from cases.services import ledger_accrual
    from core.models import DomainEvent

    first, second = case_with_order(), case_with_order()
    run, ranges = ledger_accrual.ledger_accrual_start(through=date(2024, 4, 15), chunk_size=max(first.pk, second.pk))
    assert len(ranges) == 2
    low, high = next(r for r in ranges if r[0] <= first.pk <= r[1])
    ledger_accrual.ledger_accrual_chunk(run_id=run.pk, low=low, high=high)
    run = ledger_accrual.ledger_accrual_chunk(run_id=run.pk, low=low, high=high)  # redelivered
    assert (run.chunks_done, run.counts["charges"], run.finished_at) == (1, 3, None)
    other = next(r for r in ranges if r != (low, high))

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ledger_accrual, "charges_accrue", broken)
    with pytest.raises(RuntimeError):
        ledger_accrual.ledger_accrual_chunk(run_id=run.pk, low=other[0], high=other[1])
    run.refresh_from_db()
    assert run.finished_at and "database went away" in run.error and run.counts["failed"] == [list(other)]
    assert DomainEvent.objects.get(verb="charges.accrued", subject_id=run.pk).summary.endswith("with errors")
    monkeypatch.undo()
    run = ledger_accrual.ledger_accrual_chunk(run_id=run.pk, low=other[0], high=other[1])  # the retry
    assert (run.chunks_done, run.counts["charges"], run.counts["failed"]) == (2, 6, [])
    assert balance(second).total_arrears == D("1000.00")


def test_a_fanned_out_accrual_of_an_office_without_cases_finishes_at_once(april):
    from cases.services.ledger_accrual import ledger_accrual_start

    run, ranges = ledger_accrual_start(through=date(2024, 4, 15))
    assert ranges == [] and run.chunk_count == 0 and run.finished_at is not None

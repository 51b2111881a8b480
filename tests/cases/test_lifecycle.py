from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import services
from cases.choices import CaseStage, ClosureReason, DeadlineKind, WorkItemStatus
from cases.deadlines import deadline_state, due_date, next_deadline
from cases.models import Case, CaseBalance, LocateAttempt, WorkItem
from core.models import DomainEvent
from tests.cases.factories import AddressFactory, CaseFactory, PersonFactory, case_with_order

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


def party(first="Ann", last="Lee", **kw):
    return services.PartyData(first, last, **kw)


@time_machine.travel(NOW, tick=False)
def test_case_create_numbers_continue_and_locate_clock_starts(worker):
    CaseFactory(case_number="NY-000041", participants=False)
    case = services.case_create(
        county="Albany",
        jurisdiction="NY",
        assistance_status="never",
        application_received_on=date(2026, 11, 10),
        cp=party(),
        ncp=party("Bo"),
        children=[party("Cy", date_of_birth=date(2020, 1, 1))],
        by=worker,
        caseworker=worker,
    )
    assert case.case_number == "NY-000042"
    assert case.stage == CaseStage.LOCATE and case.locate_needed_on == date(2026, 11, 23)
    # 45 CFR 303.3(b)(3): 75 calendar days from 2026-11-23 is 2027-02-06, a Saturday → Monday 02-08.
    assert case.next_deadline_kind == DeadlineKind.LOCATE
    assert case.next_deadline_on == date(2027, 2, 8)
    assert len(case.children) == 1 and CaseBalance.objects.filter(case=case).exists()
    assert DomainEvent.objects.filter(case_id=case.pk, verb="case.opened").exists()


@time_machine.travel(NOW, tick=False)
def test_case_create_rejects_future_application(worker):
    with pytest.raises(ValidationError) as exc:
        services.case_create(
            county="Albany",
            jurisdiction="NY",
            assistance_status="never",
            application_received_on=date(2026, 11, 24),
            cp=party(),
            ncp=party(),
            children=[party()],
            by=worker,
        )
    assert "application_received_on" in exc.value.message_dict
    assert not Case.objects.exists()


def test_open_deadline_rolls_to_next_business_day():
    # 2026-11-02 + 20 calendar days = Sunday 2026-11-22 → Monday 11-23 (45 CFR 303.2(b)).
    assert due_date(DeadlineKind.OPEN, date(2026, 11, 2), "NY") == date(2026, 11, 23)
    # Ends on a weekday: unchanged.
    assert due_date(DeadlineKind.OPEN, date(2026, 11, 3), "NY") == date(2026, 11, 23)


def test_deadline_state_edges(settings):
    settings.CASES_DUE_SOON_DAYS = 7
    due = date(2026, 12, 1)
    assert deadline_state(due, date(2026, 12, 1)) == "due_soon"  # at the deadline: not yet overdue
    assert deadline_state(due, date(2026, 12, 2)) == "overdue"  # just over
    assert deadline_state(due, date(2026, 11, 24)) == "due_soon"  # 7 days ahead
    assert deadline_state(due, date(2026, 11, 23)) == "on_track"  # 8 days ahead


def test_establishment_deadline_is_90_days_from_location():
    case = CaseFactory.build(stage=CaseStage.ESTABLISHMENT, ncp_located_on=date(2026, 9, 1), opened_on=date(2026, 9, 1))
    d = next_deadline(case)
    assert d.kind == DeadlineKind.ESTABLISH and d.due_on == date(2026, 11, 30)


def test_interstate_referral_deadline_20_days():
    case = CaseFactory.build(
        stage=CaseStage.ENFORCEMENT, interstate_role="initiating", interstate_needed_on=date(2026, 11, 2)
    )
    d = next_deadline(case)
    assert d.kind == DeadlineKind.INTERSTATE_REFERRAL and d.due_on == date(2026, 11, 23)


@time_machine.travel(NOW, tick=False)
def test_two_found_attempts_at_once_locate_the_ncp_once(worker):
    """Two clerks record a "found" attempt at the same moment, each from the case as their page
    read it (not yet located): the first locates the NCP; the second's attempt is recorded but does
    not locate again (the located date and the stage change are the first's)."""
    case = CaseFactory(stage=CaseStage.LOCATE, ncp_located_on=None, locate_needed_on=date(2026, 10, 1))
    as_read_by_the_second = Case.objects.get(pk=case.pk)
    services.locate_attempt_record(case=case, source="dmv", attempted_on=date(2026, 11, 20), result="found", by=worker)
    services.locate_attempt_record(
        case=as_read_by_the_second,
        source="employer",
        attempted_on=date(2026, 11, 21),
        result="found",
        by=worker,
    )
    case.refresh_from_db()
    assert case.ncp_located_on == date(2026, 11, 20) and LocateAttempt.objects.filter(case=case).count() == 2
    assert DomainEvent.objects.filter(case_id=case.pk, verb="case.stage_changed").count() == 1
    assert as_read_by_the_second.ncp_located_on == date(2026, 11, 20)


@time_machine.travel(NOW, tick=False)
def test_locate_found_moves_to_establishment_and_order_to_enforcement(worker):
    case = CaseFactory(stage=CaseStage.LOCATE, ncp_located_on=None, locate_needed_on=date(2026, 10, 1))
    services.locate_attempt_record(case=case, source="dmv", attempted_on=date(2026, 11, 20), result="found", by=worker)
    case.refresh_from_db()
    assert case.stage == CaseStage.ESTABLISHMENT and case.ncp_located_on == date(2026, 11, 20)
    assert case.next_deadline_kind == DeadlineKind.ESTABLISH
    services.order_create(
        case=case,
        order_number="F-1",
        kind="court",
        issued_on=date(2026, 11, 21),
        effective_on=date(2026, 12, 1),
        by=worker,
        obligations=[services.ObligationData("current_support", Decimal("400.00"), "monthly", date(2026, 12, 1))],
    )
    case.refresh_from_db()
    assert case.stage == CaseStage.ENFORCEMENT and case.next_deadline_on is None
    assert CaseBalance.objects.get(case=case).monthly_obligation == Decimal("0.00")  # starts in December
    verbs = set(DomainEvent.objects.filter(case_id=case.pk).values_list("verb", flat=True))
    assert {"locate.attempted", "case.stage_changed", "order.created"} <= verbs


@time_machine.travel(NOW, tick=False)
def test_order_refused_on_closed_case(worker):
    case = CaseFactory()
    services.case_close(case=case, reason=ClosureReason.RECIPIENT_REQUEST, by=worker)
    with pytest.raises(ValidationError):
        services.order_create(
            case=case,
            order_number="F-2",
            kind="court",
            issued_on=date(2026, 11, 1),
            effective_on=date(2026, 11, 1),
            by=worker,
            obligations=[services.ObligationData("current_support", Decimal("1"), "monthly", date(2026, 11, 1))],
        )
    assert not case.orders.exists()


@time_machine.travel(NOW, tick=False)
def test_close_low_arrears_criterion_edges(worker):
    case = CaseFactory()
    CaseBalance.objects.create(case=case, unassigned_arrears=Decimal("500.00"), total_arrears=Decimal("500.00"))
    with pytest.raises(ValidationError):  # at $500: not "under $500" (303.11(b)(1)): no notice either
        services.case_close_request(case=case, reason=ClosureReason.NO_ORDER_LOW_ARREARS, by=worker)
    CaseBalance.objects.filter(case=case).update(unassigned_arrears=Decimal("499.99"), total_arrears=Decimal("499.99"))
    AddressFactory(person=case.cp)  # the notice is mailed to the recipient
    outcome, noticed = services.case_close_request(case=case, reason=ClosureReason.NO_ORDER_LOW_ARREARS, by=worker)
    # (b)(1) needs the 60-day notice of intent to close (303.11(d)(1)): the case stays open until then
    assert outcome == "noticed" and noticed.is_open and noticed.closure_due_on == date(2027, 1, 22)


def test_close_refused_with_active_order_and_for_living_ncp(worker):
    case = case_with_order()
    with pytest.raises(ValidationError):
        services.case_close(case=case, reason=ClosureReason.NO_ORDER_LOW_ARREARS, by=worker)
    with pytest.raises(ValidationError):
        services.case_close(case=case, reason=ClosureReason.NCP_DECEASED, by=worker)
    with pytest.raises(ValidationError):
        services.case_close(case=case, reason=ClosureReason.OTHER, note="short", by=worker)
    case.refresh_from_db()
    assert case.is_open


def test_close_finishes_open_work_items(worker):
    case = CaseFactory()
    services.work_item_create(case=case, title="Call CP", kind="manual", due_on=date(2026, 12, 1), by=worker)
    services.case_close(case=case, reason=ClosureReason.GOOD_CAUSE, by=worker)
    assert not case.work_items.filter(status=WorkItemStatus.OPEN).exists()


def test_locate_sweep_creates_one_item_when_a_quarter_has_passed(worker):
    case = CaseFactory(
        stage=CaseStage.LOCATE, ncp_located_on=None, locate_needed_on=date(2026, 8, 1), caseworker=worker
    )
    assert services.locate_due_sweep(today=date(2026, 10, 31)) == 0  # just under a quarter
    assert services.locate_due_sweep(today=date(2026, 11, 1)) == 1  # at a quarter
    assert services.locate_due_sweep(today=date(2026, 11, 2)) == 0  # rerun: idempotent
    item = WorkItem.objects.get(case=case)
    assert item.assigned_to == worker and item.due_on == date(2026, 11, 1)
    # An attempt answers it and pushes the next one a quarter later.
    LocateAttempt.objects.create(
        case=case, person=case.ncp, source="dmv", attempted_on=date(2026, 11, 2), result="not_found"
    )
    assert services.locate_due_sweep(today=date(2027, 2, 1)) == 0
    assert services.locate_due_sweep(today=date(2027, 2, 2)) == 1


def test_locate_sweep_skips_located_and_closed_cases():
    CaseFactory(stage=CaseStage.LOCATE, ncp_located_on=date(2026, 9, 1), locate_needed_on=date(2026, 1, 1))
    CaseFactory(stage=CaseStage.ENFORCEMENT, locate_needed_on=date(2026, 1, 1))
    assert services.locate_due_sweep(today=date(2026, 11, 23)) == 0


def test_reassign_moves_open_items_and_is_recorded(worker, role_user, make_user):
    coordinator = role_user("coordinator")
    other = make_user("caseworker", username="worker2")
    case = CaseFactory(caseworker=worker)
    item = services.work_item_create(case=case, title="Follow up", kind="manual", due_on=date(2026, 12, 1))
    assert item.assigned_to == worker
    services.case_reassign(case=case, to_user=other, by=coordinator)
    item.refresh_from_db()
    assert item.assigned_to == other
    event = DomainEvent.objects.get(verb="case.reassigned")
    assert event.actor == coordinator and event.data["items_moved"] == 1


def test_fvi_override_is_one_time(worker, role_user):
    person = PersonFactory(family_violence=True)
    case = CaseFactory()
    override = services.fvi_override_grant(
        person=person,
        case=case,
        court_name="Family Court",
        court_order_reference="O-1",
        ordered_on=date(2026, 11, 1),
        by=role_user("coordinator"),
    )
    services.fvi_override_use(override=override, via="page", user=worker)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.fvi_override_use(override=override, via="page", user=worker)
    with pytest.raises(ValidationError):
        services.fvi_override_grant(
            person=PersonFactory(), court_name="C", court_order_reference="O", ordered_on=date(2026, 11, 1), by=worker
        )


def test_the_data_check_finds_a_court_order_recorded_twice_before_the_fix(worker, role_user):
    from cases.models import FviOverride
    from core.integrity import declared_checks

    (check,) = [c for c in declared_checks() if c.name == "cases.fvi_overrides_recorded_twice"]
    person = PersonFactory(family_violence=True)
    override = services.fvi_override_grant(
        person=person,
        case=CaseFactory(),
        court_name="Family Court",
        court_order_reference="O-1",
        ordered_on=date(2026, 11, 1),
        by=role_user("coordinator"),
    )
    services.fvi_override_use(override=override, via="page", user=worker)
    assert list(check.find()) == []
    # as a double-clicked form stored it before the fix (the service now refuses it)
    FviOverride.objects.create(
        person=person,
        case=override.case,
        court_name="family court",
        court_order_reference="o-1",
        ordered_on=override.ordered_on,
        granted_by=override.granted_by,
    )
    (row,) = check.find()
    assert row.reference == f"person {person.pk}"
    assert row.detail == "court order O-1 of FAMILY COURT recorded 2 times, 1 release(s) made"

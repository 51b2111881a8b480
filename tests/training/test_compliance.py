"""Required-training compliance across recurrence boundaries (time frozen) and the FTI gate."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group

from training.choices import ComplianceStatus, Requirement
from training.selectors import compliance_rows, due_date, fti_training_current, my_required_training, status_for

from .factories import CompletionFactory, CourseFactory, UserFactory, basics_course, fti_course, noon

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("last", "months", "due"),
    [
        (date(2025, 11, 23), 12, date(2026, 11, 23)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # month-end clamps
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_due_date_is_last_completion_plus_months_month_end_safe(last, months, due):
    assert due_date(last_completed=last, months=months) == due


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2026, 10, 23), ComplianceStatus.CURRENT),  # 31 days before the due date
        (date(2026, 10, 24), ComplianceStatus.DUE_SOON),  # 30 days before: due soon starts
        (date(2026, 11, 23), ComplianceStatus.DUE_SOON),  # on the due date: still current enough
        (date(2026, 11, 24), ComplianceStatus.OVERDUE),  # the day after
    ],
)
def test_status_of_an_annual_course_around_its_boundaries(on, status):
    course = CourseFactory.build(requirement=Requirement.RECURRING, recurrence_months=12)
    got, due = status_for(course=course, last_completed=date(2025, 11, 23), on=on)
    assert (got, due) == (status, date(2026, 11, 23))


def test_once_course_is_current_forever_and_never_when_not_taken():
    course = CourseFactory.build(requirement=Requirement.ONCE)
    assert status_for(course=course, last_completed=date(2001, 1, 1), on=date(2026, 11, 23)) == ("current", None)
    assert status_for(course=course, last_completed=None, on=date(2026, 11, 23)) == ("never", None)


def test_program_basics_is_required_of_caseworkers_only(make_user):
    caseworker = make_user("caseworker")
    outreach = make_user("outreach")
    rows = compliance_rows()
    basics = basics_course()
    assert [(r.user, r.status) for r in rows if r.course == basics] == [(caseworker, ComplianceStatus.NEVER)]
    assert all(r.user != outreach for r in rows)


def test_fti_course_audience_is_every_role_holding_view_fti(make_user, fti_role):
    specialist = make_user("enforcement_specialist")
    caseworker = make_user("caseworker")
    rows = [r for r in compliance_rows() if r.course == fti_course()]
    assert [r.user for r in rows] == [specialist]
    # the audience follows the group permissions at run time
    Group.objects.get(name="caseworker").permissions.add(fti_role.permissions.get(codename="view_fti"))
    assert {r.user for r in compliance_rows() if r.course == fti_course()} == {specialist, caseworker}


def test_latest_completion_counts_and_status_moves_with_time(make_user, fti_role):
    user = make_user("enforcement_specialist")
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2024, 6, 30))
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2025, 12, 15))
    with time_machine.travel(noon(date(2026, 11, 23)), tick=False):
        (row,) = my_required_training(user=user)
        assert (row.status, row.due_on, row.last_completed) == ("due_soon", date(2026, 12, 15), date(2025, 12, 15))
    with time_machine.travel(noon(date(2026, 12, 16)), tick=False):
        assert my_required_training(user=user)[0].status == "overdue"


def test_inactive_staff_and_optional_courses_are_not_listed(make_user):
    make_user("caseworker", is_active=False)
    CourseFactory(requirement=Requirement.OPTIONAL, audience_roles=["caseworker"])
    assert compliance_rows() == []


def test_filters_by_course_and_status(make_user, fti_role):
    cw = make_user("caseworker")
    es = make_user("enforcement_specialist")
    CompletionFactory(user=cw, course=basics_course(), completed_on=date(2026, 1, 5))
    assert [r.user for r in compliance_rows(statuses=["never"])] == [es]
    assert [r.user for r in compliance_rows(course=basics_course())] == [cw]


# --- the FTI gate ---------------------------------------------------------------------------


def test_fti_gate_denies_a_user_who_never_took_the_training(make_user, fti_role):
    assert fti_training_current(make_user("enforcement_specialist")) is False


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (date(2026, 11, 22), True),
        (date(2026, 11, 23), True),  # due date: still current
        (date(2026, 11, 24), False),  # lapsed the day after
        (date(2027, 3, 1), False),
    ],
)
def test_fti_gate_at_the_exact_lapse_boundary(make_user, fti_role, today, allowed):
    user = UserFactory(username="gate_user")
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2025, 11, 23))
    with time_machine.travel(noon(today), tick=False):
        assert fti_training_current(user) is allowed


def test_fti_gate_renewal_restores_access(make_user, fti_role):
    user = UserFactory(username="renewer")
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2025, 1, 10))
    with time_machine.travel(noon(date(2026, 11, 23)), tick=False):
        assert fti_training_current(user) is False
        from training.services import completion_record

        completion_record(user=user, course=fti_course(), completed_on=date(2026, 11, 23), score=90, by=None)
        assert fti_training_current(user) is True


def test_fti_gate_fails_closed_when_the_course_is_deactivated(make_user, fti_role):
    user = UserFactory(username="closed")
    CompletionFactory(user=user, course=fti_course())
    type(fti_course()).objects.filter(is_fti_awareness=True).update(is_active=False)
    assert fti_training_current(user) is False


def test_fti_gate_denies_anonymous(rf):
    from django.contrib.auth.models import AnonymousUser

    assert fti_training_current(AnonymousUser()) is False


def test_other_courses_do_not_open_the_fti_gate(make_user, fti_role):
    user = UserFactory(username="wrongcourse")
    CompletionFactory(user=user, course=basics_course())
    assert fti_training_current(user) is False


def test_fti_gate_answers_once_per_request(make_user, fti_role, django_assert_num_queries):
    user = UserFactory(username="memo")
    CompletionFactory(user=user, course=fti_course())
    with django_assert_num_queries(2):
        for _ in range(5):
            assert fti_training_current(user) is True

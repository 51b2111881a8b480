"""What follows the confirmation of a job typed at the desk for an FVI person (42 USC 654(26)):
one job per employer (a job confirmed where one is on file is that job, recorded twice), withholding
on the cases the confirming coordinator may change, and the indicator's removal confirming the jobs
held for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import EmploymentEndReason
from cases.models import CaseParticipant, Employment, Person, WorkItem
from cases.services.employment import (
    CONFIRM_WORK_KIND,
    CONFIRMED_ELSEWHERE_WORK_KIND,
    CONFIRMED_IN_SCOPE_ONLY,
    employment_confirm,
    employment_end,
    employment_record,
    employments_confirm,
)
from cases.services.whereabouts import person_fvi_clear
from core.models import DomainEvent
from enforcement.choices import Remedy
from enforcement.models import EnforcementAction
from enforcement.services.withholding import current_employments
from tests.enforcement.factories import delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db

OTHER_FEIN = "147000002"


def _fvi(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(family_violence=True)
    person.refresh_from_db()


def _typed(person, by, fein=OTHER_FEIN, days=5):
    return employment_record(
        person=person,
        data={
            "fein": fein,
            "started_on": timezone.localdate() - timedelta(days=days),
            "source": "pay_stub",
            "name": "Quiet Harbor Fisheries",
        },
        by=by,
    ).employment


def _typed_at_the_employer_on_file(role_user):
    """An FVI NCP with withholding at the employer on file, and a job typed there awaiting."""
    action = active_withholding_action()
    ncp = action.case.ncp
    on_file = Employment.objects.get(person=ncp)
    _fvi(ncp)
    return ncp, on_file, _typed(ncp, role_user("caseworker"), fein=on_file.employer.fein)


def _withholding_actions(case) -> int:
    return EnforcementAction.objects.filter(case=case, remedy=Remedy.INCOME_WITHHOLDING).count()


# --- one job per employer ------------------------------------------------------------------------------


def test_a_job_confirmed_at_the_employer_on_file_is_folded_into_it(role_user):
    ncp, on_file, typed = _typed_at_the_employer_on_file(role_user)
    said = employment_confirm(employment=typed, evidence="a letter", by=role_user("coordinator"))
    typed.refresh_from_db()
    assert (typed.ended_on, typed.ended_reason) == (typed.started_on, EmploymentEndReason.RECORDED_TWICE)
    assert not typed.awaits_confirmation
    assert list(Employment.objects.filter(person=ncp, ended_on__isnull=True)) == [on_file]
    assert "recorded twice" in said
    # the folded row is no job of its own, even on the day it "ended"
    assert current_employments(case=ncp.participations.get(role="ncp").case, on=typed.started_on) == [on_file]
    event = DomainEvent.objects.get(verb="employment.confirmed")
    assert "recorded twice" in event.summary and on_file.employer.name not in event.summary


def test_jobs_confirmed_together_at_one_employer_keep_the_one_on_file_else_the_oldest(role_user):
    action = active_withholding_action()
    ncp = action.case.ncp
    on_file = Employment.objects.get(person=ncp)
    _fvi(ncp)
    worker, other = role_user("caseworker"), role_user("coordinator")
    at_file = [_typed(ncp, worker, fein=on_file.employer.fein), _typed(ncp, other, fein=on_file.employer.fein)]
    elsewhere = [_typed(ncp, worker, days=9), _typed(ncp, other, days=4)]
    assert employments_confirm(jobs=Employment.objects.filter(pk__in=[j.pk for j in at_file + elsewhere])) == 4
    open_jobs = set(Employment.objects.filter(person=ncp, ended_on__isnull=True).values_list("pk", flat=True))
    assert open_jobs == {on_file.pk, elsewhere[0].pk}
    assert set(
        Employment.objects.filter(ended_reason=EmploymentEndReason.RECORDED_TWICE).values_list("pk", flat=True)
    ) == {at_file[0].pk, at_file[1].pk, elsewhere[1].pk}


def test_the_desk_may_not_end_a_job_as_recorded_twice(role_user):
    action = active_withholding_action()
    job = Employment.objects.get(person=action.case.ncp)
    with pytest.raises(ValidationError):
        employment_end(
            employment=job,
            ended_on=timezone.localdate(),
            reason=EmploymentEndReason.RECORDED_TWICE,
            by=role_user("caseworker"),
        )
    job.refresh_from_db()
    assert job.ended_on is None


# --- the coordinator's reach ---------------------------------------------------------------------------


def test_a_coordinators_confirmation_proposes_withholding_on_their_countys_cases_only(role_user, make_user):
    # an FVI NCP with an order on an Albany case and on an Erie case, no withholding yet
    albany = delinquent_case(county="Albany")
    erie = delinquent_case(county="Erie")
    ncp = albany.ncp
    CaseParticipant.objects.filter(case=erie, role="ncp").update(person=ncp)
    _fvi(ncp)
    job = _typed(ncp, role_user("caseworker"))
    coordinator = role_user("coordinator")
    assert coordinator.county == "Albany"
    said = employment_confirm(employment=job, evidence="a letter", by=coordinator)
    assert _withholding_actions(albany) == 1 and _withholding_actions(erie) == 0
    [item] = WorkItem.objects.filter(kind=CONFIRMED_ELSEWHERE_WORK_KIND)
    assert item.case_id == erie.pk
    assert not WorkItem.objects.filter(kind=CONFIRMED_ELSEWHERE_WORK_KIND, case=albany).exists()
    assert WorkItem.objects.filter(kind=CONFIRM_WORK_KIND, status="open").count() == 0
    assert CONFIRMED_IN_SCOPE_ONLY in said


def test_the_coordinator_is_told_the_same_whether_or_not_another_county_has_a_case(role_user):
    albany = delinquent_case(county="Albany")
    _fvi(albany.ncp)
    job = _typed(albany.ncp, role_user("caseworker"))
    said = employment_confirm(employment=job, evidence="a letter", by=role_user("coordinator"))
    assert CONFIRMED_IN_SCOPE_ONLY in said and _withholding_actions(albany) == 1
    assert not WorkItem.objects.filter(kind=CONFIRMED_ELSEWHERE_WORK_KIND).exists()


def test_a_closed_cases_confirm_button_answers_get_with_405(client, role_user):
    action = active_withholding_action(county="Albany")
    case = action.case
    _fvi(case.ncp)
    job = _typed(case.ncp, role_user("caseworker"))
    type(case).objects.filter(pk=case.pk).update(
        status="closed", stage="closed", closure_reason="other", closed_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(role_user("coordinator"))
    url = reverse(
        "cases:employment_confirm", kwargs={"case_number": case.case_number, "person_id": case.ncp.pk, "pk": job.pk}
    )
    assert client.get(url).status_code == 405
    response = client.post(url, {"evidence": "a letter"}, follow=True)
    assert any("case is closed" in str(m) for m in response.context["messages"])
    job.refresh_from_db()
    assert job.awaits_confirmation


# --- the indicator removed -------------------------------------------------------------------------------


def test_removing_the_indicator_confirms_the_jobs_held_and_withholding_follows(role_user):
    case = delinquent_case(county="Albany")
    ncp = case.ncp
    _fvi(ncp)
    job = _typed(ncp, role_user("caseworker"))
    assert _withholding_actions(case) == 0
    person_fvi_clear(person=ncp, reason="Court order lifting the protection.", by=role_user("coordinator"), case=case)
    job.refresh_from_db()
    assert not job.awaits_confirmation and job.ended_on is None
    assert _withholding_actions(case) == 1
    assert WorkItem.objects.get(case=case, kind=CONFIRM_WORK_KIND).status == "done"
    event = DomainEvent.objects.get(verb="employment.confirmed", case_id=case.pk)
    assert "indicator was removed" in event.summary


def test_removing_the_indicator_folds_a_job_typed_at_the_employer_on_file(role_user):
    ncp, on_file, typed = _typed_at_the_employer_on_file(role_user)
    person_fvi_clear(person=ncp, reason="Court order lifting the protection.", by=role_user("coordinator"))
    typed.refresh_from_db()
    assert typed.ended_reason == EmploymentEndReason.RECORDED_TWICE
    assert list(Employment.objects.filter(person=ncp, ended_on__isnull=True)) == [on_file]


def test_removing_the_indicator_keeps_the_hold_while_the_person_lives_with_an_fvi_parent(role_user):
    """A minor parent's own indicator removed while their mother (a custodial parent) still has hers:
    their whereabouts are still withheld (``cases.redaction.parent_fvi``), so the job typed for them
    still awaits confirmation — confirming it now would answer the guess as before."""
    from tests.cases.factories import living_with_an_fvi_parent

    case = delinquent_case(county="Albany")
    ncp = case.ncp
    _fvi(ncp)
    living_with_an_fvi_parent(ncp)
    job = _typed(ncp, role_user("caseworker"))
    person_fvi_clear(person=ncp, reason="Court order lifting the protection.", by=role_user("coordinator"), case=case)
    job.refresh_from_db()
    assert job.awaits_confirmation
    assert _withholding_actions(case) == 0


def test_removing_the_mothers_indicator_confirms_the_job_held_for_the_minor_parent_living_with_her(role_user):
    """The hold above lasts while the mother keeps her indicator; once hers is removed too (and the
    minor parent has none of their own), their whereabouts are shown again and the job held for them
    is confirmed, withholding following, as for anyone whose indicator is removed."""
    from tests.cases.factories import living_with_an_fvi_parent

    case = delinquent_case(county="Albany")
    ncp = case.ncp
    mothers_case = living_with_an_fvi_parent(ncp)
    job = _typed(ncp, role_user("caseworker"))
    assert job.awaits_confirmation
    person_fvi_clear(person=mothers_case.cp, reason="Court order lifting the protection.", by=role_user("coordinator"))
    job.refresh_from_db()
    assert not job.awaits_confirmation
    assert _withholding_actions(case) == 1


def test_removing_one_parents_indicator_keeps_the_hold_while_another_custodial_parent_has_hers(role_user):
    from tests.cases.factories import living_with_an_fvi_parent

    case = delinquent_case(county="Albany")
    ncp = case.ncp
    mothers_case = living_with_an_fvi_parent(ncp)
    living_with_an_fvi_parent(ncp)  # a child on a second case whose custodial parent has the indicator
    job = _typed(ncp, role_user("caseworker"))
    person_fvi_clear(person=mothers_case.cp, reason="Court order lifting the protection.", by=role_user("coordinator"))
    job.refresh_from_db()
    assert job.awaits_confirmation
    assert _withholding_actions(case) == 0

"""The "Open a case" form submitted twice (a double click, a resent POST): one case, and the second
submission is pointed to it (cases.services.cases._case_open_repeat_refuse)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case
from cases.services import CaseAlreadyOpened, PartyData, ProbableMatches, case_create
from core.models import DomainEvent
from tests.cases.factories import CaseFactory, PersonFactory, case_create_post

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False)
def test_a_double_clicked_case_opening_opens_one_case_and_points_to_it(client, role_user):
    """A caseworker opens a IV-D case from an application. The child is already on file (a case of
    the child's other parent in the same county), so the page asked "Child: already on file?" and
    the caseworker picked the record; the parents' SSNs are typed. The caseworker then
    double-clicks "Open case" (or the browser resends the POST after a slow answer). The second
    submission carries the same answer (the child's record picked) and finds the parents' SSNs on
    file — the records the first submission just made — and reuses them without a question, so a
    second case is opened for the same custodial parent, noncustodial parent and child, with its
    own case number, deadlines, work items and "case.opened" event. The family now has two IV-D
    cases for one application: notices, orders and charges can be entered on either, enforcement
    and federal reporting (OCSE-157, open cases) count the family twice, and nothing tells the
    clerk. Who is hurt: the family (duplicate letters, a risk of double charging once an order is
    on both), the caseworker, the office's federal counts. Cause: no repeat check in
    cases/services/cases.py case_create (the other desk forms refuse the same thing sent again a
    moment later by the same user: core.services.row_repeat_refuse)."""
    worker = role_user("caseworker")
    child = PersonFactory(first_name="Lola", last_name="Reyes", date_of_birth=date(2019, 6, 1), ssn="")
    CaseFactory(county="Albany", participants=False).participants.create(person=child, role="child")
    client.force_login(worker)
    form = case_create_post(ncp_ssn="123-45-6781", ncp_date_of_birth="1985-01-30", child_existing_person=str(child.pk))
    first = client.post(reverse("cases:case_create"), form)
    assert first.status_code == 302, first.content.decode()[:3000]
    second = client.post(reverse("cases:case_create"), form, follow=True)  # the double click: the same bytes again
    opened = Case.objects.filter(application_received_on="2026-11-02")
    assert opened.count() == 1, f"one application opened as {opened.count()} cases"
    assert DomainEvent.objects.filter(verb="case.opened").count() == 1
    case = opened.get()
    assert second.redirect_chain[-1][0] == reverse("cases:case_detail", kwargs={"case_number": case.case_number})
    said = [str(m) for m in second.context["messages"]]
    assert f"This case was already opened a moment ago: case {case.case_number}. Nothing was opened again." in said


@time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False)
def test_a_double_click_with_no_ssn_typed_is_pointed_to_the_case_not_asked_about_matches(client, role_user):
    """No SSN typed for anyone: the second submission would find the first's new records as possible
    matches and ask about them; it is told the case was opened instead."""
    client.force_login(role_user("caseworker"))
    form = case_create_post(cp_ssn="", ncp_date_of_birth="1985-01-30")
    assert client.post(reverse("cases:case_create"), form).status_code == 302
    second = client.post(reverse("cases:case_create"), form)
    case = Case.objects.get(application_received_on="2026-11-02")
    assert second.status_code == 302 and second.url == reverse(
        "cases:case_detail", kwargs={"case_number": case.case_number}
    )


@time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False)
def test_a_second_child_of_the_same_parents_is_a_case_of_its_own(client, role_user):
    """The same parents, another child: not a repeat."""
    client.force_login(role_user("caseworker"))
    client.post(reverse("cases:case_create"), case_create_post(ncp_ssn="123456781"))
    other = case_create_post(ncp_ssn="123-45-6781", child_first_name="Ana", child_date_of_birth="2021-02-03")
    client.post(reverse("cases:case_create"), other)
    assert Case.objects.filter(application_received_on="2026-11-02").count() == 2


def _application(worker, *, ssns: bool = False) -> dict:
    """The parents of one application made by ``worker`` (``case_create`` keywords, children apart)."""
    return {
        "county": "Albany",
        "jurisdiction": "NY",
        "assistance_status": "never",
        "application_received_on": date(2026, 11, 2),
        "cp": PartyData("Irene", "Castillo", date(1990, 1, 1), ssn="123456781" if ssns else ""),
        "ncp": PartyData("Hugo", "Castillo", date(1988, 2, 2), ssn="123456782" if ssns else ""),
        "by": worker,
    }


@time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False)
def test_a_second_application_with_one_child_fewer_is_not_a_repeat(role_user):
    """The repeat guard matched when every party of the SECOND submission was on the first case, so
    a second application by the same worker the same day naming one child fewer was refused as
    "already opened" although its docstring says "the same people in the same roles" (rv1 review,
    item 3). Who is hurt: the family whose application is not opened; the worker, told it was."""
    common = _application(role_user("caseworker"))
    leo, ana = PartyData("Leo", "Castillo", date(2020, 3, 3)), PartyData("Ana", "Castillo", date(2022, 4, 4))
    case_create(children=[leo, ana], **common)
    try:
        case_create(children=[PartyData("Leo", "Castillo", date(2020, 3, 3))], **common)
    except CaseAlreadyOpened as exc:  # pragma: no cover - the defect
        pytest.fail(f"refused as a repeat of {exc.case.case_number}: the children differ")
    except ProbableMatches:  # the right answer: Leo is on file now, the clerk is asked
        return
    assert Case.objects.count() == 2


@time_machine.travel(datetime(2026, 11, 3, 15, tzinfo=UTC), tick=False)
def test_the_same_application_with_the_same_children_sent_again_is_still_a_repeat(role_user):
    common = _application(role_user("caseworker"), ssns=True)
    children = [PartyData("Leo", "Castillo", date(2020, 3, 3)), PartyData("Ana", "Castillo", date(2022, 4, 4))]
    first = case_create(children=children, **common)
    with pytest.raises(CaseAlreadyOpened) as refused:
        case_create(children=children, **common)
    assert refused.value.case == first and Case.objects.count() == 1

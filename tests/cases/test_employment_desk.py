"""A parent's job recorded or ended on the person page (cases.services.employment): who may, the
employer found by FEIN (never a second one), the new-hire rule for withholding, the income
withholding orders ended with the job, an FVI person's employer never shown, bad input refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.models import Employer, Employment
from cases.services.employment import AWAITING_CONFIRMATION, employment_record
from core.models import DomainEvent
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction, IncomeWithholdingOrder
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import CaseFactory, EmployerFactory, EmploymentFactory
from tests.conftest import needs_postgres
from tests.enforcement.factories import delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db

FVI_RECORDED = f"Job recorded. The employer stays withheld (family violence indicator). {AWAITING_CONFIRMATION}"
SECRET = {"name": "Quiet Harbor Fisheries", "line1": "7 Wharf Row", "city": "Rensselaer", "phone": "518-555-0199"}


def _add_url(case, person) -> str:
    return reverse("cases:employment_add", kwargs={"case_number": case.case_number, "person_id": person.pk})


def _end_url(case, employment) -> str:
    return reverse(
        "cases:employment_end",
        kwargs={"case_number": case.case_number, "person_id": employment.person_id, "pk": employment.pk},
    )


def _person_url(case, person) -> str:
    return reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": person.pk})


def _job(**overrides) -> dict:
    today = timezone.localdate()
    return {
        "fein": "12-3456789",
        "started_on": (today - timedelta(days=10)).isoformat(),
        "source": "pay_stub",
        "gross_monthly_income": "3,100.00",
        "name": "Capital Bakery",
        "line1": "1 State St",
        "city": "Albany",
        "state": "NY",
        "postal_code": "12207",
        **overrides,
    }


def _end(**overrides) -> dict:
    return {"ended_on": timezone.localdate().isoformat(), "reason": "quit", "source": "parent_reported", **overrides}


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "own_caseload", "expected"),
    [
        ("caseworker", True, 302),
        ("caseworker", False, 403),  # another caseload of the county
        ("coordinator", False, 302),  # supervises the office
        ("ombudsperson", True, 403),
        ("quality_analyst", True, 403),
        ("enforcement_specialist", True, 403),
    ],
)
def test_recording_a_job_is_for_the_caseload_and_the_coordinator(
    client, role_user, make_user, role, own_caseload, expected
):
    user = role_user(role)
    caseworker = user if (own_caseload and role == "caseworker") else make_user("caseworker", username="colleague")
    case = CaseFactory(caseworker=caseworker)
    client.force_login(user)
    assert client.post(_add_url(case, case.ncp), _job()).status_code == expected
    assert Employment.objects.filter(person=case.ncp).exists() == (expected == 302)


@pytest.mark.parametrize(
    ("role", "own_caseload", "expected"),
    [
        ("caseworker", True, 302),
        ("caseworker", False, 403),
        ("coordinator", False, 302),
        ("ombudsperson", True, 403),
        ("quality_analyst", True, 403),
    ],
)
def test_ending_a_job_is_for_the_caseload_and_the_coordinator(
    client, role_user, make_user, role, own_caseload, expected
):
    user = role_user(role)
    caseworker = user if (own_caseload and role == "caseworker") else make_user("caseworker", username="colleague")
    case = CaseFactory(caseworker=caseworker)
    job = EmploymentFactory(person=case.ncp)
    client.force_login(user)
    assert client.post(_end_url(case, job), _end()).status_code == expected
    job.refresh_from_db()
    assert (job.ended_on is not None) == (expected == 302)


def test_another_countys_case_is_404_and_a_user_without_a_county_sees_none(client, make_user):
    case = CaseFactory(county="Erie")
    job = EmploymentFactory(person=case.ncp)
    client.force_login(make_user("caseworker", username="albany_worker"))
    assert client.post(_add_url(case, case.ncp), _job()).status_code == 404
    assert client.post(_end_url(case, job), _end()).status_code == 404
    mine = CaseFactory()
    client.force_login(make_user("caseworker", username="nowhere_worker", county=""))
    assert client.get(_add_url(mine, mine.ncp)).status_code == 404
    assert client.post(_add_url(mine, mine.ncp), _job()).status_code == 404
    assert (
        list(Employment.objects.all()) == [job]
        and job.ended_on is None
        and not Employer.objects.filter(fein="123456789").exists()
    )


def test_a_person_not_on_the_case_is_404(client, role_user):
    worker = role_user("caseworker")
    case, other = CaseFactory(caseworker=worker), CaseFactory(caseworker=worker)
    client.force_login(worker)
    assert client.post(_add_url(case, other.ncp), _job()).status_code == 404
    job = EmploymentFactory(person=other.ncp)
    assert client.post(_end_url(case, job), _end()).status_code == 404


def test_the_person_page_offers_record_and_end_only_to_who_may(client, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    job = EmploymentFactory(person=case.ncp)
    client.force_login(worker)
    page = client.get(_person_url(case, case.ncp)).content.decode()
    assert _add_url(case, case.ncp) in page and _end_url(case, job) in page
    client.force_login(role_user("ombudsperson"))
    page = client.get(_person_url(case, case.ncp)).content.decode()
    assert _add_url(case, case.ncp) not in page and _end_url(case, job) not in page


# --- the employer by FEIN ----------------------------------------------------------------------------


def test_a_known_fein_reuses_its_employer_never_a_second_one(client, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    known = EmployerFactory(name="Hudson Valley Logistics", fein="141234567")
    client.force_login(worker)
    lookup = client.get(_add_url(case, case.ncp), {"fein": "14-1234567"}).content.decode()
    assert "Hudson Valley Logistics" in lookup  # not an FVI person: the employer on file is named
    response = client.post(_add_url(case, case.ncp), _job(fein="14-1234567", name="Another Name Inc"))
    assert response.status_code == 302
    assert Employer.objects.filter(fein="141234567").count() == 1
    assert Employment.objects.get(person=case.ncp).employer == known
    assert "Job recorded at Hudson Valley Logistics." in [str(m) for m in get_messages(response.wsgi_request)]


def test_a_new_fein_creates_the_employer_with_its_address_and_the_job_with_its_source(client, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    assert client.post(_add_url(case, case.ncp), _job()).status_code == 302
    employer = Employer.objects.get(fein="123456789")
    assert (employer.name, employer.line1, employer.city, employer.state) == (
        "Capital Bakery",
        "1 State St",
        "Albany",
        "NY",
    )
    job = Employment.objects.get(person=case.ncp)
    assert job.source == "pay_stub" and str(job.gross_monthly_income) == "3100.00" and job.ended_on is None
    event = DomainEvent.objects.get(verb="employment.recorded", case_id=case.pk)
    assert "Capital Bakery" not in event.summary  # events never name an employer (FVI may come later)


@pytest.mark.parametrize("fein", ["12345", "12-345678X", "1234567890", "000000000", ""])
def test_a_bad_fein_is_refused_and_nothing_is_recorded(client, role_user, fein):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    response = client.post(_add_url(case, case.ncp), _job(fein=fein))
    assert response.status_code == 200
    assert response.context["form"].errors["fein"]
    assert not Employer.objects.exists() and not Employment.objects.exists()


def test_a_bad_fein_is_shown_with_the_forms_other_errors(client, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    response = client.post(_add_url(case, case.ncp), _job(fein="12345", started_on=""))
    errors = response.context["form"].errors
    assert "A FEIN is 9 digits" in errors["fein"][0] and errors["started_on"]
    assert not Employer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("started_on", "future"),
        ("name", ""),  # an unknown FEIN needs the employer's name
        ("source", "new_hire"),  # the file's source, not the desk's
        ("gross_monthly_income", "-5"),
    ],
)
def test_bad_input_changes_nothing(client, role_user, field, value):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    client.force_login(worker)
    if value == "future":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(_add_url(case, case.ncp), _job(**{field: value}))
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert (
        not Employer.objects.exists()
        and not Employment.objects.exists()
        and not DomainEvent.objects.filter(verb="employment.recorded").exists()
    )


def test_a_double_submit_records_the_job_once(client, role_user):
    worker = role_user("caseworker")
    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    case.caseworker = worker
    case.save()
    client.force_login(worker)
    client.post(_add_url(case, case.ncp), _job())
    response = client.post(_add_url(case, case.ncp), _job())
    assert response.status_code == 302
    assert "nothing was recorded twice" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert Employer.objects.count() == 1 and Employment.objects.filter(person=case.ncp).count() == 1
    assert EnforcementAction.objects.filter(case=case, remedy=Remedy.INCOME_WITHHOLDING).count() == 1
    assert DomainEvent.objects.filter(verb="employment.recorded").count() == 1


# --- withholding: the new-hire rule, and the orders ended with the job ------------------------------------


def test_a_recorded_job_proposes_withholding_to_the_new_employer_as_a_new_hire_does(client, role_user):
    worker = role_user("caseworker")
    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    case.caseworker = worker
    case.save()
    client.force_login(worker)
    client.post(_add_url(case, case.ncp), _job())
    job = Employment.objects.get(person=case.ncp)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    assert action.status == ActionStatus.PROPOSED and action.partner == "the new employer"
    assert action.figures["employer_id"] == job.employer_id and action.figures["employment_id"] == job.pk
    assert action.proposed_on == timezone.localdate() and action.timeframe_due_on > action.proposed_on
    item = case.work_items.get(kind="iwo_new_hire")
    # the file's key (case and job): one item for both
    assert item.dedupe_key == f"iwo-new-hire:{case.pk}:{job.employer_id}:{job.pk}"
    assert "Capital Bakery" not in item.title


def test_a_custodial_parents_job_proposes_no_withholding(client, role_user):
    worker = role_user("caseworker")
    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    case.caseworker = worker
    case.save()
    client.force_login(worker)
    assert client.post(_add_url(case, case.cp), _job()).status_code == 302
    assert not EnforcementAction.objects.filter(case=case).exists()


def test_ending_a_job_ends_its_income_withholding_order_not_the_support_order(client, role_user):
    # given an NCP at an employer with an income withholding order in force there
    action = active_withholding_action()
    case = action.case
    iwo = iwo_reconcile_action(action=action, on=timezone.localdate() - timedelta(days=3))[0]
    job = Employment.objects.get(person=case.ncp, ended_on__isnull=True)
    worker = role_user("caseworker")
    case.caseworker = worker
    case.save()
    client.force_login(worker)
    last_day = timezone.localdate() - timedelta(days=1)
    # when the caseworker ends the job (the parent brought the letter of dismissal)
    response = client.post(_end_url(case, job), _end(ended_on=last_day.isoformat(), reason="dismissed"))
    # then the job and the order there end that day; the support order stands
    assert response.status_code == 302
    job.refresh_from_db()
    iwo.refresh_from_db()
    assert job.ended_on == last_day and job.ended_reason == "dismissed" and job.ended_source == "parent_reported"
    assert iwo.ended_on == last_day
    assert case.orders.get().status == "active"
    event = DomainEvent.objects.get(verb="withholding.employment_ended", case_id=case.pk)
    assert iwo.control_number in event.summary and "Hudson Valley" not in event.summary
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "no longer in force" in said and "the support order stands" in said
    # and the nightly reconcile sends that employer nothing more
    assert iwo_reconcile_action(action=action) == []
    assert IncomeWithholdingOrder.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("when", ["future", "before_start"])
def test_a_bad_last_day_changes_nothing(client, role_user, when):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    job = EmploymentFactory(person=case.ncp)
    day = timezone.localdate() + timedelta(days=1) if when == "future" else job.started_on - timedelta(days=1)
    client.force_login(worker)
    response = client.post(_end_url(case, job), _end(ended_on=day.isoformat()))
    assert response.status_code == 200 and response.context["form"].errors["ended_on"]
    job.refresh_from_db()
    assert job.ended_on is None and not DomainEvent.objects.filter(verb="employment.ended").exists()


def test_an_ended_job_is_not_ended_again(client, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    job = EmploymentFactory(person=case.ncp)
    client.force_login(worker)
    assert client.post(_end_url(case, job), _end()).status_code == 302
    again = client.post(_end_url(case, job), _end(ended_on=job.started_on.isoformat()))
    assert again.status_code == 200
    job.refresh_from_db()
    assert job.ended_on == timezone.localdate()
    assert DomainEvent.objects.filter(verb="employment.ended").count() == 1


# --- FVI -----------------------------------------------------------------------------------------------


def _all_text(response) -> str:
    return response.content.decode() + " ".join(str(m) for m in get_messages(response.wsgi_request))


def _never_shown(text: str) -> None:
    for value in SECRET.values():
        assert value not in text


def _fvi_delinquent_case(worker):
    """A delinquent case on ``worker``'s caseload whose NCP has the FVI."""
    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    case.caseworker = worker
    case.save()
    ncp = case.ncp
    ncp.family_violence = True
    ncp.save()
    return case


def test_an_fvi_persons_job_is_recorded_and_ended_but_its_employer_never_shown(client, role_user):
    worker = role_user("caseworker")
    case = _fvi_delinquent_case(worker)
    ncp = case.ncp
    EmployerFactory(fein="987654321", **SECRET)
    client.force_login(worker)
    # the FEIN look-up says only that an employer is on file
    lookup = client.get(_add_url(case, ncp), {"fein": "98-7654321"})
    _never_shown(_all_text(lookup))
    assert "An employer with this FEIN is on file" in lookup.content.decode()
    # recording the job there: nothing of the employer in the messages or events
    recorded = client.post(_add_url(case, ncp), _job(fein="987654321"), follow=True)
    _never_shown(_all_text(recorded))
    assert "Job recorded." in recorded.content.decode()
    job = Employment.objects.get(person=ncp)
    assert job.employer.name == SECRET["name"]
    # the person page lets the job be ended, naming no employer
    page = client.get(_person_url(case, ncp))
    _never_shown(_all_text(page))
    assert _end_url(case, job) in page.content.decode()
    end_page = client.get(_end_url(case, job))
    _never_shown(_all_text(end_page))
    ended = client.post(_end_url(case, job), _end(), follow=True)
    _never_shown(_all_text(ended))
    for event in DomainEvent.objects.filter(case_id=case.pk):
        _never_shown(event.summary + str(event.data))


def test_a_new_employer_typed_on_an_fvi_persons_page_is_not_echoed_back(client, role_user):
    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    ncp = case.ncp
    ncp.family_violence = True
    ncp.save()
    client.force_login(worker)
    response = client.post(_add_url(case, ncp), _job(fein="555666777", **SECRET), follow=True)
    _never_shown(_all_text(response))
    assert Employer.objects.get(fein="555666777").name == SECRET["name"]


# --- at once (PostgreSQL) ----------------------------------------------------------------------------


def _at_once(*calls) -> list:
    import threading

    from django.db import connection

    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        barrier.wait()
        try:
            outcomes.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_same_job_sent_twice_at_once_is_recorded_once(role_user):
    worker = role_user("caseworker")
    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    data = {**_job(), "started_on": timezone.localdate() - timedelta(days=3), "gross_monthly_income": None}
    outcomes = _at_once(*[lambda: employment_record(person=case.ncp, data=data, by=worker)] * 2)
    assert sorted(o.created for o in outcomes) == [False, True]
    assert Employer.objects.filter(fein="123456789").count() == 1
    assert Employment.objects.filter(person=case.ncp).count() == 1
    assert EnforcementAction.objects.filter(case=case, remedy=Remedy.INCOME_WITHHOLDING).count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_people_at_one_new_employer_at_once_make_one_employer(role_user):
    worker = role_user("caseworker")
    first, second = CaseFactory(), CaseFactory()
    data = {**_job(), "started_on": timezone.localdate() - timedelta(days=3), "gross_monthly_income": None}
    outcomes = _at_once(
        lambda: employment_record(person=first.ncp, data=data, by=worker),
        lambda: employment_record(person=second.ncp, data=data, by=worker),
    )
    assert sorted(o.employer_created for o in outcomes) == [False, True]
    assert Employer.objects.filter(fein="123456789").count() == 1
    assert Employment.objects.filter(employer__fein="123456789").count() == 2


def test_a_guess_at_an_fvi_persons_employer_gets_the_answer_any_fein_gets_and_is_logged(client, role_user):
    # Red team: "That job was already on file" answered a right guess at the employer of an FVI
    # person (42 USC 654(26)); a wrong one recorded a job. The words are now the same, and each
    # attempt is logged with the FEIN typed.
    from core.models import AccessLog

    worker = role_user("caseworker")
    case = CaseFactory(caseworker=worker)
    ncp = case.ncp
    ncp.family_violence = True
    ncp.save()
    secret = EmployerFactory(fein="987654321", name="Quiet Harbor Fisheries")
    EmployerFactory(fein="111222333", name="Some Other Employer")
    EmploymentFactory(person=ncp, employer=secret)
    client.force_login(worker)
    answers = []
    for fein in ("98-7654321", "11-1222333"):
        response = client.post(_add_url(case, ncp), _job(fein=fein))
        assert response.status_code == 302
        answers.append([str(m) for m in get_messages(response.wsgi_request)][-1])
        client.get(response.url)  # the messages shown, as the browser would
    assert answers == [FVI_RECORDED] * 2
    logged = AccessLog.objects.filter(kind="sensitive_read", object_id=str(ncp.pk), fields=["employment"])
    assert sorted(row.detail["fein_typed"] for row in logged) == ["111222333", "987654321"]


# --- FVI: a guessed FEIN leaves the same trace, right or wrong (42 USC 654(26)) --------------------------


def _record_and_read(client, case, fein) -> list[str]:
    response = client.post(_add_url(case, case.ncp), _job(fein=fein, started_on="2026-06-01"))
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(m) for m in client.get(response.url).context["messages"]]


def _trace(client, case) -> tuple:
    page = client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    person = client.get(_person_url(case, case.ncp)).content.decode()
    return (
        page.count("was recorded"),
        page.count("withholding"),
        case.work_items.filter(status="open").count(),
        person.count("A current job, started"),
    )


def test_a_fein_guess_for_an_fvi_ncp_leaves_the_same_trace_right_or_wrong(client, role_user):
    # Red team: employment_record returned early when the FVI person already had an open job at the
    # employer typed (no row, no event, no withholding), and recorded all three otherwise: the case
    # page told whether the guessed FEIN was where the person works. An FVI person's job is now
    # recorded whatever is on file.
    from cases.models import Person
    from tests.cases.factories import case_with_order

    worker = role_user("caseworker")
    real = EmployerFactory(fein="147000001")
    other = EmployerFactory(fein="147000002")
    right_case, wrong_case = case_with_order(caseworker=worker), case_with_order(caseworker=worker)
    for case in (right_case, wrong_case):
        EmploymentFactory(person=case.ncp, employer=real, started_on=timezone.localdate() - timedelta(days=400))
        Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    client.force_login(worker)
    assert _record_and_read(client, right_case, real.fein) == _record_and_read(client, wrong_case, other.fein)
    assert _trace(client, right_case) == _trace(client, wrong_case)
    assert _trace(client, right_case)[3] == 2  # the job on file and the one typed


def test_a_fein_guess_after_the_job_was_recorded_with_its_work_item_leaves_the_same_trace(client, role_user):
    # The job on file came with its new-hire work item (keyed by case and employer, as the file's):
    # recording the same employer again must raise a work item as any other employer does.
    from cases.models import Person

    worker = role_user("caseworker")
    cases = []
    for _ in range(2):
        case = delinquent_case(monthly="400.00", unassigned="1200.00")
        case.caseworker = worker
        case.save()
        cases.append(case)
    right_case, wrong_case = cases
    client.force_login(worker)
    for case in cases:
        first = client.post(_add_url(case, case.ncp), _job(fein="147000001"))
        assert first.status_code == 302
        client.get(first.url)  # its message read
        Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    EmployerFactory(fein="147000002")
    assert _record_and_read(client, right_case, "147000001") == _record_and_read(client, wrong_case, "147000002")
    assert _trace(client, right_case) == _trace(client, wrong_case)
    assert _trace(client, right_case)[2] == 2  # one new-hire item for each recording
    assert EnforcementAction.objects.filter(case=right_case, remedy=Remedy.INCOME_WITHHOLDING).count() == 1


def test_ending_a_guessed_job_of_an_fvi_ncp_gets_the_same_answer_right_or_wrong(client, role_user):
    # The job typed is recorded even where one is open at that employer: ending it must not end the
    # withholding orders there (the other job goes on), or the answer would tell the guess.
    from cases.models import Person

    worker = role_user("caseworker")
    right_action = active_withholding_action()
    real = Employment.objects.get(person=right_action.case.ncp).employer
    wrong_action = active_withholding_action(employer=real)
    iwos = [
        iwo_reconcile_action(action=a, on=timezone.localdate() - timedelta(days=3))[0]
        for a in (right_action, wrong_action)
    ]
    EmployerFactory(fein="147000002")
    client.force_login(worker)
    answers = []
    for action, fein in ((right_action, real.fein), (wrong_action, "147000002")):
        case = action.case
        case.caseworker = worker
        case.save()
        Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
        _record_and_read(client, case, fein)
        typed = Employment.objects.filter(person=case.ncp).latest("pk")
        response = client.post(_end_url(case, typed), _end())
        assert response.status_code == 302
        answers.append([str(m) for m in client.get(response.url).context["messages"]])
    assert answers[0] == answers[1] == ["Job ended."]
    for iwo in iwos:
        iwo.refresh_from_db()
        assert iwo.ended_on is None  # the job at that employer on file goes on


def test_a_double_submit_on_an_fvi_persons_page_records_the_job_once(client, role_user):
    # Recorded whatever is on file, but the same job the same user recorded a moment ago is a
    # double-clicked form (what that user did, not what is on file): not recorded again.
    worker = role_user("caseworker")
    case = _fvi_delinquent_case(worker)
    ncp = case.ncp
    client.force_login(worker)
    answers = [_record_and_read(client, case, "123456789") for _ in range(2)]
    assert answers[0] == answers[1] == [FVI_RECORDED]
    assert Employment.objects.filter(person=ncp).count() == 1
    assert DomainEvent.objects.filter(verb="employment.recorded").count() == 1
    # another user typing the same job records it: the answer may not depend on what is on file
    client.force_login(role_user("coordinator"))
    _record_and_read(client, case, "123456789")
    assert Employment.objects.filter(person=ncp, ended_on__isnull=True).count() == 2

"""A job typed at the desk for a person whose whereabouts are withheld (42 USC 654(26)) drives no
income withholding until a source outside the desk confirms it (``Employment.awaits_confirmation``):
the income withholding that follows a job typed must not tell whether the FEIN typed is the
employer on file. Confirmed by the new-hire file, an e-IWO reply naming the employer, or a
coordinator on the employer's written word (the one deliberate, logged act whose outcome may differ)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Employment, Person, WorkItem
from cases.services.employment import (
    AWAITING_CONFIRMATION,
    CONFIRM_WORK_KIND,
    CONFIRMED_IN_SCOPE_ONLY,
    employment_record,
)
from core.models import AccessLog, DomainEvent
from enforcement.choices import ActionStatus, IwoKind, Remedy
from enforcement.models import EnforcementAction, IncomeWithholdingOrder
from enforcement.services.withholding import iwo_reconcile, iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.enforcement.factories import delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db

OTHER_FEIN = "147000002"


def _add_url(case) -> str:
    return reverse("cases:employment_add", kwargs={"case_number": case.case_number, "person_id": case.ncp.pk})


def _end_url(case, job) -> str:
    return reverse(
        "cases:employment_end", kwargs={"case_number": case.case_number, "person_id": job.person_id, "pk": job.pk}
    )


def _confirm_url(case, job) -> str:
    return reverse(
        "cases:employment_confirm",
        kwargs={"case_number": case.case_number, "person_id": job.person_id, "pk": job.pk},
    )


def _person_url(case) -> str:
    return reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": case.ncp.pk})


def _messages(client, response) -> list[str]:
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(m) for m in client.get(response.url).context["messages"]]


def _fvi(case) -> None:
    Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    case.ncp.refresh_from_db()


def _desk_job(fein: str, started_on: date | None = None) -> dict:
    return {
        "fein": fein,
        "started_on": (started_on or timezone.localdate() - timedelta(days=5)).isoformat(),
        "source": "pay_stub",
    }


def _observed(case) -> dict:
    """What anyone at the office may observe of the case, with what differs by construction (the
    person's name, control numbers, row ids) blanked."""
    name = case.ncp.display_name

    def blank(text: str) -> str:
        return re.sub(r"\d{2}IWO\d{12}|#\d+", "IWO", text.replace(name, "NAME"))

    return {
        "orders": list(
            IncomeWithholdingOrder.objects.filter(case=case)
            .order_by("pk")
            .values_list("kind", "ended_on", "issued_on", "total_per_frequency")
        ),
        "actions": list(
            EnforcementAction.objects.filter(case=case).order_by("pk").values_list("remedy", "status", "partner")
        ),
        "work_items": sorted(
            (kind, blank(title), status)
            for kind, title, status in WorkItem.objects.filter(case=case).values_list("kind", "title", "status")
        ),
        "events": [
            (verb, blank(summary))
            for verb, summary in DomainEvent.objects.filter(case_id=case.pk)
            .order_by("pk")
            .values_list("verb", "summary")
        ],
        "jobs": list(
            Employment.objects.filter(person=case.ncp)
            .order_by("pk")
            .values_list("started_on", "ended_on", "source", "awaits_confirmation")
        ),
    }


# --- the oracle: a right FEIN and a wrong one leave the same trace, all the way to the job's end -------


def test_a_fein_typed_for_an_fvi_ncp_gets_the_same_withholding_right_or_wrong(client, role_user):
    # given two FVI NCPs, each with an active withholding action and an order in force at employer A
    worker = role_user("caseworker")
    right = active_withholding_action()
    employer_a = Employment.objects.get(person=right.case.ncp).employer
    wrong = active_withholding_action(employer=employer_a)
    EmployerFactory(fein=OTHER_FEIN, name="Somewhere Else Ltd")
    three_days_ago = timezone.localdate() - timedelta(days=3)
    for action in (right, wrong):
        [original] = iwo_reconcile_action(action=action, on=three_days_ago)
        assert (original.kind, original.employer_id) == (IwoKind.ORIGINAL, employer_a.pk)
        case = action.case
        case.caseworker = worker
        case.save()
        _fvi(case)
    client.force_login(worker)
    said = {}
    for action, fein in ((right, employer_a.fein), (wrong, OTHER_FEIN)):
        case = action.case
        on_file = Employment.objects.filter(person=case.ncp).earliest("pk")
        # when the caseworker types a job: A's FEIN (the employer on file) or B's
        recorded = _messages(client, client.post(_add_url(case), _desk_job(fein)))
        # and the nightly reconcile runs (the action, and all of them)
        issued = [iwo.kind for iwo in iwo_reconcile_action(action=action)]
        iwo_reconcile()
        # and the job on file ends (the parent brought the letter of dismissal)
        ended = _messages(
            client,
            client.post(
                _end_url(case, on_file),
                {"ended_on": timezone.localdate().isoformat(), "reason": "dismissed", "source": "parent_reported"},
            ),
        )
        after_end = [iwo.kind for iwo in iwo_reconcile_action(action=action)]
        said[fein] = {"recorded": recorded, "issued": issued, "ended": ended, "after_end": after_end, **_observed(case)}
    # then everything observable is the same
    assert said[employer_a.fein] == said[OTHER_FEIN]
    outcome = said[OTHER_FEIN]
    assert outcome["recorded"] == [
        f"Job recorded. The employer stays withheld (family violence indicator). {AWAITING_CONFIRMATION}"
    ]
    assert outcome["issued"] == [] and outcome["after_end"] == []
    assert outcome["jobs"][-1][3] is True  # the job typed awaits confirmation
    assert [kind for kind, *_ in outcome["orders"]] == [IwoKind.ORIGINAL]
    assert outcome["orders"][0][1] == timezone.localdate()  # the order at A ended with the job on file
    assert (CONFIRM_WORK_KIND, "open") in {(kind, status) for kind, _, status in outcome["work_items"]}


def test_ending_the_job_typed_ends_no_order_right_or_wrong(client, role_user):
    worker = role_user("caseworker")
    right = active_withholding_action()
    employer_a = Employment.objects.get(person=right.case.ncp).employer
    wrong = active_withholding_action(employer=employer_a)
    EmployerFactory(fein=OTHER_FEIN)
    client.force_login(worker)
    said = {}
    for action, fein in ((right, employer_a.fein), (wrong, OTHER_FEIN)):
        iwo_reconcile_action(action=action, on=timezone.localdate() - timedelta(days=3))
        case = action.case
        case.caseworker = worker
        case.save()
        _fvi(case)
        _messages(client, client.post(_add_url(case), _desk_job(fein)))
        typed = Employment.objects.filter(person=case.ncp).latest("pk")
        ended = _messages(
            client,
            client.post(
                _end_url(case, typed),
                {"ended_on": timezone.localdate().isoformat(), "reason": "quit", "source": "parent_reported"},
            ),
        )
        said[fein] = {"ended": ended, **_observed(case)}
    assert said[employer_a.fein] == said[OTHER_FEIN]
    assert said[OTHER_FEIN]["ended"] == ["Job ended."]
    assert [ended_on for _, ended_on, *_ in said[OTHER_FEIN]["orders"]] == [None]  # the order at A stands


# --- anyone else: unchanged --------------------------------------------------------------------------


def test_a_job_typed_for_a_person_without_the_indicator_drives_withholding_at_once(client, role_user):
    worker = role_user("caseworker")
    action = active_withholding_action()
    iwo_reconcile_action(action=action, on=timezone.localdate() - timedelta(days=3))
    case = action.case
    case.caseworker = worker
    case.save()
    other = EmployerFactory(fein=OTHER_FEIN, name="Somewhere Else Ltd")
    client.force_login(worker)
    said = _messages(client, client.post(_add_url(case), _desk_job(OTHER_FEIN)))
    assert said == [
        "Job recorded at Somewhere Else Ltd. Open income withholding pointed at the new employer on 1 case."
    ]
    job = Employment.objects.get(person=case.ncp, employer=other)
    assert job.awaits_confirmation is False
    assert [(i.kind, i.employer_id) for i in iwo_reconcile_action(action=action)] == [(IwoKind.ORIGINAL, other.pk)]
    assert not WorkItem.objects.filter(kind=CONFIRM_WORK_KIND).exists()


def test_a_job_recorded_before_the_indicator_was_set_keeps_driving_withholding(role_user):
    action = active_withholding_action()
    _fvi(action.case)
    # the job on file (recorded before) is not awaiting: the order there is issued as ever
    assert [i.kind for i in iwo_reconcile_action(action=action)] == [IwoKind.ORIGINAL]


@pytest.mark.parametrize("confirmed", [False, True])
def test_the_sweep_counts_no_job_awaiting_confirmation_as_an_employer(role_user, confirmed):
    # The income withholding rule requires an employer (42 USC 666(b)): a job typed for an FVI NCP
    # is none until confirmed, whichever employer was typed.
    from enforcement.services.sweep import sweep_run_inline
    from tests.enforcement.factories import AS_OF

    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    _fvi(case)
    employment_record(
        person=case.ncp,
        data={
            **_desk_job(OTHER_FEIN, AS_OF - timedelta(days=5)),
            "name": "Acme",
            "started_on": AS_OF - timedelta(days=5),
        },
        by=role_user("coordinator"),
    )
    job = Employment.objects.get(person=case.ncp)
    assert job.awaits_confirmation
    if confirmed:
        Employment.objects.filter(pk=job.pk).update(awaits_confirmation=False)
    with time_machine.travel(AS_OF, tick=False):
        sweep_run_inline(as_of=AS_OF)
    assert EnforcementAction.objects.filter(case=case, remedy=Remedy.INCOME_WITHHOLDING).exists() == confirmed


# --- confirmed by a source outside the desk: withholding follows as for any new job --------------------


def _fvi_case_with_desk_job(fein: str, *, by, started_on: date, name: str = "Acme Widgets"):
    """A delinquent case (an order, no withholding yet) whose FVI NCP had a job typed at the desk."""
    case = delinquent_case(monthly="400.00", unassigned="1200.00")
    _fvi(case)
    recorded = employment_record(
        person=case.ncp,
        data={"fein": fein, "started_on": started_on, "source": "pay_stub", "name": name},
        by=by,
    )
    assert recorded.employment.awaits_confirmation
    assert not EnforcementAction.objects.filter(case=case).exists()
    return case, recorded.employment


def test_the_new_hire_file_confirms_a_job_awaiting_confirmation_and_withholding_follows(role_user):
    from enforcement.choices import FileVia
    from enforcement.services.partner_files import partner_file_submit
    from tests.enforcement.partner_files_data import new_hire_file, w4

    with time_machine.travel(date(2026, 11, 24), tick=False):
        case, job = _fvi_case_with_desk_job("141234567", by=role_user("caseworker"), started_on=date(2026, 11, 16))
        partner_file, *_ = partner_file_submit(
            kind="new-hires", name="nh.txt", content=new_hire_file([w4(case.ncp.ssn)]), via=FileVia.COMMAND
        )
    assert partner_file.status == "accepted", partner_file.errors
    assert partner_file.counts["employments_confirmed"] == 1 and partner_file.counts["employments_created"] == 0
    job.refresh_from_db()
    assert job.awaits_confirmation is False
    assert list(Employment.objects.filter(person=case.ncp)) == [job]  # the file's job is the one typed
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    assert action.status == ActionStatus.PROPOSED and action.figures["employment_id"] == job.pk
    assert WorkItem.objects.get(case=case, kind=CONFIRM_WORK_KIND).status == "done"
    assert WorkItem.objects.filter(case=case, kind="iwo_new_hire").count() == 1


def test_a_new_hire_at_another_employer_leaves_the_job_typed_awaiting(role_user):
    from enforcement.choices import FileVia
    from enforcement.services.partner_files import partner_file_submit
    from tests.enforcement.partner_files_data import new_hire_file, w4

    with time_machine.travel(date(2026, 11, 24), tick=False):
        case, job = _fvi_case_with_desk_job(OTHER_FEIN, by=role_user("caseworker"), started_on=date(2026, 11, 16))
        partner_file, *_ = partner_file_submit(
            kind="new-hires", name="nh.txt", content=new_hire_file([w4(case.ncp.ssn)]), via=FileVia.COMMAND
        )
    assert partner_file.counts.get("employments_confirmed", 0) == 0
    job.refresh_from_db()
    assert job.awaits_confirmation is True


def test_an_eiwo_reply_naming_the_employer_confirms_a_job_awaiting_confirmation(role_user, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from tests.enforcement.iwo_factories import ack, ack_file

    with time_machine.travel(datetime(2026, 11, 30, 17, tzinfo=UTC), tick=False):
        action = active_withholding_action()
        (left,) = iwo_reconcile_action(action=action, on=date(2026, 11, 30))
        case = action.case
        _fvi(case)
        typed = employment_record(
            person=case.ncp,
            data={"fein": "143333333", "started_on": date(2026, 11, 21), "source": "pay_stub", "name": "Gamma"},
            by=role_user("caseworker"),
        ).employment
        assert typed.awaits_confirmation and iwo_reconcile_action(action=action, on=date(2026, 11, 30)) == []
        path = tmp_path / "acks.txt"
        gamma = {"new_employer_name": "Gamma Logistics", "new_employer_fein": "143333333"}
        path.write_bytes(ack_file([ack(left, "R", "N", termination_date=date(2026, 11, 20), **gamma)]))
        call_command("import_eiwo_acks", str(path), stdout=StringIO())
        typed.refresh_from_db()
        assert typed.awaits_confirmation is False
        assert Employment.objects.filter(person=case.ncp, employer=typed.employer).count() == 1  # none created
        action.refresh_from_db()
        assert action.figures["employment_id"] == typed.pk
        [original] = iwo_reconcile_action(action=action, on=date(2026, 11, 30))
    assert (original.kind, original.employment_id) == (IwoKind.ORIGINAL, typed.pk)


# --- confirmed by a coordinator on the employer's written word ---------------------------------------------


@pytest.fixture
def awaiting(role_user):
    """An FVI NCP with an order in force at their employer and a job typed at another, awaiting."""
    action = active_withholding_action()
    iwo_reconcile_action(action=action, on=timezone.localdate() - timedelta(days=3))
    case = action.case
    case.caseworker = role_user("caseworker")
    case.save()
    _fvi(case)
    job = employment_record(
        person=case.ncp,
        data={
            "fein": OTHER_FEIN,
            "started_on": timezone.localdate() - timedelta(days=5),
            "source": "pay_stub",
            "name": "Quiet Harbor Fisheries",
        },
        by=role_user("caseworker"),
    ).employment
    return action, job


def test_a_coordinator_confirms_a_job_on_the_employers_word_and_withholding_follows(client, role_user, awaiting):
    action, job = awaiting
    case = action.case
    coordinator = role_user("coordinator")
    client.force_login(coordinator)
    page = client.get(_person_url(case)).content.decode()
    assert _confirm_url(case, job) in page and "Quiet Harbor" not in page
    response = client.post(_confirm_url(case, job), {"evidence": "Verification of employment dated 12/01, on file"})
    said = _messages(client, response)
    assert said == [
        "Job confirmed on the employer's written word. Open income withholding pointed at the new employer on 1 case; "
        f"{CONFIRMED_IN_SCOPE_ONLY}."
    ]
    job.refresh_from_db()
    assert job.awaits_confirmation is False
    event = DomainEvent.objects.get(verb="employment.confirmed", case_id=case.pk)
    assert event.actor == coordinator and event.data["evidence"].startswith("Verification")
    assert "Quiet Harbor" not in event.summary + str(event.data) and OTHER_FEIN not in str(event.data)
    assert AccessLog.objects.filter(kind="sensitive_read", user=coordinator, object_id=str(case.ncp.pk)).exists()
    assert WorkItem.objects.get(case=case, kind=CONFIRM_WORK_KIND).status == "done"
    [original] = iwo_reconcile_action(action=action)
    assert (original.kind, original.employment_id) == (IwoKind.ORIGINAL, job.pk)
    # confirmed once: not again
    again = client.post(_confirm_url(case, job), {"evidence": "again"})
    assert "not awaiting confirmation" in " ".join(_messages(client, again))


def test_a_confirmation_without_evidence_changes_nothing(client, role_user, awaiting):
    action, job = awaiting
    client.force_login(role_user("coordinator"))
    said = _messages(client, client.post(_confirm_url(action.case, job), {"evidence": "  "}))
    assert any("required" in text or "written word" in text for text in said)
    job.refresh_from_db()
    assert job.awaits_confirmation is True
    assert not DomainEvent.objects.filter(verb="employment.confirmed").exists()


def test_a_caseworker_may_not_confirm_a_job_and_the_refusal_is_logged(client, role_user, awaiting):
    action, job = awaiting
    worker = role_user("caseworker")
    client.force_login(worker)
    page = client.get(_person_url(action.case)).content.decode()
    assert _confirm_url(action.case, job) not in page and "awaiting confirmation" in page
    response = client.post(_confirm_url(action.case, job), {"evidence": "a letter"})
    assert response.status_code == 403
    assert AccessLog.objects.filter(kind="access_denied", user=worker, outcome="denied").exists()
    job.refresh_from_db()
    assert job.awaits_confirmation is True
    assert iwo_reconcile_action(action=action) == []


def test_another_countys_coordinator_may_not_confirm_a_job(client, make_user, awaiting):
    action, job = awaiting
    outsider = make_user("coordinator", username="erie_coordinator", county="Erie")
    client.force_login(outsider)
    response = client.post(_confirm_url(action.case, job), {"evidence": "a letter"})
    assert response.status_code in (403, 404)
    assert AccessLog.objects.filter(kind="access_denied", user=outsider).exists()
    job.refresh_from_db()
    assert job.awaits_confirmation is True


def test_confirming_answers_only_post(client, role_user, awaiting):
    action, job = awaiting
    client.force_login(role_user("coordinator"))
    assert client.get(_confirm_url(action.case, job)).status_code == 405

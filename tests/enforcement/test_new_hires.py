"""New hires start withholding within two business days (issue 16.2; 42 USC 653a(g)(1))."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.choices import EmploymentEndReason, EmploymentSource, ObligationKind, OrderEndReason
from cases.models import CaseParticipant, Employer, Employment, LocateAttempt, Person, WorkItem
from cases.services.employment import employment_end, employment_record
from cases.services.order_end import order_end
from enforcement.choices import ActionStatus, FileVia, IwoKind, PartnerFileStatus, Remedy
from enforcement.models import EnforcementAction, PartnerFile
from enforcement.services.partner_files import partner_file_submit
from enforcement.services.partner_kinds.new_hires import new_job_withholding
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import CaseFactory
from tests.enforcement.factories import delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action, add_obligation
from tests.enforcement.partner_files_data import new_hire_file, w4

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)  # a Tuesday; the file is stamped Monday 2026-11-23


def ncp_of(case) -> Person:
    return CaseParticipant.objects.get(case=case, role="ncp").person


def submit(content: bytes, **kwargs):
    return partner_file_submit(kind="new-hires", name="nh.txt", content=content, via=FileVia.COMMAND, **kwargs)[0]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 11, 24), tick=False):
        yield


def test_a_match_locates_records_employment_and_proposes_withholding_due_in_two_business_days():
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    partner_file = submit(new_hire_file([w4(ncp.ssn), w4("999887777")]))
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    assert partner_file.counts["matched"] == 1 and partner_file.counts["unmatched"] == 1
    employer = Employer.objects.get(fein="141234567")
    assert Employment.objects.filter(person=ncp, employer=employer, started_on=date(2026, 11, 16)).exists()
    attempt = LocateAttempt.objects.get(case=case)
    assert attempt.source == "new_hire" and attempt.result == "found" and attempt.attempted_on == date(2026, 11, 23)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    # the action and its queue item name no employer (FVI can be set later: see below); the
    # employment names it, shown through cases.redaction
    assert action.status == ActionStatus.PROPOSED and action.partner == "the new employer"
    # entered Monday 23 November 2026 → 2 business days → Wednesday 25 November (Thanksgiving is the 26th)
    assert action.timeframe_due_on == date(2026, 11, 25)
    assert action.total_arrears == 1200 and action.figures["employer_id"] == employer.pk
    item = WorkItem.objects.get(case=case, kind="iwo_new_hire")
    assert item.due_on == date(2026, 11, 25)
    assert item.title == "Send the income withholding order to the new employer (new hire; 42 USC 653a(g)(1))"
    # the unmatched SSN is counted, not stored anywhere but the file
    assert not Person.objects.filter(ssn_last4="7777").exists()


def test_the_deadline_skips_weekends_and_holidays():
    case = delinquent_case()
    submit(new_hire_file([w4(ncp_of(case).ssn)], stamp=date(2026, 11, 20)))  # a Friday
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    assert action.timeframe_due_on == date(2026, 11, 24)  # Monday, Tuesday


def test_a_match_without_an_order_locates_but_proposes_nothing():
    case = CaseFactory(ncp_located_on=None, stage="locate")
    partner_file = submit(new_hire_file([w4(ncp_of(case).ssn)]))
    assert partner_file.counts["matched"] == 1 and partner_file.counts.get("withholding_proposed", 0) == 0
    case.refresh_from_db()
    assert case.ncp_located_on == date(2026, 11, 23)
    assert partner_file.counts["newly_located"] == 1
    assert not EnforcementAction.objects.filter(case=case).exists()


def test_an_open_withholding_action_is_pointed_at_the_new_employer():
    case = delinquent_case()
    first = submit(new_hire_file([w4(ncp_of(case).ssn)]))
    assert first.counts["withholding_proposed"] == 1
    second = submit(new_hire_file([w4(ncp_of(case).ssn, fein="227654321", employer="GLOBEX CORP")], batch="000002"))
    assert second.counts["withholding_redirected"] == 1
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    assert action.figures["employer_id"] == Employer.objects.get(fein="227654321").pk
    assert action.partner == "the new employer"
    assert WorkItem.objects.filter(case=case, kind="iwo_new_hire").count() == 2


def test_a_replayed_file_changes_nothing():
    case = delinquent_case()
    content = new_hire_file([w4(ncp_of(case).ssn)])
    submit(content)
    counts = (
        Employment.objects.count(),
        LocateAttempt.objects.count(),
        EnforcementAction.objects.count(),
        WorkItem.objects.count(),
    )
    again = submit(content)
    assert again.status == PartnerFileStatus.REPLAY
    # the same batch re-sent with other bytes (a changed trailing blank) is a replay by control number
    assert submit(content.replace(b"\r\n", b"\n")).status == PartnerFileStatus.REPLAY
    assert (
        Employment.objects.count(),
        LocateAttempt.objects.count(),
        EnforcementAction.objects.count(),
        WorkItem.objects.count(),
    ) == counts


def test_a_bad_record_refuses_the_whole_file():
    case = delinquent_case()
    good = new_hire_file([w4(ncp_of(case).ssn), w4("123456789")]).decode()
    lines = good.split("\r\n")
    lines[2] = lines[2][:279] + "20261340" + lines[2][287:]  # hire date 2026-13-40
    partner_file = submit("\r\n".join(lines).encode())
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors == [{"line": 3, "reason": "employee_hire_date (columns 280-287): a date CCYYMMDD"}]
    assert not Employment.objects.exists() and not EnforcementAction.objects.exists()


def test_matching_reaches_only_the_sending_keys_counties(api_client_with):
    albany = delinquent_case()
    other = delinquent_case(county="Schenectady")
    api = api_client_with("partner_files:write", counties=["Schenectady"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = new_hire_file([w4(ncp_of(albany).ssn), w4(ncp_of(other).ssn)])
    response = api.post(
        "/api/v1/partner-files/new-hires/", {"file": SimpleUploadedFile("nh.txt", content)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["counts"]["matched"] == 1 and response.json()["counts"]["unmatched"] == 1
    assert not LocateAttempt.objects.filter(case=albany).exists()
    assert LocateAttempt.objects.filter(case=other).exists()


def test_an_fvi_ncp_is_matched_but_no_queue_title_or_action_names_the_employer():
    case = delinquent_case()
    ncp = ncp_of(case)
    Person.objects.filter(pk=ncp.pk).update(family_violence=True)
    submit(new_hire_file([w4(ncp.ssn)]))
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    assert action.partner == "the new employer"
    assert "ACME" not in WorkItem.objects.get(case=case, kind="iwo_new_hire").title
    assert "ACME" not in LocateAttempt.objects.get(case=case).notes


def test_a_minor_parent_living_with_an_fvi_mother_is_matched_but_the_employer_is_not_named():
    from tests.cases.factories import living_with_an_fvi_parent

    case = delinquent_case()
    living_with_an_fvi_parent(ncp_of(case))
    submit(new_hire_file([w4(ncp_of(case).ssn)]))
    assert EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING).partner == "the new employer"
    assert "ACME" not in LocateAttempt.objects.get(case=case).notes


def test_the_file_is_matched_in_a_number_of_queries_flat_in_its_size(django_assert_max_num_queries):
    cases = [delinquent_case() for _ in range(12)]
    small = new_hire_file([w4(ncp_of(c).ssn) for c in cases[:2]], batch="000001")
    large = new_hire_file(
        [w4(ncp_of(c).ssn, fein=f"1{i:08d}", employer=f"EMPLOYER {i}") for i, c in enumerate(cases[2:])]
        + [w4(f"9{i:08d}") for i in range(40)],
        batch="000002",
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert submit(small).counts["matched"] == 2
    with CaptureQueriesContext(connection) as many:
        assert submit(large).counts["matched"] == 10
    assert len(many.captured_queries) <= len(few.captured_queries) + 2


def test_command_prints_matched_and_unmatched_last_and_exits_0_then_already_imported(tmp_path):
    case = delinquent_case()
    path = tmp_path / "nh.txt"
    path.write_bytes(new_hire_file([w4(ncp_of(case).ssn), w4("999887777")]))
    out = StringIO()
    call_command("import_new_hires", str(path), stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("new-hires accepted:") and "matched 1" in last and "unmatched 1" in last
    out = StringIO()
    call_command("import_new_hires", str(path), stdout=out)
    assert "already imported" in out.getvalue() and "matched 1" in out.getvalue().strip().splitlines()[-1]
    assert PartnerFile.objects.filter(kind="new-hires").count() == 2


def test_command_refuses_a_bad_file_non_zero_with_the_line(tmp_path):
    path = tmp_path / "nh.txt"
    path.write_bytes(new_hire_file([w4("123456789")], count=3))
    with pytest.raises(CommandError, match="line 3: employee_record_count"):
        call_command("import_new_hires", str(path), stdout=StringIO())


def test_an_ncp_given_the_indicator_after_the_new_hire_is_located_by_no_page(client_as, role_user, client):
    from django.urls import reverse

    # given a new hire matched while the NCP had no indicator: the employer is shown where allowed
    case = delinquent_case()
    ncp = ncp_of(case)
    submit(new_hire_file([w4(ncp.ssn)]))
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    person_page = reverse("cases:person_detail", args=[case.case_number, ncp.pk])
    caseworker = client_as("caseworker")
    assert "ACME WIDGETS INC" in caseworker.get(person_page).content.decode()
    # when the NCP is given the indicator afterwards
    ncp.family_violence = True
    ncp.save()
    # then no page names the employer: not the queue, the action, its notice, nor the person page
    pages = [
        reverse("cases:case_detail", args=[case.case_number]),
        reverse("cases:workitem_list") + "?scope=all",
        reverse("cases:workitem_list") + "?scope=all&format=csv",
        person_page,
    ]
    seen = {url: caseworker.get(url) for url in pages}
    client.force_login(role_user("administrator"))
    admin_pages = [
        reverse("enforcement:action_detail", args=[action.pk]),
        reverse("enforcement:action_notice", args=[action.pk]),
        reverse("admin:cases_workitem_changelist"),
    ]
    seen |= {url: client.get(url) for url in admin_pages}
    assert {url: r.status_code for url, r in seen.items() if r.status_code != 200} == {}
    assert [url for url, r in seen.items() if b"ACME" in r.content] == []


def test_an_ncp_hired_back_by_a_former_employer_gets_an_order_there_again(make_user):
    """Red team (RTMONEY): job recorded at the desk, order issued, job ended (the order there ends),
    hired back by the same employer: a new job, so a new queue item and a new original (42 USC
    653a(g)(1), 666(b)); the same job reported again proposes nothing twice."""
    worker = make_user("caseworker")
    action = active_withholding_action(monthly="400.00", arrears="2600.00")
    first = Employment.objects.get(person=action.case.ncp)
    first.ended_on = date(2026, 11, 1)
    first.save()
    address = {"line1": "1 Main St", "city": "Albany", "state": "NY", "postal_code": "12207"}
    desk = employment_record(
        person=action.case.ncp,
        data={
            "fein": "221234567",
            "started_on": date(2026, 11, 20),
            "source": EmploymentSource.PAY_STUB,
            "name": "Capital Foods",
            **address,
        },
        by=make_user("coordinator"),
    )
    job, employer = desk.employment, desk.employment.employer
    [original] = iwo_reconcile_action(action=action, on=date(2026, 11, 24))
    assert (original.employer_id, original.employment_id) == (employer.pk, job.pk)
    with time_machine.travel(datetime(2026, 11, 27, 17, tzinfo=UTC), tick=False):
        employment_end(
            employment=job,
            ended_on=date(2026, 11, 26),
            reason=EmploymentEndReason.QUIT,
            by=worker,
            source=EmploymentSource.PARENT_REPORTED,
        )
    original.refresh_from_db()
    assert original.ended_on is not None
    with time_machine.travel(datetime(2026, 12, 3, 17, tzinfo=UTC), tick=False):
        recorded = employment_record(
            person=action.case.ncp,
            data={"fein": employer.fein, "started_on": date(2026, 12, 1), "source": EmploymentSource.PARENT_REPORTED},
            by=worker,
        )
        assert recorded.created and recorded.withholding
        [again] = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
        assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []
    assert (again.kind, again.employer_id, again.employment_id) == (
        IwoKind.ORIGINAL,
        employer.pk,
        recorded.employment.pk,
    )
    keys = set(WorkItem.objects.filter(case=action.case, kind="iwo_new_hire").values_list("dedupe_key", flat=True))
    assert keys == {
        f"iwo-new-hire:{action.case_id}:{employer.pk}:{job.pk}",
        f"iwo-new-hire:{action.case_id}:{employer.pk}:{recorded.employment.pk}",
    }


def test_a_job_queued_under_the_key_without_the_employment_is_not_queued_again():
    """Items written before the key named the job (``iwo-new-hire:{case}:{employer}``) still stop
    the same job being queued twice; a rehire (a newer employment row) is queued."""
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    employer = Employer.objects.create(name="Acme", fein="141234567")
    job = Employment.objects.create(person=ncp, employer=employer, started_on=date(2026, 11, 2))
    WorkItem.objects.create(
        case=case, kind="iwo_new_hire", title="old", due_on=TODAY, dedupe_key=f"iwo-new-hire:{case.pk}:{employer.pk}"
    )
    new_job_withholding(employment=job, figures={}, entered_on=TODAY, title="t")
    assert WorkItem.objects.filter(case=case, kind="iwo_new_hire").count() == 1
    job.ended_on = date(2026, 11, 10)
    job.save()
    with time_machine.travel(datetime(2026, 11, 24, 15, tzinfo=UTC), tick=False):  # recorded later that day
        rehire = Employment.objects.create(person=ncp, employer=employer, started_on=date(2026, 11, 20))
        new_job_withholding(employment=rehire, figures={}, entered_on=TODAY, title="t")
    assert WorkItem.objects.filter(
        case=case, kind="iwo_new_hire", dedupe_key=f"iwo-new-hire:{case.pk}:{employer.pk}:{rehire.pk}"
    ).exists()


def test_the_file_reporting_a_rehire_queues_the_new_job_and_the_same_job_once():
    """The directory reports the NCP hired back by a former employer: a new employment, a new
    queue item (case, employer, job); the same file content again (another batch) adds none."""
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    submit(new_hire_file([w4(ncp.ssn, hired=date(2026, 6, 1))], batch="000001"))
    first = Employment.objects.get(person=ncp)
    first.ended_on = date(2026, 9, 30)
    first.save()
    with time_machine.travel(datetime(2026, 11, 24, 15, tzinfo=UTC), tick=False):
        submit(new_hire_file([w4(ncp.ssn)], batch="000002"))
        submit(new_hire_file([w4(ncp.ssn)], batch="000003"))
    rehire = Employment.objects.get(person=ncp, ended_on__isnull=True)
    assert rehire.pk != first.pk and rehire.employer_id == first.employer_id
    keys = WorkItem.objects.filter(case=case, kind="iwo_new_hire").order_by("id").values_list("dedupe_key", flat=True)
    employer = first.employer_id
    assert list(keys) == [
        f"iwo-new-hire:{case.pk}:{employer}:{first.pk}",
        f"iwo-new-hire:{case.pk}:{employer}:{rehire.pk}",
    ]


@pytest.mark.parametrize("arrears_end", [False, True])
def test_a_job_taken_after_the_order_ended_is_withheld_from_while_its_repayment_runs(make_user, arrears_end):
    """Current support ended, the arrears-repayment line kept (the arrears still owed): the order
    is in force for withholding (``withholding.order_in_force_q``), so the new employer is told to
    withhold the past-due support (42 USC 666(b)); the repayment line ended too, nothing is."""
    case = delinquent_case(unassigned="1200.00")
    add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    order_end(
        order=case.orders.get(),
        ends_on=date(2026, 11, 20),
        reason=OrderEndReason.EMANCIPATED,
        by=make_user("caseworker"),
        arrears_end=arrears_end,
    )
    partner_file = submit(new_hire_file([w4(ncp_of(case).ssn)]))
    proposed = EnforcementAction.objects.filter(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    if arrears_end:
        assert partner_file.counts.get("withholding_proposed", 0) == 0 and not proposed.exists()
    else:
        assert partner_file.counts["withholding_proposed"] == 1
        assert proposed.get().status == ActionStatus.PROPOSED
        assert WorkItem.objects.filter(case=case, kind="iwo_new_hire").count() == 1

"""Employer payment file import: command, API, upload page and the posting rules."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Collection, Disbursement, WorkItem
from enforcement.choices import FileVia, PaymentFileStatus
from enforcement.models import PaymentFile
from enforcement.services.payments import HOLD_SSN_MISMATCH, payment_file_import_now, remit_due_by
from tests.cases.factories import case_with_order
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


def _ssn(case) -> str:
    return case.ncp.ssn


@pytest.fixture
def cases():
    return [case_with_order(monthly=Decimal("400.00")) for _ in range(3)]


def _import(text: str, name: str = "file.ach") -> PaymentFile:
    return payment_file_import_now(name=name, content=text.encode(), via=FileVia.COMMAND, actor_label="test")


def test_valid_file_posts_every_entry_through_the_ledger(cases):
    text = payment_file([ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases])
    imported = _import(text)
    report = imported.report
    assert (report["status"], report["entries"], report["posted"], report["held"], report["duplicates"]) == (
        "imported",
        3,
        3,
        0,
        0,
    )
    assert report["errors"] == []
    collections = Collection.objects.filter(batch_reference=imported.reference)
    assert collections.count() == 3
    assert {c.source for c in collections} == {"income_withholding"}
    assert {c.received_via for c in collections} == {"file"}
    assert Disbursement.objects.filter(collection__in=collections).count() == 3


def _trimmed(text: str) -> str:
    return "\n".join(line.rstrip(" ") for line in text.splitlines()) + "\n"


def test_right_trimmed_file_is_padded_posted_and_reported(cases, client_as, capsys, tmp_path):
    # given a payroll file whose transfer stripped trailing blanks from every record
    text = _trimmed(payment_file([ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases]))
    short = sum(1 for line in text.splitlines() if len(line) < 94)
    # when it is imported
    imported = _import(text)
    # then it posts like the untrimmed file and the report says how many records were padded
    assert (imported.status, imported.posted, imported.report["padded"]) == ("imported", 3, short)
    assert short == 2  # the file header (reference code) and the file control (39 reserved blanks)
    page = client_as("enforcement_specialist").get(reverse("enforcement:paymentfile_detail", args=[imported.pk]))
    assert f"{short} records shorter than 94 characters".encode() in page.content


def test_untrimmed_file_reports_nothing_padded(cases):
    imported = _import(payment_file([ded_entry(cases[0].case_number, "200.00", ssn=_ssn(cases[0]))]))
    assert imported.report["padded"] == 0


def test_same_file_twice_posts_nothing_and_counts_duplicates(cases):
    text = payment_file([ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases])
    _import(text)
    again = _import(text)
    assert again.status == PaymentFileStatus.DUPLICATE
    assert (again.report["entries"], again.report["duplicates"], again.report["posted"]) == (3, 3, 0)
    assert Collection.objects.count() == 3


def test_entry_seen_in_a_rebuilt_file_is_a_duplicate(cases):
    first = [ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases[:2]]
    _import(payment_file(first))
    # the employer re-sends the same two payments plus a new one, in a new file
    rebuilt = payment_file(
        first + [ded_entry(cases[2].case_number, "75.00", ssn=_ssn(cases[2]))],
        created=datetime(2026, 11, 20, 9, 0),
        modifier="B",
    )
    report = _import(rebuilt).report
    assert (report["posted"], report["duplicates"]) == (1, 2)
    assert Collection.objects.count() == 3


def test_two_identical_payments_in_one_file_both_post(cases):
    case = cases[0]
    text = payment_file([ded_entry(case.case_number, "50.00", ssn=_ssn(case))] * 2)
    assert _import(text).report["posted"] == 2
    assert Collection.objects.count() == 2


def test_unknown_case_is_held_not_dropped(cases):
    text = payment_file([ded_entry("NY-123456", "80.00")])
    report = _import(text).report
    assert (report["posted"], report["held"]) == (0, 1)
    held = Collection.objects.get()
    assert held.status == "held" and held.case_number_received == "NY-123456"
    assert report["held_entries"][0]["line"] == 3


def test_a_case_id_with_blanks_or_punctuation_is_held_and_the_rest_posts(cases):
    # DED02 is alphanumeric 1-20: "NY 0001" is a case id the agency does not know, not a bad file
    good = [ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases]
    text = payment_file([*good, ded_entry("NY 0001", "80.00"), ded_entry("ny/0002.a", "20.00")])
    imported = _import(text)
    report = imported.report
    assert (report["status"], report["posted"], report["held"], report["errors"]) == ("imported", 3, 2, [])
    assert sorted(Collection.objects.filter(status="held").values_list("case_number_received", flat=True)) == [
        "NY 0001",
        "NY/0002.A",
    ]
    # the same file again changes nothing
    assert _import(text, name="again.ach").report["status"] == "duplicate"
    assert Collection.objects.count() == 5


def test_ssn_mismatch_is_held_for_review(cases):
    case = cases[0]
    text = payment_file([ded_entry(case.case_number, "80.00", ssn="123456789")])
    report = _import(text).report
    assert report["held"] == 1
    collection = Collection.objects.get()
    assert collection.status == "held" and collection.hold_reason == HOLD_SSN_MISMATCH
    assert collection.case == case


def test_rejected_file_posts_nothing_and_reports_lines(cases):
    good = [ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases]
    text = payment_file(good).replace(
        "DED*CS*" + cases[1].case_number, "DED*CS*" + cases[1].case_number[:2] + "\\" + cases[1].case_number[3:], 1
    )
    imported = _import(text)
    assert imported.status == PaymentFileStatus.REJECTED
    assert imported.report["errors"][0]["line"] == 6
    assert "case identifier" in imported.report["errors"][0]["reason"]
    assert imported.report["posted"] == 0
    assert Collection.objects.count() == 0


def test_a_failure_while_posting_rolls_back_the_whole_file(cases, monkeypatch):
    from cases.exceptions import CollectionConflict
    from enforcement.services import payments

    calls = {"n": 0}
    real = payments.collections_post_batch

    def flaky(items, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the first chunk is posted, the second fails
            raise CollectionConflict("boom")
        return real(items, **kwargs)

    monkeypatch.setattr(payments, "POST_CHUNK", 2)
    monkeypatch.setattr(payments, "collections_post_batch", flaky)
    entries = [ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases]
    imported = _import(payment_file(entries))

    assert calls["n"] == 2
    assert imported.status == PaymentFileStatus.REJECTED
    assert imported.report["errors"][0]["reason"] == "entry could not be posted: boom"
    # what reading the file found stands; what the first chunk counted was rolled back with it
    assert (imported.report["entries"], imported.report["posted"], imported.report["total_amount"]) == (3, 0, "0.00")
    assert (imported.report["file"], imported.report["reference"]) == (imported.pk, imported.reference)
    assert Collection.objects.count() == 0 and Disbursement.objects.count() == 0


def test_the_same_file_posted_concurrently_is_a_duplicate_with_nothing_posted(cases, monkeypatch):
    from django.db import IntegrityError

    from enforcement.services import payments

    real = payments._post_all

    def raced(*args, **kwargs):
        real(*args, **kwargs)  # posted, then the other worker's identical file wins the unique index
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(payments, "_post_all", raced)
    imported = _import(payment_file([ded_entry(c.case_number, "200.00", ssn=_ssn(c)) for c in cases]))

    assert imported.status == PaymentFileStatus.DUPLICATE
    report = imported.report
    assert (report["entries"], report["duplicates"], report["posted"], report["errors"]) == (3, 3, 0, [])
    assert (report["file"], report["reference"]) == (imported.pk, imported.reference)
    assert Collection.objects.count() == 0


@pytest.mark.parametrize(
    ("pay_date", "late"),
    [
        (date(2026, 11, 10), False),  # due by 2026-11-20 (7 business days, Veterans Day skipped): effective 11-20
        (date(2026, 11, 9), True),  # due by 2026-11-19: just over
    ],
)
def test_late_remittance_is_flagged(cases, pay_date, late):
    case = cases[0]
    text = payment_file(
        [ded_entry(case.case_number, "10.00", ssn=_ssn(case), pay_date=pay_date)], effective=date(2026, 11, 20)
    )
    report = _import(text).report
    assert report["late"] == (1 if late else 0)
    if late:
        assert report["late_entries"][0]["due_by"] == "2026-11-19"


def test_an_entry_sent_ahead_of_its_pay_date_posts_as_collected_when_received(cases):
    case = cases[0]
    text = payment_file(
        [ded_entry(case.case_number, "75.00", ssn=_ssn(case), pay_date=date(2026, 11, 21))],
        effective=date(2026, 11, 20),
    )
    imported = _import(text)
    assert (imported.report["status"], imported.report["posted"], imported.report["late"]) == ("imported", 1, 0)
    collection = Collection.objects.get()
    assert (collection.received_on, collection.collected_on) == (date(2026, 11, 20), date(2026, 11, 20))
    assert _import(text, name="again.ach").report["status"] == "duplicate"
    assert Collection.objects.count() == 1


def test_termination_notices_are_reported_and_followed_up_on_the_case(cases):
    # DED09 "Y": the employee has been terminated (DED04 may be zero then)
    paid, ended, paid_and_ended = cases
    entries = [
        ded_entry(paid.case_number, "200.00", ssn=_ssn(paid)),
        ded_entry(ended.case_number, "0.00", ssn=_ssn(ended), terminated=True),
        ded_entry(paid_and_ended.case_number, "150.00", ssn=_ssn(paid_and_ended), terminated=True),
        ded_entry("NY-999999", "0.00", terminated=True),
    ]
    text = payment_file(entries, employer="ACME WIDGETS")
    imported = _import(text)
    report = imported.report
    assert (report["status"], report["entries"], report["posted"], report["notices"]) == ("imported", 2, 2, 2)
    assert Collection.objects.count() == 2 and report["total_amount"] == "350.00"
    assert [(n["line"], n["case_id"], n["amount"], n["terminated"]) for n in report["notice_entries"]] == [
        (5, ended.case_number, "0.00", True),
        (9, "NY-999999", "0.00", True),
    ]
    items = WorkItem.objects.filter(kind="employment_ended")
    assert {i.case_id for i in items} == {ended.pk, paid_and_ended.pk}
    for item in items:
        assert "ACME" not in item.title and "the employer" in item.title
        assert imported.reference in item.notes
    assert [t["case_id"] for t in report["terminations"]] == [
        ended.case_number,
        paid_and_ended.case_number,
        "NY-999999",
    ]
    assert report["terminations"][2]["work_item"] is None  # no such case: listed for a person to look at
    # the same file again, or the same entries in a rebuilt file, raise nothing twice
    assert _import(text, name="again.ach").report["status"] == "duplicate"
    rebuilt = _import(payment_file(entries, employer="ACME WIDGETS", modifier="B"), name="rebuilt.ach").report
    assert (rebuilt["status"], rebuilt["duplicates"], rebuilt["notices"]) == ("imported", 2, 2)
    assert WorkItem.objects.filter(kind="employment_ended").count() == 2
    assert Collection.objects.count() == 2


def test_a_termination_ends_the_employment_and_its_withholding_order_not_the_support_order():
    # given an NCP employed at ACME (FEIN 131234567, the file's company id) with an income
    # withholding order in force there, and employed elsewhere too
    from cases.models import Employment, SupportOrder
    from core.models import DomainEvent
    from enforcement.models import IncomeWithholdingOrder
    from enforcement.services.withholding import current_employments, iwo_reconcile_action
    from tests.cases.factories import EmployerFactory, EmploymentFactory
    from tests.enforcement.iwo_factories import active_withholding_action

    acme = EmployerFactory(name="ACME WIDGETS", fein="131234567")
    action = active_withholding_action(employer=acme)
    case = action.case
    other_job = EmploymentFactory(person=case.ncp, started_on=date(2025, 3, 1))
    assert len(iwo_reconcile_action(action=action, on=date(2026, 11, 2))) == 2  # an original to each employer
    iwo = IncomeWithholdingOrder.objects.get(action=action, employer=acme)
    other_iwo = IncomeWithholdingOrder.objects.get(action=action, employer=other_job.employer)
    # when ACME's payment file says the employee was terminated (DED09 "Y", pay date Nov 18)
    entries = [ded_entry(case.case_number, "0.00", ssn=_ssn(case), terminated=True)]
    imported = _import(payment_file(entries, employer="ACME WIDGETS"))
    # then the employment at ACME ends on the entry's pay date; the other one does not
    ended = Employment.objects.get(person=case.ncp, employer=acme)
    assert ended.ended_on == date(2026, 11, 18)
    other_job.refresh_from_db()
    assert other_job.ended_on is None
    assert [e.employer for e in current_employments(case=case, on=date(2026, 11, 23))] == [other_job.employer]
    # and the withholding order at ACME is no longer in force (the other employer's is)
    iwo.refresh_from_db()
    other_iwo.refresh_from_db()
    assert (iwo.ended_on, other_iwo.ended_on) == (date(2026, 11, 18), None)
    # and the support order itself stands (an employer cannot end a court order)
    assert SupportOrder.objects.get(case=case).status == "active"
    # and the caseworker still gets the work item, which never names the employer (FVI)
    item = WorkItem.objects.get(kind="employment_ended", case=case)
    assert "ACME" not in item.title and "ACME" not in item.notes
    assert "ended on Nov 18, 2026" in item.notes and "look for a new employer" in item.notes
    event = DomainEvent.objects.get(verb="withholding.employment_ended", case_id=case.pk)
    assert "ACME" not in event.summary and iwo.control_number in event.summary
    assert imported.report["terminations"][0]["employment_ended"] is True
    # and a re-sent notice changes nothing more; the reconcile issues ACME no new order
    _import(payment_file(entries, employer="ACME WIDGETS", modifier="B"), name="rebuilt.ach")
    assert DomainEvent.objects.filter(verb="withholding.employment_ended").count() == 1
    assert iwo_reconcile_action(action=action, on=date(2026, 11, 23)) == []


def test_a_late_termination_notice_does_not_end_an_order_issued_after_its_pay_date():
    """The NCP left ACME and came back: an order issued after the termination's pay date (Nov 18)
    is the new job's and stays in force, whatever the old entry says."""
    from enforcement.models import IncomeWithholdingOrder
    from enforcement.services.withholding import iwo_reconcile_action
    from tests.cases.factories import EmployerFactory
    from tests.enforcement.iwo_factories import active_withholding_action

    acme = EmployerFactory(name="ACME WIDGETS", fein="131234567")
    action = active_withholding_action(employer=acme)
    case = action.case
    iwo_reconcile_action(action=action, on=date(2026, 11, 2))
    iwo = IncomeWithholdingOrder.objects.get(action=action, employer=acme)
    IncomeWithholdingOrder.objects.filter(pk=iwo.pk).update(issued_on=date(2026, 11, 20))  # the rehire's order
    entries = [ded_entry(case.case_number, "0.00", ssn=_ssn(case), terminated=True)]
    _import(payment_file(entries, employer="ACME WIDGETS"))
    iwo.refresh_from_db()
    assert iwo.ended_on is None


def test_a_termination_ends_the_withholding_at_that_employer_on_the_ncps_other_open_cases():
    # given an NCP with two open cases, each with an income withholding order in force at ACME,
    # and the second case with an order at another employer too
    from core.models import DomainEvent
    from enforcement.models import IncomeWithholdingOrder
    from enforcement.services.withholding import iwo_reconcile_action
    from tests.cases.factories import EmployerFactory, EmploymentFactory
    from tests.enforcement.factories import delinquent_case
    from tests.enforcement.iwo_factories import active_withholding_action

    acme = EmployerFactory(name="ACME WIDGETS", fein="131234567")
    named = active_withholding_action(employer=acme)
    ncp = named.case.ncp
    other = active_withholding_action(employer=acme, case=delinquent_case(ncp=ncp, unassigned="900.00"))
    ncp.employments.filter(employer=acme).exclude(
        pk=ncp.employments.filter(employer=acme).order_by("pk")[0].pk
    ).delete()
    elsewhere = EmploymentFactory(person=ncp, started_on=date(2025, 3, 1)).employer
    iwo_reconcile_action(action=named, on=date(2026, 11, 2))
    iwo_reconcile_action(action=other, on=date(2026, 11, 2))
    named_acme = IncomeWithholdingOrder.objects.get(case=named.case, employer=acme)
    other_acme = IncomeWithholdingOrder.objects.get(case=other.case, employer=acme)
    other_elsewhere = IncomeWithholdingOrder.objects.get(case=other.case, employer=elsewhere)
    # when ACME's payment file reports the NCP terminated on the first case only
    entries = [ded_entry(named.case.case_number, "0.00", ssn=_ssn(named.case), terminated=True)]
    _import(payment_file(entries, employer="ACME WIDGETS"))
    # then the orders at ACME on both cases are no longer in force, from the entry's pay date;
    # the order at the other employer stays in force
    for order in (named_acme, other_acme, other_elsewhere):
        order.refresh_from_db()
    assert (named_acme.ended_on, other_acme.ended_on) == (date(2026, 11, 18), date(2026, 11, 18))
    assert other_elsewhere.ended_on is None
    # and the other case's history says so as the named case's does, naming no employer (FVI)
    event = DomainEvent.objects.get(verb="withholding.employment_ended", case_id=other.case.pk)
    assert other_acme.control_number in event.summary and "no longer in force" in event.summary
    assert "ACME" not in event.summary and event.data["withholding_orders"] == [other_acme.pk]
    assert (
        other.case.case_number
        not in DomainEvent.objects.get(verb="withholding.employment_ended", case_id=named.case.pk).summary
    )
    # and the named case's work item says how many other cases' orders were ended
    item = WorkItem.objects.get(kind="employment_ended", case=named.case)
    assert "on 1 other case of the NCP" in item.notes and "ACME" not in item.notes
    assert not WorkItem.objects.filter(kind="employment_ended", case=other.case).exists()
    # and a re-sent notice changes nothing more
    _import(payment_file(entries, employer="ACME WIDGETS", modifier="B"), name="rebuilt.ach")
    assert DomainEvent.objects.filter(verb="withholding.employment_ended").count() == 2


def test_a_termination_from_an_employer_not_on_file_only_raises_the_work_item(cases):
    from cases.models import Employment
    from tests.cases.factories import EmploymentFactory

    case = cases[0]
    job = EmploymentFactory(person=case.ncp)  # another employer than the file's company
    imported = _import(payment_file([ded_entry(case.case_number, "0.00", ssn=_ssn(case), terminated=True)]))
    assert Employment.objects.get(pk=job.pk).ended_on is None
    item = WorkItem.objects.get(kind="employment_ended", case=case)
    assert "The employer is not on file: end the NCP's job on the person page (Employment: End this job)." in item.notes
    assert imported.report["terminations"][0]["employment_ended"] is False


def test_a_termination_from_an_employer_the_ncp_has_no_employment_with_says_so(cases):
    from tests.cases.factories import EmployerFactory

    EmployerFactory(name="ACME WIDGETS", fein="131234567")
    case = cases[0]
    imported = _import(payment_file([ded_entry(case.case_number, "0.00", ssn=_ssn(case), terminated=True)]))
    item = WorkItem.objects.get(kind="employment_ended", case=case)
    assert "No employment of the NCP with this employer is on file." in item.notes and "ACME" not in item.notes
    assert imported.report["terminations"][0]["employment_ended"] is False


def test_file_page_lists_notices_and_terminations(cases, client_as):
    case = cases[0]
    imported = _import(payment_file([ded_entry(case.case_number, "0.00", ssn=_ssn(case), terminated=True)]))
    page = client_as("enforcement_specialist").get(reverse("enforcement:paymentfile_detail", args=[imported.pk]))
    content = page.content.decode()
    assert 'data-testid="notice-entries"' in content and 'data-testid="terminations"' in content
    assert "Work item raised on the case" in content


def test_remit_due_by_counts_business_days():
    assert remit_due_by(date(2026, 11, 10)) == date(2026, 11, 20)  # 11-11 Veterans Day is a holiday


# --- command --------------------------------------------------------------------------------------


def test_command_prints_json_report(cases, tmp_path, capsys):
    path = tmp_path / "pay.ach"
    path.write_text(payment_file([ded_entry(cases[0].case_number, "10.00", ssn=_ssn(cases[0]))]))
    call_command("import_payments", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert {k: report[k] for k in ("entries", "posted", "held", "duplicates")} == {
        "entries": 1,
        "posted": 1,
        "held": 0,
        "duplicates": 0,
    }
    call_command("import_payments", str(path), "--json")  # the same file: exit 0
    assert json.loads(capsys.readouterr().out)["duplicates"] == 1


def test_command_exits_non_zero_on_a_rejected_file(tmp_path):
    path = tmp_path / "bad.ach"
    path.write_text("01,BANK,SDU,261120,0800,1,,,2/\n")
    with pytest.raises(CommandError):
        call_command("import_payments", str(path))
    assert Collection.objects.count() == 0


# --- API ------------------------------------------------------------------------------------------

URL = "/api/v1/payment-files/"


def _upload(api, text: str | bytes, name: str = "pay.ach"):
    content = text.encode() if isinstance(text, str) else text
    return api.post(URL, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_api_answers_201_then_200_for_the_same_file(cases, api_client_with):
    api = api_client_with("payment_files:write", agency="Acme Payroll")
    text = payment_file([ded_entry(c.case_number, "20.00", ssn=_ssn(c)) for c in cases])
    first = _upload(api, text)
    assert first.status_code == 201, first.content
    assert first.json()["posted"] == 3
    second = _upload(api, text)
    assert second.status_code == 200
    assert (second.json()["duplicates"], second.json()["posted"]) == (3, 0)


def test_api_reports_padded_records(cases, api_client_with):
    api = api_client_with("payment_files:write", agency="Acme Payroll")
    text = "\n".join(
        r.rstrip(" ") for r in payment_file([ded_entry(cases[0].case_number, "20.00", ssn=_ssn(cases[0]))]).splitlines()
    )
    response = _upload(api, text)
    assert response.status_code == 201
    assert response.json()["padded"] == sum(1 for r in text.splitlines() if len(r) < 94) > 0


def test_api_refuses_a_record_longer_than_94(cases, api_client_with):
    api = api_client_with("payment_files:write")
    lines = payment_file([ded_entry(cases[0].case_number, "20.00", ssn=_ssn(cases[0]))]).splitlines()
    lines[1] += "X"
    response = _upload(api, "\n".join(lines))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 2, "reason": "record is 95 characters long; NACHA records are 94"}]
    assert Collection.objects.count() == 0


def test_api_answers_400_with_the_report_for_a_bad_file(api_client_with):
    api = api_client_with("payment_files:write")
    response = _upload(api, b"\x00\x01garbage")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "rejected" and body["errors"][0]["line"] == 1
    assert Collection.objects.count() == 0


def test_api_missing_file_is_a_field_error(api_client_with):
    api = api_client_with("payment_files:write")
    response = api.post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["status"] == "rejected"
    assert response.json()["errors"][0]["line"] == 0 and response.json()["errors"][0]["reason"].startswith("file:")


def test_api_needs_the_write_scope(api_client_with, cases):
    api = api_client_with("payment_files:read")
    assert _upload(api, payment_file([ded_entry("NY-1", "1.00")])).status_code == 403


def test_api_query_count_does_not_grow_per_entry_beyond_the_ledger(
    cases, api_client_with, django_assert_max_num_queries
):
    api = api_client_with("payment_files:write")
    text = payment_file([ded_entry("NY-999999", "5.00", ssn="123456789")])
    with django_assert_max_num_queries(40):
        assert _upload(api, text).status_code == 201


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_api_never_500_and_never_partial_on_fuzzed_files(api_client_with, data):
    api = api_client_with("payment_files:write", agency="Fuzz")
    response = _upload(api, data)
    assert response.status_code in {200, 201, 400}
    assert Collection.objects.count() == 0


# --- upload page (Celery task, eager in tests) ------------------------------------------------------


def test_upload_page_imports_through_the_task(cases, client_as, django_capture_on_commit_callbacks):
    client = client_as("enforcement_specialist")
    text = payment_file([ded_entry(cases[0].case_number, "30.00", ssn=_ssn(cases[0]))])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enforcement:paymentfile_upload"), {"file": SimpleUploadedFile("p.ach", text.encode())}
        )
    assert response.status_code == 302
    payment_file_row = PaymentFile.objects.get()
    assert payment_file_row.status == PaymentFileStatus.IMPORTED and payment_file_row.posted == 1
    page = client.get(response.url)
    assert b"Posted" in page.content and b'http-equiv="refresh"' not in page.content


def test_detail_page_refreshes_while_pending(client_as):
    from tests.enforcement.file_factories import PaymentFileFactory

    pending = PaymentFileFactory(status=PaymentFileStatus.PENDING)
    page = client_as("coordinator").get(reverse("enforcement:paymentfile_detail", args=[pending.pk]))
    assert b'http-equiv="refresh"' in page.content and b"<progress" in page.content


def test_task_is_idempotent(cases):
    from enforcement.services.payments import payment_file_receive
    from enforcement.tasks import import_payment_file

    text = payment_file([ded_entry(cases[0].case_number, "30.00", ssn=_ssn(cases[0]))])
    row = payment_file_receive(name="p.ach", content=text.encode(), via=FileVia.UPLOAD)
    assert import_payment_file(row.pk) == "imported"
    assert import_payment_file(row.pk) == "imported"  # a redelivered task repeats nothing
    assert Collection.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("enforcement_specialist", True),
        ("coordinator", True),
        ("caseworker", False),
        ("ombudsperson", False),
    ],
)
def test_who_may_upload(client_as, role, allowed):
    response = client_as(role).get(reverse("enforcement:paymentfile_upload"))
    assert response.status_code == (200 if allowed else 403)


def test_list_page_query_count(client_as, django_assert_max_num_queries):
    from tests.enforcement.file_factories import PaymentFileFactory

    client = client_as("coordinator")
    PaymentFileFactory()
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("enforcement:paymentfile_list"))
    PaymentFileFactory.create_batch(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("enforcement:paymentfile_list")).status_code == 200

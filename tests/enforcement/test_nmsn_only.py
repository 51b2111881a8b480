"""The National Medical Support Notice without cash to withhold (45 CFR 303.32(c)): an order that
requires health care coverage reaches the employer by the NMSN alone (an "NMSN only" notice, kind
``NMS``) when there is nothing to withhold in cash, and the employer is told once when there is no
longer a current order for medical support (its termination, kind ``NMT``; 303.32(c)(7))."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from cases.choices import ObligationKind, OrderEndReason
from cases.models import Employment, Obligation
from cases.services.order_end import order_end
from core.models import DomainEvent
from enforcement.choices import IwoDelivery, IwoKind
from enforcement.iwo import PAYROLL_ADDRESS, iwo_pdf
from enforcement.models import IncomeWithholdingOrder
from enforcement.services.actions import action_end
from enforcement.services.withholding import iwo_reconcile, iwo_reconcile_action
from tests.conftest import needs_postgres
from tests.enforcement.iwo_factories import active_withholding_action, add_obligation, set_arrears
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def medical_only(**kwargs):
    """An active withholding action on an order that requires health coverage and orders no cash."""
    action = active_withholding_action(health=True, **kwargs)
    Obligation.objects.filter(order__case=action.case).delete()
    return action


def test_a_medical_only_order_sends_the_employer_one_nmsn_only_notice():
    # given: an order requiring coverage, no cash line, the NCP employed
    action = medical_only(eiwo=True)
    # when: the reconcile runs, then runs again (the nightly task, a re-run after a killed worker)
    [notice] = iwo_reconcile_action(action=action, on=ON)
    # then: one NMSN-only notice, on paper (the e-IWO has no document type for it), in force
    assert (notice.kind, notice.health_coverage_required, notice.supersedes_id) == (IwoKind.NMSN, True, None)
    assert notice.delivery == IwoDelivery.PAPER and notice.total_per_frequency == 0 and notice.in_force
    assert iwo_reconcile_action(action=action, on=ON) == []
    assert iwo_reconcile(on=date(2026, 12, 1)) == dict.fromkeys(IwoKind.values, 0) | {"errors": 0}
    assert IncomeWithholdingOrder.objects.filter(action=action).count() == 1
    event = DomainEvent.objects.get(verb="withholding.nmsn_issued")
    assert event.data["control_number"] == notice.control_number
    # the PDF is Part A alone, and says no cash is to be withheld
    text = pdf_text(iwo_pdf(notice))
    assert "NATIONAL MEDICAL SUPPORT NOTICE" in text and "Part A" in text
    assert "INCOME WITHHOLDING FOR SUPPORT" not in text
    assert (
        "sent without an income withholding order" in text.lower() and "do not withhold child support" in text.lower()
    )
    assert "Employee Mailing Address 44 Elm Street, Albany, NY 12203" in text


def test_the_database_refuses_a_second_first_nmsn_for_one_job():
    from django.db import IntegrityError, transaction

    action = medical_only()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    again = {
        f.name: getattr(notice, f.name) for f in notice._meta.concrete_fields if f.name not in ("id", "control_number")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeWithholdingOrder.objects.create(**again)


def test_cash_paid_off_with_coverage_still_required_terminates_withholding_and_keeps_the_nmsn():
    # given: an arrears-only order requiring coverage, withheld from (IWO with its NMSN)
    action = active_withholding_action(health=True, monthly="400.00", arrears="2600.00")
    case = action.case
    Obligation.objects.filter(order__case=case).delete()
    add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    [original] = iwo_reconcile_action(action=action, on=ON)
    assert original.kind == IwoKind.ORIGINAL and original.health_coverage_required
    # when: the arrears are paid in full
    set_arrears(case, "0")
    termination, notice = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    # then: the cash withholding ends (TRM) and the coverage goes on under an NMSN-only notice
    assert (termination.kind, termination.supersedes_id) == (IwoKind.TERMINATION, original.pk)
    assert (notice.kind, notice.supersedes_id, notice.health_coverage_required) == (IwoKind.NMSN, termination.pk, True)
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []
    trm = pdf_text(iwo_pdf(termination))
    assert "Stop withholding for this order" in trm
    assert "does not end the health care coverage" in trm and notice.control_number in trm
    assert "no longer a current order for medical support" not in trm
    nms = pdf_text(iwo_pdf(notice))
    assert termination.control_number in nms and "stays in effect" in nms


def test_an_order_that_ends_tells_the_employer_once_that_medical_support_ended(make_user):
    worker = make_user("caseworker")
    action = medical_only()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    with time_machine.travel(datetime(2026, 12, 2, 17, tzinfo=UTC), tick=False):
        order_end(
            order=action.case.orders.get(),
            ends_on=date(2026, 12, 1),
            reason=OrderEndReason.EMANCIPATED,
            by=worker,
            arrears_end=True,
        )
    [ended] = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    assert (ended.kind, ended.supersedes_id, ended.health_coverage_required) == (
        IwoKind.NMSN_TERMINATION,
        notice.pk,
        False,
    )
    notice.refresh_from_db()
    assert notice.ended_on == date(2026, 12, 3) and not notice.in_force
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []
    assert DomainEvent.objects.filter(verb="withholding.nmsn_terminated").count() == 1
    text = pdf_text(iwo_pdf(ended))
    assert "no longer a current order for medical support" in text and notice.control_number in text
    assert "Termination Order/Notice (Optional)" in text
    assert "INCOME WITHHOLDING FOR SUPPORT" not in text


def test_coverage_no_longer_required_or_the_action_released_ends_the_nmsn_once():
    action = medical_only()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    order = action.case.orders.get()
    order.health_coverage_required = False
    order.save()
    [ended] = iwo_reconcile_action(action=action, on=date(2026, 12, 1))
    assert (ended.kind, ended.supersedes_id) == (IwoKind.NMSN_TERMINATION, notice.pk)
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 2)) == []


def test_releasing_the_action_ends_the_nmsn_once():
    released = medical_only()
    [notice] = iwo_reconcile_action(action=released, on=ON)
    action_end(action=released, by=None, release=True, reason="paid_up", note="closed", on=ON)
    ended = IncomeWithholdingOrder.objects.get(action=released, kind=IwoKind.NMSN_TERMINATION)
    assert ended.supersedes_id == notice.pk
    assert iwo_reconcile_action(action=released, on=date(2026, 12, 2)) == []


def test_an_iwo_with_its_nmsn_terminated_when_the_action_ends_says_the_nmsn_ends_too():
    action = active_withholding_action(health=True)
    [original] = iwo_reconcile_action(action=action, on=ON)
    action_end(action=action, by=None, release=True, reason="paid_up", note="paid in full", on=ON)
    termination = IncomeWithholdingOrder.objects.get(action=action, kind=IwoKind.TERMINATION)
    text = pdf_text(iwo_pdf(termination))
    assert "no longer a current order for medical support" in text and "303.32" in text
    assert not IncomeWithholdingOrder.objects.filter(action=action, kind=IwoKind.NMSN).exists()


def test_a_new_cash_order_replaces_the_nmsn_only_notice_with_an_iwo_carrying_the_nmsn():
    action = medical_only()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    add_obligation(action.case, kind=ObligationKind.CURRENT_SUPPORT, amount="300.00")
    [original] = iwo_reconcile_action(action=action, on=date(2026, 12, 1))
    assert (original.kind, original.supersedes_id, original.health_coverage_required) == (
        IwoKind.ORIGINAL,
        notice.pk,
        True,
    )
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 2)) == []


def test_an_fvi_employee_address_is_not_printed_on_the_nmsn_only_notice():
    action = medical_only()
    ncp = action.case.ncp
    ncp.family_violence = True
    ncp.save()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    text = pdf_text(iwo_pdf(notice))
    assert f"Employee Mailing Address {PAYROLL_ADDRESS}" in text and "44 Elm Street" not in text
    assert "violence" not in text.lower()


def test_a_job_awaiting_confirmation_gets_nothing():
    action = medical_only()
    Employment.objects.filter(person=action.case.ncp).update(awaits_confirmation=True)
    assert iwo_reconcile_action(action=action, on=ON) == []
    assert not IncomeWithholdingOrder.objects.exists()


def test_the_employer_reporting_the_job_ended_ends_the_nmsn_only_notice():
    from enforcement.services.payments import withholding_orders_at_employer

    action = medical_only()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    employment = Employment.objects.get(person=action.case.ncp)
    orders, _ = withholding_orders_at_employer(
        ncp=action.case.ncp, employer=employment.employer, on=date(2026, 12, 5), case=action.case
    )
    assert orders == [notice]


def test_a_user_of_another_county_is_refused_the_notice_and_its_pdf(client_as, role_user):
    action = medical_only()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    client = client_as("caseworker")
    assert client.get(reverse("enforcement:iwo_pdf", args=[notice.pk])).status_code == 200
    page = client.get(reverse("enforcement:action_detail", args=[action.pk]))
    assert notice.control_number.encode() in page.content and b"Medical support notice" in page.content
    user = role_user("caseworker")
    user.county = "Bronx"
    user.save()
    assert client.get(reverse("enforcement:iwo_detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("enforcement:iwo_pdf", args=[notice.pk])).status_code == 404


def test_a_new_hire_on_a_medical_only_case_follows_the_iwo_path_and_gets_the_nmsn():
    """45 CFR 303.32(c)(2): the NMSN goes to the employer within two business days after the
    employee's entry in the State Directory of New Hires. A medical-only case goes through the
    new-hire rule as a cash case does (an action due in 2 business days, a work item); once the
    action is active the reconcile sends the new employer the NMSN alone, on the day it runs."""
    from cases.models import Employer, WorkItem
    from enforcement.choices import ActionStatus, FileVia, Remedy
    from enforcement.models import EnforcementAction
    from enforcement.services.partner_files import partner_file_submit
    from tests.enforcement.factories import delinquent_case
    from tests.enforcement.partner_files_data import new_hire_file, w4

    case = delinquent_case(unassigned="0")
    order = case.orders.get()
    order.health_coverage_required = True
    order.save()
    Obligation.objects.filter(order__case=case).delete()
    with time_machine.travel(date(2026, 11, 24), tick=False):
        partner_file_submit(
            kind="new-hires", name="nh.txt", content=new_hire_file([w4(case.ncp.ssn)]), via=FileVia.COMMAND
        )
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.INCOME_WITHHOLDING)
    # entered Monday 23 November 2026 → due Wednesday 25 November (Thanksgiving is the 26th)
    assert action.status == ActionStatus.PROPOSED and action.timeframe_due_on == date(2026, 11, 25)
    assert WorkItem.objects.get(case=case, kind="iwo_new_hire").due_on == date(2026, 11, 25)
    EnforcementAction.objects.filter(pk=action.pk).update(status=ActionStatus.ACTIVE, activated_on=date(2026, 11, 24))
    [notice] = iwo_reconcile_action(action=action, on=date(2026, 11, 24))
    assert notice.kind == IwoKind.NMSN and notice.employer == Employer.objects.get(fein="141234567")


def test_an_amendment_that_drops_the_coverage_tells_the_employer_the_nmsn_ended():
    action = active_withholding_action(health=True)
    [original] = iwo_reconcile_action(action=action, on=ON)
    order = action.case.orders.get()
    order.health_coverage_required = False
    order.save()
    [amended] = iwo_reconcile_action(action=action, on=date(2026, 12, 1))
    assert (amended.kind, amended.health_coverage_required) == (IwoKind.AMENDED, False)
    content = iwo_pdf(amended)
    text = pdf_text(content)
    assert original.control_number in text and "no longer a current order for medical support" in text
    # the longer page one is laid out tighter and keeps the signature block whole (it used to move
    # to a page 2 that held nothing else): no page carries the signature alone
    from io import BytesIO

    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(BytesIO(content)).pages]
    assert len(pages) == 2 and "Print Name of the Issuing Official" in pages[0]
    assert "Caseworks County Child Support Unit" in pages[0]
    assert "Part A - Notice to Withhold" not in text
    # an amendment keeping the coverage says nothing of it
    add_obligation(action.case, kind=ObligationKind.MEDICAL_SUPPORT, amount="20.00")
    order.health_coverage_required = True
    order.save()
    [again] = iwo_reconcile_action(action=action, on=date(2026, 12, 2))
    assert "no longer a current order for medical support" not in pdf_text(iwo_pdf(again))


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_reconciles_at_once_send_the_employer_one_nmsn():
    """The nightly task and "Issue what is due now" at the same moment: the action's row lock makes
    the second wait and find the notice in force; the database would refuse a second anyway."""
    import threading

    from django.db import connection

    action = medical_only()
    barrier, outcomes = threading.Barrier(2), []

    def reconcile():
        barrier.wait()
        try:
            outcomes.append([iwo.kind for iwo in iwo_reconcile_action(action=action, on=ON)])
        finally:
            connection.close()

    threads = [threading.Thread(target=reconcile) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [[], [IwoKind.NMSN]]
    assert IncomeWithholdingOrder.objects.filter(action=action).count() == 1

"""Income withholding orders: issued when the action is active, amended, terminated, lump sums,
the PDF laid out like the federal form (OMB 0970-0154) with the NMSN where coverage is ordered."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import import_module
from io import BytesIO, StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from cases.choices import ObligationKind, OrderEndReason
from cases.models import Case, CaseBalance, Employment, Obligation, SupportOrder, WorkItem
from cases.services import charges_accrue, collection_post
from cases.services.court_orders import order_create_from_court
from cases.services.order_end import order_end
from core.legal_seed import SEED_ROWS
from core.letters import office_address_lines
from core.models import DomainEvent, LegalParameter
from enforcement.choices import IwoAckStatus, IwoDelivery, IwoKind
from enforcement.iwo import iwo_pdf
from enforcement.models import IncomeWithholdingOrder
from enforcement.services.actions import action_end
from enforcement.services.eiwo import detail_record
from enforcement.services.withholding import (
    IWO_DECIDE_WORK_KIND,
    iwo_figures,
    iwo_lump_sum_request,
    iwo_reconcile,
    iwo_reconcile_action,
    order_in_force,
    order_in_force_q,
    sdu_for,
)
from tests.cases.factories import CaseFactory, ObligationFactory, SupportOrderFactory
from tests.conftest import needs_postgres
from tests.enforcement.factories import delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action, add_obligation, set_arrears

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader sees it (pypdf through the ToUnicode maps: the DejaVu glyphs are
    embedded as CIDs, so the raw streams do not carry the letters)."""
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return " ".join(text.split())  # a line break in the layout is a space to the reader


def test_an_active_action_for_an_employed_ncp_issues_one_original():
    action = active_withholding_action()
    issued = iwo_reconcile_action(action=action, on=ON)
    assert [iwo.kind for iwo in issued] == [IwoKind.ORIGINAL]
    iwo = issued[0]
    assert iwo.control_number == f"36IWO{iwo.pk:012d}"
    assert iwo.remittance_id == action.case.case_number  # the DED addenda's case id
    assert iwo.delivery == IwoDelivery.PAPER
    assert iwo.current_support == Decimal("433.33") and iwo.order_frequency == "monthly"
    assert iwo.per_weekly == Decimal("100.00") and iwo.per_biweekly == Decimal("200.00")
    assert iwo.per_semimonthly == Decimal("216.67") and iwo.per_monthly == Decimal("433.33")
    # 2,600 of arrears and no support charged in the 12 weeks before: support owed for an earlier
    # period → 55 % (15 USC 1673(b)(2)).
    assert iwo.arrears_over_12_weeks and iwo.withholding_limit_percent == 55
    assert (
        DomainEvent.objects.filter(verb="withholding.order_issued", data__kind="ORG", case_id=action.case_id).count()
        == 1
    )
    # Idempotent: again issues nothing.
    assert iwo_reconcile_action(action=action, on=ON) == []
    assert IncomeWithholdingOrder.objects.count() == 1


def _paying_each_month_but(missed: set[int], *, monthly: str = "433.33"):
    """An active withholding action on a case whose order of ``monthly`` a month is due on the 1st
    from January 2026; the NCP paid exactly the month's support on the 10th of every month through
    November 2026 except the months in ``missed``; accrued through ON. Each payment pays that
    month's current support (45 CFR 302.51(a)), so the missed months stay owed as arrears."""
    action = active_withholding_action(monthly=monthly, arrears="0.00")
    case = action.case
    SupportOrder.objects.filter(case=case).update(issued_on=date(2026, 1, 1), effective_on=date(2026, 1, 1))
    Obligation.objects.filter(order__case=case).update(start_on=date(2026, 1, 1))
    for month in range(1, 12):
        day = date(2026, month, 10)
        with time_machine.travel(datetime(2026, month, 10, 17, tzinfo=UTC), tick=False):
            charges_accrue(through=day)
            if month not in missed:
                collection_post(
                    case_number=case.case_number,
                    amount=Decimal(monthly),
                    received_on=day,
                    source="direct_payment",
                    source_reference=f"P-{case.pk}-{month}",
                    received_via="form",
                )
    with time_machine.travel(datetime(2026, 11, 30, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=ON)
    return action


@pytest.mark.parametrize(
    ("missed", "over", "limit"),
    [
        # One month missed six months ago, current support paid every month since: the $433.33
        # owed is less than 12 weeks of support ($1,200) but is support for a period before the
        # 12 weeks (September 7 to November 30): 55 %.
        ({5}, True, 55),
        ({9}, True, 55),  # September 1 is 90 days before November 30
        ({10}, False, 50),  # October 1 is within the 12 weeks: nothing owed is older
        ({10, 11}, False, 50),  # November's support is still this month's current support
        (set(), False, 50),  # nothing owed
    ],
)
def test_arrears_older_than_12_weeks_raise_the_ccpa_limit_whatever_their_amount(missed, over, limit):
    """15 USC 1673(b)(2): the 50 % and 60 % become 55 % and 65 % "if and to the extent that such
    earnings are subject to garnishment to enforce a support order with respect to a period which is
    prior to the twelve-week period which ends with the beginning of such workweek": the age of the
    support owed decides, not its amount (red team rtlaw)."""
    action = _paying_each_month_but(missed)
    assert CaseBalance.objects.get(case=action.case).total_arrears == Decimal("433.33") * len(missed - {11})
    figures = iwo_figures(case=action.case, on=ON)
    assert figures.arrears_over_12_weeks is over
    assert figures.withholding_limit_percent == limit
    # The paper form's box and the e-IWO record's indicator read the same frozen figure.
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    assert iwo.arrears_over_12_weeks is over and iwo.withholding_limit_percent == limit
    record = detail_record(iwo, ssn="500000001", sdu=sdu_for(iwo.case.jurisdiction), on=ON)
    assert record["arrears_over_12_weeks"] == ("Y" if over else "N")
    text = pdf_text(iwo_pdf(iwo))
    assert f"Arrears greater than 12 weeks on this order: {'yes' if over else 'no'}." in text


def test_old_family_arrears_left_after_a_payment_to_newer_assigned_arrears_are_older_than_12_weeks():
    """Red team (rt2): under current assistance a payment beyond current support pays the assigned
    arrears first (42 USC 657(a)(1)). Those are the newest here, so what stays owed is May's
    support, six months old; assuming arrears are paid oldest first across buckets said "no"."""
    action = active_withholding_action(monthly="433.33", arrears="0.00")
    case = action.case
    SupportOrder.objects.filter(case=case).update(issued_on=date(2026, 1, 1), effective_on=date(2026, 1, 1))
    Obligation.objects.filter(order__case=case).update(start_on=date(2026, 1, 1))

    def pay(day, amount, ref):
        collection_post(
            case_number=case.case_number,
            amount=Decimal(amount),
            received_on=day,
            source="direct_payment",
            source_reference=ref,
            received_via="form",
        )

    for month in range(1, 12):
        day = date(2026, month, 10)
        with time_machine.travel(datetime(2026, month, 10, 17, tzinfo=UTC), tick=False):
            if month == 9:  # the family starts receiving assistance (TANF) in September
                Case.objects.filter(pk=case.pk).update(assistance_status="current")
            charges_accrue(through=day)
            if month == 11:
                pay(day, "866.66", "P-NOV")  # November's support and $433.33 more
            elif month not in (5, 10):
                pay(day, "433.33", f"P-{month}")
    with time_machine.travel(datetime(2026, 11, 30, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=ON)
        balance = CaseBalance.objects.get(case=case)
        # May's support (owed to the family) is what stays owed; October's (assigned) was paid
        assert (balance.unassigned_arrears, balance.assigned_arrears) == (Decimal("433.33"), Decimal("0.00"))
        figures = iwo_figures(case=case, on=ON)
    assert figures.arrears_over_12_weeks and figures.withholding_limit_percent == 55


def test_unpaid_support_turning_older_than_12_weeks_reaches_the_employer_once():
    """Red team (rt2): the age of what is owed decides the 55 % limit, so it changes with time alone;
    the reconcile compared the amounts only and never told the employer, who kept the lower limit."""
    # given: October's support unpaid, every other month paid; the original sent on November 30
    action = _paying_each_month_but({10})
    [original] = iwo_reconcile_action(action=action, on=ON)
    assert original.kind == IwoKind.ORIGINAL and not original.arrears_over_12_weeks
    assert original.withholding_limit_percent == 50
    case = action.case

    def paid_as_due(day: date) -> list[IncomeWithholdingOrder]:
        with time_machine.travel(datetime(day.year, day.month, day.day, 17, tzinfo=UTC), tick=False):
            charges_accrue(through=day)
            collection_post(
                case_number=case.case_number,
                amount=Decimal("433.33"),
                received_on=day,
                source="direct_payment",
                source_reference=f"P-{case.pk}-{day:%Y-%m}",
                received_via="form",
            )
            return iwo_reconcile_action(action=action, on=day)

    # when: December is paid as due; October's support is not yet 12 weeks old: nothing to tell
    assert paid_as_due(date(2026, 12, 10)) == []
    # when: January is paid as due; nothing else changes but October's age (12 weeks back: Oct 18)
    later = date(2027, 1, 10)
    amended = paid_as_due(later)
    # then: an amended order states the 55 % limit, and it is the one in force at the employer
    assert [iwo.kind for iwo in amended] == [IwoKind.AMENDED]
    assert amended[0].supersedes_id == original.pk
    in_force = IncomeWithholdingOrder.objects.get(action=action, ended_on__isnull=True, kind__in=["ORG", "AMD"])
    assert in_force.pk == amended[0].pk
    assert in_force.arrears_over_12_weeks and in_force.withholding_limit_percent == 55
    assert in_force.total_per_frequency == original.total_per_frequency  # the amounts are the same
    # and: the nightly reconcile run again that day, and the next days, sends nothing more
    with time_machine.travel(datetime(2027, 1, 10, 18, tzinfo=UTC), tick=False):
        assert iwo_reconcile_action(action=action, on=later) == []
    for day in (date(2027, 1, 11), date(2027, 1, 29)):
        with time_machine.travel(datetime(day.year, day.month, day.day, 17, tzinfo=UTC), tick=False):
            charges_accrue(through=day)
            assert iwo_reconcile_action(action=action, on=day) == []


def test_an_action_not_yet_active_or_an_unemployed_ncp_issues_nothing():
    proposed = active_withholding_action(status="noticed")
    assert iwo_reconcile_action(action=proposed, on=ON) == []
    active = active_withholding_action()
    Employment.objects.filter(person=active.case.ncp).update(ended_on=date(2026, 10, 1))
    assert iwo_reconcile_action(action=active, on=ON) == []


def test_an_order_change_issues_an_amendment_that_supersedes_the_original():
    action = active_withholding_action()
    original = iwo_reconcile_action(action=action, on=ON)[0]
    add_obligation(action.case, kind="arrears_repayment", amount="86.67")
    amended = iwo_reconcile_action(action=action, on=ON)
    assert [iwo.kind for iwo in amended] == [IwoKind.AMENDED]
    assert amended[0].supersedes_id == original.pk and amended[0].past_due_support == Decimal("86.67")
    assert amended[0].total_per_frequency == Decimal("520.00") and amended[0].per_weekly == Decimal("120.00")
    original.refresh_from_db()
    assert original.ended_on == ON
    assert iwo_reconcile_action(action=action, on=ON) == []


def test_an_order_changed_mid_month_is_amended_when_the_new_amount_begins():
    # given: an order in force since 2024 due on the 1st, with health coverage (NMSN), withheld
    action = active_withholding_action(health=True)
    order = action.case.orders.get()
    original = iwo_reconcile_action(action=action, on=date(2026, 11, 20))[0]
    # when: the court changes it to 650.00 a month from November 23
    new = order_create_from_court(
        case=action.case,
        order_number=order.order_number,
        court_name=order.court_name,
        monthly=Decimal("650.00"),
        effective_on=date(2026, 11, 23),
    )
    # then: November is owed (and withheld) at the old amount; the amendment goes out when the
    # new amount begins, December 1, and still orders the health coverage
    assert new.health_coverage_required
    assert iwo_figures(case=action.case, on=date(2026, 11, 24)).order == order
    assert iwo_reconcile_action(action=action, on=date(2026, 11, 24)) == []
    amended = iwo_reconcile_action(action=action, on=date(2026, 12, 1))
    assert [(iwo.kind, iwo.order_id, iwo.supersedes_id) for iwo in amended] == [(IwoKind.AMENDED, new.pk, original.pk)]
    assert amended[0].current_support == Decimal("650.00") and amended[0].health_coverage_required
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 2)) == []


def test_weekly_orders_state_their_amounts_per_week():
    action = active_withholding_action(monthly="0.00")
    obligation = action.case.orders.get().obligations.get()
    obligation.amount, obligation.frequency = Decimal("120.00"), "weekly"
    obligation.save()
    figures = iwo_figures(case=action.case, on=ON)
    assert figures.order_frequency == "weekly" and figures.total_per_frequency == Decimal("120.00")
    assert figures.per == {
        "weekly": Decimal("120.00"),
        "biweekly": Decimal("240.00"),
        "semimonthly": Decimal("260.00"),
        "monthly": Decimal("520.00"),
    }


def test_ending_the_action_terminates_the_order_in_force():
    action = active_withholding_action()
    original = iwo_reconcile_action(action=action, on=ON)[0]
    action_end(action=action, by=None, release=True, reason="paid_up", note="paid in full", on=ON)
    terminations = IncomeWithholdingOrder.objects.filter(kind=IwoKind.TERMINATION)
    assert [t.supersedes_id for t in terminations] == [original.pk]
    assert iwo_reconcile(on=ON)["TRM"] == 0  # already done


def test_a_lump_sum_goes_to_the_current_employer_without_stopping_the_order():
    action = active_withholding_action()
    original = iwo_reconcile_action(action=action, on=ON)[0]
    lump = iwo_lump_sum_request(action=action, amount=Decimal("1500"), by=None, on=ON)
    assert lump.kind == IwoKind.LUMP_SUM and lump.lump_sum_amount == Decimal("1500.00")
    original.refresh_from_db()
    assert original.in_force
    with pytest.raises(ValidationError):
        iwo_lump_sum_request(action=action, amount=Decimal("0"), by=None, on=ON)


def test_the_pdf_reads_like_the_federal_form():
    action = active_withholding_action(health=False)
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    content = iwo_pdf(iwo)
    assert content.startswith(b"%PDF")
    assert iwo_pdf(iwo) == content  # the same document every time it is printed
    text = pdf_text(content)
    assert "INCOME WITHHOLDING FOR SUPPORT" in text and "OMB No.: 0970-0154" in text
    assert iwo.control_number in text and action.case.case_number in text
    assert "433.33" in text and "100.00" in text and "216.67" in text  # per month, per week, twice a month
    assert "NYS Child Support Processing Center" in text and "PO Box 15363" in text
    assert "7 working days of the pay date" in text and "55% of disposable income" in text
    assert "15 U.S.C. 1673(b)" in text
    assert "44 Elm Street" not in text  # the IWO carries no address of the obligor
    assert "NATIONAL MEDICAL SUPPORT NOTICE" not in text


def test_an_order_requiring_health_coverage_sends_the_nmsn_without_the_custodial_parents_address():
    action = active_withholding_action(health=True)
    cp = action.case.cp
    from cases.models import Address

    Address.objects.create(
        person=cp, line1="9 Secret Court", city="Troy", state="NY", postal_code="12180", valid_from=date(2024, 1, 1)
    )
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    assert iwo.health_coverage_required
    text = pdf_text(iwo_pdf(iwo))
    assert "NATIONAL MEDICAL SUPPORT NOTICE" in text and "OMB No.: 0970-0222" in text
    assert "44 Elm Street" in text  # Part A asks for the employee's mailing address
    assert "Secret Court" not in text  # the agency stands in for the custodial parent ...
    assert office_address_lines()[0] in text  # ... with its own address


def test_iwo_pdf_command_writes_the_latest_order_and_refuses_an_unknown_action(tmp_path):
    action = active_withholding_action()
    out = tmp_path / "iwo.pdf"
    stdout = StringIO()
    call_command("iwo_pdf", str(action.pk), "--output", str(out), stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF")
    assert IncomeWithholdingOrder.objects.filter(action=action, kind="ORG").count() == 1
    assert "ORG" in stdout.getvalue()
    with pytest.raises(CommandError):
        call_command("iwo_pdf", "999999", "--output", str(tmp_path / "x.pdf"))


def test_arrears_figure_follows_the_balance():
    action = active_withholding_action(arrears="100.00")
    set_arrears(action.case, "5000.00")
    assert iwo_figures(case=action.case, on=ON).arrears_over_12_weeks


def test_the_same_lump_sum_again_the_same_day_is_refused():
    action = active_withholding_action()
    iwo_reconcile_action(action=action, on=ON)
    first = iwo_lump_sum_request(action=action, amount=Decimal("1500"), by=None, on=ON)
    with pytest.raises(ValidationError, match=f"already issued today \\({first.control_number}\\)"):
        iwo_lump_sum_request(action=action, amount=Decimal("1500.00"), by=None, on=ON)
    assert IncomeWithholdingOrder.objects.filter(kind=IwoKind.LUMP_SUM).count() == 1
    assert DomainEvent.objects.filter(verb="withholding.order_issued", data__kind="LUM").count() == 1
    # Another day (or another amount) is another lump sum.
    iwo_lump_sum_request(action=action, amount=Decimal("1500"), by=None, on=date(2026, 12, 1))
    assert IncomeWithholdingOrder.objects.filter(kind=IwoKind.LUMP_SUM).count() == 2


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_people_sending_the_same_lump_sum_at_once_send_one_order():
    import threading

    from django.db import connection

    action = active_withholding_action()
    iwo_reconcile_action(action=action, on=ON)
    barrier, outcomes = threading.Barrier(2), []

    def send():
        barrier.wait()
        try:
            outcomes.append(iwo_lump_sum_request(action=action, amount=Decimal("700"), by=None, on=ON).kind)
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert IncomeWithholdingOrder.objects.filter(kind=IwoKind.LUMP_SUM).count() == 1
    assert sorted(outcomes, key=len)[0] == IwoKind.LUMP_SUM and "already issued today" in sorted(outcomes, key=len)[1]


def test_the_data_check_finds_a_lump_sum_sent_twice_before_the_fix():
    from core.integrity import declared_checks

    (check,) = [c for c in declared_checks() if c.name == "enforcement.lump_sum_orders_sent_twice"]
    action = active_withholding_action()
    iwo_reconcile_action(action=action, on=ON)
    first = iwo_lump_sum_request(action=action, amount=Decimal("1500"), by=None, on=ON)
    iwo_lump_sum_request(action=action, amount=Decimal("1500"), by=None, on=date(2026, 12, 1))
    assert list(check.find()) == []  # another day is another lump sum
    # as a double click stored it before the fix: the same order again, same day
    IncomeWithholdingOrder.objects.filter(pk=first.pk).update(issued_on=date(2026, 12, 1))
    (row,) = check.find()
    assert row.reference == action.case.case_number
    assert row.detail == f"action {action.pk}: 2 lump sum orders of $1,500.00 to one employer on 2026-12-01"


def test_an_ended_support_order_keeps_withholding_its_running_arrears_repayment(make_user):
    """Red team (RTMONEY): after ``order_end`` with the repayment line kept (docs/ledger.md "Ending
    an order"), the employer is told to withhold the repayment and no current support, never a $0
    amendment with no order."""
    worker = make_user("caseworker")
    action = active_withholding_action(monthly="400.00", arrears="2600.00")
    case = action.case
    add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    [original] = iwo_reconcile_action(action=action, on=ON)
    assert (original.current_support, original.past_due_support) == (Decimal("400.00"), Decimal("100.00"))
    with time_machine.travel(datetime(2026, 12, 2, 17, tzinfo=UTC), tick=False):
        order_end(order=case.orders.get(), ends_on=date(2026, 12, 1), reason=OrderEndReason.EMANCIPATED, by=worker)
    issued = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    assert [i.kind for i in issued] == [IwoKind.AMENDED]
    amended = IncomeWithholdingOrder.objects.get(action=action, ended_on__isnull=True, kind__in=["ORG", "AMD"])
    assert amended.order_id == case.orders.get().pk
    assert (amended.current_support, amended.past_due_support) == (Decimal("0.00"), Decimal("100.00"))
    assert amended.total_per_frequency == Decimal("100.00")
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []  # issued once


def test_arrears_paid_in_full_take_the_past_due_line_off_the_order_once():
    """Red team (RTMONEY): the past-due line goes when the case's arrears are paid in full (a lump
    sum, a tax offset); the amendment is issued once, not every night."""
    action = active_withholding_action(monthly="400.00", arrears="2600.00")
    add_obligation(action.case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    [original] = iwo_reconcile_action(action=action, on=ON)
    assert original.past_due_support == Decimal("100.00")
    set_arrears(action.case, "0")
    [amended] = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    assert amended.kind == IwoKind.AMENDED
    assert (amended.current_support, amended.past_due_support) == (Decimal("400.00"), Decimal("0.00"))
    assert amended.total_per_frequency == Decimal("400.00") and amended.arrears_total == Decimal("0.00")
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []


def end_support(case, *, by, arrears_end: bool) -> None:
    """``order_end`` recorded on 2 December 2026: current support due through 1 December (the
    arrears-repayment line kept unless ``arrears_end``)."""
    with time_machine.travel(datetime(2026, 12, 2, 17, tzinfo=UTC), tick=False):
        order_end(
            order=case.orders.get(),
            ends_on=date(2026, 12, 1),
            reason=OrderEndReason.EMANCIPATED,
            by=by,
            arrears_end=arrears_end,
        )


@pytest.mark.parametrize("arrears_end", [True, False])
def test_an_ended_support_order_with_nothing_left_to_withhold_terminates_the_withholding_order(make_user, arrears_end):
    """Current support ended and the repayment line ended too, or kept with the arrears paid: the
    employer gets a termination (TRM) naming the order, never an order to withhold $0."""
    worker = make_user("caseworker")
    action = active_withholding_action(monthly="400.00", arrears="2600.00")
    case = action.case
    add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    [original] = iwo_reconcile_action(action=action, on=ON)
    end_support(case, by=worker, arrears_end=arrears_end)
    if not arrears_end:
        set_arrears(case, "0")
    [ended] = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    assert (ended.kind, ended.supersedes_id, ended.order_id) == (IwoKind.TERMINATION, original.pk, original.order_id)
    assert not IncomeWithholdingOrder.objects.filter(action=action, ended_on__isnull=True, kind__in=["ORG", "AMD"])
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []


def test_an_active_order_with_nothing_left_to_withhold_terminates_the_withholding_order():
    """An active arrears-only order (its one line the arrears repayment, no current support) whose
    arrears are paid in full: every amount comes to $0, so the employer gets a termination (TRM),
    as after an ended order (``nothing_to_withhold``), never an amendment to withhold $0."""
    action = active_withholding_action(monthly="400.00", arrears="2600.00")
    case = action.case
    Obligation.objects.filter(order__case=case).delete()
    add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    [original] = iwo_reconcile_action(action=action, on=ON)
    assert (original.current_support, original.past_due_support) == (Decimal("0.00"), Decimal("100.00"))
    set_arrears(case, "0")
    [ended] = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    assert (ended.kind, ended.supersedes_id, ended.order_id) == (IwoKind.TERMINATION, original.pk, original.order_id)
    assert case.orders.get().status == "active"
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []


def test_the_set_based_order_in_force_agrees_with_order_in_force_case_by_case(make_user):
    """``order_in_force_q`` (read set-based by the new-hire match) and ``order_in_force`` (the
    withholding order's figures) are one rule: for each kind of case, the same order or none."""
    worker = make_user("caseworker")
    on = date(2026, 12, 3)
    active, kept, ended, replaced = (delinquent_case(unassigned="2600.00") for _ in range(4))
    for case in (kept, ended, replaced):
        add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
        end_support(case, by=worker, arrears_end=case != kept)
    new_order = SupportOrderFactory(case=replaced, effective_on=date(2026, 12, 2))
    ObligationFactory(order=new_order, amount=Decimal("250.00"))
    # A change asked for, its new version taking effect at the next due date: the old one applies.
    changing = CaseFactory()
    old = SupportOrderFactory(case=changing, status="superseded")
    ObligationFactory(order=old, end_on=date(2026, 12, 31))
    successor = SupportOrderFactory(
        case=changing, order_number=old.order_number, version=2, effective_on=date(2027, 1, 1)
    )
    ObligationFactory(order=successor, start_on=date(2027, 1, 1))
    none = CaseFactory()
    cases = [active, kept, ended, replaced, changing, none]
    expected = {
        active.pk: active.orders.get().pk,
        kept.pk: kept.orders.get().pk,
        ended.pk: None,
        replaced.pk: new_order.pk,
        changing.pk: old.pk,
        none.pk: None,
    }
    assert {case.pk: getattr(order_in_force(case, on), "pk", None) for case in cases} == expected
    in_force = set(
        SupportOrder.objects.filter(order_in_force_q(on=on), case__in=cases).values_list("case_id", flat=True)
    )
    assert in_force == {case_id for case_id, order_id in expected.items() if order_id}


def _ended_with_nothing_to_withhold(worker):
    """An order withheld from, then ended with nothing left to withhold: the reconcile sent the TRM."""
    action = active_withholding_action(monthly="400.00", arrears="2600.00")
    case = action.case
    add_obligation(case, kind=ObligationKind.ARREARS_REPAYMENT, amount="100.00")
    [original] = iwo_reconcile_action(action=action, on=ON)
    order = case.orders.get()
    with time_machine.travel(datetime(2026, 12, 2, 17, tzinfo=UTC), tick=False):
        order_end(
            order=order, ends_on=date(2026, 12, 1), reason=OrderEndReason.EMANCIPATED, by=worker, arrears_end=True
        )
    [ended] = iwo_reconcile_action(action=action, on=date(2026, 12, 3))
    assert ended.kind == IwoKind.TERMINATION
    return action, original, ended


def test_a_new_order_after_one_ended_with_nothing_to_withhold_resumes_withholding(make_user):
    """Red team (RT2): the order ended (TRM sent), then the court issued a new support order on the
    case: the same job gets a new original for it (42 USC 666(b)(1)), once, and no work item."""
    worker = make_user("caseworker")
    action, original, ended = _ended_with_nothing_to_withhold(worker)
    case = action.case
    old = case.orders.get()
    new = order_create_from_court(
        case=case,
        order_number="NEW-2027-1",
        court_name=old.court_name,
        monthly=Decimal("300.00"),
        effective_on=date(2027, 1, 1),
    )
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 20)) == []  # not yet in force
    [resumed] = iwo_reconcile_action(action=action, on=date(2027, 1, 2))
    assert (resumed.kind, resumed.order_id, resumed.supersedes_id) == (IwoKind.ORIGINAL, new.pk, ended.pk)
    assert (resumed.employment_id, resumed.current_support) == (original.employment_id, Decimal("300.00"))
    assert resumed.control_number != original.control_number
    assert iwo_reconcile_action(action=action, on=date(2027, 1, 3)) == []  # issued once
    assert not WorkItem.objects.filter(case=case, kind=IWO_DECIDE_WORK_KIND).exists()


def test_no_second_original_while_the_first_is_live_nor_two_resuming_one_termination(make_user):
    """The database keeps one first original per action and job, and one original resuming each
    termination: a second is refused whatever calls."""
    worker = make_user("caseworker")
    action, original, ended = _ended_with_nothing_to_withhold(worker)
    again = {
        f.name: getattr(original, f.name)
        for f in original._meta.concrete_fields
        if f.name not in ("id", "control_number")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeWithholdingOrder.objects.create(**again)  # a second first original of the job
    order_create_from_court(
        case=action.case,
        order_number="NEW-2027-1",
        court_name="x",
        monthly=Decimal("300.00"),
        effective_on=date(2027, 1, 1),
    )
    [resumed] = iwo_reconcile_action(action=action, on=date(2027, 1, 2))
    again.update(supersedes=ended, ended_on=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomeWithholdingOrder.objects.create(**again)  # a second original resuming the same TRM
    assert list(IncomeWithholdingOrder.objects.filter(action=action, kind=IwoKind.ORIGINAL).order_by("id")) == [
        original,
        resumed,
    ]


def test_a_job_whose_order_the_employer_ended_is_skipped_with_a_work_item_raised_once(make_user):
    """The employer answered that the employee left (the order ended, no TRM) while the job still
    shows current: the reconcile does not send the job an order again by itself; the caseworker
    gets one work item to decide, raised once (not every night)."""
    action = active_withholding_action(monthly="400.00")
    Case.objects.filter(pk=action.case_id).update(caseworker=make_user("caseworker"))
    action.case.refresh_from_db()
    [original] = iwo_reconcile_action(action=action, on=ON)
    IncomeWithholdingOrder.objects.filter(pk=original.pk).update(
        ack_status=IwoAckStatus.NOT_EMPLOYED, ended_on=date(2026, 12, 1)
    )
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 3)) == []
    assert iwo_reconcile_action(action=action, on=date(2026, 12, 4)) == []
    [item] = WorkItem.objects.filter(case=action.case, kind=IWO_DECIDE_WORK_KIND)
    assert item.assigned_to == action.case.caseworker
    assert original.control_number in item.title
    assert original.employer_name not in item.title + item.notes  # FVI: the queue names no employer
    assert IncomeWithholdingOrder.objects.filter(action=action).count() == 1


def test_core_0026_rewords_the_12_week_notes_by_age_with_history_and_back_and_leaves_an_edited_one():
    """The seed and core 0026 give the two rows the same notes: the age of the support owed decides
    (15 USC 1673(b)(2)), not an amount of weeks of support."""
    migration, editor = (
        import_module("core.migrations.0026_iwo_arrears_weeks_by_age"),
        SimpleNamespace(connection=connection),
    )
    rows = {}
    for key, (_value, old, new) in migration.NOTES.items():
        [seeded] = [r for r in SEED_ROWS if r["key"] == key]
        assert seeded["note"] == new and "in arrears." not in new
        rows[key] = row = LegalParameter.objects.get(key=key, jurisdiction="US")
        assert row.note == new
        LegalParameter.objects.filter(pk=row.pk).update(note=old)  # as the seed left it before
    migration.reword(django_apps, editor)
    migration.reword(django_apps, editor)  # a second run changes nothing
    for key, (_value, _old, new) in migration.NOTES.items():
        row = rows[key]
        row.refresh_from_db()
        assert row.note == new
        assert row.history.filter(history_change_reason=migration.REASON).count() == 1
    migration.undo(django_apps, editor)
    for key, (_value, old, _new) in migration.NOTES.items():
        rows[key].refresh_from_db()
        assert rows[key].note == old
    LegalParameter.objects.filter(pk__in=[r.pk for r in rows.values()]).update(note="Office note.")
    migration.reword(django_apps, editor)
    assert {r.note for r in LegalParameter.objects.filter(pk__in=[r.pk for r in rows.values()])} == {"Office note."}

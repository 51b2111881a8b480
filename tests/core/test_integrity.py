"""Data checks (core.integrity, manage.py integrity_report): rows written before a fix are found,
rows written by the fixed code are not, and the report writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.choices import OrderStatus
from cases.models import SupportOrder
from cases.services.reviews import review_calculate, review_open
from complaints.choices import Channel
from core.integrity import declared_checks
from enforcement.choices import ActionStatus, Comparison, Remedy
from enforcement.models import EnforcementAction, RemedyRule
from tests.cases.factories import case_with_order
from tests.complaints.factories import ComplaintFactory
from tests.enforcement.factories import delinquent_case

pytestmark = pytest.mark.django_db


def found(name: str) -> list:
    (check,) = [c for c in declared_checks() if c.name == name]
    return list(check.find())


def report(*args: str) -> str:
    out = StringIO()
    call_command("integrity_report", *args, stdout=out)
    return out.getvalue()


def test_every_check_is_declared_once_with_its_reasons():
    names = [c.name for c in declared_checks()]
    assert len(names) == len(set(names))
    assert {
        "cases.order_two_active_versions",
        "cases.ca_add_ons_old_split",
        "cases.ny_maintenance_not_income",
        "enforcement.actions_on_rounded_months",
        "complaints.linked_out_of_scope",
        "enforcement.returns_matched_to_another_amount",
        "enforcement.pay_again_for_reversed_collections",
        "enforcement.lump_sum_orders_sent_twice",
        "cases.fvi_overrides_recorded_twice",
        "complaints.filed_twice",
        "cases.pass_through_not_as_the_law_reads",
        "cases.former_assigned_retained",
    } <= set(names)
    for check in declared_checks():
        assert check.name.split(".")[0] in {"cases", "enforcement", "complaints"}
        assert check.title and len(check.why) > 80


def test_an_order_number_with_two_active_versions_is_found():
    case = case_with_order(monthly=Decimal("500.00"))
    order = case.orders.get()
    assert found("cases.order_two_active_versions") == []
    SupportOrder.objects.create(
        case=case,
        order_number=order.order_number,
        issued_on=order.issued_on,
        effective_on=date(2026, 6, 1),
        version=2,
        supersedes=order,
        status=OrderStatus.ACTIVE,
    )
    (row,) = found("cases.order_two_active_versions")
    assert row.reference == case.case_number
    assert f"order {order.order_number}: 2 versions active" in row.detail


def _review(role_user, guideline: str, inputs: dict, as_of: date):
    case = case_with_order(monthly=Decimal("500.00"), jurisdiction=guideline)
    review = review_open(order=case.orders.get(), by=role_user("caseworker"))
    return review_calculate(review=review, by=role_user("caseworker"), as_of=as_of, inputs=inputs)


def test_a_ca_worksheet_stored_before_the_add_on_rule_is_found(role_user):
    inputs = {
        "high_earner_net_monthly": "6000",
        "total_net_monthly": "10000",
        "high_earner_timeshare": "0.20",
        "children": 2,
        "child_care_monthly": "1000",
    }
    review = _review(role_user, "CA", inputs, date(2026, 6, 1))
    assert review.worksheet["add_on_rule"] == "income_proportional"
    assert found("cases.ca_add_ons_old_split") == []  # written by the fixed calculator
    # As the calculator stored it before the fix: no rule recorded, add-ons split on unadjusted incomes.
    review.worksheet.pop("add_on_rule")
    review.save(update_fields=["worksheet"])
    (row,) = found("cases.ca_add_ons_old_split")
    assert row.reference == review.case.case_number
    assert f"review {review.pk} calculated 2026-06-01" in row.detail and "unadjusted" in row.detail
    # Without add-ons the split never mattered.
    review.worksheet["payor_add_ons_monthly"] = "0.00"
    review.save(update_fields=["worksheet"])
    assert found("cases.ca_add_ons_old_split") == []


def test_a_ny_worksheet_that_did_not_count_maintenance_received_is_found(role_user):
    inputs = {"payor_income": "90000", "other_income": "30000", "children": 1, "payor_maintenance_paid": "12000"}
    review = _review(role_user, "NY", inputs, date(2025, 6, 1))
    assert Decimal(review.worksheet["incomes"][1]["maintenance_received"]) == Decimal("12000")
    assert found("cases.ny_maintenance_not_income") == []
    for income in review.worksheet["incomes"]:
        income.pop("maintenance_received")
    review.save(update_fields=["worksheet"])
    (row,) = found("cases.ny_maintenance_not_income")
    assert row.reference == review.case.case_number and "$12,000.00 a year" in row.detail
    # No maintenance paid: nothing the old calculator got wrong.
    other = _review(
        role_user, "NY", {"payor_income": "90000", "other_income": "30000", "children": 1}, date(2025, 6, 1)
    )
    for income in other.worksheet["incomes"]:
        income.pop("maintenance_received")
    other.save(update_fields=["worksheet"])
    assert [r.reference for r in found("cases.ny_maintenance_not_income")] == [review.case.case_number]


def _action(case, rule, months: str, total: str, status=ActionStatus.NOTICED) -> EnforcementAction:
    return EnforcementAction.objects.create(
        case=case,
        remedy=rule.remedy,
        rule=rule,
        status=status,
        proposed_on=date(2026, 9, 1),
        total_arrears=Decimal(total),
        months_in_arrears=Decimal(months),
        timeframe_start_on=date(2026, 9, 1),
        timeframe_due_on=date(2026, 10, 1),
        notice_issued_on=date(2026, 9, 2),
        notice_total_arrears=Decimal(total),
    )


def test_an_open_action_fired_at_exactly_its_months_is_found_with_the_money_beside_it():
    rule = RemedyRule.objects.filter(remedy=Remedy.LICENSE_SUSPENSION, jurisdiction="NY").order_by("-version").first()
    rule.months_min, rule.months_comparison = Decimal("4"), Comparison.AT_LEAST
    rule.save(update_fields=["months_min", "months_comparison"])
    early = delinquent_case(monthly="1000.00", unassigned="3995.00", months="4.00")  # rounded, as before the fix
    _action(early, rule, months="4.00", total="3995.00")
    right = delinquent_case(monthly="1000.00", unassigned="4000.00")
    _action(right, rule, months="4.00", total="4000.00")
    above = delinquent_case(monthly="1000.00", unassigned="6000.00")
    _action(above, rule, months="6.00", total="6000.00")
    closed = delinquent_case(monthly="1000.00", unassigned="3995.00", months="4.00")
    _action(closed, rule, months="4.00", total="3995.00", status=ActionStatus.CLOSED)

    rows = {row.reference: row.detail for row in found("enforcement.actions_on_rounded_months")}
    assert set(rows) == {early.case_number, right.case_number}
    assert (
        "$3,995.00 owed recorded as 4.00 months; 4 x $1,000.00 a month today is $4,000.00, below it: fired early"
        in (rows[early.case_number])
    )
    assert rows[right.case_number].endswith("meets it")


def test_a_complaint_linked_outside_its_filers_scope_is_found(make_user, role_user, api_client_with):
    ours = case_with_order(monthly=Decimal("500.00"))
    theirs = case_with_order(monthly=Decimal("500.00"), county="Schenectady")
    caseworker = role_user("caseworker")
    ComplaintFactory(case=ours, filed_by=caseworker)
    crossed = ComplaintFactory(case=theirs, filed_by=caseworker)
    # Public intake links any county's case on purpose: nothing goes back to the filer.
    ComplaintFactory(case=theirs, channel=Channel.WEB)
    key = api_client_with("complaints:write", agency="County Attorney").key
    ComplaintFactory(case=ours, filed_by_agency=key.agency, channel=Channel.API)
    partner_crossed = ComplaintFactory(case=theirs, filed_by_agency=key.agency, channel=Channel.API)

    rows = {row.reference: row.detail for row in found("complaints.linked_out_of_scope")}
    assert set(rows) == {crossed.number, partner_crossed.number}
    assert f"staff user {caseworker.get_username()}" in rows[crossed.number]
    assert f"Schenectady's case {theirs.case_number}" in rows[crossed.number]
    assert "partner County Attorney" in rows[partner_crossed.number]


def test_the_report_prints_each_check_and_writes_nothing():
    case = case_with_order(monthly=Decimal("500.00"))
    order = case.orders.get()
    SupportOrder.objects.create(
        case=case,
        order_number=order.order_number,
        issued_on=order.issued_on,
        effective_on=order.effective_on,
        version=2,
    )
    before = SupportOrder.objects.filter(status=OrderStatus.ACTIVE).count()
    text = report()
    for check in declared_checks():
        assert f"{check.name}: {check.title}" in text
    assert "1 found:" in text and case.case_number in text
    assert text.count("Nothing found.") == len(declared_checks()) - 1
    assert SupportOrder.objects.filter(status=OrderStatus.ACTIVE).count() == before

    csv_text = report("--csv", "--check", "cases.order_two_active_versions")
    assert csv_text.splitlines()[0] == "check,reference,detail"
    assert csv_text.splitlines()[1].startswith(f"cases.order_two_active_versions,{case.case_number},")

    from core.models import AccessLog

    logged = AccessLog.objects.filter(kind=AccessLog.Kind.ADMIN_COMMAND, detail__command="integrity_report")
    assert [entry.detail["found"] for entry in logged] == [1, 1]  # the report, then the CSV of one check
    with pytest.raises(CommandError, match="1 row"):
        report("--fail-if-found")
    with pytest.raises(CommandError, match="No data check named nope"):
        report("--check", "nope")
    assert report("--list").count("\n") == len(declared_checks())


def test_a_complaint_filed_twice_by_one_filer_or_the_public_form_is_found(role_user):
    caseworker = role_user("caseworker")
    first = ComplaintFactory(filed_by=caseworker, complainant_name="A. Parent")
    again = ComplaintFactory(filed_by=caseworker, complainant_name="A. Parent")
    ComplaintFactory(filed_by=caseworker, complainant_name="Another Parent")  # another complaint
    web = ComplaintFactory(complainant_name="A. Parent", channel=Channel.WEB)  # the public form sent twice
    web_again = ComplaintFactory(complainant_name="A. Parent", channel=Channel.WEB)
    ComplaintFactory(complainant_name="A. Parent", channel=Channel.WEB, description="Another matter.")
    staff_row, web_row = sorted(found("complaints.filed_twice"), key=lambda row: row.reference != first.number)
    assert staff_row.reference == first.number
    assert staff_row.detail == f"filed 2 times on 2026-11-02 by the same filer: {first.number}, {again.number}"
    assert web_row.reference == web.number
    assert web_row.detail == f"filed 2 times on 2026-11-02 by the public form: {web.number}, {web_again.number}"

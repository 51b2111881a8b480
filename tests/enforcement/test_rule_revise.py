"""The coordinator's page that revises a remedy rule: a new dated version, never below the law,
refused to other roles and to a page opened before a colleague's revision."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import DomainEvent
from enforcement.choices import Remedy
from enforcement.forms import RULE_REVISE_FIELDS
from enforcement.models import EnforcementAction, RemedyRule
from enforcement.services.rules import rule_revise
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import delinquent_case
from tests.pages import shown_on

pytestmark = pytest.mark.django_db


def rule_of(remedy: str, jurisdiction: str = "NY") -> RemedyRule:
    return RemedyRule.objects.filter(remedy=remedy, jurisdiction=jurisdiction).order_by("-version").first()


def url(rule: RemedyRule) -> str:
    return reverse("enforcement:rule_revise", args=[rule.pk])


def as_posted(page, **changes) -> dict[str, str]:
    """The form as a browser sends it: every field's value on the page, ``changes`` applied."""
    form = page.context["form"]
    values = {name: form.get_initial_for_field(form.fields[name], name) for name in RULE_REVISE_FIELDS}
    values.update(effective_from=timezone.localdate() + timedelta(days=1), change_reason="Office decision")
    values.update(changes)
    data = shown_on(page)
    for name, value in values.items():
        if value is True:
            data[name] = "on"
        elif value is False or value is None:
            if value is None:
                data[name] = ""
        else:
            data[name] = str(value)
    return data


def versions(rule: RemedyRule) -> int:
    return RemedyRule.objects.filter(remedy=rule.remedy, jurisdiction=rule.jurisdiction).count()


def test_a_coordinator_writes_a_new_version_with_an_event(client_as):
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    client = client_as("coordinator")
    page = client.get(url(rule))
    assert page.status_code == 200
    response = client.post(url(rule), as_posted(page, arrears_min="3000.00", change_reason="State raises it"))
    assert response.status_code == 302, response.context["form"].errors
    new = rule_of(Remedy.PASSPORT_DENIAL)
    assert (new.version, new.arrears_min, new.change_reason) == (rule.version + 1, D("3000.00"), "State raises it")
    assert new.effective_from == timezone.localdate() + timedelta(days=1)
    assert new.changed_by.username == "coordinator_user"
    assert RemedyRule.objects.get(pk=rule.pk).arrears_min == rule.arrears_min  # the old version is history
    event = DomainEvent.objects.get(verb="enforcement.rule_revised")
    assert event.data["changes"] == {"arrears_min": "3000.00"} and event.actor.username == "coordinator_user"


@pytest.mark.parametrize("role", ["caseworker", "enforcement_specialist", "quality_analyst", "ombudsperson"])
def test_other_roles_may_not_revise_a_rule(client_as, role):
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    client = client_as(role)
    assert client.get(url(rule)).status_code == 403
    assert client.post(url(rule), {"arrears_min": "9000", "change_reason": "x"}).status_code == 403
    assert versions(rule) == 1
    assert b"Revise</a>" not in client.get(reverse("enforcement:rule_list")).content


def test_the_rules_page_offers_revise_on_the_latest_version_only(client_as):
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    rule_revise(rule=rule, effective_from=timezone.localdate(), reason="x", arrears_min=D("2600.00"))
    page = client_as("coordinator").get(reverse("enforcement:rule_list")).content.decode()
    new = rule_of(Remedy.PASSPORT_DENIAL)
    assert url(new) in page and url(rule) not in page


@pytest.mark.parametrize(
    ("remedy", "field", "value", "citation"),
    [
        (Remedy.FEDERAL_TAX_OFFSET, "assigned_arrears_min", "149.99", "45 CFR 303.72(a)(1)"),
        (Remedy.FEDERAL_TAX_OFFSET, "unassigned_arrears_min", "499.99", "45 CFR 303.72(a)(2)"),
        (Remedy.PASSPORT_DENIAL, "arrears_min", "2499.99", "42 USC 652(k)"),
    ],
)
def test_a_threshold_below_the_law_is_refused_on_the_form(client_as, remedy, field, value, citation):
    rule = rule_of(remedy)
    client = client_as("coordinator")
    page = client.get(url(rule))
    response = client.post(url(rule), as_posted(page, **{field: value}))
    assert response.status_code == 200
    assert citation in " ".join(response.context["form"].errors[field])
    assert versions(rule) == 1


def test_a_past_date_no_change_and_no_reason_are_refused(client_as):
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    client = client_as("coordinator")
    page = client.get(url(rule))
    yesterday = timezone.localdate() - timedelta(days=1)
    past = client.post(url(rule), as_posted(page, arrears_min="3000.00", effective_from=yesterday))
    assert "today or later" in str(past.context["form"].errors["effective_from"])
    same = client.post(url(rule), as_posted(page))
    assert "Change at least one value" in str(same.context["form"].non_field_errors())
    no_reason = client.post(url(rule), as_posted(page, arrears_min="3000.00", change_reason=""))
    assert "change_reason" in no_reason.context["form"].errors
    assert versions(rule) == 1


def test_a_page_opened_before_a_colleagues_revision_is_refused(client_as, make_user):
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    client = client_as("coordinator")
    page = client.get(url(rule))
    colleague = make_user("coordinator", username="dana", first_name="Dana", last_name="Cole")
    rule_revise(
        rule=rule, effective_from=timezone.localdate() + timedelta(days=3), reason="x", by=colleague, enabled=False
    )
    response = client.post(url(rule), as_posted(page, arrears_min="3000.00"))
    assert response.status_code == 200
    text = " ".join(response.context["form"].non_field_errors())
    assert "Version 2 of this rule" in text and "Dana Cole" in text and "nothing was saved" in text
    assert versions(rule) == 2 and rule_of(Remedy.PASSPORT_DENIAL).enabled is False


@pytest.mark.parametrize(("days_after", "proposed"), [(0, True), (1, False), (2, False)])
def test_the_sweep_applies_a_revision_from_its_date(client_as, days_after, proposed):
    # given the passport threshold raised to $5,000 from tomorrow on the page
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    client = client_as("coordinator")
    page = client.get(url(rule))
    client.post(url(rule), as_posted(page, arrears_min="5000.00"))
    case = delinquent_case(unassigned="3000.00")
    # when the sweep runs on a day
    run = sweep_run_inline(as_of=timezone.localdate() + timedelta(days=days_after))
    # then a $3,000 case is proposed under the old version only before the new one takes effect
    assert run.errors == 0, run.error_detail
    action = EnforcementAction.objects.filter(case=case, remedy=Remedy.PASSPORT_DENIAL).first()
    assert (action is not None) is proposed
    if action is not None:
        assert action.rule == rule


def test_a_second_version_on_the_same_date_is_refused(client_as):
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    client = client_as("coordinator")
    client.post(url(rule), as_posted(client.get(url(rule)), arrears_min="3000.00"))
    page = client.get(url(rule))
    response = client.post(url(rule), as_posted(page, arrears_min="3500.00"))
    assert response.status_code == 200 and response.context["form"].errors
    assert versions(rule) == 2 and rule_of(Remedy.PASSPORT_DENIAL).arrears_min == D("3000.00")


def test_a_revision_dated_before_a_scheduled_version_is_refused_on_the_form(client_as, role_user):
    # given version 2 of the passport rule scheduled for 30 days from now (a new citation)
    today = timezone.localdate()
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    rule_revise(
        rule=rule, effective_from=today + timedelta(days=30), reason="x", by=role_user("coordinator"), citation="NEW"
    )
    # when a coordinator writes a note effective tomorrow
    client = client_as("coordinator")
    page = client.get(url(rule))
    response = client.post(
        url(rule), as_posted(page, notes="Tomorrow's note", effective_from=today + timedelta(days=1))
    )
    # then it is refused, naming the scheduled version, and nothing is written
    assert response.status_code == 200
    text = " ".join(response.context["form"].errors["effective_from"])
    assert f"Version 2 is scheduled for {today + timedelta(days=30):%b %-d, %Y}" in text
    assert versions(rule) == 2


def test_a_revision_dated_after_a_scheduled_version_starts_from_it(client_as, role_user):
    # given version 2 (a new citation) scheduled for 30 days from now
    today = timezone.localdate()
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    rule_revise(
        rule=rule, effective_from=today + timedelta(days=30), reason="x", by=role_user("coordinator"), citation="NEW"
    )
    # when a coordinator opens the page of version 1 and dates a note after version 2
    client = client_as("coordinator")
    page = client.get(url(rule))
    assert page.context["form"].initial["citation"] == "NEW"
    response = client.post(url(rule), as_posted(page, notes="Later note", effective_from=today + timedelta(days=31)))
    # then version 3 keeps version 2's change and adds the note
    assert response.status_code == 302
    v3 = RemedyRule.objects.in_effect(today + timedelta(days=31)).get(remedy=Remedy.PASSPORT_DENIAL, jurisdiction="NY")
    assert (v3.version, v3.citation, v3.notes) == (3, "NEW", "Later note")
    assert RemedyRule.objects.in_effect(today).get(remedy=Remedy.PASSPORT_DENIAL, jurisdiction="NY") == rule


def test_the_service_refuses_a_revision_dated_before_a_scheduled_version():
    today = timezone.localdate()
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    rule_revise(rule=rule, effective_from=today + timedelta(days=30), reason="x", citation="NEW")
    with pytest.raises(ValidationError, match="Version 2 is scheduled"):
        rule_revise(rule=rule, effective_from=today + timedelta(days=1), reason="y", notes="n")
    assert versions(rule) == 2


def test_the_ca_licence_notice_period_cannot_be_revised_below_the_150_days(client_as):
    # Fam. Code 17520: a 150-day temporary licence before suspension (the notice period), a legal row
    rule = rule_of(Remedy.LICENSE_SUSPENSION, "CA")
    client = client_as("coordinator")
    page = client.get(url(rule))
    response = client.post(url(rule), as_posted(page, notice_days="149"))
    assert response.status_code == 200
    assert "at least 150 (Fam. Code 17520)" in " ".join(response.context["form"].errors["notice_days"])
    assert versions(rule) == 1
    assert client.post(url(rule), as_posted(page, notice_days="160")).status_code == 302  # stricter: allowed


@pytest.mark.parametrize(
    ("remedy", "jurisdiction", "changes", "field", "law"),
    [
        (Remedy.CREDIT_BUREAU, "CA", {"notice_days": "0"}, "notice_days", "42 USC 666(a)(7)"),
        (Remedy.FEDERAL_TAX_OFFSET, "NY", {"contest_days": "0"}, "contest_days", "45 CFR 303.72"),
        (Remedy.PASSPORT_DENIAL, "NY", {"contest_days": "0"}, "contest_days", "42 USC 652(k)(2)"),
    ],
)
def test_a_rule_cannot_be_revised_to_leave_no_chance_to_contest(client_as, remedy, jurisdiction, changes, field, law):
    rule = rule_of(remedy, jurisdiction)
    client = client_as("coordinator")
    page = client.get(url(rule))
    assert law in page.content.decode()  # the page says so before the coordinator tries
    response = client.post(url(rule), as_posted(page, **changes))
    assert response.status_code == 200
    text = " ".join(response.context["form"].errors[field])
    assert law in text and "leaves none" in text
    assert versions(rule) == 1


@pytest.mark.parametrize(
    ("remedy", "jurisdiction", "changes"),
    [
        (Remedy.CREDIT_BUREAU, "CA", {"notice_days": "1"}),
        (Remedy.FEDERAL_TAX_OFFSET, "NY", {"notice_days": "10", "contest_days": "0"}),
        (Remedy.PASSPORT_DENIAL, "NY", {"contest_days": "1"}),
    ],
)
def test_any_period_to_contest_is_accepted_where_the_law_fixes_no_number(client_as, remedy, jurisdiction, changes):
    rule = rule_of(remedy, jurisdiction)
    client = client_as("coordinator")
    response = client.post(url(rule), as_posted(client.get(url(rule)), **changes))
    assert response.status_code == 302, response.context["form"].errors
    new = rule_of(remedy, jurisdiction)
    assert new.version == rule.version + 1  # a new version, with the periods entered
    assert {name: str(getattr(new, name)) for name in changes} == changes


def test_the_service_and_the_admin_path_refuse_no_chance_to_contest_too():
    rule = rule_of(Remedy.PASSPORT_DENIAL)
    with pytest.raises(ValidationError, match="42 USC 652"):
        rule_revise(rule=rule, effective_from=timezone.localdate(), reason="x", notice_days=0, contest_days=0)
    assert versions(rule) == 1

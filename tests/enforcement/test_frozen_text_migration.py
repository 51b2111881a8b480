"""Data migration enforcement 0012: work item titles, new-hire partners and their copies (history,
events) written before the change named the NCP's employer; they name none after it (42 USC 654(26))."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from cases.models import WorkItem
from cases.services import work_item_complete, work_item_create
from core.models import DomainEvent
from enforcement.models import EnforcementAction
from enforcement.services.actions import action_activate
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db
MIGRATION = import_module("enforcement.migrations.0014_frozen_text_names_no_employer")
EMPLOYER = "Acme Foods on Main: Plant 2"  # a name with ": " and " on " in it, as employers' names may have
NEW_HIRE = "Send the income withholding order to the new employer (new hire; 42 USC 653a(g)(1))"


def _migrate() -> None:
    editor = SimpleNamespace(connection=connection)
    MIGRATION.work_item_titles(apps, editor)
    MIGRATION.new_hire_partners(apps, editor)


@pytest.fixture
def iwo():
    employer = EmployerFactory(name=EMPLOYER, fein="141111111", eiwo_enrolled=True)
    return iwo_reconcile_action(action=active_withholding_action(employer=employer), on=date(2026, 11, 30))[0]


def _old_item(iwo, kind: str, title: str, dedupe_key: str | None) -> WorkItem:
    """A work item as the services wrote it before the change (its creation event and history too)."""
    return work_item_create(case=iwo.case, kind=kind, title=title, dedupe_key=dedupe_key, due_on=date(2026, 12, 2))


def _events(obj, **verb) -> list[str]:
    subject_type = ContentType.objects.get_for_model(type(obj))
    events = DomainEvent.objects.filter(subject_type=subject_type, subject_id=obj.pk, **verb).order_by("pk")
    return list(events.values_list("summary", flat=True))


def test_the_titles_the_services_wrote_name_the_order_not_the_employer(iwo, role_user):
    # given the titles the e-IWO and new-hire imports wrote before the change
    control = iwo.control_number
    lump = _old_item(
        iwo,
        "iwo_lump_sum",
        f"Lump sum of $2,500.00 notified by {EMPLOYER}: decide a lump sum IWO",
        f"iwo-lump:{iwo.pk}:2026-12-15",
    )
    rejected = _old_item(
        iwo, "iwo_rejected", f"IWO {control} rejected by {EMPLOYER}: Duplicate IWO", f"iwo-rejected:{iwo.pk}"
    )
    left = _old_item(
        iwo,
        "locate",
        f"Locate: the NCP left {EMPLOYER} on Nov 20, 2026 (new employer reported: confirm and issue the IWO)",
        f"iwo-left:{iwo.pk}",
    )
    new_hire = _old_item(
        iwo, "iwo_new_hire", f"Send the income withholding order to {EMPLOYER} (new hire; 42 USC 653a(g)(1))", "nh:1"
    )
    work_item_complete(item=lump, by=role_user("caseworker"))  # an event repeating the title
    # when the migration runs
    _migrate()
    # then each title, its history and its events read as the services write them now
    expected = {
        lump.pk: f"Lump sum of $2,500.00 notified by the employer on IWO {control}: decide a lump sum IWO",
        rejected.pk: f"IWO {control} rejected by the employer: Duplicate IWO",
        left.pk: f"Locate: the NCP left the employer of IWO {control} on Nov 20, 2026 "
        "(new employer reported: confirm and issue the IWO)",
        new_hire.pk: NEW_HIRE,
    }
    assert dict(WorkItem.objects.filter(pk__in=expected).values_list("pk", "title")) == expected
    for item in (lump, rejected, left, new_hire):
        history = set(WorkItem.history.filter(id=item.pk).values_list("title", flat=True))
        assert history == {expected[item.pk]}
        assert all(EMPLOYER not in summary for summary in _events(item)) and _events(item)
    assert _events(lump) == [expected[lump.pk]] * 2  # created, done
    # and a second run changes nothing
    _migrate()
    assert dict(WorkItem.objects.filter(pk__in=expected).values_list("pk", "title")) == expected


def test_titles_the_services_did_not_write_are_left_alone(iwo):
    typed = [
        ("locate", f"Locate: the NCP left {EMPLOYER} on Nov 20, 2026", None),  # a locate item opened by hand
        ("locate", "Locate Jane Roe: mail returned (Notice)", "returned-mail:7"),
        ("iwo_rejected", f"Call {EMPLOYER} about the rejected order", "iwo-rejected:99"),  # edited by hand
        ("manual", f"Lump sum of $1.00 notified by {EMPLOYER}: decide a lump sum IWO", None),
    ]
    items = [_old_item(iwo, kind, title, key) for kind, title, key in typed]
    _migrate()
    assert [WorkItem.objects.get(pk=item.pk).title for item in items] == [title for _, title, _ in typed]


def test_new_hire_partners_and_their_activation_events_say_the_new_employer(iwo, role_user):
    # given an action a new hire pointed at an employer (before the change), since activated
    action = active_withholding_action(employer=iwo.employer, status="contest_window")
    EnforcementAction.objects.filter(pk=action.pk).update(
        figures={"source": "new hire", "employer_id": iwo.employer_id}, partner=EMPLOYER
    )  # as the new-hire import wrote it (a bulk update: no history row)
    action.refresh_from_db()
    action_activate(action=action, by=role_user("enforcement_specialist"), on=date(2026, 12, 1))
    other = iwo.action  # a rule's own partner ("Employer"), not from a new hire
    activated = {"verb": "enforcement.action_activated"}
    assert _events(action, **activated) == [f"Income withholding sent to {EMPLOYER}"]
    # when the migration runs
    _migrate()
    # then the partner, its history and the event say "the new employer"; other actions are as they were
    before = action.updated_at
    action.refresh_from_db()
    assert action.partner == "the new employer" and action.updated_at > before  # partners sync it again
    versions = set(EnforcementAction.history.filter(id=action.pk).values_list("partner", flat=True))
    assert EMPLOYER not in versions and "the new employer" in versions
    assert _events(action, **activated) == ["Income withholding sent to the new employer"]
    assert all(EMPLOYER not in summary for summary in _events(action))
    assert EnforcementAction.objects.get(pk=other.pk).partner == other.partner

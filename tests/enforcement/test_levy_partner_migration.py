"""Data migration enforcement 0022: bank levies a FIDM match proposed before the change named the
NCP's bank as their partner, and their copies (history, the activation event) with it; they name
none after it, "the financial institution" (42 USC 654(26))."""

from __future__ import annotations

from datetime import date
from importlib import import_module
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.models import DomainEvent
from enforcement.choices import Remedy
from enforcement.models import EnforcementAction
from enforcement.services.actions import action_activate, action_notice_issue
from tests.enforcement.factories import delinquent_case
from tests.enforcement.test_fidm import account, fidm_file, ncp_of, submit

pytestmark = pytest.mark.django_db
MIGRATION = import_module("enforcement.migrations.0022_fidm_levy_partner_names_no_bank")
BANK = "FIRST EMPIRE BANK"
NEUTRAL = "the financial institution"


def _migrate() -> None:
    MIGRATION.levy_partners(apps, SimpleNamespace(connection=connection))


def _events(action) -> list[str]:
    subject_type = ContentType.objects.get_for_model(EnforcementAction)
    events = DomainEvent.objects.filter(subject_type=subject_type, subject_id=action.pk).order_by("pk")
    return list(events.values_list("summary", flat=True))


def test_fidm_levies_their_history_and_activation_event_name_no_bank(role_user):
    # given a levy the FIDM import proposed naming the bank (as it wrote it before), noticed and sent
    with time_machine.travel(date(2026, 11, 24), tick=False):
        case = delinquent_case(unassigned="1200.00")
        submit(fidm_file([account(ncp_of(case).ssn)]))
        levy = EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY)
        EnforcementAction.objects.filter(pk=levy.pk).update(partner=BANK)  # a bulk insert: no history row
        levy = action_notice_issue(action=EnforcementAction.objects.get(pk=levy.pk), by=None)
    levy = action_activate(action=levy, by=role_user("enforcement_specialist"), on=date(2027, 1, 30))
    assert f"Bank levy (financial institution data match) sent to {BANK}" in _events(levy)
    # and a levy the sweep proposed, whose partner is its rule's (a copy of the first, on another case)
    other = EnforcementAction.objects.get(pk=levy.pk)
    other.pk, other.case = None, delinquent_case(unassigned="900.00")
    other.figures, other.partner = {"source": "sweep"}, "Financial institution"
    other.save()
    # when the migration runs
    _migrate()
    # then the levy, its history and its event name no bank; the partner API finds it changed
    before = levy.updated_at
    levy.refresh_from_db()
    assert levy.partner == NEUTRAL and levy.updated_at > before
    assert set(EnforcementAction.history.filter(id=levy.pk).values_list("partner", flat=True)) == {NEUTRAL}
    assert f"Bank levy (financial institution data match) sent to {NEUTRAL}" in _events(levy)
    assert all(BANK not in summary for summary in _events(levy))
    assert EnforcementAction.objects.get(pk=other.pk).partner == "Financial institution"
    # and a second run changes nothing
    _migrate()
    assert EnforcementAction.objects.get(pk=levy.pk).updated_at == levy.updated_at

"""Every Caseworks model is visible in admin, and every model people edit keeps field history."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from accounts.choices import Role

# Written only by code, append-only or replaced wholesale, never edited by a person: the row itself
# (or the domain events its writer records) is the audit trail, so field history would add nothing.
NO_HISTORY = {
    "enforcement.EiwoControl",  # a control number drawn once from a sequence, never edited
    "core.DomainEvent",  # the event log itself
    "core.AccessLog",  # access log
    "core.Job",  # background job outbox and leases, written by workers (a heartbeat every few seconds)
    "accounts.ApiRequestLog",  # API request log
    "accounts.ApiRequestTally",  # calls without a valid key, counted per client and minute
    "accounts.AuthenticatorDevice",  # written at sign-in; enrolment and resets are in the access log
    "accounts.RecoveryCodeDevice",  # written at sign-in; enrolment, use and resets are in the access log
    "cases.LedgerRun",  # scheduled ledger job runs
    "cases.LedgerEntry",  # append-only (a PostgreSQL trigger refuses UPDATE/DELETE); corrections reverse
    "cases.Allocation",  # written in bulk with its collection; a reversal reverses entries and records an event
    "cases.CaseBalance",  # derived from the ledger, written back in bulk; verify_ledger recomputes it
    "enforcement.SweepRun",  # enforcement sweep runs
    "enforcement.SweepChunk",  # slices of a sweep run, written by the workers
    "enforcement.BankTransaction",  # lines of an imported BAI2 statement; people resolve ReconciliationException
    "enforcement.DisbursementExportEntry",  # entries of a stored disbursement file (trace numbers), written once
    "enforcement.NachaReturnFile",  # a received return file and its report, written by the import only
    "hearings.HearingLetter",  # a letter sent: written once when a hearing is scheduled or decided
    "complaints.Notice",  # in-app reminder notifications
    "complaints.ReminderRun",  # daily reminder runs
    "outreach.MediaReminder",  # media inquiry reminders
    "outreach.ReminderRun",  # daily media reminder runs
    "outreach.SurveyInvitation",  # issued single-use links; only marked used when answered
    "outreach.SurveyInvitee",  # who was e-mailed a survey link, written once when it is sent
    "training.TrainingReminder",  # compliance reminders
    "training.ReminderRun",  # daily compliance reminder runs
    "quality.Snapshot",  # nightly measure snapshots (a re-run replaces the date)
    "quality.SnapshotValue",  # values of a snapshot
}


def _caseworks_models():
    return [
        m
        for label in settings.CASEWORKS_APPS
        for m in apps.get_app_config(label).get_models()
        if not m._meta.abstract and not m._meta.proxy and not m.__name__.startswith("Historical")
    ]


def _has_history(model) -> bool:
    return model in registered_models.values() or hasattr(model, "history")


def test_every_caseworks_model_is_registered_in_admin():
    missing = [m._meta.label for m in _caseworks_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_every_edited_model_keeps_history():
    missing = [m._meta.label for m in _caseworks_models() if m._meta.label not in NO_HISTORY and not _has_history(m)]
    assert missing == []


def test_history_exemptions_are_current():
    """An exempt model that gained history (or disappeared) must leave the list."""
    labels = {m._meta.label: m for m in _caseworks_models()}
    stale = [label for label in sorted(NO_HISTORY) if label not in labels or _has_history(labels[label])]
    assert stale == []


def test_rows_without_history_are_read_only_in_admin(rf, role_user):
    """A row that keeps no field history is written only by code: an edit or a delete in admin would
    leave no trace (a deleted media reminder is the claim that stops its e-mail going out twice, a
    sweep run or a snapshot is what a report was made from). Not even a superuser may make one."""
    request = rf.get("/")
    request.user = role_user(Role.ADMINISTRATOR)
    editable = []
    for label in sorted(NO_HISTORY):
        model_admin = admin.site.get_model_admin(apps.get_model(label))
        allowed = [
            verb
            for verb, may in (
                ("add", model_admin.has_add_permission(request)),
                ("change", model_admin.has_change_permission(request)),
                ("delete", model_admin.has_delete_permission(request)),
            )
            if may
        ]
        if allowed:
            editable.append(f"{label}: {', '.join(allowed)}")
    assert editable == []


def _one_row_each_of_the_newer_admins():
    from cases.models import LedgerRun
    from enforcement.models import Appearance, CourtHearing, SweepChunk, SweepRun
    from quality.models import Snapshot, SnapshotValue
    from tests.enforcement.factories import PetitionFactory

    LedgerRun.objects.create(kind="accrual", run_on=date(2026, 11, 1), counts={"entries": 1})
    run = SweepRun.objects.create(as_of=date(2026, 11, 23), started_at=timezone.now())
    SweepChunk.objects.create(run=run, low=0, high=100)
    hearing = CourtHearing.objects.create(petition=PetitionFactory(), scheduled_for=timezone.now())
    Appearance.objects.create(hearing=hearing, party="ncp", name="A. Payer")
    snapshot = Snapshot.objects.create(taken_on=date(2026, 11, 22), fiscal_year=2027)
    SnapshotValue.objects.create(snapshot=snapshot, level="office", measure="paternity", numerator=1, denominator=2)


@pytest.mark.slow  # started first (tests/conftest.py): 2.5-9 CPU-s, not left for the run's end
@pytest.mark.django_db
def test_every_admin_changelist_loads_for_a_superuser(client, role_user):
    # given a row in the models whose admin is new, and a superuser
    _one_row_each_of_the_newer_admins()
    client.force_login(role_user(Role.ADMINISTRATOR))
    # when each changelist is requested, then it loads
    failed = {}
    for model in _caseworks_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = client.get(url).status_code
        if status != 200:
            failed[model._meta.label] = status
    assert failed == {}


def test_admin_names_no_model_with_a_doubled_plural():
    """Django's default plural adds an "s": a name that already ends in one ("recovery codes",
    "address") came out "recovery codess" in the admin's menu. Such a model declares its plural."""
    doubled = [
        f"{m._meta.label}: {m._meta.verbose_name_plural}"
        for m in _caseworks_models()
        if str(m._meta.verbose_name).endswith("s") and m._meta.verbose_name_plural == f"{m._meta.verbose_name}s"
    ]
    assert doubled == []


@pytest.mark.django_db
def test_a_blank_value_is_a_named_filter_link(client, role_user, make_user):
    """A text field's filter (``core.admin.ValuesFilter``, registered for every such field) names the
    blank value: Django's own made it a link with no text (axe-core: link-name)."""
    make_user("caseworker", unit="")  # a user of no unit
    make_user("coordinator", username="team_lead", unit="Intake")
    client.force_login(role_user(Role.ADMINISTRATOR))
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    links = dict(re.findall(r'<a href="\?unit=([^"]*)">([^<]*)</a>', html))
    assert links == {"": "(none)", "Intake": "Intake"}


def test_every_tabular_inline_labels_its_fields():
    """A tabular inline labels its fields only by column headers (axe-core: label, critical):
    each of the office's is ``core.admin.LabelledTabularInline``, which names every field."""
    from core.admin import LabelledTabularInline

    unlabelled = sorted(
        f"{model._meta.label}: {inline.__name__}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in settings.CASEWORKS_APPS  # not django-celery-beat's schedules
        for inline in model_admin.inlines
        if issubclass(inline, admin.TabularInline) and not issubclass(inline, LabelledTabularInline)
    )
    assert unlabelled == []

"""Issue 14 item 3: money cannot be edited by hand — read-only admin, and on PostgreSQL a trigger
that refuses UPDATE and DELETE of ledger entries outside a declared ledger writer."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.choices import Role
from cases.choices import AssistanceStatus, EntryType
from cases.models import (
    Allocation,
    AssistanceSpell,
    Case,
    CaseBalance,
    Collection,
    Disbursement,
    LedgerEntry,
)
from cases.services import case_assistance_change, charges_accrue, collection_post
from core.db import ledger_writer
from tests.cases.factories import case_with_order
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db
D = Decimal
MONEY_MODELS = (LedgerEntry, Collection, Allocation, Disbursement, CaseBalance, AssistanceSpell)


@pytest.fixture
def ledger():
    """A case with a charge, a collection, its allocation and disbursement."""
    case = case_with_order(monthly=D("200.00"))
    AssistanceSpell.objects.create(case=case, status=AssistanceStatus.NEVER, start_on=date(2024, 1, 10))
    with time_machine.travel(datetime(2024, 4, 15, 17, tzinfo=UTC), tick=False):
        charges_accrue(through=date(2024, 4, 15))
        collection_post(
            case_number=case.case_number,
            amount=D("150.00"),
            received_on=date(2024, 4, 15),
            source="income_withholding",
            source_reference="IMM-1",
            received_via="api",
        )
    return case


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def test_money_admin_lists_but_never_adds_changes_or_deletes(client, role_user, ledger):
    client.force_login(role_user(Role.ADMINISTRATOR))
    for model in MONEY_MODELS:
        row = model.objects.first()
        assert row is not None, model
        listing = client.get(_url(model, "changelist"))
        assert listing.status_code == 200
        assert b'value="delete_selected"' not in listing.content, model  # no bulk delete action
        assert client.get(_url(model, "add")).status_code == 403
        detail = client.get(_url(model, "change", row.pk))
        assert detail.status_code == 200 and b'name="_save"' not in detail.content, model  # view only
        assert client.post(_url(model, "change", row.pk), {}).status_code == 403
        assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=row.pk).exists()
    # the bulk delete action refused by POST too
    entry = LedgerEntry.objects.first()
    response = client.post(
        _url(LedgerEntry, "changelist"), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302) and LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_payment_and_bank_file_admin_is_read_only(client, role_user):
    from enforcement.models import BankStatement, BankTransaction, DisbursementExport, PaymentFile

    client.force_login(role_user(Role.ADMINISTRATOR))
    for model in (PaymentFile, DisbursementExport, BankStatement, BankTransaction):
        assert client.get(_url(model, "add")).status_code == 403
        assert b'value="delete_selected"' not in client.get(_url(model, "changelist")).content


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.COORDINATOR, Role.ENFORCEMENT_SPECIALIST])
def test_staff_roles_do_not_reach_money_admin(client, role_user, role, ledger):
    client.force_login(role_user(role))
    response = client.get(_url(LedgerEntry, "change", LedgerEntry.objects.first().pk))
    assert response.status_code in (302, 403)


def test_a_case_assistance_change_in_admin_goes_through_the_service(client, role_user, ledger):
    client.force_login(role_user(Role.ADMINISTRATOR))
    case = ledger
    from django.contrib.admin.sites import site

    case_admin = site._registry[Case]
    form_class = case_admin.get_form(None, case)
    data = {f: getattr(case, f) for f in form_class.base_fields if hasattr(case, f) and f != "caseworker"}
    form = form_class(
        data={**{k: ("" if v is None else v) for k, v in data.items()}, "assistance_status": AssistanceStatus.CURRENT},
        instance=case,
    )
    assert form.is_valid(), form.errors
    request = type("R", (), {"user": role_user(Role.ADMINISTRATOR)})()
    case_admin.save_model(request, form.save(commit=False), form, change=True)
    spells = list(AssistanceSpell.objects.filter(case=case).order_by("start_on").values_list("status", "end_on"))
    assert spells[0][0] == AssistanceStatus.NEVER and spells[0][1] is not None
    assert spells[-1] == (AssistanceStatus.CURRENT, None)
    case.refresh_from_db()
    assert case.assistance_status == AssistanceStatus.CURRENT


def test_case_assistance_change_is_refused_for_a_date_in_the_future(ledger):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        case_assistance_change(case=ledger, status="current", effective_on=date(2999, 1, 1), by=None)


# --- the PostgreSQL trigger -------------------------------------------------------------------------


@needs_postgres()
def test_trigger_refuses_update_and_delete_of_ledger_entries(ledger):
    entry = LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("1.00"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_ledgerentry SET description = 'edited by hand'")
    entry.refresh_from_db()
    assert entry.amount == D("200.00")


@needs_postgres()
def test_trigger_lets_a_declared_ledger_writer_through_only_in_its_transaction(ledger):
    entry = LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).first()
    with transaction.atomic():
        ledger_writer()
        LedgerEntry.objects.filter(pk=entry.pk).update(description="corrected by the service")
    entry.refresh_from_db()
    assert entry.description == "corrected by the service"


@needs_postgres()
def test_the_ledger_writer_permission_ends_with_its_transaction_or_savepoint(ledger):
    # SET LOCAL lasts until its transaction ends; rolled back to a savepoint before it, it is gone
    # (the test itself runs inside one transaction, so the savepoint stands for a transaction).
    entry = LedgerEntry.objects.filter(entry_type=EntryType.CHARGE).first()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        ledger_writer()
        LedgerEntry.objects.filter(pk=entry.pk).update(description="inside")
        raise Rollback
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(description="again")
    # a wrong value of the setting is not a writer
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL caseworks.ledger_writer = 'yes'")
        cursor.execute("DELETE FROM cases_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


@needs_postgres()
def test_inserts_and_the_ledger_services_work_with_the_trigger(ledger):
    from cases.ledger_verify import ledger_differences
    from cases.services import collection_reverse

    collection = Collection.objects.get(source_reference="IMM-1")
    with time_machine.travel(datetime(2024, 4, 16, 17, tzinfo=UTC), tick=False):
        collection_reverse(collection=collection, reason="returned", by=None)
    assert LedgerEntry.objects.filter(entry_type=EntryType.REVERSAL).count() >= 2
    assert ledger_differences() == []

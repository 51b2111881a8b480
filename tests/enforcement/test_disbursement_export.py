"""The family disbursement file (NACHA PPD credits)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.choices import CollectionSource, ReceivedVia
from cases.models import Disbursement
from cases.services import collection_post
from core.models import AccessLog
from enforcement.choices import BankAccountPurpose
from enforcement.models import DisbursementExport, PayeeAccount
from enforcement.nacha import parse
from enforcement.services.disbursements import disbursements_export
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import BankAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


@pytest.fixture
def office_accounts():
    BankAccountFactory(name="SDU disbursements", account_number="555000111", routing_number="021000021",
                       purpose=BankAccountPurpose.DISBURSEMENTS)


def _paid_case(amount="100.00", received=date(2026, 11, 18), *, account=True):
    case = case_with_order(monthly=Decimal("500.00"))
    if account:
        PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number="987654321")
    collection_post(case_number=case.case_number, amount=Decimal(amount), received_on=received,
                    source=CollectionSource.DIRECT_PAYMENT, source_reference=f"T-{case.pk}",
                    received_via=ReceivedVia.FORM)
    return case


def test_export_writes_a_valid_ppd_file_and_marks_disbursements_sent(office_accounts):
    cases = [_paid_case("100.00"), _paid_case("60.25")]
    result = disbursements_export(on=date(2026, 11, 23))
    export = result.export
    parsed = parse(export.content)
    assert parsed.batches[0].sec_code == "PPD"
    assert parsed.total_credit == export.total_credit == Decimal("160.25")
    assert export.entry_count == 2 and export.entry_hash == parsed.entry_hash == 2 * 9100001
    assert {e.identification for e in parsed.entries} == {c.case_number for c in cases}
    sent = Disbursement.objects.filter(export_batch=export.reference)
    assert sent.count() == 2
    assert {d.status for d in sent} == {"sent"} and {d.disbursed_on for d in sent} == {date(2026, 11, 23)}


def test_a_disbursement_is_never_exported_twice(office_accounts):
    _paid_case()
    first = disbursements_export(on=date(2026, 11, 23))
    second = disbursements_export(on=date(2026, 11, 23))
    assert first.export is not None and second.export is None
    assert DisbursementExport.objects.count() == 1


@pytest.mark.parametrize(("received", "late"), [(date(2026, 11, 19), False), (date(2026, 11, 18), True)])
def test_late_disbursements_are_marked(office_accounts, received, late):
    # due by = received + 2 business days (42 USC 654b(c)): 11-19 → 11-23 (on time), 11-18 → 11-20 (late)
    _paid_case(received=received)
    disbursements_export(on=date(2026, 11, 23))
    assert Disbursement.objects.get().is_late is late


def test_payee_without_account_is_skipped_and_stays_pending(office_accounts):
    _paid_case(account=False)
    result = disbursements_export(on=date(2026, 11, 23))
    assert result.export is None and len(result.skipped) == 1
    assert Disbursement.objects.get().status == "pending"


def test_card_program_pays_payees_without_direct_deposit(office_accounts):
    BankAccountFactory(name="Debit card program", account_number="777000", routing_number="091000019",
                       purpose=BankAccountPurpose.CARD_PROGRAM)
    _paid_case(account=False)
    assert disbursements_export(on=date(2026, 11, 23)).export.entry_count == 1


def test_later_receipts_wait_for_their_day(office_accounts):
    _paid_case(received=date(2026, 11, 23))
    assert disbursements_export(on=date(2026, 11, 20)).export is None


def test_command_needs_a_configured_account():
    with pytest.raises(CommandError):
        call_command("export_disbursements", "--date", "2026-11-23")


def test_command_writes_the_file(office_accounts, tmp_path, capsys):
    _paid_case()
    out = tmp_path / "dx.ach"
    call_command("export_disbursements", "--date", "2026-11-23", "--output", str(out))
    assert "1 entries, total 100.00" in capsys.readouterr().out
    assert parse(out.read_text()).total_credit == Decimal("100.00")


def test_download_is_logged_as_a_sensitive_read(office_accounts, client_as):
    _paid_case()
    export = disbursements_export(on=date(2026, 11, 23)).export
    response = client_as("coordinator").get(reverse("enforcement:disbursementexport_download", args=[export.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert AccessLog.objects.filter(kind="sensitive_read").exists()

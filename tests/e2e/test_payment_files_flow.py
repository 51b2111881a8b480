"""Specialist's flows in the browser: upload an employer payment file, then a bank statement."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.choices import CollectionSource, ReceivedVia
from cases.services import collection_post
from enforcement.bai2file import AccountSpec, TransactionSpec, build_statement
from enforcement.choices import BankAccountPurpose
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import BankAccountFactory
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_payment_file_shows_the_import_report(sign_in, live_server):
    cases = [case_with_order(monthly=Decimal("400.00")) for _ in range(2)]
    today = timezone.localdate()
    text = payment_file(
        [ded_entry(c.case_number, "150.00", ssn=c.ncp.ssn, pay_date=today - timedelta(days=2)) for c in cases],
        effective=today,
        created=timezone.localtime().replace(tzinfo=None),
    )
    page = sign_in("enforcement_specialist", at="/enforcement/payment-files/upload/")
    page.get_by_label("NACHA CCD+ payment file").set_input_files(
        files=[{"name": "acme.ach", "mimeType": "text/plain", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", name="Payment file acme.ach")).to_be_visible()
    expect(page.get_by_test_id("file-status")).to_have_text("Imported")
    report = page.get_by_test_id("import-report")
    # Entries, Posted, Held, Duplicates, Late, Notices, Errors, Amount
    expect(report.locator("tbody td")).to_have_text(["2", "2", "0", "0", "0", "0", "0", "300.00"])


def test_upload_bank_statement_shows_the_reconciliation(sign_in, live_server):
    BankAccountFactory(name="SDU collections", account_number="100200300", purpose=BankAccountPurpose.COLLECTIONS)
    as_of = timezone.localdate() - timedelta(days=1)
    case = case_with_order()
    collection_post(
        case_number=case.case_number,
        amount=Decimal("250.00"),
        received_on=as_of,
        source=CollectionSource.INCOME_WITHHOLDING,
        source_reference="E2E-1",
        received_via=ReceivedVia.FILE,
        batch_reference="PF-E2E",
    )
    text = build_statement(
        sender="BANK",
        receiver="SDU",
        as_of=as_of,
        accounts=[
            AccountSpec(
                "100200300",
                [
                    TransactionSpec(165, Decimal("250.00"), "B1", "PF-E2E"),  # the deposit of the posted batch
                    TransactionSpec(165, Decimal("99.99"), "B2", "UNKNOWN"),  # nothing in the books
                ],
            )
        ],
    )
    page = sign_in("enforcement_specialist", at="/enforcement/bank-statements/upload/")
    page.get_by_label("BAI2 bank statement").set_input_files(
        files=[{"name": "day.bai", "mimeType": "text/plain", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Upload and import").click()

    summary = page.get_by_test_id("statement-summary")
    expect(summary).to_contain_text("Imported")
    expect(summary).to_contain_text("2 items: 1 matched, 0 partial, 1 unmatched.")
    expect(page.get_by_role("row").filter(has_text="PF-E2E")).to_contain_text("Matched")
    expect(page.get_by_role("row").filter(has_text="UNKNOWN")).to_contain_text("Unmatched")

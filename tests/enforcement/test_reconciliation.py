"""BAI2 statement import, matching to the books and the exceptions queue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import CollectionSource, ReceivedVia
from cases.services import collection_post
from core.models import DomainEvent
from enforcement import selectors
from enforcement.bai2file import AccountSpec, TransactionSpec, build_statement
from enforcement.choices import BankAccountPurpose, ExceptionStatus, FileVia, MatchStatus, StatementStatus
from enforcement.models import BankStatement, BankTransaction, ReconciliationException
from enforcement.services.bank import (
    bank_statement_import_now,
    bank_statement_receive,
    reconciliation_exception_note,
    reconciliation_exception_resolve,
)
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import (
    BankAccountFactory,
    DisbursementExportFactory,
    ReconciliationExceptionFactory,
)

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


@pytest.fixture
def accounts():
    return (
        BankAccountFactory(name="Collections", account_number="100200300", purpose=BankAccountPurpose.COLLECTIONS),
        BankAccountFactory(name="Disbursements", account_number="555000111", purpose=BankAccountPurpose.DISBURSEMENTS),
    )


@pytest.fixture
def book():
    case = case_with_order()
    for n, (amount, batch, received) in enumerate(
        [
            ("300.00", "PF-AAA", date(2026, 11, 20)),
            ("200.00", "PF-AAA", date(2026, 11, 20)),
            ("75.00", "", date(2026, 11, 19)),
            ("42.00", "PF-CCC", date(2026, 11, 20)),
        ]
    ):
        collection_post(
            case_number=case.case_number,
            amount=Decimal(amount),
            received_on=received,
            source=CollectionSource.INCOME_WITHHOLDING,
            source_reference=f"B-{n}",
            received_via=ReceivedVia.FILE,
            batch_reference=batch,
        )
    DisbursementExportFactory(reference="DX-20261120-001", total_credit=Decimal("480.00"), export_date=AS_OF)
    return case


def _statement(collections=None, disbursements=None, extra_accounts=()) -> str:
    specs = [
        AccountSpec(
            "100200300",
            collections
            if collections is not None
            else [
                TransactionSpec(165, Decimal("500.00"), "B1", "PF-AAA"),  # exact reference
                TransactionSpec(301, Decimal("75.00"), "B2", ""),  # amount + date window (day deposit)
                TransactionSpec(165, Decimal("40.00"), "B3", "PF-CCC"),  # reference, amount differs
                TransactionSpec(165, Decimal("999.99"), "B4", "UNKNOWN"),  # nothing in the books
            ],
        ),
        AccountSpec(
            "555000111",
            disbursements
            if disbursements is not None
            else [
                TransactionSpec(455, Decimal("480.00"), "B5", "DX-20261120-001"),
            ],
        ),
        *extra_accounts,
    ]
    return build_statement(sender="BANK", receiver="SDU", as_of=AS_OF, accounts=specs)


def _import(text: str):
    return bank_statement_import_now(name="s.bai", content=text.encode(), via=FileVia.COMMAND)


def test_matching_exact_reference_then_amount_and_date(accounts, book):
    statement, report = _import(_statement())
    assert (report.matched, report.partial, report.unmatched) == (3, 1, 1)
    rows = {t.bank_reference: t for t in BankTransaction.objects.all()}
    assert (rows["B1"].match_status, rows["B1"].book_reference, rows["B1"].match_rule) == (
        MatchStatus.MATCHED,
        "PF-AAA",
        "reference",
    )
    assert (rows["B2"].book_reference, rows["B2"].match_rule) == ("DEP-20261119", "amount_date")
    assert rows["B3"].match_status == MatchStatus.PARTIAL and rows["B3"].book_amount == Decimal("42.00")
    assert rows["B4"].match_status == MatchStatus.UNMATCHED
    assert rows["B5"].book_reference == "DX-20261120-001"
    kinds = dict(ReconciliationException.objects.values_list("transaction__bank_reference", "kind"))
    assert kinds == {"B3": "amount_differs", "B4": "bank_unmatched"}
    assert ReconciliationException.objects.get(kind="amount_differs").difference == Decimal("-2.00")


@pytest.mark.parametrize(("as_of", "matched"), [(date(2026, 11, 22), True), (date(2026, 11, 23), False)])
def test_amount_match_only_within_the_date_window(accounts, book, as_of, matched):
    # the day deposit DEP-20261119 (75.00); window ±3 calendar days
    text = build_statement(
        sender="BANK",
        receiver="SDU",
        as_of=as_of,
        accounts=[AccountSpec("100200300", [TransactionSpec(301, Decimal("75.00"), "B2", "")])],
    )
    _, report = _import(text)
    assert (report.matched, report.unmatched) == ((1, 0) if matched else (0, 1))


def test_a_book_item_is_matched_once(accounts, book):
    twice = [
        TransactionSpec(165, Decimal("500.00"), "B1", "PF-AAA"),
        TransactionSpec(165, Decimal("500.00"), "B9", "PF-AAA"),
    ]
    _, report = _import(_statement(collections=twice, disbursements=[]))
    assert (report.matched, report.unmatched) == (1, 1)


def test_reimport_changes_nothing(accounts, book):
    text = _statement()
    _import(text)
    before = (BankTransaction.objects.count(), ReconciliationException.objects.count(), BankStatement.objects.count())
    statement, report = _import(text)
    assert report.status == StatementStatus.DUPLICATE
    assert (
        BankTransaction.objects.count(),
        ReconciliationException.objects.count(),
        BankStatement.objects.count(),
    ) == before


def test_overlapping_statement_does_not_store_items_twice(accounts, book):
    _import(_statement())
    # a corrected statement: the same items plus one more, different file id
    more = build_statement(
        sender="BANK",
        receiver="SDU",
        as_of=AS_OF,
        file_id="2",
        accounts=[
            AccountSpec(
                "100200300",
                [
                    TransactionSpec(165, Decimal("500.00"), "B1", "PF-AAA"),
                    TransactionSpec(165, Decimal("12.00"), "B7", "NEW"),
                ],
            )
        ],
    )
    _, report = _import(more)
    assert (report.already_known, report.stored) == (1, 1)


def test_unconfigured_accounts_are_reported_and_skipped(accounts, book):
    other = AccountSpec("999888777", [TransactionSpec(165, Decimal("5.00"), "X", "Y")])
    _, report = _import(_statement(extra_accounts=[other]))
    assert report.status == StatementStatus.IMPORTED
    assert report.skipped_accounts == [{"account": "999888777", "line": 12, "transactions": 1}]
    assert not BankTransaction.objects.filter(bank_reference="X").exists()


def test_mistotalled_statement_is_refused_and_nothing_stored(accounts, book, tmp_path):
    path = tmp_path / "bad.bai"
    path.write_text(_statement().replace("99,", "99,1", 1))
    with pytest.raises(CommandError):
        call_command("import_bank_statement", str(path))
    assert BankStatement.objects.count() == 0 and BankTransaction.objects.count() == 0


def test_command_reimport_exits_zero(accounts, book, tmp_path, capsys):
    path = tmp_path / "s.bai"
    path.write_text(_statement())
    call_command("import_bank_statement", str(path))
    call_command("import_bank_statement", str(path))
    assert "nothing changed" in capsys.readouterr().out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_fuzzed_statements_never_store_anything(accounts, data):
    statement, report = bank_statement_import_now(name="f.bai", content=data, via=FileVia.COMMAND)
    assert report.status == StatementStatus.REFUSED
    assert BankTransaction.objects.count() == 0


def test_upload_page_runs_the_task(accounts, book, client_as, django_capture_on_commit_callbacks):
    client = client_as("enforcement_specialist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enforcement:bankstatement_upload"), {"file": SimpleUploadedFile("s.bai", _statement().encode())}
        )
    assert response.status_code == 302
    assert BankStatement.objects.get().status == StatementStatus.IMPORTED
    page = client.get(response.url)
    assert page.status_code == 200 and b"PF-AAA" in page.content


def test_uploaded_bad_statement_is_refused_with_its_report(accounts, client_as, django_capture_on_commit_callbacks):
    client = client_as("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enforcement:bankstatement_upload"), {"file": SimpleUploadedFile("s.bai", b"01,x/\n")}
        )
    statement = BankStatement.objects.get()
    assert statement.status == StatementStatus.REFUSED and statement.transactions.count() == 0
    assert b"refused" in client.get(response.url).content


def test_task_is_idempotent(accounts, book):
    from enforcement.tasks import import_bank_statement

    statement = bank_statement_receive(name="s.bai", content=_statement().encode(), via=FileVia.UPLOAD)
    assert import_bank_statement(statement.pk) == "imported"
    count = BankTransaction.objects.count()
    assert import_bank_statement(statement.pk) == "imported"
    assert BankTransaction.objects.count() == count


# --- exceptions queue -------------------------------------------------------------------------------


def test_specialist_notes_and_coordinator_resolves(client_as, role_user):
    exception = ReconciliationExceptionFactory()
    specialist = client_as("enforcement_specialist")
    note_url = reverse("enforcement:reconciliationexception_note", args=[exception.pk])
    resolve_url = reverse("enforcement:reconciliationexception_resolve", args=[exception.pk])
    assert specialist.post(note_url, {"note": "Called the bank"}).status_code == 302
    assert specialist.post(resolve_url, {"reason": "Bank fee, booked"}).status_code == 403
    coordinator = client_as("coordinator")
    assert coordinator.get(resolve_url).status_code == 405
    assert coordinator.post(resolve_url, {"reason": "Bank fee, booked"}).status_code == 302
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED and exception.resolution == "Bank fee, booked"
    assert "Called the bank" in exception.notes
    assert exception.history.count() >= 2
    assert DomainEvent.objects.filter(verb="reconciliation.exception_resolved").exists()


def test_resolution_needs_a_reason_and_happens_once(role_user):
    exception = ReconciliationExceptionFactory()
    coordinator = role_user("coordinator")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reconciliation_exception_resolve(exception=exception, reason="ok", by=coordinator)
    reconciliation_exception_resolve(exception=exception, reason="Matched by hand to PF-123", by=coordinator)
    with pytest.raises(ValidationError):
        reconciliation_exception_resolve(exception=exception, reason="Again and again", by=coordinator)
    with pytest.raises(ValidationError):
        reconciliation_exception_note(exception=exception, note="late note", by=coordinator)


def test_open_exceptions_selector_gives_count_and_oldest_age():
    assert selectors.reconciliation_open_exceptions()["count"] == 0
    ReconciliationExceptionFactory(opened_on=date(2026, 11, 13))
    ReconciliationExceptionFactory(opened_on=date(2026, 11, 22))
    ReconciliationExceptionFactory(opened_on=date(2026, 11, 1), status=ExceptionStatus.RESOLVED)
    info = selectors.reconciliation_open_exceptions()
    assert (info["count"], info["oldest_age_days"]) == (2, 10)


def test_daily_report_book_vs_bank(accounts, book, client_as):
    _import(_statement())
    report = selectors.reconciliation_day(day=AS_OF)
    assert report["book_credits"] == Decimal("542.00")  # 300 + 200 + 42 received on 11-20
    assert report["bank_credits"] == Decimal("1614.99")
    assert report["credit_difference"] == Decimal("1072.99")
    assert (report["book_debits"], report["bank_debits"]) == (Decimal("480.00"), Decimal("480.00"))
    assert report["open_total"] == 2
    page = client_as("coordinator").get(reverse("enforcement:reconciliation_report") + "?day=2026-11-20")
    assert page.status_code == 200 and b"1072.99" in page.content


def test_report_page_survives_a_bad_day(client_as):
    assert client_as("coordinator").get(reverse("enforcement:reconciliation_report") + "?day=nope").status_code == 200


@pytest.mark.parametrize("name", ["enforcement:bankstatement_list", "enforcement:reconciliationexception_list"])
def test_list_pages_query_count(client_as, django_assert_max_num_queries, name):
    client = client_as("coordinator")
    ReconciliationExceptionFactory()
    with django_assert_max_num_queries(15) as one:
        assert client.get(reverse(name)).status_code == 200
    ReconciliationExceptionFactory.create_batch(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_statement_detail_query_count(client_as, django_assert_max_num_queries):
    from tests.enforcement.file_factories import BankTransactionFactory

    tx = BankTransactionFactory()
    client = client_as("coordinator")
    url = reverse("enforcement:bankstatement_detail", args=[tx.statement_id])
    with django_assert_max_num_queries(15) as one:
        client.get(url)
    BankTransactionFactory.create_batch(30, statement=tx.statement)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200

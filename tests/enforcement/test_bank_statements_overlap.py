"""Two BAI2 statements imported at the same time (two specialists' uploads, a bank's intraday and
end-of-day files that repeat some lines, each its own leased job on its own worker). Without turns
each reads the fingerprints already known before the other committed, and the second one's insert
of a shared line fails on ``BankTransaction.fingerprint``'s unique index: the job fails and the
statement stays ``pending`` for good, its own lines never imported. Imports of statements of the
same bank account take turns (an advisory lock per account): the second ends imported, its new
lines stored, the shared ones counted as already known."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from enforcement.bai2file import AccountSpec, TransactionSpec, build_statement
from enforcement.choices import BankAccountPurpose, FileVia, StatementStatus
from enforcement.models import BankTransaction
from enforcement.services import bank
from tests.conftest import needs_postgres
from tests.enforcement.file_factories import BankAccountFactory
from tests.locks import someone_waits_on_a_lock

pytestmark = [needs_postgres(), pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AS_OF = date(2026, 11, 20)


def _text(*lines: TransactionSpec, file_id: str, account: str = "100200300") -> bytes:
    return build_statement(
        sender="BANK", receiver="SDU", as_of=AS_OF, accounts=[AccountSpec(account, list(lines))], file_id=file_id
    ).encode()


def _import_both_at_once(monkeypatch, first_id: int, second_id: int) -> dict[str, object]:
    """The first import stops inside its transaction, its lines stored, until the second waits on
    a lock (or, were there none, has finished)."""
    first_stored, second_done = threading.Event(), threading.Event()
    real_done = bank._done

    def done(statement, report):
        result = real_done(statement, report)
        if threading.current_thread().name == "first":
            first_stored.set()
            while not second_done.is_set() and not someone_waits_on_a_lock():
                second_done.wait(0.01)
        return result

    monkeypatch.setattr(bank, "_done", done)
    results: dict[str, object] = {}

    def worker(statement_id: int):
        name = threading.current_thread().name
        try:
            if name == "second":
                first_stored.wait(30)
            with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
                results[name] = bank.bank_statement_import(statement_id=statement_id).status
        except BaseException as exc:  # noqa: BLE001
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(pk,), name=name)
        for name, pk in (("first", first_id), ("second", second_id))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_overlapping_statements_imported_at_once_both_end_imported(monkeypatch):
    # given an intraday file and a closing file that repeats its line and adds one
    BankAccountFactory(name="Collections", account_number="100200300", purpose=BankAccountPurpose.COLLECTIONS)
    shared = TransactionSpec(165, Decimal("500.00"), "B1", "PF-AAA")
    intraday = bank.bank_statement_receive(
        name="intraday.bai", content=_text(shared, file_id="1"), via=FileVia.UPLOAD, by=None
    )
    closing = bank.bank_statement_receive(
        name="closing.bai",
        content=_text(shared, TransactionSpec(165, Decimal("75.00"), "B9", "PF-ZZZ"), file_id="2"),
        via=FileVia.UPLOAD,
        by=None,
    )

    # when both are imported at once
    results = _import_both_at_once(monkeypatch, intraday.pk, closing.pk)

    # then both end imported: the closing file's own line stored, the shared one once
    assert results == {"first": StatementStatus.IMPORTED, "second": StatementStatus.IMPORTED}, results
    closing.refresh_from_db()
    assert (closing.report["stored"], closing.report["already_known"]) == (1, 1)
    assert closing.transactions_count == 1
    assert list(BankTransaction.objects.order_by("bank_reference").values_list("bank_reference", "statement")) == [
        ("B1", intraday.pk),
        ("B9", closing.pk),
    ]


def test_the_same_statement_uploaded_twice_at_once_is_imported_once(monkeypatch):
    # given one file received twice (two specialists upload it)
    BankAccountFactory(name="Collections", account_number="100200300", purpose=BankAccountPurpose.COLLECTIONS)
    content = _text(TransactionSpec(165, Decimal("500.00"), "B1", "PF-AAA"), file_id="1")
    one = bank.bank_statement_receive(name="a.bai", content=content, via=FileVia.UPLOAD, by=None)
    two = bank.bank_statement_receive(name="b.bai", content=content, via=FileVia.UPLOAD, by=None)

    results = _import_both_at_once(monkeypatch, one.pk, two.pk)

    # then the second waited for the first and is the duplicate it is when imported later
    assert results == {"first": StatementStatus.IMPORTED, "second": StatementStatus.DUPLICATE}, results
    assert BankTransaction.objects.count() == 1


def test_statements_of_other_accounts_do_not_wait_for_each_other(monkeypatch):
    # given two files of two accounts, and a first import that would hold the second back forever
    BankAccountFactory(name="Collections", account_number="100200300", purpose=BankAccountPurpose.COLLECTIONS)
    BankAccountFactory(name="Disbursements", account_number="900800700", purpose=BankAccountPurpose.DISBURSEMENTS)
    collections = bank.bank_statement_receive(
        name="c.bai", content=_text(TransactionSpec(165, Decimal("5.00"), "C1", ""), file_id="1"), via=FileVia.UPLOAD
    )
    disbursements = bank.bank_statement_receive(
        name="d.bai",
        content=_text(TransactionSpec(475, Decimal("7.00"), "D1", ""), file_id="2", account="900800700"),
        via=FileVia.UPLOAD,
    )
    first_stored, second_done = threading.Event(), threading.Event()
    real_done = bank._done

    def done(statement, report):
        result = real_done(statement, report)
        if threading.current_thread().name == "first":
            first_stored.set()
            assert second_done.wait(30), "the other account's import waited for this one"
        return result

    monkeypatch.setattr(bank, "_done", done)
    results: dict[str, object] = {}

    def worker(statement_id: int):
        name = threading.current_thread().name
        try:
            if name == "second":
                first_stored.wait(30)
            results[name] = bank.bank_statement_import(statement_id=statement_id).status
        except BaseException as exc:  # noqa: BLE001
            results[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    # when the second is imported while the first is inside its transaction
    first = threading.Thread(target=worker, args=(collections.pk,), name="first")
    second = threading.Thread(target=worker, args=(disbursements.pk,), name="second")
    first.start()
    second.start()
    first.join(60)
    second.join(60)

    # then it did not wait for it
    assert results == {"first": StatementStatus.IMPORTED, "second": StatementStatus.IMPORTED}, results

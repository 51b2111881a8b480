"""Factories of payment-file and bank reconciliation records."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import factory

from enforcement.choices import (
    BankAccountPurpose,
    ExceptionKind,
    FileVia,
    MatchStatus,
    PaymentFileStatus,
    ReturnFileStatus,
    StatementStatus,
)
from enforcement.models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    DisbursementExport,
    NachaReturnFile,
    PaymentFile,
    ReconciliationException,
)
from tests.factory_base import ModelFactory


class BankAccountFactory(ModelFactory):
    class Meta:
        model = BankAccount
        django_get_or_create = ("account_number",)

    name = "SDU collections"
    account_number = "100200300"
    routing_number = "021000021"
    purpose = BankAccountPurpose.COLLECTIONS


class PaymentFileFactory(ModelFactory):
    class Meta:
        model = PaymentFile

    name = factory.Sequence(lambda n: f"employer-{n}.ach")
    content = b"x"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"file{n}".encode()).hexdigest())
    reference = factory.Sequence(lambda n: f"PF-{n:012d}")
    status = PaymentFileStatus.IMPORTED
    via = FileVia.UPLOAD
    entries = 2
    posted = 2
    report = factory.LazyAttribute(lambda o: {"status": o.status, "errors": [], "held_entries": [], "late_entries": []})


class DisbursementExportFactory(ModelFactory):
    class Meta:
        model = DisbursementExport

    reference = factory.Sequence(lambda n: f"DX-20261120-{n:03d}")
    export_date = date(2026, 11, 20)
    file_name = factory.LazyAttribute(lambda o: f"{o.reference}.ach")
    content = "101 ..."
    entry_count = 1
    total_credit = Decimal("100.00")


class BankStatementFactory(ModelFactory):
    class Meta:
        model = BankStatement

    name = factory.Sequence(lambda n: f"statement-{n}.bai")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"statement{n}".encode()).hexdigest())
    status = StatementStatus.IMPORTED
    via = FileVia.UPLOAD
    as_of_date = date(2026, 11, 20)


class BankTransactionFactory(ModelFactory):
    class Meta:
        model = BankTransaction

    statement = factory.SubFactory(BankStatementFactory)
    account = factory.SubFactory(BankAccountFactory)
    fingerprint = factory.Sequence(lambda n: hashlib.sha256(f"tx{n}".encode()).hexdigest())
    line = 4
    as_of_date = date(2026, 11, 20)
    type_code = 165
    direction = "credit"
    amount = Decimal("250.00")
    customer_reference = factory.Sequence(lambda n: f"REF{n}")
    match_status = MatchStatus.UNMATCHED


class ReconciliationExceptionFactory(ModelFactory):
    class Meta:
        model = ReconciliationException

    transaction = factory.SubFactory(BankTransactionFactory)
    kind = ExceptionKind.BANK_UNMATCHED
    amount = Decimal("250.00")
    difference = Decimal("250.00")
    opened_on = date(2026, 11, 20)


class NachaReturnFileFactory(ModelFactory):
    class Meta:
        model = NachaReturnFile

    name = factory.Sequence(lambda n: f"returns-{n}.ach")
    content = b"x"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"returns{n}".encode()).hexdigest())
    status = ReturnFileStatus.IMPORTED
    via = FileVia.UPLOAD
    report = factory.LazyAttribute(lambda o: {"status": o.status, "errors": [], "items": [], "held_amount": "0.00"})

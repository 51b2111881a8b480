"""The family disbursement file: pending family disbursements as a NACHA PPD credit file.

The order inside the one transaction: lock the pending rows, build the file (every text field
transliterated to printable ASCII, upper-cased by default), validate it with the project's own
NACHA parser (record lengths, counts, hashes and totals checked against what was meant to be
sent), and only then mark the disbursements sent and store the file. A file that does not
validate raises ``ValidationError`` and changes nothing; the stored file can be downloaded again
at any time (page and partner API).

A disbursement goes out once: rows are claimed with a conditional update (still pending, no
export batch) that marks them sent in this export; a second run finds nothing to claim.
Disbursement is due within 2 business days of receipt (42 USC 654b(c)); one sent after its
``due_by`` is marked late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import FilteredRelation, Q, When
from django.utils import timezone

from accounts.models import User
from core.db import ids_in, insert_from_sql, rows_insert
from core.memory import gc_paused
from core.models import DomainEvent
from core.services import event_about, events_bulk_record

from ..choices import BankAccountPurpose, PayeeAccountType
from ..models import BankAccount, DisbursementExport, DisbursementExportEntry
from ..nacha import CENT, BatchSpec, EntrySpec, NachaInvalid, ascii_text, build_file, parse, routing_check_digit


@dataclass
class ExportResult:
    export: DisbursementExport | None
    skipped: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        export = self.export
        return {
            "reference": export.reference if export else None,
            "entries": export.entry_count if export else 0,
            "total_credit": str(export.total_credit) if export else "0.00",
            "entry_hash": export.entry_hash if export else 0,
            "skipped": self.skipped,
        }


def _originator() -> tuple[str, str]:
    return settings.CASEWORKS_ACH_COMPANY_ID, settings.CASEWORKS_ACH_COMPANY_NAME


def _next_reference(on: date) -> str:
    prefix = f"DX-{on:%Y%m%d}-"
    count = DisbursementExport.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


class _Entry(NamedTuple):
    """A disbursement going in the file: what is written besides its NACHA entry."""

    pk: int
    case_id: int
    due_by: date
    account: int | None  # the payee account paid into (None: the debit card)
    spec: EntrySpec


@dataclass
class _FileBuilder:
    """Build the PPD file for some entries and validate it with ``nacha.parse``."""

    source: BankAccount
    reference: str
    on: date
    uppercase: bool = True
    first_trace: int = 1

    def __call__(self, specs: list[EntrySpec]) -> str:
        company_id, company_name = _originator()
        content = build_file(
            destination=self.source.routing_number,
            origin=company_id,
            destination_name=self.source.name,
            origin_name=company_name,
            created=timezone.localtime(),
            reference_code=self.reference[-8:],
            uppercase=self.uppercase,
            batches=[
                BatchSpec(
                    company_name=company_name,
                    company_id=company_id,
                    sec_code="PPD",
                    entry_description="CHILD SUPP",
                    effective_date=self.on,
                    odfi=self.source.routing_number[:8],
                    entries=specs,
                    first_trace=self.first_trace,
                )
            ],
        )
        file_check(content, specs)
        return content


TRACE_SEQUENCE_LAST = 9_999_999  # the 7 digits after the ODFI's 8 in a trace number


def _first_trace(odfi: str, count: int) -> int:
    """The sequence (last 7 digits) of this file's first trace number: after the last file's, so a
    trace number repeats as seldom as the 7 digits allow. The ``count`` entries of the file are
    numbered from it one by one, so they are unique within the file (NACHA); when they would run
    past 9,999,999 the file starts the sequence again at 1, and traces of earlier files repeat
    (a return is then matched by its trace, the file's date, amount and case number:
    ``enforcement.services.returns``)."""
    last = (
        DisbursementExportEntry.objects.filter(trace_number__startswith=odfi)
        .order_by("-pk")
        .values_list("trace_number", flat=True)
        .first()
    )
    first = int(last[8:]) % TRACE_SEQUENCE_LAST + 1 if last else 1
    return 1 if first + count - 1 > TRACE_SEQUENCE_LAST else first


def _account_problem(routing: str, number: str) -> str:
    """Why the payee's bank details cannot go in a NACHA entry ('' when they can)."""
    account = str(number).strip()
    if len(routing) != 9 or not routing.isdigit() or routing_check_digit(routing[:8]) != routing[8]:
        return "the payee's bank routing number is not a valid 9-digit ABA number"
    if not account or len(account) > 17 or ascii_text(account).strip() != account.upper():
        return "the payee's bank account number is blank, longer than 17 characters or not plain ASCII"
    return ""


def file_check(content: str, specs: list[EntrySpec]) -> None:
    """Refuse a built file that the NACHA parser refuses or that says other than ``specs``.

    Raises ``ValidationError`` (listing the parser's line-numbered reasons) so the export's
    transaction rolls back and no disbursement is marked sent.
    """
    try:
        parsed = parse(content)
    except NachaInvalid as exc:
        reasons = "; ".join(f"line {line}: {reason}" for line, reason in exc.errors[:10])
        raise ValidationError({"file": f"The disbursement file does not validate: {reasons}"}) from exc
    if not content.isascii():  # the parser refuses any non-printable record; this is belt and braces
        raise ValidationError({"file": "The disbursement file is not plain ASCII."})
    got = [(e.rdfi + e.check_digit, e.amount, e.transaction_code) for b in parsed.batches for e in b.entries]
    meant = [(s.routing, Decimal(s.amount).quantize(CENT), s.transaction_code) for s in specs]
    if got != meant:
        raise ValidationError({"file": "The disbursement file's entries differ from the disbursements claimed."})


def _claim_recording_pg(claim, values: dict, *, reference: str, event: dict) -> int:
    """``claim.update(**values)`` and a ``disbursement.sent`` event per row it updated (in pk order,
    as ``events_bulk_record`` writes them), in one PostgreSQL statement; the number claimed."""
    from django.db.models.sql import UpdateQuery

    query = claim.query.chain(UpdateQuery)
    query.add_update_values(values)
    update, update_params = query.get_compiler(using=claim.db).as_sql()
    insert, insert_params = insert_from_sql(DomainEvent, ("case_id", "summary", "data"), "v", values=event)
    # The ORM's own statement and names; every value is a parameter.
    sql = (
        f"WITH claimed AS ({update} RETURNING id, case_id, amount), "  # noqa: S608
        "v(c0, c1, c2) AS (SELECT case_id, amount::text || %s, jsonb_build_object('disbursement', id) "
        f"FROM claimed ORDER BY id), written AS ({insert}) SELECT count(*) FROM claimed"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*update_params, f" to the family in {reference}", *insert_params])
        return cursor.fetchone()[0]


@transaction.atomic
def disbursements_export(*, on: date, by: User | None = None, uppercase: bool = True) -> ExportResult:
    """Write the pending family disbursements received up to ``on`` as one PPD credit file.

    Text fields (payee names, case numbers, the office's names) are transliterated to printable
    ASCII and upper-cased unless ``uppercase`` is False. The file is validated before anything is
    marked sent; a file that does not validate raises ``ValidationError`` and changes nothing.
    """
    # Its rows, entries and records live until the file is stored: no collection scans them over
    # and over meanwhile (``core.memory``; at 1,000,000 cases a file holds some 330,000 entries).
    with gc_paused():
        return _export(on=on, by=by, uppercase=uppercase)


def _export(*, on: date, by: User | None, uppercase: bool) -> ExportResult:
    from cases.choices import DisbursementStatus, ParticipantRole, Payee
    from cases.models import Disbursement

    # Locked: exports from one account run one after the other, so each file's trace numbers follow
    # the last file's (two at once would both start after the same file).
    source = (
        BankAccount.objects.select_for_update()
        .filter(purpose=BankAccountPurpose.DISBURSEMENTS, active=True)
        .order_by("pk")
        .first()
    )
    if source is None or len(source.routing_number) != 9:
        raise ValidationError(
            {"account": "Configure the office's disbursements bank account (with its routing number) before exporting."}
        )
    card = BankAccount.objects.filter(purpose=BankAccountPurpose.CARD_PROGRAM, active=True).first()
    # The pending rows, locked, with each case's CP (the last by id when a case names several), the
    # CP's name and active direct-deposit account, in one statement: the CPs and the accounts were
    # two more reads listing every case and person, and at 30,000 disbursements each list cost a
    # second to send and parse, more than its read. Rows come as tuples (no dict per row).
    rows = (
        Disbursement.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(payee=Payee.FAMILY, status=DisbursementStatus.PENDING, export_batch="", received_on__lte=on)
        .annotate(
            cp=FilteredRelation("case__participants", condition=Q(case__participants__role=ParticipantRole.CP)),
            account=FilteredRelation(
                "cp__person__payee_accounts", condition=Q(cp__person__payee_accounts__active=True)
            ),
        )
        .order_by("pk", "cp__id")
        .values_list(
            "pk",
            "case_id",
            "amount",
            "due_by",
            "case__case_number",
            "cp__person_id",
            "cp__person__last_name",
            "cp__person__first_name",
            "account__id",
            "account__account_type",
            "account__routing_number",
            "account__account_number",
        )
    )
    pending = {row[0]: row for row in rows}  # a case with several CPs: its last CP's row stays
    entries: list[_Entry] = []
    skipped: list[dict] = []
    problems: dict[tuple[str, str], str] = {}  # the payees share few accounts (the card): checked once each
    for (
        pk,
        case_id,
        amount,
        due_by,
        case_number,
        person,
        last,
        first,
        account,
        kind,
        routing,
        number,
    ) in pending.values():
        # Where the money goes: the payee's own account (savings credit 32, checking 22), else the card.
        if account is not None:
            code = "32" if kind == PayeeAccountType.SAVINGS else "22"
        elif card is not None and len(card.routing_number) == 9:
            code, routing, number = "22", card.routing_number, card.account_number
        else:
            skipped.append(
                {
                    "disbursement": pk,
                    "case_number": case_number,
                    "reason": "no direct-deposit account and no debit card program configured",
                }
            )
            continue
        problem = problems.get((routing, number))
        if problem is None:
            problem = problems[routing, number] = _account_problem(routing, number)
        if problem:
            skipped.append({"disbursement": pk, "case_number": case_number, "reason": problem})
            continue
        spec = EntrySpec(
            routing=routing,
            account=number,
            amount=amount,
            identification=case_number,
            name=f"{last} {first}" if person is not None else "",
            transaction_code=code,
        )
        entries.append(_Entry(pk, case_id, due_by, account, spec))
    if not entries:
        return ExportResult(export=None, skipped=skipped)
    reference = _next_reference(on)
    odfi = source.routing_number[:8]
    build = _FileBuilder(
        source=source, reference=reference, on=on, uppercase=uppercase, first_trace=_first_trace(odfi, len(entries))
    )
    content = build([entry.spec for entry in entries])  # validated before anything is marked sent
    ids = [entry.pk for entry in entries]
    user = by if getattr(by, "is_authenticated", False) else None
    sent_event = {"verb": "disbursement.sent", "actor": user, "actor_label": "" if user else "export_disbursements"}
    claim = Disbursement.objects.filter(pk__in=ids_in(ids), status=DisbursementStatus.PENDING, export_batch="")
    claim_values = {
        "status": DisbursementStatus.SENT,
        "export_batch": reference,
        "disbursed_on": on,
        "is_late": When_(When(due_by__lt=on, then=True), default=False),
    }
    if connection.vendor == "postgresql":
        # The claim and one event per disbursement it claimed in one statement, the events written
        # from the claimed rows (``numeric::text`` is ``str`` of the amount's Decimal).
        claimed = _claim_recording_pg(claim, claim_values, reference=reference, event=sent_event)
    else:
        claimed = claim.update(**claim_values)
    if claimed != len(ids):  # another export took some: keep only ours, and build the file again
        ours = set(Disbursement.objects.filter(pk__in=ids_in(ids), export_batch=reference).values_list("pk", flat=True))
        entries = [entry for entry in entries if entry.pk in ours]
        if not entries:
            return ExportResult(export=None, skipped=skipped)
        content = build([entry.spec for entry in entries])
    total = sum((entry.spec.amount for entry in entries), Decimal("0.00"))
    entry_hash = sum(int(entry.spec.routing[:8]) for entry in entries) % 10**10
    result = ExportResult(export=None, skipped=skipped)
    export = DisbursementExport(
        reference=reference,
        export_date=on,
        file_name=f"{reference}.ach",
        content=content,
        entry_count=len(entries),
        total_credit=total,
        entry_hash=entry_hash,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    # Marked late by the claim above with the same test (received after its due date).
    export.report = {"skipped": skipped, "late": sum(1 for entry in entries if entry.due_by < on)}
    export.full_clean()
    export.save()
    # One entry and one event per disbursement: written as tuples (at file volume, building a
    # model instance for each row cost more than the inserts).
    rows_insert(
        DisbursementExportEntry,
        ("disbursement_id", "payee_account_id", "trace_number", "amount"),
        [
            (entry.pk, entry.account, f"{odfi}{build.first_trace + index:07d}", entry.spec.amount)
            for index, entry in enumerate(entries)
        ],
        values={"export": export},
    )
    result.export = export
    if connection.vendor != "postgresql":  # PostgreSQL wrote them with the claim
        events_bulk_record(
            fields=("case_id", "summary", "data"),
            rows=(
                (entry.case_id, f"{entry.spec.amount} to the family in {reference}", {"disbursement": entry.pk})
                for entry in entries
            ),
            values=sent_event,
        )
    event_about(
        export,
        verb="disbursement.file_exported",
        by=by,
        actor_label="" if user else "export_disbursements",
        summary=f"{reference}: {len(entries)} entries, {total}; {len(skipped)} skipped",
    )
    return result

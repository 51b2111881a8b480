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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as When_
from django.db.models import When
from django.utils import timezone

from accounts.models import User
from core.models import DomainEvent
from core.services import event_record, events_bulk_record

from ..choices import BankAccountPurpose, PayeeAccountType
from ..models import BankAccount, DisbursementExport, DisbursementExportEntry, PayeeAccount
from ..nacha import BatchSpec, EntrySpec, NachaInvalid, ascii_text, build_file, parse, routing_check_digit


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


def _first_trace(odfi: str, count: int) -> int:
    """The sequence (last 7 digits) of this file's first trace number: after the last file's, so a
    return, which names its entry by trace number, finds one entry among all files."""
    last = (
        DisbursementExportEntry.objects.filter(trace_number__startswith=odfi)
        .order_by("-pk")
        .values_list("trace_number", flat=True)
        .first()
    )
    first = int(last[8:]) + 1 if last else 1
    return 1 if first + count > 9_999_999 else first


def _account_problem(spec: EntrySpec) -> str:
    """Why the payee's bank details cannot go in a NACHA entry ('' when they can)."""
    routing, account = spec.routing, str(spec.account).strip()
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
    got = [(e.routing, e.amount, e.transaction_code) for e in parsed.entries]
    meant = [(s.routing, Decimal(s.amount).quantize(Decimal("0.01")), s.transaction_code) for s in specs]
    if got != meant:
        raise ValidationError({"file": "The disbursement file's entries differ from the disbursements claimed."})


@transaction.atomic
def disbursements_export(*, on: date, by: User | None = None, uppercase: bool = True) -> ExportResult:
    """Write the pending family disbursements received up to ``on`` as one PPD credit file.

    Text fields (payee names, case numbers, the office's names) are transliterated to printable
    ASCII and upper-cased unless ``uppercase`` is False. The file is validated before anything is
    marked sent; a file that does not validate raises ``ValidationError`` and changes nothing.
    """
    from cases.choices import DisbursementStatus, ParticipantRole, Payee
    from cases.models import CaseParticipant, Disbursement

    source = BankAccount.objects.filter(purpose=BankAccountPurpose.DISBURSEMENTS, active=True).first()
    if source is None or len(source.routing_number) != 9:
        raise ValidationError(
            {"account": "Configure the office's disbursements bank account (with its routing number) before exporting."}
        )
    card = BankAccount.objects.filter(purpose=BankAccountPurpose.CARD_PROGRAM, active=True).first()
    pending = list(
        Disbursement.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(payee=Payee.FAMILY, status=DisbursementStatus.PENDING, export_batch="", received_on__lte=on)
        .order_by("pk")
        .values("pk", "case_id", "amount", "case__case_number")
    )
    cps = dict(
        CaseParticipant.objects.filter(
            case_id__in={d["case_id"] for d in pending}, role=ParticipantRole.CP
        ).values_list("case_id", "person_id")
    )
    names = {}
    if cps:
        from cases.models import Person

        names = {
            p.pk: f"{p.last_name} {p.first_name}"
            for p in Person.objects.filter(pk__in=set(cps.values())).only("first_name", "last_name")
        }
    accounts = {a.person_id: a for a in PayeeAccount.objects.filter(person_id__in=set(cps.values()), active=True)}
    entries: list[tuple[dict, EntrySpec]] = []
    payee_accounts: dict[int, int] = {}  # disbursement → payee account paid into
    skipped: list[dict] = []
    for row in pending:
        person = cps.get(row["case_id"])
        account = accounts.get(person)
        if account is not None:
            code = "32" if account.account_type == PayeeAccountType.SAVINGS else "22"
            spec = EntrySpec(
                routing=account.routing_number,
                account=account.account_number,
                amount=row["amount"],
                identification=row["case__case_number"],
                name=names.get(person, ""),
                transaction_code=code,
            )
        elif card is not None and len(card.routing_number) == 9:
            spec = EntrySpec(
                routing=card.routing_number,
                account=card.account_number,
                amount=row["amount"],
                identification=row["case__case_number"],
                name=names.get(person, ""),
            )
        else:
            skipped.append(
                {
                    "disbursement": row["pk"],
                    "case_number": row["case__case_number"],
                    "reason": "no direct-deposit account and no debit card program configured",
                }
            )
            continue
        problem = _account_problem(spec)
        if problem:
            skipped.append({"disbursement": row["pk"], "case_number": row["case__case_number"], "reason": problem})
            continue
        if account is not None:
            payee_accounts[row["pk"]] = account.pk
        entries.append((row, spec))
    if not entries:
        return ExportResult(export=None, skipped=skipped)
    reference = _next_reference(on)
    odfi = source.routing_number[:8]
    build = _FileBuilder(
        source=source, reference=reference, on=on, uppercase=uppercase, first_trace=_first_trace(odfi, len(entries))
    )
    content = build([spec for _, spec in entries])  # validated before anything is marked sent
    ids = [row["pk"] for row, _ in entries]
    claimed = Disbursement.objects.filter(pk__in=ids, status=DisbursementStatus.PENDING, export_batch="").update(
        status=DisbursementStatus.SENT,
        export_batch=reference,
        disbursed_on=on,
        is_late=When_(When(due_by__lt=on, then=True), default=False),
    )
    if claimed != len(ids):  # another export took some: keep only ours, and build the file again
        ours = set(Disbursement.objects.filter(pk__in=ids, export_batch=reference).values_list("pk", flat=True))
        entries = [(row, spec) for row, spec in entries if row["pk"] in ours]
        if not entries:
            return ExportResult(export=None, skipped=skipped)
        content = build([spec for _, spec in entries])
    total = sum((spec.amount for _, spec in entries), Decimal("0.00"))
    entry_hash = sum(int(spec.routing[:8]) for _, spec in entries) % 10**10
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
    export.report = {
        "skipped": skipped,
        "late": Disbursement.objects.filter(export_batch=reference, is_late=True).count(),
    }
    export.full_clean()
    export.save()
    DisbursementExportEntry.objects.bulk_create(
        DisbursementExportEntry(
            export=export,
            disbursement_id=row["pk"],
            payee_account_id=payee_accounts.get(row["pk"]),
            trace_number=f"{odfi}{build.first_trace + index:07d}",
            amount=spec.amount,
        )
        for index, (row, spec) in enumerate(entries)
    )
    result.export = export
    user = by if getattr(by, "is_authenticated", False) else None
    events_bulk_record(
        DomainEvent(
            verb="disbursement.sent",
            case_id=row["case_id"],
            actor=user,
            actor_label="" if user else "export_disbursements",
            summary=f"{row['amount']} to the family in {reference}",
            data={"disbursement": row["pk"]},
        )
        for row, _ in entries
    )
    event_record(
        verb="disbursement.file_exported",
        subject=export,
        actor=by,
        actor_label="" if user else "export_disbursements",
        summary=f"{reference}: {len(entries)} entries, {total}; {len(skipped)} skipped",
    )
    return result

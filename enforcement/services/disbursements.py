"""The family disbursement file: pending family disbursements as a NACHA PPD credit file.

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

from core.models import DomainEvent
from core.services import event_record, events_bulk_record

from ..choices import BankAccountPurpose, PayeeAccountType
from ..models import BankAccount, DisbursementExport, PayeeAccount
from ..nacha import BatchSpec, EntrySpec, build_file


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


@transaction.atomic
def disbursements_export(*, on: date, by=None) -> ExportResult:
    """Write the pending family disbursements received up to ``on`` as one PPD credit file."""
    from cases.choices import DisbursementStatus, ParticipantRole, Payee
    from cases.models import CaseParticipant, Disbursement

    source = BankAccount.objects.filter(purpose=BankAccountPurpose.DISBURSEMENTS, active=True).first()
    if source is None or len(source.routing_number) != 9:
        raise ValidationError({"account": "Configure the office's disbursements bank account (with its routing "
                                          "number) before exporting."})
    card = BankAccount.objects.filter(purpose=BankAccountPurpose.CARD_PROGRAM, active=True).first()
    pending = list(
        Disbursement.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(payee=Payee.FAMILY, status=DisbursementStatus.PENDING, export_batch="", received_on__lte=on)
        .order_by("pk")
        .values("pk", "case_id", "amount", "case__case_number")
    )
    cps = dict(CaseParticipant.objects.filter(case_id__in={d["case_id"] for d in pending}, role=ParticipantRole.CP)
               .values_list("case_id", "person_id"))
    names = {}
    if cps:
        from cases.models import Person

        names = {p.pk: f"{p.last_name} {p.first_name}" for p in Person.objects.filter(pk__in=set(cps.values()))
                 .only("first_name", "last_name")}
    accounts = {a.person_id: a for a in PayeeAccount.objects.filter(person_id__in=set(cps.values()), active=True)}
    entries: list[tuple[dict, EntrySpec]] = []
    skipped: list[dict] = []
    for row in pending:
        person = cps.get(row["case_id"])
        account = accounts.get(person)
        if account is not None:
            code = "32" if account.account_type == PayeeAccountType.SAVINGS else "22"
            spec = EntrySpec(routing=account.routing_number, account=account.account_number, amount=row["amount"],
                             identification=row["case__case_number"], name=names.get(person, ""),
                             transaction_code=code)
        elif card is not None and len(card.routing_number) == 9:
            spec = EntrySpec(routing=card.routing_number, account=card.account_number, amount=row["amount"],
                             identification=row["case__case_number"], name=names.get(person, ""))
        else:
            skipped.append({"disbursement": row["pk"], "case_number": row["case__case_number"],
                            "reason": "no direct-deposit account and no debit card program configured"})
            continue
        entries.append((row, spec))
    if not entries:
        return ExportResult(export=None, skipped=skipped)
    reference = _next_reference(on)
    ids = [row["pk"] for row, _ in entries]
    claimed = Disbursement.objects.filter(
        pk__in=ids, status=DisbursementStatus.PENDING, export_batch=""
    ).update(status=DisbursementStatus.SENT, export_batch=reference, disbursed_on=on,
             is_late=When_(When(due_by__lt=on, then=True), default=False))
    if claimed != len(ids):  # another export took some: keep only ours
        ours = set(Disbursement.objects.filter(pk__in=ids, export_batch=reference).values_list("pk", flat=True))
        entries = [(row, spec) for row, spec in entries if row["pk"] in ours]
    company_id, company_name = _originator()
    now = timezone.localtime()
    content = build_file(
        destination=source.routing_number, origin=company_id, destination_name=source.name,
        origin_name=company_name, created=now, reference_code=reference[-8:],
        batches=[BatchSpec(company_name=company_name, company_id=company_id, sec_code="PPD",
                           entry_description="CHILD SUPP", effective_date=on, odfi=source.routing_number[:8],
                           entries=[spec for _, spec in entries])],
    )
    total = sum((spec.amount for _, spec in entries), Decimal("0.00"))
    entry_hash = sum(int(spec.routing[:8]) for _, spec in entries) % 10**10
    result = ExportResult(export=None, skipped=skipped)
    export = DisbursementExport(
        reference=reference, export_date=on, file_name=f"{reference}.ach", content=content,
        entry_count=len(entries), total_credit=total, entry_hash=entry_hash,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    export.report = {"skipped": skipped, "late": Disbursement.objects.filter(export_batch=reference, is_late=True).count()}
    export.full_clean()
    export.save()
    result.export = export
    user = by if getattr(by, "is_authenticated", False) else None
    events_bulk_record(
        DomainEvent(verb="disbursement sent", case_id=row["case_id"], actor=user,
                    actor_label="" if user else "export_disbursements",
                    summary=f"{row['amount']} to the family in {reference}", data={"disbursement": row["pk"]})
        for row, _ in entries
    )
    event_record(verb="disbursement file exported", subject=export, actor=by,
                 actor_label="" if user else "export_disbursements",
                 summary=f"{reference}: {len(entries)} entries, {total}; {len(skipped)} skipped")
    return result


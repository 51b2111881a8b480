"""NACHA return files for the office's disbursements: returns (R01–R85) and notifications of
change (NOC, C-codes), imported in one transaction.

- The file is validated whole (the NACHA parser's counts, hashes and totals, then every entry a
  return or NOC with a valid reason/change code) before anything changes; a bad file changes
  nothing and is reported line by line.
- A return names the original entry by its trace number (``DisbursementExportEntry``). A trace
  number is unique within a file; once the 7-digit sequence has wrapped it is in more than one
  file, and the return goes to the one entry that fits it: sent in a file on or before the
  return's date and within the return window, of the return's amount and case number. A trace in
  one file only goes to its entry when that entry is of the return's amount and case number too.
  A trace no file has, or one that no entry or more than one entry fits, is reported
  ``unmatched``: never guessed, never another family's (``_entry_for``). A file with unmatched
  returns (money back) raises one office work item (no case, ``return_unmatched``) to match them
  by hand; it names no case, trace or account.
- A return marks the disbursement ``returned`` with its reason; the money stays with the office
  as undistributed (the return row is the hold) and the case's caseworker gets a work item to
  get correct bank details and pay again.
- A collection reversed afterwards (the payer's cheque bounced, a misapplied payment) makes the
  return's "pay again" moot: its open work item is closed with a note saying why
  (``returned_disbursements_moot``, on ``core.hooks.collection_reversed``), and the return no
  longer counts as money held to pay again (``selectors.disbursement_returns_held``). A return
  that arrives after its collection was reversed raises no such work item and is not held: the
  money back is the overpayment the reversal asked to recover.
- A NOC corrects the payee's direct-deposit account (routing number, account number, account
  type); the change is audited (the account's history and a domain event, account masked).
- Replays change nothing: the same file is a duplicate; the same return or NOC in another file
  is counted as a duplicate.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.business_days import add_business_days
from core.services import event_about, saved_with_event

from ..choices import FileVia, PayeeAccountType, ReturnFileStatus, ReturnKind, ReturnOutcome
from ..models import DisbursementExportEntry, DisbursementReturn, NachaReturnFile, PayeeAccount
from ..nacha import NachaInvalid, ReturnItem, ascii_text, noc_correction, parse, return_entries
from .received import received_file_build, received_file_size_check

MAX_FILE_BYTES = 5 * 1024 * 1024
# The longest return window: an unauthorized consumer return reaches the ODFI by the banking day
# after the 60th calendar day from the original entry's settlement (NACHA Operating Rules,
# "60-day" returns); 5 days more for a settlement and that banking day falling after a weekend and
# a holiday. Only used to tell apart entries of different files with the same trace number.
RETURN_WINDOW_DAYS = 65
# Work item: the caseworker gets correct bank details within 2 business days, as a disbursement
# is due within 2 business days of receipt (42 USC 654b(c)).
WORK_ITEM_BUSINESS_DAYS = 2
UNMATCHED_WORK_KIND = "return_unmatched"  # office work (no case): a file's returns no disbursement fits
SAVINGS_CODES = {"32", "33", "37", "38"}


@dataclass
class ReturnReport:
    status: str
    file: int | None = None
    returns: int = 0
    notifications: int = 0
    duplicates: int = 0
    unmatched: int = 0
    held_amount: str = "0.00"
    errors: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _mask(account: str) -> str:
    return f"…{account[-4:]}" if account else ""


def _correct_account(
    *, account: PayeeAccount, item: ReturnItem, by: User | None, actor_label: str, case_id: int
) -> list[str]:
    """Apply a NOC to the payee's account; return the names of the fields changed."""
    correction = noc_correction(item.code, item.corrected_data)
    changed: dict[str, tuple[str, str]] = {}
    if correction.routing and correction.routing != account.routing_number:
        changed["routing_number"] = (account.routing_number, correction.routing)
        account.routing_number = correction.routing
    if correction.account and correction.account != account.account_number:
        changed["account_number"] = (_mask(account.account_number), _mask(correction.account))
        account.account_number = correction.account
    if correction.transaction_code:
        kind = PayeeAccountType.SAVINGS if correction.transaction_code in SAVINGS_CODES else PayeeAccountType.CHECKING
        if kind != account.account_type:
            changed["account_type"] = (account.account_type, kind)
            account.account_type = kind
    if changed:
        saved_with_event(
            account,
            by=by,
            verb="payee.bank_details_corrected",
            case_id=case_id,
            actor_label=actor_label,
            summary=f"Notification of change {item.code} ({item.reason}): "
            + ", ".join(f"{name} {old} → {new}" for name, (old, new) in changed.items()),
            data={"code": item.code, "changed": {k: list(v) for k, v in changed.items()}},
        )
    return list(changed)


def _apply(
    item: ReturnItem,
    entry: DisbursementExportEntry,
    *,
    return_file: NachaReturnFile,
    on: date,
    by: User | None,
    actor_label: str,
    report: ReturnReport,
) -> bool:
    """Record ``item`` against ``entry``'s disbursement (in ``report``). Returns whether the money
    came back to be held undistributed: a return, not a duplicate, whose collection was not reversed
    since (that money is the overpayment the reversal asked to recover)."""
    from cases.choices import CollectionStatus, DisbursementStatus
    from cases.models import Disbursement
    from cases.services import work_item_create

    disbursement = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("case", "collection")
        .get(pk=entry.disbursement_id)
    )
    case = disbursement.case
    # Its collection reversed since it was sent (the payer's cheque bounced): the money the bank
    # sends back is the overpayment the reversal asked to recover, not to be paid again.
    moot = disbursement.collection.status == CollectionStatus.REVERSED
    row = DisbursementReturn(
        return_file=return_file,
        export_entry=entry,
        disbursement=disbursement,
        kind=item.kind,
        code=item.code,
        reason=item.reason[:120],
        amount=entry.amount,
        received_on=on,
        corrected_data=item.corrected_data,
        information=item.information[:44],
    )
    if DisbursementReturn.objects.filter(
        export_entry=entry,
        kind=item.kind,
        **({} if item.kind == ReturnKind.RETURN else {"code": item.code, "corrected_data": item.corrected_data}),
    ).exists():
        report.duplicates += 1
        report.items.append(
            {"line": item.line, "code": item.code, "case_number": case.case_number, "outcome": "duplicate"}
        )
        return False
    if item.kind == ReturnKind.RETURN:
        row.outcome = ReturnOutcome.HELD
        disbursement.status = DisbursementStatus.RETURNED
        disbursement.save(update_fields=["status"])
        if not moot:
            row.work_item = work_item_create(
                case=case,
                kind="disbursement_returned",
                due_on=add_business_days(on, WORK_ITEM_BUSINESS_DAYS),
                title=f"Disbursement of {entry.amount} returned by the bank ({item.code} {item.reason}): get correct "
                "bank details and pay again"[:200],
                dedupe_key=f"disbursement-return:{entry.pk}",
                by=by,
            )
        report.returns += 1
        event_about(
            disbursement,
            verb="disbursement.returned",
            case_id=case.pk,
            by=by,
            actor_label=actor_label,
            summary=f"{entry.amount} returned by the bank: {item.code} {item.reason}; "
            + (
                "its collection was reversed: the overpayment to recover is back, not to be paid again"
                if moot
                else "held undistributed"
            ),
            data={
                "code": item.code,
                "trace": entry.trace_number,
                "disbursement": disbursement.pk,
                "collection_reversed": moot,
            },
        )
    else:
        account = PayeeAccount.objects.select_for_update().filter(pk=entry.payee_account_id).first()
        changed = (
            _correct_account(account=account, item=item, by=by, actor_label=actor_label, case_id=case.pk)
            if account
            else []
        )
        row.outcome = ReturnOutcome.CORRECTED if changed else ReturnOutcome.NOTED
        report.notifications += 1
    row.full_clean(exclude=["return_file", "export_entry", "disbursement", "work_item"])
    row.save()
    report.items.append(
        {
            "line": item.line,
            "code": item.code,
            "case_number": case.case_number,
            "outcome": row.outcome,
            "amount": str(entry.amount),
            **({"collection_reversed": True} if moot else {}),
        }
    )
    return item.kind == ReturnKind.RETURN and not moot


def _entries_by_trace(items: list[ReturnItem]) -> dict[str, list[DisbursementExportEntry]]:
    """The entries of every trace number the items name, newest file first, each with its file's
    date and reference and its case number (one read; not the file's content)."""
    found: dict[str, list[DisbursementExportEntry]] = defaultdict(list)
    rows = (
        DisbursementExportEntry.objects.filter(trace_number__in={item.original_trace for item in items})
        .select_related("export", "disbursement__case")
        .only(
            "trace_number",
            "amount",
            "payee_account_id",
            "export__export_date",
            "export__reference",
            "disbursement__case__case_number",
        )
        .order_by("-export__export_date", "-export_id")
    )
    for entry in rows:
        found[entry.trace_number].append(entry)
    return found


def _fits(entry: DisbursementExportEntry, item: ReturnItem) -> bool:
    """Whether ``item`` can be the return (or NOC) of ``entry``: a return carries the original
    entry's amount (a NOC carries none) and, when it names one, its case number as the file wrote
    it (``nacha.ascii_text``, 15 characters; upper-cased unless the file kept the case)."""
    if item.kind == ReturnKind.RETURN and item.amount != entry.amount:
        return False
    written = ascii_text(entry.disbursement.case.case_number)[:15].strip()
    return not item.identification or item.identification.upper() == written


def _entry_for(
    item: ReturnItem, entries: list[DisbursementExportEntry], *, on: date
) -> tuple[DisbursementExportEntry | None, str]:
    """The entry ``item`` returns, or why there is none.

    One entry with the trace number (every trace was unique across files until the sequence
    wrapped): it, when it fits the return's amount and case number (``_fits``). Several (the
    sequence wrapped): of those sent in a file on or before the return's date and at most
    ``RETURN_WINDOW_DAYS`` before it, the one that fits. None or several fit → unmatched: a person
    decides; the money is never put on another family's disbursement by a guess."""
    trace = item.original_trace
    if not entries:
        return None, f"no disbursement of the office has trace number {trace}"
    if len(entries) == 1:
        (entry,) = entries
        if _fits(entry, item):
            return entry, ""
        differs = []  # what the return says that its one entry has otherwise
        if item.kind == ReturnKind.RETURN and item.amount != entry.amount:
            differs.append("amount")
        if item.identification:
            written = ascii_text(entry.disbursement.case.case_number)[:15].strip()
            if item.identification.upper() != written:
                differs.append("case number")
        return None, (
            f"trace number {trace} is in 1 disbursement file ({entry.export.reference} of "
            f"{entry.export.export_date}); its entry is not of the return's {' and '.join(differs)}: match it by hand"
        )
    returned_on = item.returned_on or on
    earliest = returned_on - timedelta(days=RETURN_WINDOW_DAYS)
    fit = [e for e in entries if earliest <= e.export.export_date <= returned_on and _fits(e, item)]
    if len(fit) == 1:
        return fit[0], ""
    files = ", ".join(f"{e.export.reference} of {e.export.export_date}" for e in entries[:5])
    files += f" and {len(entries) - 5} older" if len(entries) > 5 else ""
    within = f"sent within {RETURN_WINDOW_DAYS} days before {returned_on}"
    told = []  # what the return says that the entry must have too
    if item.kind == ReturnKind.RETURN:
        told.append("amount")
    if item.identification:
        told.append("case number")
    has = f" with its {' and '.join(told)}" if told else ""
    about = f"trace number {trace} is in {len(entries)} disbursement files ({files})"
    if not fit:
        return None, f"{about}; no entry {within}{has}"
    unnamed = "" if item.identification else " (it names no case number)"
    return None, f"{about}; {len(fit)} entries {within}{has}{unnamed}: match it by hand"


def _store(
    *, name: str, content: bytes, via: str, by: User | None, actor_label: str, report: ReturnReport
) -> NachaReturnFile:
    row = received_file_build(
        NachaReturnFile,
        name=name,
        default_name="returns",
        content=content,
        via=via,
        by=by,
        uploaded_by_label=actor_label[:200],
        status=report.status,
        returns=report.returns,
        notifications=report.notifications,
        duplicates=report.duplicates,
        unmatched=report.unmatched,
        error_count=len(report.errors),
    )
    row.report = report.as_dict()
    row.save()
    report.file = row.pk
    row.report = report.as_dict()
    row.save(update_fields=["report"])
    return row


def nacha_return_import(
    *, name: str, content: bytes, via: str = FileVia.COMMAND, by: User | None = None, actor_label: str = ""
) -> NachaReturnFile:
    """Validate a return/NOC file whole, then apply every item in one transaction (idempotent)."""
    received_file_size_check(content, max_bytes=MAX_FILE_BYTES)
    try:
        items = return_entries(parse(content))
    except NachaInvalid as exc:
        report = ReturnReport(
            status=ReturnFileStatus.REJECTED, errors=[{"line": line, "reason": reason} for line, reason in exc.errors]
        )
        return _store(name=name, content=content, via=via, by=by, actor_label=actor_label, report=report)
    sha256 = hashlib.sha256(content).hexdigest()
    if NachaReturnFile.objects.filter(sha256=sha256, status=ReturnFileStatus.IMPORTED).exists():
        report = ReturnReport(status=ReturnFileStatus.DUPLICATE, duplicates=len(items))
        return _store(name=name, content=content, via=via, by=by, actor_label=actor_label, report=report)
    try:
        return _import(items, name=name, content=content, via=via, by=by, actor_label=actor_label)
    except IntegrityError:  # the same file (or item) imported concurrently: everything here rolled back
        report = ReturnReport(status=ReturnFileStatus.DUPLICATE, duplicates=len(items))
        return _store(name=name, content=content, via=via, by=by, actor_label=actor_label, report=report)


@transaction.atomic
def _import(
    items: list[ReturnItem], *, name: str, content: bytes, via: str, by: User | None, actor_label: str
) -> NachaReturnFile:
    report = ReturnReport(status=ReturnFileStatus.IMPORTED)
    entries = _entries_by_trace(items)
    return_file = _store(name=name, content=content, via=via, by=by, actor_label=actor_label, report=report)
    on = timezone.localdate()
    held = Decimal("0.00")
    unmatched_returns: list[ReturnItem] = []
    for item in items:
        entry, why = _entry_for(item, entries.get(item.original_trace, []), on=on)
        if entry is None:
            report.unmatched += 1
            if item.kind == ReturnKind.RETURN:
                unmatched_returns.append(item)
            report.items.append(
                {
                    "line": item.line,
                    "code": item.code,
                    "case_number": item.identification,
                    "outcome": "unmatched",
                    "reason": why,
                }
            )
            continue
        if _apply(item, entry, return_file=return_file, on=on, by=by, actor_label=actor_label, report=report):
            held += entry.amount
    report.held_amount = f"{held:.2f}" if held else "0.00"
    report.file = return_file.pk
    if unmatched_returns:
        _unmatched_returns_work_item(return_file, unmatched_returns, on=on, by=by)
    for name_ in ("returns", "notifications", "duplicates", "unmatched"):
        setattr(return_file, name_, getattr(report, name_))
    return_file.report = report.as_dict()
    return_file.save()
    event_about(
        return_file,
        verb="nacha.return_file_imported",
        by=by,
        actor_label=actor_label,
        summary=f"{return_file.name}: {report.returns} returns ({report.held_amount} held), "
        f"{report.notifications} notifications of change, {report.duplicates} duplicates, "
        f"{report.unmatched} unmatched",
    )
    return return_file


def _unmatched_returns_work_item(
    return_file: NachaReturnFile, returns: list[ReturnItem], *, on: date, by: User | None
) -> None:
    """Money the bank returned that no disbursement could be named for (``_entry_for``): one
    office work item for the file (no case: seen by everyone in the app, so it names no case
    number, trace or account; the file's page lists each return and why), due as a return's own
    item is, to match each by hand. Deduplicated by the file."""
    from cases.services import work_item_create

    total = sum((item.amount for item in returns), Decimal("0.00"))
    n = len(returns)
    work_item_create(
        case=None,
        kind=UNMATCHED_WORK_KIND,
        due_on=add_business_days(on, WORK_ITEM_BUSINESS_DAYS),
        title=f"{n} bank return{'s' if n != 1 else ''} ({total:,.2f}) matched no disbursement: match "
        f"{'them' if n != 1 else 'it'} by hand"[:200],
        dedupe_key=f"nacha-return-unmatched:{return_file.pk}",
        notes=f"Return file {return_file.name} ({return_file.get_absolute_url()}), imported "
        f"{on.isoformat()}: lines {', '.join(str(item.line) for item in returns)} returned money the office "
        "could not put on a disbursement (the file's page says why for each). Find each one's disbursement "
        "and the family's case, then get correct bank details and pay again, or recover it."[:2000],
        by=by,
    )


def returned_disbursements_moot(*, collection, reason: str, on: date, by: User | None) -> str:
    """``core.hooks.collection_reversed``: a collection whose disbursement the bank returned is
    reversed, so that disbursement is not to be paid again. Its return's open work item ("get
    correct bank details and pay again") is closed, done on ``on``, with a note saying why, and a
    "work_item.done" event; the return and the disbursement's ``returned`` status stay as the
    record of what the bank did. Says how many items it closed ("" when none)."""
    from cases.choices import WorkItemStatus
    from cases.models import WorkItem

    items = list(
        WorkItem.objects.select_for_update()
        .filter(
            pk__in=DisbursementReturn.objects.filter(
                disbursement__collection=collection, kind=ReturnKind.RETURN, work_item__isnull=False
            ).values("work_item_id"),
            status=WorkItemStatus.OPEN,
        )
        .order_by("pk")
    )
    note = (
        f"Closed on {on.isoformat()}: collection {collection.source_reference} was reversed ({reason}); "
        "the returned disbursement is not to be paid again."
    )
    for item in items:
        item.status, item.completed_on = WorkItemStatus.DONE, on
        kept = item.notes.strip()[: 2000 - len(note) - 2]  # the note is whole; earlier notes as they fit
        item.notes = f"{kept}\n\n{note}" if kept else note
        saved_with_event(
            item,
            by=by,
            verb="work_item.done",
            summary=f"{item.title}: moot, the collection was reversed"[:500],
            data={"collection": collection.source_reference, "reason": reason},
            update_fields=["status", "completed_on", "notes", "updated_at"],
        )
    return f"{len(items)} returned-disbursement work item(s) closed" if items else ""

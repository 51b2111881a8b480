"""Employer payment files: receive, validate whole, then post every entry in one transaction.

Rules (DOMAIN.md, issue 4):
- The file is validated whole (record lengths, counts, entry hash, totals, DED fields) before
  anything is posted; a bad file is rejected with a line-numbered report and posts nothing.
- The same file again is not an error: its entries are counted as duplicates, nothing posted.
  A file is a repeat only where an earlier import reached (``ReceivedPriors``, as partner files):
  a county key's import held another county's entry as an unknown case's, so the same file later
  imported by a wider key or the office is imported again, and an entry held only because the
  earlier imports did not reach its case is released to the case now reached
  (``_reach_held``) — the collection already received, never a second one. Otherwise an entry
  seen before (in any file) is a duplicate: its source reference is derived from the
  entry's content (employer, case id, pay date, amount, SSN and the occurrence of that content in
  the file), not from the file's name or trace numbers, so a re-sent or re-built file never
  double-posts.
- An unknown case id is held, never dropped; a known case id whose NCP's SSN differs from the
  DED's is held for review. A partner key's file reaches its counties' cases only
  (``received_file_reach``): a case id of another county is held exactly as an unknown one, with
  the same words in the report (no SSN check, no termination there), so the sender learns nothing
  of other counties' cases. Posting goes through ``cases.services.collections_post_batch``, a
  thousand entries a call, all in the file's one transaction.
- Employers remit within 7 business days after the pay date (42 USC 666(b)(6)(A)(i)): later
  entries are flagged in the report.
- A zero-dollar DED entry posts nothing: it is a notice, counted and listed. DED09 "Y" (the
  employee has been terminated; DED04 may be zero then) ends the NCP's employment with the
  file's employer on the entry's pay date and the income withholding orders there on every open
  case of the NCP (no longer in force: the employer no longer withholds), never the support order (an employer
  cannot end a court order), and raises a work item on the case to look for a new employer; a
  terminated flag on a payment posts it too.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from cases.choices import CaseStatus, CollectionSource, CollectionStatus, EmploymentSource, ParticipantRole, ReceivedVia
from cases.exceptions import CollectionConflict
from cases.models import Case, CaseParticipant, Collection, Employer, Employment
from cases.services import CollectionItem, collection_release, collections_post_batch
from cases.services.ledger import HOLD_UNKNOWN_CASE
from cases.services.work import work_item_create
from core.business_days import add_business_days
from core.dates import display_date
from core.db import advisory_xact_lock
from core.fields import blind_index
from core.jobs import row_claim, row_still_claimed
from core.legal import legal_parameter, legal_parameters_read_once
from core.services import event_about

from ..choices import FileVia, PaymentFileStatus
from ..models import PaymentFile
from ..nacha import NachaInvalid, PaymentEntry, parse, payment_entries
from .received import ReceivedPriors, received_file_build, received_file_reach, received_file_size_check

log = logging.getLogger(__name__)

HOLD_SSN_MISMATCH = "SSN in the payment does not match the case's NCP: review"
MAX_FILE_BYTES = 25 * 1024 * 1024
TERMINATION_WORK_KIND = "employment_ended"
TERMINATION_FOLLOW_UP_DAYS = 5
POST_CHUNK = 1000  # entries per collections_post_batch call (all inside the file's one transaction)


@dataclass
class ImportReport:
    status: str
    file: int | None = None
    reference: str = ""
    entries: int = 0
    posted: int = 0
    held: int = 0
    duplicates: int = 0
    late: int = 0
    notices: int = 0  # zero-dollar DED entries: nothing to post (e.g. employment terminated)
    padded: int = 0  # right-trimmed records (shorter than 94) padded with blanks before validation
    total_amount: Decimal = Decimal("0.00")
    errors: list[dict] = field(default_factory=list)
    held_entries: list[dict] = field(default_factory=list)
    late_entries: list[dict] = field(default_factory=list)
    notice_entries: list[dict] = field(default_factory=list)
    terminations: list[dict] = field(default_factory=list)  # DED09 "Y", with the work item raised

    def as_dict(self) -> dict:
        return {**asdict(self), "total_amount": str(self.total_amount)}


def entry_source_reference(payment: PaymentEntry, occurrence: int) -> str:
    """Deterministic source reference of a DED entry (content, not file layout)."""
    ded = payment.ded
    key = "|".join(
        [
            payment.batch.company_id,
            ded.case_id.upper(),
            ded.pay_date.isoformat(),
            str(ded.amount),
            ded.ssn,
            str(occurrence),
        ]
    )
    return "IWO-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def employer_remit_business_days(pay_date: date) -> int:
    """42 USC 666(b)(6)(A)(i): the employer pays the SDU within 7 business days after the pay date;
    read from ``core.LegalParameter`` ``us.withholding.employer_remit_business_days`` on the pay date."""
    return int(legal_parameter("us.withholding.employer_remit_business_days", jurisdiction="US", on=pay_date))


def remit_due_by(pay_date: date) -> date:
    return add_business_days(pay_date, employer_remit_business_days(pay_date))


def payment_file_receive(
    *,
    name: str,
    content: bytes,
    via: str,
    by: User | None = None,
    actor_label: str = "",
    reach: list[str] | None = None,
) -> PaymentFile:
    """Store a received file (pending); ``payment_file_import`` validates and posts it. ``reach``
    (``received_file_reach``) travels with the file: the counties whose cases it may touch."""
    received_file_size_check(content, max_bytes=MAX_FILE_BYTES)
    payment_file = received_file_build(
        PaymentFile,
        name=name,
        default_name="payment-file",
        content=content,
        via=via,
        by=by,
        size=len(content),
        uploaded_by_label=actor_label[:200],
        reach=reach,
    )
    payment_file.reference = f"PF-{payment_file.sha256[:12].upper()}"
    payment_file.full_clean(exclude=["content"])
    payment_file.save()
    return payment_file


def _progress(payment_file_id: int, done: int, total: int) -> None:
    cache.set(f"payment_file:{payment_file_id}:progress", (done, total), 3600)


def _finish(payment_file: PaymentFile, report: ImportReport) -> PaymentFile:
    payment_file.status = report.status
    payment_file.finished_at = timezone.now()
    for name in ("entries", "posted", "held", "duplicates", "late", "total_amount"):
        setattr(payment_file, name, getattr(report, name))
    payment_file.error_count = len(report.errors)
    payment_file.report = report.as_dict()
    payment_file.save()
    return payment_file


def _employers(payments: list[PaymentEntry]) -> dict[str, Employer]:
    # CCD company identification is commonly "1" + the 9-digit FEIN
    ids = {p.batch.company_id[-9:] for p in payments if p.batch.company_id[-9:].isdigit()}
    employers: dict[str, Employer] = {}
    for employer in Employer.objects.filter(fein__in=ids).order_by("pk"):
        employers.setdefault(employer.fein, employer)
    return employers


def _cases_in_reach(case_ids: set[str], reach: list[str] | None):
    """The cases ``case_ids`` name that the file may reach (a case elsewhere is unknown to it)."""
    cases = Case.objects.filter(case_number__in=case_ids)
    return cases if reach is None else cases.filter(county__in=reach)


def _ncp_ssn_indexes(case_ids: set[str], reach: list[str] | None) -> tuple[set[str], dict[str, set[str]]]:
    known = set(_cases_in_reach(case_ids, reach).values_list("case_number", flat=True))
    ncps: dict[str, set[str]] = {}
    for number, index in CaseParticipant.objects.filter(
        case__case_number__in=known, role=ParticipantRole.NCP
    ).values_list("case__case_number", "person__ssn_index"):
        if index:
            ncps.setdefault(number, set()).add(index)
    return known, ncps


def _priors(payment_file: PaymentFile, **same: Any) -> ReceivedPriors:
    """The imports before ``payment_file`` of the files matching ``same`` (by default its content)."""
    same = same or {"sha256": payment_file.sha256}
    return ReceivedPriors.of(
        list(
            PaymentFile.objects.filter(status=PaymentFileStatus.IMPORTED, **same)
            .exclude(pk=payment_file.pk)
            .only("pk", "reach")  # not the files' bytes
            .order_by("pk")
        )
    )


def _reach_held(payment_file: PaymentFile, refs: list[str], known: set[str]) -> dict[str, tuple[Collection, Case]]:
    """The entries (by reference) held as an unknown case's only because no earlier import reached
    their case: held with no case, the case now within this file's reach (``known``) and open, in
    a county none of the imports of the file that held it (``batch_reference``) reached. Each is
    released to its case (``collection_release``: distributed as on receipt, by month of
    collection), so the money received once is posted once."""
    held = [
        collection
        for start in range(0, len(refs), 2000)
        for collection in Collection.objects.select_for_update().filter(
            Collection.office_receipts_q(refs[start : start + 2000]),
            status=CollectionStatus.HELD,
            case__isnull=True,
            hold_reason=HOLD_UNKNOWN_CASE,
            case_number_received__in=known,
        )
    ]
    if not held:
        return {}
    cases = {
        case.case_number: case
        for case in _cases_in_reach({c.case_number_received for c in held}, payment_file.reach).filter(
            status=CaseStatus.OPEN
        )
    }
    priors = {ref: _priors(payment_file, reference=ref) for ref in {c.batch_reference for c in held}}
    return {
        collection.source_reference: (collection, case)
        for collection in held
        if (case := cases.get(collection.case_number_received)) is not None
        and (held_by := priors[collection.batch_reference]).first is not None  # a payment file held it
        and not held_by.reached(case.county)
    }


@legal_parameters_read_once()  # each entry's remittance deadline reads a dated legal number
def _post_all(
    payment_file: PaymentFile, payments: list[PaymentEntry], report: ImportReport, *, by: User, actor_label: str
) -> None:
    today = timezone.localdate()
    occurrences: Counter[tuple] = Counter()
    refs: list[str] = []
    for payment in payments:
        key = (
            payment.batch.company_id,
            payment.ded.case_id.upper(),
            payment.ded.pay_date,
            payment.ded.amount,
            payment.ded.ssn,
        )
        occurrences[key] += 1
        refs.append(entry_source_reference(payment, occurrences[key]))
    seen: set[str] = set()
    for start in range(0, len(refs), 2000):
        seen.update(
            Collection.objects.filter(Collection.office_receipts_q(refs[start : start + 2000])).values_list(
                "source_reference", flat=True
            )
        )
    case_ids = {p.ded.case_id.upper() for p in payments}
    known_cases, ncp_indexes = _ncp_ssn_indexes(case_ids, payment_file.reach)
    reach_held = _reach_held(payment_file, [ref for ref in refs if ref in seen], known_cases) if seen else {}
    released: list[tuple[PaymentEntry, Collection, Case]] = []
    employers = _employers(payments)
    _terminations_follow_up(payment_file, payments, refs, report, employers=employers, by=by, today=today)
    pending: list[tuple[PaymentEntry, CollectionItem]] = []
    for payment, ref in zip(payments, refs, strict=True):
        ded = payment.ded
        case_id = ded.case_id.upper()
        if payment.is_notice:
            report.notices += 1
            report.notice_entries.append(
                {
                    "line": payment.line,
                    "case_id": case_id,
                    "pay_date": ded.pay_date.isoformat(),
                    "amount": str(payment.amount),
                    "terminated": ded.terminated,
                }
            )
            continue
        received_on = min(payment.batch.effective_date or today, today)
        due_by = remit_due_by(ded.pay_date)
        if received_on > due_by:
            report.late += 1
            report.late_entries.append(
                {
                    "line": payment.line,
                    "case_id": case_id,
                    "pay_date": ded.pay_date.isoformat(),
                    "received_on": received_on.isoformat(),
                    "due_by": due_by.isoformat(),
                }
            )
        indexes = ncp_indexes.get(case_id)
        ssn_mismatch = case_id in known_cases and indexes and blind_index(ded.ssn) not in indexes
        if ref in reach_held and not ssn_mismatch:
            released.append((payment, *reach_held.pop(ref)))
            continue
        if ref in seen:
            report.duplicates += 1
            continue
        seen.add(ref)
        hold_reason = HOLD_SSN_MISMATCH if ssn_mismatch else ""
        pending.append(
            (
                payment,
                CollectionItem(
                    case_number=case_id,
                    amount=ded.amount,
                    received_on=received_on,
                    source=CollectionSource.INCOME_WITHHOLDING,
                    source_reference=ref,
                    received_via=ReceivedVia.FILE,
                    employer=employers.get(payment.batch.company_id[-9:]),
                    hold_reason=hold_reason,
                    batch_reference=payment_file.reference,
                    # 42 USC 654b(c)(1), 45 CFR 302.51(a)(4)(ii): the day the employer withheld it (the
                    # DED pay date) may be deemed the date of collection (never after the day the agency
                    # received it); the office takes that option for every employer payment.
                    collected_on=min(ded.pay_date, received_on),
                ),
            )
        )
    total = sum(1 for p in payments if not p.is_notice)
    done = total - len(pending)
    for start in range(0, len(pending), POST_CHUNK):
        chunk = pending[start : start + POST_CHUNK]
        try:
            results = collections_post_batch(
                [item for _, item in chunk], by=by, actor_label=actor_label, counties=payment_file.reach
            )
        except ValidationError as exc:
            raise NachaInvalid(_item_errors(exc, [payment.line for payment, _ in chunk])) from exc
        except CollectionConflict as exc:
            raise NachaInvalid([(chunk[0][0].line, f"entry could not be posted: {exc}")]) from exc
        for (payment, item), result in zip(chunk, results, strict=True):
            if not result.created:
                report.duplicates += 1
            elif result.collection.status == CollectionStatus.HELD:
                report.held += 1
                report.total_amount += item.amount
                report.held_entries.append(
                    {
                        "line": payment.line,
                        "case_id": item.case_number,
                        "amount": str(item.amount),
                        "reason": result.collection.hold_reason,
                    }
                )
            else:
                report.posted += 1
                report.total_amount += item.amount
        done += len(chunk)
        _progress(payment_file.pk, done, total)
    for payment, collection, case in released:
        collection_release(
            collection=collection,
            case=case,
            by=by,
            note=f"Payment file {payment_file.reference} line {payment.line}: the case is within this import's reach.",
        )
        report.posted += 1
        report.total_amount += collection.amount


def _terminations_follow_up(
    payment_file: PaymentFile,
    payments: list[PaymentEntry],
    refs: list[str],
    report: ImportReport,
    *,
    employers: dict[str, Employer],
    by: User,
    today: date,
) -> None:
    """DED09 "Y" (the employee has been terminated): the employment ends and the case's income
    withholding orders at that employer are no longer in force (``_employment_end``), and a work
    item on the case has the caseworker look for a new employer. Deduplicated by the entry's
    content reference, so the same notice in the same or a rebuilt file raises one item (and an
    employment already ended is not ended again). The title, the notes and the event say "the
    employer", never its name: the payment file's page shows which (FVI). Only cases within the
    file's reach: an entry naming another county's case is reported as an unknown case's is, and a
    termination ends no order on another county's case."""
    ended = [(p, ref) for p, ref in zip(payments, refs, strict=True) if p.ded.terminated]
    if not ended:
        return
    cases = {c.case_number: c for c in _cases_in_reach({p.ded.case_id.upper() for p, _ in ended}, payment_file.reach)}
    for payment, ref in ended:
        case_id = payment.ded.case_id.upper()
        case = cases.get(case_id)
        item = None
        done = False
        if case is not None:
            employer = employers.get(payment.batch.company_id[-9:])
            done, what = _employment_end(
                case=case, employer=employer, on=payment.ded.pay_date, payment_file=payment_file, by=by
            )
            paid = f"; its payment of ${payment.amount:,.2f} was posted" if not payment.is_notice else ""
            item = work_item_create(
                case=case,
                kind=TERMINATION_WORK_KIND,
                due_on=today + timedelta(days=TERMINATION_FOLLOW_UP_DAYS),
                title="Employment ended: the employer reported the NCP terminated in a payment file; "
                "follow up the income withholding",
                dedupe_key=f"ded-terminated:{ref}",
                notes=f"Payment file {payment_file.reference} line {payment.line}: DED employment termination "
                f"indicator Y, pay date {payment.ded.pay_date.isoformat()}{paid}. {what} The support order "
                "stands: look for a new employer and issue the income withholding order there.",
                by=by,
            )
        report.terminations.append(
            {
                "line": payment.line,
                "case_id": case_id,
                "amount": str(payment.amount),
                "work_item": item.pk if item is not None else None,
                "employment_ended": done,
            }
        )


def _employment_end(
    *, case: Case, employer: Employer | None, on: date, payment_file: PaymentFile, by: User | None
) -> tuple[bool, str]:
    """The employer reported the NCP terminated (DED09 "Y"), last paid on ``on``: the NCP's open
    employment with it (begun by then) ends that day, so the NCP no longer shows as employed
    there, and the case's income withholding orders at that employer are no longer in force
    (``withholding_orders_end``, shared with a job ended on the person page). The support order is
    not touched: an employer cannot end a court order. Returns whether an employment ended and
    what was done, in words for the work item, with how many other cases' orders were ended (no
    employer name, no other case: FVI)."""
    ncp = case.ncp
    if employer is None or ncp is None:
        return False, "The employer is not on file: end the NCP's job on the person page (Employment: End this job)."
    # Only jobs that drive withholding: one awaiting confirmation (typed at the desk for an FVI
    # person) was never the employer's word, and ending it on the employer's flag (or saying so)
    # would answer whether the FEIN typed is where the person works (42 USC 654(26)).
    employments = list(
        Employment.objects.withholding()
        .select_for_update()
        .filter(person=ncp, employer=employer, ended_on__isnull=True, started_on__lte=on)
        .order_by("pk")
    )
    orders, others = withholding_orders_at_employer(
        ncp=ncp, employer=employer, on=on, case=case, counties=payment_file.reach
    )
    if not employments and not orders and not others:
        on_file = Employment.objects.withholding().filter(person=ncp, employer=employer)
        if on_file.filter(ended_on__isnull=True).exists():  # begun after the pay date
            return False, "The employment with this employer on file began after the pay date: check it by hand."
        if on_file.exists():
            return False, "The employment with this employer had already ended."
        return False, "No employment of the NCP with this employer is on file."
    for employment in employments:
        employment.ended_on = on
        employment.ended_source = EmploymentSource.PAYMENT_FILE
        employment.full_clean()
        employment.save(update_fields=["ended_on", "ended_source", "updated_at"])
    controls, n_other = withholding_orders_end(
        case=case,
        orders=orders,
        others=others,
        employments=employments,
        on=on,
        cause=f"The employer reported the NCP terminated (payment file {payment_file.reference})",
        data={"payment_file": payment_file.pk},
        by=by,
    )
    said = f"The NCP's employment with this employer was ended on {display_date(on)}" if employments else ""
    if orders:
        said += (" and" if said else "The") + f" income withholding order {controls} marked no longer in force there"
    said = f"{said}." if said else ""
    if n_other:
        said += (
            f" The income withholding at this employer on {n_other} other case{'s' if n_other != 1 else ''} of the NCP "
            "was marked no longer in force too."
        )
    return bool(employments), said.strip()


def withholding_orders_at_employer(
    *, ncp, employer: Employer, on: date, case: Case | None = None, counties: list[str] | None = None
) -> tuple[list, list]:
    """The income withholding orders in force at ``employer`` for ``ncp`` whose job there ended on
    ``on`` (locked): those of ``case``, and those of the NCP's other open cases (NCP there) in
    ``counties`` (``None``: every county; a partner key's file reaches its counties only). An
    order issued after ``on`` is a later job's (a rehire): not this one's."""
    from ..choices import IN_FORCE_KINDS
    from ..models import IncomeWithholdingOrder

    # An NMSN-only notice is in force at the employer as an order is: the job's end ends it too.
    in_force = IncomeWithholdingOrder.objects.select_for_update().filter(
        employer=employer,
        ended_on__isnull=True,
        issued_on__lte=on,
        kind__in=IN_FORCE_KINDS,
    )
    orders = list(in_force.filter(case=case).order_by("pk")) if case is not None else []
    others = in_force.filter(
        case_id__in=CaseParticipant.objects.filter(
            person=ncp, role=ParticipantRole.NCP, case__status=CaseStatus.OPEN
        ).values("case_id")
    )
    if case is not None:
        others = others.exclude(case=case)
    if counties is not None:
        others = others.filter(case__county__in=counties)
    return orders, list(others.select_related("case").order_by("case_id", "pk"))


def withholding_orders_end(
    *,
    case: Case | None,
    orders: list,
    others: list,
    employments: list,
    on: date,
    cause: str,
    data: dict,
    by: User | None,
) -> tuple[str, int]:
    """The NCP's job at an employer ended on ``on`` (the payment file's termination flag, or a
    caseworker on the person page): the orders at that employer (``withholding_orders_at_employer``)
    are no longer in force (``ended_on``, as an e-IWO "no longer employed" acknowledgment ends
    them): the nightly reconcile issues that employer nothing more, and a new employer gets its own
    order. Each case's history says so ("``cause``: employment ended ..."), naming no employer
    (FVI); ``case`` gets its event when an employment or an order of it ended. Returns the control
    numbers of ``case``'s orders and how many other cases' orders were ended."""
    controls = ""
    if case is not None and (employments or orders):  # only the other cases' orders: nothing on this case
        controls = _withholding_orders_end(
            case=case, orders=orders, employments=employments, on=on, cause=cause, data=data, by=by
        )
    other_cases: dict[int, list] = {}
    for order in others:
        other_cases.setdefault(order.case_id, []).append(order)
    for other_orders in other_cases.values():
        _withholding_orders_end(
            case=other_orders[0].case, orders=other_orders, employments=[], on=on, cause=cause, data=data, by=by
        )
    return controls, len(other_cases)


def _withholding_orders_end(
    *, case: Case, orders: list, employments: list, on: date, cause: str, data: dict, by: User | None
) -> str:
    """End ``orders`` on ``on`` and record it on the case, naming no employer (FVI). Returns their
    control numbers."""
    for order in orders:
        order.ended_on = on
        order.save(update_fields=["ended_on", "updated_at"])
    controls = ", ".join(order.control_number or f"#{order.pk}" for order in orders)
    event_about(
        case,
        verb="withholding.employment_ended",
        by=by,
        summary=(
            f"{cause}: employment ended {display_date(on)}"
            + (f"; income withholding order {controls} no longer in force" if orders else "")
            + "; the support order stands"
        )[:500],
        data={
            **data,
            "ended_on": on.isoformat(),
            "employments": [employment.pk for employment in employments],
            "withholding_orders": [order.pk for order in orders],
        },
    )
    return controls


def employment_ended_withholding(*, employment, by) -> str:
    """``core.hooks.employment_ended``: a caseworker ended a job on the person page; the orders at
    that employer on the person's open cases (as NCP) end as the payment file's termination flag
    ends them (``withholding_orders_end``). The phrase names no employer (FVI). While the person has
    another open job at that employer the orders there stand: an FVI person's job is recorded again
    when typed again (``cases.services.employment``), and ending the one typed must not answer
    whether it was the employer on file (42 USC 654(26)). So only jobs that drive withholding count
    (``Employment.objects.withholding()``): a job awaiting confirmation (typed at the desk for an
    FVI person) ends no order when it ends, and keeps none in force when the job on file ends."""
    on = employment.ended_on
    if employment.awaits_confirmation:
        return ""
    if (
        Employment.objects.withholding()
        .filter(person_id=employment.person_id, employer_id=employment.employer_id, ended_on__isnull=True)
        .exclude(pk=employment.pk)
        .exists()
    ):
        return ""
    _, others = withholding_orders_at_employer(ncp=employment.person, employer=employment.employer, on=on)
    if not others:
        return ""
    _, n = withholding_orders_end(
        case=None,
        orders=[],
        others=others,
        employments=[employment],
        on=on,
        cause="The job ended (recorded on the person page)",
        data={"employment": employment.pk},
        by=by,
    )
    count = len(others)
    return (
        f"income withholding order{'s' if count != 1 else ''} at that employer marked no longer in force "
        f"on {n} case{'s' if n != 1 else ''}"
    )


def _item_errors(exc: ValidationError, lines: list[int]) -> list[tuple[int, str]]:
    """``items[<index>].<field>`` errors of a batch as (file line, reason)."""
    out = []
    for key, messages in exc.message_dict.items():
        index, _, name = key.removeprefix("items[").partition("].")
        line = lines[int(index)] if index.isdigit() and int(index) < len(lines) else 0
        out.append((line, f"entry could not be posted: {name}: {' '.join(messages)}"))
    return out


def payment_file_import(
    *, payment_file_id: int, by: User | None = None, actor_label: str = "", resume: bool = False
) -> PaymentFile:
    """Validate a received file whole, then post its entries in one transaction (idempotent).

    A file already claimed (processing or finished) is returned as it is, so a redelivered task
    repeats nothing. ``resume``: the caller took over the job's expired lease (``core.jobs``), so a
    file left ``processing`` by a worker that died is imported (its posting rolled back with it).
    """
    claimed = row_claim(
        PaymentFile,
        pk=payment_file_id,
        waiting=PaymentFileStatus.PENDING,
        processing=PaymentFileStatus.PROCESSING,
        resume=resume,
    )
    payment_file = PaymentFile.objects.get(pk=payment_file_id)
    if not claimed:
        return payment_file
    by = by or payment_file.uploaded_by
    actor_label = actor_label or payment_file.uploaded_by_label
    report = ImportReport(status=PaymentFileStatus.IMPORTED, file=payment_file.pk, reference=payment_file.reference)
    try:
        nacha_file = parse(bytes(payment_file.content))
        payments = payment_entries(nacha_file)
    except NachaInvalid as exc:
        report.status = PaymentFileStatus.REJECTED
        report.errors = [{"line": line, "reason": reason} for line, reason in exc.errors]
        return _payment_file_done(payment_file, report, by=by, actor_label=actor_label)
    report.padded = len(nacha_file.padded_lines)
    payment_file.employer_name = (nacha_file.batches[0].company_name if nacha_file.batches else "")[:100]
    payment_file.file_created_on = nacha_file.created_on
    report.entries = sum(1 for p in payments if not p.is_notice)
    _progress(payment_file.pk, 0, report.entries)
    if _priors(payment_file).cover(payment_file.reach):
        report.status = PaymentFileStatus.DUPLICATE
        report.duplicates = report.entries
        report.notices = len(payments) - report.entries
        return _payment_file_done(payment_file, report, by=by, actor_label=actor_label)
    try:
        with transaction.atomic():
            if not row_still_claimed(PaymentFile, pk=payment_file.pk, processing=PaymentFileStatus.PROCESSING):
                return PaymentFile.objects.get(pk=payment_file.pk)
            # Imports of the same content one at a time: what an earlier one reached is read once it
            # has committed (no entry released twice by overlapping keys).
            advisory_xact_lock(f"payment_file:sha256:{payment_file.sha256}")
            repeat = _priors(payment_file).cover(payment_file.reach)
            if not repeat:
                _post_all(payment_file, payments, report, by=by, actor_label=actor_label)
                _finish(payment_file, report)
        if repeat:
            report = _rolled_back(report, status=PaymentFileStatus.DUPLICATE, duplicates=report.entries)
    except NachaInvalid as exc:
        report = _rolled_back(
            report,
            status=PaymentFileStatus.REJECTED,
            errors=[{"line": line, "reason": reason} for line, reason in exc.errors],
        )
    except IntegrityError:
        # the same file was imported concurrently: everything here was rolled back
        report = _rolled_back(report, status=PaymentFileStatus.DUPLICATE, duplicates=report.entries)
    return _payment_file_done(payment_file, report, by=by, actor_label=actor_label)


def _rolled_back(report: ImportReport, *, status: str, **outcome: Any) -> ImportReport:
    """The report of a file whose posting was rolled back: what reading the file found (its
    entries, the records padded) stands, nothing counted while posting does; ``outcome`` says why."""
    return ImportReport(
        status=status,
        file=report.file,
        reference=report.reference,
        entries=report.entries,
        padded=report.padded,
        **outcome,
    )


def _payment_file_done(payment_file: PaymentFile, report: ImportReport, *, by: User, actor_label: str) -> PaymentFile:
    if payment_file.status != report.status or report.status != PaymentFileStatus.IMPORTED:
        _finish(payment_file, report)
    _progress(payment_file.pk, report.entries, report.entries)
    event_about(
        payment_file,
        verb=f"payment.file_{report.status}",
        by=by,
        actor_label=actor_label,
        summary=f"{payment_file.name}: {report.entries} entries, {report.posted} posted, {report.held} held, "
        f"{report.duplicates} duplicates, {report.late} late, {len(report.errors)} errors"
        + (f", {report.notices} notices (nothing to post)" if report.notices else "")
        + (f"; {report.padded} right-trimmed records padded to 94 characters" if report.padded else ""),
        data={k: v for k, v in report.as_dict().items() if k not in {"held_entries", "late_entries", "notice_entries"}},
    )
    return payment_file


def payment_file_import_now(
    *,
    name: str,
    content: bytes,
    via: str = FileVia.COMMAND,
    by: User | None = None,
    actor_label: str = "",
    key=None,
) -> PaymentFile:
    """Receive and import at once (command and API). ``key``: the partner API key that sent it — the
    file reaches that key's counties' cases only (``received_file_reach``)."""
    payment_file = payment_file_receive(
        name=name, content=content, via=via, by=by, actor_label=actor_label, reach=received_file_reach(key)
    )
    return payment_file_import(payment_file_id=payment_file.pk, by=by, actor_label=actor_label)

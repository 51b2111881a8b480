"""Federal tax refund offset and passport denial through the Federal Offset Program (issue 16.3).

Certification (``export_offset_certification``; kind ``offset-certification``, outbound):
- an NCP is certified once the action's due process is done: the case has an *active* federal
  tax offset action (its pre-offset notice issued and the contest window past:
  ``enforcement.services.actions``), the case is open;
- per NCP and case type, the past-due support of those cases: TANF = assigned arrears, non-TANF =
  arrears owed to the family, in whole dollars, certified when at least the thresholds of
  45 CFR 303.72(a)(1) ($150 assigned) and (a)(2) ($500 non-TANF) — LegalParameter
  ``us.remedy.offset.assigned_min`` / ``us.remedy.offset.unassigned_min`` (jurisdiction US);
- one certification runs at a time (a second one waits until the first's file is stored), and
  only the changes since the last certification are sent: ``A`` add (not certified yet), ``M``
  modify (the amount changed), ``R`` replace exclusion indicators (the exclusions changed: FOP
  release 07-01, "A new Exclusion Indicator submitted on an 'A' (Add) or 'R' (Replace Exclusion
  Indicator) transaction"; ``M`` then ``R`` when both changed), ``D`` delete (no longer
  qualifies); every transaction is kept (``OffsetCertification``) with its date and the SSN it
  was sent under;
- FOP keys a debtor by SSN and case type: once the NCP's SSN is corrected or removed, the
  certification under the SSN sent is deleted (``D`` under that SSN) and the NCP added under the
  new one; within a case type every ``A`` follows the file's deletes;
- passport denial (42 USC 652(k); OCSE refers an obligor owing more than
  ``us.remedy.passport.min``, $2,500, the combined arrears compared to the cent): the office's
  rule is that an NCP is referred only once the office's own passport denial action on one of the
  cases is active; otherwise the ``PAS`` exclusion indicator is set. An FVI NCP's address is never sent (OCSE then uses the local
  code's contact address).

Collections (``import_offset_collections``; kind ``offset-collections``, inbound, FTI):
- each collection is posted through the ledger as a federal tax refund offset, which distributes
  it by the offset rules (past-due support only, assigned arrears first: 42 USC 657(a)(2)(B)(iv),
  664; ``cases.allocation``);
- a joint-return collection without a processed injured spouse claim (FOP release 05-01: injured
  spouse indicator ``N``) is held ``CASEWORKS_OFFSET_JOINT_HOLD_DAYS`` (180: "up to six months",
  45 CFR 303.72(h)(3)-(5)) and released by the daily task afterwards;
- an SSN with no case is held (never dropped); an adjustment goes to a work queue. Chart F-4 has
  no collection/adjustment code: a record with a non-zero adjustment amount (87-97) is an
  adjustment, one with a non-zero collection amount (76-86) a collection; both or neither refuses
  the file;
- a record received before (sent again in a later file) is counted ``already_posted`` and not
  written again.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Min, Sum
from django.utils import timezone

from cases.choices import CaseStatus, CollectionSource, ParticipantRole, ReceivedVia
from cases.models import Address, CaseParticipant, Collection, Person, WorkItem
from cases.redaction import people_mark, whereabouts_shown
from cases.services import CollectionItem, collections_post_batch
from core.dates import display_date
from core.db import advisory_xact_lock
from core.hooks import MergeChange
from core.legal import legal_parameter

from ...choices import (
    ActionStatus,
    OffsetCaseType,
    OffsetCollectionStatus,
    OffsetTransaction,
    PartnerFileDirection,
    Remedy,
)
from ...models import OffsetCertification, OffsetCollection
from ..merging import rows_changed
from ..partner_files import ExportResult, ImportContext, PartnerFileRefused, register_partner_file_kind

CHUNK = 20_000


def _ascii_upper(text: str, length: int) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").upper()
    return "".join(ch for ch in plain if ch.isalnum() or ch in " -")[:length].strip()


def _thresholds(on: date) -> dict[str, Decimal]:
    return {
        OffsetCaseType.TANF: legal_parameter("us.remedy.offset.assigned_min", jurisdiction="US", on=on),
        OffsetCaseType.NON_TANF: legal_parameter("us.remedy.offset.unassigned_min", jurisdiction="US", on=on),
        "passport": legal_parameter("us.remedy.passport.min", jurisdiction="US", on=on),
    }


def offset_certification_plan(*, on: date) -> dict[tuple[int, str], dict]:
    """What should be certified on ``on``: (person, case type) → amount, case, passport (one query
    for the amounts, one for passport actions)."""
    limits = _thresholds(on)
    rows = (
        CaseParticipant.objects.filter(
            role=ParticipantRole.NCP,
            case__status=CaseStatus.OPEN,
            case__enforcement_actions__remedy=Remedy.FEDERAL_TAX_OFFSET,
            case__enforcement_actions__status=ActionStatus.ACTIVE,
        )
        .values("person_id")
        .annotate(
            assigned=Sum("case__balance__assigned_arrears"),
            unassigned=Sum("case__balance__unassigned_arrears"),
            case_id=Min("case_id"),
        )
    )
    passport_people = set(
        CaseParticipant.objects.filter(
            role=ParticipantRole.NCP,
            case__status=CaseStatus.OPEN,
            case__enforcement_actions__remedy=Remedy.PASSPORT_DENIAL,
            case__enforcement_actions__status=ActionStatus.ACTIVE,
        ).values_list("person_id", flat=True)
    )
    plan: dict[tuple[int, str], dict] = {}
    for row in rows:
        assigned = int(row["assigned"] or 0)
        unassigned = int(row["unassigned"] or 0)
        # 42 USC 652(k)(1): the combined arrearage of the obligor's TANF and non-TANF cases
        # "exceeding $2,500", to the cent: $1,250.60 + $1,249.60 exceeds it, though 1,250 + 1,249 does not.
        combined = (row["assigned"] or Decimal(0)) + (row["unassigned"] or Decimal(0))
        passport = row["person_id"] in passport_people and combined > limits["passport"]
        for case_type, amount in ((OffsetCaseType.TANF, assigned), (OffsetCaseType.NON_TANF, unassigned)):
            if amount >= limits[case_type]:
                plan[(row["person_id"], case_type)] = {
                    "amount": amount,
                    "case_id": row["case_id"],
                    "passport": passport,
                }
    return plan


CERTIFICATION_COMPARED = ("person", "case", "case_type", "transaction", "amount", "exclusions", "passport", "ssn_index")


def _same_ssn_under_another_index(rows: list[OffsetCertification], now_index: dict[int, str]) -> None:
    """Rows whose blind index differs from the person's only because the index key is being
    rotated (``manage.py rotate_field_keys`` had reached one of the two, not the other): the SSNs
    themselves are compared (decrypted: these few only), and an equal one is no correction, so
    nothing is deleted and added again at FOP."""
    differ = [
        r
        for r in rows
        if r.transaction != OffsetTransaction.DELETE
        and r.ssn_index
        and now_index[r.pk]
        and r.ssn_index != now_index[r.pk]
    ]
    for start in range(0, len(differ), CHUNK):
        chunk = differ[start : start + CHUNK]
        sent = dict(OffsetCertification.objects.filter(pk__in=[r.pk for r in chunk]).values_list("pk", "ssn"))
        now = dict(Person.objects.filter(pk__in={r.person_id for r in chunk}).values_list("pk", "ssn"))
        for row in chunk:
            if sent[row.pk] and sent[row.pk] == now[row.person_id]:
                now_index[row.pk] = row.ssn_index


def _deleted(row: OffsetCertification) -> dict:
    """A delete of what ``row`` certified, under the SSN it was sent with."""
    return {"amount": 0, "case_id": row.case_id, "passport": False, "exclusions": row.exclusions, "sent": row}


def offset_certification_export(*, by=None, on: date | None = None, **options) -> ExportResult:
    on = on or timezone.localdate()
    # One certification at a time, until its file is stored (``partner_file_export``'s
    # transaction): a run at the same moment (the nightly one and a person's) waits, then compares
    # against what the first certified and sends only what is left, so FOP never receives the same
    # add or modify twice. A lock on rows would not do: an NCP's first add has no row yet.
    advisory_xact_lock("enforcement.offset-certification")
    state = (settings.CASEWORKS_OFFSET_STATE_CODE or settings.CASEWORKS_JURISDICTION)[:2].upper()
    local = settings.CASEWORKS_OFFSET_LOCAL_CODE[:3]
    plan = offset_certification_plan(on=on)
    # What FOP holds, per NCP and case type: one current row per SSN sent (``ssn_index``), with
    # the person's SSN index now beside it to see a correction or a removal since.
    current: dict[tuple[int, str], list[OffsetCertification]] = {}
    now_index: dict[int, str] = {}  # certification -> its person's SSN index now
    for row in (
        OffsetCertification.objects.filter(current=True)
        .select_related("person")
        # not the SSN sent: read for the deletes under it only (below)
        .only(*CERTIFICATION_COMPARED, "person__ssn_index")
        .order_by("pk")
    ):
        current.setdefault((row.person_id, row.case_type), []).append(row)
        now_index[row.pk] = row.person.ssn_index
    _same_ssn_under_another_index([row for held in current.values() for row in held], now_index)
    changes: list[tuple[tuple[int, str], str, dict]] = []
    for key in [*plan, *(k for k in current if k not in plan)]:
        wanted = plan.get(key)
        was = None
        for row in current.get(key, []):
            if row.transaction == OffsetTransaction.DELETE:
                continue
            if row.ssn_index and row.ssn_index == now_index[row.pk]:
                was = row
                continue
            # Certified under an SSN the person no longer has (corrected, removed, or a merged
            # record's): FOP keys a debtor by SSN, so that one is deleted, under the SSN sent, before
            # the add under the person's SSN (an adds-last order below).
            changes.append((key, OffsetTransaction.DELETE, _deleted(row)))
        if wanted is None:
            if was is not None:
                changes.append((key, OffsetTransaction.DELETE, _deleted(was)))
            continue
        exclusions = "" if wanted["passport"] else "PAS"
        if was is None:
            changes.append((key, OffsetTransaction.ADD, {**wanted, "exclusions": exclusions}))
            continue
        # 'M' modifies the arrearage only; FOP takes exclusions on 'A' or 'R' alone (release
        # 07-01), so a changed exclusion is an 'R', after the 'M' when both changed.
        if int(was.amount) != wanted["amount"]:
            changes.append(
                (
                    key,
                    OffsetTransaction.MODIFY,
                    {**wanted, "exclusions": was.exclusions, "passport": was.passport, "was": was},
                )
            )
        if was.exclusions != exclusions:
            changes.append(
                (key, OffsetTransaction.REPLACE_EXCLUSIONS, {**wanted, "exclusions": exclusions, "was": was})
            )
    # Stable: an M stays before its R; every add after the deletes of its case type, so an SSN
    # moved from one record to another is deleted before it is added again.
    changes.sort(key=lambda c: (c[0][1], c[1] == OffsetTransaction.ADD, c[0][0]))
    person_ids = sorted({key[0] for key, _, _ in changes})
    people: dict[int, Person] = {}
    addresses: dict[int, Address] = {}
    sent_ids = sorted(data["sent"].pk for _, _, data in changes if "sent" in data)
    sent_ssns: dict[int, str] = {}
    for start in range(0, len(sent_ids), CHUNK):
        chunk = sent_ids[start : start + CHUNK]
        sent_ssns.update(OffsetCertification.objects.filter(pk__in=chunk).values_list("pk", "ssn"))
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        people.update(
            Person.objects.only("pk", "first_name", "last_name", "ssn", "ssn_index", "family_violence").in_bulk(chunk)
        )
        people_mark(people.values())  # whose whereabouts are withheld: one query a chunk
        for address in Address.objects.filter(person_id__in=chunk, valid_to__isnull=True).order_by("valid_from", "pk"):
            addresses[address.person_id] = address  # the latest current one wins
    from cases.models import Case

    case_numbers = dict(Case.objects.filter(pk__in={c[2]["case_id"] for c in changes}).values_list("pk", "case_number"))
    records: list[dict] = []
    rows: list[OffsetCertification] = []
    counts: Counter = Counter()
    amounts: dict[str, int] = {OffsetCaseType.TANF: 0, OffsetCaseType.NON_TANF: 0}
    passport_keys: set[tuple[int, str]] = set()
    for (person_id, case_type), transaction, data in changes:
        person = people[person_id]
        if "sent" in data:  # a delete goes under the SSN that was sent
            ssn, ssn_index = sent_ssns.get(data["sent"].pk) or "", data["sent"].ssn_index
        else:
            ssn, ssn_index = person.ssn, person.ssn_index
        ssn = ssn if isinstance(ssn, str) else ""
        if len(ssn) != 9:
            counts["skipped_no_ssn"] += 1
            continue
        address = addresses.get(person_id) if whereabouts_shown(person) else None  # 42 USC 654(26)
        record = {
            "type": "case",
            "state": state,
            "local_code": local,
            "ssn": ssn,
            "case_id": case_numbers.get(data["case_id"], "")[:15],
            "last_name": _ascii_upper(person.last_name, 20) or "UNKNOWN",
            "first_name": _ascii_upper(person.first_name, 15),
            "arrears": data["amount"],
            "transaction": transaction,
            "case_type": case_type,
            "process_year": f"{on.year:04d}",
            "exclusions": data["exclusions"],
        }
        if address is not None and transaction == OffsetTransaction.ADD:
            record.update(
                address_1=_ascii_upper(address.line1, 30),
                address_2=_ascii_upper(address.line2, 30),
                city=_ascii_upper(address.city, 25),
                address_state=_ascii_upper(address.state, 2),
                zip="".join(ch for ch in address.postal_code if ch.isdigit())[:9],
            )
        records.append(record)
        amounts[case_type] += data["amount"]
        counts[{"A": "added", "M": "modified", "D": "deleted", "R": "exclusions_replaced"}[transaction]] += 1
        if data["passport"] and transaction != OffsetTransaction.DELETE:
            passport_keys.add((person_id, case_type))
        rows.append(
            OffsetCertification(
                person_id=person_id,
                case_id=data["case_id"],
                case_type=case_type,
                transaction=transaction,
                amount=Decimal(data["amount"]),
                certified_on=on,
                exclusions=data["exclusions"],
                passport=data["passport"],
                ssn=ssn,
                ssn_index=ssn_index,  # bulk_create does not call save()
            )
        )
    if records:
        counts["passport"] = len(passport_keys)  # once per NCP and case type, even when sent M and R
    # An 'M' followed by an 'R' for the same NCP, case type and SSN: the 'R' is the state now sent.
    last = {(row.person_id, row.case_type, row.ssn_index): row for row in rows}
    for row in rows:
        row.current = row is last[(row.person_id, row.case_type, row.ssn_index)]
    tanf = [r for r in records if r["case_type"] == OffsetCaseType.TANF]
    records.append(
        {
            "type": "control",
            "state": state,
            "tanf_records": len(tanf),
            "non_tanf_records": len(records) - len(tanf),
            "tanf_amount": amounts[OffsetCaseType.TANF],
            "non_tanf_amount": amounts[OffsetCaseType.NON_TANF],
        }
    )

    # What the file's rows supersede: the row each delete, modify or replace was sent against, and
    # any current row of the same NCP, case type and SSN (an add after a delete).
    superseded = {data[name].pk for _, _, data in changes for name in ("sent", "was") if name in data}
    sent = {(r.person_id, r.case_type, r.ssn_index) for r in rows}

    def stored(partner_file) -> None:
        stale = [
            c.pk
            for held in current.values()
            for c in held
            if c.pk in superseded or (c.person_id, c.case_type, c.ssn_index) in sent
        ]
        for start in range(0, len(stale), CHUNK):
            OffsetCertification.objects.filter(pk__in=stale[start : start + CHUNK]).update(current=False)
        for row in rows:
            row.partner_file = partner_file
        OffsetCertification.objects.bulk_create(rows, batch_size=2000)

    from ...models import PartnerFile

    sequence = PartnerFile.objects.filter(kind="offset-certification", direction=PartnerFileDirection.OUTBOUND).count()
    return ExportResult(
        records=records,
        counts=dict(counts),
        control_number=f"FOP-{state}-{on:%Y%m%d}-{sequence + 1:05d}",
        totals={
            "tanf_certified": Decimal(amounts[OffsetCaseType.TANF]),
            "non_tanf_certified": Decimal(amounts[OffsetCaseType.NON_TANF]),
        },
        name=f"fop-case-submission-{on:%Y%m%d}.txt",
        on_stored=stored,
    )


def offset_certifications_merging(*, survivor: Person, duplicate: Person) -> list[MergeChange]:
    """``core.hooks.person_merging``: the duplicate's certifications move to the survivor (the
    merge moves every row about a person), each still current for the SSN it was sent under, so the
    next certification deletes one sent under an SSN the survivor does not have. Two current ones
    of one SSN and case type (the SSN was taken from one record and given to the other, each
    certified under it in turn) would be two states of one FOP record: the later one is what FOP
    holds, and the earlier one is ended."""
    rows = (
        OffsetCertification.objects.select_for_update()
        .filter(person__in=[survivor, duplicate], current=True)
        .order_by("pk")
        .values_list("pk", "case_type", "ssn_index")
    )
    latest: dict[tuple[str, str], int] = {}
    ended: list[int] = []
    for pk, case_type, ssn_index in rows:
        if (case_type, ssn_index) in latest:
            ended.append(latest[(case_type, ssn_index)])
        latest[(case_type, ssn_index)] = pk
    return rows_changed(
        OffsetCertification,
        ended,
        field="current",
        before=True,
        after=False,
        note="offset certification {pk} ended: a later one of the same SSN and case type is current",
    )


# --- collections -----------------------------------------------------------------------------------


REFERENCE_PREFIX = "COL-"
ADJUSTMENT_KIND = "payment_adjustment"
RELEASE_REVIEW_KIND = "held_release_review"
NEUTRAL_ACTOR = "collections file"  # shown as who posted it, in the case's history
# What the file's report counts a record as, by what became of it.
STATUS_COUNTS: dict[str, str] = {
    OffsetCollectionStatus.POSTED: "posted",
    OffsetCollectionStatus.HELD: "held_joint_return",
    OffsetCollectionStatus.UNMATCHED: "unmatched",
    OffsetCollectionStatus.ADJUSTMENT: "adjustments",
}
ADJUSTMENT_TITLE = "Payment adjustment: an amount already distributed was reversed by the payer; recover it"


def _reference(record, occurrence: int) -> str:
    key = "|".join(
        [
            record["ssn"],
            record["case_type"],
            record["offset_date"].isoformat(),
            str(record["amount"]),
            record["tax_year"],
            record["transaction"],
            str(occurrence),
        ]
    )
    # No prefix that names the source: the reference is shown wherever the collection is, to staff
    # without FTI clearance too (IRS Publication 1075); "FTO-" references were renamed by
    # enforcement migration 0012.
    return REFERENCE_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:40]


def _collection_record(record) -> dict:
    """A Collection and Adjustment record (Chart F-4) as the importer uses it: ``transaction``
    ``C`` (collection) or ``A`` (adjustment) and its ``amount``. The chart has no code for it:
    "If the Collection Amount Field contains a value greater than zero, the adjustment amount is
    zeroes" and "If the adjustment amount contains a value greater than zero, the collection amount
    is zeroes" (FCE Payment File Charts 4-5, OMB 0970-0161), so exactly one of them is non-zero."""
    collected, adjusted = record["collection_amount"], record["adjustment_amount"]
    if (collected > 0) == (adjusted > 0):
        raise PartnerFileRefused(
            [
                {
                    "line": record.line,
                    "reason": f"collection amount (76-86) {collected} and adjustment amount (87-97) {adjusted}: "
                    "exactly one must be greater than zero",
                }
            ]
        )
    return {
        "ssn": record["ssn"],
        "case_id": record["case_id"],
        "case_type": record["case_type"],
        "offset_date": record["offset_date"],
        "tax_year": record["tax_year"],
        "joint_return": record["joint_return"],
        "injured_spouse": record["injured_spouse"],
        "transaction": "A" if adjusted > 0 else "C",
        "amount": adjusted if adjusted > 0 else collected,
    }


def _adjustment_key(reference: str) -> str:
    # The record's content, not its place in a file: an adjustment sent again in a later file is
    # the same money, to be recovered once.
    return f"payment-adjustment:{reference}"


def _received_before(parsed: list[tuple]) -> set[str]:
    """The references of ``parsed`` (record, reference) already received: a collection posted, or
    an adjustment queued, by an earlier file (one query per thousand of each)."""
    collections = sorted({ref for record, ref in parsed if record["transaction"] == "C"})
    adjustments = sorted({ref for record, ref in parsed if record["transaction"] == "A"})
    found: set[str] = set()
    for start in range(0, len(collections), 1000):
        found.update(
            Collection.objects.filter(Collection.office_receipts_q(collections[start : start + 1000])).values_list(
                "source_reference", flat=True
            )
        )
    for start in range(0, len(adjustments), 1000):
        chunk = adjustments[start : start + 1000]
        queued = set(
            WorkItem.objects.filter(dedupe_key__in=[_adjustment_key(ref) for ref in chunk]).values_list(
                "dedupe_key", flat=True
            )
        )
        found.update(ref for ref in chunk if _adjustment_key(ref) in queued)
    return found


def offset_collections_import(context: ImportContext) -> None:
    """Post the file's collections and queue its adjustments (see the module docstring). A record
    received before (FOP sends one again in a later file; its reference is its content,
    ``_reference``) is counted ``already_posted`` and nothing is written for it: not posted, held,
    recorded or queued again, so the file's new records post all the same."""
    today = timezone.localdate()
    records = [r for r in context.records if r.type == "collection"]
    index_of, ncp_cases = context.ncp_cases_by_ssn(
        (r["ssn"] for r in records),
        "person_id",
        "case_id",
        "case__case_number",
        "case__balance__assigned_arrears",
        "case__balance__unassigned_arrears",
    )
    occurrences: Counter = Counter()
    parsed: list[tuple] = []
    for source in records:
        record = _collection_record(source)
        key = (
            record["ssn"],
            record["case_type"],
            record["offset_date"],
            record["amount"],
            record["tax_year"],
            record["transaction"],
        )
        occurrences[key] += 1
        parsed.append((source, record, _reference(record, occurrences[key])))
    received = _received_before([(record, reference) for _, record, reference in parsed])
    items: list[CollectionItem] = []
    posting: list[OffsetCollection] = []
    adjustments: list[tuple[OffsetCollection, str]] = []
    hold_days = settings.CASEWORKS_OFFSET_JOINT_HOLD_DAYS
    for source, record, reference in parsed:
        if reference in received:
            context.counts["already_posted"] += 1
            continue
        candidates = ncp_cases.get(index_of[record["ssn"]], [])
        chosen = next((c for c in candidates if c[2] == record["case_id"]), None)
        if chosen is None and candidates:
            column = 3 if record["case_type"] == OffsetCaseType.TANF else 4
            chosen = max(candidates, key=lambda c: (c[column] or 0, -c[1]))
        row = OffsetCollection(
            partner_file=context.partner_file,
            line=source.line,
            person_id=chosen[0] if chosen else None,
            case_id=chosen[1] if chosen else None,
            case_type=record["case_type"],
            transaction=record["transaction"],
            amount=record["amount"],
            offset_date=record["offset_date"],
            tax_year=record["tax_year"],
            joint_return=record["joint_return"] == "Y",
            injured_spouse=record["injured_spouse"] == "Y",
            status=OffsetCollectionStatus.POSTED,
        )
        if record["transaction"] == "A":
            row.status = OffsetCollectionStatus.ADJUSTMENT
            adjustments.append((row, reference))
            continue
        hold = ""
        if chosen is None:
            row.status = OffsetCollectionStatus.UNMATCHED
        elif row.joint_return and not row.injured_spouse:
            row.status = OffsetCollectionStatus.HELD
            row.held_until = record["offset_date"] + timedelta(days=hold_days)
            hold = (
                f"Joint-return tax offset: held until {display_date(row.held_until)} for a possible injured spouse "
                "claim (45 CFR 303.72(h))"
            )
        items.append(
            CollectionItem(
                case_number=chosen[2] if chosen else None,
                amount=record["amount"],
                received_on=today,
                collected_on=min(record["offset_date"], today),
                source=CollectionSource.FEDERAL_TAX_OFFSET,
                source_reference=reference,
                received_via=ReceivedVia.FILE,
                hold_reason=hold,
                batch_reference=f"PF-{context.partner_file.pk}",
            )
        )
        posting.append(row)
    results = []
    for start in range(0, len(items), 1000):
        results += collections_post_batch(
            items[start : start + 1000], by=context.by, actor_label=context.actor_label or NEUTRAL_ACTOR
        )
    rows: list[OffsetCollection] = [row for row, _ in adjustments]
    for row, result in zip(posting, results, strict=True):
        if not result.created:  # posted meanwhile by another import of the same record
            context.counts["already_posted"] += 1
            continue
        row.collection = result.collection
        rows.append(row)
    for row in rows:
        context.counts[STATUS_COUNTS[row.status]] += 1
        context.add_total("adjusted" if row.transaction == "A" else "collected", row.amount)
    OffsetCollection.objects.bulk_create(sorted(rows, key=lambda r: r.line), batch_size=2000)
    WorkItem.objects.bulk_create(
        [
            WorkItem(
                case_id=row.case_id,
                kind=ADJUSTMENT_KIND,
                due_on=today + timedelta(days=10),
                # Read by everyone who sees the case: it does not say where the payment came from
                # (FTI); the collection's page says so to those cleared for it.
                title=ADJUSTMENT_TITLE,
                dedupe_key=_adjustment_key(reference),
            )
            for row, reference in adjustments
        ],
        ignore_conflicts=True,
    )


def offset_joint_holds_release(*, on: date | None = None, by=None) -> int:
    """Release the joint-return offset collections whose hold ended (daily task): each is
    distributed as on receipt (``cases.services.collection_release``), each on its own.

    One that cannot be released (its case has closed since) stays held and gets a work item to
    decide where the money goes; the others are released all the same (45 CFR 303.72(h) bounds
    every family's hold, not only the first one's). The next day's run tries it again, so a case
    reopened meanwhile is paid without anyone's step.

    Each row is read again under its collection's lock and its own (in the order a reversal takes
    them): two runs at once (a redelivered task, an operator's manual run) take turns, and the
    second leaves alone what the first released or a reversal ended meanwhile."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from cases.choices import CollectionStatus
    from cases.services import collection_release, work_item_create

    on = on or timezone.localdate()
    released = 0
    due = (
        OffsetCollection.objects.filter(status=OffsetCollectionStatus.HELD, held_until__lte=on)
        # one reversed while held is ``reversed`` (``offset_held_reversed``); a row reversed before
        # that status existed is still ``held``: neither released nor said to be
        .exclude(collection__status=CollectionStatus.REVERSED)
        .select_related("case")
        .order_by("pk")
    )
    for row in due:
        with transaction.atomic():
            # the collection's lock first, then the row's: the order of a reversal (which ends a
            # held row in ``offset_held_reversed``), so the two take turns and never deadlock
            held = (
                Collection.objects.select_for_update().filter(pk=row.collection_id).first()
                if row.collection_id is not None
                else None
            )
            still_held = OffsetCollection.objects.select_for_update().filter(
                pk=row.pk, status=OffsetCollectionStatus.HELD
            )
            if still_held.first() is None:
                continue  # released by another run meanwhile (or reversed)
            if held is not None and held.status == CollectionStatus.HELD and row.case is not None:
                try:
                    collection_release(collection=held, case=row.case, by=by, note="Hold ended.")
                except ValidationError as refused:
                    work_item_create(
                        case=row.case,
                        kind=RELEASE_REVIEW_KIND,
                        # Read by everyone who sees the case: nothing of where the payment came from (FTI).
                        title=f"A held payment ({held.source_reference}) could not be released: "
                        f"{' '.join(refused.messages)} Decide where it goes.",
                        due_on=on + timedelta(days=10),
                        dedupe_key=f"held-release-review:{row.pk}",
                        by=by,
                    )
                    continue
            OffsetCollection.objects.filter(pk=row.pk).update(status=OffsetCollectionStatus.RELEASED)
            released += 1
    return released


def offset_held_reversed(*, collection, reason: str, on: date, by=None) -> str:
    """``core.hooks.collection_reversed``: a held offset's collection reversed before its release
    (``cases.services.collection_reverse``) leaves the offset queue and reports as ``reversed``
    (its ``held_until`` kept: when it would have been released), in the reversal's transaction and
    field history. Only a held record (joint return, or no case for the SSN) changes: a posted one
    was distributed and its reversal is the ledger's. Says nothing in the reversal's event, which
    everyone who sees the case reads (FTI, IRS Publication 1075)."""
    rows = list(
        OffsetCollection.objects.select_for_update()
        .filter(collection=collection, status__in=[OffsetCollectionStatus.HELD, OffsetCollectionStatus.UNMATCHED])
        .order_by("pk")
    )
    for row in rows:
        row.status = OffsetCollectionStatus.REVERSED
        row.save(update_fields=["status"])
    return ""


register_partner_file_kind(
    "offset-certification",
    label="Federal offset certification (FOP case submission)",
    layout="fop-case-submission",
    exporter=offset_certification_export,
    command="export_offset_certification",
    description="Adds, modifications and deletions since the last certification, per NCP and case type.",
)

register_partner_file_kind(
    "offset-collections",
    label="Federal tax refund offset collections (FOP)",
    layout="fop-collections",
    importer=offset_collections_import,
    command="import_offset_collections",
    fti=True,
    control_number=lambda records: f"{records[-1]['state']}-{records[-1]['batch_date']:%Y%m%d}",
    description="Posted as federal tax offset collections (FTI), past-due support only, assigned arrears first; "
    "joint-return collections held (45 CFR 303.72(h)).",
)

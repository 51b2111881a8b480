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
  qualifies); every transaction is kept (``OffsetCertification``) with its date;
- passport denial (42 USC 652(k); OCSE refers an obligor owing more than
  ``us.remedy.passport.min``, $2,500): the office's rule is that an NCP is referred only once the
  office's own passport denial action on one of the cases is active; otherwise the ``PAS``
  exclusion indicator is set. An FVI NCP's address is never sent (OCSE then uses the local
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
  the file.
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
from cases.models import Address, CaseParticipant, Person, WorkItem
from cases.services import CollectionItem, collections_post_batch
from core.dates import display_date
from core.db import advisory_xact_lock
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
        # 42 USC 652(k): the combined arrearage of the obligor's TANF and non-TANF cases.
        passport = row["person_id"] in passport_people and Decimal(assigned + unassigned) > limits["passport"]
        for case_type, amount in ((OffsetCaseType.TANF, assigned), (OffsetCaseType.NON_TANF, unassigned)):
            if amount >= limits[case_type]:
                plan[(row["person_id"], case_type)] = {
                    "amount": amount,
                    "case_id": row["case_id"],
                    "passport": passport,
                }
    return plan


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
    current = {(c.person_id, c.case_type): c for c in OffsetCertification.objects.filter(current=True)}
    changes: list[tuple[tuple[int, str], str, dict]] = []
    for key, wanted in plan.items():
        was = current.get(key)
        exclusions = "" if wanted["passport"] else "PAS"
        if was is None or was.transaction == OffsetTransaction.DELETE:
            changes.append((key, OffsetTransaction.ADD, {**wanted, "exclusions": exclusions}))
            continue
        # 'M' modifies the arrearage only; FOP takes exclusions on 'A' or 'R' alone (release
        # 07-01), so a changed exclusion is an 'R', after the 'M' when both changed.
        if int(was.amount) != wanted["amount"]:
            changes.append(
                (key, OffsetTransaction.MODIFY, {**wanted, "exclusions": was.exclusions, "passport": was.passport})
            )
        if was.exclusions != exclusions:
            changes.append((key, OffsetTransaction.REPLACE_EXCLUSIONS, {**wanted, "exclusions": exclusions}))
    for key, was in current.items():
        if key not in plan and was.transaction != OffsetTransaction.DELETE:
            changes.append(
                (
                    key,
                    OffsetTransaction.DELETE,
                    {"amount": 0, "case_id": was.case_id, "passport": False, "exclusions": was.exclusions},
                )
            )
    changes.sort(key=lambda c: (c[0][1], c[0][0]))  # stable: an M stays before its R
    person_ids = sorted({key[0] for key, _, _ in changes})
    people: dict[int, Person] = {}
    addresses: dict[int, Address] = {}
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        people.update(Person.objects.only("pk", "first_name", "last_name", "ssn", "family_violence").in_bulk(chunk))
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
        ssn = person.ssn if isinstance(person.ssn, str) else ""
        if len(ssn) != 9:
            counts["skipped_no_ssn"] += 1
            continue
        address = None if person.family_violence else addresses.get(person_id)  # 42 USC 654(26)
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
            )
        )
    if records:
        counts["passport"] = len(passport_keys)  # once per NCP and case type, even when sent M and R
    # An 'M' followed by an 'R' for the same NCP and case type: the 'R' is the state now sent.
    last = {(row.person_id, row.case_type): row for row in rows}
    for row in rows:
        row.current = row is last[(row.person_id, row.case_type)]
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

    def stored(partner_file) -> None:
        keys = [(r.person_id, r.case_type) for r in rows]
        stale = [current[k].pk for k in keys if k in current]
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


# --- collections -----------------------------------------------------------------------------------


REFERENCE_PREFIX = "COL-"
ADJUSTMENT_KIND = "payment_adjustment"
RELEASE_REVIEW_KIND = "held_release_review"
NEUTRAL_ACTOR = "collections file"  # shown as who posted it, in the case's history
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


def offset_collections_import(context: ImportContext) -> None:
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
    items: list[CollectionItem] = []
    rows: list[OffsetCollection] = []
    adjustments: list[OffsetCollection] = []
    hold_days = settings.CASEWORKS_OFFSET_JOINT_HOLD_DAYS
    for source in records:
        record = _collection_record(source)
        candidates = ncp_cases.get(index_of[record["ssn"]], [])
        chosen = next((c for c in candidates if c[2] == record["case_id"]), None)
        if chosen is None and candidates:
            column = 3 if record["case_type"] == OffsetCaseType.TANF else 4
            chosen = max(candidates, key=lambda c: (c[column] or 0, -c[1]))
        key = (
            record["ssn"],
            record["case_type"],
            record["offset_date"],
            record["amount"],
            record["tax_year"],
            record["transaction"],
        )
        occurrences[key] += 1
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
            adjustments.append(row)
            rows.append(row)
            context.counts["adjustments"] += 1
            context.add_total("adjusted", record["amount"])
            continue
        hold = ""
        if chosen is None:
            row.status = OffsetCollectionStatus.UNMATCHED
            context.counts["unmatched"] += 1
        elif row.joint_return and not row.injured_spouse:
            row.status = OffsetCollectionStatus.HELD
            row.held_until = record["offset_date"] + timedelta(days=hold_days)
            hold = (
                f"Joint-return tax offset: held until {display_date(row.held_until)} for a possible injured spouse "
                "claim (45 CFR 303.72(h))"
            )
            context.counts["held_joint_return"] += 1
        else:
            context.counts["posted"] += 1
        items.append(
            CollectionItem(
                case_number=chosen[2] if chosen else None,
                amount=record["amount"],
                received_on=today,
                collected_on=min(record["offset_date"], today),
                source=CollectionSource.FEDERAL_TAX_OFFSET,
                source_reference=_reference(record, occurrences[key]),
                received_via=ReceivedVia.FILE,
                hold_reason=hold,
                batch_reference=f"PF-{context.partner_file.pk}",
            )
        )
        rows.append(row)
        context.add_total("collected", record["amount"])
    results = []
    for start in range(0, len(items), 1000):
        results += collections_post_batch(
            items[start : start + 1000], by=context.by, actor_label=context.actor_label or NEUTRAL_ACTOR
        )
    posted_rows = [r for r in rows if r.transaction == "C"]
    for row, result in zip(posted_rows, results, strict=True):
        row.collection = result.collection
        if not result.created:
            context.counts["already_posted"] += 1
    OffsetCollection.objects.bulk_create(rows, batch_size=2000)
    WorkItem.objects.bulk_create(
        [
            WorkItem(
                case_id=row.case_id,
                kind=ADJUSTMENT_KIND,
                due_on=today + timedelta(days=10),
                # Read by everyone who sees the case: it does not say where the payment came from
                # (FTI); the collection's page says so to those cleared for it.
                title=ADJUSTMENT_TITLE,
                dedupe_key=f"payment-adjustment:{context.partner_file.pk}:{row.line}",
            )
            for row in adjustments
        ],
        ignore_conflicts=True,
    )


def offset_joint_holds_release(*, on: date | None = None, by=None) -> int:
    """Release the joint-return offset collections whose hold ended (daily task): each is
    distributed as on receipt (``cases.services.collection_release``), each on its own.

    One that cannot be released (its case has closed since) stays held and gets a work item to
    decide where the money goes; the others are released all the same (45 CFR 303.72(h) bounds
    every family's hold, not only the first one's). The next day's run tries it again, so a case
    reopened meanwhile is paid without anyone's step."""
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
        .select_related("collection", "case")
        .order_by("pk")
    )
    for row in due:
        with transaction.atomic():
            if row.collection is not None and row.collection.status == CollectionStatus.HELD and row.case is not None:
                try:
                    collection_release(collection=row.collection, case=row.case, by=by, note="Hold ended.")
                except ValidationError as refused:
                    work_item_create(
                        case=row.case,
                        kind=RELEASE_REVIEW_KIND,
                        # Read by everyone who sees the case: nothing of where the payment came from (FTI).
                        title=f"A held payment ({row.collection.source_reference}) could not be released: "
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
    direction=PartnerFileDirection.OUTBOUND,
    exporter=offset_certification_export,
    command="export_offset_certification",
    description="Adds, modifications and deletions since the last certification, per NCP and case type.",
)

register_partner_file_kind(
    "offset-collections",
    label="Federal tax refund offset collections (FOP)",
    layout="fop-collections",
    direction=PartnerFileDirection.INBOUND,
    importer=offset_collections_import,
    command="import_offset_collections",
    fti=True,
    control_number=lambda records: f"{records[-1]['state']}-{records[-1]['batch_date']:%Y%m%d}",
    description="Posted as federal tax offset collections (FTI), past-due support only, assigned arrears first; "
    "joint-return collections held (45 CFR 303.72(h)).",
)

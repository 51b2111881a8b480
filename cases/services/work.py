"""Work items (ticklers): created by hand or by automated rules, reassigned by coordinators."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from core.models import DomainEvent
from core.services import acting_user, event_about, events_bulk_record, row_repeat_refuse, saved_with_event
from core.stale import Shown, shown_changes

from ..choices import PERSON_CHECK_PERMISSION, WorkItemKind, WorkItemStatus
from ..models import Case, WorkItem


def work_items_swept(items: list[WorkItem], *, actor_label: str, rule: str) -> int:
    """Insert a daily sweep's work items (``items``, each with its ``dedupe_key``) and their
    ``work_item.created`` events in one transaction: one bulk insert, the keys already on file left
    out, so a rerun or a late run creates nothing twice. Returns how many were created."""
    if not items:
        return 0
    with transaction.atomic():
        keys = [i.dedupe_key for i in items]
        existing = set(WorkItem.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        fresh = [i for i in items if i.dedupe_key not in existing]
        WorkItem.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
        events_bulk_record(
            DomainEvent(
                verb="work_item.created",
                case_id=i.case_id,
                actor_label=actor_label,
                summary=i.title,
                data={"kind": i.kind, "due_on": i.due_on.isoformat(), "dedupe_key": i.dedupe_key, "rule": rule},
            )
            for i in fresh
        )
    return len(fresh)


def work_item_create(
    *,
    case: Case | None = None,
    title: str,
    kind: str,
    due_on: date,
    assigned_to=None,
    unit: str = "",
    dedupe_key: str | None = None,
    by: User | None = None,
    notes: str = "",
    priority: int | None = None,
) -> WorkItem:
    """Create a work item; with a ``dedupe_key`` already used, return the existing item instead."""
    if dedupe_key:
        existing = WorkItem.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    if assigned_to is None and case is not None and not unit:
        assigned_to = case.caseworker
    item = WorkItem(
        case=case,
        title=title,
        kind=kind,
        due_on=due_on,
        assigned_to=assigned_to,
        unit=unit,
        dedupe_key=dedupe_key or None,
        created_by=acting_user(by),
        notes=notes,
        **({"priority": priority} if priority is not None else {}),
    )
    item.full_clean()
    try:
        with transaction.atomic():
            if kind == WorkItemKind.MANUAL and item.created_by is not None and case is not None:
                _refuse_a_repeat(item, case=case)
            item.save()
            event_about(
                item,
                verb="work_item.created",
                case_id=case.pk if case else None,
                by=by,
                actor_label="" if acting_user(by) else "system",
                summary=title,
                data={"kind": kind, "due_on": due_on.isoformat(), "dedupe_key": dedupe_key or ""},
            )
    except IntegrityError:
        # A concurrent creator won the race on the same dedupe key.
        if dedupe_key:
            return WorkItem.objects.get(dedupe_key=dedupe_key)
        raise
    return item


def _refuse_a_repeat(item: WorkItem, *, case: Case) -> None:
    """The same open item added by hand again by the same person (a double-clicked form, a retried
    one) is refused: one to-do, not two. Hand-made items of a case take turns on the case row."""
    row_repeat_refuse(
        row=item,
        parent=case,
        fields=("case", "kind", "title", "due_on", "notes", "created_by", "status"),  # status: still open
        window=None,
        message="This work item was already added to the case: nothing was added again.",
    )


WORK_ITEM_EDITABLE = ("title", "due_on", "priority", "notes")

PERSON_CHECK_COORDINATOR_ONLY = (
    "Only a coordinator may mark this check of a person's record done or edit it: it decides whether two "
    "records are one person."
)


def work_item_settle_refusal(*, item: WorkItem, user) -> str:
    """Why ``user`` may not mark ``item`` done or edit it, or "" (scope and ``change_workitem`` are
    the pages' checks): a ``PERSON_CHECK`` item (a record the caseworker could not link, routed on
    opening a case) is a coordinator's (``PERSON_CHECK_PERMISSION``), even on the caseworker's own case."""
    if item.kind == WorkItemKind.PERSON_CHECK and not (user is not None and user.has_perm(PERSON_CHECK_PERMISSION)):
        return PERSON_CHECK_COORDINATOR_ONLY
    return ""


def work_item_settle_check(*, item: WorkItem, by) -> None:
    """Refuse (``PermissionDenied``, nothing changed) what ``work_item_settle_refusal`` refuses."""
    refusal = work_item_settle_refusal(item=item, user=by)
    if refusal:
        raise PermissionDenied(f"{refusal} Nothing was changed.")


@transaction.atomic
def work_item_update(*, item: WorkItem, by, shown: Shown | None = None, **changes) -> WorkItem:
    """Edit an open work item's title, due date, priority or notes (issue 15.2); the change is a
    domain event naming each field's old and new value. A done item is not edited.

    From a page (``shown``: what it showed, ``core.stale``), only the fields the user changed there
    are applied: a due date a colleague moved since the page was opened stays moved when the page
    only adds a note; the same field changed by both is refused. A ``PERSON_CHECK`` item is edited
    by a coordinator only (``work_item_settle_check``)."""
    unknown = set(changes) - set(WORK_ITEM_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    work_item_settle_check(item=item, by=by)
    if item.status != WorkItemStatus.OPEN:
        raise ValidationError("This work item is done: it can no longer be edited.")
    changes = shown_changes(row=item, shown=shown, posted=changes, labels={"due_on": "due date"})
    changed = {name: (getattr(item, name), value) for name, value in changes.items() if getattr(item, name) != value}
    if not changed:
        return item
    for name, (_old, value) in changed.items():
        setattr(item, name, value)
    return saved_with_event(
        item,
        by=by,
        verb="work_item.edited",
        summary=f"{item.title}: " + ", ".join(f"{name} {old} → {new}" for name, (old, new) in changed.items()),
        data={name: [str(old), str(new)] for name, (old, new) in changed.items()},
        update_fields=[*changed, "updated_at"],
    )

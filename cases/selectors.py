"""Cases reads (selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from core.models import DomainEvent

from .choices import COORDINATOR_UNIT, PERSON_CHECK_PERMISSION, CaseStatus, WorkItemStatus
from .deadlines import pending_deadlines
from .models import Case, CaseDocument, CaseParticipant, Employer, SupportOrder, WorkItem
from .redaction import (
    DOCUMENT_WITHHELD_TITLE,
    WITHHELD,
    document_shown,
    letter_address_text,
    locate_notes,
    people_mark,
)


def case_get(*, user, case_number: str, action: str = "view") -> Case:
    """The case with this number for ``action`` (``"view"`` or a write such as ``"change"``): not
    visible to ``user`` → 404; visible but not theirs to change (another caseload) → 403, logged."""
    return Case.objects.get_for(user, action, case_number=str(case_number)[:20])


def case_changeable(*, user, case: Case) -> bool:
    """Whether ``user`` may change ``case`` (its write scope, ``cases.models.scope``: their county, their
    caseload unless ``cases.work_any_case_in_county``), whatever they may read: what a page asks
    before offering a write button, each button also needing its own permission. One query, kept on
    the case object for the rest of the request (the case page and its documents panel share it)."""
    answers: dict[int, bool] = case.__dict__.setdefault("_changeable_by", {})
    if user.pk not in answers:
        answers[user.pk] = Case.objects.in_scope(user, "change").filter(pk=case.pk).exists()
    return answers[user.pk]


def employer_by_fein(fein: str) -> Employer | None:
    """The employer on file with this FEIN (9 digits), the oldest if the files ever made two: how
    the new-hire file, the e-IWO acknowledgments and the person page find an employer, so none of
    them makes a second one."""
    return Employer.objects.filter(fein=fein).order_by("pk").first() if fein else None


def case_by_number(case_number: str) -> Case | None:
    """The case with this number, any county's, or None. Unscoped: only for intake where nothing of
    the case goes back to whoever typed the number (the public complaint form). A number a staff
    user or a partner key gives is looked up with ``case_visible_by_number``."""
    number = (case_number or "").strip()
    return Case.objects.filter(case_number__iexact=number).first() if number else None


def case_visible_by_number(*, user, case_number: str) -> Case | None:
    """The case with this number if ``user`` (staff, or a partner key's principal) may view it, else
    None: a case outside the user's scope is answered exactly as a number that does not exist
    (``Case.objects.restrict(user, "view")``; a user without a county sees none)."""
    number = (case_number or "").strip()
    if not number:
        return None
    return Case.objects.restrict(user, "view").filter(case_number__iexact=number).first()


def person_case_counts(*, person_ids, user=None) -> dict[int, int]:
    """How many cases each person is on (one query, for the possible-match choices); with ``user``,
    only the cases that user may see."""
    participants = CaseParticipant.objects.all() if user is None else CaseParticipant.objects.restrict(user, "view")
    rows = (
        participants.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("person_id", "n")
    )
    return dict(rows)


def person_merges_today():
    """Today's person merges (the survivors' events), newest first: the ones that can be undone."""
    from .services.people import MERGE_VERB

    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        DomainEvent.objects.filter(verb=MERGE_VERB, occurred_at__gte=start)
        .exclude(data__has_key="merge_event_id")
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )


def case_list(*, user) -> QuerySet[Case]:
    """Cases in the user's scope, with what a list row shows (constant number of queries)."""
    return (
        Case.objects.restrict(user, "view")
        .select_related("caseworker", "balance")
        .prefetch_related(Prefetch("participants", queryset=CaseParticipant.objects.select_related("person")))
    )


def case_detail(*, case: Case, user) -> dict:
    """Everything the case page shows apart from the statement of account."""
    participants = list(case.participants.select_related("person").order_by("role", "id"))
    orders = list(
        SupportOrder.objects.filter(case=case)
        .prefetch_related("obligations")
        .order_by("-status", "-effective_on", "-version")
    )
    today = timezone.localdate()
    deadlines = [(d, d.state(today)) for d in pending_deadlines(case)]
    return {
        "participants": participants,
        "orders": orders,
        "deadlines": deadlines,
        "notes": list(case.notes.select_related("author")[:20]),
        "work_items": list(case.work_items.select_related("assigned_to").filter(status=WorkItemStatus.OPEN)),
        "locate_attempts": _locate_attempts_shown(case),
        "letters": _letters_shown(case),
        "events": _events_shown(case),
    }


WITHDRAWN_DOCUMENT = "A document later withdrawn from this case (attached to the wrong case)"


def _events_shown(case: Case) -> list:
    """The case's latest events. The attachment of a document since withdrawn (misfiled: another
    family's paper) no longer shows its title, which may name that family; nor that of a document
    withheld now (``cases.redaction.document_title``: its title may say where someone is). The event
    row is kept."""
    events = list(DomainEvent.objects.filter(case_id=case.pk).select_related("actor")[:30])
    attached = [e for e in events if e.verb == "case.document_attached" and e.data.get("document_id")]
    if attached:
        documents = CaseDocument.objects.select_related("shows_whereabouts_of").in_bulk(
            [e.data["document_id"] for e in attached]
        )
        people_mark(d.shows_whereabouts_of for d in documents.values())
        for event in attached:
            document = documents.get(event.data["document_id"])
            if document is None:
                continue
            if document.is_withdrawn:
                event.summary = WITHDRAWN_DOCUMENT
            elif not document_shown(document):
                event.summary = f"{document.get_kind_display()}: {DOCUMENT_WITHHELD_TITLE}"
    return events


def _locate_attempts_shown(case: Case) -> list:
    """The latest attempts, each with ``notes_shown``: notes about an FVI person are withheld."""
    attempts = list(case.locate_attempts.select_related("person")[:12])
    people_mark(attempt.person for attempt in attempts)
    for attempt in attempts:
        attempt.notes_shown = locate_notes(attempt)
    return attempts


def _letters_shown(case: Case) -> list:
    """The latest letters, each with ``address_shown``: the block printed, withheld when the letter's
    person's whereabouts are withheld now (``cases.redaction.letter_address_text``; the person comes
    with the row, the parents' indicator is read for all of them at once),
    and ``address_withheld``."""
    letters = list(case.letters.select_related("person", "sent_by", "returned_by")[:50])
    people_mark(letter.person for letter in letters)
    for letter in letters:
        letter.address_shown = letter_address_text(letter)
        letter.address_withheld = letter.address_shown == WITHHELD
    return letters


def work_items_for(*, user) -> QuerySet[WorkItem]:
    return WorkItem.objects.restrict(user, "view").select_related("case", "assigned_to")


def work_items_mine(*, user) -> QuerySet[WorkItem]:
    """The user's own queue of open items, for "My work items" and the home card alike: those
    assigned to them, and for a coordinator (``PERSON_CHECK_PERMISSION``) also the coordinator
    unit's unassigned items in their scope (the person checks routed on opening a case), which no one
    is assigned: every coordinator sees them until one marks the item done or takes it (reassign)."""
    mine = Q(assigned_to=user)
    if user.has_perm(PERSON_CHECK_PERMISSION):
        mine |= Q(assigned_to__isnull=True, unit=COORDINATOR_UNIT)
    return work_items_for(user=user).filter(mine, status=WorkItemStatus.OPEN)


def work_item_events(*, item: WorkItem) -> QuerySet[DomainEvent]:
    """What happened to a work item (created, edited, reassigned, done), newest first."""
    from django.contrib.contenttypes.models import ContentType

    return (
        DomainEvent.objects.filter(subject_type=ContentType.objects.get_for_model(WorkItem), subject_id=item.pk)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:50]
    )


def caseloads(*, user) -> QuerySet:
    """Each caseworker with open cases, overdue deadlines and open work items (one query)."""
    today = timezone.localdate()
    scope = Case.objects.restrict(user, "view").values("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="caseworker")
        .annotate(
            open_cases=Count("caseload", filter=Q(caseload__status=CaseStatus.OPEN, caseload__in=scope), distinct=True),
            overdue=Count(
                "caseload",
                filter=Q(caseload__status=CaseStatus.OPEN, caseload__in=scope, caseload__next_deadline_on__lt=today),
                distinct=True,
            ),
            open_items=Count("work_items", filter=Q(work_items__status=WorkItemStatus.OPEN), distinct=True),
        )
        .order_by("last_name", "username")
    )


def case_statement_basic(*, case: Case, user, limit: int = 20) -> dict:
    """The balance kept by the ledger services and the latest entries (tax-offset sources only for
    users who may see FTI; IRS Publication 1075)."""
    from .access import can_view_fti
    from .choices import FTI_SOURCES
    from .models import CaseBalance, LedgerEntry

    fti = can_view_fti(user)
    entries = list(LedgerEntry.objects.filter(case=case).select_related("collection").order_by("-id")[:limit])
    for entry in entries:
        source = entry.collection.source if entry.collection_id else ""
        entry.shown_source = (
            entry.collection.get_source_display() if source and (fti or source not in FTI_SOURCES) else ""
        )
    return {"balance": CaseBalance.objects.filter(case=case).first(), "entries": entries}


# The ledger's reads (cases/ledger/selectors.py): the case page includes templates/cases/_statement.html
# with the context of ``case_statement(case=..., user=request.user)``.
from .ledger.selectors import case_statement, collections_held, disbursements_late  # noqa: E402, F401


def order_next_version(*, case: Case, order_number: str) -> int:
    """The version a new order under ``order_number`` on ``case`` takes: one more than the highest
    recorded (a first order is version 1). Two writers racing to the same number meet the
    ``order_unique_version`` constraint: one of them fails, neither overwrites the other."""
    highest = SupportOrder.objects.filter(case=case, order_number=order_number).aggregate(v=Max("version"))["v"]
    return (highest or 0) + 1


@dataclass(frozen=True)
class ClosureNoticeEvidence:
    """What the case record says about the notice of intent to close of a closed case (45 CFR
    303.11(d)(1)): whether the reason needed one, whether it was sent and the case closed no earlier
    than its due date (``met``), and the facts in a sentence for the reviewer."""

    required: bool
    met: bool
    text: str


def closure_notice_evidence(*, case: Case) -> ClosureNoticeEvidence | None:
    """For the quality review's "The pre-closure notice was sent when required" (quality.rules): the
    answer the data gives (``None`` for an open case). Met when the reason needs no notice, or when a
    notice for that reason was recorded, its letter logged (``SentLetter`` of kind ``closure_notice``)
    and the case closed on or after its due date."""
    from core.dates import display_date

    from .closure import KIND, notice_required
    from .models import SentLetter

    if case.is_open or not case.closure_reason:
        return None
    reason = case.get_closure_reason_display()
    if not notice_required(case.closure_reason):
        return ClosureNoticeEvidence(False, True, f"No notice required: {reason} (45 CFR 303.11(d)(1)).")
    noticed_on, due_on = case.closure_noticed_on, case.closure_due_on
    if noticed_on is None or due_on is None or case.closure_notice_reason != case.closure_reason:
        return ClosureNoticeEvidence(True, False, f"Notice required ({reason}); none is on record for it.")
    sent = SentLetter.objects.filter(case=case, kind=KIND, sent_at__date__gte=noticed_on).order_by("sent_at").first()
    facts = f"Notice of intent to close recorded on {display_date(noticed_on)}, closable from {display_date(due_on)}"
    if sent is None:
        return ClosureNoticeEvidence(True, False, f"{facts}; no letter was logged (no address on file?).")
    facts += f"; letter logged on {display_date(timezone.localtime(sent.sent_at).date())} to {sent.recipient_name}"
    closed_on = case.closed_on
    if closed_on is None or closed_on < due_on:
        return ClosureNoticeEvidence(True, False, f"{facts}; closed before the due date.")
    return ClosureNoticeEvidence(True, True, f"{facts}; closed on {display_date(closed_on)}.")

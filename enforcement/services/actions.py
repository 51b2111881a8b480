"""The life cycle of an enforcement action, moved by people (the sweep moves it on by dates).

proposed → notice issued → contest window → active (sent to the partner) → released / closed,
with a contested branch that stops the action until a person decides the contest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from cases.choices import WorkItemStatus
from cases.models import WorkItem
from core.business_days import roll_forward
from core.services import acting_user, event_about, saved_with_event

from ..choices import ActionStatus, BankMatchStatus, ContestDecision, ReleaseReason, Remedy
from ..models import BankMatch, EnforcementAction
from .licence_income import activation_refusal
from .sweep import bank_matches_release, release_changes, release_due, release_event


def _locked(action: EnforcementAction) -> EnforcementAction:
    return EnforcementAction.objects.select_for_update(of=("self",)).select_related("rule", "case").get(pk=action.pk)


def _withholding_follow(action: EnforcementAction, *, by, on: date) -> None:
    """An income withholding action reaching or leaving "active" issues its order to the employer
    (original / termination: ``enforcement.services.withholding``)."""
    if action.remedy == Remedy.INCOME_WITHHOLDING:
        from .withholding import iwo_reconcile_action

        iwo_reconcile_action(action=action, by=by, on=on)


def _require(action: EnforcementAction, *statuses: str, doing: str) -> None:
    if action.status not in statuses:
        raise ValidationError(f"Cannot {doing}: the action is {action.get_status_display().lower()}.")


def _release_under_rule(action: EnforcementAction, *, reason: ReleaseReason, by, on: date) -> EnforcementAction:
    """Release ``action`` (locked) as the sweep releases it (``sweep.release_due``): its changes and
    its event, by ``by``. A person's step that would send an action to the partner does this instead
    when the rule holds for it now (its case closed, or paid up), as the sweep releases such actions
    before it activates any (``_release``, then ``_advance``)."""
    for name, value in release_changes(reason=reason, on=on).items():
        setattr(action, name, value)
    event = release_event(reason)
    saved_with_event(
        action, by=by, verb=event["verb"], summary=f"{action.remedy}{event['summary']}", data=event["data"]
    )
    bank_matches_release([action.pk])
    return action


class RuleNoLongerMet(ValidationError):
    """Issuing refused: on the notice date the case no longer meets the rule that fired the action."""

    code = "rule_no_longer_met"

    def __init__(self, reason: str):
        super().__init__(reason, code=self.code)
        self.reason = reason


def contest_last_day(*, opens_on: date, days: int, notice_on: date, jurisdiction: str) -> date:
    """The last day the notice gives to contest: the window's calendar days, moved to the next
    business day of the case's jurisdiction when they end on a weekend or a holiday (DOMAIN.md,
    ``core.business_days``: the office is closed that day, so a parent who calls on the next
    business day is still in time). The sweep sends the action to the partner the day after the
    stored date (``sweep._advance``), so it waits for the same rolled day. A rule that gives no
    period (no notice and no contest days) keeps the notice date: nothing to roll."""
    ends_on = opens_on + timedelta(days=days)
    return roll_forward(ends_on, jurisdiction) if ends_on > notice_on else ends_on


NOT_SENT = (
    "Notice not sent: no postal address on file for the noncustodial parent. The action stays proposed: "
    "record an address, then issue the notice."
)


class NoticeNotSent(ValidationError):
    """Issuing found no postal address for the NCP: nothing was sent, so nothing was issued, and a
    "no postal address" work item is open on the case (``work_item``).

    Raised by ``action_notice_issue`` *after* its own transaction has finished, so the work item
    stands in the caller's transaction. A caller that runs the service inside a transaction of its
    own (a view's ``perform``, a bulk row) catches it inside that block and answers from it, or the
    work item is undone with the exception."""

    code = "no_postal_address"

    def __init__(self, action: EnforcementAction, work_item: WorkItem | None):
        super().__init__(NOT_SENT, code=self.code)
        self.action = action
        self.work_item = work_item


def action_notice_issue(
    *, action: EnforcementAction, by: User | None, on: date | None = None, agency=None
) -> EnforcementAction:
    """Issue the notice: the action is *taken* (45 CFR 303.6(c)(2)); the notice period and the
    contest window are counted from today with the rule version in effect today.

    The one way a notice is issued (action page, its confirmation step, the API, any bulk issue).
    The case is checked again on the notice date with the sweep's own query: if it no longer meets
    the rule (paid down, closed, rule withdrawn), issuing is refused with the reason
    (``RuleNoLongerMet``) and nothing changes. The notice states the arrears on its date; the
    figures that fired the rule stay on the action, labelled as such.

    The notice is a letter to the NCP (``cases.services.letter_deliver``, as every letter to a
    parent): mailed to the address on file, or through the confidential arrangement (FVI). With no
    postal address on file nothing is sent, so nothing is issued: the action stays proposed (no
    notice date, no contest window: 45 CFR 303.6(c)(2) counts from a notice the NCP can receive),
    a "no postal address" work item is opened on the case (one open item per action: a retry reuses
    it, a retry after it was closed opens another) and ``NoticeNotSent`` is raised, the work item
    kept. The notice issued later closes that item."""
    with transaction.atomic():
        issued, unsent_item = _notice_issue(action=action, by=by, on=on, agency=agency)
    if unsent_item is not None:
        raise NoticeNotSent(issued, unsent_item)
    return issued


def _notice_issue(
    *, action: EnforcementAction, by: User | None, on: date | None, agency
) -> tuple[EnforcementAction, WorkItem | None]:
    """``action_notice_issue`` in its transaction: the action, and the work item opened when
    nothing could be sent (None when the notice was issued)."""
    from ..rule_check import rule_check  # the sweep module imports this package

    action = _locked(action)
    _require(action, ActionStatus.PROPOSED, doing="issue a notice")
    today = on or timezone.localdate()
    if today < action.proposed_on:
        raise ValidationError("A notice cannot be dated before the action was proposed.")
    check = rule_check(action=action, as_of=today)
    rule = check.rule
    if not check.met or rule is None:  # a met check always names its rule
        raise RuleNoLongerMet(check.reason)
    action.notice_issued_on = today
    action.notice_issued_by = by
    action.notice_rule_id = rule.pk
    action.notice_total_arrears = check.total_arrears
    action.notice_assigned_arrears = check.assigned_arrears
    action.notice_unassigned_arrears = check.unassigned_arrears
    action.notice_months_in_arrears = check.months_in_arrears
    action.taken_on = today
    action.contest_opens_on = today + timedelta(days=rule.notice_days)
    action.contest_ends_on = contest_last_day(
        opens_on=action.contest_opens_on, days=rule.contest_days, notice_on=today, jurisdiction=action.case.jurisdiction
    )
    action.status = ActionStatus.NOTICED
    action.next_step_on = action.contest_opens_on
    if action.remedy == Remedy.INCOME_WITHHOLDING:  # what the notice says the employer is told, kept
        from .withholding import notice_withholding_record

        notice_withholding_record(action, on=today)
    action.full_clean()
    unsent_item = _notice_letter_deliver(action=action, by=by)
    if unsent_item is not None:
        return EnforcementAction.objects.get(pk=action.pk), unsent_item  # nothing sent: nothing issued
    action.save()
    _unsent_items_close(action, on=today, by=by)
    actor: dict[str, Any] = {"by": by} if by is not None else {"actor_label": f"API: {agency}" if agency else ""}
    event_about(
        action,
        verb="enforcement.notice_issued",
        **actor,
        summary=f"{action.get_remedy_display()} notice {action.reference}: arrears "
        f"${check.total_arrears:,.2f} on {today}, "
        + (f"contest by {action.contest_ends_on}" if action.has_contest_period else "no period to contest"),
        data={
            "contest_opens_on": str(action.contest_opens_on),
            "contest_ends_on": str(action.contest_ends_on),
            "rule_id": rule.pk,
            "rule_version": rule.version,
            "total_arrears": str(check.total_arrears),
            "months": str(check.months_in_arrears),
        },
    )
    return action, None


def _unsent_base_key(action: EnforcementAction) -> str:
    return f"enforcement-notice-unsent:{action.pk}"


def _unsent_items(action: EnforcementAction):
    """The "no postal address" work items of ``action``'s notice: keyed ``enforcement-notice-unsent:{pk}``,
    then ``...:{pk}:2``, ``:3`` for each one opened after the one before was closed."""
    base = _unsent_base_key(action)
    return WorkItem.objects.filter(Q(dedupe_key=base) | Q(dedupe_key__startswith=f"{base}:"))


def _unsent_key(action: EnforcementAction) -> str:
    """The dedupe key for the work item of a notice not sent: the open item's, so retries reuse it;
    a fresh one once every earlier item was closed (``work_item_create`` returns any item with its
    key, closed or not, and the page tells the caseworker one was opened)."""
    keys = dict(_unsent_items(action).values_list("dedupe_key", "status"))
    open_key = next((key for key, status in keys.items() if status == WorkItemStatus.OPEN), None)
    if open_key:
        return open_key
    base = _unsent_base_key(action)
    return f"{base}:{len(keys) + 1}" if keys else base


def _unsent_items_close(action: EnforcementAction, *, on: date, by) -> None:
    """The notice is issued: its open "no postal address" work item is done, with a note why."""
    for item in _unsent_items(action).filter(status=WorkItemStatus.OPEN):
        item.status = WorkItemStatus.DONE
        item.completed_on = on
        item.notes = (
            f"{item.notes}\n\nNotice {action.reference} issued on {on.isoformat()}: sent, nothing left to do.".strip()
        )
        item.save(update_fields=["status", "completed_on", "notes", "updated_at"])
        event_about(
            item,
            verb="work_item.done",
            by=acting_user(by),
            actor_label="" if acting_user(by) else "system",
            summary=f"{item.title}: the notice was issued",
        )


def _notice_letter_deliver(*, action: EnforcementAction, by) -> WorkItem | None:
    """Send the notice (``action`` as it will be saved) to the NCP and log it on the case with the
    address it is mailed to; with no postal address on file open a work item instead (the letter's
    title, never a whereabouts) and return it. None when the notice was sent."""
    from cases.services import letter_deliver

    from ..notices import notice_letter_addressed

    letter, address = notice_letter_addressed(action)
    key = _unsent_key(action)
    channel = letter_deliver(
        letter=letter,
        case=action.case,
        person=action.case.ncp,
        address=address,
        email="",  # a notice of enforcement is mailed
        reference=action.reference,
        pdf_name=f"notice-{action.reference}.pdf",
        missing_title=f"{action.get_remedy_display()} notice {action.reference}: no postal address for the "
        "noncustodial parent (not issued)",
        missing_key=key,
        by=acting_user(by),
    )
    return None if channel else WorkItem.objects.get(dedupe_key=key)


@dataclass(frozen=True)
class BulkNoticeResult:
    issued: list[EnforcementAction]
    refused: list[tuple[EnforcementAction, str]]


def actions_notice_issue_bulk(*, actions, by: User, on: date | None = None) -> BulkNoticeResult:
    """Issue the notices of many actions through ``action_notice_issue``, each in its own
    transaction: one refused (rule no longer met, already issued, not sent for want of a postal
    address: its work item kept) never stops or undoes the others."""
    issued, refused = [], []
    for action in actions:
        try:
            issued.append(action_notice_issue(action=action, by=by, on=on))
        except ValidationError as exc:
            refused.append((action, " ".join(exc.messages)))
    return BulkNoticeResult(issued=issued, refused=refused)


@transaction.atomic
def action_contest(*, action: EnforcementAction, reason: str, by: User, on: date | None = None) -> EnforcementAction:
    """Record the NCP's contest: the action stops until a person decides it."""
    action = _locked(action)
    today = on or timezone.localdate()
    if not action.can_contest(today):
        raise ValidationError("A contest can be recorded only after the notice and before the contest window ends.")
    if not reason.strip():
        raise ValidationError({"contest_reason": "Give the NCP's reason."})
    action.status = ActionStatus.CONTESTED
    action.contested_on = today
    action.contest_reason = reason.strip()[:2000]
    action.next_step_on = None
    return saved_with_event(
        action,
        by=by,
        verb="enforcement.action_contested",
        summary=f"{action.get_remedy_display()} contested: {action.contest_reason[:200]}",
    )


@transaction.atomic
def action_contest_decide(
    *, action: EnforcementAction, decision: str, note: str, by: User, on: date | None = None
) -> EnforcementAction:
    """A person decides the contest: upheld → the action goes on (active); sustained → released.

    Upheld, an action whose case is closed or paid up now is not sent to the partner: the decision
    is recorded, then the action released as the sweep would release it (``_release_under_rule``)."""
    action = _locked(action)
    _require(action, ActionStatus.CONTESTED, doing="decide a contest")
    if decision not in ContestDecision.values:
        raise ValidationError({"decision": "Choose a decision."})
    today = on or timezone.localdate()
    action.contest_decision = decision
    action.contest_decided_on = today
    action.contest_decided_by = by
    action.end_note = note.strip()[:300]
    released_as = release_due(action) if decision == ContestDecision.UPHELD else None
    if decision == ContestDecision.UPHELD and released_as is None:
        refusal = activation_refusal(action, today)  # an upheld contest sends the action on
        if refusal:
            raise ValidationError(refusal)
        action.status = ActionStatus.ACTIVE
        action.activated_on = today
    elif decision == ContestDecision.SUSTAINED:
        action.status = ActionStatus.RELEASED
        action.release_reason = ReleaseReason.CONTEST_SUSTAINED
        action.ended_on = today
    saved_with_event(
        action,
        by=by,
        verb="enforcement.contest_decided",
        summary=f"{action.get_remedy_display()}: {ContestDecision(decision).label}",
        data={"note": note[:300]},
    )
    if released_as is not None:
        return _release_under_rule(action, reason=released_as, by=by, on=today)
    _withholding_follow(action, by=by, on=today)
    return action


@transaction.atomic
def action_activate(*, action: EnforcementAction, by: User, on: date | None = None) -> EnforcementAction:
    """Send the action to the partner now that the notice period and contest window are over: from
    the day after ``contest_ends_on``, the last day the notice letter gives to contest (the sweep
    does the same at night). A California licence action waits for the obligor's household income
    check (Fam. Code 17520.5, ``licence_income``).

    An action whose case is closed or paid up now is released instead, as the sweep releases it
    before it would activate it (``_release_under_rule``): the caller tells the user (its status)."""
    action = _locked(action)
    today = on or timezone.localdate()
    _require(action, ActionStatus.NOTICED, ActionStatus.CONTEST_WINDOW, doing="activate")
    released_as = release_due(action)
    if released_as is not None:
        return _release_under_rule(action, reason=released_as, by=by, on=today)
    if not action.contest_over(today):  # the last day to contest is the NCP's
        raise ValidationError(f"The contest window is open until {action.contest_ends_on} (included).")
    refusal = activation_refusal(action, today)  # Fam. Code 17520.5: CA licence, income checked
    if refusal:
        raise ValidationError(refusal)
    action.status = ActionStatus.ACTIVE
    action.activated_on = today
    action.next_step_on = None
    saved_with_event(
        action,
        by=by,
        verb="enforcement.action_activated",
        summary=f"{action.get_remedy_display()} sent to {action.partner or 'the partner'}",
    )
    if action.remedy == Remedy.BANK_LEVY:  # the levy reaches the account(s) it was proposed on
        BankMatch.objects.filter(action=action, status=BankMatchStatus.OPEN).update(status=BankMatchStatus.LEVIED)
    _withholding_follow(action, by=by, on=today)
    return action


@transaction.atomic
def action_end(
    *,
    action: EnforcementAction,
    by: User,
    release: bool,
    reason: str = ReleaseReason.WITHDRAWN,
    note: str = "",
    on: date | None = None,
) -> EnforcementAction:
    """Release (withdraw) or close an open action; contested actions are decided, not ended."""
    action = _locked(action)
    _require(
        action,
        ActionStatus.PROPOSED,
        ActionStatus.NOTICED,
        ActionStatus.CONTEST_WINDOW,
        ActionStatus.ACTIVE,
        doing="release or close",
    )
    if release and reason not in ReleaseReason.values:
        raise ValidationError({"reason": "Choose a reason."})
    action.status = ActionStatus.RELEASED if release else ActionStatus.CLOSED
    action.release_reason = reason if release else ""
    action.ended_on = on or timezone.localdate()
    action.end_note = note.strip()[:300]
    action.next_step_on = None
    saved_with_event(
        action,
        by=by,
        verb=f"enforcement.action_{'released' if release else 'closed'}",
        summary=f"{action.get_remedy_display()}: {note[:200]}",
    )
    bank_matches_release([action.pk])  # a released levy releases the account
    _withholding_follow(action, by=by, on=action.ended_on)
    return action

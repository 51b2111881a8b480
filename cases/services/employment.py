"""A parent's job recorded or ended by a caseworker (the parent said so, a pay stub, the other parent).

The files record jobs too (the new-hire file, the e-IWO acknowledgments, the payment file's
termination flag); a job the office learns of at the desk must act as one from the files does:

- recorded: the employer is found by its FEIN (``selectors.employer_by_fein``, as the files find
  it: never a second employer with the same FEIN) or entered new; the job starts; and the new-hire
  rule applies (``core.hooks.employment_recorded``: enforcement proposes income withholding to the
  new employer on the person's open cases as NCP with an active order, 42 USC 666(b), 653a(g)(1));
- ended: the job ends on the last day worked, and the income withholding orders at that employer
  are no longer in force (``core.hooks.employment_ended``: enforcement ends them as the payment
  file's termination flag does).

``cases`` may not import ``enforcement`` (``.importlinter``): the hooks are how it reaches it.

FVI (42 USC 654(26)): an employer locates the person. Events and the phrases returned name no
employer, whoever the person is (the indicator can be set after they were written). For an FVI
person no answer may depend on the employer on file, or typing FEINs would find it: the job typed
is recorded whatever is on file (a second open job at an employer already on file, its event and
work item exactly as for an employer not on file), as ``address_record`` records an FVI person's
address; only the same job the same user recorded a moment ago (a double submit) is not recorded
again. Nor may what follows depend on it: income withholding is decided per employer (an order in
force there already, another job there still open), so the job typed *awaits confirmation*
(``Employment.awaits_confirmation``) and drives no withholding (``Employment.objects.withholding()``)
until a source outside the desk confirms it (``employments_confirm``): the employer's new-hire
report, an e-IWO reply naming the employer, or a coordinator on the employer's written word
(``employment_confirm``, the one deliberate, logged act whose outcome may differ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from core import hooks
from core.dates import date_refusal, display_date
from core.db import advisory_xact_lock
from core.models import DomainEvent
from core.services import REPEAT_WINDOW, acting_user, event_about

from ..choices import (
    EMPLOYMENT_DESK_END_REASONS,
    EMPLOYMENT_DESK_SOURCES,
    CaseStatus,
    EmploymentEndReason,
    EmploymentSource,
    ParticipantRole,
    WorkItemStatus,
)
from ..models import Case, CaseParticipant, Employer, Employment, Person, WorkItem
from ..models.scope import case_scope_q
from ..redaction import whereabouts_shown
from ..selectors import employer_by_fein
from .person_lock import people_lock
from .work import work_item_create

# What the desk says of a job that awaits confirmation (the same words whatever FEIN was typed), and
# the work item it raises on each open case where the person is the NCP.
# Not by a payment: the employer on file remits every pay day, so a payment file confirming the job
# typed at it would answer a right guess within a pay cycle (the job's flag, the person page).
AWAITING_CONFIRMATION = (
    "Income withholding starts once the job is confirmed: by the employer's new-hire report (due within "
    "20 days of hire, 42 USC 653a(b)) or an e-IWO reply naming the employer, or by a coordinator on the "
    "employer's written word."
)
CONFIRM_WORK_KIND = "employment_confirm"
CONFIRM_WORK_DAYS = 20  # the employer's new-hire report is due within 20 days of hire (42 USC 653a(b)(2))
CONFIRM_WORK_TITLE = (
    "A job awaits confirmation before income withholding (family violence indicator): look for the new-hire "
    "report, or have a coordinator confirm it on the employer's written word"
)
EVIDENCE_MAX = 200
# A job confirmed by a coordinator of another county: the person's case here is its caseworker's
# to act on (``employment_confirm``).
CONFIRMED_ELSEWHERE_WORK_KIND = "employment_confirmed"
CONFIRMED_ELSEWHERE_WORK_DAYS = 2  # the new-hire rule's 2 business days (42 USC 653a(g)(1)), as calendar days
CONFIRMED_ELSEWHERE_WORK_TITLE = (
    "A job of the NCP was confirmed in another county (family violence indicator): decide on income withholding"
)
RECORDED_TWICE_SAID = "it is the job already on file (recorded twice): the withholding there goes on as it was"
CONFIRMED_IN_SCOPE_ONLY = (
    "withholding follows on the person's cases you may change; another county's caseworker decides on theirs"
)

EMPLOYER_FIELDS = ("name", "line1", "line2", "city", "state", "postal_code", "phone", "contact_email")


def fein_clean(value: str) -> str:
    """A FEIN as the files carry it: 9 digits (``12-3456789`` is accepted and stored ``123456789``)."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{9}", digits) or digits == "000000000":
        raise ValidationError({"fein": "A FEIN is 9 digits (for example 12-3456789)."})
    return digits


@dataclass(frozen=True)
class EmploymentRecorded:
    employment: Employment
    # False: the person already had an open job at that employer (a double submit); for an FVI
    # person only the same job the same user recorded a moment ago
    created: bool
    employer_created: bool
    withholding: str  # what enforcement did, in words naming no employer ("" if nothing)


def _open_cases(person: Person) -> list[int]:
    return list(
        CaseParticipant.objects.filter(person=person, case__status=CaseStatus.OPEN)
        .order_by("case_id")
        .values_list("case_id", flat=True)
        .distinct()
    )


def _job_events_record(
    *, verb: str, employment: Employment, by: User | None, summary: str, data: dict[str, Any]
) -> None:
    """``verb`` about ``employment`` on each open case of its person (``person_id`` and
    ``employment_id`` in the data, with ``data``); the summary names no employer (FVI)."""
    for case_id in _open_cases(employment.person):
        event_about(
            employment,
            verb=verb,
            case_id=case_id,
            by=by,
            summary=summary,
            data={"person_id": employment.person_id, "employment_id": employment.pk, **data},
        )


def employment_record(*, person: Person, data: dict[str, Any], by: User) -> EmploymentRecorded:
    """Record a job of ``person``: ``data`` has ``fein``, ``started_on``, ``source``, optionally
    ``gross_monthly_income`` and, for an employer not on file, its ``name`` and address
    (``EMPLOYER_FIELDS``; creating one needs ``cases.add_employer``). The started-on date cannot be
    in the future. A person with an open job at that employer keeps it: nothing is recorded twice
    (a double submit, or a job the new-hire file recorded first). Not for an FVI person (42 USC
    654(26)): what is recorded may not depend on the employer on file, so the job typed is recorded
    whatever is on file, except the same job the same user recorded within ``REPEAT_WINDOW`` (a
    double submit: what that user did, not what is on file). One transaction, the person's row
    locked; the new-hire rule applies through ``core.hooks.employment_recorded``."""
    errors: dict[str, str] = {}
    try:
        fein = fein_clean(str(data.get("fein") or ""))
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        fein = ""
    started_on: date | None = data.get("started_on")
    today = timezone.localdate()
    if started_on is None:
        errors["started_on"] = "Enter the day the job started."
    elif problem := date_refusal(started_on):
        errors["started_on"] = problem
    elif started_on > today:
        errors["started_on"] = "A job cannot start in the future: record it once it has started."
    source = data.get("source") or ""
    if source not in EMPLOYMENT_DESK_SOURCES:
        errors["source"] = "Choose who told the office of the job."
    income: Decimal | None = data.get("gross_monthly_income")
    if income is not None and income < 0:
        errors["gross_monthly_income"] = "Income cannot be negative."
    if errors:
        raise ValidationError(errors)
    assert started_on is not None
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        advisory_xact_lock(f"employer-fein:{fein}")  # two pages creating the same employer at once
        employer = employer_by_fein(fein)
        employer_created = False
        if employer is None:
            if not by.has_perm("cases.add_employer"):
                raise ValidationError({"fein": "No employer with this FEIN is on file, and you may not add one."})
            fields = {name: str(data.get(name) or "").strip() for name in EMPLOYER_FIELDS}
            if not fields["name"]:
                raise ValidationError({"name": "No employer with this FEIN is on file: enter its name and address."})
            employer = Employer(fein=fein, **fields)
            employer.state = employer.state.upper()
            employer.full_clean()
            employer.save()
            employer_created = True
        same = Employment.objects.filter(person=person, employer=employer, ended_on__isnull=True)
        if not whereabouts_shown(person):
            same = _recorded_by_moments_ago(same.filter(started_on=started_on, source=source), by=by)
        existing = same.order_by("pk").first()
        if existing is not None:
            return EmploymentRecorded(existing, created=False, employer_created=False, withholding="")
        employment = Employment(
            person=person,
            employer=employer,
            started_on=started_on,
            source=source,
            gross_monthly_income=income,
            awaits_confirmation=not whereabouts_shown(person),
        )
        employment.full_clean()
        employment.save()
        # A job awaiting confirmation: enforcement's hook does nothing and says nothing for it.
        said = [phrase for fn in hooks.employment_recorded if (phrase := fn(employment=employment, by=by))]
        if employment.awaits_confirmation:
            said.append(AWAITING_CONFIRMATION[0].lower() + AWAITING_CONFIRMATION[1:-1])
            _confirmation_work_items(employment, started_on=started_on, by=by)
        summary = (
            f"A job of {person.display_name} was recorded ({employment.get_source_display().lower()}), "
            f"started {display_date(started_on)}" + (f"; {'; '.join(said)}" if said else "")
        )
        _job_events_record(
            verb="employment.recorded",
            employment=employment,
            by=by,
            summary=summary,
            data={"employer_id": employer.pk, "employer_created": employer_created, "source": source},
        )
        return EmploymentRecorded(
            employment, created=True, employer_created=employer_created, withholding="; ".join(said)
        )


def _confirmation_work_items(employment: Employment, *, started_on: date, by: User) -> None:
    """One work item per open case where the person is the NCP (withholding is at stake there), for
    the case's caseworker, the same whatever FEIN was typed; done when the job is confirmed."""
    case_ids = (
        CaseParticipant.objects.filter(person=employment.person, role=ParticipantRole.NCP, case__status=CaseStatus.OPEN)
        .order_by("case_id")
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case in Case.objects.filter(pk__in=list(case_ids)).order_by("pk"):
        work_item_create(
            case=case,
            kind=CONFIRM_WORK_KIND,
            due_on=max(started_on + timedelta(days=CONFIRM_WORK_DAYS), timezone.localdate()),
            title=CONFIRM_WORK_TITLE,
            dedupe_key=f"employment-confirm:{case.pk}:{employment.pk}",
            notes=f"A job started {display_date(started_on)} was recorded on the person page. {AWAITING_CONFIRMATION}",
            by=by,
        )


def employments_confirm(*, jobs: QuerySet[Employment]) -> int:
    """Confirm ``jobs`` (set-based): those awaiting confirmation (recorded at the desk for a person
    whose whereabouts are withheld) drive income withholding from now on, as any job does. Called
    when a source outside the desk names the employer: the new-hire report (42 USC 653a), an e-IWO
    reply, a coordinator on the employer's written word (``employment_confirm``); the caller applies
    the new-hire rule. Their confirmation work items are done. Returns how many were confirmed.

    A person has one open job that drives withholding per employer (one order to withhold there,
    42 USC 666(b)): a job confirmed where the person already has one open (the job on file, or
    another typed job confirmed with it) is that job, recorded twice. It is folded into it: ended
    the day it started (``RECORDED_TWICE``; the row and its events stay, naming the same job), with
    no hook called (the orders there stand). The job kept is the one already on file, else the
    oldest confirmed: the e-IWO reply and the new-hire file go on with the open one.

    The people's rows are locked first (their other writers' order: the desk, the coordinator, the
    files, which lock them before they read the jobs), so two confirmations at once take turns and
    the second folds into the first's job."""
    rows = list(jobs.filter(awaits_confirmation=True).values_list("pk", "person_id"))
    if not rows:
        return 0
    ids = [pk for pk, _ in rows]
    people_lock(person_id for _, person_id in rows)
    Employment.objects.filter(pk__in=ids).update(awaits_confirmation=False, updated_at=timezone.now())
    WorkItem.objects.filter(
        kind=CONFIRM_WORK_KIND,
        status=WorkItemStatus.OPEN,
        dedupe_key__in=[
            f"employment-confirm:{case_id}:{pk}"
            for pk, case_id in CaseParticipant.objects.filter(
                person__employments__pk__in=ids, role=ParticipantRole.NCP
            ).values_list("person__employments__pk", "case_id")
        ],
    ).update(status=WorkItemStatus.DONE, completed_on=timezone.localdate())
    confirmed = set(ids)
    pairs = set(Employment.objects.filter(pk__in=ids, ended_on__isnull=True).values_list("person_id", "employer_id"))
    kept: set[tuple[int, int]] = set()
    twice: list[int] = []
    open_there = (
        Employment.objects.withholding()
        .filter(person_id__in={person for person, _ in pairs}, ended_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "person_id", "employer_id")
    )
    # Already on file first (not among those confirmed now), then the oldest.
    for pk, person_id, employer_id in sorted(open_there, key=lambda row: (row[0] in confirmed, row[0])):
        if (person_id, employer_id) not in pairs:
            continue
        if (person_id, employer_id) in kept:
            if pk in confirmed:
                twice.append(pk)
            continue
        kept.add((person_id, employer_id))
    if twice:
        Employment.objects.filter(pk__in=twice).update(
            ended_on=F("started_on"), ended_reason=EmploymentEndReason.RECORDED_TWICE, updated_at=timezone.now()
        )
    return len(ids)


def employment_confirm(*, employment: Employment, evidence: str, by: User) -> str:
    """A coordinator confirms a job awaiting confirmation on the employer's written word (a letter, a
    verification of employment), described in ``evidence`` (required, short; it should not name the
    employer). The one act at the office whose outcome may depend on the employer on file (42 USC
    654(26)): a deliberate one, by a holder of ``cases.confirm_employment``, recorded on each open
    case (``employment.confirmed``, naming no employer). The job then drives income withholding as a
    new job does (``core.hooks.employment_recorded``), on the person's open cases the coordinator
    may change (their county, ``case_scope_q``): a case of another county is its own office's to
    act on, and its caseworker gets a work item saying the job was confirmed (the phrase returned
    says so, the same whether or not there is one: the coordinator may not read it). A job the person
    already has open at that employer is the same job (``employments_confirm`` folds it): the
    withholding there goes on as it was. Returns what was done, in words naming no employer."""
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": "Say what the employer's written word is (a letter, a verification)."})
    if len(evidence) > EVIDENCE_MAX:
        raise ValidationError({"evidence": f"Keep the evidence to {EVIDENCE_MAX} characters."})
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=employment.person_id).first()
        employment = Employment.objects.select_for_update().select_related("person", "employer").get(pk=employment.pk)
        if employment.ended_on is not None:
            raise ValidationError(f"This job ended on {display_date(employment.ended_on)}: nothing to confirm.")
        if not employment.awaits_confirmation:
            raise ValidationError("This job is not awaiting confirmation.")
        employments_confirm(jobs=Employment.objects.filter(pk=employment.pk))
        employment.refresh_from_db(fields=["awaits_confirmation", "ended_on", "ended_reason"])
        said: list[str] = []
        if employment.ended_reason == EmploymentEndReason.RECORDED_TWICE:
            said.append(RECORDED_TWICE_SAID)
        else:
            scope = case_scope_q(by, "case__", "change")
            said += [
                phrase for fn in hooks.employment_recorded if (phrase := fn(employment=employment, by=by, case_q=scope))
            ]
            if scope is not None:
                # The same words whether or not the person has a case elsewhere (one the
                # coordinator may not read).
                _confirmed_elsewhere_work_items(employment, scope=scope, by=by)
                said.append(CONFIRMED_IN_SCOPE_ONLY)
        summary = (
            f"A job of {employment.person.display_name}, started {display_date(employment.started_on)}, was "
            "confirmed on the employer's written word" + (f"; {'; '.join(said)}" if said else "")
        )
        _job_events_record(
            verb="employment.confirmed", employment=employment, by=by, summary=summary, data={"evidence": evidence}
        )
        return "; ".join(said)


def employments_unhold(*, person: Person, by: User | None) -> int:
    """The family violence indicator was removed from ``person`` (``person_fvi_clear``) and their
    whereabouts are shown again (no custodial parent's indicator withholds them): the reason to hold
    their jobs awaiting confirmation is gone (their employer may be shown again, 42 USC 654(26)), so their open ones are confirmed (``employments_confirm``, which folds one at an
    employer where they have a job on file) and income withholding follows as for any new job
    (``core.hooks.employment_recorded``, 42 USC 666(b)), an ``employment.confirmed`` event on each
    open case. In the caller's transaction. Returns how many jobs were confirmed."""
    held = list(
        Employment.objects.filter(person=person, awaits_confirmation=True, ended_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not held:
        return 0
    employments_confirm(jobs=Employment.objects.filter(pk__in=held))
    for employment in Employment.objects.filter(pk__in=held).select_related("person", "employer").order_by("pk"):
        if employment.ended_reason == EmploymentEndReason.RECORDED_TWICE:
            said = [RECORDED_TWICE_SAID]
        else:
            said = [phrase for fn in hooks.employment_recorded if (phrase := fn(employment=employment, by=by))]
        _job_events_record(
            verb="employment.confirmed",
            employment=employment,
            by=by,
            summary=f"A job of {employment.person.display_name}, started {display_date(employment.started_on)}, "
            "no longer awaits confirmation: the family violence indicator was removed"
            + (f"; {'; '.join(said)}" if said else ""),
            data={"evidence": "family violence indicator removed"},
        )
    return len(held)


def _confirmed_elsewhere_work_items(employment: Employment, *, scope: Q, by: User) -> int:
    """A work item on each open case where the person is the NCP that ``scope`` leaves out (another
    county's): the job was confirmed, and income withholding there is its caseworker's call (the
    new-hire rule was not applied there). Returns how many cases."""
    cases = CaseParticipant.objects.filter(
        person=employment.person, role=ParticipantRole.NCP, case__status=CaseStatus.OPEN
    )
    case_ids = set(cases.values_list("case_id", flat=True)) - set(cases.filter(scope).values_list("case_id", flat=True))
    for case in Case.objects.filter(pk__in=case_ids).order_by("pk"):
        work_item_create(
            case=case,
            kind=CONFIRMED_ELSEWHERE_WORK_KIND,
            due_on=timezone.localdate() + timedelta(days=CONFIRMED_ELSEWHERE_WORK_DAYS),
            title=CONFIRMED_ELSEWHERE_WORK_TITLE,
            dedupe_key=f"employment-confirmed-elsewhere:{case.pk}:{employment.pk}",
            notes=f"A job started {display_date(employment.started_on)}, awaiting confirmation, was confirmed on "
            "the employer's written word by another county's coordinator. No income withholding was proposed on "
            "this case: propose it to the employer if the case calls for it (42 USC 666(b)).",
            by=by,
        )
    return len(case_ids)


def _recorded_by_moments_ago(jobs, *, by: User):
    """``jobs`` that ``by`` recorded at the desk within ``REPEAT_WINDOW`` (their
    ``employment.recorded`` event is theirs)."""
    user = acting_user(by)
    if user is None:
        return jobs.none()
    events = DomainEvent.objects.filter(
        verb="employment.recorded",
        subject_type=ContentType.objects.get_for_model(Employment),
        subject_id=OuterRef("pk"),
        actor=user,
    )
    return jobs.filter(Exists(events), created_at__gte=timezone.now() - REPEAT_WINDOW)


def employment_end(
    *,
    employment: Employment,
    ended_on: date | None,
    reason: str,
    by: User,
    source: str = EmploymentSource.PARENT_REPORTED,
) -> str:
    """End a job on the last day worked (not in the future, not before it started), with the reason
    and who told the office. An ended job is not ended again. The income withholding orders at that
    employer end through ``core.hooks.employment_ended`` (as the payment file's termination flag
    ends them); the support order stands. Returns what was done, in words naming no employer."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if ended_on is None:
        errors["ended_on"] = "Enter the last day worked."
    elif ended_on > today:
        errors["ended_on"] = "The last day worked cannot be in the future."
    elif ended_on < employment.started_on:
        errors["ended_on"] = (
            f"The last day worked cannot be before the job started ({display_date(employment.started_on)})."
        )
    if reason not in EMPLOYMENT_DESK_END_REASONS:
        errors["reason"] = "Choose why the job ended."
    if source not in EMPLOYMENT_DESK_SOURCES:
        errors["source"] = "Choose who told the office."
    if errors:
        raise ValidationError(errors)
    assert ended_on is not None
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=employment.person_id).first()
        employment = Employment.objects.select_for_update().select_related("person", "employer").get(pk=employment.pk)
        if employment.ended_on is not None:
            raise ValidationError(f"This job had already ended on {display_date(employment.ended_on)}.")
        employment.ended_on = ended_on
        employment.ended_reason = reason
        employment.ended_source = source
        employment.full_clean()
        employment.save(update_fields=["ended_on", "ended_reason", "ended_source", "updated_at"])
        said = [phrase for fn in hooks.employment_ended if (phrase := fn(employment=employment, by=by))]
        summary = (
            f"A job of {employment.person.display_name} ended {display_date(ended_on)} "
            f"({employment.get_ended_reason_display().lower()}; {employment.get_ended_source_display().lower()})"
            + (f"; {'; '.join(said)}" if said else "")
        )
        _job_events_record(
            verb="employment.ended",
            employment=employment,
            by=by,
            summary=summary,
            data={"ended_on": ended_on.isoformat(), "reason": reason, "source": source},
        )
        return "; ".join(said)

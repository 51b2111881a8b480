"""Training writes (services: <entity>_<action>, keyword-only, transactional)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.dates import date_in_bounds
from core.jobs import job_enqueue
from core.mail import mail_link, mail_outbox_send, mail_result_record
from core.services import (
    day_run_once,
    event_about,
    events_bulk_record,
    row_repeat_refuse,
    saved_created_or_changed,
    saved_with_event,
)
from core.stale import Shown, refuse_if_changed

from .choices import (
    CompletionSource,
    ComplianceStatus,
    EnrolmentResult,
    EnrolmentStatus,
    SessionStatus,
)
from .models import (
    Course,
    CourseCompletion,
    Enrolment,
    NeedsRating,
    NeedsResponse,
    NeedsSurvey,
    NeedsTopic,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyVersion,
    ReminderRun,
    SessionEvaluation,
    TrainingReminder,
    TrainingSession,
)
from .selectors import compliance_rows, fti_training_forget, today

logger = logging.getLogger(__name__)


class TrainingError(ValidationError):
    """A refused training action (duplicate enrolment, score out of range, ...)."""


def _check_score(name: str, value: int | None, *, required: bool) -> None:
    if value is None:
        if required:
            raise TrainingError({name: "This course is tested: enter the score."})
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise TrainingError({name: "A score is a whole number from 0 to 100."})


# --- courses and sessions ------------------------------------------------------------------------


def course_save(*, course: Course, by: User) -> Course:
    return saved_created_or_changed(
        course, created="training.course_created", changed="training.course_changed", by=by, summary=course.title
    )


@transaction.atomic
def session_schedule(
    *,
    course: Course,
    starts_at: datetime,
    ends_at: datetime,
    trainer,
    capacity: int,
    location: str = "",
    online_url: str = "",
    notes: str = "",
    by: User,
) -> TrainingSession:
    """Schedule a session of ``course``. The same session again (the course, its start and trainer,
    still scheduled: a double-clicked form, a resent POST) is refused under the course's lock."""
    session = TrainingSession(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        trainer=trainer,
        capacity=capacity,
        location=location,
        online_url=online_url,
        notes=notes,
    )
    row_repeat_refuse(
        row=session,
        parent=course,
        fields=("course", "starts_at", "trainer", "status"),
        window=None,  # one trainer gives one session of a course at a time, whenever it was entered
        message=f"This session is already scheduled ({course}, {timezone.localtime(starts_at):%Y-%m-%d %H:%M}): "
        "nothing was added again.",
    )
    return saved_with_event(session, by=by, verb="training.session_scheduled", summary=str(session))


@transaction.atomic
def session_cancel(*, session: TrainingSession, by: User) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError("Only a scheduled session can be cancelled.")
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    event_about(session, verb="training.session_cancelled", by=by, summary=str(session))
    return session


# --- enrolment -----------------------------------------------------------------------------------


@transaction.atomic
def enrolment_create(*, session: TrainingSession, user: User, by: User) -> Enrolment:
    """Enrol ``user``: a seat while the session has room, otherwise the waitlist (in order of arrival).

    A second active enrolment of the same person in the same session is refused.
    """
    # Lock the session row so two enrolments cannot both take the last seat.
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError("This session is not open for enrolment.")
    if session.enrolments.filter(user=user).exclude(status=EnrolmentStatus.CANCELLED).exists():
        raise TrainingError("Already enrolled (or waitlisted) in this session.")
    seats_taken = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    full = seats_taken >= session.capacity
    enrolment = Enrolment(
        session=session,
        user=user,
        status=EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED,
        waitlisted_at=timezone.now() if full else None,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise TrainingError("Already enrolled (or waitlisted) in this session.")
    event_about(
        enrolment, verb="training.waitlisted" if full else "training.enrolled", by=by, summary=f"{user} · {session}"
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by: User) -> Enrolment | None:
    """Cancel a place; a freed seat goes to the first person on the waitlist (returned)."""
    session = TrainingSession.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise TrainingError("This enrolment is already cancelled.")
    if enrolment.attended is not None:
        raise TrainingError("Attendance is already recorded: the enrolment cannot be cancelled.")
    freed_seat = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status", "updated_at"])
    event_about(enrolment, verb="training.enrolment_cancelled", by=by, summary=str(enrolment))
    promoted = None
    if freed_seat and session.status == SessionStatus.SCHEDULED:
        promoted = session.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("waitlisted_at", "id").first()
        if promoted is not None:
            promoted.status = EnrolmentStatus.ENROLLED
            promoted.save(update_fields=["status", "updated_at"])
            event_about(promoted, verb="training.promoted_from_waitlist", by=by, summary=str(promoted))
            _notify(
                user=promoted.user,
                subject=f"A place opened for you: {session.course.title}",
                body=f"You were on the waitlist and now have a place in {session}.",
            )
    return promoted


@transaction.atomic
def enrolment_attendance_record(*, enrolment: Enrolment, attended: bool, by: User) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise TrainingError("Only an enrolled participant (not waitlisted or cancelled) can attend.")
    if enrolment.session.status == SessionStatus.CANCELLED:
        raise TrainingError("The session was cancelled.")
    enrolment.attended = attended
    if not attended:
        enrolment.result = EnrolmentResult.ABSENT
    elif enrolment.result == EnrolmentResult.ABSENT:
        enrolment.result = EnrolmentResult.PENDING
    enrolment.save(update_fields=["attended", "result", "updated_at"])
    event_about(
        enrolment,
        verb="training.attendance_recorded",
        by=by,
        summary=f"{enrolment.user}: {'present' if attended else 'absent'}",
    )
    return enrolment


@transaction.atomic
def enrolment_complete(
    *, enrolment: Enrolment, pre_score: int | None = None, post_score: int | None = None, by: User
) -> CourseCompletion | None:
    """Record the result of an attended enrolment. A tested course needs pre- and post-test scores
    (0–100); a post-test under the course's passing score is recorded as not passed (no completion).
    """
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",)).select_related("session__course", "user").get(pk=enrolment.pk)
    )
    course = enrolment.session.course
    if enrolment.attended is not True:
        raise TrainingError("Record attendance before completion.")
    if CourseCompletion.objects.filter(enrolment=enrolment).exists():
        raise TrainingError("This enrolment is already completed.")
    _check_score("pre_score", pre_score, required=course.has_test)
    _check_score("post_score", post_score, required=course.has_test)
    enrolment.pre_score, enrolment.post_score = pre_score, post_score
    passed = not course.has_test or (post_score is not None and post_score >= (course.passing_score or 0))
    enrolment.result = EnrolmentResult.COMPLETED if passed else EnrolmentResult.NOT_PASSED
    enrolment.full_clean()
    enrolment.save(update_fields=["pre_score", "post_score", "result", "updated_at"])
    if enrolment.session.status == SessionStatus.SCHEDULED:
        TrainingSession.objects.filter(pk=enrolment.session_id).update(status=SessionStatus.HELD)
    if not passed:
        event_about(
            enrolment,
            verb="training.not_passed",
            by=by,
            summary=f"{enrolment.user}: post-test {post_score} < {course.passing_score}",
        )
        return None
    completion = CourseCompletion(
        user=enrolment.user,
        course=course,
        enrolment=enrolment,
        source=CompletionSource.SESSION,
        completed_on=timezone.localdate(enrolment.session.ends_at),
        score=post_score,
        recorded_by=by,
    )
    saved_with_event(completion, by=by, verb="training.completed", summary=f"{enrolment.user} · {course}")
    fti_training_forget(enrolment.user)
    return completion


@transaction.atomic
def completion_record(
    *, user: User, course: Course, completed_on: date, score: int | None = None, by: User
) -> CourseCompletion:
    """Record a completion outside a session (the state's online course, a transfer from another office).

    The same completion (person, course, date, score) recorded again a moment later, by the same
    trainer (a double-clicked form) or another one at the same time, is refused under the course's
    lock."""
    if completed_on > today():
        raise TrainingError({"completed_on": "A completion cannot be in the future."})
    _check_score("score", score, required=False)
    completion = CourseCompletion(
        user=user,
        course=course,
        completed_on=completed_on,
        score=score,
        source=CompletionSource.RECORDED,
        recorded_by=by,
    )
    row_repeat_refuse(  # whoever records it: two trainers entering one completion at once is one completion
        row=completion,
        parent=course,
        fields=("user", "course", "completed_on", "score", "source"),
        at="created_at",
        message="This completion was already recorded: nothing was added again.",
    )
    saved_with_event(completion, by=by, verb="training.completion_recorded", summary=f"{user} · {course}")
    fti_training_forget(user)
    return completion


# --- evaluations and needs ---------------------------------------------------------------------


def evaluation_submit(
    *,
    enrolment: Enrolment,
    content_rating: int,
    trainer_rating: int,
    relevance_rating: int,
    comments: str = "",
    by: User,
) -> SessionEvaluation:
    if enrolment.user_id != by.pk:
        raise TrainingError("Only the participant can evaluate their session.")
    if enrolment.attended is not True:
        raise TrainingError("Only participants who attended can evaluate the session.")
    already = "You have already evaluated this session."
    if SessionEvaluation.objects.filter(enrolment=enrolment).exists():
        raise TrainingError(already)
    evaluation = SessionEvaluation(
        enrolment=enrolment,
        content_rating=content_rating,
        trainer_rating=trainer_rating,
        relevance_rating=relevance_rating,
        comments=comments,
    )
    try:
        with transaction.atomic():
            return saved_with_event(evaluation, by=by, verb="training.evaluation_submitted")
    except IntegrityError:
        # The same evaluation sent twice at once (a double-clicked form): the other one was saved
        # between the check above and this save; answer as the check would have.
        if SessionEvaluation.objects.filter(enrolment=enrolment).exists():
            raise TrainingError(already) from None
        raise


@transaction.atomic
def needs_response_submit(
    *, survey: NeedsSurvey, respondent, priorities: dict[int, int], comments: str = "", on: date | None = None
) -> NeedsResponse:
    """One response per person per survey: a priority 1–5 for each topic of the survey."""
    on = on or today()
    if not survey.is_open_on(on):
        raise TrainingError("This survey is not open.")
    if NeedsResponse.objects.filter(survey=survey, respondent=respondent).exists():
        raise TrainingError("You have already answered this survey.")
    topics = {t.pk: t for t in survey.topics.all()}
    if set(priorities) != set(topics):
        raise TrainingError("Rate every topic of the survey.")
    for value in priorities.values():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise TrainingError("A priority is a whole number from 1 to 5.")
    response = NeedsResponse(survey=survey, respondent=respondent, comments=comments)
    response.full_clean()
    response.save()
    NeedsRating.objects.bulk_create(
        [NeedsRating(response=response, topic=topics[pk], priority=value) for pk, value in priorities.items()]
    )
    event_about(response, verb="training.needs_survey_answered", by=respondent, data={"topics": len(priorities)})
    return response


NEEDS_TOPICS_MAX = 40


def _needs_topic_titles(titles: Iterable[str]) -> list[str]:
    """The topics as given, blank lines dropped; a repeat (whatever its case or spacing), a title
    over 200 characters, none at all or more than ``NEEDS_TOPICS_MAX`` are refused."""
    cleaned, seen = [], set()
    for raw in titles:
        title = " ".join((raw or "").split())
        if not title:
            continue
        if "\x00" in title:
            raise TrainingError({"topics": "Text must not contain NUL characters."})
        if len(title) > 200:
            raise TrainingError({"topics": f"A topic has at most 200 characters: {title[:40]}…"})
        if title.casefold() in seen:
            raise TrainingError({"topics": f"The topic {title!r} is listed twice."})
        seen.add(title.casefold())
        cleaned.append(title)
    if not cleaned:
        raise TrainingError({"topics": "Give at least one topic, one per line."})
    if len(cleaned) > NEEDS_TOPICS_MAX:
        raise TrainingError({"topics": f"A survey has at most {NEEDS_TOPICS_MAX} topics."})
    return cleaned


def _needs_survey_dates(*, opens_on: date, closes_on: date) -> None:
    date_in_bounds(opens_on, "opens_on")
    date_in_bounds(closes_on, "closes_on")
    if closes_on < opens_on:
        raise TrainingError({"closes_on": "The survey must close on or after the day it opens."})


@transaction.atomic
def needs_survey_create(*, title: str, opens_on: date, closes_on: date, topics: Sequence[str], by: User) -> NeedsSurvey:
    """A needs survey with its topics (staff rate each 1–5 while it is open, ``opens_on`` to
    ``closes_on`` inclusive). It cannot close before today (no one could answer it); the same
    survey (title and dates) created again a moment later (a double-clicked form) is refused."""
    titles = _needs_topic_titles(topics)
    _needs_survey_dates(opens_on=opens_on, closes_on=closes_on)
    if closes_on < today():
        raise TrainingError({"closes_on": "The survey would already be closed: choose today or a later day."})
    survey = NeedsSurvey(title=" ".join(title.split()), opens_on=opens_on, closes_on=closes_on)
    survey.full_clean()
    row_repeat_refuse(
        row=survey,
        parent="training.needs_survey_create",
        fields=("title", "opens_on", "closes_on"),
        at="created_at",
        message="This survey was just created: nothing was added again.",
    )
    survey.save()
    NeedsTopic.objects.bulk_create([NeedsTopic(survey=survey, title=t) for t in titles])
    event_about(
        survey,
        verb="training.needs_survey_created",
        by=by,
        summary=survey.title,
        data={"topics": titles, "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
    )
    return survey


def needs_survey_save(*, survey: NeedsSurvey, by: User) -> NeedsSurvey:
    """An edit of a survey's title or dates (closing it early, keeping it open longer). Its topics
    stay as they were: answers already given rate exactly those."""
    _needs_survey_dates(opens_on=survey.opens_on, closes_on=survey.closes_on)
    return saved_with_event(survey, by=by, verb="training.needs_survey_changed", summary=survey.title)


# --- policies ------------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"\s*v?(\d+)", re.IGNORECASE)


def policy_version_next(*, document: PolicyDocument) -> str:
    """The number of the document's next version: one more than the highest leading whole number
    of its versions ("2.0", "2.1" → "3.0"; none → "1.0")."""
    numbers = [
        int(m.group(1))
        for v in document.versions.values_list("version", flat=True)
        if (m := _LEADING_NUMBER.match(v)) is not None and len(m.group(1)) < 9
    ]
    return f"{max(numbers, default=0) + 1}.0"


def policy_version_latest(*, document: PolicyDocument) -> PolicyVersion | None:
    """The version published last: the latest effective date (in effect or scheduled), then the newest."""
    return document.versions.order_by("-effective_on", "-id").first()


@transaction.atomic
def policy_create(
    *,
    code: str,
    title: str,
    courses: Iterable[Course] = (),
    effective_on: date,
    summary: str,
    body: str,
    citations: str = "",
    requires_acknowledgement: bool = True,
    by: User,
) -> PolicyDocument:
    """A new policy or procedure with its first version (1.0): the document (code, title, the
    courses that teach it) and the text in force from ``effective_on`` (``policy_version_publish``)."""
    document = PolicyDocument(code=code, title=" ".join(title.split()))
    document.full_clean()
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:  # the same code created at the same moment (a double click, a colleague)
        raise TrainingError({"code": "A policy with this code already exists."}) from None
    document.courses.set(list(courses))
    event_about(document, verb="policy.created", by=by, summary=document.title, data={"code": code})
    policy_version_publish(
        document=document,
        effective_on=effective_on,
        summary=summary,
        body=body,
        citations=citations,
        requires_acknowledgement=requires_acknowledgement,
        by=by,
    )
    return document


@transaction.atomic
def policy_version_publish(
    *,
    document: PolicyDocument,
    effective_on: date,
    summary: str,
    body: str,
    citations: str = "",
    requires_acknowledgement: bool = True,
    shown: Shown | None = None,
    by: User,
) -> PolicyVersion:
    """Publish a new version of ``document``: the next number (``policy_version_next``), taken
    under the document's row lock so two trainers publishing at once get two numbers; in force from
    ``effective_on``, which is not before the latest version's (the one in effect or one already
    scheduled); ``summary`` says what changed. Staff are asked to acknowledge it by the library's
    one rule (``selectors.policies_to_acknowledge``): from its effective date it is the version in
    effect, and acknowledgements are per version, so everyone acknowledges it anew unless
    ``requires_acknowledgement`` is off (a correction of wording). A page that showed another
    latest version than the one there now (a colleague published meanwhile, or the same form was
    sent twice) is refused (``core.stale``)."""
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    latest = policy_version_latest(document=document)
    refuse_if_changed(
        row=document,
        shown=shown,
        current={"latest": latest.pk if latest else None},
        happened=f"Version {latest.version} was published meanwhile" if latest else "",
    )
    date_in_bounds(effective_on, "effective_on")
    if latest is not None and effective_on < latest.effective_on:
        raise TrainingError(
            {
                "effective_on": f"Version {latest.version} takes effect on {latest.effective_on:%b %d, %Y}: "
                "a new version cannot take effect before it."
            }
        )
    problems = {}
    if not (summary or "").strip():
        problems["summary"] = "Say what this version changes (or what the policy is about, for a first version)."
    if not (body or "").strip():
        problems["body"] = "Give the text of the policy."
    for name, value in (("summary", summary), ("body", body), ("citations", citations)):
        if "\x00" in (value or ""):
            problems[name] = "Text must not contain NUL characters."
    if problems:
        raise TrainingError(problems)
    version = PolicyVersion(
        document=document,
        version=policy_version_next(document=document),
        effective_on=effective_on,
        summary=summary.strip(),
        body=body.strip(),
        citations=(citations or "").strip(),
        requires_acknowledgement=requires_acknowledgement,
    )
    return saved_with_event(
        version,
        about=document,  # on the document's timeline: a page refused as out of date names the publisher
        by=by,
        verb="policy.version_published",
        summary=f"{version} effective {effective_on:%b %d, %Y}",
    )


def policy_acknowledge(*, version: PolicyVersion, user: User) -> PolicyAcknowledgement:
    """Record that ``user`` read this version (idempotent: a second acknowledgement returns the first)."""
    existing = PolicyAcknowledgement.objects.filter(version=version, user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = PolicyAcknowledgement.objects.create(version=version, user=user)
    except IntegrityError:
        return PolicyAcknowledgement.objects.get(version=version, user=user)
    event_about(version, verb="policy.acknowledged", by=user, summary=str(version))
    return ack


# --- reminders -----------------------------------------------------------------------------------


def _notify(*, user: User, subject: str, body: str) -> bool:
    if not user.email:
        return False
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    return True


REMINDED = (ComplianceStatus.DUE_SOON, ComplianceStatus.OVERDUE, ComplianceStatus.NEVER)


def compliance_reminders_send(*, on: date | None = None) -> ReminderRun:
    """The daily reminder: an in-app reminder (and an email) to each person whose required course is
    due soon, overdue or never taken — once per status and due date (``cycle_key``). The day's run is
    recorded once: its run row, its reminders and their events are written in one transaction under
    an advisory lock, and a second call for the same day (a retried or redelivered task, an
    overlapping run) returns that run and repeats nothing.

    The e-mails go out at least once (``core.mail``) from a job of the run's own, enqueued with it
    (``compliance_reminder_emails_send``): that job is what is retried while the relay cannot take
    mail and taken over if its worker dies; the day's run is never done again for it.
    """
    on = on or today()
    with transaction.atomic():
        run, new = day_run_once(ReminderRun, run_on=on, lock="training.reminders")
        if not new:
            return run
        rows = compliance_rows(on=on, statuses=REMINDED)
        wanted = [
            TrainingReminder(
                user=row.user,
                course=row.course,
                status=row.status,
                due_on=row.due_on,
                run=run,
                cycle_key=f"{row.status}:{row.due_on.isoformat() if row.due_on else 'none'}",
            )
            for row in rows
        ]
        TrainingReminder.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=1000)
        created = TrainingReminder.objects.filter(run=run).count()
        if created:
            events_bulk_record(
                [_reminder_event(r) for r in TrainingReminder.objects.filter(run=run).select_related("user", "course")]
            )
        ReminderRun.objects.filter(pk=run.pk).update(rows_checked=len(rows), reminders_created=created)
        job_enqueue(
            task="training.tasks.compliance_reminder_emails_task", args=[run.pk], key=f"training_reminders:{run.pk}"
        )
    run.refresh_from_db()
    return run


def compliance_reminder_emails_send(*, run_id: int, takeover: bool = False) -> dict[str, int]:
    """Send the e-mail of every reminder waiting for one once (``core.mail``) — run ``run_id``'s, and
    any an earlier run left ``pending`` — and record it on that run: ``emails_sent`` adds what the
    relay took, ``errors`` the addresses refused for good (``failed``) and, while the relay cannot
    take mail, one line saying so (the last attempt's). Then ``MailRelayUnavailable`` is raised so
    that the job is retried. ``takeover``: the job's worker died; the reminders it left ``sending``
    are sent again (and by any send once ``CASEWORKS_MAIL_SENDING_STALE_SECONDS`` have passed)."""

    def message(reminder: TrainingReminder) -> EmailMessage:
        return EmailMessage(
            f"Training {reminder.get_status_display().lower()}: {reminder.course}",
            _reminder_text(reminder),
            settings.DEFAULT_FROM_EMAIL,
            [reminder.user.email],
        )

    emailable = (
        TrainingReminder.objects.filter(user__is_active=True).exclude(user__email="").select_related("user", "course")
    )
    result = mail_outbox_send(emailable, message=message, takeover=takeover)
    mail_result_record(
        ReminderRun, run_id=run_id, result=result, waiting="reminders", entry=lambda text: {"error": text}
    )
    result.raise_if_relay_down()
    return {"sent": result.sent, "failed": result.failed}


def _reminder_event(reminder: TrainingReminder):
    from django.contrib.contenttypes.models import ContentType

    from core.models import DomainEvent

    return DomainEvent(
        verb="training.reminder_sent",
        actor_label="training.tasks.compliance_reminders_task",
        subject_type=ContentType.objects.get_for_model(TrainingReminder),
        subject_id=reminder.pk,
        summary=f"{reminder.user} · {reminder.course} · {reminder.status}",
        data={
            "user": reminder.user_id,
            "course": reminder.course_id,
            "status": reminder.status,
            "due_on": reminder.due_on.isoformat() if reminder.due_on else None,
        },
    )


def _reminder_text(reminder: TrainingReminder) -> str:
    due = f"{reminder.due_on:%B %d, %Y}" if reminder.due_on else ""
    if reminder.status == ComplianceStatus.DUE_SOON:
        status = f"is due by {due}"
    elif reminder.status == ComplianceStatus.OVERDUE:
        status = f"was due on {due} and is overdue"
    else:
        status = "has not been completed yet"
    extra = ""
    if reminder.course.is_fti_awareness:
        extra = (
            "\nUntil it is renewed you cannot see tax offset details (federal tax information, IRS Publication 1075)."
        )
    return (
        f'Your required training "{reminder.course.title}" {status}.{extra}\n'
        f"See your training: {mail_link(reverse('training:my_training'))}\n"
    )


def reminder_mark_read(*, user: User, reminder_ids: list[int] | None = None) -> int:
    qs = TrainingReminder.objects.filter(user=user, read_at__isnull=True)
    if reminder_ids is not None:
        qs = qs.filter(pk__in=reminder_ids)
    return qs.update(read_at=timezone.now())

"""Training writes (services: <entity>_<action>, keyword-only, transactional)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.services import (
    event_record,
    events_bulk_record,
    row_repeat_refuse,
    saved_created_or_changed,
    saved_with_event,
)

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
    PolicyAcknowledgement,
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
    return saved_with_event(session, by=by, verb="training.session_scheduled", summary=str(session))


@transaction.atomic
def session_cancel(*, session: TrainingSession, by: User) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise TrainingError("Only a scheduled session can be cancelled.")
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    event_record(verb="training.session_cancelled", subject=session, actor=by, summary=str(session))
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
    event_record(
        verb="training.waitlisted" if full else "training.enrolled",
        subject=enrolment,
        actor=by,
        summary=f"{user} · {session}",
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
    event_record(verb="training.enrolment_cancelled", subject=enrolment, actor=by, summary=str(enrolment))
    promoted = None
    if freed_seat and session.status == SessionStatus.SCHEDULED:
        promoted = session.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("waitlisted_at", "id").first()
        if promoted is not None:
            promoted.status = EnrolmentStatus.ENROLLED
            promoted.save(update_fields=["status", "updated_at"])
            event_record(verb="training.promoted_from_waitlist", subject=promoted, actor=by, summary=str(promoted))
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
    event_record(
        verb="training.attendance_recorded",
        subject=enrolment,
        actor=by,
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
        event_record(
            verb="training.not_passed",
            subject=enrolment,
            actor=by,
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
    event_record(
        verb="training.needs_survey_answered", subject=response, actor=respondent, data={"topics": len(priorities)}
    )
    return response


# --- policies ------------------------------------------------------------------------------------


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
    event_record(verb="policy.acknowledged", subject=version, actor=user, summary=str(version))
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
    due soon, overdue or never taken — once per status and due date, so re-running the day (or a
    redelivered task) repeats nothing. Each email is claimed by a conditional update before sending.
    """
    on = on or today()
    run = ReminderRun.objects.create(run_on=on)
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
    emails, errors = 0, []
    pending = TrainingReminder.objects.filter(emailed_at__isnull=True, user__is_active=True).exclude(user__email="")
    for reminder in pending.select_related("user", "course").order_by("pk"):
        if not TrainingReminder.objects.filter(pk=reminder.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue  # another run claimed it
        try:
            _notify(
                user=reminder.user,
                subject=f"Training {reminder.get_status_display().lower()}: {reminder.course}",
                body=_reminder_text(reminder),
            )
            emails += 1
        except Exception as exc:  # noqa: BLE001 — release the claim so the next run retries
            TrainingReminder.objects.filter(pk=reminder.pk).update(emailed_at=None)
            errors.append({"reminder": reminder.pk, "error": str(exc)[:200]})
            logger.warning("training reminder email failed", exc_info=True)
    ReminderRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), rows_checked=len(rows), reminders_created=created, emails_sent=emails, errors=errors
    )
    run.refresh_from_db()
    return run


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
        f"See your training: {reverse('training:my_training')}\n"
    )


def reminder_mark_read(*, user: User, reminder_ids: list[int] | None = None) -> int:
    qs = TrainingReminder.objects.filter(user=user, read_at__isnull=True)
    if reminder_ids is not None:
        qs = qs.filter(pk__in=reminder_ids)
    return qs.update(read_at=timezone.now())

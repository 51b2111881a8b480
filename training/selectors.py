"""Training reads (selectors): required-training compliance, the FTI gate, outcomes and rankings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Avg, Count, F, Max, Q
from django.utils import timezone

from accounts.models import User
from cases.models.scope import users_of_counties_q

from .choices import ComplianceStatus, EnrolmentStatus, Requirement
from .models import (
    Course,
    CourseCompletion,
    Enrolment,
    NeedsRating,
    NeedsSurvey,
    PolicyAcknowledgement,
    PolicyVersion,
    ReminderRun,
    TrainingReminder,
    TrainingSession,
)

# The permission that lets a role see federal tax information (defined by the cases app).
FTI_PERMISSION = ("cases", "view_fti")


def today() -> date:
    return timezone.localdate()


def staff_of_counties(counties: Iterable[str] | None):
    """The staff whose training records a reader limited to ``counties`` may see: those who work one
    of them (their county, or the one-county office's for staff without one: ``cases.models.scope.
    user_county``); every staff member when ``counties`` is ``None`` (a state-wide partner key). Staff
    of no county belong to none of them."""
    users = User.objects.all()
    return users if counties is None else users.filter(users_of_counties_q(counties))


def due_soon_days() -> int:
    return settings.TRAINING_DUE_SOON_DAYS


def due_date(*, last_completed: date, months: int) -> date:
    """Renewal date of a recurring course: last completion + N calendar months.

    Month-end safe (relativedelta clamps: 31 Jan + 1 month = 28/29 Feb; 29 Feb 2024 + 12 = 28 Feb 2025).
    The training stays current through the due date itself and lapses the day after.
    """
    return last_completed + relativedelta(months=months)


def status_for(*, course: Course, last_completed: date | None, on: date) -> tuple[str, date | None]:
    """(status, due date) of one required course for one person on ``on``."""
    if last_completed is None:
        return ComplianceStatus.NEVER, None
    months = course.recurrence_months  # set if and only if recurring (training_course_recurrence_months_iff_recurring)
    if course.requirement != Requirement.RECURRING or months is None:
        return ComplianceStatus.CURRENT, None
    due = due_date(last_completed=last_completed, months=months)
    if on > due:
        return ComplianceStatus.OVERDUE, due
    if (due - on).days <= due_soon_days():
        return ComplianceStatus.DUE_SOON, due
    return ComplianceStatus.CURRENT, due


# --- who must take what ---------------------------------------------------------------------------


def fti_role_names() -> set[str]:
    """Roles whose group holds ``cases.view_fti`` (read at run time from the group permissions)."""
    app_label, codename = FTI_PERMISSION
    return set(
        Group.objects.filter(
            permissions__content_type__app_label=app_label, permissions__codename=codename
        ).values_list("name", flat=True)
    )


def required_courses() -> list[Course]:
    return list(Course.objects.filter(is_active=True).exclude(requirement=Requirement.OPTIONAL).order_by("title"))


def course_audience(course: Course, *, fti_roles: set[str]) -> set[str]:
    roles = set(course.audience_roles or [])
    if course.audience_fti_roles:
        roles |= fti_roles
    return roles


STATUS_URGENCY = (ComplianceStatus.NEVER, ComplianceStatus.OVERDUE, ComplianceStatus.DUE_SOON, ComplianceStatus.CURRENT)


@dataclass(frozen=True)
class ComplianceRow:
    user: User
    roles: tuple[str, ...]
    course: Course
    status: str
    due_on: date | None
    last_completed: date | None

    @property
    def status_label(self) -> str:
        return ComplianceStatus(self.status).label

    @property
    def status_rank(self) -> int:
        """Most urgent first when sorted: never completed, overdue, due soon, current."""
        return STATUS_URGENCY.index(self.status)

    @property
    def needs_attention(self) -> bool:
        return self.status != ComplianceStatus.CURRENT


def compliance_rows(
    *,
    users=None,
    on: date | None = None,
    course: Course | None = None,
    statuses: Iterable[str] | None = None,
) -> list[ComplianceRow]:
    """One row per (active staff member, required course whose audience includes one of their roles).

    A fixed number of queries whatever the staff size: users (+ groups), courses, FTI roles, and the
    latest completion per (user, course) as one aggregate.
    """
    on = on or today()
    users = (users if users is not None else User.objects.all()).filter(is_active=True)
    courses = required_courses()
    if course is not None:
        courses = [c for c in courses if c.pk == course.pk]
    if not courses:
        return []
    fti_roles = fti_role_names() if any(c.audience_fti_roles for c in courses) else set()
    audiences = {c.pk: course_audience(c, fti_roles=fti_roles) for c in courses}
    everyone = set().union(*audiences.values())
    # Only staff holding an audience role; roles read as plain tuples (no per-user prefetch managers).
    users = users.filter(pk__in=User.groups.through.objects.filter(group__name__in=everyone).values("user_id"))
    user_list = list(
        users.only("id", "username", "first_name", "last_name", "unit", "email", "is_active").order_by(
            "unit", "last_name", "first_name", "username"
        )
    )
    role_map: dict[int, list[str]] = defaultdict(list)
    latest: dict[tuple[int, int], date] = {}
    if user_list:
        for user_id, role in User.groups.through.objects.filter(user__in=users.values("pk")).values_list(
            "user_id", "group__name"
        ):
            role_map[user_id].append(role)
        completions = (
            CourseCompletion.objects.filter(course__in=[c.pk for c in courses], user__in=users.values("pk"))
            .values("user_id", "course_id")
            .annotate(last=Max("completed_on"))
        )
        latest = {(c["user_id"], c["course_id"]): c["last"] for c in completions}
    wanted = set(statuses) if statuses else None
    rows = []
    for user in user_list:
        roles = tuple(sorted(role_map[user.pk]))
        for c in courses:
            if not audiences[c.pk].intersection(roles):
                continue
            last = latest.get((user.pk, c.pk))
            status, due = status_for(course=c, last_completed=last, on=on)
            if wanted is None or status in wanted:
                rows.append(
                    ComplianceRow(user=user, roles=roles, course=c, status=status, due_on=due, last_completed=last)
                )
    return rows


def compliance_summary(rows: Iterable[ComplianceRow]) -> list[dict]:
    """Counts per (unit, role, status) for the compliance page."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(ComplianceStatus.values, 0))
    for row in rows:
        for role in row.roles or ("(no role)",):
            counts[(row.user.unit or "(no unit)", role)][row.status] += 1
    return [{"unit": unit, "role": role, **c} for (unit, role), c in sorted(counts.items())]


def my_required_training(*, user, on: date | None = None) -> list[ComplianceRow]:
    return compliance_rows(users=User.objects.filter(pk=user.pk), on=on)


# --- the FTI gate ------------------------------------------------------------------------------


def fti_training_current(user, *, on: date | None = None) -> bool:
    """Whether ``user``'s required FTI awareness training (IRS Publication 1075) is current.

    The access layer (cases.access.can_view_fti) calls this: a user whose FTI awareness training
    has lapsed (or was never taken) loses access to tax offset details until it is renewed.
    Current through the due date (last completion + the course's recurrence months), lapsed the day
    after. Fails closed: no FTI awareness course, or an inactive one, means no one is current.
    Memoised on the user object for the request, so pages listing many offsets ask once.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return False
    on = on or today()
    cache = user.__dict__.setdefault("_fti_training_current", {})
    if on in cache:
        return cache[on]
    course = Course.objects.filter(is_fti_awareness=True, is_active=True).first()
    current = False
    if course is not None:
        last = CourseCompletion.objects.filter(user_id=user.pk, course=course).aggregate(last=Max("completed_on"))[
            "last"
        ]
        status, _ = status_for(course=course, last_completed=last, on=on)
        current = status in (ComplianceStatus.CURRENT, ComplianceStatus.DUE_SOON)
    cache[on] = current
    return current


def fti_training_forget(user) -> None:
    """Drop the memoised answer (after a completion is recorded for ``user``)."""
    user.__dict__.pop("_fti_training_current", None)


# --- sessions, outcomes ------------------------------------------------------------------------


def session_roster(*, session: TrainingSession) -> tuple[list[Enrolment], list[Enrolment]]:
    """(enrolled, waitlist in order) of a session."""
    rows = list(
        session.enrolments.exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("user", "evaluation", "completion")
        .order_by(F("waitlisted_at").asc(nulls_first=True), "created_at", "id")
    )
    enrolled = [e for e in rows if e.status == EnrolmentStatus.ENROLLED]
    waitlist = [e for e in rows if e.status == EnrolmentStatus.WAITLISTED]
    return enrolled, waitlist


def session_outcomes(*, session: TrainingSession) -> dict:
    """Group outcomes of a session: participation, test averages and gain, feedback averages."""
    enrolments = session.enrolments.filter(status=EnrolmentStatus.ENROLLED)
    tests = enrolments.aggregate(
        enrolled=Count("id"),
        attended=Count("id", filter=Q(attended=True)),
        completed=Count("completion"),
        avg_pre=Avg("pre_score"),
        avg_post=Avg("post_score"),
        paired=Count("id", filter=Q(pre_score__isnull=False, post_score__isnull=False)),
        avg_pre_paired=Avg("pre_score", filter=Q(pre_score__isnull=False, post_score__isnull=False)),
        avg_post_paired=Avg("post_score", filter=Q(pre_score__isnull=False, post_score__isnull=False)),
    )
    feedback = session.enrolments.filter(evaluation__isnull=False).aggregate(
        responses=Count("evaluation"),
        content=Avg("evaluation__content_rating"),
        trainer=Avg("evaluation__trainer_rating"),
        relevance=Avg("evaluation__relevance_rating"),
    )
    gain = None
    if tests["paired"]:
        gain = round(tests["avg_post_paired"] - tests["avg_pre_paired"], 1)

    def r(value):
        return None if value is None else round(value, 1)

    return {
        "enrolled": tests["enrolled"],
        "attended": tests["attended"],
        "completed": tests["completed"],
        "avg_pre": r(tests["avg_pre"]),
        "avg_post": r(tests["avg_post"]),
        "paired": tests["paired"],
        "gain": gain,
        "responses": feedback["responses"],
        "avg_content": r(feedback["content"]),
        "avg_trainer": r(feedback["trainer"]),
        "avg_relevance": r(feedback["relevance"]),
    }


def session_comments(*, session: TrainingSession) -> list[str]:
    return list(
        session.enrolments.filter(evaluation__isnull=False)
        .exclude(evaluation__comments="")
        .values_list("evaluation__comments", flat=True)
    )


def person_record(*, user) -> dict:
    """A person's training record: completions with scores, enrolments, required-course status."""
    completions = list(CourseCompletion.objects.filter(user=user).select_related("course", "enrolment"))
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("session__course", "session__trainer", "completion")
        .order_by("-session__starts_at")
    )
    return {"completions": completions, "enrolments": enrolments, "required": my_required_training(user=user)}


def upcoming_sessions(*, on: date | None = None):
    start = timezone.now() if on is None else on
    return (
        TrainingSession.objects.filter(starts_at__gte=start, status="scheduled")
        .select_related("course", "trainer")
        .annotate(
            enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        )
        .order_by("starts_at")
    )


# --- needs assessment ---------------------------------------------------------------------------


def needs_ranking(*, survey: NeedsSurvey) -> list[dict]:
    """Topics ranked by mean priority (then by how many rated it 4 or 5, then by title)."""
    rows = (
        NeedsRating.objects.filter(topic__survey=survey)
        .values("topic_id", "topic__title")
        .annotate(mean=Avg("priority"), votes=Count("id"), high=Count("id", filter=Q(priority__gte=4)))
    )
    by_topic = {r["topic_id"]: r for r in rows}
    ranked: list[dict[str, Any]] = []
    for topic in survey.topics.all():
        r = by_topic.get(topic.pk)
        ranked.append(
            {
                "topic": topic,
                "mean": round(r["mean"], 2) if r else None,
                "votes": r["votes"] if r else 0,
                "high": r["high"] if r else 0,
            }
        )
    ranked.sort(key=lambda x: (-(x["mean"] or 0), -x["high"], x["topic"].title))
    for i, row in enumerate(ranked, start=1):
        row["rank"] = i
    return ranked


# --- policies -------------------------------------------------------------------------------------


def policy_current_version(*, document, on: date | None = None) -> PolicyVersion | None:
    on = on or today()
    return document.versions.filter(effective_on__lte=on).order_by("-effective_on", "-id").first()


def policy_versions_current(*, on: date | None = None) -> list[PolicyVersion]:
    """The version in effect of every document (one query)."""
    on = on or today()
    versions = (
        PolicyVersion.objects.filter(effective_on__lte=on)
        .select_related("document")
        .order_by("document_id", "-effective_on", "-id")
    )
    seen, current = set(), []
    for v in versions:
        if v.document_id not in seen:
            seen.add(v.document_id)
            current.append(v)
    return sorted(current, key=lambda v: v.document.title)


def staff_active():
    """Active staff: users with a role, whom training and policies concern."""
    return User.objects.filter(is_active=True, groups__isnull=False).distinct()


def policy_unacknowledged(*, version: PolicyVersion):
    """Active staff who have not acknowledged ``version``."""
    return (
        staff_active()
        .exclude(pk__in=PolicyAcknowledgement.objects.filter(version=version).values("user_id"))
        .order_by("unit", "last_name", "username")
    )


def policies_to_acknowledge(*, user, on: date | None = None) -> list[PolicyVersion]:
    done = set(PolicyAcknowledgement.objects.filter(user=user).values_list("version_id", flat=True))
    return [v for v in policy_versions_current(on=on) if v.requires_acknowledgement and v.pk not in done]


def days_until(day: date | None, *, on: date | None = None) -> int | None:
    if day is None:
        return None
    return (day - (on or today())) // timedelta(days=1)


def my_training_lists(*, user) -> dict[str, list]:
    """A staff member's own training page: enrolments (newest session first, cancelled left out),
    completions and unread reminders."""
    return {
        "enrolments": list(
            Enrolment.objects.filter(user=user)
            .exclude(status=EnrolmentStatus.CANCELLED)
            .select_related("session__course", "evaluation", "completion")
            .order_by("-session__starts_at")[:50]
        ),
        "completions": list(CourseCompletion.objects.filter(user=user).select_related("course")[:100]),
        "reminders": list(
            TrainingReminder.objects.filter(user=user, read_at__isnull=True).select_related("course")[:20]
        ),
    }


def recent_sessions(*, limit: int = 10) -> list[TrainingSession]:
    """Sessions already started, latest first (the trainer dashboard)."""
    return list(
        TrainingSession.objects.filter(starts_at__lt=timezone.now())
        .select_related("course", "trainer")
        .order_by("-starts_at")[:limit]
    )


def reminder_run_latest() -> ReminderRun | None:
    return ReminderRun.objects.first()


def needs_surveys_answered(*, user) -> set[int]:
    """Ids of the needs surveys ``user`` has answered."""
    return set(NeedsSurvey.objects.filter(responses__respondent=user).values_list("pk", flat=True))

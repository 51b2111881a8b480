"""Demo training: courses, past and upcoming sessions with enrolments and a waitlist, completions
(one FTI awareness training lapsed, one due soon), feedback, a needs survey and the policies library.
Idempotent: a second run adds nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from .choices import CourseLevel, Requirement
from .models import Course, NeedsSurvey, NeedsTopic, PolicyDocument, PolicyVersion
from .services import (
    completion_record,
    enrolment_attendance_record,
    enrolment_complete,
    enrolment_create,
    evaluation_submit,
    needs_response_submit,
    policy_acknowledge,
    session_schedule,
)

EXTRA_COURSES = [
    (
        "interstate-uifsa",
        "Interstate case processing (UIFSA)",
        CourseLevel.STATE,
        Requirement.OPTIONAL,
        "45 CFR 303.7 (interstate cases)",
        False,
        180,
    ),
    ("deescalation", "Customer service and de-escalation", CourseLevel.LOCAL, Requirement.OPTIONAL, "", False, 120),
    (
        "enforcement-remedies",
        "Enforcement remedies in practice",
        CourseLevel.LOCAL,
        Requirement.OPTIONAL,
        "45 CFR 303.6 (enforcement)\n45 CFR 303.72 (federal tax refund offset)",
        True,
        180,
    ),
]


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _session(course, *, days: int, hours: tuple[int, int], capacity: int, trainer, **where):
    """A session of ``course`` ``days`` from today (negative: in the past), from ``hours[0]`` to
    ``hours[1]`` o'clock, scheduled by its trainer; ``where``: its ``location`` or ``online_url``."""
    day = timezone.localdate() + timedelta(days=days)
    return session_schedule(
        course=course,
        starts_at=_at(day, hours[0]),
        ends_at=_at(day, hours[1]),
        trainer=trainer,
        capacity=capacity,
        by=trainer,
        **where,
    )


def seed(*, users, rng, stdout) -> None:
    if Course.objects.filter(code="deescalation").exists():
        return
    trainer = users["trainer"]
    today = timezone.localdate()
    for code, title, level, requirement, refs, tested, minutes in EXTRA_COURSES:
        Course.objects.create(
            code=code,
            title=title,
            level=level,
            requirement=requirement,
            policy_references=refs,
            has_test=tested,
            passing_score=70 if tested else None,
            duration_minutes=minutes,
            audience_roles=["caseworker", "enforcement_specialist"],
        )
    fti = Course.objects.get(is_fti_awareness=True)
    basics = Course.objects.get(code="program-basics")

    # A past FTI session: two participants completed, with scores and feedback.
    past_fti = _session(fti, days=-40, hours=(9, 10), capacity=12, trainer=trainer, location="Training room 2")
    results = [("admin", 70, 92, (5, 5, 4)), ("caseworker2", 55, 85, (4, 5, 5))]
    present = [
        enrolment_attendance_record(
            enrolment=enrolment_create(session=past_fti, user=users[u], by=trainer), attended=True, by=trainer
        )
        for u, *_ in results
    ]
    for (username, pre, post, ratings), e in zip(results, present, strict=True):
        enrolment_complete(enrolment=e, pre_score=pre, post_score=post, by=trainer)
        evaluation_submit(
            enrolment=e,
            content_rating=ratings[0],
            trainer_rating=ratings[1],
            relevance_rating=ratings[2],
            comments="Clear examples of what may not be disclosed.",
            by=users[username],
        )

    # A past policy basics session: caseworker2 completed.
    past_basics = _session(basics, days=-20, hours=(9, 13), capacity=10, trainer=trainer, location="Training room 1")
    e = enrolment_create(session=past_basics, user=users["caseworker2"], by=trainer)
    e = enrolment_attendance_record(enrolment=e, attended=True, by=trainer)
    enrolment_complete(enrolment=e, pre_score=48, post_score=81, by=trainer)

    # Earlier completions recorded by the trainer: the enforcement specialist's FTI awareness lapsed
    # (13 months ago) — tax offset details are hidden from them until renewed; the coordinator's is due soon.
    completion_record(
        user=users["enforcement_specialist"], course=fti, completed_on=today - timedelta(days=395), score=88, by=trainer
    )
    completion_record(
        user=users["coordinator"], course=fti, completed_on=today - timedelta(days=350), score=95, by=trainer
    )

    # Upcoming sessions: the FTI renewal is small and has a waitlist; policy basics online.
    upcoming_fti = _session(fti, days=10, hours=(9, 10), capacity=2, trainer=trainer, location="Training room 2")
    for username in ("enforcement_specialist", "coordinator", "hearing_officer"):
        enrolment_create(session=upcoming_fti, user=users[username], by=users[username])
    upcoming_basics = _session(
        basics,
        days=15,
        hours=(13, 17),
        capacity=15,
        trainer=trainer,
        online_url="https://meet.example.gov/program-basics",
    )
    enrolment_create(session=upcoming_basics, user=users["caseworker"], by=users["caseworker"])

    # A training needs survey with ranked topics.
    survey = NeedsSurvey.objects.create(
        title=f"Training needs {today.year}", opens_on=today - timedelta(days=7), closes_on=today + timedelta(days=21)
    )
    topics = [
        NeedsTopic.objects.create(survey=survey, title=t)
        for t in ("Interstate cases (UIFSA)", "Bank levies and FIDM", "Difficult conversations", "Distribution rules")
    ]
    for username in ("caseworker", "caseworker2", "enforcement_specialist", "quality_analyst"):
        needs_response_submit(
            survey=survey, respondent=users[username], priorities={t.pk: rng.randint(1, 5) for t in topics}
        )

    # The policies and procedures library.
    confidentiality = PolicyDocument.objects.create(code="confidentiality", title="Confidentiality of case information")
    confidentiality.courses.add(fti)
    PolicyVersion.objects.create(
        document=confidentiality,
        version="1.0",
        effective_on=today - timedelta(days=400),
        citations="45 CFR 303.21",
        summary="Who may see what.",
    )
    v2 = PolicyVersion.objects.create(
        document=confidentiality,
        version="2.0",
        effective_on=today - timedelta(days=10),
        citations="45 CFR 303.21\n42 USC 654(26) (family violence indicator)\nIRS Publication 1075",
        summary="Adds the FTI rules: tax offset sources only for authorised roles with current awareness training.",
    )
    policy_acknowledge(version=v2, user=users["caseworker"])
    distribution = PolicyDocument.objects.create(code="distribution", title="Distribution of collections")
    distribution.courses.add(basics)
    PolicyVersion.objects.create(
        document=distribution,
        version="1.0",
        effective_on=today - timedelta(days=200),
        citations="42 USC 657\n42 USC 654b; 45 CFR 302.32",
        summary="Allocation order by assistance status; disbursement within 2 business days.",
    )
    stdout.write("training: 5 courses, 4 sessions, completions (1 FTI lapsed), survey, 2 policies")

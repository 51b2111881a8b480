"""The required courses the rules imply. Created by migration 0002 and re-ensured after every
``migrate``/``flush`` (post_migrate), so the FTI gate always finds its course. Existing rows are never
overwritten: trainers may edit them."""

from __future__ import annotations

REQUIRED_COURSES = [
    {
        "code": "fti-awareness",
        "title": "Confidentiality and federal tax information (FTI) awareness",
        "level": "state",
        "description": (
            "Safeguarding federal tax information received for the tax refund offset program, "
            "disclosure limits and penalties, reporting incidents. Required before first access to "
            "FTI and renewed every year; a lapse removes access to tax offset details until renewed."
        ),
        "policy_references": "IRS Publication 1075 (disclosure awareness training before access to FTI and annually)\n"
        "45 CFR 303.21 (safeguarding confidential information)",
        "audience_roles": [],
        "audience_fti_roles": True,
        "is_fti_awareness": True,
        "duration_minutes": 60,
        "requirement": "recurring",
        "recurrence_months": 12,
        "has_test": True,
        "passing_score": 80,
    },
    {
        "code": "program-basics",
        "title": "Child support program policy basics for new caseworkers",
        "level": "local",
        "description": "Case processing timeframes, distribution, enforcement remedies and confidentiality.",
        "policy_references": "45 CFR 303 (standards for program operations)\n"
        "42 USC 654b; 45 CFR 302.32 (collection and disbursement)\n"
        "42 USC 657 (distribution)\n"
        "45 CFR 303.21 (confidentiality)",
        "audience_roles": ["caseworker"],
        "audience_fti_roles": False,
        "is_fti_awareness": False,
        "duration_minutes": 240,
        "requirement": "once",
        "recurrence_months": None,
        "has_test": True,
        "passing_score": 70,
    },
]


def ensure_required_courses(*, course_model, using: str = "default") -> int:
    created = 0
    for row in REQUIRED_COURSES:
        _, was_created = course_model.objects.using(using).get_or_create(code=row["code"], defaults=row)
        created += was_created
    return created


def ensure_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    if sender.name != "training":
        return
    from django.db import connections

    if "training_course" not in connections[using].introspection.table_names():
        return
    course_model = apps.get_model("training", "Course") if apps is not None else None
    if course_model is None:
        from .models import Course as course_model
    ensure_required_courses(course_model=course_model, using=using)

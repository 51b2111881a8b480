"""Demo outreach: partner organisations, two events with attendance, a survey with responses, a
media inquiry and a material. Idempotent: everything is found by a natural key first."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .choices import Audience, EventKind, EventStatus, OrganisationKind, QuestionKind
from .models import Contact, Event, Material, MediaContact, MediaInquiry, Organisation, Survey, SurveyQuestion
from .services import (
    attendance_record,
    registration_add,
    survey_invitations_issue,
    survey_question_add,
    survey_response_submit,
)

ORGANISATIONS = [
    ("Riverside Family Resource Center", OrganisationKind.COMMUNITY, "Ana Ruiz", "ana.ruiz@riverside-frc.example"),
    ("Grace Community Church", OrganisationKind.FAITH_BASED, "Rev. James Carter", "jcarter@gracechurch.example"),
    ("Lincoln High School", OrganisationKind.SCHOOL, "Dana Lee", "dlee@lincoln-hs.example"),
    ("Acme Manufacturing HR", OrganisationKind.EMPLOYER, "Pat Morgan", "payroll@acme.example"),
    ("County Department of Social Services", OrganisationKind.LOCAL_GOVERNMENT, "Lou Grant", "lgrant@dss.example"),
    ("Family Court Help Center", OrganisationKind.COURT, "Iris Shah", "helpcenter@court.example"),
]
ATTENDEES = [
    "Jordan Price",
    "Sam Whitaker",
    "Alexis Moreno",
    "Chris Young",
    "Taylor Brooks",
    "Morgan Diaz",
    "Jamie Fox",
    "Riley Chen",
]


def seed(*, users, rng, stdout) -> None:
    outreach = users["outreach"]
    orgs = {}
    for name, kind, contact, email in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        Contact.objects.get_or_create(
            organisation=org, name=contact, defaults={"email": email, "wants_announcements": True}
        )
        orgs[kind] = org
    MediaContact.objects.get_or_create(
        outlet="County Gazette",
        name="Erin Walsh",
        defaults={"email": "ewalsh@gazette.example", "wants_announcements": True},
    )
    material, _ = Material.objects.get_or_create(
        title="Your child support rights",
        language="en",
        version="2026.1",
        defaults={"audience": Audience.CUSTODIAL_PARENTS, "stock": 500},
    )
    Material.objects.get_or_create(
        title="Your child support rights",
        language="es",
        version="2026.1",
        defaults={"audience": Audience.CUSTODIAL_PARENTS, "stock": 250},
    )
    Material.objects.get_or_create(
        title="Income withholding for employers",
        language="en",
        version="3",
        defaults={"audience": Audience.EMPLOYERS, "stock": 120},
    )

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    specs = [
        (
            "Parents' information forum",
            EventKind.FORUM,
            Audience.CUSTODIAL_PARENTS,
            now - timedelta(days=20),
            orgs[OrganisationKind.COMMUNITY],
            "Riverside Family Resource Center, 12 Main St",
        ),
        (
            "Employer income withholding workshop",
            EventKind.WORKSHOP,
            Audience.EMPLOYERS,
            now - timedelta(days=45),
            orgs[OrganisationKind.EMPLOYER],
            "Acme Manufacturing training room",
        ),
        (
            "Noncustodial parents: modifying an order",
            EventKind.PRESENTATION,
            Audience.NONCUSTODIAL_PARENTS,
            now + timedelta(days=9),
            orgs[OrganisationKind.FAITH_BASED],
            "Grace Community Church hall",
        ),
    ]
    for title, event_kind, audience, starts, host, place in specs:
        event, created = Event.objects.get_or_create(
            title=title,
            defaults={
                "kind": event_kind,
                "audience": audience,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "location": place,
                "host_organisation": host,
                "created_by": outreach,
                "capacity": 40,
            },
        )
        if not created:
            continue
        event.presenters.set([outreach])
        event.materials.set([material])
        if starts < now:
            for i, name in enumerate(rng.sample(ATTENDEES, 6)):
                registration_add(event=event, name=name, email=f"{name.split()[0].lower()}{i}@mail.example")
            attended = set(event.registrations.values_list("pk", flat=True)[:5])
            attendance_record(event=event, attended_ids=attended, by=outreach)
            Event.objects.filter(pk=event.pk).update(status=EventStatus.HELD)

    forum = Event.objects.get(title="Parents' information forum")
    survey, created = Survey.objects.get_or_create(
        title="Parents' forum feedback",
        defaults={"event": forum, "created_by": outreach, "description": "Tell us how the forum went."},
    )
    if created:
        survey_question_add(survey=survey, text="How satisfied were you with the forum?", kind=QuestionKind.RATING)
        survey_question_add(survey=survey, text="Did you get the answers you came for?", kind=QuestionKind.YES_NO)
        survey_question_add(survey=survey, text="What could we do better?", kind=QuestionKind.TEXT, required=False)
        questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
        comments = [
            "More evening sessions please",
            "Clear answers about payments",
            "",
            "Spanish materials helped",
            "Longer question time",
        ]
        for link, comment in zip(survey_invitations_issue(survey=survey, count=5, by=outreach), comments, strict=True):
            survey_response_submit(
                token=link.token,
                answers={
                    questions[0].pk: rng.randint(3, 5),
                    questions[1].pk: rng.random() > 0.2,
                    questions[2].pk: comment,
                },
            )

    MediaInquiry.objects.get_or_create(
        outlet="County Gazette",
        reporter="Erin Walsh",
        defaults={
            "reporter_email": "ewalsh@gazette.example",
            "received_at": now - timedelta(hours=3),
            "deadline": now + timedelta(hours=20),
            "spokesperson": outreach,
            "question": "How many families did the office help through the new payment portal this year?",
        },
    )
    stdout.write("  outreach: organisations, events, a survey with responses and a media inquiry")

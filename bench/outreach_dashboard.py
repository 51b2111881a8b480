"""Outreach dashboard and events API at volume: build a year of events, registrations, feedback and
media inquiries, then time the dashboard selectors and one API page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_outreach .venv/bin/python bench/outreach_dashboard.py
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

EVENTS, PER_EVENT, RESPONSES, INQUIRIES = 2_000, 50, 20_000, 2_000


def main() -> None:
    call_command("migrate", verbosity=0)
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.services import partner_key_create
    from outreach import selectors
    from outreach.choices import Audience, QuestionKind
    from outreach.models import (
        Event,
        MediaInquiry,
        Registration,
        Survey,
        SurveyAnswer,
        SurveyInvitation,
        SurveyQuestion,
        SurveyResponse,
    )

    rng = random.Random(7)
    now = timezone.now()
    if not Event.objects.filter(title__startswith="bench ").exists():
        t0 = time.perf_counter()
        events = Event.objects.bulk_create(
            [
                Event(
                    title=f"bench {i}",
                    audience=rng.choice(Audience.values),
                    starts_at=now - timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 12)),
                    ends_at=now,
                    location="Hall",
                )
                for i in range(EVENTS)
            ],
            batch_size=2000,
        )
        Event.objects.filter(title__startswith="bench ").update(
            ends_at=django.db.models.F("starts_at") + timedelta(hours=2)
        )
        Registration.objects.bulk_create(
            [
                Registration(event=e, name=f"p{j}", email=f"p{j}-{e.pk}@x.example", attended=rng.random() < 0.7)
                for e in events
                for j in range(PER_EVENT)
            ],
            batch_size=5000,
        )
        survey = Survey.objects.create(title="bench survey", event=events[0])
        q = SurveyQuestion.objects.create(survey=survey, position=1, text="Score", kind=QuestionKind.RATING)
        invs = SurveyInvitation.objects.bulk_create(
            [SurveyInvitation(survey=survey, token_hash=f"{i:064d}", used_at=now) for i in range(RESPONSES)],
            batch_size=5000,
        )
        resps = SurveyResponse.objects.bulk_create(
            [SurveyResponse(survey=survey, invitation=i) for i in invs], batch_size=5000
        )
        SurveyResponse.objects.filter(survey=survey).update(submitted_at=now - timedelta(days=rng.randint(0, 360)))
        SurveyAnswer.objects.bulk_create(
            [SurveyAnswer(response=r, question=q, rating=rng.randint(1, 5)) for r in resps], batch_size=5000
        )
        inqs = []
        for _ in range(INQUIRIES):
            received = now - timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 20))
            inqs.append(
                MediaInquiry(
                    outlet="Gazette",
                    reporter="R",
                    question="Q",
                    received_at=received,
                    deadline=received + timedelta(hours=24),
                    status="responded",
                    responded_at=received + timedelta(hours=rng.randint(1, 48)),
                )
            )
        MediaInquiry.objects.bulk_create(inqs, batch_size=2000)
        print(
            f"seeded {EVENTS} events, {EVENTS * PER_EVENT} registrations, {RESPONSES} responses, "
            f"{INQUIRIES} inquiries in {time.perf_counter() - t0:.1f} s"
        )

    start, end = selectors.dashboard_period()
    for name, fn in [
        ("events_by_month", selectors.events_by_month),
        ("media_response_by_month", selectors.media_response_by_month),
        ("feedback_by_month", selectors.feedback_by_month),
    ]:
        fn(start=start, end=end)
        t0 = time.perf_counter()
        for _ in range(5):
            fn(start=start, end=end)
        print(f"{name}: {(time.perf_counter() - t0) / 5 * 1000:.0f} ms")

    User.objects.get_or_create(username="bench")
    _, raw = partner_key_create(agency_name="Bench agency", scopes=["outreach:read"], all_counties=True, kind="other")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    api.get("/api/v1/outreach-events/")
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = api.get("/api/v1/outreach-events/", {"page_size": 200})
        elapsed = time.perf_counter() - t0
    print(
        f"API page of 200 events: {elapsed * 1000:.0f} ms, {len(ctx.captured_queries)} queries, "
        f"status {response.status_code}"
    )


if __name__ == "__main__":
    main()

"""Demo data for quality: expenditures, a snapshot, a self-assessment review and a plan (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from . import services
from .fiscal import fiscal_year_bounds, fiscal_year_of
from .models import Expenditure, ImprovementPlan, Review, Snapshot


def seed(*, users, rng, stdout) -> None:
    today = timezone.localdate()
    fy = fiscal_year_of(today)
    analyst = users.get("quality_analyst")
    for year, amount in ((fy - 1, Decimal("2150000.00")), (fy, Decimal("2240000.00"))):
        if not Expenditure.objects.filter(fiscal_year=year).exists():
            services.expenditure_save(fiscal_year=year, amount=amount, source="OCSE-396 (demo)", by=analyst)
    if not Snapshot.objects.filter(taken_on=today).exists():
        services.snapshot_take(taken_on=today)
    title = f"Self-assessment FY {fy - 1}"
    if not Review.objects.filter(title=title).exists():
        start, end = fiscal_year_bounds(fy - 1)
        review = services.review_create(
            title=title, period_start=start, period_end=end, sample_size=5, seed=rng.randint(1, 99999), by=analyst
        )
        services.review_draw_sample(review=review, by=analyst)
        first = review.samples.order_by("criterion", "id").first()
        if first is not None:
            services.sample_score(sample=first, answers={}, result="pass", notes="Demo score", by=analyst)
    plan_title = "Raise support order establishment to 80%"
    if not ImprovementPlan.objects.filter(title=plan_title).exists():
        plan = services.plan_create(
            title=plan_title,
            topic="orders",
            baseline=Decimal("72.00"),
            target=Decimal("80.00"),
            target_on=fiscal_year_bounds(fy)[1],
            owner=analyst,
            by=analyst,
        )
        owner = users.get("coordinator") or analyst
        services.plan_action_add(
            plan=plan,
            description="Weekly list of located NCPs without an order",
            owner=owner,
            due_on=today - timedelta(days=7),
            by=analyst,
        )
        services.plan_action_add(
            plan=plan,
            description="Book establishment hearings in bulk",
            owner=owner,
            due_on=today + timedelta(days=30),
            by=analyst,
        )
        services.plan_note_add(plan=plan, text="Baseline from the latest snapshot.", by=analyst)
    stdout.write("quality: expenditures, snapshot, review and plan ready\n")

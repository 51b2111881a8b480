"""Quality writes: expenditures, nightly snapshots, self-assessment reviews, plans and goals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.db import jit_off_in_transaction
from core.services import acting_user, event_about, row_repeat_refuse, saved_with_event
from core.stale import Shown, refuse_if_changed

from .choices import Criterion, MeasureName, PlanStatus, ReviewStatus, SampleResult, SnapshotLevel
from .fiscal import fiscal_year_bounds, fiscal_year_end, fiscal_year_of
from .measures import additive_lines_total, compute_lines_by_fields, measures_from_lines, ocse157
from .models import (
    CriterionRule,
    Expenditure,
    ImprovementPlan,
    PerformanceGoal,
    PlanAction,
    PlanNote,
    Review,
    ReviewSample,
    Snapshot,
    SnapshotValue,
)
from .rules import measure_value
from .sampling import stratified_sample
from .selectors import RuleBook, criterion_rules, reviews_scored_q
from .timeframes import compliance_by


def expenditure_save(*, fiscal_year: int, amount: Decimal, source: str = "", by: User | None = None) -> Expenditure:
    """Record (or correct) the fiscal year's total IV-D expenditures (cost-effectiveness, 45 CFR 305.2)."""
    expenditure = Expenditure.objects.filter(fiscal_year=fiscal_year).first() or Expenditure(fiscal_year=fiscal_year)
    expenditure.amount, expenditure.source, expenditure.entered_by = amount, source, by
    return saved_with_event(
        expenditure, by=by, verb="quality.expenditure_recorded", summary=f"FY {fiscal_year} expenditures {amount}"
    )


# ---- snapshots ----------------------------------------------------------------------------------


def _measure_rows(snapshot, level, key, label, measures) -> list[SnapshotValue]:
    return [
        SnapshotValue(
            snapshot=snapshot,
            level=level,
            unit_key=str(key),
            unit_label=label,
            measure=m.name,
            numerator=Decimal(m.numerator or 0),
            denominator=Decimal(m.denominator or 0),
            value=m.value,
            incentive_percentage=m.incentive_percentage,
        )
        for m in measures
        if m.denominator is not None
    ]


def _timeframe_row(snapshot, level, key, label, code, total, met) -> SnapshotValue:
    return SnapshotValue(
        snapshot=snapshot,
        level=level,
        unit_key=str(key),
        unit_label=label,
        measure=f"timeframe_{code}",
        numerator=Decimal(met),
        denominator=Decimal(total),
        value=measure_value("timeframe", met, total),
    )


def _unit_measures(lines, rules):
    results = measures_from_lines(fiscal_year=0, lines={**lines, "collections": None}, expenditures=None, rules=rules)
    return [r for r in results if r.name != MeasureName.COST_EFFECTIVENESS]


@transaction.atomic
def snapshot_take(*, taken_on: date, fiscal_year: int | None = None) -> Snapshot:
    """Store every measure and timeframe rate per office, county and caseworker for ``taken_on``.

    Idempotent per date: a re-run locks that date's row and replaces its values. The fiscal year is
    the one containing ``taken_on`` (measures to date) unless given."""
    fiscal_year = fiscal_year or fiscal_year_of(taken_on)
    jit_off_in_transaction()  # the measure queries compile longer than they run
    snapshot, _ = Snapshot.objects.get_or_create(taken_on=taken_on, defaults={"fiscal_year": fiscal_year})
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    snapshot.values.all().delete()
    snapshot.fiscal_year, snapshot.started_at, snapshot.finished_at, snapshot.errors = (
        fiscal_year,
        timezone.now(),
        None,
        [],
    )
    rules = RuleBook(on=fiscal_year_end(fiscal_year))
    lines_by = compute_lines_by_fields(fiscal_year=fiscal_year, case_fields=("county", "caseworker_id"))
    # The office's lines that add up are the counties' added (each a scan of the office's ledger,
    # allocations or cases, which the office figure asked for a second time).
    # The preceding year only for the measures whose improvement exception could apply: the
    # snapshot keeps their percentages, not the previous values the measures page shows.
    report = ocse157(
        fiscal_year=fiscal_year,
        known_lines=additive_lines_total(lines_by["county"]),
        previous_where_needed_only=True,
    )
    rows = _measure_rows(snapshot, SnapshotLevel.OFFICE, "", "Office", report.measures)
    start, end = fiscal_year_bounds(fiscal_year)
    tf_end = min(end, taken_on)
    # The timeframes of the office, each county and each caseworker from one pass per timeframe.
    results, skipped, timeframes_by = compliance_by(
        start=start, end=tf_end, today=taken_on, groups=("county", "caseworker_id")
    )
    rows += [
        _timeframe_row(snapshot, SnapshotLevel.OFFICE, "", "Office", r.code, r.total, r.met)
        for r in results
        if r.available
    ]
    full = {u.pk: (u.get_full_name() or u.username) for u in User.objects.only("first_name", "last_name", "username")}
    for level, field in ((SnapshotLevel.COUNTY, "county"), (SnapshotLevel.CASEWORKER, "caseworker_id")):
        for key, lines in lines_by[field].items():
            if key in (None, ""):
                continue
            label = str(key) if level == SnapshotLevel.COUNTY else full.get(key, str(key))
            rows += _measure_rows(snapshot, level, key, label, _unit_measures(lines, rules))
        for code, per in timeframes_by[field].items():
            for key, (total, met) in per.items():
                if key in (None, "") or not total:
                    continue
                label = str(key) if level == SnapshotLevel.COUNTY else full.get(key, str(key))
                rows.append(_timeframe_row(snapshot, level, key, label, code, total, met))
    SnapshotValue.objects.bulk_create(rows, batch_size=2000)
    snapshot.lines = {k: str(v) for k, v in report.lines.items()}
    snapshot.errors = [f"{code}: {why}" for code, why in skipped.items()]
    snapshot.value_count = len(rows)
    snapshot.finished_at = timezone.now()
    snapshot.save()
    event_about(
        snapshot,
        verb="quality.snapshot_taken",
        actor_label="quality.tasks.snapshot_task",
        summary=f"{len(rows)} values for {taken_on} (FY {fiscal_year})",
    )
    return snapshot


# ---- self-assessment reviews ----------------------------------------------------------------------


def criterion_population(*, criterion: str, start: date, end: date):
    """The cases a criterion is reviewed on, for a review period (45 CFR 308.2)."""
    from cases.models import Case

    from .measures import open_during

    cases = Case.objects.all()
    active = cases.filter(open_during(start, end))
    if criterion == Criterion.CASE_CLOSURE:
        return cases.filter(status="closed", closed_on__range=(start, end))
    if criterion == Criterion.ESTABLISHMENT:
        return cases.filter(Q(ncp_located_on__range=(start, end)) | Q(orders__issued_on__range=(start, end))).distinct()
    if criterion == Criterion.ENFORCEMENT:
        return active.filter(delinquency_identified_on__lte=end)
    if criterion == Criterion.DISBURSEMENT:
        from cases.models import Disbursement

        return cases.filter(pk__in=Disbursement.objects.filter(received_on__range=(start, end)).values("case_id"))
    if criterion == Criterion.MEDICAL_SUPPORT:
        return active.filter(orders__status="active", orders__obligations__kind="medical_support").distinct()
    if criterion == Criterion.REVIEW_ADJUSTMENT:
        three_years = date(end.year - 3, end.month, min(end.day, 28))
        return active.filter(orders__status="active", orders__issued_on__lte=three_years).distinct()  # 303.8(b)
    if criterion == Criterion.INTERSTATE:
        return active.exclude(interstate_role="none")
    if criterion == Criterion.EXPEDITED:
        return cases.filter(orders__issued_on__range=(start, end)).distinct()
    raise ValueError(f"Unknown criterion {criterion!r}")


@transaction.atomic
def review_create(*, title: str, period_start: date, period_end: date, sample_size: int, seed: int, by: User) -> Review:
    """Open a self-assessment review (45 CFR 308.1). The same review opened again by the same person
    a moment later (a double-clicked form) is refused."""
    review = Review(
        title=title, period_start=period_start, period_end=period_end, sample_size=sample_size, seed=seed, created_by=by
    )
    if acting_user(by) is not None:
        row_repeat_refuse(
            row=review,
            parent="quality.review_create",
            fields=("title", "period_start", "period_end", "sample_size", "seed", "created_by"),
            at="created_at",
            message="This review was just opened: nothing was added again.",
        )
    return saved_with_event(review, by=by, verb="quality.review_created", summary=title)


@transaction.atomic
def review_draw_sample(*, review: Review, by: User | None = None) -> int:
    """Draw the seeded stratified (by county) sample per criterion. Reproducible: the same review
    period, size and seed draw the same cases. Drawing again is refused once a case is scored."""
    review = _review_open_locked(review.pk)
    if review.samples.exclude(result=SampleResult.PENDING).exists():
        raise ValidationError("Cases in this review are already scored; the sample can no longer be redrawn.")
    review.samples.all().delete()
    rows = []
    for criterion in Criterion.values:
        population = criterion_population(criterion=criterion, start=review.period_start, end=review.period_end)
        pairs = population.values_list("pk", "county")
        for case_id, stratum in stratified_sample(pairs, size=review.sample_size, seed=f"{review.seed}:{criterion}"):
            rows.append(ReviewSample(review=review, criterion=criterion, case_id=case_id, stratum=stratum))
    ReviewSample.objects.bulk_create(rows)
    review.status, review.sampled_at = ReviewStatus.SAMPLED, timezone.now()
    review.save(update_fields=["status", "sampled_at"])
    event_about(
        review,
        verb="quality.review_sampled",
        by=by,
        summary=f"{len(rows)} cases drawn (seed {review.seed})",
        data={"count": len(rows)},
    )
    return len(rows)


def _locked_unless(model, row_id: int, *, status: str, refusal: str):
    """The row (a review, a plan) under its row lock, refused with ``refusal`` (``{title}`` filled
    in) while its status is ``status``, the one that freezes it. Every step that writes under it
    takes this lock, so a step racing the freezing waits for it and is then refused."""
    row = model.objects.select_for_update().get(pk=row_id)
    if row.status == status:
        raise ValidationError(refusal.replace("{title}", row.title))
    return row


def _review_open_locked(review_id: int) -> Review:
    """The review under its row lock, refused once completed: its compliance rates are the ones
    reported (45 CFR 308.1(e), 308.2), so its sample and scores are frozen. Scoring, drawing and
    completing all take this lock, so a score cannot land after a completion it raced with."""
    return _locked_unless(
        Review,
        review_id,
        status=ReviewStatus.COMPLETED,
        refusal="The review “{title}” is completed: its sample and scores are frozen, as its compliance "
        "rates were reported. Nothing was changed.",
    )


@transaction.atomic
def sample_score(
    *, sample: ReviewSample, answers: dict[str, bool], result: str, notes: str = "", by: User
) -> ReviewSample:
    """Score one sampled case. A case passes only if every checklist question is answered yes;
    ``excluded`` (criterion not applicable) takes it out of the compliance rate. Refused once the
    review is completed (``_review_open_locked``)."""
    _review_open_locked(sample.review_id)
    if result not in SampleResult.values or result == SampleResult.PENDING:
        raise ValidationError({"result": "Choose pass, fail or excluded."})
    if result == SampleResult.PASS and not all(answers.values()):
        raise ValidationError({"result": "A case with a 'no' answer cannot pass."})
    sample.answers, sample.result, sample.notes = answers, result, notes
    sample.scored_by, sample.scored_at = by, timezone.now()
    return saved_with_event(
        sample,
        by=by,
        verb="quality.sample_scored",
        summary=f"{sample.get_criterion_display()}: {sample.get_result_display()}",
    )


@transaction.atomic
def review_complete(*, review: Review, by: User) -> Review:
    """Complete the review once every sampled case is scored; from then on it is frozen. Completing
    a completed review (a double-clicked button) changes nothing and records nothing."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status == ReviewStatus.COMPLETED:
        return locked
    review = _review_open_locked(review.pk)
    if review.samples.filter(result=SampleResult.PENDING).exists():
        raise ValidationError("Score every sampled case before completing the review.")
    review.status = ReviewStatus.COMPLETED
    review.save(update_fields=["status"])
    event_about(review, verb="quality.review_completed", by=by, summary=review.title)
    return review


def criterion_checklist_parse(text: str) -> list[str]:
    """A checklist typed one question per line: blank lines dropped, surrounding spaces trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@transaction.atomic
def criterion_rule_revise(
    *,
    rule: CriterionRule,
    effective_from: date,
    checklist: list[str],
    citation: str,
    needs_confirmation: bool,
    reason: str,
    by: User,
    shown: Shown | None = None,
) -> CriterionRule:
    """A new version of ``rule``'s criterion checklist from ``effective_from``; versions are never
    edited in place. A review reads the version in force on its period end
    (``selectors.criterion_rules``), so the new version may not start on or before the period end
    of a completed review, or of a review with a scored case under this criterion: the questions
    those cases were scored against would change under them (the answers are keyed by the question's
    text). ``shown`` (the page, ``core.stale``): refused when a version was written since the page
    showed the latest one."""
    versions = CriterionRule.objects.select_for_update().filter(criterion=rule.criterion).order_by("-effective_from")
    latest = versions.first()
    if shown is not None and latest is not None:
        refuse_if_changed(
            row=latest,
            shown=shown,
            current={"latest": latest.pk},
            happened=f"A version of this criterion from {latest.effective_from:%b %-d, %Y} was written meanwhile",
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the change."})
    if not checklist:
        raise ValidationError({"checklist": "Give at least one question."})
    if len(set(checklist)) != len(checklist):
        raise ValidationError({"checklist": "A question appears twice: answers are kept by the question's text."})
    base = latest or rule
    if (checklist, citation.strip(), needs_confirmation) == (
        list(base.checklist),
        base.citation,
        base.needs_confirmation,
    ):
        raise ValidationError("Change at least one value of the criterion; nothing was saved.")
    used = (
        Review.objects.filter(period_end__gte=effective_from)
        .filter(reviews_scored_q(rule.criterion))
        .order_by("-period_end")
        .distinct()
        .first()
    )
    if used is not None:
        raise ValidationError(
            {
                "effective_from": (
                    f"Review “{used.title}” ({used.get_status_display().lower()}, period ending "
                    f"{used.period_end:%b %-d, %Y}) was scored against the checklist in force then: "
                    f"the new version must start after {used.period_end:%b %-d, %Y}."
                )
            }
        )
    new = CriterionRule(
        criterion=rule.criterion,
        effective_from=effective_from,
        checklist=checklist,
        citation=citation.strip(),
        needs_confirmation=needs_confirmation,
    )
    return saved_with_event(
        new,
        by=by,
        verb="quality.criterion_revised",
        summary=f"{new}: {reason.strip()[:200]}",
        data={
            "previous": {
                "effective_from": base.effective_from.isoformat(),
                "checklist": list(base.checklist),
                "citation": base.citation,
            },
            "checklist": checklist,
            "citation": new.citation,
            "reason": reason.strip()[:300],
        },
    )


def review_benchmarks(*, review: Review) -> dict:
    return criterion_rules(on=review.period_end)


# ---- improvement plans and goals ----------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, title: str, topic: str, baseline: Decimal, target: Decimal, target_on: date, owner, by: User
) -> ImprovementPlan:
    """An improvement plan. The same plan created again a moment later (a double-clicked form) is refused."""
    plan = ImprovementPlan(title=title, topic=topic, baseline=baseline, target=target, target_on=target_on, owner=owner)
    row_repeat_refuse(
        row=plan,
        parent="quality.plan_create",
        fields=("title", "topic", "baseline", "target", "target_on", "owner"),
        at="created_at",
        message="This plan was just created: nothing was added again.",
    )
    return saved_with_event(plan, by=by, verb="quality.plan_created", summary=title)


def _plan_active_locked(plan_id: int, doing: str) -> ImprovementPlan:
    """The plan under its row lock, refused once closed: a closed plan's record is its outcome, so
    no action is added or marked done and no note is added to it. ``plan_close``'s conditional
    update waits on this lock, so a step racing the closing is refused once the plan is closed."""
    return _locked_unless(
        ImprovementPlan,
        plan_id,
        status=PlanStatus.CLOSED,
        refusal=f"The plan “{{title}}” is closed: {doing} Nothing was saved.",
    )


@transaction.atomic
def plan_action_add(*, plan: ImprovementPlan, description: str, owner, due_on: date, by: User) -> PlanAction:
    plan = _plan_active_locked(plan.pk, "no action is added to a closed plan.")
    action = PlanAction(plan=plan, description=description, owner=owner, due_on=due_on)
    row_repeat_refuse(  # the same open action again (a double-clicked form) is one action
        row=action,
        parent=plan,
        locked=True,
        fields=("plan", "description", "owner", "due_on", "completed_on"),
        window=None,
        message="This action is already on the plan: nothing was added again.",
    )
    return saved_with_event(action, about=plan, verb="quality.plan_action_added", by=by, summary=description[:200])


@transaction.atomic
def plan_action_complete(*, action: PlanAction, completed_on: date, by: User) -> PlanAction:
    """Mark a plan's action done, once: read again under the plan's lock, so two clicks at once
    record one completion and one event."""
    action.plan = _plan_active_locked(action.plan_id, "its actions are no longer marked done.")
    action.refresh_from_db(fields=["completed_on"])
    if action.completed_on is not None:
        return action
    action.completed_on = completed_on
    return saved_with_event(
        action,
        update_fields=["completed_on"],
        about=action.plan,
        verb="quality.plan_action_completed",
        by=by,
        summary=action.description[:200],
    )


@transaction.atomic
def plan_note_add(*, plan: ImprovementPlan, text: str, by: User) -> PlanNote:
    plan = _plan_active_locked(plan.pk, "no note is added to a closed plan.")
    note = PlanNote(plan=plan, text=text, author=by)
    return saved_with_event(note, about=plan, verb="quality.plan_note_added", by=by, summary=text[:200])


def plan_close(*, plan: ImprovementPlan, by: User) -> ImprovementPlan:
    """Close the plan (from its page, after a confirmation); closing twice records nothing more.
    A closed plan is frozen: no action or note is added, no action marked done (no page reopens it)."""
    if (
        not ImprovementPlan.objects.filter(pk=plan.pk)
        .exclude(status=PlanStatus.CLOSED)
        .update(status=PlanStatus.CLOSED)
    ):
        plan.refresh_from_db(fields=["status"])
        return plan
    plan.status = PlanStatus.CLOSED
    event_about(plan, verb="quality.plan_closed", by=by, summary=plan.title)
    return plan


def goal_create(
    *, level: str, measure: str, fiscal_year: int, target: Decimal, unit: str = "", caseworker=None, by: User
) -> PerformanceGoal:
    goal = PerformanceGoal(
        level=level, unit=unit, caseworker=caseworker, measure=measure, fiscal_year=fiscal_year, target=target
    )
    return saved_with_event(goal, by=by, verb="quality.goal_set", summary=str(goal))

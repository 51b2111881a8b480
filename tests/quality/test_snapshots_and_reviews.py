from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from quality import services
from quality.models import ReviewSample, Snapshot, SnapshotValue
from quality.tasks import snapshot_task
from tests.cases.factories import CaseFactory

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_snapshot_stores_measures_per_office_county_and_caseworker(office, make_user):
    worker = make_user("caseworker", username="cw_snap")
    type(office.a).objects.filter(pk__in=[office.a.pk, office.c.pk]).update(caseworker=worker)
    snapshot = services.snapshot_take(taken_on=date(2026, 9, 30))
    assert snapshot.fiscal_year == 2026 and snapshot.finished_at is not None
    assert snapshot.lines["1"] == "5" and snapshot.lines["24"] == "1100.00"
    office_orders = SnapshotValue.objects.get(snapshot=snapshot, level="office", measure="orders")
    assert (office_orders.numerator, office_orders.denominator, office_orders.value) == (3, 5, D("60.00"))
    queens = SnapshotValue.objects.get(snapshot=snapshot, level="county", unit_key="Queens", measure="orders")
    assert (queens.numerator, queens.denominator) == (2, 3)
    mine = SnapshotValue.objects.get(snapshot=snapshot, level="caseworker", unit_key=str(worker.pk), measure="orders")
    assert (mine.numerator, mine.denominator, mine.value) == (2, 2, D("100.00"))
    assert mine.unit_label == worker.get_full_name() or worker.username


def test_snapshot_office_lines_are_the_office_figures_though_added_up_from_the_counties(office, make_user):
    """The snapshot adds the counties' case counts and amounts up for the office's lines (not asked
    again): the same as each line's own office query, with cases of no county and no caseworker."""
    from quality.measures import ocse157

    type(office.a).objects.filter(pk__in=[office.b.pk, office.e.pk]).update(county="")
    type(office.a).objects.filter(pk=office.a.pk).update(caseworker=make_user("caseworker", username="cw_lines"))
    snapshot = services.snapshot_take(taken_on=date(2026, 9, 30))
    office_alone = ocse157(fiscal_year=2026)
    assert snapshot.lines == {k: str(v) for k, v in office_alone.lines.items()}
    assert snapshot.lines["1"] == "5" and snapshot.lines["24"] == "1100.00"
    stored = {
        v.measure: (v.numerator, v.denominator, v.value, v.incentive_percentage)
        for v in SnapshotValue.objects.filter(snapshot=snapshot, level="office").exclude(
            measure__startswith="timeframe_"
        )
    }
    assert stored == {
        m.name: (D(m.numerator or 0), D(m.denominator or 0), m.value, m.incentive_percentage)
        for m in office_alone.measures
        if m.denominator is not None
    }


def test_snapshot_asks_the_preceding_year_only_for_the_measures_whose_exception_could_apply(office, monkeypatch):
    """FY 2027: arrears collections is below its improvement exception's threshold (nobody has paid
    yet), so its preceding year decides its percentage; the snapshot asks FY 2026 for lines 28 and
    29 only, and stores what the full computation gives."""
    from quality import measures

    full = {m.name: (m.value, m.incentive_percentage) for m in measures.ocse157(fiscal_year=2027).measures}
    asked, compute_lines = [], measures.compute_lines

    def recorded(**kwargs):
        asked.append((kwargs["fiscal_year"], kwargs.get("only")))
        return compute_lines(**kwargs)

    monkeypatch.setattr(measures, "compute_lines", recorded)
    snapshot = services.snapshot_take(taken_on=date(2027, 3, 1))
    stored = {
        v.measure: (v.value, v.incentive_percentage)
        for v in SnapshotValue.objects.filter(snapshot=snapshot, level="office").exclude(
            measure__startswith="timeframe_"
        )
    }
    assert stored == {name: figures for name, figures in full.items() if name in stored} and len(stored) >= 4
    assert asked == [(2027, None), (2026, {"28", "29"})]


def test_snapshot_is_idempotent_per_date(office):
    first = snapshot_task("2026-09-30")
    count = SnapshotValue.objects.filter(snapshot_id=first).count()
    second = snapshot_task("2026-09-30")
    assert first == second
    assert Snapshot.objects.count() == 1
    assert SnapshotValue.objects.filter(snapshot_id=second).count() == count


def test_sample_is_reproducible_and_stratified_by_county(db):
    for i in range(12):
        CaseFactory(county="Albany" if i % 3 else "Queens", interstate_role="initiating", participants=False)
    first = ReviewFactory(seed=7, sample_size=6)
    services.review_draw_sample(review=first)
    again = ReviewFactory(seed=7, sample_size=6)
    services.review_draw_sample(review=again)
    picked = sorted(first.samples.filter(criterion="interstate").values_list("case_id", flat=True))
    assert picked == sorted(again.samples.filter(criterion="interstate").values_list("case_id", flat=True))
    assert len(picked) == 6
    strata = list(first.samples.filter(criterion="interstate").values_list("stratum", flat=True))
    assert strata.count("Albany") == 4 and strata.count("Queens") == 2  # 8:4 of 12


def test_scoring_and_compliance_against_the_benchmark(db, make_user):
    from quality.views import review_summary

    analyst = make_user("quality_analyst")
    review = ReviewFactory()
    cases = [CaseFactory(participants=False) for _ in range(4)]
    samples = [ReviewSample.objects.create(review=review, criterion="enforcement", case=c) for c in cases]
    for s in samples[:3]:
        services.sample_score(sample=s, answers={"q": True}, result="pass", by=analyst)
    services.sample_score(sample=samples[3], answers={"q": False}, result="fail", notes="no IWO", by=analyst)
    row = next(r for r in review_summary(review) if r["code"] == "enforcement")
    assert row["rate"] == D("75.00") and row["benchmark"] == 75 and row["meets"]  # at the benchmark
    assert [s.case_id for s in row["failed"]] == [cases[3].pk]
    services.sample_score(sample=samples[2], answers={"q": False}, result="fail", by=analyst)
    row = next(r for r in review_summary(review) if r["code"] == "enforcement")
    assert row["rate"] == D("50.00") and not row["meets"]


def test_a_case_with_a_no_answer_cannot_pass_and_a_scored_sample_is_not_redrawn(db, make_user):
    analyst = make_user("quality_analyst")
    review = ReviewFactory()
    sample = ReviewSample.objects.create(review=review, criterion="enforcement", case=CaseFactory(participants=False))
    with pytest.raises(ValidationError):
        services.sample_score(sample=sample, answers={"q": False}, result="pass", by=analyst)
    services.sample_score(sample=sample, answers={"q": False}, result="fail", by=analyst)
    with pytest.raises(ValidationError):
        services.review_draw_sample(review=review)


def test_closure_benchmark_is_90(db):
    from quality.selectors import criterion_rules

    rules = criterion_rules(on=date(2026, 9, 30))
    assert rules["case_closure"].benchmark == 90
    assert all(rules[c].benchmark == 75 for c in rules if c != "case_closure")

"""The quality function against the law's own text (found by a review of the code against it).

Sources quoted in the tests' docstrings:
- 45 CFR 308.2 (as revised October 1, 2004, http://edocket.access.gpo.gov/cfr_2004/octqtr/45cfr308.2.htm);
- 42 USC 658a(b) (the US Code text, codexstanford/markdonw-chunck-of-the-usa-code
  chuncks/title-42/chunck-6024.md; P.L. 105-200, 112 Stat. 655).
"""

from datetime import date
from decimal import Decimal as D

import pytest

from core.models import LegalParameter
from quality import services
from quality.models import ReviewSample
from quality.rules import compliance_meets
from tests.cases.factories import CaseFactory

from .factories import ReviewFactory


@pytest.mark.parametrize(
    ("passed", "judged", "benchmark", "meets"),
    [
        (9, 10, 90, True),  # exactly 90 percent: "at least 90 percent"
        (17999, 20000, 90, False),  # 89.995 %: shown 90.00 %, not at least 90 percent
        (3, 4, 75, True),
        (14999, 20000, 75, False),  # 74.995 %
        (0, 0, 75, False),  # nothing scored: no finding
    ],
)
def test_self_assessment_compliance_is_at_least_the_benchmark_unrounded(passed, judged, benchmark, meets):
    """45 CFR 308.2(a): "The State must have and use procedures for case closure pursuant to § 303.11
    of this chapter in at least 90 percent of the closed cases reviewed"; 308.2(b): "… in at least 75
    percent of the cases reviewed". A share that only rounds to the benchmark is below it."""
    assert compliance_meets(passed=passed, judged=judged, benchmark=D(benchmark)) is meets


@pytest.mark.django_db
def test_review_summary_compares_the_unrounded_rate_with_the_benchmark(make_user):
    """45 CFR 308.2: "in at least … percent of the cases reviewed". The review page compared the rate
    rounded to two decimals with the benchmark: with a benchmark of 66.67 (a row an administrator
    may add), 2 of 3 cases (66.666… %, shown 66.67 %) was reported as meeting it."""
    from quality.views import review_summary

    LegalParameter.objects.create(
        key="us.self_assessment.enforcement.benchmark",
        jurisdiction="US",
        effective_on=date(2020, 1, 1),
        value=D("66.67"),
        citation="test",
    )
    analyst = make_user("quality_analyst")
    review = ReviewFactory()
    samples = [
        ReviewSample.objects.create(review=review, criterion="enforcement", case=CaseFactory(participants=False))
        for _ in range(3)
    ]
    for s in samples[:2]:
        services.sample_score(sample=s, answers={"q": True}, result="pass", by=analyst)
    services.sample_score(sample=samples[2], answers={"q": False}, result="fail", by=analyst)
    row = next(r for r in review_summary(review) if r["code"] == "enforcement")
    assert row["benchmark"] == D("66.67") and row["rate"] == D("66.67")
    assert row["meets"] is False


# 42 USC 658a(b)(6): the statute's own tables, row by row ("At least: 58% But less than: 59% The
# applicable percentage is: 68" … "0% 50% 0." for paternity and support orders; "80% 100" … "40% 41%
# 50", "0% 40% 0." for current and arrears collections).
STATUTE_TABLE_1 = {
    80: 100,
    **{p: 100 - 2 * (80 - p) for p in range(70, 80)},
    **{p: p + 10 for p in range(50, 70)},
    0: 0,
}
STATUTE_TABLE_2 = {
    80: 100,
    **{p: 100 - 2 * (80 - p) for p in range(70, 80)},
    **{p: p + 10 for p in range(40, 70)},
    0: 0,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "statute"), [("establishment", STATUTE_TABLE_1), ("collections", STATUTE_TABLE_2)])
def test_incentive_tables_are_the_statutes_and_no_row_is_left_to_confirm(table, statute):
    """42 USC 658a(b)(6)(A)(ii), (B)(ii) (table 1) and (C)(ii), (D)(ii) (table 2) set out every row of
    45 CFR 305.33 tables 1 and 2: the rows marked "confirm" (table 1 rows 58-50 %, table 2 rows 80-41 %)
    are verified against the law's own text and are no longer marked."""
    from quality.selectors import RuleBook

    bands = RuleBook(on=date(2026, 9, 30)).bands[table]
    assert {int(b.floor): int(b.percentage) for b in bands} == statute
    assert not [b.floor for b in bands if b.needs_confirmation]
    assert not LegalParameter.objects.filter(key__startswith=f"us.incentive.{table}.", confirm=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("measure", "paragraph"), [("current_collections", "(C)(ii)"), ("arrears_collections", "(D)(ii)")]
)
def test_collections_improvement_exception_is_the_statutes(measure, paragraph):
    """42 USC 658a(b)(6)(C)(ii) / (D)(ii): "if the current payment [arrearage payment] performance level
    of a State for a fiscal year is less than 40 percent but exceeds by at least 5 percentage points the
    … performance level of the State for the immediately preceding fiscal year, then the applicable
    percentage … is 50 percent"."""
    from quality.selectors import RuleBook

    exc = RuleBook(on=date(2026, 9, 30)).exception_for(measure)
    assert (exc.below, exc.min_gain, exc.percentage) == (40, 5, 50)
    assert exc.citation == f"45 CFR 305.33; 42 USC 658a(b)(6){paragraph}" and not exc.needs_confirmation


@pytest.mark.django_db
def test_migration_clears_confirm_on_rows_as_seeded_and_leaves_a_corrected_row():
    """core 0013: a row still as seeded loses its confirm flag (with a history entry); a row an
    administrator corrected keeps what it has."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("core.migrations.0013_incentive_rows_verified_against_658a")
    rows = LegalParameter.objects.filter(
        key__in=["us.incentive.collections.band.1.floor", "us.incentive.exception.arrears_collections.below"]
    )
    rows.filter(key__contains="exception").update(citation="45 CFR 305.33; 42 USC 658a(b)(6)", confirm=True)
    rows.filter(key__contains="band").update(confirm=True)
    corrected = LegalParameter.objects.get(key="us.incentive.establishment.band.31.floor")
    corrected.value, corrected.confirm = D("51"), True
    corrected.save()

    migration.verify(apps, type("Editor", (), {"connection": connection})())

    band, exc = (
        LegalParameter.objects.get(key=k)
        for k in ("us.incentive.collections.band.1.floor", "us.incentive.exception.arrears_collections.below")
    )
    assert not band.confirm and band.citation == "45 CFR 305.33, table 2"
    assert not exc.confirm and exc.citation == "45 CFR 305.33; 42 USC 658a(b)(6)(D)(ii)"
    assert band.history.filter(history_change_reason__startswith="Verified against 42 USC 658a(b)(6)").exists()
    corrected.refresh_from_db()
    assert corrected.confirm and corrected.value == 51


@pytest.mark.django_db
def test_dashboard_target_is_reached_on_the_unrounded_value(client_as):
    """42 USC 658a(b)(6)(B)(ii): a support order performance level of "At least: 80%" earns 100, "79% but
    less than 80%" earns 98. The dashboard's "Target (100% incentive)" compared the value stored with
    two decimals: 7,999.6 of 10,000 orders (79.996 %, stored 80.00) was shown as reaching the target
    while its applicable percentage is 98."""
    from django.urls import reverse
    from django.utils import timezone

    from quality.models import Snapshot, SnapshotValue

    snapshot = Snapshot.objects.create(taken_on=date(2026, 9, 30), fiscal_year=2026, finished_at=timezone.now())
    for measure, numerator, denominator, value, incentive in (
        ("orders", D("79996"), D("100000"), D("80.00"), 98),
        ("current_collections", D("800"), D("1000"), D("80.00"), 100),
        ("cost_effectiveness", D("4999"), D("1000"), D("5.00"), 90),  # 4.999 is not "at least 5.00"
    ):
        SnapshotValue.objects.create(
            snapshot=snapshot,
            level="office",
            measure=measure,
            numerator=numerator,
            denominator=denominator,
            value=value,
            incentive_percentage=incentive,
        )
    response = client_as("quality_analyst").get(reverse("quality:dashboard"))
    met = {m["name"]: m["met"] for m in response.context["measures"]}
    assert met["orders"] is False and met["cost_effectiveness"] is False
    assert met["current_collections"] is True

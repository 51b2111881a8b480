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

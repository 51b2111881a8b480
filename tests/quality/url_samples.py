from datetime import date

from cases.models import Case
from quality.models import CriterionRule, ReviewSample
from tests.cases.factories import CaseFactory

from .factories import ImprovementPlanFactory, PlanActionFactory, ReviewFactory


def url_samples(*, users) -> dict[str, dict]:
    case = Case.objects.first() or CaseFactory()
    review = ReviewFactory()
    sample = ReviewSample.objects.create(review=review, criterion="enforcement", case=case, stratum=case.county)
    plan = ImprovementPlanFactory()
    action = PlanActionFactory(plan=plan, owner=users["quality_analyst"], due_on=date(2026, 12, 1))
    return {
        "quality:drilldown": {"fiscal_year": 2026, "key": "1"},
        "quality:timeframe_cases": {"code": "disbursement"},
        "quality:review_detail": {"pk": review.pk},
        "quality:criterion_revise": {"pk": CriterionRule.objects.filter(criterion="enforcement").first().pk},
        "quality:review_sample": {"pk": review.pk},
        "quality:review_complete": {"pk": review.pk},
        "quality:review_export": {"pk": review.pk},
        "quality:sample_score": {"pk": sample.pk},
        "quality:plan_detail": {"pk": plan.pk},
        "quality:plan_action_add": {"pk": plan.pk},
        "quality:plan_note_add": {"pk": plan.pk},
        "quality:plan_close": {"pk": plan.pk},
        "quality:action_complete": {"pk": action.pk},
    }

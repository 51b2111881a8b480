"""The legal tables (45 CFR 305.33 incentive tables and exceptions, 45 CFR 308.2 benchmarks),
seeded by migration 0002 and restored after a flush (see core.reference_data). Existing rows —
possibly corrected by an administrator — are never overwritten."""

from __future__ import annotations


def seed(*, IncentiveRate, ImprovementException, CriterionRule, using: str = "default") -> None:  # noqa: N803
    from quality.rules import DEFAULT_BANDS, DEFAULT_CRITERIA, DEFAULT_EXCEPTIONS, RULES_EFFECTIVE_FROM

    for table, bands in DEFAULT_BANDS.items():
        for band in bands:
            IncentiveRate.objects.using(using).get_or_create(
                table=table, effective_from=RULES_EFFECTIVE_FROM, floor=band.floor,
                defaults={"percentage": band.percentage, "citation": band.citation,
                          "needs_confirmation": band.needs_confirmation})
    for measure, exc in DEFAULT_EXCEPTIONS.items():
        ImprovementException.objects.using(using).get_or_create(
            measure=str(measure), effective_from=RULES_EFFECTIVE_FROM,
            defaults={"below": exc.below, "min_gain": exc.min_gain, "percentage": exc.percentage,
                      "citation": exc.citation, "needs_confirmation": exc.needs_confirmation})
    for criterion, rule in DEFAULT_CRITERIA.items():
        CriterionRule.objects.using(using).get_or_create(
            criterion=str(criterion), effective_from=RULES_EFFECTIVE_FROM,
            defaults={"benchmark": rule["benchmark"], "checklist": rule["checklist"], "citation": rule["citation"],
                      "needs_confirmation": rule["needs_confirmation"]})


def ensure(*, using: str) -> None:
    from quality.models import CriterionRule, ImprovementException, IncentiveRate

    if IncentiveRate.objects.using(using).exists() and CriterionRule.objects.using(using).exists():
        return
    seed(IncentiveRate=IncentiveRate, ImprovementException=ImprovementException, CriterionRule=CriterionRule,
         using=using)

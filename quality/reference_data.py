"""The self-assessment checklists (office text for the 45 CFR 308.2 criteria), seeded by migration
0002 and restored after a flush (see core.reference_data). The legal numbers of the quality function
(incentive tables, exceptions, benchmarks) are ``core.LegalParameter`` rows (``core.legal_seed``).
Existing rows, possibly corrected by an administrator, are never overwritten."""

from __future__ import annotations


def seed(*, CriterionRule, using: str = "default", **extra) -> None:  # noqa: N803
    """``extra``: more defaults for a historical model (migration 0002's ``benchmark``)."""
    from quality.rules import DEFAULT_CRITERIA, RULES_EFFECTIVE_FROM

    for criterion, rule in DEFAULT_CRITERIA.items():
        defaults = {
            "checklist": rule["checklist"],
            "citation": rule["citation"],
            "needs_confirmation": rule["needs_confirmation"],
        }
        for name, value_of in extra.items():
            defaults[name] = value_of(str(criterion))
        CriterionRule.objects.using(using).get_or_create(
            criterion=str(criterion), effective_from=RULES_EFFECTIVE_FROM, defaults=defaults
        )


def ensure(*, using: str) -> None:
    from quality.models import CriterionRule

    if CriterionRule.objects.using(using).exists():
        return
    seed(CriterionRule=CriterionRule, using=using)

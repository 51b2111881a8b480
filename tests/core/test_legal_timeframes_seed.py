"""Issue 11.1: the last legal constants read from core.LegalParameter, at, before and after their
effective dates (45 CFR 303.7; 42 USC 666(a)(10); 42 USC 666(b)(6)(A)(i); 42 USC 654b(c)(1))."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from cases.choices import DeadlineKind
from cases.deadlines import due_date, timeframe_days
from cases.services.ledger import disburse_within_business_days, disbursement_due_by
from cases.services.reviews import review_cycle_months
from core.legal import LegalParameterMissing, legal_parameter
from core.models import LegalParameter
from enforcement.services.payments import employer_remit_business_days, remit_due_by

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)

# key, first effective day, value, a word of the citation
CASES = [
    ("us.timeframe.interstate_referral_days", date(1988, 2, 22), 20, "303.7(b)(2)"),
    ("us.review.cycle_months", date(1996, 8, 22), 36, "666(a)(10)(A)(i)"),
    ("us.withholding.employer_remit_business_days", date(1996, 8, 22), 7, "666(b)(6)(A)(i)"),
    ("us.disbursement.business_days", date(1998, 10, 1), 2, "654b(c)(1)"),
]


@pytest.mark.parametrize(("key", "first", "value", "cite"), CASES)
def test_seeded_at_over_and_refused_under_the_effective_date(key, first, value, cite):
    row = LegalParameter.objects.filter(key=key, jurisdiction="US").order_by("effective_on").first()
    assert row is not None and row.effective_on == first and cite in row.citation
    assert legal_parameter(key, jurisdiction="US", on=first) == D(value)  # at
    assert legal_parameter(key, jurisdiction="US", on=date(2026, 12, 3)) == D(value)  # over
    with pytest.raises(LegalParameterMissing):  # under: an error, never a silent default
        legal_parameter(key, jurisdiction="US", on=first - DAY)


def test_the_interstate_referral_rule_of_2011_replaces_the_1988_one():
    rows = list(LegalParameter.objects.filter(key="us.timeframe.interstate_referral_days").order_by("effective_on"))
    assert [r.effective_on for r in rows] == [date(1988, 2, 22), date(2011, 1, 3)]
    assert "303.7(c)(4)" in rows[1].citation


def test_the_callers_read_the_parameter_in_force_on_their_day():
    # A corrected row from a later day changes only the days from then on.
    later = date(2030, 1, 1)
    for key, value in (
        ("us.timeframe.interstate_referral_days", 30),
        ("us.review.cycle_months", 24),
        ("us.withholding.employer_remit_business_days", 5),
        ("us.disbursement.business_days", 1),
    ):
        LegalParameter.objects.create(
            key=key, jurisdiction="US", effective_on=later, value=D(value), citation="test amendment"
        )
    assert timeframe_days(DeadlineKind.INTERSTATE_REFERRAL, later - DAY) == 20
    assert timeframe_days(DeadlineKind.INTERSTATE_REFERRAL, later) == 30
    assert due_date(DeadlineKind.INTERSTATE_REFERRAL, date(2030, 3, 1), "NY") == date(2030, 4, 1)  # Mar 31 is a Sunday
    assert review_cycle_months(later - DAY) == 36 and review_cycle_months(later) == 24
    assert employer_remit_business_days(later - DAY) == 7 and employer_remit_business_days(later) == 5
    assert disburse_within_business_days(later - DAY) == 2 and disburse_within_business_days(later) == 1
    # 2030-01-07 is a Monday: one business day later is Tuesday; before the amendment two days.
    assert disbursement_due_by(date(2030, 1, 7), "NY") == date(2030, 1, 8)
    assert disbursement_due_by(date(2029, 12, 3), "NY") == date(2029, 12, 5)
    assert remit_due_by(date(2026, 11, 10)) == date(2026, 11, 20)  # 7 business days; 11-11 is a holiday


def test_before_the_first_row_the_callers_refuse():
    with pytest.raises(LegalParameterMissing):
        disbursement_due_by(date(1998, 9, 30), "NY")
    with pytest.raises(LegalParameterMissing):
        remit_due_by(date(1996, 8, 21))

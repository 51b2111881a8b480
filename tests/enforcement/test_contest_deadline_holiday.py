"""The last day to contest an enforcement notice is a business day of the case's jurisdiction
(DOMAIN.md, ``core.business_days``: a deadline on a weekend or holiday moves to the next business
day, as complaints and hearings do), and the sweep sends the action to the partner only after that
rolled day (red team rtletters: a notice printed Christmas Day and the sweep acted on the 26th)."""

from __future__ import annotations

from datetime import date

import pytest

from core.business_days import is_business_day
from core.letters import letter_text
from enforcement.choices import ActionStatus, Remedy
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter
from enforcement.services.actions import action_notice_issue, contest_last_day
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


def test_the_last_day_to_contest_printed_on_a_notice_is_a_business_day_and_the_sweep_waits_for_it():
    # given: a NY passport-denial action (30 days to contest), noticed on Wednesday 25 November 2026
    case = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    action = action_notice_issue(action=action, by=None, on=date(2026, 11, 25))
    # then: 30 days end on Friday 25 December (Christmas Day): the letter gives Monday 28 December
    assert action.contest_ends_on == date(2026, 12, 28)
    text = letter_text(notice_letter(action, language="en"))
    assert "December 25, 2026" not in text and "December 28, 2026" in text
    # and the sweep acts the day after the rolled date, not the day after Christmas
    sweep_run_inline(as_of=date(2026, 12, 28))
    action.refresh_from_db()
    assert action.status == ActionStatus.CONTEST_WINDOW and action.can_contest(date(2026, 12, 28))
    sweep_run_inline(as_of=date(2026, 12, 29))
    action.refresh_from_db()
    assert action.status == ActionStatus.ACTIVE


@pytest.mark.parametrize(
    ("opens_on", "days", "jurisdiction", "expected"),
    [
        (date(2026, 11, 25), 30, "NY", date(2026, 12, 28)),  # Christmas (Friday) → Monday
        (date(2026, 2, 16), 2, "NY", date(2026, 2, 18)),  # a business day stays
        (date(2026, 3, 1), 30, "CA", date(2026, 4, 1)),  # 31 March: Cesar Chavez Day in CA only
        (date(2026, 3, 1), 30, "NY", date(2026, 3, 31)),
    ],
)
def test_contest_last_day_rolls_in_the_cases_jurisdiction(opens_on, days, jurisdiction, expected):
    assert contest_last_day(opens_on=opens_on, days=days, notice_on=opens_on, jurisdiction=jurisdiction) == expected
    assert is_business_day(expected, jurisdiction)


def test_a_rule_with_no_period_to_contest_keeps_the_notice_date():
    # CA transfer to state collection (Fam. Code 17500(c)): no notice days, no contest days; a notice
    # dated on a Saturday must not grow a period to contest by rolling.
    saturday = date(2026, 11, 28)
    assert contest_last_day(opens_on=saturday, days=0, notice_on=saturday, jurisdiction="CA") == saturday

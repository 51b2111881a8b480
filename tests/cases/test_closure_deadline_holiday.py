"""The notice of intent to close keeps the legal 60 days (45 CFR 303.11(d)) as the date before which
the case will not close, and asks the recipient to answer by a business day: 60 days that end on a
weekend or holiday move to the next business day (DOMAIN.md, ``core.business_days``), and the case is
closable only from then (red team rtletters: "give it to us by December 25, 2026", Christmas Day)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import services
from cases.choices import ClosureReason
from cases.closure import closure_due, closure_notice_letter
from core.business_days import is_business_day
from core.letters import letter_text
from tests.cases.factories import AddressFactory, CaseFactory

pytestmark = pytest.mark.django_db


def test_the_date_a_parent_must_answer_a_closure_notice_by_is_a_business_day(worker):
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.cp, line1="41 Quail Street", city="Albany", postal_code="12210")
    # given: the notice goes out on Monday 26 October 2026: 60 days end on Friday 25 December
    with time_machine.travel(datetime(2026, 10, 26, 15, 0, tzinfo=UTC), tick=False):
        outcome, case = services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
    assert outcome == "noticed"
    text = letter_text(closure_notice_letter(case, language="en")[0])
    # then: the legal date stays; the day to answer by (and to close from) is Monday 28 December
    assert "We will not close it before December 25, 2026, 60 days after the date of this notice." in text
    assert "give it to us by December 28, 2026" in text and "December 25, 2026. Call us" not in text
    assert case.closure_due_on == date(2026, 12, 28) and is_business_day(case.closure_due_on, case.jurisdiction)
    # and the case may not be closed on the holiday, nor before the parent's last day
    with (
        time_machine.travel(datetime(2026, 12, 25, 15, 0, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError, match="may be closed from"),
    ):
        services.case_close(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker, on=date(2026, 12, 25))


@pytest.mark.parametrize(
    ("noticed_on", "jurisdiction", "expected"),
    [
        (date(2026, 10, 26), "NY", date(2026, 12, 28)),  # Christmas (Friday) → Monday
        (date(2026, 12, 7), "NY", date(2027, 2, 5)),  # a Friday, no holiday: the 60th day itself
        (date(2026, 1, 30), "CA", date(2026, 4, 1)),  # 31 March: Cesar Chavez Day in CA only
        (date(2026, 1, 30), "NY", date(2026, 3, 31)),
    ],
)
def test_closure_due_rolls_in_the_cases_jurisdiction(noticed_on, jurisdiction, expected):
    assert closure_due(noticed_on, jurisdiction) == expected

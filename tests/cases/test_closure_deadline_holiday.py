"""The notice of intent to close asks the recipient to answer by a business day: 60 days (45 CFR
303.11(d)(1), "60 calendar days prior to closure": a minimum) that end on a weekend or holiday move to
the next business day (DOMAIN.md, ``core.business_days``), and the case is closable only from then
(red team rtletters: "give it to us by December 25, 2026", Christmas Day). That day is the one "not
closed before" date the letter gives (red team rtletters: the first sentence printed the 60th day,
a Saturday, and the references the Monday after)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import services
from cases.choices import ClosureReason
from cases.closure import closure_due, closure_notice_letter
from core.business_days import is_business_day
from core.letters import letter_pdf, letter_text
from tests.cases.factories import AddressFactory, CaseFactory
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def test_the_date_a_parent_must_answer_a_closure_notice_by_is_a_business_day(worker):
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.cp, line1="41 Quail Street", city="Albany", postal_code="12210")
    # given: the notice goes out on Monday 26 October 2026: 60 days end on Friday 25 December
    with time_machine.travel(datetime(2026, 10, 26, 15, 0, tzinfo=UTC), tick=False):
        outcome, case = services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
    assert outcome == "noticed"
    text = letter_text(closure_notice_letter(case, language="en")[0])
    # then: the day to answer by and to close from is Monday 28 December, and the letter gives no other
    assert "We will not close it before December 28, 2026, at least 60 days after the date of this notice." in text
    assert "December 25" not in text
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


def test_the_notice_gives_one_not_closed_before_date(worker):
    """Noticed on Tuesday 8 December 2026, the 60th day is Saturday 6 February 2027 and the case is
    closable from Monday 8 February: the first sentence and the references both say February 8."""
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.cp, line1="41 Quail Street", city="Albany", postal_code="12210")
    with time_machine.travel(datetime(2026, 12, 8, 15, 0, tzinfo=UTC), tick=False):
        outcome, case = services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
    assert outcome == "noticed"
    case.refresh_from_db()
    assert case.closure_due_on == date(2027, 2, 8)
    text = pdf_text(letter_pdf(closure_notice_letter(case)[0]))
    assert "Not closed before February 8, 2027" in text
    assert "We will not close it before February 8, 2027, at least 60 days after the date of this notice." in text
    assert "February 6, 2027" not in text, text

"""Due date = received + 30 calendar days, moved to the next business day of the case's profile
(Fam. Code 17800; 22 CCR 120100): weekends, holidays and month ends."""

from datetime import date

import pytest

from complaints import deadlines
from core.deadlines import CALIFORNIA_ONLY_DEADLINES, Deadline, legal_key
from core.legal import LegalParameterMissing
from core.models import LegalParameter
from hearings import deadlines as hearings_deadlines
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
CONFIRMED_IN_DOMAIN = {Deadline.REFERRAL_FORWARD, Deadline.HEARING_HELD, Deadline.HEARING_DECISION}


@pytest.mark.parametrize(
    ("received", "jurisdiction", "due"),
    [
        (date(2026, 11, 2), "NY", date(2026, 12, 2)),  # plain weekday
        (date(2026, 10, 1), "NY", date(2026, 11, 2)),  # lands on Saturday Oct 31 → Monday
        (date(2026, 10, 2), "NY", date(2026, 11, 2)),  # lands on Sunday Nov 1 → Monday
        (date(2026, 10, 27), "NY", date(2026, 11, 27)),  # Thanksgiving → Friday in New York
        (date(2026, 10, 27), "CA", date(2026, 11, 30)),  # CA also closes the day after → Monday
        (date(2026, 11, 25), "NY", date(2026, 12, 28)),  # Christmas Friday → Monday
        (date(2026, 1, 29), "NY", date(2026, 3, 2)),  # Feb 28 (Saturday) → Monday Mar 2
        (date(2026, 1, 31), "NY", date(2026, 3, 2)),  # month end across a short February
        (date(2028, 1, 30), "NY", date(2028, 2, 29)),  # leap day is a business day
        (date(2026, 12, 2), "NY", date(2027, 1, 4)),  # New Year (Friday) then the weekend → Monday
    ],
)
def test_resolution_due_date_rolls_to_next_business_day(received, jurisdiction, due):
    assert deadlines.due_after(received, Deadline.RESOLUTION, jurisdiction=jurisdiction) == due


def test_due_date_uses_the_case_profile(file_complaint):
    case = CaseFactory(jurisdiction="CA", case_number="CA-000777")
    complaint = file_complaint(case_number="CA-000777", case=case, received_on=date(2026, 10, 27))
    assert complaint.case == case and complaint.jurisdiction == "CA"
    assert complaint.due_on == date(2026, 11, 30)


def test_a_dated_row_changes_the_timeframe_from_its_effective_date():
    LegalParameter.objects.create(
        key="ny.complaint.resolution_days", jurisdiction="NY", value=20, effective_on=date(2027, 1, 1), citation="test"
    )
    # Dec 31 + 30 = Jan 30 (Saturday) -> Monday Feb 1; from Jan 1 the 20-day row: Jan 4 + 20 = Jan 24 (Sunday) -> 25
    assert deadlines.due_after(date(2026, 12, 31), Deadline.RESOLUTION, jurisdiction="NY") == date(2027, 2, 1)
    assert deadlines.due_after(date(2027, 1, 4), Deadline.RESOLUTION, jurisdiction="NY") == date(2027, 1, 25)


@pytest.mark.parametrize("deadline", list(Deadline))
@pytest.mark.parametrize("jurisdiction", ["NY", "CA"])
def test_every_timeframe_is_a_legal_row_from_2000(deadline, jurisdiction):
    # Fam. Code 17800-17801 in force 2000-01-01: a day before is an error, never a silent default
    if jurisdiction != "CA" and deadline in CALIFORNIA_ONLY_DEADLINES:
        with pytest.raises(LegalParameterMissing):
            deadlines.days_for(deadline, jurisdiction=jurisdiction, on=date(2027, 1, 1))
        return
    row = (
        LegalParameter.objects.filter(key=legal_key(deadline, jurisdiction), jurisdiction=jurisdiction)
        .order_by("effective_on")
        .first()
    )
    assert row is not None
    assert row.effective_on == date(2000, 1, 1) and row.citation
    assert row.confirm is (jurisdiction == "NY" or deadline in CONFIRMED_IN_DOMAIN)
    assert deadlines.days_for(deadline, jurisdiction=jurisdiction, on=date(2000, 1, 1)) == row.value
    with pytest.raises(LegalParameterMissing):
        deadlines.days_for(deadline, jurisdiction=jurisdiction, on=date(1999, 12, 31))


@pytest.mark.parametrize(
    ("deadline", "days"),
    [
        (Deadline.RESOLUTION, 30),
        (Deadline.EXTENSION_MAX, 30),
        (Deadline.KNOWN_LIMIT, 90),
        (Deadline.REFERRAL_FORWARD, 5),
        (Deadline.HEARING_REQUEST, 90),
        (Deadline.NO_RESOLUTION, 30),
        (Deadline.HEARING_HELD, 45),
        (Deadline.HEARING_DECISION, 75),
    ],
)
def test_california_values(deadline, days):
    assert deadlines.days_for(deadline, jurisdiction="CA", on=date(2026, 11, 23)) == days


def test_the_reminder_lead_time_is_an_office_setting(settings):
    settings.CASEWORKS_COMPLAINT_DUE_SOON_DAYS = 9
    assert deadlines.due_soon_days() == 9


def test_hearing_deadlines_come_from_hearings_not_complaints():
    import hearings.services as hearing_services

    assert not hasattr(hearing_services, "deadlines")
    assert hearings_deadlines.hold_by(date(2026, 11, 2), jurisdiction="CA") == date(2026, 12, 17)  # +45, Thursday
    # +75 = Jan 16 2027 (Saturday); Monday Jan 18 is Martin Luther King Jr. Day -> Tuesday Jan 19
    assert hearings_deadlines.decide_by(date(2026, 11, 2), jurisdiction="CA") == date(2027, 1, 19)

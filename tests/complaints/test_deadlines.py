"""Due date = received + 30 calendar days, moved to the next business day of the case's profile
(Fam. Code 17800; 22 CCR 120100): weekends, holidays and month ends."""

from datetime import date

import pytest

from complaints import deadlines
from complaints.choices import DeadlineKey
from complaints.models import DeadlineSetting
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "jurisdiction", "due"),
    [
        (date(2026, 11, 2), "NY", date(2026, 12, 2)),    # plain weekday
        (date(2026, 10, 1), "NY", date(2026, 11, 2)),    # lands on Saturday Oct 31 → Monday
        (date(2026, 10, 2), "NY", date(2026, 11, 2)),    # lands on Sunday Nov 1 → Monday
        (date(2026, 10, 27), "NY", date(2026, 11, 27)),  # Thanksgiving → Friday in New York
        (date(2026, 10, 27), "CA", date(2026, 11, 30)),  # CA also closes the day after → Monday
        (date(2026, 11, 25), "NY", date(2026, 12, 28)),  # Christmas Friday → Monday
        (date(2026, 1, 29), "NY", date(2026, 3, 2)),     # Feb 28 (Saturday) → Monday Mar 2
        (date(2026, 1, 31), "NY", date(2026, 3, 2)),     # month end across a short February
        (date(2028, 1, 30), "NY", date(2028, 2, 29)),    # leap day is a business day
        (date(2026, 12, 2), "NY", date(2027, 1, 4)),     # New Year (Friday) then the weekend → Monday
    ],
)
def test_resolution_due_date_rolls_to_next_business_day(received, jurisdiction, due):
    assert deadlines.due_after(received, DeadlineKey.RESOLUTION, jurisdiction=jurisdiction) == due


def test_due_date_uses_the_case_profile(file_complaint):
    case = CaseFactory(jurisdiction="CA", case_number="CA-000777")
    complaint = file_complaint(case_number="CA-000777", received_on=date(2026, 10, 27))
    assert complaint.case == case and complaint.jurisdiction == "CA"
    assert complaint.due_on == date(2026, 11, 30)


def test_a_dated_row_changes_the_timeframe_from_its_effective_date():
    DeadlineSetting.objects.create(jurisdiction="NY", key=DeadlineKey.RESOLUTION, days=20,
                                   effective_from=date(2027, 1, 1), source="test")
    assert deadlines.due_after(date(2026, 12, 31), DeadlineKey.RESOLUTION, jurisdiction="NY") == date(2027, 2, 1)
    assert deadlines.due_after(date(2027, 1, 4), DeadlineKey.RESOLUTION, jurisdiction="NY") == date(2027, 1, 25)


def test_both_profiles_have_every_timeframe_seeded():
    for jurisdiction in ("NY", "CA"):
        keys = set(DeadlineSetting.objects.filter(jurisdiction=jurisdiction).values_list("key", flat=True))
        assert keys == set(DeadlineKey.values)
    assert DeadlineSetting.objects.get(jurisdiction="CA", key=DeadlineKey.HEARING_HELD).needs_confirmation


def test_missing_row_falls_back_to_the_default():
    DeadlineSetting.objects.filter(key=DeadlineKey.HEARING_REQUEST).delete()
    assert deadlines.days_for(DeadlineKey.HEARING_REQUEST, jurisdiction="CA") == 90

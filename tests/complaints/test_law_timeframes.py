"""Complaint and hearing timeframes checked against the law's own text (not DOMAIN.md's summary).

- 22 CCR 120104(a)(1): a complaint whose proper jurisdiction is another county's local child
  support agency is sent to it "within five (5) business days after the complaint receipt date".
- 18 NYCRR 358-3.5(b)(1): "A request for a fair hearing must be made within 60 days after the
  social services agency's determination, action, or failure to act about which you are
  complaining" (the New York profile had mirrored California's 90 days, marked confirm).
- 18 NYCRR 358-6.4(a): "definitive and final administrative action must be taken promptly, but in
  no event more than 90 days from the date of the request for a fair hearing" (the New York
  profile had mirrored California's 75 days, marked confirm).

A correction is a new dated row (``core.legal_seed``; core migration 0014): the rows before it stay
as they were, so a deadline already stated in a letter keeps the days in force on its start date.
"""

from datetime import date, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from complaints import services
from core.deadlines import Deadline, days_for, due_after, legal_key
from core.legal_seed import SEED_ROWS
from core.models import LegalParameter
from hearings import deadlines as hearing_deadlines
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
NY_CORRECTED = date(2026, 12, 7)


def test_a_county_transfer_is_due_five_business_days_after_receipt():
    """22 CCR 120104(a)(1): five business days, not five calendar days. Received Wednesday
    Nov 4, 2026 in California: Nov 5, 6, 9, 10 and (Veterans Day, Nov 11, closed) Nov 12."""
    assert due_after(date(2026, 11, 4), Deadline.REFERRAL_FORWARD, jurisdiction="CA") == date(2026, 11, 12)


def test_a_referral_created_on_a_california_complaint_is_due_in_business_days(file_complaint, role_user):
    """22 CCR 120104(a)(1) through the service: the forward-by date the referral records."""
    case = CaseFactory(jurisdiction="CA", case_number="CA-000120")
    complaint = file_complaint(case_number="CA-000120", case=case, received_on=date(2026, 11, 4))
    referral = services.referral_create(
        complaint=complaint,
        target_kind="county",
        target_name="Kern County",
        reason="The order is Kern's",
        by=role_user("ombudsperson"),
        today=date(2026, 11, 5),
    )
    assert referral.forward_by == date(2026, 11, 12)


def test_the_california_transfer_row_cites_the_regulation_and_is_confirmed():
    """22 CCR 120104(a)(1), in force with article 2 of chapter 10 from July 1, 2001."""
    row = LegalParameter.objects.get(key="ca.complaint.referral_forward_days", effective_on=date(2001, 7, 1))
    assert row.value == 5 and "22 CCR 120104(a)(1)" in row.citation and not row.confirm
    assert "usiness days" in row.note


def test_a_new_york_fair_hearing_is_requested_within_60_days():
    """18 NYCRR 358-3.5(b)(1): 60 days. The 90-day mirror of California stays for the days before
    the correction (a deadline already stated keeps its days)."""
    assert days_for(Deadline.HEARING_REQUEST, jurisdiction="NY", on=NY_CORRECTED) == 60
    assert days_for(Deadline.HEARING_REQUEST, jurisdiction="NY", on=NY_CORRECTED - timedelta(days=1)) == 90
    row = LegalParameter.objects.get(key=legal_key(Deadline.HEARING_REQUEST, "NY"), effective_on=NY_CORRECTED)
    assert "18 NYCRR 358-3.5(b)(1)" in row.citation and not row.confirm


def _core_0024():
    return import_module("core.migrations.0024_ny_hearing_request_counted_from_the_determination")


def test_the_new_york_request_row_says_the_days_run_from_the_determination():
    """The seed and core 0024 give the row the same note: 358-3.5(b)(1) counts from the determination."""
    [seeded] = [r for r in SEED_ROWS if r["key"] == "ny.hearing.request_days" and r["effective_on"] == NY_CORRECTED]
    assert seeded["note"] == _core_0024().NEW_NOTE and "from the agency's determination" in seeded["note"]
    assert "never shorter" not in seeded["note"]
    row = LegalParameter.objects.get(key="ny.hearing.request_days", effective_on=NY_CORRECTED)
    assert row.note == seeded["note"]


def test_core_0024_rewrites_the_seeded_note_with_history_and_back_and_leaves_an_edited_one():
    migration, editor = _core_0024(), SimpleNamespace(connection=connection)
    row = LegalParameter.objects.get(key="ny.hearing.request_days", effective_on=NY_CORRECTED)
    LegalParameter.objects.filter(pk=row.pk).update(note=migration.OLD_NOTE)  # as core 0014 left it
    migration.recount(apps, editor)
    row.refresh_from_db()
    assert (row.note, row.value, row.citation) == (migration.NEW_NOTE, 60, "18 NYCRR 358-3.5(b)(1)")
    assert row.history.filter(history_change_reason=migration.REASON).count() == 1
    migration.recount(apps, editor)  # a second run changes nothing
    assert row.history.filter(history_change_reason=migration.REASON).count() == 1
    migration.undo(apps, editor)
    row.refresh_from_db()
    assert row.note == migration.OLD_NOTE
    LegalParameter.objects.filter(pk=row.pk).update(note="Office note.")
    migration.recount(apps, editor)
    row.refresh_from_db()
    assert row.note == "Office note."


def test_a_new_york_fair_hearing_is_decided_within_90_days_of_the_request():
    """18 NYCRR 358-6.4(a): final administrative action within 90 days of the request."""
    assert days_for(Deadline.HEARING_DECISION, jurisdiction="NY", on=NY_CORRECTED) == 90
    # Requested Monday Dec 7, 2026: + 90 = Saturday Mar 7, 2027 -> Monday Mar 8.
    assert hearing_deadlines.decide_by(NY_CORRECTED, jurisdiction="NY") == date(2027, 3, 8)
    row = LegalParameter.objects.get(key=legal_key(Deadline.HEARING_DECISION, "NY"), effective_on=NY_CORRECTED)
    assert "18 NYCRR 358-6.4(a)" in row.citation and not row.confirm


def test_the_california_hearing_rows_are_unchanged():
    """Fam. Code 17801(c): 90 days after receiving the resolution (or after the complaint when none
    came within 30 days) — California keeps its own rows."""
    on = date(2026, 12, 7)
    assert days_for(Deadline.HEARING_REQUEST, jurisdiction="CA", on=on) == 90
    assert days_for(Deadline.NO_RESOLUTION, jurisdiction="CA", on=on) == 30


@pytest.mark.parametrize(
    ("key", "jurisdiction", "effective_on"),
    [
        ("ca.complaint.referral_forward_days", "CA", date(2001, 7, 1)),
        ("ny.hearing.request_days", "NY", NY_CORRECTED),
        ("ny.hearing.decision_days", "NY", NY_CORRECTED),
    ],
)
def test_the_migrated_rows_are_the_seeds(key, jurisdiction, effective_on):
    """The rows core migration 0014 created are the ones ``core.legal_seed`` restores after a flush."""
    seeded = [
        r
        for r in SEED_ROWS
        if r["key"] == key and r["jurisdiction"] == jurisdiction and r["effective_on"] == effective_on
    ]
    assert len(seeded) == 1
    row = LegalParameter.objects.get(key=key, jurisdiction=jurisdiction, effective_on=effective_on)
    assert (row.value, row.citation, row.confirm, row.note) == (
        seeded[0]["value"],
        seeded[0]["citation"],
        seeded[0]["confirm"],
        seeded[0]["note"],
    )


def test_a_complaint_made_on_the_business_day_after_a_weekend_limit_is_on_time(file_complaint):
    """Fam. Code 17800: a complaint "shall be made within 90 days after the [parent] knew or should
    have known"; 22 CCR 120100(c): "If the last date for the performance of any act required within
    a time frame specified by this Article or the provisions of Chapter 5 of Division 17 of the
    Family Code ... is not a business day, then such period shall be extended to the next business
    day." Knew Sunday Aug 9, 2026: day 90 is Saturday Nov 7, so Monday Nov 9 is still on time."""
    on_time = file_complaint(known_on=date(2026, 8, 9), received_on=date(2026, 11, 9))
    assert not on_time.past_known_limit
    late = file_complaint(known_on=date(2026, 8, 9), received_on=date(2026, 11, 10), description="Again, later.")
    assert late.past_known_limit

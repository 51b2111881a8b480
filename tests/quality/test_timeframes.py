"""Timeframe compliance: at, just under and just over each limit; weekend rolling."""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import Collection, Disbursement
from quality.timeframes import compliance, compliance_by, failing_case_ids
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
START, END, TODAY = date(2025, 10, 1), date(2026, 9, 30), date(2026, 11, 23)


def result(code):
    results, _, _ = compliance(start=START, end=END, today=TODAY)
    return next(r for r in results if r.code == code)


def opened(app, opened_on, **kw):
    return CaseFactory(application_received_on=app, opened_on=opened_on, participants=False, **kw)


def test_case_opening_20_days_at_just_over_and_rolled_over_a_weekend():
    on_time = opened(date(2026, 3, 2), date(2026, 3, 22))  # day 20 (a Sunday → fine anyway)
    late = opened(date(2026, 3, 2), date(2026, 3, 24))  # day 22, limit rolled to Monday the 23rd
    rolled = opened(date(2026, 5, 17), date(2026, 6, 8))  # day 20 is Saturday 6 June → Monday 8 June
    missed = opened(date(2026, 5, 17), date(2026, 6, 9))
    r = result("case_opening")
    assert (r.met, r.total) == (2, 4)
    failing = set(failing_case_ids(code="case_opening", start=START, end=END, today=TODAY))
    assert failing == {late.pk, missed.pk}
    assert on_time.pk not in failing and rolled.pk not in failing


def test_counts_by_several_fields_at_once_are_the_counts_by_each():
    # given cases met, missed and met once the limit rolls over a weekend, in two counties and
    # for two caseworkers (one case with none)
    other = CaseFactory(participants=False).caseworker
    other.pk, other.username = None, "other_caseworker"
    other.save()
    opened(date(2026, 3, 2), date(2026, 3, 22), county="Albany")
    opened(date(2026, 3, 2), date(2026, 3, 24), county="Albany", caseworker=other)
    opened(date(2026, 5, 17), date(2026, 6, 8), county="Bronx", caseworker=other)  # rolled: met
    opened(date(2026, 5, 17), date(2026, 6, 9), county="Bronx", caseworker=None)
    # when the office, county and caseworker figures come from one pass
    results, skipped, by = compliance_by(start=START, end=END, today=TODAY, groups=("county", "caseworker_id"))
    # then each is what the one-field report gives
    office, office_skipped, _ = compliance(start=START, end=END, today=TODAY)
    assert [(r.code, r.total, r.met) for r in results] == [(r.code, r.total, r.met) for r in office]
    assert skipped == office_skipped
    for field in ("county", "caseworker_id"):
        _, _, grouped = compliance(start=START, end=END, today=TODAY, group=field)
        assert by[field] == grouped
    assert by["county"]["case_opening"] == {"Albany": [2, 1], "Bronx": [2, 1]}


def test_disbursement_within_two_business_days():
    case = CaseFactory(participants=False)

    def disbursement(ref, received, due, disbursed):
        collection = Collection.objects.create(
            source_reference=ref, case=case, amount=Decimal("10"), received_on=received, source="direct_payment"
        )
        return Disbursement.objects.create(
            case=case,
            collection=collection,
            amount=Decimal("10"),
            received_on=received,
            due_by=due,
            disbursed_on=disbursed,
            status="sent" if disbursed else "pending",
        )

    disbursement("d1", date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 4))  # on the due date
    disbursement("d2", date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 5))  # a day late
    disbursement("d3", date(2026, 3, 2), date(2026, 3, 4), None)  # never sent: fails
    disbursement("d4", date(2026, 11, 20), date(2026, 11, 24), None)  # outside the year
    r = result("disbursement")
    assert (r.met, r.total) == (1, 3)


def test_sources_not_on_main_are_reported_not_guessed():
    results, skipped, _ = compliance(start=START, end=END, today=TODAY)
    for code, why in skipped.items():
        row = next(r for r in results if r.code == code)
        assert not row.available and row.note == why


def test_complaint_resolution_against_the_complaints_due_date():
    from tests.complaints.factories import ComplaintFactory

    case = CaseFactory(participants=False)
    ComplaintFactory(case=case, received_on=date(2026, 3, 2), due_on=date(2026, 4, 1), resolved_on=date(2026, 4, 1))
    ComplaintFactory(case=case, received_on=date(2026, 3, 2), due_on=date(2026, 4, 1), resolved_on=date(2026, 4, 2))
    ComplaintFactory(case=case, received_on=date(2026, 3, 2), due_on=date(2026, 5, 1), resolved_on=None)  # extended
    r = result("complaint")
    assert r.available and (r.met, r.total) == (1, 3)


def test_timeframe_limits_are_dated_legal_parameters():
    from core.models import LegalParameter

    # given a case opened on day 25 (a Friday, no rolling) and the 20-day rule in force
    opened(date(2026, 3, 2), date(2026, 3, 27))
    assert (result("case_opening").met, result("case_opening").total) == (0, 1)
    # when a new dated row (an amended rule) sets 30 days from before the report's end
    LegalParameter.objects.create(
        key="us.timeframe.case_opening_days",
        jurisdiction="US",
        effective_on=date(2026, 1, 1),
        value=30,
        citation="test amendment",
    )
    # then the report reads it: day 25 is within 30
    assert result("case_opening").met == 1


def test_a_located_case_that_never_gets_an_order_is_missed_after_90_days():
    """45 CFR 303.4(d): within 90 days of locating the noncustodial parent, an order or service of
    process. A case located with no order at all counts, and is missed once the 90 days are over;
    an order issued before location needs no establishment and is not counted."""
    from tests.cases.factories import SupportOrderFactory

    never = CaseFactory(ncp_located_on=date(2026, 3, 2), participants=False)  # day 90 is 31 May
    in_time = CaseFactory(ncp_located_on=date(2026, 3, 2), participants=False)
    SupportOrderFactory(case=in_time, issued_on=date(2026, 5, 29))
    before = CaseFactory(ncp_located_on=date(2026, 3, 2), participants=False)
    SupportOrderFactory(case=before, issued_on=date(2026, 1, 5))
    r = result("establishment")
    assert (r.met, r.total) == (1, 2)
    failing = set(failing_case_ids(code="establishment", start=START, end=END, today=TODAY))
    assert failing == {never.pk}

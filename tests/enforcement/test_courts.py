"""Court actions: petitions to an outcome whose order feeds the case's orders; referrals; calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import LedgerEntry, SupportOrder
from cases.services import charges_accrue
from core.models import DomainEvent
from enforcement.choices import PetitionKind, PetitionStatus, ReferralStatus
from enforcement.models import Appearance, CourtHearing, Petition
from enforcement.services import petition_create
from enforcement.services.courts import (
    hearing_record,
    hearing_schedule,
    petition_decide,
    petition_update,
    referral_update,
)
from tests.cases.factories import CaseFactory
from tests.enforcement.factories import CriminalReferralFactory, delinquent_case
from tests.pages import shown_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-23T17:00:00Z", tick=False):
        yield


def test_modification_petition_from_review_creates_a_new_order_version(make_user):
    case = delinquent_case(monthly="500.00")
    old = SupportOrder.objects.get(case=case)
    petition = petition_create(case=case, kind=PetitionKind.MODIFICATION, by=None, origin="review and adjustment")
    assert petition.status == PetitionStatus.DRAFT and "Family Court" in petition.court_name
    petition = petition_update(petition=petition, by=None, docket_number="F-1234-26", filed_on=date(2026, 11, 2))
    petition = petition_update(petition=petition, by=None, served_on=date(2026, 11, 9))
    assert petition.status == PetitionStatus.SERVED
    petition = petition_decide(
        petition=petition,
        outcome="granted",
        outcome_on=date(2026, 11, 20),
        by=None,
        order_number=old.order_number,
        monthly_amount=Decimal("650.00"),
        effective_on=date(2026, 12, 1),
    )
    old.refresh_from_db()
    new = petition.resulting_order
    assert old.status == "superseded" and new.version == old.version + 1 and new.supersedes == old
    assert new.obligations.get(kind="current_support").amount == Decimal("650.00")
    with pytest.raises(ValidationError):
        petition_decide(petition=petition, outcome="granted", outcome_on=date(2026, 11, 20), by=None)


def test_establishment_petition_creates_the_first_order():
    case = CaseFactory()
    petition = petition_create(case=case, kind=PetitionKind.ESTABLISHMENT, by=None, filed_on=date(2026, 10, 1))
    petition = petition_decide(
        petition=petition,
        outcome="granted",
        outcome_on=date(2026, 11, 2),
        by=None,
        order_number="CO-77",
        monthly_amount=Decimal("400.00"),
        effective_on=date(2026, 11, 1),
    )
    order = petition.resulting_order
    assert order.case == case and order.kind == "court" and order.version == 1


def november_on(case) -> list[tuple[date, Decimal, int]]:
    return list(
        LedgerEntry.objects.filter(case=case, entry_type="charge", due_on__gte=date(2026, 11, 1))
        .order_by("due_on")
        .values_list("due_on", "amount", "obligation__order__version")
    )


def test_a_court_modification_mid_month_takes_effect_from_the_orders_next_due_date():
    # given: 500.00 a month due on the 1st (November charged on the 1st at 500.00)
    case = delinquent_case(monthly="500.00")
    old = SupportOrder.objects.get(case=case)
    petition = petition_create(case=case, kind=PetitionKind.MODIFICATION, by=None, filed_on=date(2026, 10, 1))
    # when: the court orders 650.00 a month from November 20
    petition = petition_decide(
        petition=petition,
        outcome="granted",
        outcome_on=date(2026, 11, 20),
        by=None,
        order_number=old.order_number,
        monthly_amount=Decimal("650.00"),
        effective_on=date(2026, 11, 20),
    )
    # then: the new amount begins with the first installment due on or after it, December 1
    new = petition.resulting_order
    assert new.effective_on == date(2026, 12, 1) and new.obligations.get().start_on == date(2026, 12, 1)
    assert old.obligations.get().end_on == date(2026, 11, 30)
    charges_accrue(through=date(2027, 1, 1))
    assert november_on(case) == [
        (date(2026, 11, 1), Decimal("500.00"), 1),
        (date(2026, 12, 1), Decimal("650.00"), 2),
        (date(2027, 1, 1), Decimal("650.00"), 2),
    ]


def test_a_first_court_order_starts_on_its_effective_date_even_mid_month():
    case = CaseFactory()
    petition = petition_create(case=case, kind=PetitionKind.ESTABLISHMENT, by=None, filed_on=date(2026, 10, 1))
    petition = petition_decide(
        petition=petition,
        outcome="granted",
        outcome_on=date(2026, 11, 20),
        by=None,
        order_number="CO-78",
        monthly_amount=Decimal("400.00"),
        effective_on=date(2026, 11, 20),
    )
    assert petition.resulting_order.obligations.get().start_on == date(2026, 11, 20)
    charges_accrue(through=date(2026, 12, 31))
    assert november_on(case) == [(date(2026, 11, 20), Decimal("400.00"), 1), (date(2026, 12, 20), Decimal("400.00"), 1)]


def test_hearing_and_appearances():
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    from django.utils import timezone

    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Magistrate Ortiz")
    hearing_record(
        hearing=hearing,
        result="held",
        by=None,
        appearances={"cp": True, "ncp": False, "agency": True},
        agency_attorney="A. Counsel",
    )
    assert set(Appearance.objects.values_list("party", "appeared")) == {("cp", True), ("ncp", False), ("agency", True)}


def test_future_dates_are_refused():
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.PATERNITY, by=None)
    with pytest.raises(ValidationError):
        petition_update(petition=petition, by=None, filed_on=date(2027, 1, 1))


def test_referral_is_tracked_to_an_outcome():
    referral = CriminalReferralFactory()
    with pytest.raises(ValidationError):
        referral_update(referral=referral, status=ReferralStatus.CLOSED, by=None)
    referral = referral_update(
        referral=referral, status=ReferralStatus.CLOSED, by=None, outcome="plea", outcome_on=date(2026, 11, 20)
    )
    assert referral.get_outcome_display() == "Plea agreement"


def test_pages_create_a_petition_and_show_the_calendar(client_as):
    case = CaseFactory()
    client = client_as("enforcement_specialist")
    response = client.post(
        reverse("enforcement:petition_create"),
        {
            "case_number": case.case_number,
            "kind": "violation",
            "court_name": "Albany County Family Court",
            "docket_number": "V-9-26",
            "service_needed": "on",
            "reason": "Arrears",
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302 and petition.status == PetitionStatus.DRAFT
    client.post(
        reverse("enforcement:hearing_create", args=[petition.pk]),
        {"scheduled_for": "2026-11-30T10:30", "court_part": "Part 3", "judge": "Hon. Lee"},
    )
    page = client.get(reverse("enforcement:court_calendar"))
    assert b"Part 3" in page.content and case.case_number.encode() in page.content
    missing = client.post(
        reverse("enforcement:petition_create"), {"case_number": "NY-000000", "kind": "violation", "court_name": "X"}
    )
    assert missing.status_code == 200 and b"No such case" in missing.content
    assert client_as("caseworker").post(reverse("enforcement:petition_create"), {}).status_code == 403


def test_referral_pages(client_as):
    case = CaseFactory()
    client = client_as("enforcement_specialist")
    client.post(
        reverse("enforcement:referral_create"),
        {
            "case_number": case.case_number,
            "agency": "district_attorney",
            "agency_name": "Albany County DA",
            "referred_on": "2026-11-20",
        },
    )
    referral = case.criminal_referrals.get()
    url = reverse("enforcement:referral_detail", args=[referral.pk])
    page = client.get(url)
    response = client.post(url, {**shown_on(page), "status": "closed", "outcome": "", "outcome_on": ""})
    assert response.status_code == 200 and b"needs its outcome" in response.content
    client.post(url, {**shown_on(page), "status": "closed", "outcome": "convicted", "outcome_on": "2026-11-22"})
    referral.refresh_from_db()
    assert referral.outcome == "convicted"
    listing = client.get(reverse("enforcement:referral_list"))
    assert b"Albany County DA" in listing.content


def test_a_double_clicked_petition_form_opens_one_petition(client_as):
    case = CaseFactory()
    client = client_as("enforcement_specialist")
    form = {
        "case_number": case.case_number,
        "kind": "violation",
        "court_name": "Albany County Family Court",
        "docket_number": "",  # a draft: no docket number yet (one would be refused as taken)
        "service_needed": "on",
        "reason": "Arrears",
    }
    assert client.post(reverse("enforcement:petition_create"), form).status_code == 302
    second = client.post(reverse("enforcement:petition_create"), form)
    assert second.status_code == 200 and b"This petition was already opened" in second.content
    assert Petition.objects.filter(case=case).count() == 1
    # Another kind on the same case is another petition.
    assert client.post(reverse("enforcement:petition_create"), {**form, "kind": "modification"}).status_code == 302
    assert Petition.objects.filter(case=case).count() == 2


def test_a_double_clicked_referral_form_refers_once(client_as):
    case = CaseFactory()
    client = client_as("enforcement_specialist")
    form = {
        "case_number": case.case_number,
        "agency": "district_attorney",
        "agency_name": "Albany County DA",
        "referred_on": "2026-11-20",
    }
    assert client.post(reverse("enforcement:referral_create"), form).status_code == 302
    second = client.post(reverse("enforcement:referral_create"), form)
    assert second.status_code == 200 and b"This referral was already recorded" in second.content
    assert case.criminal_referrals.count() == 1


# Pages out of date (core.stale) ---------------------------------------------------------------
def test_a_stale_petition_page_records_the_service_and_keeps_the_docket_number_entered_meanwhile(client_as):
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    client = client_as("enforcement_specialist")
    page = client.get(reverse("enforcement:petition_detail", args=[petition.pk]))  # A: docket and filing blank
    # B records the docket number and the filing
    petition_update(petition=petition, by=None, docket_number="V-1234-26", filed_on=date(2026, 11, 20))
    # A, from the page opened before, records only the service date (the docket field still blank)
    client.post(
        reverse("enforcement:petition_update", args=[petition.pk]),
        {**shown_on(page), "docket_number": "", "filed_on": "", "served_on": "2026-11-22"},
    )
    petition.refresh_from_db()
    assert (petition.served_on, petition.status) == (date(2026, 11, 22), PetitionStatus.SERVED)
    assert petition.docket_number == "V-1234-26", f"docket number lost: {petition.docket_number!r}"


def test_a_filing_date_sent_as_the_stale_page_showed_it_leaves_the_one_corrected_meanwhile(client_as):
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    petition_update(petition=petition, by=None, docket_number="V-1", filed_on=date(2026, 11, 20))
    client = client_as("enforcement_specialist")
    page = client.get(reverse("enforcement:petition_detail", args=[petition.pk]))  # shows filed 20 Nov
    petition_update(petition=petition, by=None, filed_on=date(2026, 11, 19))  # corrected meanwhile
    client.post(
        reverse("enforcement:petition_update", args=[petition.pk]),
        {**shown_on(page), "docket_number": "V-1", "filed_on": "2026-11-20", "served_on": "2026-11-22"},
    )
    petition.refresh_from_db()
    assert (petition.filed_on, petition.served_on) == (date(2026, 11, 19), date(2026, 11, 22))


def test_a_stale_referral_page_adds_the_da_reference_and_leaves_the_referral_closed_with_its_outcome(client_as):
    referral = CriminalReferralFactory()
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:referral_detail", args=[referral.pk])
    page = client.get(url)  # A's page: "referred", no outcome
    # B closes it with its outcome
    referral_update(
        referral=referral, status=ReferralStatus.CLOSED, by=None, outcome="convicted", outcome_on=date(2026, 11, 20)
    )
    # A, from the stale page, adds the DA's reference number
    response = client.post(
        url,
        {**shown_on(page), "status": "referred", "outcome": "", "outcome_on": "", "reference_number": "DA-77"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.reference_number == "DA-77"
    assert (referral.status, referral.outcome, referral.outcome_on) == ("closed", "convicted", date(2026, 11, 20)), (
        f"closed referral reopened from a stale page: {referral.status!r}, outcome {referral.outcome!r}"
    )


def test_a_closed_referral_is_reopened_only_with_the_reopen_box(client_as):
    referral = CriminalReferralFactory()
    referral_update(
        referral=referral, status=ReferralStatus.CLOSED, by=None, outcome="convicted", outcome_on=date(2026, 11, 20)
    )
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:referral_detail", args=[referral.pk])
    page = client.get(url)
    assert "Reopen this closed referral" in page.content.decode()
    sent = {**shown_on(page), "status": "charged", "outcome": "convicted", "outcome_on": "2026-11-20"}
    refused = client.post(url, sent)
    assert refused.status_code == 200 and "to reopen it, tick" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert client.post(url, {**sent, "reopen": "on"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "charged"


def test_a_docket_number_typed_on_a_stale_page_over_one_entered_meanwhile_is_refused_on_the_page(client_as, role_user):
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    client = client_as("enforcement_specialist")
    page = client.get(reverse("enforcement:petition_detail", args=[petition.pk]))
    colleague = role_user("coordinator")
    petition_update(petition=petition, by=colleague, docket_number="V-1234-26")
    response = client.post(
        reverse("enforcement:petition_update", args=[petition.pk]),
        {**shown_on(page), "docket_number": "V-9999-26", "filed_on": "", "served_on": ""},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message == (
        f"{colleague} changed the docket number at 12:00, after you opened the page at 12:00: "
        "reload the page to see it; nothing was saved."
    )
    petition.refresh_from_db()
    assert petition.docket_number == "V-1234-26"


# Sent twice: a double-clicked form, a resent POST, a page opened before a colleague's result (core.stale).


def test_a_double_clicked_hearing_form_schedules_one_court_hearing(client_as):
    """An enforcement specialist double-clicks "Schedule hearing" on a petition's page (or the
    browser resends the POST after a slow answer). Two CourtHearing rows are made for the same
    petition, date, part and judge, with two "court.hearing_scheduled" events: the court calendar
    shows the hearing twice, one of them is never given a result (it stays "scheduled" for ever and
    the calendar and the petition's page read as if a second hearing were pending), and the agency
    attorney is sent to prepare for a hearing that does not exist. The sibling forms on the same
    page — open a petition, refer for criminal non-support — refuse the same form sent again a
    moment later (core.services.row_repeat_refuse); this one does not.
    Who is hurt: enforcement staff and the agency attorney (the court calendar is wrong), the
    auditor reading the case history (two hearings scheduled). Cause:
    enforcement/services/courts.py hearing_schedule (no repeat check, no petition lock)."""
    case = CaseFactory()
    petition = petition_create(case=case, kind=PetitionKind.VIOLATION, by=None)
    client = client_as("enforcement_specialist")
    url = reverse("enforcement:hearing_create", args=[petition.pk])
    form = {"scheduled_for": "2026-11-30T10:30", "court_part": "Part 3", "judge": "Hon. Lee"}
    client.post(url, form)
    again = client.post(url, form, follow=True)  # the double click / the browser's resend
    assert CourtHearing.objects.filter(petition=petition).count() == 1, "one hearing, scheduled twice"
    assert DomainEvent.objects.filter(verb="court.hearing_scheduled").count() == 1
    said = [str(m) for m in again.context["messages"]]
    assert any("This hearing is already scheduled (2026-11-30 10:30): nothing was added again." in m for m in said)


def test_a_hearing_at_another_time_is_scheduled():
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    when = timezone.now() + timedelta(days=7)
    hearing_schedule(petition=petition, scheduled_for=when, by=None, judge="Hon. Lee")
    hearing_schedule(petition=petition, scheduled_for=when + timedelta(hours=1), by=None, judge="Hon. Lee")
    assert CourtHearing.objects.filter(petition=petition).count() == 2


def test_a_hearing_result_from_a_page_opened_before_a_colleagues_result_does_not_overwrite_it(client, make_user):
    """Two enforcement specialists have the petition's page open while its hearing is "scheduled".
    The one who was in court records the result: held, the NCP did not appear, notes "NCP failed to
    appear; bench warrant requested". The other, from the page opened earlier (still showing
    "scheduled"), records "adjourned" with their own note. The second form silently replaces the
    first: the hearing now reads adjourned, the notes of what happened in court are gone, and
    nothing tells either of them. Every other desk edit refuses a change to a field a colleague
    changed since the page was shown (core.stale: petitions, referrals, rules, case details); this
    form carries nothing of what the page showed. Who is hurt: the agency (the record of the NCP's
    non-appearance, the ground for a contempt or a warrant on a violation petition, is lost), the
    NCP and the court relying on the agency's record. Cause: enforcement/views/courts.py
    HearingResultView / enforcement/services/courts.py hearing_record (no shown, no stale check)."""
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Hon. Lee")
    in_court = make_user("enforcement_specialist", username="in_court")
    colleague = make_user("enforcement_specialist", username="colleague")
    url = reverse("enforcement:hearing_result", args=[hearing.pk])
    page = reverse("enforcement:petition_detail", args=[petition.pk])
    client.force_login(colleague)
    colleagues_page = client.get(page)  # the colleague's page, showing the hearing as scheduled
    client.force_login(in_court)
    in_court_page = client.get(page)
    client.post(
        url,
        {
            **shown_on(in_court_page, action=url),
            "result": "held",
            "notes": "NCP failed to appear; bench warrant requested",
            "cp_appeared": "on",
            "agency_appeared": "on",
            "agency_attorney": "A. Counsel",
        },
    )
    hearing.refresh_from_db()
    assert hearing.result == "held"
    client.force_login(colleague)  # from the page opened before
    refused = client.post(
        url,
        {**shown_on(colleagues_page, action=url), "result": "adjourned", "notes": "Adjourned", "agency_appeared": "on"},
        follow=True,
    )
    hearing.refresh_from_db()
    assert (hearing.result, hearing.notes) == ("held", "NCP failed to appear; bench warrant requested"), (
        "a colleague's stale page overwrote the court result"
    )
    said = " ".join(str(m) for m in refused.context["messages"])
    assert "The result of this hearing was recorded meanwhile: held (by In_Court at 12:00, after you" in said, said
    assert "reload the page to see it; nothing was saved." in said
    assert DomainEvent.objects.filter(verb="court.hearing_recorded").count() == 1


def test_the_same_result_sent_again_records_it_once(client, make_user):
    """A double-clicked "Save" on a hearing's result: one event, the appearances written once."""
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Hon. Lee")
    client.force_login(make_user("enforcement_specialist"))
    url = reverse("enforcement:hearing_result", args=[hearing.pk])
    page = client.get(reverse("enforcement:petition_detail", args=[petition.pk]))
    form = {**shown_on(page, action=url), "result": "held", "notes": "Order entered", "ncp_appeared": "on"}
    client.post(url, form)
    appearances = list(hearing.appearances.values_list("pk", "party", "appeared"))
    again = client.post(url, form, follow=True)
    assert [str(m) for m in again.context["messages"]][-1] == "Hearing recorded."
    assert list(hearing.appearances.values_list("pk", "party", "appeared")) == appearances
    assert DomainEvent.objects.filter(verb="court.hearing_recorded").count() == 1


def test_a_result_form_sent_without_what_the_page_showed_is_refused(client, make_user):
    petition = petition_create(case=CaseFactory(), kind=PetitionKind.VIOLATION, by=None)
    hearing = hearing_schedule(petition=petition, scheduled_for=timezone.now(), by=None, judge="Hon. Lee")
    client.force_login(make_user("enforcement_specialist"))
    client.post(reverse("enforcement:hearing_result", args=[hearing.pk]), {"result": "held", "notes": "x"})
    hearing.refresh_from_db()
    assert hearing.result == "scheduled"

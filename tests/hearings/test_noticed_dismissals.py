"""California dismisses a request before or without a hearing only after a notice by mail that the
dismissal "shall occur 15 days after the notice is sent": a matter outside state hearing jurisdiction
(22 CCR 120211(a)(2), (b)) and a hearing no one came to (120213(b): "unless the complainant requests
the hearing request be reinstated and establishes good cause ... for failing to appear"). New York
keeps its immediate routes (out of jurisdiction recorded; an abandoned request dismissed, 18 NYCRR
358-5.5(a))."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.letters import letter_pdf
from hearings import services
from hearings.choices import DismissalGround, HearingStatus, LetterKind, Outcome, Party, RequestStatus
from hearings.letters import hearing_letter
from hearings.models import HearingLetter
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def officer(role_user):
    return role_user("hearing_officer")


def make_request(jurisdiction, settings, **fields):
    settings.CASEWORKS_JURISDICTION = jurisdiction  # a direct request takes the office's profile
    values = {
        "requester_name": "Ana Ruiz",
        "issue": "distribution",
        "statement": "s",
        "requested_on": date(2027, 3, 1),
        "complaint_made_on": date(2027, 1, 4),
        "resolution_received_on": date(2027, 1, 25),
        "contact_email": "ana@example.org",
        "interpreter_language": "Spanish",
        "today": date(2027, 3, 1),
    }
    values.update(fields)
    request = services.hearing_request_create(**values)
    assert request.jurisdiction == jurisdiction and not request.is_late
    return request


def late_request(jurisdiction, settings):
    """A request made on June 1, after the 90 days from the resolution received Jan 25: late."""
    settings.CASEWORKS_JURISDICTION = jurisdiction
    request = services.hearing_request_create(
        requester_name="Ana Ruiz",
        issue="distribution",
        statement="s",
        requested_on=date(2027, 6, 1),
        complaint_made_on=date(2027, 1, 4),
        resolution_received_on=date(2027, 1, 25),
        contact_email="ana@example.org",
        today=date(2027, 6, 1),
    )
    assert request.is_late
    return request


def scheduled(jurisdiction, settings, officer):
    request = make_request(jurisdiction, settings)
    services.hearing_schedule(
        request=request,
        officer=officer,
        starts_at=at(date(2027, 3, 15), 10),
        mode="phone",
        location="Bridge 12",
        by=officer,
        now=at(date(2027, 3, 2), 9),
    )
    return request


def letters(request, kind):
    return HearingLetter.objects.filter(request=request, kind=kind)


# --- No one came (22 CCR 120213) --------------------------------------------------------------------


def test_ca_a_missed_hearing_is_noticed_for_dismissal_15_days_ahead(settings, officer):
    request = scheduled("CA", settings, officer)
    with pytest.raises(ValidationError, match="not passed yet"):
        services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 10))
    # The immediate dismissal of a missed hearing is refused in California: notice first.
    with pytest.raises(ValidationError, match=r"120213\(b\)"):
        services.hearing_decide(
            request=request,
            outcome=Outcome.DISMISSED,
            decided_on=date(2027, 3, 15),
            summary="No one came.",
            by=officer,
            now=at(date(2027, 3, 15), 12),
        )
    hearing = services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 12))
    request.refresh_from_db()
    assert hearing.status == HearingStatus.NOT_HELD
    assert (request.status, request.dismissal_ground, request.dismissal_on, request.outcome) == (
        RequestStatus.DISMISSAL_NOTICED,
        DismissalGround.NO_SHOW,
        date(2027, 3, 30),  # Mar 15 + 15 calendar days
        "",
    )
    assert sorted(letters(request, LetterKind.DISMISSAL_NOTICE).values_list("party", flat=True)) == [
        Party.AGENCY,
        Party.APPELLANT,
    ]
    with pytest.raises(ValidationError, match=r"March 30, 2027.*120213\(b\)"):
        services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 29))
    request = services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 30))
    assert (request.status, request.outcome) == (RequestStatus.DECIDED, Outcome.DISMISSED)
    decision = letters(request, LetterKind.DECISION).get(party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(decision, language="en")))
    assert "no one came to the hearing on March 15, 2027 and no good cause was shown" in english
    assert "after the deadline" not in english
    spanish = pdf_text(letter_pdf(hearing_letter(decision)))
    assert "nadie acudió a la audiencia del 15 de marzo de 2027" in spanish and "no one came" not in spanish


def test_ca_good_cause_for_not_coming_reinstates_the_request(settings, officer):
    request = scheduled("CA", settings, officer)
    services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 12))
    request = services.hearing_good_cause_decide(
        request=request,
        found=True,
        reason="In hospital that day: discharge papers sent.",
        by=officer,
        today=date(2027, 3, 20),
    )
    assert (request.status, request.dismissal_on, request.dismissal_ground) == (RequestStatus.REQUESTED, None, "")
    assert request.good_cause == "" and not request.needs_good_cause  # lateness is not what was decided
    hearing = services.hearing_schedule(
        request=request,
        officer=officer,
        starts_at=at(date(2027, 3, 25), 10),
        mode="phone",
        location="Bridge 12",
        by=officer,
        now=at(date(2027, 3, 20), 9),
    )
    assert hearing.status == HearingStatus.SCHEDULED


def test_the_notice_after_a_missed_hearing_in_english_and_spanish(settings, officer):
    request = scheduled("CA", settings, officer)
    services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 12))
    row = letters(request, LetterKind.DISMISSAL_NOTICE).get(party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert "No one came to the hearing on March 15, 2027" in english
    assert "will be dismissed on March 30, 2027" in english and "reinstate your request" in english
    assert "22 CCR 120213(b)" in english and "after the deadline" not in english
    spanish = pdf_text(letter_pdf(hearing_letter(row)))
    assert "Nadie acudió a la audiencia del 15 de marzo de 2027" in spanish
    assert "se desestimará el 30 de marzo de 2027" in spanish and "No one came" not in spanish


def test_ny_a_missed_hearing_is_still_dismissed_at_once(settings, officer):
    request = scheduled("NY", settings, officer)  # (Mar 15 is 13 days after the notice of Mar 2)
    with pytest.raises(ValidationError, match=r"358-5.5\(a\)"):
        services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 12))
    request = services.hearing_decide(
        request=request,
        outcome=Outcome.DISMISSED,
        decided_on=date(2027, 3, 15),
        summary="No one came.",
        by=officer,
        now=at(date(2027, 3, 15), 12),
    )
    assert request.outcome == Outcome.DISMISSED


def test_the_no_show_page_is_offered_once_the_hearing_is_over(settings, officer, client_as):
    import time_machine

    request = scheduled("CA", settings, officer)
    detail = reverse("hearings:request_detail", args=[request.number])
    url = reverse("hearings:no_show", args=[request.number])
    client = client_as("hearing_officer")
    with time_machine.travel(at(date(2027, 3, 15), 10), tick=False):
        client.force_login(officer)
        assert url not in client.get(detail).content.decode()
    with time_machine.travel(at(date(2027, 3, 15), 12), tick=False):
        client.force_login(officer)
        assert url in client.get(detail).content.decode()
        response = client.post(url, {"confirm": "on"})
        assert response.status_code == 302
        page = client.get(detail).content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.DISMISSAL_NOTICED
    assert 'data-testid="dismissal-noticed"' in page and "No one appeared at the hearing" in page


# --- Not within state hearing jurisdiction (22 CCR 120211(a)(2), (b)) --------------------------------


def test_ca_a_court_matter_is_noticed_for_dismissal_with_its_reason(settings, officer):
    request = make_request("CA", settings, issue="custody")
    assert (request.status, request.dismissal_ground, request.dismissal_on) == (
        RequestStatus.DISMISSAL_NOTICED,
        DismissalGround.JURISDICTION,
        date(2027, 3, 16),  # recorded (and noticed) Mar 1 + 15
    )
    row = letters(request, LetterKind.DISMISSAL_NOTICE).get(party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert "Your request is about: Custody. A state hearing cannot decide this matter." in english
    assert "will be dismissed on March 16, 2027" in english and "family law facilitator" in english
    assert "22 CCR 120211(b)" in english and "after the deadline" not in english
    spanish = pdf_text(letter_pdf(hearing_letter(row)))
    assert "se desestimará el 16 de marzo de 2027" in spanish and "facilitador de derecho familiar" in spanish
    assert "family law facilitator" not in spanish
    request = services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 16))
    decision = letters(request, LetterKind.DECISION).get(party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(decision, language="en")))
    assert "a state hearing cannot decide this matter" in english and "family law facilitator" in english


def test_ca_a_court_matter_shown_to_be_within_jurisdiction_proceeds(settings, officer):
    request = make_request("CA", settings, issue="order_amount")
    request = services.hearing_good_cause_decide(
        request=request,
        found=True,
        reason="The dispute is the arrears accounting.",
        by=officer,
        today=date(2027, 3, 5),
    )
    assert request.status == RequestStatus.REQUESTED and request.good_cause == ""


def test_ny_a_court_matter_is_recorded_out_of_jurisdiction_as_before(settings):
    request = make_request("NY", settings, issue="custody")
    assert request.status == RequestStatus.OUT_OF_JURISDICTION and request.dismissal_on is None
    assert not HearingLetter.objects.filter(request=request).exists()


def test_the_new_notices_and_decisions_print_no_english_in_spanish(settings, officer):
    """Every sentence of the two new notices and their decision letters comes through the catalogue
    (the marking gettext of tests/core/test_letters.py): nothing English is left in a Spanish letter."""
    from core.letters import letter_text
    from tests.core.test_letters import _leftover, _office_data, marked_spanish

    missed = scheduled("CA", settings, officer)
    services.hearing_no_show_record(request=missed, by=officer, now=at(date(2027, 3, 15), 12))
    court = make_request("CA", settings, issue="custody", requester_name="Luz Mar")
    for request, on in ((missed, date(2027, 3, 30)), (court, date(2027, 3, 16))):
        services.hearing_request_dismiss(request=request, by=officer, today=on)
    rows = HearingLetter.objects.filter(
        request__in=[missed, court], party=Party.APPELLANT, kind__in=[LetterKind.DISMISSAL_NOTICE, LetterKind.DECISION]
    )
    assert rows.count() == 4
    with marked_spanish():
        texts = [(row, letter_text(hearing_letter(row, language="es"))) for row in rows]
    for row, text in texts:
        law = ["22 CCR 120211(b)", "22 CCR 120213(b)", "Fam. Code 17801"]  # citations print as they are
        data = [row.request.number, row.request.requester_name, "Bridge 12", *law, *_office_data()]
        assert _leftover(text, data) == [], (row.kind, row.request.dismissal_ground, _leftover(text, data))


def test_recording_a_ca_court_matter_says_the_notice_went_out(settings, officer, client_as):
    import time_machine
    from django.contrib.messages import get_messages

    settings.CASEWORKS_JURISDICTION = "CA"
    client = client_as("hearing_officer")
    form = {
        "requester_name": "Luz Mar",
        "contact_email": "luz@example.org",
        "issue": "custody",
        "statement": "Custody of my son.",
        "requested_on": "2027-03-01",
        "complaint_made_on": "2027-01-04",
        "resolution_received_on": "2027-01-25",
    }
    with time_machine.travel(at(date(2027, 3, 1), 12), tick=False):
        client.force_login(officer)
        response = client.post(reverse("hearings:request_create"), form)
    assert response.status_code == 302, response.context["form"].errors
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "the notice of intended dismissal (on Mar 16, 2027) went to each party" in message


@pytest.mark.parametrize("ground", ["no_show", "late"])
def test_ca_a_reason_that_fails_to_show_good_cause_dismisses_at_once(settings, officer, ground):
    """22 CCR 120213(b)(2) (and 120211(b)(2) alike): "If the complainant presents information to explain
    the failure to appear, but the information fails to establish good cause ..., the State Hearing
    Office shall dismiss the hearing request and provide written notice": no wait for the 15 days."""
    if ground == "no_show":
        request = scheduled("CA", settings, officer)
        services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 12))
    else:
        request = late_request("CA", settings)
        services.hearing_good_cause_decide(
            request=request, found=False, reason="None.", by=officer, today=date(2027, 6, 2)
        )
    request = services.hearing_good_cause_decide(
        request=request, found=False, reason="Overslept: not good cause.", by=officer, today=date(2027, 6, 5)
    )
    assert (request.status, request.outcome, request.decided_on) == (
        RequestStatus.DECIDED,
        Outcome.DISMISSED,
        date(2027, 6, 5),
    )
    assert request.decision_summary == "Overslept: not good cause."
    decision = letters(request, LetterKind.DECISION).get(party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(decision, language="en")))
    assert "Overslept: not good cause." in english
    assert ("no one came to the hearing" in english) is (ground == "no_show")


def test_the_good_cause_page_names_the_noticed_ground(settings, officer, client_as):
    request = make_request("CA", settings, issue="custody")
    page = client_as("hearing_officer").get(reverse("hearings:good_cause", args=[request.number])).content.decode()
    assert "Dismissal noticed (Not within state hearing jurisdiction" in page and "late request" not in page


def test_the_court_route_speaks_to_the_reader_even_in_its_earlier_stored_wording(settings, officer):
    from hearings.services import EARLIER_COURT_ROUTES

    request = make_request("CA", settings, issue="custody")
    request.alternate_route = EARLIER_COURT_ROUTES[0]  # recorded before the default addressed the reader
    request.save(update_fields=["alternate_route"])
    row = letters(request, LetterKind.DISMISSAL_NOTICE).get(party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert "custody and visitation: you may file a motion with that court" in english
    assert "the person may" not in english
    assert "usted puede presentar una moción ante ese tribunal" in pdf_text(letter_pdf(hearing_letter(row)))


# --- What a notice said stays what it says (review) -------------------------------------------------


def test_a_dismissal_date_on_a_weekend_moves_to_the_next_business_day(settings, officer):
    # Noticed on Friday 2027-03-05: 15 days is Saturday 03-20, so the parent has until Monday 03-22.
    request = make_request("CA", settings, issue="custody", requested_on=date(2027, 3, 5), today=date(2027, 3, 5))
    assert request.dismissal_on == date(2027, 3, 22)
    row = letters(request, LetterKind.DISMISSAL_NOTICE).get(party=Party.APPELLANT)
    assert "dismissed on March 22, 2027" in pdf_text(letter_pdf(hearing_letter(row, language="en")))


def test_a_reinstated_court_matter_is_within_jurisdiction_and_its_notice_reprints_as_sent(settings, officer):
    request = make_request("CA", settings, issue="custody")
    row = letters(request, LetterKind.DISMISSAL_NOTICE).get(party=Party.APPELLANT)
    sent = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    request = services.hearing_good_cause_decide(
        request=request, found=True, reason="It is about arrears.", by=officer, today=date(2027, 3, 5)
    )
    assert (request.status, request.in_jurisdiction) == (RequestStatus.REQUESTED, True)
    row.refresh_from_db()
    assert pdf_text(letter_pdf(hearing_letter(row, language="en"))) == sent
    assert "A state hearing cannot decide this matter" in sent and "dismissed on March 16, 2027" in sent


def test_a_first_notice_still_reprints_as_sent_after_a_second_one(settings, officer):
    request = late_request("CA", settings)
    services.hearing_good_cause_decide(
        request=request, found=False, reason="None given.", by=officer, today=date(2027, 6, 2)
    )
    first = letters(request, LetterKind.DISMISSAL_NOTICE).get(party=Party.APPELLANT)
    sent = pdf_text(letter_pdf(hearing_letter(first, language="en")))
    services.hearing_good_cause_decide(
        request=request, found=True, reason="In hospital.", by=officer, today=date(2027, 6, 5)
    )
    services.hearing_schedule(
        request=request,
        officer=officer,
        starts_at=at(date(2027, 6, 21), 10),
        mode="phone",
        location="Bridge 1",
        by=officer,
        now=at(date(2027, 6, 7), 9),
    )
    services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 6, 21), 12))
    first.refresh_from_db()
    assert pdf_text(letter_pdf(hearing_letter(first, language="en"))) == sent
    second = letters(request, LetterKind.DISMISSAL_NOTICE).filter(party=Party.APPELLANT).latest("pk")
    assert "No one came to the hearing on June 21, 2027" in pdf_text(letter_pdf(hearing_letter(second, language="en")))


def test_migration_0006_gives_a_stored_notice_what_it_said(settings, officer):
    """Each stored notice gets the ground, date and reason it was sent with, whatever happened since
    (review): a no-show notice of a request since dismissed, a lateness notice followed by a no-show
    notice on the same request, a lateness notice later reinstated (its reason on file is the
    reinstatement's, so none is given)."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("hearings.migrations.0006_letter_keeps_dismissal")
    court = make_request("CA", settings, issue="custody")  # noticed Mar 1, reinstated Mar 5
    services.hearing_good_cause_decide(request=court, found=True, reason="Arrears.", by=officer, today=date(2027, 3, 5))
    missed = scheduled("CA", settings, officer)  # no one came Mar 15; dismissed from Mar 30
    services.hearing_no_show_record(request=missed, by=officer, now=at(date(2027, 3, 15), 12))
    services.hearing_request_dismiss(request=missed, by=officer, today=date(2027, 3, 30))
    late = late_request("CA", settings)
    services.hearing_good_cause_decide(
        request=late, found=False, reason="None given.", by=officer, today=date(2027, 6, 2)
    )
    services.hearing_good_cause_decide(
        request=late, found=True, reason="In hospital.", by=officer, today=date(2027, 6, 4)
    )
    services.hearing_schedule(
        request=late,
        officer=officer,
        starts_at=at(date(2027, 6, 21), 10),
        mode="phone",
        location="Bridge 1",
        by=officer,
        now=at(date(2027, 6, 7), 9),
    )
    services.hearing_no_show_record(request=late, by=officer, now=at(date(2027, 6, 21), 12))
    # The notices' events happened "on their day" here only by their dates: move each to it.
    from core.models import DomainEvent

    for verb, day in (("hearing.requested", date(2027, 3, 1)), ("hearing.no_show_recorded", None)):
        for event in DomainEvent.objects.filter(verb=verb):
            request_day = (
                day
                or HearingLetter.objects.filter(kind=LetterKind.DISMISSAL_NOTICE)
                .get(request_id=event.subject_id, party=Party.APPELLANT, hearing__isnull=False)
                .issued_on
            )
            DomainEvent.objects.filter(pk=event.pk).update(occurred_at=at(request_day, 9))
    # What each notice was sent with, against what the migration finds for it from the request and
    # its events alone (the rows cannot be stored without them: the table's check requires them)
    notices = HearingLetter.objects.filter(kind=LetterKind.DISMISSAL_NOTICE, party=Party.APPELLANT).order_by("pk")
    sent = {row.pk: (row.dismissal_ground, row.dismissal_on, row.dismissal_reason) for row in notices}
    found = {row.pk: migration.what_it_said(row, migration.verbs_on_the_day(apps, row)) for row in notices}
    assert len(sent) == 4
    late_first = notices.filter(request=late).first().pk
    assert sent[late_first] == (DismissalGround.LATE, date(2027, 6, 17), "None given.")
    # the reason on file is now the reinstatement's: left out rather than misprinted
    assert found.pop(late_first) == (DismissalGround.LATE, date(2027, 6, 17), "")
    sent.pop(late_first)
    assert found == sent


def test_only_a_hearing_officer_records_a_no_show_or_dismisses(settings, officer, role_user, client_as):
    from django.core.exceptions import PermissionDenied

    request = scheduled("CA", settings, officer)
    coordinator = role_user("coordinator")
    with pytest.raises(PermissionDenied):
        services.hearing_no_show_record(request=request, by=coordinator, now=at(date(2027, 3, 15), 12))
    client = client_as("coordinator")
    assert client.post(reverse("hearings:no_show", args=[request.number]), {"confirmed": "on"}).status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.SCHEDULED
    services.hearing_no_show_record(request=request, by=officer, now=at(date(2027, 3, 15), 12))
    with pytest.raises(PermissionDenied):
        services.hearing_request_dismiss(request=request, by=coordinator, today=date(2027, 3, 30))
    assert client.post(reverse("hearings:dismiss", args=[request.number]), {"confirmed": "on"}).status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.DISMISSAL_NOTICED

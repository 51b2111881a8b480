"""22 CCR 120211(a)(3), (b): a California request filed beyond the time limit is dismissed only after
the complainant was told, by mail, that the dismissal shall occur 15 days after the notice is sent.
New York keeps the immediate dismissal. The request messages cite the jurisdiction's own law."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.letters import letter_pdf
from hearings import services
from hearings.choices import GoodCause, LetterKind, Outcome, Party, RequestStatus
from hearings.letters import hearing_letter
from hearings.models import HearingLetter
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
NOTICED_ON = date(2027, 3, 2)


@pytest.fixture
def officer(role_user):
    return role_user("hearing_officer")


def late_request(jurisdiction, settings, **fields):
    settings.CASEWORKS_JURISDICTION = jurisdiction  # a direct request takes the office's profile
    values = {
        "requester_name": "Ana Ruiz",
        "issue": "distribution",
        "statement": "s",
        "requested_on": date(2027, 3, 1),
        "complaint_made_on": date(2026, 11, 2),
        "resolution_received_on": date(2026, 11, 25),
        "contact_email": "ana@example.org",
        "interpreter_language": "Spanish",
        "today": date(2027, 3, 1),
    }
    values.update(fields)
    request = services.hearing_request_create(**values)
    assert request.jurisdiction == jurisdiction and request.is_late
    return request


def test_ca_no_good_cause_notices_the_dismissal_15_days_ahead(settings, officer):
    request = late_request("CA", settings)
    request = services.hearing_good_cause_decide(
        request=request, found=False, reason="No reason given.", by=officer, today=NOTICED_ON
    )
    assert request.status == RequestStatus.DISMISSAL_NOTICED and request.outcome == ""
    assert request.dismissal_on == date(2027, 3, 17)  # Mar 2 + 15 calendar days
    assert request.good_cause == GoodCause.NOT_FOUND
    kinds = set(HearingLetter.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == {LetterKind.DISMISSAL_NOTICE}


def test_ca_dismissal_refused_before_the_date_then_done(settings, officer):
    request = late_request("CA", settings)
    services.hearing_good_cause_decide(request=request, found=False, reason="None.", by=officer, today=NOTICED_ON)
    with pytest.raises(ValidationError, match="March 17, 2027"):
        services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 16))
    request = services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 17))
    assert (request.status, request.outcome, request.decided_on) == (
        RequestStatus.DECIDED,
        Outcome.DISMISSED,
        date(2027, 3, 17),
    )
    assert HearingLetter.objects.filter(request=request, kind=LetterKind.DECISION).count() == 2
    with pytest.raises(ValidationError):
        services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 18))


def test_a_noticed_dismissal_waits_in_its_queue_once_the_15_days_are_over(settings, officer, client):
    """Nothing dismisses by itself: once the notice period is over the request is in the officer's
    "Dismissal due" queue (home card and list filter), not before."""
    import time_machine
    from django.urls import reverse

    from hearings.selectors import queue_counts

    request = late_request("CA", settings)
    services.hearing_good_cause_decide(request=request, found=False, reason="None.", by=officer, today=NOTICED_ON)
    url = reverse("hearings:request_list") + "?queue=dismissal_due"
    with time_machine.travel(datetime(2027, 3, 16, 15, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        client.force_login(officer)  # (a session made before the travel would have expired)
        assert queue_counts(user=officer)["dismissal_due"] == 0
        listed = client.get(url)
        assert listed.status_code == 200 and request.number not in listed.content.decode()
    with time_machine.travel(datetime(2027, 3, 17, 15, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        client.force_login(officer)
        assert queue_counts(user=officer)["dismissal_due"] == 1
        assert request.number in client.get(url).content.decode()
        assert "Dismissal due: notice period over" in client.get("/").content.decode()
    services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 17))
    assert queue_counts(user=officer)["dismissal_due"] == 0


def test_ca_good_cause_shown_before_the_date_accepts_the_request(settings, officer):
    request = late_request("CA", settings)
    services.hearing_good_cause_decide(request=request, found=False, reason="None.", by=officer, today=NOTICED_ON)
    request = services.hearing_good_cause_decide(
        request=request, found=True, reason="In hospital: records sent.", by=officer, today=date(2027, 3, 10)
    )
    assert request.status == RequestStatus.REQUESTED and request.dismissal_on is None
    assert request.good_cause == GoodCause.FOUND and not request.needs_good_cause
    with pytest.raises(ValidationError):
        services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 20))


def test_the_notice_of_intended_dismissal_in_spanish_and_english(settings, officer):
    request = late_request("CA", settings)
    services.hearing_good_cause_decide(request=request, found=False, reason="Ninguno.", by=officer, today=NOTICED_ON)
    row = HearingLetter.objects.get(request=request, kind=LetterKind.DISMISSAL_NOTICE, party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert "will be dismissed on March 17, 2027" in english and "22 CCR 120211" in english
    spanish = pdf_text(letter_pdf(hearing_letter(row)))
    assert "se desestimará el 17 de marzo de 2027" in spanish and "will be dismissed" not in spanish


def test_ny_no_good_cause_still_dismisses_at_once(settings, officer):
    request = late_request("NY", settings)
    request = services.hearing_good_cause_decide(
        request=request, found=False, reason="None.", by=officer, today=NOTICED_ON
    )
    assert request.status == RequestStatus.DECIDED and request.outcome == Outcome.DISMISSED


@pytest.mark.parametrize(("jurisdiction", "law"), [("CA", "Fam. Code 17801"), ("NY", "18 NYCRR 358-3.5")])
def test_request_messages_cite_the_jurisdictions_law(settings, jurisdiction, law):
    settings.CASEWORKS_JURISDICTION = jurisdiction
    values = {"requester_name": "A", "issue": "distribution", "statement": "s", "contact_email": "a@example.org"}
    with pytest.raises(ValidationError) as err:
        services.hearing_request_create(**values, requested_on=date(2027, 1, 5), today=date(2027, 1, 5))
    assert law in str(err.value) and ("17801" not in str(err.value) or jurisdiction == "CA")
    with pytest.raises(ValidationError) as err:
        services.hearing_request_create(
            **values, requested_on=date(2026, 11, 20), complaint_made_on=date(2026, 11, 2), today=date(2027, 1, 5)
        )
    assert law in str(err.value) and ("17801" not in str(err.value) or jurisdiction == "CA")


def test_the_page_shows_the_noticed_dismissal_and_takes_good_cause(settings, officer, client_as):
    from django.urls import reverse

    request = late_request("CA", settings)
    services.hearing_good_cause_decide(request=request, found=False, reason="None.", by=officer, today=NOTICED_ON)
    client = client_as("hearing_officer")
    page = client.get(reverse("hearings:request_detail", args=[request.number])).content.decode()
    assert 'data-testid="dismissal-noticed"' in page and "Record good-cause decision" in page
    assert reverse("hearings:schedule", args=[request.number]) not in page
    response = client.post(reverse("hearings:good_cause", args=[request.number]), {"found": "yes", "reason": "Flood"})
    request.refresh_from_db()
    assert response.status_code == 302 and request.status == RequestStatus.REQUESTED


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def test_the_dismiss_page_refuses_before_the_date_then_dismisses(settings, officer, client_as):
    import time_machine
    from django.urls import reverse

    request = late_request("CA", settings)
    services.hearing_good_cause_decide(request=request, found=False, reason="None.", by=officer, today=NOTICED_ON)
    client = client_as("hearing_officer")
    url = reverse("hearings:dismiss", args=[request.number])
    with time_machine.travel(noon(date(2027, 3, 16))):
        client.force_login(officer)
        page = client.get(url).content.decode()
        assert '<button type="submit" class="btn btn-danger">Dismiss the request</button>' in page
        response = client.post(url, {"confirm": "on"})
        assert response.status_code == 200 and "March 17, 2027" in response.content.decode()
    with time_machine.travel(noon(date(2027, 3, 17))):
        client.force_login(officer)
        response = client.post(url, {"confirm": "on"})
    request.refresh_from_db()
    assert response.status_code == 302 and request.outcome == Outcome.DISMISSED

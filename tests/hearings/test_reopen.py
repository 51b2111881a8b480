"""New York: a fair hearing request dismissed as abandoned is reopened when, "within one calendar year
from the scheduled date of the fair hearing", the appellant "contacts OAH to request that the fair
hearing be rescheduled" and "provides OAH with the good cause reason for failing to appear" (18 NYCRR
358-5.5(a), (c)). The abandoned request keeps its dismissal and its decision letters; the reopened one
is a new request linked to it (``reopened_from``), to be scheduled."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.letters import letter_pdf
from core.models import DomainEvent
from hearings import services
from hearings.choices import HearingStatus, LetterKind, Outcome, Party, RequestStatus
from hearings.deadlines import reopen_last_day
from hearings.letters import hearing_letter
from hearings.models import HearingLetter, HearingRequest
from tests.enforcement.test_withholding import pdf_text
from tests.hearings.test_noticed_dismissals import at, late_request, make_request

pytestmark = pytest.mark.django_db

MISSED = date(2027, 3, 15)  # the hearing no one came to
LAST_DAY = date(2028, 3, 15)  # one calendar year from it


@pytest.fixture
def officer(role_user):
    return role_user("hearing_officer")


def scheduled(jurisdiction, settings, officer, **fields):
    request = make_request(jurisdiction, settings, statement="My payments were applied to the wrong month.", **fields)
    services.hearing_schedule(
        request=request,
        officer=officer,
        starts_at=at(MISSED, 10),
        mode="phone",
        location="Bridge 12",
        by=officer,
        now=at(date(2027, 3, 2), 9),
    )
    return request


def abandoned(settings, officer, **fields) -> HearingRequest:
    """A New York request whose hearing no one came to, dismissed at once (18 NYCRR 358-5.5(a))."""
    request = scheduled("NY", settings, officer, **fields)
    return services.hearing_decide(
        request=request,
        outcome=Outcome.DISMISSED,
        decided_on=MISSED,
        summary="No one came.",
        by=officer,
        now=at(MISSED, 12),
    )


def reopen(request, officer, asked_on=date(2027, 4, 2), reason="In hospital that day.", today=None):
    return services.hearing_request_reopen(
        request=request, asked_on=asked_on, reason=reason, by=officer, today=today or max(asked_on, date(2027, 4, 2))
    )


def test_an_abandoned_ny_request_asked_for_on_the_last_day_is_reopened_as_a_linked_request(settings, officer):
    request = abandoned(settings, officer)
    reopened = reopen(request, officer, asked_on=LAST_DAY, today=date(2028, 3, 20))
    # A new request, linked, with the same parties, complaint, issue and statement, ready to schedule.
    assert reopened.pk != request.pk and reopened.number != request.number
    assert (reopened.reopened_from, reopened.status, reopened.outcome) == (request, RequestStatus.REQUESTED, "")
    assert (reopened.reopen_asked_on, reopened.reopen_reason) == (LAST_DAY, "In hospital that day.")
    for field in services.REOPEN_CARRIED:
        assert getattr(reopened, field) == getattr(request, field), field
    # 358-6.4(a) counts from "the date of the request for a fair hearing"; 358-5.3(d) extends the limit
    # by the days the hearing was put off at the appellant's request: here from the missed hearing to
    # the day they asked, so the reopened request is not past its targets the day it is made.
    put_off = LAST_DAY - MISSED
    assert (reopened.requested_on, reopened.hold_by, reopened.decide_by) == (
        request.requested_on,
        request.hold_by + put_off,
        request.decide_by + put_off,
    )
    assert reopened.decide_by > date(2028, 3, 20)
    # The abandoned request is left as it closed, with its decision letters as sent.
    request.refresh_from_db()
    assert (request.status, request.outcome, request.decided_on) == (RequestStatus.DECIDED, Outcome.DISMISSED, MISSED)
    assert HearingLetter.objects.filter(request=request, kind=LetterKind.DECISION).count() == 2
    assert sorted(
        HearingLetter.objects.filter(request=reopened, kind=LetterKind.REOPENED).values_list("party", flat=True)
    ) == [Party.AGENCY, Party.APPELLANT]
    event = DomainEvent.objects.get(verb="hearing.reopened")
    assert event.subject_id == reopened.pk and event.data["reopened_from"] == request.number
    assert event.data["last_day"] == "2028-03-15"
    # It is scheduled, heard and decided as any request: its own decision letters, none clashing.
    services.hearing_schedule(
        request=reopened,
        officer=officer,
        starts_at=at(date(2028, 4, 10), 10),
        mode="phone",
        location="Bridge 12",
        by=officer,
        now=at(date(2028, 3, 20), 9),
    )
    services.hearing_held_record(request=reopened, by=officer, now=at(date(2028, 4, 10), 11))
    reopened = services.hearing_decide(
        request=reopened,
        outcome=Outcome.GRANTED,
        decided_on=date(2028, 4, 10),
        summary="Payments reapplied.",
        by=officer,
        now=at(date(2028, 4, 10), 12),
    )
    assert HearingLetter.objects.filter(request=reopened, kind=LetterKind.DECISION).count() == 2


def test_a_day_after_the_year_is_refused_with_the_last_day(settings, officer):
    request = abandoned(settings, officer)
    with pytest.raises(ValidationError, match=r"last day was March 15, 2028.*358-5.5\(c\)") as refused:
        reopen(request, officer, asked_on=date(2028, 3, 16), today=date(2028, 3, 16))
    assert "asked_on" in refused.value.message_dict
    assert not HearingRequest.objects.filter(reopened_from=request).exists()
    assert not HearingLetter.objects.filter(kind=LetterKind.REOPENED).exists()


def test_the_year_is_twelve_months_to_the_day_or_the_months_last_day():
    assert reopen_last_day(MISSED) == LAST_DAY
    assert reopen_last_day(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_last_day_on_a_weekend_moves_to_the_next_business_day():
    # N.Y. General Construction Law 25-a(1): a period that "ends on a Saturday, Sunday or a public
    # holiday" — the act "may be done on the next succeeding business day".
    assert reopen_last_day(date(2027, 3, 19)) == date(2028, 3, 20)  # Sunday the 19th -> Monday


@pytest.mark.parametrize(
    ("asked_on", "message"),
    [
        (
            date(2027, 3, 14),
            "runs from the hearing of March 15, 2027: give the day the appellant asked, on or after it",
        ),
        (date(2027, 4, 3), "The date cannot be in the future."),
    ],
)
def test_the_day_asked_is_between_the_hearing_and_today(settings, officer, asked_on, message):
    request = abandoned(settings, officer)
    with pytest.raises(ValidationError) as refused:
        services.hearing_request_reopen(
            request=request, asked_on=asked_on, reason="Ill.", by=officer, today=date(2027, 4, 2)
        )
    assert message in " ".join(refused.value.message_dict["asked_on"])
    assert not HearingRequest.objects.filter(reopened_from=request).exists()


def test_the_good_cause_reason_is_required(settings, officer):
    request = abandoned(settings, officer)
    with pytest.raises(ValidationError, match=r"good cause reason.*358-5.5\(a\)\(2\)"):
        reopen(request, officer, reason="  ")


def test_a_request_is_reopened_once(settings, officer):
    request = abandoned(settings, officer)
    first = reopen(request, officer)
    with pytest.raises(ValidationError, match=f"already reopened as {first.number}"):
        reopen(request, officer)
    assert HearingLetter.objects.filter(kind=LetterKind.REOPENED).count() == 2
    # The database holds it too: one reopening per abandoned request, and none without its ask.
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingRequest.objects.filter(pk=first.pk).update(reopen_reason="")


def test_a_california_request_is_not_reopened_here(settings, officer):
    request = scheduled("CA", settings, officer)
    services.hearing_no_show_record(request=request, by=officer, now=at(MISSED, 12))
    request = services.hearing_request_dismiss(request=request, by=officer, today=date(2027, 3, 30))
    with pytest.raises(ValidationError, match=r"Only a New York.*120213\(b\)"):
        reopen(request, officer)


@pytest.mark.parametrize("how", ["open", "held", "withdrawn", "late"])
def test_a_request_not_abandoned_is_not_reopened(settings, officer, how):
    if how == "late":  # New York: late without good cause is dismissed at once, with no hearing
        request = late_request("NY", settings)
        request = services.hearing_good_cause_decide(
            request=request, found=False, reason="None.", by=officer, today=date(2027, 6, 2)
        )
        assert request.outcome == Outcome.DISMISSED
    else:
        request = scheduled("NY", settings, officer)
    if how == "held":
        services.hearing_held_record(request=request, by=officer, now=at(MISSED, 11))
        request = services.hearing_decide(
            request=request, outcome=Outcome.DISMISSED, decided_on=MISSED, summary="s", by=officer, now=at(MISSED, 12)
        )
    elif how == "withdrawn":
        request = services.hearing_decide(
            request=request, outcome=Outcome.WITHDRAWN, decided_on=MISSED, summary="s", by=officer, now=at(MISSED, 12)
        )
        assert request.hearings.get().status == HearingStatus.CANCELLED
    with pytest.raises(ValidationError, match=r"Only a request dismissed as abandoned"):
        reopen(request, officer, today=date(2027, 6, 3))


def test_only_a_hearing_officer_reopens(settings, officer, role_user):
    request = abandoned(settings, officer)
    with pytest.raises(PermissionDenied):
        reopen(request, role_user("coordinator"))


def test_the_reopen_page_for_the_hearing_officer(settings, officer, client_as):
    import time_machine
    from django.contrib.messages import get_messages

    request = abandoned(settings, officer)
    detail = reverse("hearings:request_detail", args=[request.number])
    url = reverse("hearings:reopen", args=[request.number])
    with time_machine.travel(at(date(2027, 4, 2), 12), tick=False):
        client = client_as("hearing_officer")
        page = client.get(detail).content.decode()
        assert url in page and "by Mar 15, 2028" in page
        assert url not in client_as("coordinator").get(detail).content.decode()
        assert client.get(url).status_code == 403  # the coordinator is signed in
        client = client_as("hearing_officer")
        assert "ask by Mar 15, 2028" in client.get(url).content.decode()
        response = client.post(url, {"asked_on": "2027-04-01", "reason": "In hospital.", "confirm": "on"})
        assert response.status_code == 302
        reopened = HearingRequest.objects.get(reopened_from=request)
        assert response["Location"] == reverse("hearings:request_detail", args=[reopened.number])
        [message] = [str(m) for m in get_messages(response.wsgi_request)]
        assert f"{request.number} reopened as {reopened.number}" in message
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="reopened-from"' in page and "In hospital." in page
        assert reverse("hearings:schedule", args=[reopened.number]) in page
        page = client.get(detail).content.decode()
        assert "Reopened as <a" in page and url not in page
        # A second click is refused on the form, nothing recorded again.
        response = client.post(url, {"asked_on": "2027-04-01", "reason": "In hospital.", "confirm": "on"})
        assert response.status_code == 200 and "already reopened as" in response.content.decode()
    assert HearingRequest.objects.filter(reopened_from=request).count() == 1


def test_the_page_refuses_after_the_year_naming_the_last_day(settings, officer, client_as):
    import time_machine

    request = abandoned(settings, officer)
    url = reverse("hearings:reopen", args=[request.number])
    with time_machine.travel(at(date(2028, 3, 17), 12), tick=False):
        client = client_as("hearing_officer")
        response = client.post(url, {"asked_on": "2028-03-16", "reason": "Away.", "confirm": "on"})
    assert response.status_code == 200
    assert "the last day was March 15, 2028" in response.content.decode()
    assert not HearingRequest.objects.filter(reopened_from=request).exists()


def test_a_hearing_officer_out_of_scope_gets_404(settings, officer, make_user, client):
    """A user who may decide hearings but sees only their own requests and sittings (no view_all)."""
    request = abandoned(settings, officer)
    user = make_user(username="officer_elsewhere")
    for codename in ("view_hearingrequest", "decide_hearing"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="hearings", codename=codename))
    client.force_login(user)
    url = reverse("hearings:reopen", args=[request.number])
    assert client.get(url).status_code == 404
    assert client.post(url, {"asked_on": "2027-04-01", "reason": "x", "confirm": "on"}).status_code == 404
    assert not HearingRequest.objects.filter(reopened_from=request).exists()


def test_the_notice_of_reopening_in_english_and_spanish(settings, officer):
    request = abandoned(settings, officer)
    reopened = reopen(request, officer, asked_on=date(2027, 4, 1))
    row = HearingLetter.objects.get(request=reopened, kind=LetterKind.REOPENED, party=Party.APPELLANT)
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert f"No one came to the hearing on March 15, 2027, so your request {request.number} was dismissed" in english
    assert "On April 1, 2027 you asked for a new hearing" in english
    assert f"reopened under the number {reopened.number}" in english and "18 NYCRR 358-5.5(c)" in english
    assert "considered abandoned again" in english
    spanish = pdf_text(letter_pdf(hearing_letter(row)))  # the interpreter language asked for: Spanish
    assert "Nadie acudió a la audiencia del 15 de marzo de 2027" in spanish
    assert f"se reabre con el número {reopened.number}" in spanish and "No one came" not in spanish
    agency = HearingLetter.objects.get(request=reopened, kind=LetterKind.REOPENED, party=Party.AGENCY)
    text = pdf_text(letter_pdf(hearing_letter(agency, language="en")))
    assert "of Ana Ruiz was dismissed as abandoned" in text and "position statement" in text


def test_the_notice_of_reopening_prints_no_english_in_spanish(settings, officer):
    from core.letters import letter_text
    from tests.core.test_letters import _leftover, _office_data, marked_spanish

    request = abandoned(settings, officer)
    reopened = reopen(request, officer)
    rows = HearingLetter.objects.filter(request=reopened, kind=LetterKind.REOPENED)
    with marked_spanish():
        texts = [(row, letter_text(hearing_letter(row, language="es"))) for row in rows]
    for row, text in texts:
        data = [reopened.number, request.number, "Ana Ruiz", "18 NYCRR 358-5.5(c)", *_office_data()]
        assert _leftover(text, data) == [], (row.party, _leftover(text, data))


def test_a_reopening_raced_past_the_repeat_check_is_refused_not_a_server_error(settings, officer, monkeypatch):
    # Two officers at once where the row lock does not hold (SQLite): both passed the repeat check;
    # the one-to-one link refuses the second, which is told so.
    request = abandoned(settings, officer)
    first = reopen(request, officer)
    monkeypatch.setattr(services, "row_repeat_refuse", lambda **kwargs: None)
    with pytest.raises(ValidationError, match=f"already reopened as {first.number}"):
        reopen(request, officer)
    assert HearingRequest.objects.filter(reopened_from=request).count() == 1

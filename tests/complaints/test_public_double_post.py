"""The public complaint form sent twice (a double click, a browser retry, a reload of the
confirmation page) filed two complaints, each with its own number, due date and secret code: staff
and partner filings were refused as repeats (services._refuse_a_repeat), anonymous web filings were
not. Each showing of the form now carries a one-time token (complaints.secrets); the complaint it
files keeps the token's hash, and the same token again answers with that complaint."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from complaints.secrets import form_token_new, status_secret
from core.models import DomainEvent
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db

URL = reverse("complaints:public_form")
TYPED = "My payment was not credited."
FORM = {"complainant_name": "Pat Public", "contact_email": "pat@example.org", "category": "other", "description": TYPED}
EXPIRED = "This form was open too long, or was not sent from our page, so nothing was sent."


def shown_token(client) -> str:
    """The one-time token of the form as the public is shown it."""
    page = client.get(URL)
    token = page.context["form_token"]
    assert f'name="form_token" value="{token}"' in page.content.decode()
    return token


def test_a_double_posted_public_form_files_one_complaint_and_gives_the_same_confirmation(client):
    # given: the form shown once
    token = shown_token(client)
    # when: it is sent twice
    first = client.post(URL, {**FORM, "form_token": token})
    second = client.post(URL, {**FORM, "form_token": token})
    # then: one complaint, one acknowledgement event; the second answer is the first page again
    complaint = Complaint.objects.get()
    assert first.status_code == second.status_code == 200
    assert second.context["complaint"] == complaint and second.context["secret"] == first.context["secret"]
    assert second.content == first.content  # nothing more shown than on the first answer
    assert DomainEvent.objects.filter(verb="complaint.received").count() == 1
    status = client.post(
        reverse("complaints:public_status"), {"number": complaint.number, "secret": second.context["secret"]}
    )
    assert status.context["complaint"] == complaint


def test_a_second_showing_of_the_form_files_a_second_complaint(client):
    # the same person, the same words, but the form shown again: a genuine second complaint
    pages = [client.post(URL, {**FORM, "form_token": shown_token(client)}) for _ in range(2)]
    assert Complaint.objects.count() == 2
    assert pages[0].context["complaint"] != pages[1].context["complaint"]
    assert pages[0].context["secret"] != pages[1].context["secret"]


def _forged(client) -> str:
    value, stamp, signature = shown_token(client).split(":")
    return f"{value[::-1]}:{stamp}:{signature}"


def _expired(client) -> str:
    with time_machine.travel(timezone.now() - timedelta(hours=13)):
        return shown_token(client)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda client: None, id="missing"),
        pytest.param(lambda client: "", id="empty"),
        pytest.param(_forged, id="forged"),
        pytest.param(_expired, id="expired"),
    ],
)
def test_a_form_without_a_valid_token_files_nothing_and_keeps_the_typed_text(client, token):
    # given: a post made without the page, or from a page kept too long
    sent = token(client)
    data = FORM if sent is None else {**FORM, "form_token": sent}
    # when
    page = client.post(URL, data)
    # then: a clear error, the typed text kept, a new token, nothing written
    html = page.content.decode()
    assert page.status_code == 200 and EXPIRED in html and TYPED in html
    assert not Complaint.objects.exists() and not DomainEvent.objects.exists()
    fresh = page.context["form_token"]
    assert fresh and fresh != sent
    # sent again as shown: filed once
    assert client.post(URL, {**FORM, "form_token": fresh}).context["complaint"] == Complaint.objects.get()


def test_the_refusal_speaks_the_readers_language(client):
    page = client.post(URL, FORM, HTTP_ACCEPT_LANGUAGE="es")
    assert "Este formulario estuvo abierto demasiado tiempo" in page.content.decode()
    assert not Complaint.objects.exists()


def test_a_form_with_errors_keeps_its_token(client):
    token = shown_token(client)
    page = client.post(URL, {**FORM, "contact_email": "", "form_token": token})
    assert page.context["form_token"] == token and not Complaint.objects.exists()
    client.post(URL, {**FORM, "form_token": token})
    client.post(URL, {**FORM, "form_token": token})
    assert Complaint.objects.count() == 1


def test_a_late_repeat_files_nothing_and_shows_the_number_without_the_secret(client):
    token = shown_token(client)
    first = client.post(URL, {**FORM, "form_token": token})
    # half an hour later (the confirmation page reloaded), and the next day (past the token's age)
    for later in (timedelta(minutes=31), timedelta(hours=13)):
        with time_machine.travel(timezone.now() + later):
            again = client.post(URL, {**FORM, "form_token": token})
        html = again.content.decode()
        assert again.context["complaint"] == first.context["complaint"] and not again.context["secret"]
        assert first.context["secret"] not in html and "You already sent this complaint" in html
        assert 'data-testid="secret-code"' not in html
    assert Complaint.objects.count() == 1


def test_the_form_still_needs_its_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    token = browser.get(URL).context["form_token"]
    assert browser.post(URL, {**FORM, "form_token": token}).status_code == 403
    assert not Complaint.objects.exists()


def test_the_secret_is_derived_from_the_token_not_kept():
    token = form_token_new().split(":")[0]
    secret = status_secret(seed=token)
    assert re.fullmatch(r"([2-9A-HJ-NP-TV-Z]{4}-){3}[2-9A-HJ-NP-TV-Z]{4}", secret)
    assert status_secret(seed=token) == secret != status_secret(seed=token + "x")
    assert status_secret() != status_secret()


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_files_one_complaint(client):
    """A double click sends the second post before the first is answered: the two take turns on
    the token's lock, the second finds the first's complaint and answers with it."""
    token = shown_token(client)
    barrier = threading.Barrier(2)

    def send(_) -> tuple[str, str]:
        barrier.wait()
        try:
            complaint = services.complaint_file_public(
                form_token=token, received_on=timezone.localdate(), case=None, **FORM
            )
            return complaint.number, complaint.raw_secret
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(send, range(2))

    complaint = Complaint.objects.get()
    assert first == second and first[0] == complaint.number and complaint.secret_matches(first[1])

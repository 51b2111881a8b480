"""The public complaint form's one-time token makes "the same showing of the form" the same
complaint "whatever it says". On a shared computer (a library, the office lobby kiosk) the next
person goes Back to the form the previous one sent, types their own complaint and sends it: they
are shown the previous person's confirmation number AND secret code (which opens that complaint's
status page), and their own complaint is silently not filed while the page says "We received your
complaint"."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from core.models import DomainEvent

pytestmark = pytest.mark.django_db

URL = reverse("complaints:public_form")
FIRST = {
    "complainant_name": "Pat Public",
    "contact_email": "pat@example.org",
    "category": "other",
    "description": "My payment was not credited.",
}
NEXT = {
    "complainant_name": "Sam Other",
    "contact_email": "sam@example.org",
    "category": "other",
    "description": "Nobody answers my calls about my case.",
}


def test_a_different_complaint_sent_on_a_used_form_is_neither_lost_nor_shown_the_first_secret(client):
    token = client.get(URL).context["form_token"]
    first = client.post(URL, {**FIRST, "form_token": token})
    secret = first.context["secret"]
    assert secret
    # the next person at the same browser: Back, their own complaint, Send
    second = client.post(URL, {**NEXT, "form_token": token})
    html = second.content.decode()
    assert secret not in html, "the previous complainant's secret code is shown to the next person"
    assert (
        Complaint.objects.filter(complainant_name="Sam Other").exists() or "We received your complaint" not in html
    ), "the second complaint was not filed, yet the page says it was received"


USED = "This form was already used to send a complaint, so nothing was sent."


def test_a_different_complaint_on_a_used_form_is_refused_with_its_text_kept_and_a_new_token(client):
    # given: the first person's complaint filed from the form
    token = client.get(URL).context["form_token"]
    first = client.post(URL, {**FIRST, "form_token": token})
    filed = first.context["complaint"]
    # when: the next person sends their own words with the same form
    second = client.post(URL, {**NEXT, "form_token": token})
    # then: a plain refusal, their text kept, nothing of the first complaint, nothing written
    html = second.content.decode()
    assert second.status_code == 200 and USED in html and NEXT["description"] in html
    assert filed.number not in html and first.context["secret"] not in html
    assert "complaint" not in second.context
    assert Complaint.objects.get() == filed and DomainEvent.objects.filter(verb="complaint.received").count() == 1
    fresh = second.context["form_token"]
    assert fresh and fresh != token
    # sent again as shown: their complaint is filed, with its own number and secret
    third = client.post(URL, {**NEXT, "form_token": fresh})
    mine = Complaint.objects.get(complainant_name="Sam Other")
    assert third.context["complaint"] == mine != filed and third.context["secret"] != first.context["secret"]


@pytest.mark.parametrize(
    "change",
    [
        {"description": "My payment was not credited. Also my address changed."},
        {"contact_email": "sam@example.org"},
        {"complainant_name": "Sam Other"},
        {"category": "service"},
        {"case_number": "NY-123"},
        {"contact_phone": "555-0100"},
    ],
    ids=["words", "email", "name", "category", "case-number", "phone"],
)
def test_any_change_of_words_contact_or_category_is_not_a_repeat(client, change):
    token = client.get(URL).context["form_token"]
    first = client.post(URL, {**FIRST, "form_token": token})
    again = client.post(URL, {**FIRST, **change, "form_token": token})
    assert USED in again.content.decode() and first.context["secret"] not in again.content.decode()
    assert Complaint.objects.count() == 1


def test_the_same_words_resent_with_other_spacing_or_case_are_still_the_repeat(client):
    token = client.get(URL).context["form_token"]
    first = client.post(URL, {**FIRST, "form_token": token})
    resent = {**FIRST, "description": "my payment  was not\r\ncredited. ", "contact_email": "PAT@example.org"}
    again = client.post(URL, {**resent, "form_token": token})
    assert again.context["complaint"] == first.context["complaint"]
    assert again.context["secret"] == first.context["secret"]
    assert Complaint.objects.count() == 1


def test_a_different_complaint_on_an_old_used_form_is_refused_too(client):
    # the form sent the day before (past the token's age), Back, another complaint
    token = client.get(URL).context["form_token"]
    first = client.post(URL, {**FIRST, "form_token": token})
    with time_machine.travel(timezone.now() + timedelta(hours=13)):
        page = client.post(URL, {**NEXT, "form_token": token})
    html = page.content.decode()
    assert USED in html and first.context["complaint"].number not in html
    assert Complaint.objects.count() == 1 and page.context["form_token"] != token


def test_the_refusal_of_a_used_form_speaks_the_readers_language(client):
    token = client.get(URL).context["form_token"]
    client.post(URL, {**FIRST, "form_token": token})
    page = client.post(URL, {**NEXT, "form_token": token}, HTTP_ACCEPT_LANGUAGE="es")
    assert "Este formulario ya se usó para enviar una queja" in page.content.decode()
    assert Complaint.objects.count() == 1


def test_the_service_refuses_a_different_complaint_on_a_used_token_and_writes_nothing(client):
    token = client.get(URL).context["form_token"]
    filed = services.complaint_file_public(form_token=token, received_on=timezone.localdate(), **FIRST)
    with pytest.raises(ValidationError) as refused:
        services.complaint_file_public(form_token=token, received_on=timezone.localdate(), **NEXT)
    assert refused.value.code == "form_used" and filed.number not in str(refused.value)
    same = services.complaint_file_public(form_token=token, received_on=timezone.localdate(), **FIRST)
    assert same == filed and same.raw_secret == filed.raw_secret
    assert Complaint.objects.count() == 1

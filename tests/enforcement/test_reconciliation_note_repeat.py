"""A reconciliation exception's note sent twice (a double click, a resent POST): the notes say it once
(enforcement.services.bank.reconciliation_exception_note, core.services.repeat_refuse)."""

import pytest
from django.urls import reverse

from core.models import DomainEvent
from tests.enforcement.file_factories import ReconciliationExceptionFactory

pytestmark = pytest.mark.django_db


def test_a_double_clicked_note_is_added_once(client_as):
    exception = ReconciliationExceptionFactory()
    specialist = client_as("enforcement_specialist")
    url = reverse("enforcement:reconciliationexception_note", args=[exception.pk])
    specialist.post(url, {"note": "Called the bank"})
    again = specialist.post(url, {"note": "Called the bank"}, follow=True)  # the double click
    exception.refresh_from_db()
    assert exception.notes.count("Called the bank") == 1, exception.notes
    assert DomainEvent.objects.filter(verb="reconciliation.exception_noted").count() == 1
    assert "This note was just added: nothing was added again." in " ".join(str(m) for m in again.context["messages"])
    specialist.post(url, {"note": "Bank called back"})  # another note
    exception.refresh_from_db()
    assert "Bank called back" in exception.notes

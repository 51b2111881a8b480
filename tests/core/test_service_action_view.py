"""core.views.ServiceActionView: the one shape of a write page (issue 18.3).

A throwaway view over ``cases.Case`` (a case-bound model: the county decides what a user sees,
the caseload what a caseworker changes) checks each branch once: no permission, invisible
object, visible but out of write scope, refused by the service, invalid input on a button, success.
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from accounts.choices import Role
from cases.models import Case
from core.models import DomainEvent, ScopeDenied
from core.services import event_record
from core.views import ServiceActionView, form_errors_text
from tests.cases.factories import CaseFactory


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=50)


class NoteView(ServiceActionView):
    permission_required = "cases.add_casenote"
    model = Case
    lookup_field = "case_number"
    scope_action = "change"
    form_class = NoteForm
    template_name = "core/confirm.html"  # any template: GET is not what these tests read
    success_message = "Noted."

    def perform(self, data):
        # Two writes: the view's one transaction keeps neither when the second refuses.
        event_record(verb="case.note_added", case_id=self.object.pk, summary=data["text"])
        if data["text"] == "refuse":
            raise ValidationError({"text": "The service refuses this note."})
        return data["text"]

    def get_success_url(self):
        return f"/cases/{self.object.case_number}/"


class NoteButton(NoteView):
    post_only = True
    error_prefix = "Not saved — "


def _post(view_class, user, case_number, data):
    request = RequestFactory().post("/x/", data)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return view_class.as_view()(request, case_number=case_number), request


@pytest.fixture
def cases(make_user, role_user):
    worker = role_user(Role.CASEWORKER)
    colleague = make_user(Role.CASEWORKER, username="colleague")
    return {
        "mine": CaseFactory(caseworker=worker, participants=False),
        "colleague": CaseFactory(caseworker=colleague, participants=False),
        "other_county": CaseFactory(caseworker=colleague, county="Kings", participants=False),
    }


@pytest.mark.django_db
def test_success_calls_the_service_messages_and_redirects(role_user, cases):
    response, request = _post(NoteView, role_user(Role.CASEWORKER), cases["mine"].case_number, {"text": "hello"})
    assert response.status_code == 302 and response.url == f"/cases/{cases['mine'].case_number}/"
    assert [str(m) for m in get_messages(request)] == ["Noted."]
    assert DomainEvent.objects.filter(case_id=cases["mine"].pk, summary="hello").count() == 1


@pytest.mark.django_db
def test_a_service_refusal_lands_on_the_field_and_nothing_is_saved(role_user, cases):
    response, _ = _post(NoteView, role_user(Role.CASEWORKER), cases["mine"].case_number, {"text": "refuse"})
    assert response.status_code == 200
    assert response.context_data["form"].errors == {"text": ["The service refuses this note."]}
    assert not DomainEvent.objects.filter(case_id=cases["mine"].pk).exists()  # the first write rolled back


@pytest.mark.django_db
def test_no_permission_is_403_before_the_object_is_read(make_user, cases):
    with pytest.raises(PermissionDenied):
        _post(NoteView, make_user(Role.QUALITY_ANALYST), "NO-SUCH", {"text": "x"})


@pytest.mark.django_db
def test_another_countys_case_is_404_and_a_colleagues_case_403(role_user, cases):
    worker = role_user(Role.CASEWORKER)
    with pytest.raises(Http404):
        _post(NoteView, worker, cases["other_county"].case_number, {"text": "x"})
    with pytest.raises(ScopeDenied):  # visible in the county, not on the caseload: audited 403
        _post(NoteView, worker, cases["colleague"].case_number, {"text": "x"})
    assert not DomainEvent.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_may_act_on_any_case_of_the_county(role_user, cases):
    response, _ = _post(NoteView, role_user(Role.COORDINATOR), cases["colleague"].case_number, {"text": "ok"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_button_answers_errors_with_a_message_on_the_return_page(role_user, cases):
    assert NoteButton.http_method_names == ["post"]
    response, request = _post(NoteButton, role_user(Role.CASEWORKER), cases["mine"].case_number, {"text": "refuse"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(request)] == ["Not saved — Note: The service refuses this note."]
    response, request = _post(NoteButton, role_user(Role.CASEWORKER), cases["mine"].case_number, {"text": ""})
    assert [str(m) for m in get_messages(request)] == ["Not saved — Note: This field is required."]


def test_form_errors_text_names_fields_by_label():
    form = NoteForm({"text": ""})
    form.is_valid()
    form.add_error(None, "Whole form.")
    assert form_errors_text(form) == "Note: This field is required.; Whole form."

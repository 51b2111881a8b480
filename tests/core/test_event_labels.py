"""Domain events read in words on every page that lists them (issue 15.5)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from core.events import label_for as event_label
from core.services import event_record


@pytest.mark.parametrize(
    ("verb", "words"),
    [
        ("work_item.created", "Work item created"),
        ("case.note_added", "Note added"),
        ("fvi.override_used", "Court override of the family violence indicator used"),
        ("order.review_calculated", "Order review calculated"),
        ("", ""),
    ],
)
def test_event_label(verb, words):
    assert event_label(verb) == words


def test_filter_renders_words():
    assert (
        Template("{% load caseworks %}{{ v|event_label }}").render(Context({"v": "work_item.reassigned"}))
        == "Work item reassigned"
    )


@pytest.mark.django_db
def test_case_page_shows_events_in_words(client_as):
    from tests.cases.factories import CaseFactory

    case = CaseFactory()
    event_record(verb="work_item.created", case_id=case.pk, summary="Locate the NCP")
    page = client_as("caseworker").get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    assert "Work item created" in page and "work_item.created" not in page

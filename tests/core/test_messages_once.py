"""No message shown twice (issue 15.5): ``base.html`` is the one place that shows Django messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from enforcement.choices import Remedy
from enforcement.models import EnforcementAction
from enforcement.services.sweep import sweep_run_inline
from tests.enforcement.factories import AS_OF, delinquent_case

MESSAGE_LOOP = re.compile(r"{%\s*for\s+\w+\s+in\s+messages\s*%}")


def test_only_base_html_shows_messages():
    templates = Path(settings.BASE_DIR) / "templates"
    showing = sorted(
        str(p.relative_to(templates)) for p in templates.rglob("*.html") if MESSAGE_LOOP.search(p.read_text())
    )
    assert showing == ["base.html"]


@pytest.mark.django_db
def test_success_message_after_post_redirect_appears_once(client_as):
    # given: a proposed passport denial
    case = delinquent_case(unassigned="3000.00")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    # when: the notice is issued (POST, redirect to the action page, which had its own message loop)
    response = client_as("enforcement_specialist").post(
        reverse("enforcement:action_issue_notice", args=[action.pk]), {"confirmed": "yes"}, follow=True
    )
    # then: the message is on the page once
    assert response.redirect_chain and response.status_code == 200
    assert response.content.decode().count("Notice issued: print the letter and mail it.") == 1

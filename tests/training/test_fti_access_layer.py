"""The access layer's FTI rule (cases.access.can_view_fti) follows the training gate.

Skipped until the cases app's access module is on main; then it runs with no change.
"""

from datetime import date

import pytest
import time_machine

from .factories import CompletionFactory, UserFactory, fti_course, noon

access = pytest.importorskip("cases.access")
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("today", "allowed"), [(date(2026, 11, 23), True), (date(2026, 11, 24), False)])
def test_can_view_fti_allows_only_while_training_is_current(fti_role, today, allowed):
    user = UserFactory(username="fti_viewer")
    user.groups.add(fti_role)
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2025, 11, 23))
    with time_machine.travel(noon(today), tick=False):
        assert access.can_view_fti(type(user).objects.get(pk=user.pk)) is allowed


def test_can_view_fti_denies_without_the_permission_even_when_trained(make_user):
    user = make_user("outreach")
    CompletionFactory(user=user, course=fti_course())
    assert access.can_view_fti(user) is False


def test_can_view_fti_denies_the_untrained(fti_role):
    user = UserFactory(username="untrained")
    user.groups.add(fti_role)
    assert access.can_view_fti(type(user).objects.get(pk=user.pk)) is False

"""``core.services.repeat_refuse``: the one check of "the same thing again" (a double-clicked or
retried form) that the apps' services call, within a window or at any time."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import DomainEvent
from core.services import event_record, repeat_refuse

pytestmark = pytest.mark.django_db


def _event_of_yesterday(verb: str = "test.thing") -> DomainEvent:
    event = event_record(verb=verb, summary="thing")
    DomainEvent.objects.filter(pk=event.pk).update(occurred_at=timezone.now() - timedelta(days=1))
    return event


def test_without_a_window_a_repeat_of_any_time_is_refused():
    parent = _event_of_yesterday()
    same = DomainEvent.objects.filter(verb="test.thing")
    repeat_refuse(parent=parent, same=same, at="occurred_at", message="again")  # yesterday: not a moment ago
    with pytest.raises(ValidationError, match="again"):
        repeat_refuse(parent=parent, same=same, window=None, message="again")


def test_the_message_may_name_the_row_repeated_or_be_the_error_itself():
    first, _second = _event_of_yesterday(), _event_of_yesterday()
    same = DomainEvent.objects.filter(verb="test.thing")
    with pytest.raises(ValidationError) as refused:
        repeat_refuse(parent=first, same=same, window=None, message=lambda row: {"summary": f"as #{row.pk}"})
    assert refused.value.message_dict == {"summary": [f"as #{first.pk}"]}  # the first one

    class Again(ValidationError):
        pass

    with pytest.raises(Again):
        repeat_refuse(parent=first, same=same, window=None, message=lambda row: Again(f"#{row.pk}"))


def test_a_window_needs_the_time_it_is_measured_on():
    parent = _event_of_yesterday()
    with pytest.raises(TypeError):
        repeat_refuse(parent=parent, same=DomainEvent.objects.all(), message="again")


def test_a_parent_the_caller_has_locked_is_not_locked_again():
    parent = _event_of_yesterday()
    same = DomainEvent.objects.filter(verb="nothing.like.it")
    with CaptureQueriesContext(connection) as locking:
        repeat_refuse(parent=parent, same=same, window=None, message="again")
    with CaptureQueriesContext(connection) as locked:
        repeat_refuse(parent=parent, same=same, window=None, message="again", locked=True)
    assert len(locking) == 2 and len(locked) == 1  # the lock, then the check; the check only


def test_a_name_instead_of_a_parent_row_is_an_advisory_lock(monkeypatch):
    import core.services

    taken = []
    monkeypatch.setattr(core.services, "advisory_xact_lock", taken.append)
    repeat_refuse(parent="test.file:7", same=DomainEvent.objects.none(), window=None, message="again")
    assert taken == ["test.file:7"]


def test_acting_user_is_a_user_with_a_row_or_no_one(make_user):
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from core.services import acting_user

    user = make_user("caseworker")
    assert acting_user(user) is user
    # the system, an anonymous visitor, an unsaved user, a partner's key (not a user): stored as no one
    assert acting_user(None) is None
    assert acting_user(AnonymousUser()) is None
    assert acting_user(User(username="unsaved")) is None
    assert acting_user(SimpleNamespace(pk=7, is_authenticated=True)) is None

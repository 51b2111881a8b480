"""A survey send e-mails each attendee's link at least once, and never two different links.

Red team (rtchaos): the send recorded every attendee as sent (``SurveyInvitee``) and committed, then
e-mailed the links from an on-commit callback in the web request; the first SMTP error (or the web
process dying) ended the loop, the raw tokens were gone, and "send again" skipped those attendees
(already invitees): they never got a survey. Now each invitee row waits ``pending`` with its token
sealed (encrypted) until a leased job hands it to the relay, retried like an announcement
(``core.mail``); the sealed token is erased once it is sent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.jobs import jobs_watchdog
from core.mail import EmailStatus
from core.models import Job, JobStatus
from outreach import services
from outreach.models import SurveyInvitation, SurveyInvitee
from tests.outreach.factories import EventFactory, SurveyFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"/outreach/feedback/([^/\s]+)/")


def _event_of(n: int):
    event = EventFactory()
    for i in range(n):
        services.registration_add(event=event, name=f"Pat Person{i}", email=f"p{i}@mail.example", walk_in=True)
    return SurveyFactory(event=event)


def _links(messages) -> dict[str, set[str]]:
    links: dict[str, set[str]] = {}
    for m in messages:
        links.setdefault(m.to[0], set()).add(TOKEN.search(m.body).group(1))
    return links


def test_a_relay_outage_mid_send_loses_no_attendees_link_and_sends_none_a_second_one(
    outreach_user, relay, django_capture_on_commit_callbacks
):
    # given six attendees and a relay that takes one e-mail, then refuses connections
    survey = _event_of(6)
    relay.up_for(1)
    # (eager in tests: the task's autoretry surfaces as Retry; a worker sends it again after a back-off)
    with pytest.raises(Retry, match="Connection refused"), django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 6
    assert len(mail.outbox) == 1
    statuses = sorted(SurveyInvitee.objects.values_list("email_status", flat=True))
    assert statuses == [EmailStatus.PENDING] * 5 + [EmailStatus.SENT]
    # "send again" while the relay is down writes nothing new (they are invitees: one link each)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_invite_attendees(survey=survey, by=outreach_user) == 0
    assert SurveyInvitation.objects.count() == 6
    # when the relay is back, the watchdog re-sends the job its retries gave up on
    relay.up()
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.CASEWORKS_JOB_UNCLAIMED_SECONDS + 1)):
        assert jobs_watchdog()["dispatched"] == 1
    # then every attendee has exactly one link, a different one each, and each link is a real one
    links = _links(mail.outbox)
    assert sorted(links) == [f"p{i}@mail.example" for i in range(6)]
    assert all(len(tokens) == 1 for tokens in links.values())
    tokens = {t for ts in links.values() for t in ts}
    assert len(tokens) == 6
    assert {services.survey_invitation_find(token=t).pk for t in tokens} == set(
        SurveyInvitation.objects.values_list("pk", flat=True)
    )
    assert set(SurveyInvitee.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    assert Job.objects.filter(key__startswith=f"survey_invitations:{survey.pk}:").get().status == JobStatus.DONE


def test_a_link_waiting_for_the_relay_is_stored_sealed_and_erased_once_sent(
    outreach_user, relay, django_capture_on_commit_callbacks
):
    survey = _event_of(5)
    relay.down()
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        services.survey_invite_attendees(survey=survey, by=outreach_user)
    # the token waits encrypted (never in clear) and only while its e-mail has not gone out
    with connection.cursor() as cursor:
        cursor.execute(f"select sealed_token from {SurveyInvitee._meta.db_table}")  # noqa: S608 — a table name
        stored = [row[0] for row in cursor.fetchall()]
    assert all(stored) and len(set(stored)) == 5
    sealed = set(SurveyInvitee.objects.values_list("sealed_token", flat=True))
    assert not sealed & set(stored)  # the column holds ciphertext, the model reads the token
    hashes = set(SurveyInvitation.objects.values_list("token_hash", flat=True))
    assert {services.token_hash(t) for t in sealed} == hashes
    relay.up()
    services.survey_invitations_send(survey_id=survey.pk)
    assert set(SurveyInvitee.objects.values_list("sealed_token", flat=True)) == {""}
    assert set(SurveyInvitee.objects.values_list("email_claimed_at", flat=True)) == {None}  # no send times kept
    assert len(mail.outbox) == 5


def test_an_address_the_relay_refuses_for_good_is_shown_and_gets_no_other_link(
    outreach_user, relay, django_capture_on_commit_callbacks, client_as
):
    survey = _event_of(5)
    relay.refuse("p3@mail.example", 550)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invite_attendees(survey=survey, by=outreach_user)
    assert len(mail.outbox) == 4
    refused = SurveyInvitee.objects.get(email_status=EmailStatus.FAILED)
    assert (refused.registration.email, refused.sealed_token) == ("p3@mail.example", "")
    page = client_as("outreach").get(survey.get_absolute_url()).content.decode()
    assert "4 e-mailed" in page and "p3@mail.example" in page and "550" in page


def test_admin_never_shows_a_waiting_survey_token(
    outreach_user, relay, admin_client, django_capture_on_commit_callbacks
):
    """Red team (rt2): the invitee admin showed every field, the sealed token decrypted, so anyone
    with admin could tie a waiting link to its attendee and answer in their name."""
    from django.urls import reverse

    survey = _event_of(5)
    relay.down()
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        services.survey_invite_attendees(survey=survey, by=outreach_user)
    invitee = SurveyInvitee.objects.order_by("pk").first()
    token = invitee.sealed_token
    assert token
    for url in (
        reverse("admin:outreach_surveyinvitee_change", args=[invitee.pk]),
        reverse("admin:outreach_surveyinvitee_changelist"),
    ):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert token not in page.content.decode()
        assert "sealed_token" not in page.content.decode()


def test_a_take_over_does_not_resend_a_row_a_live_sender_is_sending(outreach_user, relay, monkeypatch):
    """Red team (rt2): every retry ran as a take-over, and a take-over put back to ``pending`` every
    row left ``sending`` in the survey — across its batches, one job each — including the row a live
    sender was sending that moment: e-mailed twice although no worker died."""
    survey = _event_of(5)
    relay.down()
    services.survey_invite_attendees(survey=survey, by=outreach_user)  # rows wait; the job not run (no commit)
    relay.up()
    real = services.survey_invitation_email
    state = {"nested": False}

    def while_sending(**kwargs):
        # sender A, alive, is mid-send of its first row; meanwhile another job is taken over
        if not state["nested"]:
            state["nested"] = True
            services.survey_invitations_send(survey_id=survey.pk, takeover=True)
        return real(**kwargs)

    monkeypatch.setattr(services, "survey_invitation_email", while_sending)
    mail.outbox.clear()
    services.survey_invitations_send(survey_id=survey.pk)
    sent_to = [m.to[0] for m in mail.outbox]
    assert len(sent_to) == len(set(sent_to)) == 5, sent_to
    assert set(SurveyInvitee.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_take_over_resends_a_row_its_dead_worker_claimed(outreach_user, relay):
    """A worker that died mid-send renewed its lease every third of it, so its last claim is at least
    two thirds of a lease old when the lease is taken over: older than half a lease, sent again."""
    survey = _event_of(2)
    relay.down()
    services.survey_invite_attendees(survey=survey, by=outreach_user)  # the job not run (no commit)
    relay.up()
    first = SurveyInvitee.objects.order_by("pk").first()
    claimed = timezone.now()
    SurveyInvitee.objects.filter(pk=first.pk).update(email_status=EmailStatus.SENDING, email_claimed_at=claimed)
    mail.outbox.clear()
    services.survey_invitations_send(survey_id=survey.pk, takeover=True)  # too soon: maybe a live sender's
    assert len(mail.outbox) == 1
    with time_machine.travel(claimed + timedelta(seconds=settings.CASEWORKS_JOB_LEASE_SECONDS * 2 / 3), tick=False):
        services.survey_invitations_send(survey_id=survey.pk, takeover=True)
    assert len(mail.outbox) == 2
    assert set(SurveyInvitee.objects.values_list("email_status", flat=True)) == {"sent"}

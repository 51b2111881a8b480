"""Outreach writes (services: <entity>_<action>, keyword-only, transactional).

Rules worth knowing:
- Distributing materials decrements stock in the same transaction and refuses to go below zero.
- Publishing an announcement records one delivery row per opted-in address, then (after commit)
  a Celery task sends each pending row once: rows are claimed with a conditional update.
- Media reminders are sent once per inquiry and kind (due soon, overdue); each run is recorded.
- A survey link is single-use: the token is claimed with a conditional update in the same
  transaction that stores the answers.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.choices import Role
from accounts.models import User
from core.jobs import job_enqueue
from core.mail import MailFields, mail_link, mail_outbox_send
from core.models import DomainEvent
from core.services import REPEAT_WINDOW, event_about, repeat_refuse, row_repeat_refuse, saved_created_or_changed
from core.stale import Shown, refuse_if_changed

from .choices import (
    OPEN_INQUIRY_STATUSES,
    AnnouncementStatus,
    EventStatus,
    InquiryStatus,
    QuestionKind,
    RecipientKind,
    ReminderKind,
)
from .models import (
    Announcement,
    AnnouncementDelivery,
    Contact,
    ContactLog,
    Event,
    FollowUp,
    Material,
    MaterialDistribution,
    MediaContact,
    MediaInquiry,
    MediaReminder,
    Organisation,
    Registration,
    ReminderRun,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyInvitee,
    SurveyQuestion,
    SurveyResponse,
)


def _save(obj, *, exclude: list[str] | None = None):
    obj.full_clean(exclude=exclude)
    obj.save()
    return obj


# Partners ------------------------------------------------------------------------------------
def organisation_save(*, organisation: Organisation, by: User) -> Organisation:
    return saved_created_or_changed(
        organisation,
        created="outreach.organisation_created",
        changed="outreach.organisation_changed",
        by=by,
        summary=organisation.name,
    )


def contact_save(*, contact: Contact, by: User) -> Contact:
    created = contact.pk is None
    _save(contact)
    if created:
        event_about(contact.organisation, verb="outreach.contact_added", by=by, summary=contact.name)
    return contact


@transaction.atomic
def contact_log_record(*, log: ContactLog, by: User) -> ContactLog:
    """One contact on the organisation's history. The same entry recorded again by the same person
    a moment later (a double-clicked form) is refused under the organisation's lock."""
    log.recorded_by = by
    contact = log.contact  # None without a query when no contact is named
    if contact is not None and contact.organisation_id != log.organisation_id:
        raise ValidationError({"contact": "That contact belongs to another organisation."})
    row_repeat_refuse(
        row=log,
        parent=log.organisation,
        fields=("organisation", "contact", "occurred_on", "channel", "summary", "event", "recorded_by"),
        at="recorded_at",
        message="This contact was just recorded: nothing was added again.",
    )
    return _save(log)


def media_contact_save(*, media_contact: MediaContact, by: User) -> MediaContact:
    return _save(media_contact)


# Events --------------------------------------------------------------------------------------
def event_save(*, event: Event, by: User, presenters=None, materials=None) -> Event:
    """Create or change an event. The same new event created again by the same person a moment later
    (a double-clicked form) is refused."""
    created = event.pk is None
    if created:
        event.created_by = by
    with transaction.atomic():
        if created:
            row_repeat_refuse(
                row=event,
                parent="outreach.event_create",
                fields=("title", "kind", "audience", "starts_at", "ends_at", "location", "status", "created_by"),
                at="created_at",
                message="This event was just created: nothing was added again.",
            )
        _save(event)
        if presenters is not None:
            event.presenters.set(presenters)
        if materials is not None:
            event.materials.set(materials)
        event_about(
            event, verb="outreach.event_scheduled" if created else "outreach.event_changed", by=by, summary=event.title
        )
    return event


def registration_add(
    *,
    event: Event,
    name: str,
    email: str = "",
    phone: str = "",
    organisation_name: str = "",
    walk_in: bool = False,
    by: User | None = None,
) -> Registration:
    """Register someone; a walk-in is marked as attended. Capacity, when set, is a hard limit. An
    e-mail address is registered once; without one, the same name, phone and organisation again
    within a few minutes (a double-clicked form) is refused."""
    if event.status == EventStatus.CANCELLED:
        raise ValidationError("The event is cancelled.")
    email = email.strip().lower()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        registration = Registration(
            event=locked,
            name=name.strip(),
            email=email,
            phone=phone.strip(),
            organisation_name=organisation_name.strip(),
            walk_in=walk_in,
            attended=walk_in,
        )
        if not email:  # without an e-mail, the same person added again a moment ago (a double-click)
            row_repeat_refuse(
                row=registration,
                parent=locked,
                locked=True,  # above: the capacity check needs the lock with or without an e-mail
                fields=("event", "email", "name", "phone", "organisation_name", "walk_in"),
                at="registered_at",
                message="This person was already registered a moment ago: nothing was added again. (Another"
                " person of the same name: add a phone number or organisation to tell them apart.)",
            )
        if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
            raise ValidationError(f"The event is full ({locked.capacity} places).")
        if email and locked.registrations.filter(email=email).exists():
            raise ValidationError({"email": "This e-mail address is already registered for the event."})
        _save(registration)
    return registration


@transaction.atomic
def attendance_record(*, event: Event, attended_ids: set[int], by: User) -> int:
    """Set who attended (the rest did not). Returns the number attending."""
    regs = Registration.objects.filter(event=event)
    regs.filter(pk__in=attended_ids).update(attended=True)
    regs.exclude(pk__in=attended_ids).update(attended=False)
    count = regs.filter(attended=True).count()
    if event.status == EventStatus.SCHEDULED and event.starts_at <= timezone.now():
        Event.objects.filter(pk=event.pk).update(status=EventStatus.HELD)
    # update() bypasses the history signals: record the effect explicitly.
    event_about(
        event,
        verb="outreach.attendance_recorded",
        by=by,
        summary=f"{count} attended",
        data={"attended_ids": sorted(attended_ids)},
    )
    return count


def follow_up_add(*, follow_up: FollowUp, by: User) -> FollowUp:
    return _save(follow_up)


def follow_up_complete(*, follow_up: FollowUp, by: User) -> bool:
    done = FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(done_at=timezone.now()) == 1
    if done:
        event_about(follow_up.event, verb="outreach.follow_up_done", by=by, summary=follow_up.description)
    return done


# Materials -----------------------------------------------------------------------------------
def material_save(*, material: Material, by: User) -> Material:
    return saved_created_or_changed(
        material, created="outreach.material_added", changed="outreach.material_changed", by=by, summary=str(material)
    )


@transaction.atomic
def material_distribute(
    *,
    material: Material,
    quantity: int,
    distributed_on: date,
    location: str,
    by: User,
    event: Event | None = None,
    organisation: Organisation | None = None,
) -> MaterialDistribution:
    """Record copies handed out and take them off the stock in one transaction; never below zero.
    The same distribution recorded again by the same person a moment later (a double-clicked
    form) is refused under the material's lock: the copies leave the stock once."""
    if quantity <= 0:
        raise ValidationError({"quantity": "Distribute at least one copy."})
    distribution = MaterialDistribution(
        material=material,
        quantity=quantity,
        distributed_on=distributed_on,
        location=location.strip(),
        event=event,
        organisation=organisation,
        recorded_by=by,
    )
    row_repeat_refuse(
        row=distribution,
        parent=material,
        fields=("material", "quantity", "distributed_on", "location", "event", "organisation", "recorded_by"),
        at="recorded_at",
        message="This distribution was already recorded: the stock was not taken down again.",
    )
    # The conditional update is the guard: two concurrent distributions cannot both pass it.
    taken = Material.objects.filter(pk=material.pk, stock__gte=quantity).update(stock=F("stock") - quantity)
    if taken != 1:
        on_hand = Material.objects.filter(pk=material.pk).values_list("stock", flat=True).first()
        raise ValidationError({"quantity": f"Only {on_hand or 0} copies are in stock."})
    _save(distribution)
    _stock_moved(
        material,
        verb="outreach.material_distributed",
        by=by,
        summary=f"{quantity} copies to {distribution.location}",
        quantity=quantity,
    )
    return distribution


@transaction.atomic
def material_restock(*, material: Material, quantity: int, by: User) -> Material:
    """Add received copies to the stock. The same restock by the same person a moment later (a
    double-clicked button) is refused under the material's lock: its event is the record."""
    if quantity <= 0:
        raise ValidationError({"quantity": "Add at least one copy."})
    repeat_refuse(
        parent=material,
        same=DomainEvent.objects.filter(
            verb="outreach.material_restocked",
            subject_type=ContentType.objects.get_for_model(Material),
            subject_id=material.pk,
            actor=by,
            data__quantity=quantity,  # what the event records, not its summary's words
        ),
        at="occurred_at",
        message=f"This restock was already recorded (+{quantity} copies): the stock was not raised again.",
    )
    Material.objects.filter(pk=material.pk).update(stock=F("stock") + quantity)
    _stock_moved(material, verb="outreach.material_restocked", by=by, summary=f"+{quantity} copies", quantity=quantity)
    return material


def _stock_moved(material: Material, *, verb: str, by: User, summary: str, quantity: int) -> None:
    """The stock changed by update(), which bypasses the history signals: read it again and record
    the movement (the copies moved) with what is left."""
    material.refresh_from_db(fields=["stock"])
    event_about(material, verb=verb, by=by, summary=summary, data={"quantity": quantity, "stock_after": material.stock})


# Announcements -------------------------------------------------------------------------------
def announcement_save(*, announcement: Announcement, by: User) -> Announcement:
    if announcement.pk and announcement.status == AnnouncementStatus.PUBLISHED:
        raise ValidationError("A published announcement cannot be edited; publish a new one.")
    if announcement.pk is None:
        announcement.created_by = by
    return _save(announcement)


def announcement_recipients(*, announcement: Announcement) -> list[dict[str, Any]]:
    """Opted-in, active addresses, each once (a contact wins over a media contact with the same address)."""
    found: dict[str, dict[str, Any]] = {}
    if announcement.send_to_contacts:
        for c in (
            Contact.objects.filter(wants_announcements=True, is_active=True, organisation__is_active=True)
            .exclude(email="")
            .order_by("pk")
        ):
            found.setdefault(
                c.email.lower(),
                {"email": c.email.lower(), "name": c.name, "recipient_kind": RecipientKind.CONTACT, "contact": c},
            )
    if announcement.send_to_media:
        for m in MediaContact.objects.filter(wants_announcements=True, is_active=True).exclude(email="").order_by("pk"):
            found.setdefault(
                m.email.lower(),
                {"email": m.email.lower(), "name": m.name, "recipient_kind": RecipientKind.MEDIA, "media_contact": m},
            )
    return list(found.values())


def announcement_publish(*, announcement: Announcement, by: User) -> int:
    """Publish to the public page and queue one e-mail per opted-in recipient. Returns recipients queued."""
    with transaction.atomic():
        claimed = Announcement.objects.filter(pk=announcement.pk, status=AnnouncementStatus.DRAFT).update(
            status=AnnouncementStatus.PUBLISHED, published_at=timezone.now(), published_by=by
        )
        if claimed != 1:
            raise ValidationError("This announcement is already published.")
        announcement.refresh_from_db()
        subject = f"[{settings.CASEWORKS_OFFICE_NAME}] {announcement.title}"[:250]
        rows = [
            AnnouncementDelivery(announcement=announcement, subject=subject, **r)
            for r in announcement_recipients(announcement=announcement)
        ]
        AnnouncementDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        event_about(
            announcement,
            verb="outreach.announcement_published",
            by=by,
            summary=announcement.title,
            data={"recipients": len(rows)},
        )
        # The outbox row commits with the deliveries (core.jobs): a broker outage delays the e-mails.
        job_enqueue(
            task="outreach.tasks.announcement_send_task", args=[announcement.pk], key=f"announcement:{announcement.pk}"
        )
    return len(rows)


def announcement_email(*, announcement: Announcement, subject: str, email: str, public_url: str) -> tuple[str, str]:
    """The announcement e-mail in the shared letter layout (``core.letters``), in every language the
    office writes in: the announcement's own text (as the office wrote it) in the default
    language's part, and in the others where to read it and how to ask for it in their language."""
    from core.letters import Letter, MailingBlock, letter_language, multilingual_email

    default = letter_language(None)

    def build(language: str) -> Letter:
        with translation.override(language):
            sections = (
                [("", announcement.body)]
                if language == default
                else [
                    (
                        "",
                        gettext(
                            "This announcement was written in English. To have it read to you in your language, "
                            "call us: an interpreter is free of charge."
                        ),
                    )
                ]
            )
            sections += [
                ("", gettext("Read it online: %(url)s") % {"url": public_url}),
                (
                    "",
                    gettext(
                        "You receive this because you asked the office for program announcements. "
                        "Reply to this message to stop receiving them."
                    ),
                ),
            ]
            return Letter(
                kind="announcement",
                subject=subject if language == default else gettext("Announcement: %(subject)s") % {"subject": subject},
                recipient=MailingBlock(name=email),
                date=timezone.localdate(),
                language=language,
                sections=sections,
            )

    return multilingual_email(build)


def survey_invitation_email(*, survey: Survey, email: str, link: str) -> tuple[str, str]:
    """The survey invitation e-mail, in the shared letter layout and in every language offered."""
    from core.letters import Letter, MailingBlock, multilingual_email

    title = survey.event.title if survey.event is not None else survey.title

    def build(language: str) -> Letter:
        with translation.override(language):
            return Letter(
                kind="survey_invitation",
                subject=gettext("How was %(event)s?") % {"event": title},
                recipient=MailingBlock(name=email),
                date=timezone.localdate(),
                language=language,
                sections=[
                    (
                        "",
                        gettext(
                            "Thank you for coming to %(event)s. Please tell us in two minutes how it went: %(link)s"
                        )
                        % {"event": title, "link": link},
                    ),
                    ("", gettext("The link works once. Your answers are anonymous unless you write your name.")),
                ],
            )

    return multilingual_email(build)


ANNOUNCEMENT_MAIL = MailFields(status="status", claimed_at="claimed_at", sent_at="sent_at", error="error")


def announcement_send(*, announcement_id: int, takeover: bool = False) -> dict[str, int]:
    """Send every pending delivery of an announcement once (``core.mail``). Safe to re-run: sent rows
    are skipped.

    A recipient the relay refuses for good (5xx) is marked ``failed`` with the reason, shown on the
    announcement's page. A relay that cannot take mail now (connection refused, 4xx) leaves the rest
    ``pending`` and raises ``MailRelayUnavailable``: the task retries, then the jobs watchdog.
    ``takeover``: the worker that held this job died (``core.jobs``). A row it left ``sending`` may or
    may not have reached the mail server; it is sent again (at least once: a second copy of an
    announcement is better than none, and SMTP offers no way to ask).
    """
    announcement = Announcement.objects.get(pk=announcement_id)
    public_url = mail_link(reverse("outreach:public_announcement_detail", kwargs={"pk": announcement.pk}))

    def message(delivery: AnnouncementDelivery) -> EmailMessage:
        subject, body = announcement_email(
            announcement=announcement, subject=delivery.subject, email=delivery.email, public_url=public_url
        )
        return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.email])

    result = mail_outbox_send(
        announcement.deliveries.all(), message=message, fields=ANNOUNCEMENT_MAIL, takeover=takeover
    )
    counts = {"sent": result.sent, "failed": result.failed}
    if result.sent or result.failed:
        event_about(
            announcement,
            verb="outreach.announcement_sent",
            actor_label="announcement_send_task",
            summary=f"{counts['sent']} sent, {counts['failed']} failed"
            + (" (the relay is down: the rest wait for a retry)" if result.relay_down else ""),
            data={**counts, "relay_down": result.relay_down},
        )
    result.raise_if_relay_down()
    return counts


# Media inquiries -----------------------------------------------------------------------------
def media_inquiry_save(*, inquiry: MediaInquiry, by: User) -> MediaInquiry:
    if not inquiry._state.adding and inquiry.status == InquiryStatus.APPROVED:
        # Editing the draft after approval sends it back for approval.
        previous = MediaInquiry.objects.get(pk=inquiry.pk)
        if previous.draft_response != inquiry.draft_response:
            inquiry.status = InquiryStatus.DRAFTED
            inquiry.approved_response = ""
            inquiry.approved_by = None
            inquiry.approved_at = None
    if inquiry.status == InquiryStatus.OPEN and inquiry.draft_response.strip():
        inquiry.status = InquiryStatus.DRAFTED
    return saved_created_or_changed(
        inquiry,
        created="outreach.media_inquiry_received",
        changed="outreach.media_inquiry_changed",
        by=by,
        summary=f"{inquiry.outlet} ({inquiry.reporter})",
    )


def media_inquiry_shown(inquiry: MediaInquiry) -> dict[str, str]:
    """What the approver reads and approves: the drafted text (``core.stale``: the approve button's
    form carries its fingerprint)."""
    return {"draft_response": inquiry.draft_response}


@transaction.atomic
def media_inquiry_approve(*, inquiry: MediaInquiry, by: User, shown: Shown | None = None) -> MediaInquiry:
    """The approval step: the drafted text becomes the approved response. From the inquiry's page
    (``shown``), the text the approver read there: a draft changed since is refused, not approved
    unread. Checked under the inquiry's lock."""
    if not by.has_perm("outreach.approve_mediainquiry"):
        raise ValidationError("You may not approve media responses.")
    locked = MediaInquiry.objects.select_for_update().get(pk=inquiry.pk)
    refuse_if_changed(
        row=locked, shown=shown, current=media_inquiry_shown(locked), labels={"draft_response": "drafted response"}
    )
    if not locked.draft_response.strip():
        raise ValidationError("There is no drafted response to approve.")
    now = timezone.now()
    updated = MediaInquiry.objects.filter(pk=inquiry.pk, status=InquiryStatus.DRAFTED).update(
        status=InquiryStatus.APPROVED, approved_response=locked.draft_response, approved_by=by, approved_at=now
    )
    if updated != 1:
        raise ValidationError("Only a drafted response can be approved.")
    inquiry.refresh_from_db()
    event_about(inquiry, verb="outreach.media_response_approved", by=by, summary=inquiry.outlet)
    return inquiry


def media_inquiry_respond(*, inquiry: MediaInquiry, by: User, responded_at: datetime | None = None) -> MediaInquiry:
    """Mark the approved response as given to the reporter; the response time runs to here."""
    responded_at = responded_at or timezone.now()
    if responded_at < inquiry.received_at:
        raise ValidationError("A response cannot precede the inquiry.")
    updated = MediaInquiry.objects.filter(pk=inquiry.pk, status=InquiryStatus.APPROVED).update(
        status=InquiryStatus.RESPONDED, responded_at=responded_at
    )
    if updated != 1:
        raise ValidationError("Only an approved response can be sent.")
    inquiry.refresh_from_db()
    event_about(
        inquiry,
        verb="outreach.media_responded",
        by=by,
        summary=inquiry.outlet,
        data={"response_hours": inquiry.response_hours},
    )
    return inquiry


def media_inquiry_decline(*, inquiry: MediaInquiry, by: User) -> MediaInquiry:
    updated = MediaInquiry.objects.filter(pk=inquiry.pk, status__in=OPEN_INQUIRY_STATUSES).update(
        status=InquiryStatus.DECLINED, responded_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError("Only an open inquiry can be declined.")
    inquiry.refresh_from_db()
    event_about(inquiry, verb="outreach.media_declined", by=by, summary=inquiry.outlet)
    return inquiry


def due_soon_window() -> timedelta:
    return timedelta(hours=settings.CASEWORKS_OUTREACH_MEDIA_DUE_SOON_HOURS)


def _reminder_recipients(inquiry: MediaInquiry) -> list[str]:
    spokesperson = inquiry.spokesperson
    if spokesperson is not None and spokesperson.email:
        return [spokesperson.email]
    return sorted(
        User.objects.filter(groups__name=str(Role.OUTREACH), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def media_reminders_run(*, now: datetime | None = None) -> ReminderRun:
    """Remind spokespeople of open inquiries due within the window and of overdue ones, once each."""
    now = now or timezone.now()
    run = ReminderRun.objects.create()
    open_qs = MediaInquiry.objects.filter(status__in=OPEN_INQUIRY_STATUSES).select_related("spokesperson")
    plan = [
        (ReminderKind.OVERDUE, open_qs.filter(deadline__lt=now)),
        (ReminderKind.DUE_SOON, open_qs.filter(deadline__gte=now, deadline__lte=now + due_soon_window())),
    ]
    counts = {ReminderKind.OVERDUE: 0, ReminderKind.DUE_SOON: 0}
    errors: list[str] = []
    for kind, qs in plan:
        for inquiry in qs.exclude(reminders__kind=kind).order_by("deadline", "pk"):
            recipients = _reminder_recipients(inquiry)
            try:
                with transaction.atomic():
                    # The unique (inquiry, kind) row is the claim: a re-run or a second worker fails here.
                    MediaReminder.objects.create(inquiry=inquiry, kind=kind, recipients=recipients, run=run)
                    if recipients:
                        label = "is overdue" if kind == ReminderKind.OVERDUE else "is due soon"
                        send_mail(
                            f"Media inquiry from {inquiry.outlet} {label}",
                            f"Deadline: {timezone.localtime(inquiry.deadline):%Y-%m-%d %H:%M}\n"
                            f"Reporter: {inquiry.reporter}\nQuestion: {inquiry.question[:500]}",
                            settings.DEFAULT_FROM_EMAIL,
                            recipients,
                        )
            except IntegrityError:
                continue
            except Exception as exc:  # noqa: BLE001 — record and go on with the next inquiry
                errors.append(f"inquiry {inquiry.pk}: {exc}"[:300])
                continue
            counts[kind] += 1
    ReminderRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        due_soon_count=counts[ReminderKind.DUE_SOON],
        overdue_count=counts[ReminderKind.OVERDUE],
        errors=errors,
    )
    run.refresh_from_db()
    return run


# Surveys -------------------------------------------------------------------------------------
def survey_save(*, survey: Survey, by: User) -> Survey:
    if survey.pk is None:
        survey.created_by = by
    return _save(survey)


def survey_question_add(*, survey: Survey, text: str, kind: str, required: bool = True) -> SurveyQuestion:
    if survey.responses.exists():
        raise ValidationError("The survey already has responses; add questions to a new survey.")
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
        return _save(SurveyQuestion(survey=survey, position=last + 1, text=text.strip(), kind=kind, required=required))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    invitation: SurveyInvitation
    token: str


@transaction.atomic
def survey_invitations_issue(*, survey: Survey, count: int, by: User) -> list[IssuedLink]:
    """Make ``count`` single-use links. The raw tokens are returned once and not stored."""
    if not 1 <= count <= settings.CASEWORKS_OUTREACH_MAX_LINKS_PER_BATCH:
        raise ValidationError(
            {"count": f"Issue between 1 and {settings.CASEWORKS_OUTREACH_MAX_LINKS_PER_BATCH} links."}
        )
    issued = []
    for _ in range(count):
        raw = secrets.token_urlsafe(24)
        issued.append(IssuedLink(SurveyInvitation.objects.create(survey=survey, token_hash=token_hash(raw)), raw))
    event_about(survey, verb="outreach.survey_links_issued", by=by, summary=f"{count} links")
    return issued


def survey_attendees_to_invite(*, survey: Survey) -> list[Registration]:
    """Attendees of the survey's event with an address who have neither answered nor been sent a
    link: no invitation for the registration, nor for another registration with the same e-mail
    (a person registered twice gets one link). One registration per address."""
    sent = survey.invitees.all()
    sent_ids = set(sent.values_list("registration_id", flat=True))
    sent_emails = {e.strip().lower() for e in sent.values_list("registration__email", flat=True) if e}
    if survey.event is None:  # a survey of no event has no attendees
        return []
    chosen: dict[str, Registration] = {}
    for reg in survey.event.registrations.filter(attended=True).exclude(email="").order_by("pk"):
        email = reg.email.strip().lower()
        if reg.pk in sent_ids or email in sent_emails or email in chosen:
            continue
        chosen[email] = reg
    return list(chosen.values())


# The fewest attendees a send after the first e-mails at once (docs/outreach.md, "Anonymity"). A
# batch is visible on file — its links' ids and times, its ``SurveyInvitee`` rows, its event's
# count — so a response is known to come from one of its batch: a late walk-in sent a link alone
# would be named by it. Fewer waiting are held until this many are (the first send goes to all the
# attendees there are: the event itself is the group).
LATE_BATCH_MIN = 5


def survey_late_attendees_held(*, survey: Survey, waiting: int) -> bool:
    """Whether ``waiting`` attendees not yet sent a link are held back (``LATE_BATCH_MIN``): the
    survey was sent before and too few are waiting to be told apart from each other."""
    return 0 < waiting < LATE_BATCH_MIN and survey.invitees.exists()


def survey_invite_attendees(*, survey: Survey, by: User) -> int:
    """E-mail a single-use link to every attendee of the survey's event who has neither answered nor
    been sent one (``survey_attendees_to_invite``). Returns the links queued. Sending again sends
    only to attendees added since, and only once ``LATE_BATCH_MIN`` of them are waiting (fewer are
    held: 0 is returned and nothing written); two sends at once are serialised on the survey row,
    and the database holds one invitation per registration.

    The e-mails go out at least once (``core.mail``): each attendee's ``SurveyInvitee`` row waits
    ``pending`` with its link's token sealed (encrypted) and a leased job sends them
    (``survey_invitations_send``), retried while the relay cannot take mail and taken over if its
    worker dies, always with the same token — an attendee is never sent two different links.

    The e-mail promises anonymous answers: who was sent a link (``SurveyInvitee``) is recorded apart
    from the links, which name nobody and are made in a shuffled order, so neither a link nor its
    place in the batch leads from a response to the attendee. The sealed token is the one tie, kept
    only until the link is handed to the relay and then erased. Which batch a link belongs to does
    show (ids, ``created_at``): a response is anonymous among the attendees of its batch, the whole
    event for the first send, at least ``LATE_BATCH_MIN`` for any later one."""
    if survey.event_id is None:
        raise ValidationError("The survey is not tied to an event.")
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        regs = survey_attendees_to_invite(survey=survey)
        if survey_late_attendees_held(survey=survey, waiting=len(regs)):
            return 0
        if not regs:
            return 0
        tokens = {reg.pk: secrets.token_urlsafe(24) for reg in regs}
        # The invitee rows in registration order, the links in a shuffled one: no order ties them.
        SurveyInvitee.objects.bulk_create(
            [SurveyInvitee(survey=survey, registration=reg, sealed_token=tokens[reg.pk]) for reg in regs]
        )
        shuffled = list(tokens.values())
        secrets.SystemRandom().shuffle(shuffled)
        for raw in shuffled:
            SurveyInvitation.objects.create(survey=survey, token_hash=token_hash(raw))
        event_about(
            survey,
            verb="outreach.survey_attendees_invited",
            by=by,
            summary=f"{len(regs)} invited",
            data={"sent": len(regs)},
        )
        batch = SurveyInvitee.objects.filter(survey=survey).count()
        job_enqueue(
            task="outreach.tasks.survey_invitations_send_task",
            args=[survey.pk],
            key=f"survey_invitations:{survey.pk}:{batch}",
        )
    return len(regs)


# What a survey link's e-mail keeps (core.mail): no send time (when each attendee's link went out,
# set against when answers came in, would narrow who answered); the sealed token and the claim time
# erased once the e-mail is sent or refused for good.
SURVEY_MAIL = MailFields(sent_at=None, erase={"sealed_token": "", "email_claimed_at": None})


def survey_invitations_send(*, survey_id: int, takeover: bool = False) -> dict[str, int]:
    """Send every waiting survey link of ``survey_id`` once (``core.mail``); the task's job retries
    while the relay cannot take mail (``MailRelayUnavailable``), and ``takeover`` re-sends what a
    dead worker left ``sending`` — the same link, from the sealed token."""
    survey = Survey.objects.select_related("event").get(pk=survey_id)

    def message(invitee: SurveyInvitee) -> EmailMessage:
        raw = invitee.sealed_token
        if not raw:  # sent or refused already (the token erased): never a second link
            raise ValueError("no link is waiting for this attendee")
        email = invitee.registration.email
        link = mail_link(reverse("outreach:feedback_form", kwargs={"token": raw}))
        subject, body = survey_invitation_email(survey=survey, email=email, link=link)
        return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    rows = SurveyInvitee.objects.filter(survey=survey).select_related("registration")
    result = mail_outbox_send(rows, message=message, fields=SURVEY_MAIL, takeover=takeover)
    result.raise_if_relay_down()
    return {"sent": result.sent, "failed": result.failed}


def survey_invitation_find(*, token: str) -> SurveyInvitation | None:
    """The unused invitation for a token, or None (unknown, used, or the survey is closed)."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related("survey")
        .filter(token_hash=token_hash(token), used_at__isnull=True, survey__is_open=True)
        .first()
    )


def survey_invitation_just_used(*, token: str) -> SurveyInvitation | None:
    """The invitation of a token used a moment ago (``REPEAT_WINDOW``), or None: its form sent again
    (a double-clicked "Send", a phone's browser resending) is answered by ``survey_response_submit``."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related("survey")
        .filter(token_hash=token_hash(token), used_at__gte=timezone.now() - REPEAT_WINDOW)
        .first()
    )


def _survey_answers(questions: Iterable[SurveyQuestion], answers: dict[int, Any]) -> list[SurveyAnswer]:
    """The answer rows ``answers`` (question id → value) make, unsaved; a rating outside 1–5 or a
    missing required answer refused (on the question's field)."""
    rows = []
    errors = {}
    for q in questions:
        value = answers.get(q.pk)
        answer = SurveyAnswer(question=q)
        if value is None or value == "":
            if q.required:
                errors[f"q_{q.pk}"] = "This question needs an answer."
            continue
        if q.kind == QuestionKind.RATING:
            try:
                rating = int(value)
            except (TypeError, ValueError):
                rating = 0
            if not 1 <= rating <= 5:
                errors[f"q_{q.pk}"] = "Choose a score from 1 to 5."
                continue
            answer.rating = rating
        elif q.kind == QuestionKind.YES_NO:
            if value not in (True, False):
                errors[f"q_{q.pk}"] = "Answer yes or no."
                continue
            answer.yes_no = value
        else:
            text = str(value).replace("\x00", "").strip()
            if len(text) > 2000:
                errors[f"q_{q.pk}"] = "Keep the answer under 2000 characters."
                continue
            answer.text = text
        rows.append(answer)
    if errors:
        raise ValidationError(errors)
    return rows


def _said(rows: Iterable[SurveyAnswer]) -> set[tuple]:
    return {(a.question_id, a.rating, a.yes_no, a.text) for a in rows}


def _response_sent_again(token: str, rows: list[SurveyAnswer]) -> SurveyResponse:
    """The response the link ``token`` stored a moment ago when ``rows`` say what it said: the same
    form sent again. Else the link is refused as used (nothing of the stored answers said)."""
    used = survey_invitation_just_used(token=token)
    response = SurveyResponse.objects.filter(invitation=used).first() if used is not None else None
    if response is None or _said(response.answers.all()) != _said(rows):
        raise ValidationError("This feedback link is not valid or has already been used.", code="bad_token")
    return response


def survey_response_submit(*, token: str, answers: dict[int, Any]) -> SurveyResponse:
    """Store one response for a single-use token. ``answers`` maps question id → value.

    Refused: an unknown or used token, a closed survey, a rating outside 1–5, a missing required answer.
    The same answers sent again with a link used a moment ago (a double-clicked "Send", a browser's
    resend) store nothing and return the response stored, for its thank-you page again, as the
    public complaint form does (``complaints.services.complaint_file_public``); other answers with
    a used link are refused.
    """
    invitation = survey_invitation_find(token=token) or survey_invitation_just_used(token=token)
    if invitation is None:
        raise ValidationError("This feedback link is not valid or has already been used.", code="bad_token")
    rows = _survey_answers(invitation.survey.questions.all(), answers)
    with transaction.atomic():
        if SurveyInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now()) != 1:
            return _response_sent_again(token, rows)
        response = SurveyResponse.objects.create(survey=invitation.survey, invitation=invitation)
        for answer in rows:
            answer.response = response
            answer.full_clean()
        SurveyAnswer.objects.bulk_create(rows)
        event_about(
            invitation.survey,
            verb="outreach.feedback_received",
            actor_label="public feedback form",
            data={"answers": len(rows)},
        )
    return response

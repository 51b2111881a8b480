"""What the appellant reads and how it reaches them (hearings.letters): an appellant who is not a
case person is e-mailed their letters (never "mailed" to an e-mail address printed in the window)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import SentLetter, WorkItem
from hearings import services
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 4)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


CLOCK = at(TODAY, 9)  # the notices below are issued the morning of the request


def direct_request(**fields):
    """A request made without a complaint on file (the appellant is no case person)."""
    values = {
        "requester_name": "Ana Ruiz",
        "issue": "distribution",
        "statement": "s",
        "requested_on": TODAY,
        "complaint_made_on": date(2026, 11, 2),
        "resolution_received_on": date(2026, 11, 25),
        "interpreter_language": "Spanish",
        "today": TODAY,
    }
    values.update(fields)
    return services.hearing_request_create(**values)


@pytest.fixture
def officer(role_user):
    return role_user("hearing_officer")


def test_the_notice_to_an_appellant_who_is_no_case_person_is_emailed(officer, django_capture_on_commit_callbacks):
    request = direct_request(contact_email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_schedule(
            now=CLOCK,
            request=request,
            officer=officer,
            starts_at=at(date(2027, 2, 10)),
            mode="phone",
            location="Bridge 4411",
            by=officer,
        )
    [message] = mail.outbox
    assert message.to == ["ana@example.org"] and message.subject == f"Aviso de audiencia: {request.number}"
    name, content, _mimetype = message.attachments[0]
    assert name == f"hearing-notice-{request.number}.pdf"
    text = pdf_text(content)
    assert "Ana Ruiz" in text and "ana@example.org" not in text
    assert SentLetter.objects.get(reference=request.number).channel == "email"


def test_without_email_the_appellants_notice_opens_a_work_item(officer, django_capture_on_commit_callbacks):
    request = direct_request(contact_phone="518-555-0100")
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_schedule(
            now=CLOCK,
            request=request,
            officer=officer,
            starts_at=at(date(2027, 2, 10)),
            mode="phone",
            location="Bridge 4411",
            by=officer,
        )
    assert mail.outbox == [] and not SentLetter.objects.filter(reference=request.number).exists()
    assert WorkItem.objects.get(kind="letter_unsent").title == (
        f"{request.number}: no postal address for the notice of hearing"
    )


# E: a Spanish letter is Spanish ----------------------------------------------------------------------


def test_the_interpreter_language_is_named_in_the_letters_language(officer):
    from core.letters import letter_pdf
    from hearings.choices import LetterKind, Party
    from hearings.letters import hearing_letter
    from hearings.models import HearingLetter

    request = direct_request(contact_email="ana@example.org")
    services.hearing_schedule(
        now=CLOCK,
        request=request,
        officer=officer,
        starts_at=at(date(2027, 2, 10)),
        mode="phone",
        location="Bridge 4411",
        by=officer,
    )
    row = HearingLetter.objects.get(request=request, kind=LetterKind.NOTICE, party=Party.APPELLANT)
    spanish = pdf_text(letter_pdf(hearing_letter(row)))
    assert "Estará presente un intérprete de español, sin costo alguno." in spanish
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert "An interpreter in Spanish will be present" in english


def test_a_dismissal_without_good_cause_opens_in_the_readers_language(officer):
    from core.letters import letter_pdf
    from hearings.choices import LetterKind, Party
    from hearings.letters import hearing_letter
    from hearings.models import HearingLetter

    request = direct_request(
        contact_email="ana@example.org", requested_on=date(2027, 3, 1), today=date(2027, 3, 1)
    )  # late: received Nov 25 + 90 = Feb 23
    assert request.is_late
    services.hearing_good_cause_decide(
        request=request, found=False, reason="No se dio ningún motivo.", by=officer, today=date(2027, 3, 2)
    )
    request.refresh_from_db()
    assert request.decision_summary == "No se dio ningún motivo."
    row = HearingLetter.objects.get(request=request, kind=LetterKind.DECISION, party=Party.APPELLANT)
    spanish = pdf_text(letter_pdf(hearing_letter(row)))
    assert "Se desestima la solicitud: se presentó después del plazo sin causa justificada." in spanish
    assert "Dismissed" not in spanish and "good cause" not in spanish
    english = pdf_text(letter_pdf(hearing_letter(row, language="en")))
    assert "The request is dismissed: it was made after the deadline without good cause." in english


def test_every_hearing_letter_goes_to_its_party_with_the_requests_references(settings, officer):
    """The notice, the decision, the notice of intended dismissal and of reopening (hearings.letters):
    the appellant's copy to the requester, the agency's to the office address; each names the
    request and what it is about."""
    from core.letters import MailingBlock, office_address_lines
    from hearings.choices import LetterKind, Party
    from hearings.letters import hearing_letter
    from hearings.models import HearingLetter

    settings.CASEWORKS_JURISDICTION = "NY"
    noticed = direct_request(contact_email="ana@example.org")
    services.hearing_schedule(
        now=CLOCK,
        request=noticed,
        officer=officer,
        starts_at=at(date(2027, 2, 10)),
        mode="phone",
        location="Bridge 4411",
        by=officer,
    )
    late = {"contact_email": "ana@example.org", "requested_on": date(2027, 3, 1), "today": date(2027, 3, 1)}
    decided = direct_request(**late)  # New York: no good cause dismisses at once, by decision
    services.hearing_good_cause_decide(request=decided, found=False, reason="None.", by=officer, today=date(2027, 3, 2))
    settings.CASEWORKS_JURISDICTION = "CA"
    dismissing = direct_request(**late)  # California: noticed 15 days ahead (22 CCR 120211)
    services.hearing_good_cause_decide(
        request=dismissing, found=False, reason="None.", by=officer, today=date(2027, 3, 2)
    )
    settings.CASEWORKS_JURISDICTION = "NY"  # New York: an abandoned request reopened (18 NYCRR 358-5.5(c))
    abandoned = direct_request(contact_email="ana@example.org", requester_name="Ana Ruiz")
    services.hearing_schedule(
        now=CLOCK,
        request=abandoned,
        officer=officer,
        starts_at=at(date(2027, 2, 11)),
        mode="phone",
        location="Bridge 4411",
        by=officer,
    )
    services.hearing_decide(
        request=abandoned,
        outcome="dismissed",
        decided_on=date(2027, 2, 11),
        summary="No one came.",
        by=officer,
        now=at(date(2027, 2, 11), 12),
    )
    reopened = services.hearing_request_reopen(
        request=abandoned, asked_on=date(2027, 2, 20), reason="In hospital.", by=officer, today=date(2027, 2, 20)
    )
    expected = {
        (noticed.pk, LetterKind.NOTICE): "hearing_notice",
        (decided.pk, LetterKind.DECISION): "hearing_decision",
        (dismissing.pk, LetterKind.DISMISSAL_NOTICE): "hearing_dismissal_notice",
        (reopened.pk, LetterKind.REOPENED): "hearing_reopened",
    }
    rows = HearingLetter.objects.filter(request__in=[noticed, decided, dismissing, reopened]).select_related("request")
    seen = set()
    for row in rows:
        letter = hearing_letter(row, language="en")
        assert letter.kind == expected[(row.request_id, row.kind)]
        assert letter.references == [
            ("Hearing request", row.request.number),
            ("About", "Wrong distribution, disbursement or arrears calculation"),
        ] + ([("Request reopened", abandoned.number)] if row.kind == LetterKind.REOPENED else [])
        assert letter.date is not None and letter.citation and letter.sections and letter.language == "en"
        if row.party == Party.AGENCY:
            assert letter.recipient == MailingBlock(name=settings.CASEWORKS_OFFICE_NAME, lines=office_address_lines())
        else:
            assert letter.recipient.name == "Ana Ruiz"
        seen.add((row.kind, row.party))
    assert seen == {(kind, party) for kind in LetterKind for party in Party}

"""Letters a family can read and that can be mailed (issue 15.7), in English and Spanish (15.6).

One layout for every letter (``core.letters``); the mailing block comes through the shared
redaction (an FVI person: the office's confidential arrangement, never an address); each letter
sent is logged on the case; returned mail marks the address undeliverable and opens a locate item.
Every letter renders in Spanish with no English template string left (a marking gettext: every
translated string is wrapped, and what is left once the wrapped parts and the data are removed
must hold no word)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from cases.choices import ParticipantRole, WorkItemKind
from cases.closure import closure_notice_letter
from cases.languages import language_fields
from cases.letters import recipient_block
from cases.models import Address, CaseParticipant, SentLetter, WorkItem
from cases.redaction import mailing_address
from cases.services import letter_mark_returned
from complaints import services as complaint_services
from complaints.choices import Category, Channel
from complaints.documents import acknowledgement_letter, extension_letter, resolution_letter
from core import dates
from core.letters import Letter, LetterFontMissing, MailingBlock, letter_pdf, letter_text
from enforcement.choices import Remedy
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter
from enforcement.services.actions import action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from hearings import services as hearing_services
from hearings.choices import LetterKind, Party
from hearings.letters import hearing_letter
from hearings.models import HearingLetter
from outreach.services import announcement_email, survey_invitation_email
from tests.cases.factories import AddressFactory, CaseFactory, PersonFactory
from tests.enforcement.factories import AS_OF, delinquent_case

pytestmark = pytest.mark.django_db


def _ncp(case):
    return CaseParticipant.objects.get(case=case, role=ParticipantRole.NCP).person


@pytest.fixture
def noticed(make_user):
    """A passport-denial notice issued to an NCP with a mailing address on file."""
    case = delinquent_case(unassigned="3000.00", ncp_address=False)
    ncp = _ncp(case)
    ncp.first_name, ncp.last_name = "Minh", "Nguyễn"
    ncp.save()
    AddressFactory(person=ncp, line1="12 Elm Street", city="Albany", postal_code="12207")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    return action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)


# The layout ------------------------------------------------------------------------------------


def test_fvi_person_letter_carries_the_confidential_arrangement_never_the_address():
    person = PersonFactory(family_violence=True)
    AddressFactory(person=person, line1="99 Hidden Lane")
    block, address = recipient_block(person)
    assert block.confidential and address is None
    assert "99 Hidden Lane" not in block.text
    assert block.lines == [line.strip() for line in settings.CASEWORKS_FVI_MAILING_ARRANGEMENT.split("|")]


def test_an_ordinary_person_gets_their_current_address():
    person = PersonFactory()
    AddressFactory(person=person, line1="5 Oak Road", city="Troy", postal_code="12180")
    block, address = recipient_block(person)
    assert address is not None and block.lines == ["5 Oak Road", "Troy, NY 12180"]


def _long_letter(name: str = "Nguyễn Thị Minh") -> Letter:
    return Letter(
        kind="test",
        subject="A long letter",
        recipient=MailingBlock(name=name, lines=["1 Main St"]),
        date=date(2026, 12, 3),
        references=[("Case number", "NY-1")],
        sections=[("Part", "Lorem ipsum dolor sit amet. " * 60)] * 4,
        citation="42 USC 654(26)",
    )


def test_pdf_embeds_the_unicode_font_and_numbers_its_pages():
    pdf = letter_pdf(_long_letter())
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf  # the TrueType font is embedded
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2
    assert b"{nb}" not in pdf  # the page total was filled in


def test_without_the_font_a_letter_is_refused_not_printed_with_question_marks(tmp_path):
    with override_settings(CASEWORKS_LETTER_FONT=tmp_path / "missing.ttf"), pytest.raises(LetterFontMissing):
        letter_pdf(_long_letter())


def test_letterhead_and_closing_in_the_text_version():
    text = letter_text(_long_letter())
    assert settings.CASEWORKS_OFFICE_NAME in text and settings.CASEWORKS_OFFICE_PHONE in text
    assert "Legal authority: 42 USC 654(26)" in text


def test_ny_letters_never_cite_the_family_code_ca_letters_do(role_user):
    for jurisdiction, cites, never in (
        ("NY", "Social Services Law 22", "Fam. Code"),
        ("CA", "Fam. Code 17801", "NYCRR"),
    ):
        case = CaseFactory(jurisdiction=jurisdiction)
        complaint = complaint_services.complaint_file(
            channel=Channel.PHONE,
            complainant_name="Dana Parent",
            contact_phone="518-555-0100",
            case=case,
            category=Category.DISTRIBUTION,
            description="d",
            received_on=date(2026, 11, 2),
            today=date(2026, 11, 2),
        )
        complaint = complaint_services.complaint_resolve(
            complaint=complaint,
            outcome="not_upheld",
            explanation="e",
            resolved_on=date(2026, 11, 20),
            by=role_user("ombudsperson"),
            today=date(2026, 11, 20),
        )
        letter = resolution_letter(complaint)
        text = letter_text(letter)
        assert cites in text and cites in letter.citation and never not in text


# The log and returned mail ---------------------------------------------------------------------


def test_issuing_a_notice_logs_the_letter_with_the_address_printed(noticed):
    sent = SentLetter.objects.get(case=noticed.case, kind="enforcement_notice")
    assert sent.person == _ncp(noticed.case) and sent.recipient_name == "Minh Nguyễn"
    assert sent.address.line1 == "12 Elm Street" and "12 Elm Street" in sent.address_text
    assert sent.reference == noticed.reference and not sent.confidential and sent.sent_by is not None


def test_a_notice_to_an_fvi_ncp_logs_the_arrangement_and_no_address(make_user):
    case = delinquent_case(unassigned="3000.00", ncp_address=False)
    ncp = _ncp(case)
    ncp.family_violence = True
    ncp.save()
    AddressFactory(person=ncp, line1="99 Hidden Lane")
    sweep_run_inline(as_of=AS_OF)
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.PASSPORT_DENIAL)
    action_notice_issue(action=action, by=make_user("enforcement_specialist"), on=AS_OF)
    sent = SentLetter.objects.get(case=case)
    assert sent.confidential and sent.address is None and "99 Hidden Lane" not in sent.address_text
    assert "99 Hidden Lane" not in letter_text(notice_letter(action))


def test_returned_mail_marks_the_address_bad_and_opens_one_locate_item(noticed, role_user):
    sent = SentLetter.objects.get(case=noticed.case)
    today = timezone.localdate()
    letter_mark_returned(
        sent=sent, returned_on=today, reason="Moved, no forwarding address", by=role_user("caseworker")
    )
    address = Address.objects.get(pk=sent.address_id)
    assert address.undeliverable_on == today and address.undeliverable_reason == "Moved, no forwarding address"
    assert mailing_address(_ncp(noticed.case)) is None  # no later letter goes there
    item = WorkItem.objects.get(case=noticed.case, kind=WorkItemKind.LOCATE, dedupe_key=f"returned-mail:{sent.pk}")
    assert item.due_on == today + timedelta(days=75)  # 45 CFR 303.3(b)(3)
    with pytest.raises(ValidationError):
        letter_mark_returned(sent=sent, returned_on=today, reason="again", by=role_user("caseworker"))
    assert WorkItem.objects.filter(dedupe_key=f"returned-mail:{sent.pk}").count() == 1


def test_returned_mail_cannot_predate_the_letter(noticed, role_user):
    sent = SentLetter.objects.get(case=noticed.case)
    with pytest.raises(ValidationError):
        letter_mark_returned(sent=sent, returned_on=date(2000, 1, 1), reason="", by=role_user("caseworker"))
    assert Address.objects.get(pk=sent.address_id).undeliverable_on is None


def test_case_page_lists_letters_and_the_returned_action_follows_scope(noticed, client_as, make_user, client):
    case = noticed.case
    sent = SentLetter.objects.get(case=case)
    page = client_as("caseworker").get(reverse("cases:case_detail", args=[case.case_number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Letters sent" in body and sent.subject in body and "12 Elm Street" in body
    url = reverse("cases:letter_returned", args=[case.case_number, sent.pk])
    # refused: a role without the locate permission, and a caseworker of another county (404)
    assert client_as("trainer").get(url).status_code == 403
    client.force_login(make_user("caseworker", username="other_county_cw", county="Erie"))
    assert client.post(url, {"returned_on": timezone.localdate().isoformat()}).status_code == 404
    assert SentLetter.objects.get(pk=sent.pk).returned_on is None
    # allowed: the case's caseworker
    response = client_as("caseworker").post(url, {"returned_on": timezone.localdate().isoformat(), "reason": "Moved"})
    assert response.status_code == 302
    assert SentLetter.objects.get(pk=sent.pk).returned_on == timezone.localdate()


# Languages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code, interpreter",
    [
        ("English", "en", False),
        ("SPANISH", "es", False),
        ("Español", "es", False),
        ("espanol", "es", False),
        ("", "en", False),
        ("Vietnamese", "vi", True),
        ("Klingon", "", True),
    ],
)
def test_language_text_maps_to_a_code(text, code, interpreter):
    fields = language_fields(text, offered={"en", "es"})
    assert (fields["preferred_language"], fields["needs_interpreter"]) == (code, interpreter)
    assert fields["language_note"] == (text if interpreter else "")


def test_an_ncp_who_reads_spanish_gets_the_notice_in_spanish(noticed):
    ncp = _ncp(noticed.case)
    ncp.preferred_language = "es"
    ncp.save()
    letter = notice_letter(noticed)
    assert letter.language == "es" and letter.subject.startswith("Aviso de medida de cumplimiento prevista")
    assert "23 de noviembre de 2026" in letter_text(letter)
    assert letter_pdf(letter).startswith(b"%PDF")


def test_public_pages_follow_accept_language_and_the_lang_switch(client):
    url = reverse("complaints:public_form")
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert 'lang="es"' in spanish.content.decode() and "Presentar una queja" in spanish.content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "Make a complaint" in english.content.decode() and 'data-testid="language-switch"' in english.content.decode()
    )
    switched = client.get(url + "?lang=es", HTTP_ACCEPT_LANGUAGE="en")
    assert "Presentar una queja" in switched.content.decode()
    assert (
        client.get(reverse("complaints:public_status"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
        .count("Estado de la queja")
        >= 1
    )  # the cookie keeps the choice
    assert "Make a complaint" in client.get(url + "?lang=en").content.decode()
    assert "Make a complaint" in client.get(url + "?lang=xx", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_status_lookup_in_spanish_with_a_secret_typed_loosely(client):
    today = timezone.localdate()
    complaint = complaint_services.complaint_file(
        channel=Channel.WEB,
        complainant_name="Rosa Díaz",
        contact_email="rosa@example.org",
        category=Category.DISTRIBUTION,
        description="d",
        received_on=today,
        today=today,
    )
    typed = complaint.raw_secret.lower().replace("-", " ")
    response = client.post(
        reverse("complaints:public_status") + "?lang=es", {"number": complaint.number, "secret": typed}
    )
    body = response.content.decode()
    assert "Estado de la queja" in body and "Abierta" in body and complaint.number in body


def test_staff_pages_stay_english_for_a_spanish_browser(client_as):
    page = client_as("caseworker").get(reverse("cases:workitem_list"), HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and '<html lang="en">' in page.content.decode()


def test_compiled_catalogues_are_current():
    from tools.compile_catalogues import main

    assert main(["--check"]) == 0


# Spanish without English leaks ------------------------------------------------------------------

OPEN, CLOSE = "⟦", "⟧"


@contextmanager
def marked_spanish():
    """Spanish, with every string that went through the catalogue wrapped in ⟦…⟧."""
    trans = translation._trans
    real_gettext, real_pgettext = trans.gettext, trans.pgettext  # (first access caches them on _trans)
    real_ngettext = trans.ngettext
    with (
        # Month names read under the marks must not outlive them (core.dates keeps them per language).
        mock.patch.dict(dates._MONTH_ABBREVIATIONS, clear=True),
        mock.patch.object(trans, "gettext", lambda message: f"{OPEN}{real_gettext(message)}{CLOSE}"),
        mock.patch.object(trans, "pgettext", lambda ctx, message: f"{OPEN}{real_pgettext(ctx, message)}{CLOSE}"),
        mock.patch.object(trans, "ngettext", lambda one, many, n: f"{OPEN}{real_ngettext(one, many, n)}{CLOSE}"),
        translation.override("es"),
    ):
        yield


def _leftover(text: str, data: list[str]) -> list[str]:
    previous = None
    while previous != text:
        previous, text = text, re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    # A Spanish date is "3 de diciembre de 2026": the month came through the catalogue, the two
    # "de" are the locale's DATE_FORMAT.
    text = re.sub(r"(\d{1,2}) de\s+de (\d{4})", r"\1 \2", text)
    for value in sorted((str(v) for v in data if v), key=len, reverse=True):
        text = text.replace(value, " ")
    return re.findall(r"[^\W\d_]{2,}", text)


def _office_data() -> list[str]:
    # The office's name as Spanish letters print it (CASEWORKS_OFFICE_NAME_ES): the English name is a leak.
    return [
        settings.CASEWORKS_OFFICE_NAME_BY_LANGUAGE["es"],
        *settings.CASEWORKS_OFFICE_ADDRESS.split("|"),
        settings.CASEWORKS_OFFICE_PHONE,
        settings.CASEWORKS_OFFICE_HOURS_BY_LANGUAGE["es"],
        *settings.CASEWORKS_FVI_MAILING_ARRANGEMENT.split("|"),
    ]


def _all_letters(role_user, make_user, noticed) -> list[tuple[Letter, list[str]]]:
    """Every letter to a parent or the public, each built in Spanish, with the data it prints."""
    ombudsperson, officer = role_user("ombudsperson"), role_user("hearing_officer")
    complaint = complaint_services.complaint_file(
        channel=Channel.PHONE,
        complainant_name="Dana Parent",
        contact_phone="518-555-0100",
        category=Category.DISTRIBUTION,
        description="d",
        received_on=date(2026, 11, 23),
        today=date(2026, 11, 23),
        preferred_language="Español",
    )
    complaint = complaint_services.complaint_extend(
        complaint=complaint, days=10, reason="Registros del SDU", by=ombudsperson
    )
    today = timezone.localdate()
    complaint = complaint_services.complaint_resolve(
        complaint=complaint,
        outcome="not_upheld",
        explanation="Revisamos los pagos.",
        resolved_on=today,
        by=ombudsperson,
        today=today,
    )
    request = hearing_services.hearing_request_create(
        complaint=complaint,
        requester_name="Dana Parent",
        issue="distribution",
        statement="s",
        requested_on=date(2027, 1, 4),
        today=date(2027, 6, 30),
    )
    starts = timezone.make_aware(datetime(2027, 2, 10, 10, 0))
    hearing = hearing_services.hearing_schedule(
        now=timezone.make_aware(datetime(2027, 1, 4, 9)),
        request=request,
        officer=officer,
        starts_at=starts,
        mode="phone",
        location="Bridge 4411",
        by=officer,
    )
    hearing_services.hearing_held_record(request=request, by=officer, now=hearing.ends_at)
    request.refresh_from_db()
    hearing_services.hearing_decide(
        request=request,
        outcome="granted",
        decided_on=date(2027, 2, 12),
        summary="Se corrige el cálculo.",
        by=officer,
        today=date(2027, 6, 30),
        actions=[("Recalcular los atrasos", date(2027, 3, 8), officer)],
    )
    notice_row = HearingLetter.objects.get(request=request, kind=LetterKind.NOTICE, party=Party.APPELLANT)
    decision_row = HearingLetter.objects.get(request=request, kind=LetterKind.DECISION, party=Party.APPELLANT)
    ncp = _ncp(noticed.case)
    # The notice of intent to close (cases.closure) to the case's CP, in Spanish.
    closing = noticed.case
    cp = closing.cp
    closing.closure_noticed_on, closing.closure_due_on = date(2026, 12, 7), date(2027, 2, 5)
    closing.closure_notice_reason = "location_unknown"
    common = [
        *_office_data(),
        complaint.number,
        "Dana Parent",
        complaint.contact_email,
        "NY",
        "USC",
        "CFR",
        "NYCRR",
        "Fam",
        "Code",
        "Social Services Law",
        "Part",
        "ombudsperson",
        "a. m.",
        "p. m.",
    ]
    letters = [
        (
            notice_letter(noticed, language="es"),
            [
                noticed.case.case_number,
                noticed.reference,
                ncp.display_name,
                "12 Elm Street",
                "Albany",
                "NY 12207",
                noticed.rule.citation,
                "NCP",
            ],
        ),  # the partner is named in Spanish, not data
        (
            closure_notice_letter(closing, language="es")[0],
            [closing.case_number, cp.display_name, "12 Elm Street", "Albany", "NY 12207"],
        ),
        (acknowledgement_letter(complaint, language="es"), []),
        (extension_letter(complaint, language="es"), ["Registros del SDU"]),
        (resolution_letter(complaint, language="es"), ["Revisamos los pagos."]),
        (hearing_letter(notice_row, language="es"), [request.number, "Bridge 4411", str(officer)]),
        (
            hearing_letter(decision_row, language="es"),
            [request.number, "Se corrige el cálculo.", "Recalcular los atrasos"],
        ),
    ]
    return [(letter, data + common) for letter, data in letters]


def test_every_letter_renders_in_spanish_with_no_english_template_string(role_user, make_user, noticed):
    # Built and rendered under the marking gettext: every template string must come through it.
    with marked_spanish():
        letters = _all_letters(role_user, make_user, noticed)
        texts = [(letter, letter_text(letter), data) for letter, data in letters]
        survey = SimpleNamespace(event=SimpleNamespace(title="Feria de padres"), title="Encuesta")
        _subject, invitation = survey_invitation_email(survey=survey, email="a@example.org", link="https://x.test/f/1")
        announcement = SimpleNamespace(body="Texto del anuncio.")
        _subject, news = announcement_email(
            announcement=announcement, subject="Nuevo horario", email="a@example.org", public_url="https://x.test/n/1"
        )
    assert len(texts) == 7
    for letter, text, data in texts:
        assert letter.language == "es"
        assert _leftover(text, data) == [], (letter.kind, _leftover(text, data))
    # The e-mails carry every offered language: the Spanish part must be as clean.
    for text, data in (
        (invitation, ["Feria de padres", "https://x.test/f/1", "a@example.org"]),
        (news, ["Texto del anuncio.", "Nuevo horario", "https://x.test/n/1", "a@example.org"]),
    ):
        spanish = text[text.index("—" * 20) :]  # the default (English) part comes first
        spanish = spanish[spanish.index("\n") + 1 :]
        assert _leftover(spanish, [*data, *_office_data()]) == [], _leftover(spanish, data)


def test_spanish_letters_print_no_english_sentence_of_the_catalogue(role_user, make_user, noticed):
    english = [
        e.msgid
        for e in polib.pofile(str(settings.BASE_DIR / "locale/es/LC_MESSAGES/django.po"))
        if len(re.findall(r"[A-Za-z]{2,}", e.msgid)) >= 3 and "%(" not in e.msgid
    ]
    for letter, _data in _all_letters(role_user, make_user, noticed):
        text = letter_text(letter)
        assert not [msgid for msgid in english if msgid in text], letter.kind


def test_every_remedy_notice_names_its_partner_in_spanish(noticed):
    # given: the notice of each seeded rule (NY and CA), with the partner the rule names
    from enforcement.models import RemedyRule

    rules = list(RemedyRule.objects.exclude(partner="").order_by("jurisdiction", "remedy", "pk"))
    assert {r.jurisdiction for r in rules} >= {"NY", "CA"} and len({r.partner for r in rules}) >= 8
    ncp = _ncp(noticed.case)
    for rule in rules:
        action = EnforcementAction.objects.get(pk=noticed.pk)
        action.rule = action.notice_rule = rule  # the letter states the version checked on the notice date
        action.remedy, action.partner = rule.remedy, ""
        # when: built and rendered in Spanish under the marking gettext
        with marked_spanish():
            text = letter_text(notice_letter(action, language="es"))
        data = [
            noticed.case.case_number,
            noticed.reference,
            ncp.display_name,
            "12 Elm Street",
            "Albany",
            "NY 12207",
            rule.citation,
            "NCP",
            *_office_data(),
        ]
        # then: no English word is left, the partner's included
        assert _leftover(text, data) == [], (rule.jurisdiction, rule.remedy, _leftover(text, data))
        assert settings.CASEWORKS_OFFICE_NAME not in text


def test_the_letterhead_names_the_office_in_the_reader_s_language(noticed):
    assert settings.CASEWORKS_OFFICE_NAME_BY_LANGUAGE["es"] in letter_text(notice_letter(noticed, language="es"))
    assert settings.CASEWORKS_OFFICE_NAME in letter_text(notice_letter(noticed, language="en"))
    with override_settings(CASEWORKS_OFFICE_NAME_BY_LANGUAGE={}):  # no name configured for a language: the name
        assert settings.CASEWORKS_OFFICE_NAME in letter_text(notice_letter(noticed, language="es"))

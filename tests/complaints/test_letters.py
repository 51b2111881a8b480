"""What the complainant reads and how it reaches them (complaints.documents): the written
resolution to someone who is not a case person is e-mailed, never "mailed" to an e-mail address;
its date and hearing deadline count from the day it goes out; the acknowledgement speaks of a secret
code only to a web complainant; the days are the legal parameter's; Spanish letters are Spanish."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core import mail

from cases.models import SentLetter, WorkItem
from complaints import services
from complaints.documents import extension_letter, letter_pdf, resolution_letter
from core.models import DomainEvent
from tests.cases.factories import CaseFactory
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db


def resolve(complaint, by, *, resolved_on=date(2026, 11, 20), today=date(2026, 11, 23)):
    return services.complaint_resolve(
        complaint=complaint,
        outcome="not_upheld",
        explanation="The payment was applied on March 4.",
        resolved_on=resolved_on,
        by=by,
        today=today,
    )


def test_a_public_complainants_resolution_is_emailed_with_its_pdf_and_logged_as_email(
    file_complaint, role_user, django_capture_on_commit_callbacks
):
    complaint = file_complaint(contact_email="dana@example.org", preferred_language="Spanish")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = resolve(complaint, role_user("ombudsperson"))
    [message] = mail.outbox
    assert message.to == ["dana@example.org"]
    assert message.subject == f"Resolución de su queja {complaint.number}"
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"resolution-{complaint.number}.pdf", "application/pdf")
    text = pdf_text(content)
    assert "Dana Parent" in text and "dana@example.org" not in text  # no e-mail in the envelope window
    assert "Su derecho a" in text
    sent = SentLetter.objects.get(kind="complaint_resolution", reference=complaint.number)
    assert sent.channel == "email" and sent.address_id is None
    assert DomainEvent.objects.get(verb="complaint.resolution_letter").data == {"channel": "email"}
    english = pdf_text(letter_pdf(resolution_letter(complaint, language="en")))
    assert "dana@example.org" not in english and "Your right to a fair hearing" in english


def test_a_public_complainant_without_email_gets_a_work_item_not_a_mail_log(
    file_complaint, role_user, django_capture_on_commit_callbacks
):
    complaint = file_complaint()  # phone only: no postal address is ever on a complaint
    with django_capture_on_commit_callbacks(execute=True):
        complaint = resolve(complaint, role_user("ombudsperson"))
    assert mail.outbox == []
    assert not SentLetter.objects.filter(reference=complaint.number).exists()
    item = WorkItem.objects.get(kind="letter_unsent")
    assert item.title == f"{complaint.number}: no postal address for the written resolution"
    assert complaint.letter_channel == ""
    assert DomainEvent.objects.get(verb="complaint.resolution_letter").data == {"channel": "none"}


def test_the_extension_letter_to_a_public_complainant_without_email_opens_a_work_item(file_complaint, role_user):
    complaint = file_complaint()
    services.complaint_extend(complaint=complaint, days=5, reason="Bank records", by=role_user("coordinator"))
    assert WorkItem.objects.get(kind="letter_unsent").title == (
        f"{complaint.number}: no postal address for the extension letter"
    )
    assert pdf_text(letter_pdf(extension_letter(complaint))).count("518-555-0100") == 0


# B: the notice's date and, in California, the hearing deadline count from the day it goes out ---------


def test_a_resolution_entered_late_is_dated_and_counted_from_the_day_it_goes_out(file_complaint, role_user):
    complaint = file_complaint(case=CaseFactory(jurisdiction="CA"), preferred_language="Spanish")
    complaint = resolve(complaint, role_user("ombudsperson"), resolved_on=date(2026, 11, 20), today=date(2026, 12, 10))
    assert complaint.resolution_sent_on == date(2026, 12, 10)
    # California counts from receipt (Fam. Code 17801(c)): sent Dec 10, presumed received Dec 15
    # (+5 days' mailing), + 90 days = Monday Mar 15, 2027.
    assert complaint.hearing_deadline == date(2027, 3, 15)
    english = pdf_text(letter_pdf(resolution_letter(complaint, language="en")))
    assert "Date December 10, 2026" in english and "Resolved November 20, 2026" in english
    assert "at the latest by March 15, 2027" in english
    spanish = pdf_text(letter_pdf(resolution_letter(complaint)))
    assert "10 de diciembre de 2026" in spanish and "15 de marzo de 2027" in spanish


def test_a_hearing_request_counts_receipt_from_the_day_the_notice_went_out(file_complaint, role_user):
    from hearings.services import hearing_request_create

    complaint = file_complaint(case=CaseFactory(jurisdiction="CA"))
    complaint = resolve(complaint, role_user("ombudsperson"), today=date(2026, 12, 10))
    request = hearing_request_create(
        complaint=complaint,
        requester_name="Dana Parent",
        issue="distribution",
        statement="s",
        requested_on=date(2027, 3, 15),
        today=date(2027, 3, 15),
    )
    assert request.resolution_received_on == date(2026, 12, 15)
    # Dec 15 + 90 (Fam. Code 17801(c)) = Monday Mar 15, 2027.
    assert request.filing_deadline == date(2027, 3, 15) and not request.is_late


@time_machine.travel("2026-11-23 15:00Z")
def test_the_acknowledgement_is_dated_the_day_it_is_printed_not_the_day_received(file_complaint):
    from complaints.documents import acknowledgement_letter

    complaint = file_complaint(received_on=date(2026, 11, 2), preferred_language="Spanish")
    english = pdf_text(letter_pdf(acknowledgement_letter(complaint, language="en")))
    assert "Date November 23, 2026" in english and "on November 2, 2026" in english
    spanish = pdf_text(letter_pdf(acknowledgement_letter(complaint)))
    assert "23 de noviembre de 2026" in spanish


# C: a secret code only for those who were given one ------------------------------------------------


def test_a_staff_filed_acknowledgement_mentions_no_secret_code(file_complaint):
    from complaints.documents import acknowledgement_letter

    complaint = file_complaint(preferred_language="Spanish")  # by phone: no secret was issued
    english = pdf_text(letter_pdf(acknowledgement_letter(complaint, language="en")))
    assert "secret code" not in english
    assert "Keep this letter and give your complaint number when you call us about your complaint." in english
    spanish = pdf_text(letter_pdf(acknowledgement_letter(complaint)))
    assert "código secreto" not in spanish and "dé su número de queja cuando nos llame" in spanish


def test_a_web_complainants_acknowledgement_speaks_of_their_secret_code(file_complaint):
    from complaints.choices import Channel
    from complaints.documents import acknowledgement_letter

    complaint = file_complaint(channel=Channel.WEB, contact_email="dana@example.org")
    assert "the secret code you received" in pdf_text(letter_pdf(acknowledgement_letter(complaint, language="en")))


# D: the days of the hearing deadline are the legal parameter's ----------------------------------------


def test_the_days_to_ask_for_a_hearing_are_the_legal_parameters(file_complaint, role_user):
    from core.models import LegalParameter

    complaint = file_complaint(preferred_language="Spanish")
    LegalParameter.objects.filter(key="ny.hearing.request_days").update(value=45)
    complaint = resolve(complaint, role_user("ombudsperson"))
    # New York counts from the determination, the notice's date (18 NYCRR 358-3.5(b)(1)), not the
    # earlier day the resolution was reached: Nov 23 + 45 days = Thursday Jan 7, 2027.
    assert complaint.hearing_deadline == date(2027, 1, 7)
    english = pdf_text(letter_pdf(resolution_letter(complaint, language="en")))
    assert (
        "Ask within 45 days after the date of this notice, November 23, 2026: at the latest by January 7, 2027"
        in english
    )
    spanish = pdf_text(letter_pdf(resolution_letter(complaint)))
    assert "dentro de los 45 días" in spanish and "90 días" not in spanish and "60 días" not in spanish


# E: plurals ---------------------------------------------------------------------------------------


def test_an_extension_of_one_day_reads_as_one_day(file_complaint, role_user):
    complaint = file_complaint(preferred_language="Spanish")
    complaint = services.complaint_extend(complaint=complaint, days=1, reason="Records", by=role_user("coordinator"))
    english = pdf_text(letter_pdf(extension_letter(complaint, language="en")))
    assert "by 1 day, to" in english
    spanish = pdf_text(letter_pdf(extension_letter(complaint)))
    assert "por 1 día, hasta" in spanish


def test_letters_to_a_web_complainant_say_nothing_of_whether_their_case_number_names_a_case(file_complaint):
    """The confirmation page gives an anonymous complainant the same words whether or not the case
    number they typed names a case (tests/complaints/test_views.py); the letters e-mailed to them later
    must not tell either: their "Case" line reads the number as they gave it."""
    from complaints.choices import Channel
    from complaints.documents import acknowledgement_letter
    from tests.cases.factories import CaseFactory

    case = CaseFactory(case_number="NY-000777")

    def case_lines(typed: str, linked) -> list[str]:
        complaint = file_complaint(
            channel=Channel.WEB, contact_email="anon@example.org", case_number=typed, case=linked, description=typed
        )
        letters = (acknowledgement_letter(complaint), extension_letter(complaint), resolution_letter(complaint))
        return [dict(letter.references)["Case"] for letter in letters]

    assert case_lines("NY-000777", case) == ["NY-000777"] * 3
    assert case_lines("NY-000778", None) == ["NY-000778"] * 3


# F: New York counts the time to ask for a fair hearing from the decision, California from receipt -----

CA_RIGHT_EN = (
    "If you are not satisfied with this resolution, you have the right to ask for a state hearing (Fam. Code "
    "17801). Ask within 90 days after you receive this notice: at the latest by March 19, 2027 (a mailed notice "
    "is counted as received 5 days after the date above). A hearing can decide a denied or delayed application, "
    "a case action taken in violation of the law or not in time, a wrong distribution, disbursement or arrears "
    "calculation, and a decision to close your case. It cannot change a court-ordered support amount, custody or "
    "visitation: those belong to the court. The ombudsperson can help you ask for a hearing and arrange an "
    "interpreter, free of charge."
)
CA_RIGHT_ES = (
    "Si no está conforme con esta resolución, usted tiene derecho a solicitar una audiencia estatal (Fam. Code "
    "17801). Solicítela dentro de los 90 días siguientes a la fecha en que reciba este aviso: a más tardar el 19 "
    "de marzo de 2027 (un aviso enviado por correo se considera recibido 5 días después de la fecha indicada "
    "arriba). En una audiencia se puede decidir sobre una solicitud denegada o demorada, una acción en su caso "
    "tomada en violación de la ley o fuera de plazo, una distribución, un desembolso o un cálculo de atrasos "
    "equivocado, y la decisión de cerrar su caso. No se puede cambiar el monto de manutención ordenado por el "
    "tribunal, la custodia ni las visitas: esos asuntos corresponden al tribunal. El defensor del cliente "
    "(ombudsperson) puede ayudarle a solicitar una audiencia y conseguirle un intérprete sin costo alguno."
)


def _hearing_right(complaint, language):
    """The text of the letter's section on the hearing right (its heading starts "Your right to")."""
    letter = resolution_letter(complaint, language=language)
    [text] = [text for heading, text in letter.sections if heading.startswith(("Your right", "Su derecho"))]
    return text


def test_a_new_york_resolution_gives_60_days_from_the_date_of_the_notice(file_complaint, role_user):
    complaint = file_complaint(preferred_language="Spanish")
    complaint = resolve(complaint, role_user("ombudsperson"), resolved_on=date(2026, 12, 10), today=date(2026, 12, 14))
    # 18 NYCRR 358-3.5(b)(1): "within 60 days after the social services agency's determination", the
    # written notice of Monday Dec 14 (reached Dec 10: written up later, that must not shorten the
    # time): + 60 = Friday Feb 12, 2027, Lincoln's Birthday in New York, then a weekend and Presidents'
    # Day: Tuesday Feb 16. The mailing adds nothing (counted from receipt it said Feb 17).
    assert complaint.hearing_deadline == date(2027, 2, 16)
    english = _hearing_right(complaint, "en")
    assert (
        "(N.Y. Social Services Law 22; 18 NYCRR Part 358). Ask within 60 days after the date of this notice, "
        "December 14, 2026: at the latest by February 16, 2027. A hearing can decide" in english
    )
    assert "receive" not in english and "mailed" not in english
    spanish = _hearing_right(complaint, "es")
    assert (
        "Solicítela dentro de los 60 días siguientes a la fecha de este aviso, el 14 de diciembre de 2026: a más "
        "tardar el 16 de febrero de 2027. En una audiencia" in spanish
    )
    assert "reciba" not in spanish and "correo" not in spanish
    pdf = pdf_text(letter_pdf(resolution_letter(complaint)))
    assert "fecha de este aviso, el 14 de diciembre de 2026: a más tardar el 16 de febrero de 2027" in pdf


def test_a_california_resolution_counts_90_days_from_receipt_in_the_same_words(file_complaint, role_user):
    complaint = file_complaint(case=CaseFactory(jurisdiction="CA"), preferred_language="Spanish")
    complaint = resolve(complaint, role_user("ombudsperson"), resolved_on=date(2026, 12, 10), today=date(2026, 12, 14))
    # Fam. Code 17801(c): sent Dec 14, presumed received Dec 19, + 90 = Friday Mar 19, 2027.
    assert complaint.hearing_deadline == date(2027, 3, 19)
    assert _hearing_right(complaint, "en") == CA_RIGHT_EN
    assert _hearing_right(complaint, "es") == CA_RIGHT_ES


# A letter printing a case person's address is a sensitive read --------------------------------


def _reads():
    from core.models import AccessLog

    return AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ)


@pytest.mark.parametrize("url_name", ["complaints:acknowledgement_letter", "complaints:acknowledgement_letter_pdf"])
def test_a_letter_printing_a_case_persons_address_is_a_logged_read(client_as, role_user, url_name):
    """The page and the PDF print the complainant's (a case party's) address on file: one
    ``sensitive_read`` row naming the person and the letter, as their person page logs the read."""
    from django.urls import reverse

    from tests.cases.factories import AddressFactory
    from tests.complaints.factories import ComplaintFactory

    case = CaseFactory()
    cp = case.cp
    AddressFactory(person=cp, line1="17 Hidden Lane")
    complaint = ComplaintFactory(case=case, complainant_person=cp, complainant_name=str(cp))
    response = client_as("ombudsperson").get(reverse(url_name, args=[complaint.number]))
    assert response.status_code == 200
    read = _reads().get()
    assert (read.username, read.object_type, read.object_id, read.fields) == (
        role_user("ombudsperson").username,
        "cases.Person",
        str(cp.pk),
        ["addresses"],
    )
    assert read.detail["person_id"] == cp.pk and read.detail["letter"] == "complaint_acknowledgement"


def test_a_letter_printing_no_address_is_no_read(client_as):
    """An FVI complainant's letter prints the confidential arrangement; a complainant who is no case
    person has no address on file: neither letter reads anyone's whereabouts."""
    from django.urls import reverse

    from tests.cases.factories import AddressFactory
    from tests.complaints.factories import ComplaintFactory

    case = CaseFactory()
    cp = case.cp
    cp.family_violence = True
    cp.save()
    AddressFactory(person=cp, line1="17 Hidden Lane")
    fvi = ComplaintFactory(case=case, complainant_person=cp, complainant_name=str(cp))
    public = ComplaintFactory()
    client = client_as("ombudsperson")
    for complaint in (fvi, public):
        page = client.get(reverse("complaints:acknowledgement_letter", args=[complaint.number]))
        assert page.status_code == 200 and "17 Hidden Lane" not in page.content.decode()
    assert not _reads().exists()

"""Letters to the people of a complaint (acknowledgement, extension, resolution) in the shared
letter layout (``core.letters``: page, PDF, e-mail text), in the complainant's language, and the
report's charts (``core.charts``).

Every letter cites the law of its jurisdiction profile (``complaints.law``): a New York office
never cites the California Family Code or 22 CCR.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.letters import matter_language, person_or_contact_block
from cases.models import Address
from core.charts import Chart
from core.letters import Letter, MailingBlock, letter_date, letter_pdf
from core.services import acting_user

from .deadlines import (
    CountedFrom,
    Deadline,
    days_for,
    hearing_request_counted_from,
    hearing_request_start,
    presumed_received_on,
)
from .law import citation
from .models import Complaint

__all__ = ["Letter", "acknowledgement_letter", "extension_letter", "letter_pdf", "resolution_letter"]


def complaint_language(complaint: Complaint, *, asked: str = "") -> str:
    """The language of letters about ``complaint``: the one ``asked`` for a later step (a hearing
    request's), else the one written on the complaint, else the complainant's on file (a case
    person), when the office writes in it (``cases.letters.matter_language``)."""
    return matter_language(asked, complaint.preferred_language, person=complaint.complainant_person)


def _recipient(complaint: Complaint) -> tuple[MailingBlock, Address | None]:
    """The complainant's mailing block (``cases.letters.person_or_contact_block``)."""
    return person_or_contact_block(complaint.complainant_person, name=complaint.complainant_name)


def _references(complaint: Complaint, language: str) -> list[tuple[str, str]]:
    return [
        (_("Complaint"), complaint.number),
        (_("Received"), letter_date(complaint.received_on, language)),
        (_("Case"), _case_reference(complaint)),
    ]


def _case_reference(complaint: Complaint) -> str:
    """The case a letter names. A complainant who is not a person of the case reads back the number
    they gave, whether or not it names a case (the confirmation page tells them nothing either):
    someone who typed a case number must not learn from a letter that it exists."""
    if complaint.complainant_person_id is not None and complaint.case is not None:
        return complaint.case.case_number
    return complaint.case_number_received or _("none given")


def acknowledged_on(complaint: Complaint) -> date:
    """The acknowledgement's date: the day it was sent (the letter log), else today, the day it is
    printed — never the (earlier) day the complaint was received, which its body states."""
    from cases.models import SentLetter

    sent = (
        SentLetter.objects.filter(kind="complaint_acknowledgement", reference=complaint.number)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return timezone.localtime(sent).date() if sent else timezone.localdate()


def acknowledgement_letter(complaint: Complaint, *, language: str | None = None, on: date | None = None) -> Letter:
    """The acknowledgement: we received the complaint, by when we answer in writing, how to follow it.
    Dated ``on``, else the day it was sent or is printed (``acknowledged_on``)."""
    language = language or complaint_language(complaint)
    law = citation("complaint", complaint.jurisdiction)
    with translation.override(language):
        block, _address = _recipient(complaint)
        sections = [
            (
                "",
                _(
                    "We received your complaint on %(received)s about: %(category)s. Someone other than your "
                    "caseworker will look into it."
                )
                % {
                    "received": letter_date(complaint.received_on, language),
                    "category": complaint.get_category_display(),
                },
            ),
            (
                _("When we will answer"),
                _("We will send you our written resolution by %(due)s (%(law)s).")
                % {"due": letter_date(complaint.due_on, language), "law": law},
            ),
            (
                _("Following your complaint"),
                # Only a web complaint was given a secret code (``complaint_file``): anyone else
                # follows it by telephone.
                _(
                    "Keep this letter. With your complaint number and the secret code you received you can check its "
                    "status on our website, or call us. The ombudsperson can answer your questions and arrange an "
                    "interpreter, free of charge."
                )
                if complaint.secret_hash
                else _(
                    "Keep this letter and give your complaint number when you call us about your complaint. The "
                    "ombudsperson can answer your questions and arrange an interpreter, free of charge."
                ),
            ),
        ]
        return Letter(
            kind="complaint_acknowledgement",
            subject=_("We received your complaint %(number)s") % {"number": complaint.number},
            recipient=block,
            date=on or acknowledged_on(complaint),
            language=language,
            references=_references(complaint, language),
            sections=sections,
            citation=law,
        )


def resolution_letter(complaint: Complaint, *, language: str | None = None) -> Letter:
    """The written resolution, with the hearing right and its deadline: in California counted from
    receiving the notice (Fam. Code 17801(c)), in New York from the date of the decision (18 NYCRR
    358-3.5(b)(1)), each said in the letter's own words (``core.deadlines.hearing_request_start``)."""
    language = language or complaint_language(complaint)
    with translation.override(language):
        block, _address = _recipient(complaint)
        body = citation("hearing_body", complaint.jurisdiction)
        deadline = letter_date(complaint.hearing_deadline, language) if complaint.hearing_deadline else ""
        # The days the deadline above was counted with (``complaint_resolve``): the legal parameter in
        # force on the day the count starts, the determination (New York) or the presumed receipt.
        sent_on = complaint.resolution_sent_on or complaint.resolved_on or timezone.localdate()
        determined_on = sent_on  # the notice's date: the written determination
        counted_from = hearing_request_counted_from(complaint.jurisdiction)
        request_days = days_for(
            Deadline.HEARING_REQUEST,
            jurisdiction=complaint.jurisdiction,
            on=hearing_request_start(
                jurisdiction=complaint.jurisdiction,
                determined_on=determined_on,
                received_on=presumed_received_on(sent_on),
            ),
        )
        if counted_from == CountedFrom.DETERMINATION:
            # 18 NYCRR 358-3.5(b)(1): the 60 days run from the determination, however the notice came.
            when = _(
                "Ask within %(days)s days after the date of this notice, %(decided)s: at the latest by %(deadline)s."
            ) % {
                "days": request_days,
                "decided": letter_date(determined_on, language),
                "deadline": deadline,
            }
        else:
            when = _(
                "Ask within %(days)s days after you receive this notice: at the latest by %(deadline)s "
                "(a mailed notice is counted as received %(allowance)s days after the date above)."
            ) % {"days": request_days, "deadline": deadline, "allowance": settings.CASEWORKS_MAILING_ALLOWANCE_DAYS}
        sections = [
            (
                "",
                _("We have finished looking into your complaint of %(received)s about: %(category)s.")
                % {
                    "received": letter_date(complaint.received_on, language),
                    "category": complaint.get_category_display(),
                },
            ),
            (_("Outcome"), str(complaint.get_outcome_display())),
            (_("Explanation"), complaint.resolution_explanation),
            (
                _("Your right to %(hearing_body)s") % {"hearing_body": body},
                " ".join(
                    (
                        _(
                            "If you are not satisfied with this resolution, you have the right to ask for "
                            "%(hearing_body)s (%(hearing_law)s)."
                        )
                        % {"hearing_body": body, "hearing_law": citation("hearing", complaint.jurisdiction)},
                        when,
                        _(
                            "A hearing can decide a denied or delayed application, a case action taken in violation of "
                            "the law or not in time, a wrong distribution, disbursement or arrears calculation, and a "
                            "decision to close your case. It cannot change a court-ordered support amount, custody or "
                            "visitation: those belong to the court. The ombudsperson can help you ask for a hearing "
                            "and arrange an interpreter, free of charge."
                        ),
                    )
                ),
            ),
        ]
        return Letter(
            kind="complaint_resolution",
            subject=_("Resolution of your complaint %(number)s") % {"number": complaint.number},
            recipient=block,
            date=complaint.resolution_sent_on or complaint.resolved_on or timezone.localdate(),
            language=language,
            references=[
                *_references(complaint, language),
                (_("Resolved"), letter_date(complaint.resolved_on, language) if complaint.resolved_on else ""),
                (_("About"), str(complaint.get_category_display())),
            ],
            sections=sections,
            citation=f"{citation('complaint', complaint.jurisdiction)}; {citation('hearing', complaint.jurisdiction)}",
        )


def extension_letter(complaint: Complaint, *, language: str | None = None) -> Letter:
    """The letter telling the complainant the resolution date was extended, why, and the new date."""
    language = language or complaint_language(complaint)
    law = citation("extension", complaint.jurisdiction)
    with translation.override(language):
        block, _address = _recipient(complaint)
        return Letter(
            kind="complaint_extension",
            subject=_("Your complaint %(number)s: we need more time to resolve it") % {"number": complaint.number},
            recipient=block,
            date=timezone.localtime(complaint.extended_at).date() if complaint.extended_at else None,
            language=language,
            references=_references(complaint, language),
            sections=[
                (
                    "",
                    ngettext(
                        "We received your complaint on %(received)s. We need more time to look into it and have "
                        "extended the date of our written resolution by %(days)s day, to %(due)s (%(law)s).",
                        "We received your complaint on %(received)s. We need more time to look into it and have "
                        "extended the date of our written resolution by %(days)s days, to %(due)s (%(law)s).",
                        complaint.extension_days or 0,
                    )
                    % {
                        "received": letter_date(complaint.received_on, language),
                        "days": complaint.extension_days,
                        "due": letter_date(complaint.due_on, language),
                        "law": law,
                    },
                ),
                (_("Why we need more time"), complaint.extension_reason),
                (
                    "",
                    _(
                        "You do not need to do anything. If you have new information, or questions, contact the "
                        "ombudsperson; an interpreter is free of charge."
                    ),
                ),
            ],
            citation=law,
        )


def complaint_letter_send(
    *, complaint: Complaint, letter: Letter, what: str, pdf_prefix: str, by, email_case_person: bool = False
) -> str:
    """Send a letter about a complaint and log it on its case (``cases.services.letter_deliver``).
    A complainant who is not a person of the case has no postal address on file: the letter is
    e-mailed to the address they gave. A case person's letter is mailed to the block's address (or
    through the FVI arrangement); ``email_case_person`` e-mails it to them too when they gave an
    address (the extension letter). With neither, a work item "<number>: no postal address for the
    <what>" is opened. Returns the channel, or "" when nothing could be sent."""
    from cases.services import letter_deliver

    person = complaint.complainant_person
    _block, address = _recipient(complaint)
    return letter_deliver(
        letter=letter,
        case=complaint.case if complaint.case_id else None,
        person=person,
        address=address,
        email=complaint.contact_email if person is None or email_case_person else "",
        reference=complaint.number,
        pdf_name=f"{pdf_prefix}-{complaint.number}.pdf",
        missing_title=f"{complaint.number}: no postal address for the {what}",
        missing_key=f"letter-unsent:{letter.kind}:{complaint.number}",
        assigned_to=complaint.investigator if complaint.investigator_id else None,
        by=acting_user(by),
    )


def report_chart(report, kind: str) -> Chart:
    """The complaint report's charts (drawn by the shared ``core.charts`` helper)."""
    if kind == "outcome":
        verb, rows = "Resolved", [(str(label), n) for _, label, n in report.by_outcome]
    else:
        kind, verb, rows = "category", "Received", [(str(label), n) for _, label, n, _ in report.by_category]
    return Chart(
        name=kind,
        kind="hbar",
        title=f"{verb} by {kind}",
        labels=[label for label, _ in rows],
        series=[(verb, [n for _, n in rows])],
        alt=f"Bar chart of complaints {verb.lower()} by {kind}; the table below gives the figures.",
    )

"""The notice of intent to close a case (45 CFR 303.11(d), as revised by 81 FR 93492, Dec. 20, 2016).

Which closure reasons need it (``CLOSURE_NOTICE_REASONS``, ``notice_required``) and the letter to the
recipient of services, in the shared layout (``core.letters``) and the reader's language
(``Person.preferred_language``). The letter says what will happen and from when, why, what keeps the
case open (303.11(d)(3): information that could lead to establishing paternity or an order or
enforcing one; for a recipient we could not reach, contacting us), how to reopen a closed case
((d)(5)) and the right to complain and to a hearing. The mailing block comes from
``cases.letters.recipient_block``: for a recipient with the family violence indicator it is the
office's confidential mailing arrangement, never an address (42 USC 654(26)).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.business_days import roll_forward
from core.legal import legal_parameter
from core.letters import Letter, MailingBlock, letter_date

from .choices import CLOSURE_NOTICE_REASONS, ClosureReason, Jurisdiction
from .letters import person_language, recipient_block
from .models import Address, Case

KIND = "closure_notice"
NOTICE_CITATION = "45 CFR 303.11(d)(1)"
NOTICE_DAYS_KEY = "us.closure.notice_days"

# What each reason means, in words a parent reads (marked for the catalogue, translated when built).
REASON_WORDS: dict[str, str] = {
    ClosureReason.NO_ORDER_LOW_ARREARS: gettext_noop(
        "There is no current support order, and the support still owed is under $500 or can no longer be "
        "collected under state law."
    ),
    ClosureReason.NO_ORDER_ASSIGNED_ARREARS: gettext_noop(
        "There is no current support order, and all the support still owed is owed to the state, not to you."
    ),
    ClosureReason.NCP_DECEASED: gettext_noop(
        "The other parent has died and nothing more can be done, including a claim against the estate."
    ),
    ClosureReason.PATERNITY_NOT_ESTABLISHABLE: gettext_noop("Paternity cannot be established for the child."),
    ClosureReason.LOCATION_UNKNOWN: gettext_noop(
        "We have not been able to find the other parent, despite searching many sources over the time the "
        "rules require."
    ),
    ClosureReason.NCP_CANNOT_PAY: gettext_noop(
        "The other parent cannot pay support and shows no sign of being able to pay in the future."
    ),
    ClosureReason.RECIPIENT_UNREACHABLE: gettext_noop(
        "We have not been able to reach you, although we tried at least two different ways."
    ),
    ClosureReason.OTHER: gettext_noop("Your caseworker can explain the reason to you: call us."),
}

# The complaint and hearing a parent may ask for, by the office's jurisdiction profile (the same law
# ``complaints.law`` cites; cases imports no complaints module).
HEARING_BODY: dict[str, str] = {
    Jurisdiction.CA: gettext_noop("a state hearing"),
    Jurisdiction.NY: gettext_noop("a fair hearing"),
}
RIGHTS_CITATION: dict[str, str] = {
    Jurisdiction.CA: "Fam. Code 17800, 17801",
    Jurisdiction.NY: "45 CFR 303.35; N.Y. Social Services Law 22",
}


def closure_not_before(noticed_on: date) -> date:
    """The 60th calendar day after the notice of intent to close (45 CFR 303.11(d)(1): notice "in
    writing 60 calendar days prior to closure"; ``us.closure.notice_days``). Never printed: the
    letter gives one date, ``closure_due``, the day the case may actually close."""
    return noticed_on + timedelta(days=int(legal_parameter(NOTICE_DAYS_KEY, jurisdiction="US", on=noticed_on)))


def closure_due(noticed_on: date, jurisdiction: str) -> date:
    """The date the recipient is asked to answer by and the case becomes closable (``closure_due_on``):
    the 60-day date moved to the next business day of the case's jurisdiction when it falls on a
    weekend or holiday (DOMAIN.md, ``core.business_days``): the office is closed that day, so the
    parent who calls on the next business day is still in time. Never before the legal date: the
    regulation sets a minimum ("60 calendar days prior to closure", 303.11(d)(1)), so a later first
    day of closure still complies. It is the one "not closed before" date the notice prints, in
    its first sentence and its references alike."""
    return roll_forward(closure_not_before(noticed_on), jurisdiction)


def notice_required(reason: str) -> bool:
    """Whether closing for ``reason`` needs the 60-day notice of intent to close (303.11(d)(1))."""
    return reason in CLOSURE_NOTICE_REASONS


def closure_notice_letter(case: Case, *, language: str | None = None) -> tuple[Letter, Address | None]:
    """The notice of intent to close ``case`` (its ``closure_noticed_on``, reason and due date) to the
    recipient of services (the custodial party), and the address row its block prints."""
    cp = case.cp
    language = language or person_language(cp)
    reason = case.closure_notice_reason
    assert case.closure_noticed_on is not None and case.closure_due_on is not None and reason
    with translation.override(language):
        if cp is not None:
            # The notice is owed in writing whatever the office knows of the address: with no
            # deliverable one on file it goes to the last address known (303.11(d)(1)).
            block, address = recipient_block(cp, last_known=True)
        else:
            block, address = MailingBlock(name=_("Custodial parent")), None
        due = letter_date(case.closure_due_on, language)
        hearing_body = _(HEARING_BODY.get(case.jurisdiction, HEARING_BODY[Jurisdiction.NY]))
        keep_open = _(
            "If you have information that could help us establish paternity or a support order, or enforce an "
            "order (for example, the other parent's address, employer, income or property), give it to us by "
            "%(date)s. Call us, write to us at the address above or visit the office. If your information could "
            "lead to that, your case will stay open."
        ) % {"date": due}
        if reason == ClosureReason.RECIPIENT_UNREACHABLE:
            keep_open = _("If you contact us by %(date)s, your case will stay open.") % {"date": due} + " " + keep_open
        sections = [
            (
                "",
                _(
                    "We intend to close your child support case %(case)s. We will not close it before %(date)s, "
                    "at least 60 days after the date of this notice."
                )
                % {"case": case.case_number, "date": due},
            ),
            (_("Why"), _(REASON_WORDS.get(reason, REASON_WORDS[ClosureReason.OTHER]))),
            (_("How to keep your case open"), keep_open),
            (
                _("If your case is closed"),
                _(
                    "Once your case is closed we stop providing child support services on it. If your situation "
                    "changes later, you may ask us to reopen it by completing a new application for child support "
                    "services (and paying any fee that applies)."
                ),
            ),
            (
                _("If you disagree"),
                _(
                    "You may file a complaint with the office. If you are not satisfied with the answer to your "
                    "complaint, you have the right to ask for %(hearing_body)s about the decision to close your "
                    "case. The ombudsperson can help you and arrange an interpreter, free of charge."
                )
                % {"hearing_body": hearing_body},
            ),
        ]
        letter = Letter(
            kind=KIND,
            subject=_("Notice of intent to close your child support case"),
            recipient=block,
            date=case.closure_noticed_on,
            language=language,
            references=[
                (_("Case number"), case.case_number),
                (_("Not closed before"), due),
            ],
            sections=sections,
            citation=f"{NOTICE_CITATION}; {RIGHTS_CITATION.get(case.jurisdiction, RIGHTS_CITATION[Jurisdiction.NY])}",
        )
    return letter, address

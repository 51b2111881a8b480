"""The letters a hearing request produces, in the shared letter layout (``core.letters``): the
notice of hearing (when, where, how, the rights of the parties) and the decision letter (outcome,
reasons, the compliance actions ordered). Each cites the law of the request's jurisdiction
(``complaints.law``): a New York office never cites the California Family Code. The appellant's
letters are in their language (the one asked for on the request, else the complaint's, else the
complainant's on file: ``complaints.documents.complaint_language``); the agency's copy is in the office's default language."""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from cases.languages import language_code
from cases.letters import matter_language, person_or_contact_block
from cases.models import Address
from complaints.documents import complaint_language
from complaints.law import citation
from core.letters import Letter, MailingBlock, letter_date, letter_language, office_address_lines

from .choices import NOTICE_CITATION, DismissalGround, GoodCause, HearingStatus, LetterKind, Mode, Outcome, Party
from .models import HearingLetter


def _where(mode: str, location: str) -> str:
    return {
        Mode.IN_PERSON: _("in person at %(location)s"),
        Mode.PHONE: _("by telephone: call %(location)s"),
        Mode.VIDEO: _("by video: %(location)s"),
    }[Mode(mode)] % {"location": location}


def language_name(typed: str) -> str:
    """The language as typed on the request ("Spanish", "español", "es") named in the language
    the letter is written in ("español" in a Spanish letter); a language Django does not know is
    printed as typed."""
    code = language_code(typed)
    try:
        name = str(get_language_info(code)["name_translated"]) if code else typed
    except KeyError:
        return typed
    # Django's names are labels ("Español"); in a sentence Spanish writes them in lower case.
    return name.lower() if translation.get_language() in LOWER_CASE_LANGUAGE_NAMES else name


LOWER_CASE_LANGUAGE_NAMES = {"es", "fr", "it", "pt"}


def hearing_letter_language(letter: HearingLetter) -> str:
    """The appellant's letters: the language asked for on the request (its interpreter language),
    else the complaint's (``complaint_language``); the agency's copy: the office's default."""
    if letter.party != Party.APPELLANT:
        return letter_language(None)
    request = letter.request
    if request.complaint is not None:
        return complaint_language(request.complaint, asked=request.interpreter_language)
    return matter_language(request.interpreter_language)


def hearing_recipient(letter: HearingLetter) -> tuple[MailingBlock, Address | None]:
    request = letter.request
    if letter.party == Party.APPELLANT:
        person = request.complaint.complainant_person if request.complaint is not None else None
        return person_or_contact_block(person, name=letter.addressee)
    return MailingBlock(name=letter.addressee, lines=office_address_lines()), None


def _references(letter: HearingLetter) -> list[tuple[str, str]]:
    request = letter.request
    refs = [(_("Hearing request"), request.number), (_("About"), str(request.get_issue_display()))]
    if request.case is not None:
        refs.append((_("Case"), request.case.case_number))
    return refs


def _letter(
    letter: HearingLetter,
    language: str,
    *,
    kind: str,
    subject: str,
    sections: list[tuple[str, str]],
    law: str,
    dated: date | None,
    extra_references: list[tuple[str, str]] | None = None,
) -> Letter:
    """The layout every hearing letter shares: addressed to the letter's party, its references
    (and any ``extra_references``), sections and the law it cites."""
    block, _address = hearing_recipient(letter)
    return Letter(
        kind=kind,
        subject=subject,
        recipient=block,
        date=dated,
        language=language,
        references=[*_references(letter), *(extra_references or [])],
        sections=sections,
        citation=law,
    )


def _agency_before_the_hearing() -> tuple[str, str]:
    """The section a notice to the agency closes with: what to bring to the hearing."""
    return (_("The agency"), _("Send a representative with the case record and a written position statement."))


def _notice(letter: HearingLetter, language: str) -> Letter:
    request, hearing = letter.request, letter.hearing
    if hearing is None:  # the database refuses a notice without its hearing (hearing_notice_names_its_hearing)
        raise ValueError(f"Hearing letter {letter.pk} is a notice without a hearing.")
    body = citation("hearing_body", request.jurisdiction)
    law = citation("hearing", request.jurisdiction)
    starts = timezone.localtime(hearing.starts_at)
    when = _("%(weekday)s, %(date)s at %(time)s") % {
        "weekday": date_format(starts, "l"),
        "date": letter_date(starts.date(), language),
        "time": time_format(starts.time(), "TIME_FORMAT"),
    }
    sections = [
        (
            "",
            _(
                "%(body)s on the request of %(name)s (%(law)s) is scheduled for %(when)s, %(where)s. The hearing "
                "officer is %(officer)s."
            )
            % {
                "body": body[0].upper() + body[1:],
                "name": request.requester_name,
                "law": law,
                "when": when,
                "where": _where(hearing.mode, hearing.location),
                "officer": hearing.officer,
            },
        ),
        (
            _("What happens"),
            _(
                "Each party may explain, bring documents and witnesses, and see the documents the "
                "other party relies on. The hearing officer decides in writing after the hearing."
            ),
        ),
    ]
    if hearing.interpreter_language:
        sections.append(
            (
                _("Interpreter"),
                _("An interpreter in %(language)s will be present, free of charge.")
                % {"language": language_name(hearing.interpreter_language)},
            )
        )
    if hearing.accommodation_needs:
        sections.append((_("Accommodation"), hearing.accommodation_needs))
    if letter.party == Party.APPELLANT:
        sections.append(
            (
                _("If you cannot come"),
                _(
                    "Tell the office as soon as you can: the hearing can be "
                    "rescheduled. You may withdraw your request at any time."
                ),
            )
        )
    else:
        sections.append(_agency_before_the_hearing())
    return _letter(
        letter,
        language,
        kind="hearing_notice",
        subject=_("Notice of hearing: %(number)s") % {"number": request.number},
        sections=sections,
        law=law,
        dated=letter.issued_on,
    )


def _missed_on(request, language: str, sitting=None) -> str:
    """The day of the sitting no one came to: ``sitting`` when the letter names it (a no-show notice),
    else the request's latest sitting not held."""
    missed = sitting or request.hearings.filter(status=HearingStatus.NOT_HELD).order_by("-starts_at").first()
    return letter_date(timezone.localdate(missed.starts_at), language) if missed else ""


def _alternate_route(request) -> str:
    """The alternate route in the reader's language when it is the office's default sentence (in
    its present wording, addressed to the reader, even when stored in an earlier one)."""
    from .services import DEFAULT_COURT_ROUTE, EARLIER_COURT_ROUTES

    route = request.alternate_route
    return _(DEFAULT_COURT_ROUTE) if route == DEFAULT_COURT_ROUTE or route in EARLIER_COURT_ROUTES else route


def _dismissed_opening(request, language: str) -> str:
    ground = request.dismissal_ground
    if ground == DismissalGround.NO_SHOW:
        return _("The request is dismissed: no one came to the hearing on %(date)s and no good cause was shown.") % {
            "date": _missed_on(request, language)
        }
    if ground == DismissalGround.JURISDICTION:
        return _("The request is dismissed: a state hearing cannot decide this matter.")
    if request.good_cause == GoodCause.NOT_FOUND:
        return _("The request is dismissed: it was made after the deadline without good cause.")
    return _("The request is dismissed.")


def _decision(letter: HearingLetter, language: str) -> Letter:
    request = letter.request
    law = citation("hearing", request.jurisdiction)
    outcome = Outcome(request.outcome)
    held = {"date": letter_date(request.held_on, language) if request.held_on else ""}
    opening = {
        Outcome.GRANTED: _("After the hearing held on %(date)s, the request is granted.") % held,
        Outcome.DENIED: _("After the hearing held on %(date)s, the request is denied.") % held,
        Outcome.DISMISSED: _dismissed_opening(request, language),
        Outcome.WITHDRAWN: _("The request was withdrawn: no hearing will be held."),
    }[outcome]
    sections = [("", f"{opening} ({law})")]
    if request.decision_summary:  # a dismissal noticed for jurisdiction or non-appearance has none
        sections.append((_("The decision"), request.decision_summary))
    if outcome == Outcome.DISMISSED and request.dismissal_ground == DismissalGround.JURISDICTION:
        sections.append((_("Where to go instead"), _alternate_route(request)))
    actions = list(request.actions.select_related("assigned_to").order_by("due_on", "pk"))
    if actions:
        sections.append(
            (
                _("What the agency must do"),
                "\n".join(
                    _("- %(action)s, by %(date)s") % {"action": a.description, "date": letter_date(a.due_on, language)}
                    for a in actions
                ),
            )
        )
    return _letter(
        letter,
        language,
        kind="hearing_decision",
        subject=_("Decision on %(number)s: %(outcome)s") % {"number": request.number, "outcome": outcome.label},
        sections=sections,
        law=law,
        dated=request.decided_on,
    )


def _dismissal_notice(letter: HearingLetter, language: str) -> Letter:
    """California: the reason(s) for the intended dismissal and that it shall occur 15 days after the
    notice is sent unless the complainant shows, orally or in writing, that the matter should not be
    dismissed: a late request without good cause or a matter outside state hearing jurisdiction (22
    CCR 120211(a)(2), (3), (b)), or no one came to the hearing, unless the complainant asks for the
    request to be reinstated and shows good cause for not coming (120213(b))."""
    request = letter.request
    ground = letter.dismissal_ground  # as sent: the request's own change when it is reinstated
    law = citation(NOTICE_CITATION[DismissalGround(ground)], "CA")
    assert letter.dismissal_on is not None  # CHECK hearing_dismissal_notice_keeps_its_ground_and_date
    on = letter_date(letter.dismissal_on, language)
    if ground == DismissalGround.NO_SHOW:
        sections = [
            (
                "",
                _(
                    "No one came to the hearing on %(missed)s, so your request is considered abandoned. "
                    "The request will be dismissed on %(date)s."
                )
                % {"missed": _missed_on(request, language, letter.hearing), "date": on},
            ),
            (
                _("If you had a good reason for not coming"),
                _(
                    "Before %(date)s, ask the office, by telephone or in writing, to reinstate your request, and "
                    "tell it why you could not come (for example, an illness or an emergency). The office may ask "
                    "you for a written statement or other proof. If the reason is good cause, a new hearing will "
                    "be scheduled."
                )
                % {"date": on},
            ),
        ]
    elif ground == DismissalGround.JURISDICTION:
        sections = [
            (
                "",
                _(
                    "Your request is about: %(issue)s. A state hearing cannot decide this matter. The request will "
                    "be dismissed on %(date)s."
                )
                % {"issue": request.get_issue_display(), "date": on},
            ),
            (_("Where to go instead"), _alternate_route(request)),
            (
                _("If you think it should not be dismissed"),
                _(
                    "Before %(date)s, tell the office, by telephone or in writing, the facts or reasons why a "
                    "state hearing should decide your request. If they show it should, a hearing will be scheduled."
                )
                % {"date": on},
            ),
        ]
    else:
        sections = [
            (
                "",
                _(
                    "Your request for a hearing was made after the deadline of %(deadline)s and no good cause for "
                    "the delay was found. The request will be dismissed on %(date)s."
                )
                % {"deadline": letter_date(request.filing_deadline, language), "date": on},
            ),
            *([(_("The reason given"), letter.dismissal_reason)] if letter.dismissal_reason else []),
            (
                _("If you think it should not be dismissed"),
                _(
                    "Before %(date)s, tell the office, by telephone or in writing, the facts or reasons why your "
                    "request should not be dismissed (for example, why you could not ask in time). If they show "
                    "good cause, a hearing will be scheduled."
                )
                % {"date": on},
            ),
        ]
    return _letter(
        letter,
        language,
        kind="hearing_dismissal_notice",
        subject=_("Notice of intended dismissal: %(number)s") % {"number": request.number},
        sections=sections,
        law=law,
        dated=letter.issued_on,
    )


def _reopened(letter: HearingLetter, language: str) -> Letter:
    """New York: the request dismissed as abandoned is reopened (18 NYCRR 358-5.5(c)) under a new
    number; the hearing is scheduled again and a notice of hearing follows. The appellant is told that
    if no one comes to the new hearing the request is abandoned again (358-5.5(d))."""
    request = letter.request
    earlier = request.reopened_from
    if (
        earlier is None or request.reopen_asked_on is None
    ):  # the database pairs them (hearing_reopened_has_ask_and_reason)
        raise ValueError(f"Hearing letter {letter.pk} is a notice of reopening of a request not reopened.")
    law = citation("abandonment_reopen", request.jurisdiction)
    values = {
        "missed": _missed_on(earlier, language),
        "earlier": earlier.number,
        "name": request.requester_name,
        "asked": letter_date(request.reopen_asked_on, language),
        "number": request.number,
    }
    if letter.party == Party.APPELLANT:
        opening = (
            _(
                "No one came to the hearing on %(missed)s, so your request %(earlier)s was dismissed as abandoned. "
                "On %(asked)s you asked for a new hearing and gave the reason you could not come. Your request is "
                "reopened under the number %(number)s."
            )
            % values
        )
        last = (
            _("If you cannot come"),
            _(
                "Tell the office as soon as you can, before the hearing. If no one comes to the new hearing, your "
                "request will be considered abandoned again."
            ),
        )
    else:
        opening = (
            _(
                "No one came to the hearing on %(missed)s, so the request %(earlier)s of %(name)s was dismissed as "
                "abandoned. On %(asked)s the appellant asked for a new hearing and gave a good cause reason for not "
                "coming. The request is reopened under the number %(number)s."
            )
            % values
        )
        last = _agency_before_the_hearing()
    sections = [
        ("", f"{opening} ({law})"),
        (
            _("What happens next"),
            _(
                "The hearing will be scheduled again: a notice of hearing with the date, time and place will be "
                "sent to each party."
            ),
        ),
        last,
    ]
    return _letter(
        letter,
        language,
        kind="hearing_reopened",
        subject=_("Notice of reopening: %(number)s") % {"number": request.number},
        sections=sections,
        law=law,
        dated=letter.issued_on,
        extra_references=[(_("Request reopened"), earlier.number)],
    )


def hearing_letter(letter: HearingLetter, *, language: str | None = None) -> Letter:
    language = language or hearing_letter_language(letter)
    make = {
        LetterKind.NOTICE: _notice,
        LetterKind.DISMISSAL_NOTICE: _dismissal_notice,
        LetterKind.REOPENED: _reopened,
    }.get(LetterKind(letter.kind), _decision)
    with translation.override(language):
        return make(letter, language)

"""The letters a hearing request produces, in the shared letter layout (``complaints.documents``):
the notice of hearing (when, where, how, the rights of the parties) and the decision letter
(outcome, reasons, the compliance actions ordered). Each cites the law of the request's
jurisdiction (``complaints.law``): a New York office never cites the California Family Code."""

from __future__ import annotations

from django.utils import timezone

from complaints.documents import Letter
from complaints.law import citation

from .choices import LetterKind, Mode, Outcome, Party
from .models import HearingLetter

WHERE = {
    Mode.IN_PERSON: "in person at {location}",
    Mode.PHONE: "by telephone: call {location}",
    Mode.VIDEO: "by video: {location}",
}


def _references(letter: HearingLetter) -> list[tuple[str, str]]:
    request = letter.request
    refs = [("Hearing request", request.number), ("About", request.get_issue_display())]
    if request.case_id:
        refs.append(("Case", request.case.case_number))
    return refs


def _notice(letter: HearingLetter) -> Letter:
    request, hearing = letter.request, letter.hearing
    body = citation("hearing_body", request.jurisdiction)
    law = citation("hearing", request.jurisdiction)
    starts = timezone.localtime(hearing.starts_at)
    where = WHERE[hearing.mode].format(location=hearing.location)
    sections = [
        ("", f"{body[0].upper()}{body[1:]} on the request of {request.requester_name} ({law}) is scheduled for "
             f"{starts:%A, %B %d, %Y at %I:%M %p}, {where}. The hearing officer is {hearing.officer}."),
        ("What happens", "Each party may explain, bring documents and witnesses, and see the documents the other "
                         "party relies on. The hearing officer decides in writing after the hearing."),
    ]
    if hearing.interpreter_language:
        sections.append(("Interpreter", f"An interpreter in {hearing.interpreter_language} will be present, free "
                                        "of charge."))
    if hearing.accommodation_needs:
        sections.append(("Accommodation", hearing.accommodation_needs))
    if letter.party == Party.APPELLANT:
        sections.append(("If you cannot come", "Tell the office as soon as you can: the hearing can be rescheduled. "
                                               "You may withdraw your request at any time."))
    else:
        sections.append(("The agency", "Send a representative with the case record and a written position "
                                       "statement."))
    return Letter(subject=f"Notice of hearing — {request.number}", to=letter.addressee,
                  date=letter.issued_on.strftime("%B %d, %Y"), references=_references(letter), sections=sections)


def _decision(letter: HearingLetter) -> Letter:
    request = letter.request
    law = citation("hearing", request.jurisdiction)
    outcome = Outcome(request.outcome)
    opening = {
        Outcome.GRANTED: f"After the hearing held on {request.held_on:%B %d, %Y}, the request is granted.",
        Outcome.DENIED: f"After the hearing held on {request.held_on:%B %d, %Y}, the request is denied.",
        Outcome.DISMISSED: "The request is dismissed.",
        Outcome.WITHDRAWN: "The request was withdrawn: no hearing will be held.",
    }[outcome]
    sections = [("", f"{opening} ({law})"), ("The decision", request.decision_summary)]
    actions = list(request.actions.select_related("assigned_to").order_by("due_on", "pk"))
    if actions:
        sections.append(("What the agency must do", "\n".join(
            f"- {a.description} — by {a.due_on:%B %d, %Y}" for a in actions)))
    return Letter(subject=f"Decision — {request.number}: {outcome.label}", to=letter.addressee,
                  date=request.decided_on.strftime("%B %d, %Y"), references=_references(letter), sections=sections)


def hearing_letter(letter: HearingLetter) -> Letter:
    return _notice(letter) if letter.kind == LetterKind.NOTICE else _decision(letter)

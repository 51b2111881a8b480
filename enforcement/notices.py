"""The notice letter of an enforcement action: its lines (shared by the HTML page and the PDF).

The letter shows the rule, the arrears on the notice date, the figures on the day the action fired
(labelled as such) and the due-process dates. It cites the rule's own legal authority, which is
the law of the case's jurisdiction (rules are per jurisdiction profile).
It never shows an address of a person with the family violence indicator (42 USC 654(26)): the
letter carries names and the case number only; the mailing label is printed by the mail room.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from fpdf import FPDF

from core.money import fmt

from .models import EnforcementAction


@dataclass
class NoticeLetter:
    title: str
    reference: str
    heading: list[tuple[str, str]]
    paragraphs: list[str]
    figures: list[tuple[str, str]]


def notice_letter(action: EnforcementAction) -> NoticeLetter:
    rule = action.rule
    case = action.case
    ncp_person = case.ncp
    remedy = action.get_remedy_display()
    figures = []
    if action.notice_issued_on and action.notice_total_arrears is not None:
        on = action.notice_issued_on.isoformat()
        figures += [
            (f"Total arrears on {on} (the date of this notice)", f"${fmt(action.notice_total_arrears)}"),
            ("Assigned arrears (owed to the state)", f"${fmt(action.notice_assigned_arrears)}"),
            ("Unassigned arrears (owed to the family)", f"${fmt(action.notice_unassigned_arrears)}"),
            ("Months of support in arrears", f"{action.notice_months_in_arrears}"),
        ]
    fired = f"when the rule fired on {action.proposed_on.isoformat()}"
    figures += [
        (f"Total arrears {fired}", f"${fmt(action.total_arrears)}"),
        (f"Assigned arrears {fired}", f"${fmt(action.assigned_arrears)}"),
        (f"Unassigned arrears {fired}", f"${fmt(action.unassigned_arrears)}"),
        (f"Months of support in arrears {fired}", f"{action.months_in_arrears}"),
    ]
    if action.delinquent_since:
        figures.append(("Delinquent since", action.delinquent_since.isoformat()))
    ncp = action.ncp_figures
    if ncp:
        for key, label in (("assigned_arrears", "Assigned arrears on all your cases"),
                           ("unassigned_arrears", "Unassigned arrears on all your cases")):
            if ncp[key] is not None:
                figures.append((f"{label} {fired}", f"${fmt(ncp[key])}"))
    dates = []
    if action.notice_issued_on:
        dates.append(f"This notice is dated {action.notice_issued_on:%B %d, %Y}.")
    if action.contest_ends_on:
        dates.append(
            f"You may contest this action until {action.contest_ends_on:%B %d, %Y} by contacting the office "
            f"and giving your reason (for example, a mistake in the amount owed or in your identity).")
    paragraphs = [
        f"The child support office intends to take the following action: {remedy}, sent to "
        f"{action.partner or rule.partner or 'the responsible agency'}.",
        f"The rule: {rule.threshold_text()}. Legal authority: {rule.citation}.",
        *dates,
        "If you pay the arrears in full the action will be released.",
    ]
    return NoticeLetter(
        title=f"Notice of intended enforcement action — {remedy}",
        reference=action.reference,
        heading=[("Office", settings.CASEWORKS_OFFICE_NAME), ("Case number", case.case_number),
                 ("To", ncp_person.display_name if ncp_person else "Noncustodial parent"), ("Notice reference", action.reference)],
        paragraphs=paragraphs,
        figures=figures,
    )


def _latin1(text: str) -> str:
    return text.replace("—", "-").replace("’", "'").encode("latin-1", "replace").decode("latin-1")


def notice_pdf(action: EnforcementAction) -> bytes:
    letter = notice_letter(action)
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(letter.title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin1(letter.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 11)
    for label, value in letter.heading:
        pdf.cell(45, 7, _latin1(label + ":"))
        pdf.cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for paragraph in letter.paragraphs:
        pdf.multi_cell(0, 6, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "The figures", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for label, value in letter.figures:
        pdf.cell(110, 7, _latin1(label), border=1)
        pdf.cell(50, 7, _latin1(value), border=1, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""Letters to the people of a complaint or hearing (printable page and PDF with fpdf2, one layout:
``Letter`` + ``letter_pdf`` + ``complaints/letter.html``) and the report's charts (``core.charts``).

Every letter cites the law of its jurisdiction profile (``complaints.law``): a New York office
never cites the California Family Code or 22 CCR.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from core.charts import Chart

from .law import citation
from .models import Complaint

HEARING_RIGHT = (
    "If you are not satisfied with this resolution, you have the right to ask for {hearing_body} "
    "({hearing_law}). Ask within 90 days after you receive this notice: at the latest by {deadline} "
    "(a mailed notice is counted as received {allowance} days after the date above). "
    "A hearing can decide a denied or delayed application, a case action taken in violation of the law "
    "or not in time, a wrong distribution, disbursement or arrears calculation, and a decision to close your case. "
    "It cannot change a court-ordered support amount, custody or visitation: those belong to the court. "
    "The ombudsperson can help you ask for a hearing and arrange an interpreter, free of charge."
)


def notice_paragraphs(complaint: Complaint) -> dict:
    deadline = complaint.hearing_deadline.strftime("%B %d, %Y") if complaint.hearing_deadline else ""
    return {
        "office": settings.CASEWORKS_OFFICE_NAME,
        "date": (complaint.resolved_on or timezone.localdate()).strftime("%B %d, %Y"),
        "to": complaint.complainant_name,
        "subject": f"Resolution of your complaint {complaint.number}",
        "received": complaint.received_on.strftime("%B %d, %Y"),
        "case_number": complaint.case.case_number if complaint.case_id else "",
        "category": complaint.get_category_display(),
        "outcome": complaint.get_outcome_display(),
        "explanation": complaint.resolution_explanation,
        "hearing_right": HEARING_RIGHT.format(deadline=deadline, allowance=settings.CASEWORKS_MAILING_ALLOWANCE_DAYS,
                                              hearing_body=citation("hearing_body", complaint.jurisdiction),
                                              hearing_law=citation("hearing", complaint.jurisdiction)),
        "hearing_heading": f"Your right to {citation('hearing_body', complaint.jurisdiction)}",
        "deadline": deadline,
    }


def _latin1(text: str) -> str:
    # The core PDF fonts are Latin-1: replace what they cannot draw rather than fail.
    return text.encode("latin-1", "replace").decode("latin-1")


def notice_pdf(complaint: Complaint) -> bytes:
    p = notice_paragraphs(complaint)
    pdf = FPDF(format="Letter")
    pdf.set_title(p["subject"])
    pdf.set_author(p["office"])
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin1(p["office"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.ln(4)
    for line in (p["date"], "", f"To: {p['to']}", f"Complaint: {complaint.number}",
                 f"Received: {p['received']}", f"Case: {p['case_number'] or 'none given'}",
                 f"About: {p['category']}"):
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, _latin1(p["subject"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, _latin1(f"Outcome: {p['outcome']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 6, _latin1(p["explanation"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, _latin1(p["hearing_heading"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, _latin1(p["hearing_right"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@dataclass
class Letter:
    """One letter in the shared layout: office, date, addressee, references, then sections."""

    subject: str
    to: str
    date: str
    references: list[tuple[str, str]]
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading or "", text)
    office: str = ""

    def __post_init__(self):
        self.office = self.office or settings.CASEWORKS_OFFICE_NAME


def letter_pdf(letter: Letter) -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(letter.subject))
    pdf.set_author(_latin1(letter.office))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin1(letter.office), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.ln(4)
    for line in (letter.date, "", f"To: {letter.to}", *(f"{label}: {value}" for label, value in letter.references)):
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, _latin1(letter.subject), new_x="LMARGIN", new_y="NEXT")
    for heading, text in letter.sections:
        if heading:
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 7, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def extension_letter(complaint: Complaint) -> Letter:
    """The letter telling the complainant the resolution date was extended, why, and the new date."""
    law = citation("extension", complaint.jurisdiction)
    return Letter(
        subject=f"Your complaint {complaint.number}: we need more time to resolve it",
        to=complaint.complainant_name,
        date=timezone.localtime(complaint.extended_at).strftime("%B %d, %Y") if complaint.extended_at else "",
        references=[("Complaint", complaint.number), ("Received", complaint.received_on.strftime("%B %d, %Y")),
                    ("Case", complaint.case.case_number if complaint.case_id else "none given")],
        sections=[
            ("", f"We received your complaint on {complaint.received_on:%B %d, %Y}. We need more time to look into it "
                 f"and have extended the date of our written resolution by {complaint.extension_days} days, "
                 f"to {complaint.due_on:%B %d, %Y} ({law})."),
            ("Why we need more time", complaint.extension_reason),
            ("", "You do not need to do anything. If you have new information, or questions, contact the "
                 "ombudsperson; an interpreter is free of charge."),
        ],
    )


def report_chart(report, kind: str) -> Chart:
    """The complaint report's charts (drawn by the shared ``core.charts`` helper)."""
    if kind == "outcome":
        rows = [(str(label), n) for _, label, n in report.by_outcome]
        return Chart(name="outcome", kind="hbar", title="Resolved by outcome", labels=[r[0] for r in rows],
                     series=[("Resolved", [r[1] for r in rows])],
                     alt="Bar chart of complaints resolved by outcome; the table below gives the figures.")
    rows = [(str(label), n) for _, label, n, _ in report.by_category]
    return Chart(name="category", kind="hbar", title="Received by category", labels=[r[0] for r in rows],
                 series=[("Received", [r[1] for r in rows])],
                 alt="Bar chart of complaints received by category; the table below gives the figures.")

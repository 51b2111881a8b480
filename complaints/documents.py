"""The written resolution notice (printable page and PDF with fpdf2) and the report's charts (pygal)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from .models import Complaint

HEARING_RIGHT = (
    "If you are not satisfied with this resolution, you have the right to ask for a state hearing "
    "(Family Code 17801). Ask within 90 days after you receive this notice: at the latest by {deadline} "
    "(a mailed notice is counted as received {allowance} days after the date above). "
    "A state hearing can decide a denied or delayed application, a case action taken in violation of the law "
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
        "hearing_right": HEARING_RIGHT.format(deadline=deadline, allowance=settings.CASEWORKS_MAILING_ALLOWANCE_DAYS),
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
    pdf.multi_cell(0, 7, "Your right to a state hearing", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, _latin1(p["hearing_right"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def bar_chart_svg(title: str, rows: list[tuple[str, int]]) -> bytes:
    import pygal

    chart = pygal.HorizontalBar(title=title, show_legend=False, js=[], disable_xml_declaration=False,
                                width=700, height=max(200, 60 + 40 * len(rows)), print_values=True)
    chart.x_labels = [label for label, _ in rows]
    chart.add(title, [value for _, value in rows])
    return chart.render()

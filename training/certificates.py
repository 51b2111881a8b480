"""Printable certificate of a completed course, as PDF (fpdf2: pure Python, no system libraries)."""

from __future__ import annotations

from django.conf import settings
from fpdf import FPDF


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1 only; anything else is replaced rather than failing.
    return str(text).encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(completion) -> bytes:
    pdf = FPDF(orientation="landscape", format="letter")
    pdf.set_title(_latin1(f"Certificate of completion: {completion.course.title}"))
    pdf.set_author(_latin1(settings.CASEWORKS_OFFICE_NAME))
    pdf.add_page()
    pdf.set_draw_color(11, 94, 215)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(35)
    pdf.set_font("Helvetica", "B", 28)
    pdf.cell(0, 14, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 10, _latin1(settings.CASEWORKS_OFFICE_NAME), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(0, 10, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    name = completion.user.get_full_name() or completion.user.get_username()
    pdf.cell(0, 14, _latin1(name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 10, "completed the course", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, _latin1(completion.course.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    details = f"on {completion.completed_on:%B %d, %Y} ({completion.course.duration_minutes} minutes)"
    if completion.score is not None:
        details += f", score {completion.score}/100"
    pdf.cell(0, 9, _latin1(details), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 6, f"Certificate number {completion.certificate_number}", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""PDF worksheets (fpdf2) laid out like the state forms: numbered lines, amounts in columns, then
the notes and the legal parameters used with their citations. DejaVu Sans when the system has it
(Debian fonts-dejavu-core) so "×", "−" and "≤" print; otherwise the core font, with what Latin-1
cannot draw replaced."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from .tables import WorksheetLine

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
ASCII = str.maketrans({"×": "x", "−": "-", "≤": "<=", "÷": "/", "—": "-", "–": "-", "’": "'"})


class _Worksheet(FPDF):
    def __init__(self):
        super().__init__(format="Letter")
        self.set_auto_page_break(auto=True, margin=15)
        self.unicode = (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(DEJAVU / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(DEJAVU / "DejaVuSans-Bold.ttf"))
        self.family = "DejaVu" if self.unicode else "Helvetica"

    def text_(self, text: str) -> str:
        if self.unicode:
            return text
        return text.translate(ASCII).encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)


def worksheet_pdf(*, title: str, subtitle: str, inputs: list[tuple[str, str]], columns: tuple[str, ...],
                  lines: list[WorksheetLine], notes: list[str], parameters) -> bytes:
    pdf = _Worksheet()
    pdf.set_title(title)
    pdf.set_author(settings.CASEWORKS_OFFICE_NAME)
    pdf.add_page()
    pdf.use(14, bold=True)
    pdf.multi_cell(0, 8, pdf.text_(title), new_x="LMARGIN", new_y="NEXT")
    pdf.use(9)
    pdf.multi_cell(0, 5, pdf.text_(f"{settings.CASEWORKS_OFFICE_NAME} · {subtitle} · printed "
                                   f"{timezone.localdate():%Y-%m-%d}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.use(9, bold=True)
    pdf.cell(0, 5, "Inputs", new_x="LMARGIN", new_y="NEXT")
    pdf.use(9)
    for label, value in inputs:
        pdf.cell(90, 5, pdf.text_(label))
        pdf.cell(0, 5, pdf.text_(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    width = pdf.epw
    amount_w = 30
    label_w = width - 10 - amount_w * len(columns)
    pdf.use(9, bold=True)
    pdf.cell(10, 6, "Line", border="B")
    pdf.cell(label_w, 6, "", border="B")
    for column in columns:
        pdf.cell(amount_w, 6, pdf.text_(column), border="B", align="R")
    pdf.ln()
    for line in lines:
        pdf.use(9, bold=line.total)
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin + 10)
        pdf.multi_cell(label_w, 5, pdf.text_(line.label), new_x="RIGHT", new_y="TOP")
        height = max(pdf.get_y() - y, 5)
        bottom = pdf.get_y()  # multi_cell moved to the right of the label, at its top
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(10, 5, line.number)
        pdf.set_xy(pdf.l_margin + 10 + label_w, y)
        cells = line.cells if len(line.cells) == len(columns) else ("",) * (len(columns) - len(line.cells)) + line.cells
        for cell in cells:
            pdf.cell(amount_w, 5, pdf.text_(cell), align="R")
        pdf.set_xy(pdf.l_margin, max(bottom, y + height, y + 5))
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    if notes:
        pdf.ln(3)
        pdf.use(9, bold=True)
        pdf.cell(0, 5, "Notes", new_x="LMARGIN", new_y="NEXT")
        pdf.use(9)
        for note in notes:
            pdf.multi_cell(0, 5, pdf.text_(f"• {note}" if pdf.unicode else f"- {note}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.use(9, bold=True)
    pdf.cell(0, 5, "Legal parameters used", new_x="LMARGIN", new_y="NEXT")
    pdf.use(8)
    for p in parameters:
        flag = " (confirm)" if p.confirm else ""
        pdf.multi_cell(0, 4.5, pdf.text_(f"{p.key} = {p.value_text}, from {p.effective_on:%Y-%m-%d}: "
                                         f"{p.citation}{flag}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# The one PDF base with the Unicode font handling (DejaVu Sans when installed): statements use it too.
UnicodePdf = _Worksheet

"""PDF worksheets (fpdf2) laid out like the state forms: numbered lines, amounts in columns, then
the notes and the legal parameters used with their citations. DejaVu Sans when the system has it
(Debian fonts-dejavu-core) so "×", "−" and "≤" print; otherwise the core font, with what Latin-1
cannot draw replaced."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.utils import timezone

from core.dates import display_date
from core.pdf import UnicodePdf

from .tables import WorksheetLine


class _Worksheet(UnicodePdf):
    footer_text = ""

    def __init__(self):
        super().__init__()
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-12)
        self.use(7)
        self.cell(0, 4, self.text_(f"{self.footer_text} · page {self.page_no()} of {{nb}}"), align="C")

    def height_of(self, width: float, line_height: float, text: str) -> float:
        """The height ``multi_cell`` will take for ``text`` (left-aligned), without drawing it."""
        lines = cast(
            list[str], self.multi_cell(width, line_height, self.text_(text), align="L", dry_run=True, output="LINES")
        )
        return line_height * len(lines)

    def room_for(self, height: float) -> bool:
        return self.get_y() + height <= self.page_break_trigger

    def fitted_cell(self, width: float, height: float, text: str) -> None:
        """A right-aligned amount, in a smaller size rather than spilling into the next column."""
        size = original = self.font_size_pt
        text = self.text_(text)
        while size > 5 and self.get_string_width(text) > width - 1:
            size -= 0.5
            self.set_font_size(size)
        self.cell(width, height, text, align="R")
        self.set_font_size(original)


def worksheet_pdf(
    *,
    title: str,
    subtitle: str,
    inputs: list[tuple[str, str]],
    columns: tuple[str, ...],
    lines: list[WorksheetLine],
    notes: list[str],
    parameters,
) -> bytes:
    pdf = _Worksheet()
    pdf.set_title(title)
    pdf.set_author(settings.CASEWORKS_OFFICE_NAME)
    pdf.footer_text = f"{title} · printed {display_date(timezone.localdate())}"
    pdf.add_page()
    pdf.use(14, bold=True)
    pdf.multi_cell(0, 8, pdf.text_(title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.use(9)
    pdf.multi_cell(
        0,
        5,
        pdf.text_(f"{settings.CASEWORKS_OFFICE_NAME} · {subtitle} · printed {display_date(timezone.localdate())}"),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.use(9, bold=True)
    pdf.cell(0, 5, "Inputs", new_x="LMARGIN", new_y="NEXT")
    pdf.use(9)
    label_in = 110
    for label, value in inputs:
        height = max(pdf.height_of(label_in, 4.5, label), pdf.height_of(pdf.epw - label_in, 4.5, value))
        if not pdf.room_for(height):
            pdf.add_page()
        y = pdf.get_y()
        pdf.multi_cell(label_in, 4.5, pdf.text_(label), align="L", new_x="RIGHT", new_y="TOP")
        pdf.multi_cell(pdf.epw - label_in, 4.5, pdf.text_(value), align="L", new_x="LMARGIN", new_y="TOP")
        pdf.set_xy(pdf.l_margin, y + height)
    pdf.ln(3)
    width = pdf.epw
    number_w, amount_w = 9, 27 if len(columns) > 1 else 30  # "$1,234,567.89" still fits at 8.5 pt
    label_w = width - number_w - amount_w * len(columns)

    def header() -> None:
        pdf.use(8.5, bold=True)
        pdf.cell(number_w, 6, "Line", border="B")
        pdf.cell(label_w, 6, "", border="B")
        for column in columns:
            pdf.cell(amount_w, 6, pdf.text_(column), border="B", align="R")
        pdf.ln()

    header()
    row = 4.4  # line height of a worksheet row, in mm
    for line in lines:
        pdf.use(8.5, bold=line.total)
        height = max(pdf.height_of(label_w - 2, row, line.label), row) + 0.8
        if not pdf.room_for(height):  # a line is never split across pages; the header is repeated
            pdf.add_page()
            header()
            pdf.use(8.5, bold=line.total)
        y = pdf.get_y() + 0.4
        pdf.set_y(y)
        pdf.cell(number_w, row, line.number)
        pdf.multi_cell(label_w - 2, row, pdf.text_(line.label), align="L", new_x="LMARGIN", new_y="TOP")
        pdf.set_xy(pdf.l_margin + number_w + label_w, y)
        cells = line.cells if len(line.cells) == len(columns) else ("",) * (len(columns) - len(line.cells)) + line.cells
        for cell in cells:
            pdf.fitted_cell(amount_w, row, cell)
        pdf.set_xy(pdf.l_margin, y - 0.4 + height)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    if notes:
        pdf.ln(3)
        pdf.use(9, bold=True)
        pdf.cell(0, 5, "Notes", new_x="LMARGIN", new_y="NEXT")
        pdf.use(9)
        for note in notes:
            pdf.multi_cell(
                0, 5, pdf.text_(f"• {note}" if pdf.unicode else f"- {note}"), align="L", new_x="LMARGIN", new_y="NEXT"
            )
    pdf.ln(3)
    pdf.use(9, bold=True)
    pdf.cell(0, 5, "Legal parameters used", new_x="LMARGIN", new_y="NEXT")
    pdf.use(8)
    for p in parameters:
        flag = " (confirm)" if p.confirm else ""
        pdf.multi_cell(
            0,
            4.5,
            pdf.text_(f"{p.key} = {p.value_text}, from {display_date(p.effective_on)}: {p.citation}{flag}"),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())

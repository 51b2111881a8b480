"""The statement of account as a PDF (fpdf2), with the project's Unicode font handling
(``core.pdf.UnicodePdf``: DejaVu Sans when installed)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from core.dates import display_date
from core.money import display
from core.pdf import UnicodePdf

from .statement import Statement

# A row's line height and its space above and below, in mm: a one-line row is 5.2 mm high.
LINE, PAD = 4.2, 0.5


class _StatementPdf(UnicodePdf):
    def __init__(self):
        super().__init__()
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self):
        self.set_y(-12)
        self.use(8)
        self.cell(0, 5, self.text_(f"Page {self.page_no()} of {{nb}}"), align="C")


def _lines(pdf: FPDF, width: float, text: str) -> list[str]:
    """``text`` broken into lines that fit a cell ``width`` wide in the current font: at spaces,
    and a word wider than a line at the last character that fits. (fpdf2's own breaking, a dry run
    of ``multi_cell``, costs 5 ms a cell: a ten-year statement wraps a line a month.)"""
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        while pdf.get_string_width(word) > room and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and pdf.get_string_width(word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines


def statement_pdf(statement: Statement) -> bytes:
    case = statement.case
    pdf = _StatementPdf()
    pdf.alias_nb_pages()
    title = f"Statement of account: case {case.case_number}"
    pdf.set_title(title)
    pdf.set_author(settings.CASEWORKS_OFFICE_NAME)
    pdf.add_page()
    pdf.use(14, bold=True)
    pdf.multi_cell(0, 8, pdf.text_(title), new_x="LMARGIN", new_y="NEXT")
    pdf.use(9)
    pdf.multi_cell(
        0,
        5,
        pdf.text_(
            f"{settings.CASEWORKS_OFFICE_NAME} · {display_date(statement.start)} to {display_date(statement.end)} · "
            f"printed {display_date(timezone.localdate())}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    widths = (24, pdf.epw - 24 - 26 * 4, 26, 26, 26, 26)
    heads = ("Date", "Description", "Charge", "Payment", "Adjustment", "Balance")

    def row(cells, bold=False, border=""):
        """One line of the table: a description wider than its column wraps within it (never cut,
        never printed under the amounts), and the row is never split across pages. Dates and
        amounts fit their columns."""
        pdf.use(8.5, bold=bold)
        texts = [pdf.text_(text) for text in cells]
        lines = _lines(pdf, widths[1], texts[1])
        if len(lines) == 1:  # nearly every row
            for i, (w, text) in enumerate(zip(widths, texts, strict=True)):
                pdf.cell(w, LINE + 2 * PAD, text, border=border, align="R" if i >= 2 else "L")
            pdf.ln()
            return
        height = len(lines) * LINE + 2 * PAD
        if pdf.will_page_break(height):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        for i, (w, text) in enumerate(zip(widths, texts, strict=True)):
            for n, line in enumerate(lines if i == 1 else [text]):
                pdf.set_xy(x, y + PAD + n * LINE)
                pdf.cell(w, LINE, line, align="R" if i >= 2 else "L")
            x += w
        for side, at in (("T", y), ("B", y + height)):
            if side in border:
                pdf.line(pdf.l_margin, at, pdf.l_margin + sum(widths), at)
        pdf.set_xy(pdf.l_margin, y + height)

    def totals(label: str, figures, border: str) -> None:
        """A month's or the whole statement's totals: charges, payments, adjustments, closing balance."""
        amounts = (figures.charges, figures.payments, figures.adjustments, figures.closing)
        row(("", label, *map(display, amounts)), bold=True, border=border)

    row(heads, bold=True, border="B")
    row(("", "Balance at the start", "", "", "", display(statement.opening)), bold=True)
    for month in statement.months:
        pdf.use(9, bold=True)
        pdf.cell(0, 6, pdf.text_(f"{month.month:%B %Y}"), new_x="LMARGIN", new_y="NEXT")
        for line in month.lines:
            row(
                (
                    display_date(line.posted_on),
                    line.description,
                    display(line.charge) if line.charge is not None else "",
                    display(line.credit) if line.credit is not None else "",
                    display(line.adjustment) if line.adjustment is not None else "",
                    display(line.balance),
                )
            )
        totals(f"{month.month:%B %Y} totals", month, border="T")
    if not statement.months:
        row(("", "No charges, payments or adjustments in these dates.", "", "", "", ""))
    pdf.ln(2)
    totals("Balance at the end", statement, border="TB")
    pdf.ln(3)
    pdf.use(10, bold=True)
    pdf.cell(0, 6, pdf.text_(f"Owed on {display_date(statement.end)}, by kind"), new_x="LMARGIN", new_y="NEXT")
    for label, amount in statement.arrears:
        pdf.use(9)
        pdf.cell(90, 5, pdf.text_(label))
        pdf.cell(30, 5, pdf.text_(display(amount)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.use(9, bold=True)
    pdf.cell(90, 5, "Total")
    pdf.cell(30, 5, pdf.text_(display(statement.closing)), align="R", new_x="LMARGIN", new_y="NEXT")
    interest = statement.interest
    if interest is not None:  # California: apart from the principal (CCP 685.010, 695.211(c))
        pdf.use(9)
        pdf.cell(90, 5, pdf.text_(f"{interest.label}, unpaid"))
        pdf.cell(30, 5, pdf.text_(display(interest.interest)), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.use(9, bold=True)
        pdf.cell(90, 5, "Total with interest")
        pdf.cell(30, 5, pdf.text_(display(statement.closing_with_interest)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.use(8)
    pdf.multi_cell(
        0,
        4.5,
        pdf.text_(
            "Charges raise what is owed; payments and credits lower it. A negative balance is a credit. "
            + (
                f"Interest is as of {display_date(interest.as_of)}, on the arrears only: it is simple (never on "
                "interest) and counts from the first day of the month after each unpaid "
                "payment was due (Code Civ. Proc. 685.010, 685.020; Fam. Code 17433.5). A payment pays this month's "
                "support first, then the arrears, then the interest (Code Civ. Proc. 695.221). "
                if interest is not None
                else ""
            )
            + "Questions about this statement: contact your caseworker."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())

"""The statement of account as a PDF (fpdf2), with the project's Unicode font handling
(``core.pdf.UnicodePdf``: DejaVu Sans when installed)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from core.dates import display_date
from core.money import display
from core.pdf import UnicodePdf

from .statement import Statement


class _StatementPdf(UnicodePdf):
    def __init__(self):
        super().__init__()
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self):
        self.set_y(-12)
        self.use(8)
        self.cell(0, 5, self.text_(f"Page {self.page_no()} of {{nb}}"), align="C")


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
        pdf.use(8.5, bold=bold)
        for i, (w, text) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(w, 5.2, pdf.text_(text)[:70], border=border, align="R" if i >= 2 else "L")
        pdf.ln()

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

"""The Income Withholding for Support PDF (federal form OMB 0970-0154), and the National Medical
Support Notice Part A (OMB 0970-0222; 45 CFR 303.32) that goes with it when the order requires
health care coverage — or alone (``IwoKind.NMSN``) when there is no cash to withhold, and the
one-page notice that there is no longer a current order for medical support
(``IwoKind.NMSN_TERMINATION``, the form's "Termination Order/Notice" box; 303.32(c)). An IWO
that replaces one sent with the NMSN says what becomes of the coverage (``medical_support_statement``).

Laid out like the federal form, in its order and with its field names, so a payroll clerk who
knows the form finds each entry where they expect it: the document kind (1a-1d), the sender, the
identifiers (remittance, order, case), the employer and the employee/obligor, "Order Information"
(amounts per the order's frequency, arrears over 12 weeks), "Amounts to Withhold" restated per pay
cycle (weekly, biweekly, semimonthly, monthly) and the lump sum, "Remittance Information" (begin
within the issuing state's time after service, CPLR 5241(g)(1) 14 days, Fam. Code 5233 10 days;
remit within 7 business days of the pay date; the CCPA limit of 15 USC 1673(b); the SDU), then page
2, the additional information for employers and the employee's separation notice. A termination
states no amounts, no time to begin and no limit: only that withholding stops and where to send
what was already withheld. Everything printed comes from the row frozen when the order was issued;
names are "Last, First Middle" as the form's labels ask. A value too long for its box wraps in it
(``_Form.label_value``), and the row grows to fit. Page one ends with the issuing official and the
copy-to-employee box, as the federal form does: when the usual spacing would push them onto a page
of their own, page one is laid out again tighter, or with the Remittance Information overleaf with
them (``PAGE_ONE_LAYOUTS``).

Confidentiality (42 USC 654(26); 45 CFR 303.21): the IWO form carries names, the obligor's SSN and
date of birth, the children's names and dates of birth; it has no address of the obligor or the
custodial party. The NMSN Part A asks for the employee's mailing address (printed unless the
obligor has the family violence indicator: then, as when no address is known, "Use the address in
your payroll records", which tells the employer nothing of the indicator) and the custodial
parent's and children's: the agency
uses the form's "substituted official" option and always prints its own address there, so no
document to an employer ever carries where the custodial parent or a child lives.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from cases.redaction import mailing_address, whereabouts_shown
from core.business_days import add_business_days
from core.letters import office_address_lines
from core.pdf import UnicodePdf

from .choices import IwoKind
from .models import IncomeWithholdingOrder
from .nmsn import birth_date, part_b
from .services.withholding import name_last_first

# The NMSN's employee address when the agency prints none (42 USC 654(26); see the module).
PAYROLL_ADDRESS = "Use the address in your payroll records."
# (paragraph density, Remittance Information overleaf) of page one, tried in turn (``iwo_pdf``).
PAGE_ONE_LAYOUTS = ((1.0, False), (0.9, False), (1.0, True))
FREQUENCY_WORD = {"weekly": "week", "biweekly": "two weeks", "semimonthly": "half month", "monthly": "month"}


class _Form(UnicodePdf):
    def __init__(self, *, title: str, footer: str):
        super().__init__()
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(14, 10, 14)
        # (first page, footer): each part of the document (the IWO, NMSN Part A, Part B) names
        # itself in its pages' footers and numbers them on its own, "Page 1 of 2".
        self.sections: list[tuple[int, str]] = [(1, footer)]
        # Paragraphs' type size and line height, as a fraction of the usual: page one is laid out
        # tighter when its usual spacing would push the signature block off it (``iwo_pdf``).
        self.density = 1.0
        self.set_title(title)
        self.set_author(settings.CASEWORKS_OFFICE_NAME)

    def section(self, footer: str) -> None:
        """The pages from the next one on are a part of their own, with ``footer``."""
        self.sections.append((self.page + 1, footer))

    def footer(self) -> None:
        """Drawn once the document is complete (``_footers``), when each part's page count is known."""

    def _footers(self) -> None:
        starts = sorted(dict(self.sections).items())  # a later part starting on a page wins it
        last, auto, margin = self.page, self.auto_page_break, self.b_margin
        self.set_auto_page_break(False)
        for n, (first, footer) in enumerate(starts):
            end = min(starts[n + 1][0] - 1 if n + 1 < len(starts) else last, last)
            for page in range(first, end + 1):
                self.page = page
                self.current_font_is_set_on_page = False  # each page's stream selects its font
                self.set_y(-12)
                self.use(7)
                self.cell(0, 4, self.text_(f"{footer}   Page {page - first + 1} of {end - first + 1}"), align="C")
        self.page = last
        self.set_auto_page_break(auto, margin)

    def output(self, *args, **kwargs):  # type: ignore[override]
        if self.page and not self.buffer:
            self._footers()
        return super().output(*args, **kwargs)

    def box(self, checked: bool, label: str, width: float, size: float = 8.5, bold: bool = False) -> None:
        """A form checkbox (drawn, so it prints the same in any font) followed by its label."""
        x, y = self.get_x(), self.get_y()
        self.rect(x + 0.5, y + 1, 3.2, 3.2)
        if checked:
            self.line(x + 0.5, y + 1, x + 3.7, y + 4.2)
            self.line(x + 0.5, y + 4.2, x + 3.7, y + 1)
        self.set_x(x + 5)
        self.use(size, bold)
        self.cell(width - 5, 5.2, self.text_(label))

    def label_value(self, label: str, value: str, width: float, *, h: float = 5.2) -> float:
        """A form field: its label, and its value under it in a box ``width`` wide. A value too long
        for one line wraps inside the box (never drawn over the next column). Leaves the position
        at the top right of the box; returns the box's bottom, for the row to move past it."""
        self.use(7)
        x, y = self.get_x(), self.get_y()
        self.cell(width, 3, self.text_(label))
        self.set_xy(x, y + 3)
        self.use(9, bold=True)
        text = self.text_(value)
        wraps = self.get_string_width(text) > width - 2 * self.c_margin
        self.multi_cell(width, 4 if wraps else h, text, align="L", new_x="LEFT", new_y="NEXT")
        bottom = max(self.get_y(), y + 3 + h)
        self.line(x, bottom, x + width, bottom)
        self.set_xy(x + width, y)
        return bottom

    def field_row(
        self, left: tuple[str, str], right: tuple[str, str] | None = None, *, gap: float, split: float = 0.5
    ) -> None:
        """Two fields side by side (label and value each): the left one ``split`` of the width less
        a gutter, the right one the rest; then the next row ``gap`` below the taller field (a long
        value wraps in its box, so a row is as tall as its longest value)."""
        middle = self.epw * split
        bottom = self.label_value(*left, middle - 3)
        if right is not None:
            self.set_x(self.l_margin + middle)
            bottom = max(bottom, self.label_value(*right, self.epw - middle))
        self.set_xy(self.l_margin, bottom + gap)

    def heading(self, text: str) -> None:
        self.ln(0.8)
        self.set_fill_color(225, 225, 225)
        self.use(9, bold=True)
        self.cell(0, 5, self.text_(text), fill=True, new_x="LMARGIN", new_y="NEXT")
        self.ln(0.5)

    def para(self, text: str, size: float = 8, h: float = 3.8) -> None:
        self.use(size * self.density)
        self.multi_cell(0, h * self.density, self.text_(text), new_x="LMARGIN", new_y="NEXT")


def _d(value) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _m(value) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _employer_lines(iwo: IncomeWithholdingOrder) -> list[str]:
    city = ", ".join(p for p in (iwo.employer_city, f"{iwo.employer_state} {iwo.employer_postal_code}".strip()) if p)
    return [line for line in (iwo.employer_line1, iwo.employer_line2, city) if line]


def _ssn(iwo: IncomeWithholdingOrder) -> str:
    ncp = iwo.case.ncp
    ssn = getattr(ncp, "ssn", "") or ""
    ssn = str(ssn) if isinstance(ssn, str) else ""
    return f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}" if len(ssn) == 9 else "Unknown"


def _nmsn_successor(iwo: IncomeWithholdingOrder) -> IncomeWithholdingOrder | None:
    """The NMSN-only notice issued after ``iwo`` (a termination of cash withholding while the order
    still requires coverage: the two are issued together, ``iwo_reconcile_action``)."""
    return IncomeWithholdingOrder.objects.filter(supersedes=iwo, kind=IwoKind.NMSN).first()


def medical_support_statement(iwo: IncomeWithholdingOrder) -> str:
    """What an amended or terminating IWO says of the National Medical Support Notice that went with
    the order it replaces (45 CFR 303.32(c)): the coverage goes on under the NMSN sent alone, or
    there is no longer a current order for medical support (303.32(c)). Empty when the order it
    replaces carried no NMSN, or the new one carries it again."""
    before = iwo.supersedes
    if before is None or not before.health_coverage_required or iwo.health_coverage_required:
        return ""
    if iwo.kind == IwoKind.TERMINATION:
        notice = _nmsn_successor(iwo)
        if notice is not None:
            return (
                "This termination ends cash withholding only. It does not end the health care coverage: the "
                "order still requires the employee to provide health care coverage for the child(ren). Keep "
                "the child(ren) enrolled and keep withholding the employee's contributions to the plan under "
                f"the National Medical Support Notice, sent again on its own as Notice {notice.control_number} "
                f"dated {_d(notice.issued_on)}."
            )
    return (
        f"The National Medical Support Notice sent with income withholding order {before.control_number} also "
        "ends: there is no longer a current order for medical support in effect for which this agency is "
        "responsible (45 CFR 303.32(c)). That Notice no longer requires you to enroll the child(ren) in "
        "your group health plan or to withhold the employee's contributions for their coverage; tell the plan "
        "administrator(s) to whom you sent Part B."
    )


def _page_one(pdf: _Form, iwo: IncomeWithholdingOrder, *, remittance_overleaf: bool = False) -> None:
    sdu = settings.CASEWORKS_SDU.get(iwo.case.jurisdiction, {})
    state = iwo.issuing_state
    width = pdf.epw
    pdf.add_page()
    pdf.use(7)
    pdf.cell(0, 3.5, "OMB No.: 0970-0154", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.use(14, bold=True)
    pdf.cell(0, 7, "INCOME WITHHOLDING FOR SUPPORT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    top = pdf.get_y()
    for kind, label in (
        (IwoKind.ORIGINAL, "ORIGINAL INCOME WITHHOLDING ORDER/NOTICE FOR SUPPORT (IWO)"),
        (IwoKind.AMENDED, "AMENDED IWO"),
        (IwoKind.LUMP_SUM, "ONE-TIME ORDER/NOTICE FOR LUMP SUM PAYMENT"),
        (IwoKind.TERMINATION, "TERMINATION of IWO"),
    ):
        pdf.box(iwo.kind == kind, label, width * 0.62, size=8, bold=True)
        pdf.ln(4.7)
    pdf.set_xy(pdf.l_margin + width * 0.64, top)
    pdf.label_value("Date", _d(iwo.issued_on), width * 0.36)
    pdf.set_xy(pdf.l_margin + width * 0.64, top + 10)
    pdf.label_value("Document tracking identifier", iwo.control_number or "", width * 0.36)
    pdf.set_xy(pdf.l_margin, top + 20)
    for checked, label, w in (
        (True, "Child Support Agency (CSA)", 50),
        (False, "Court", 22),
        (False, "Attorney", 25),
        (False, "Private Individual/Entity", 60),
    ):
        pdf.box(checked, label, w, size=8)
    pdf.ln(6)
    half = width / 2
    rows = [
        ("State/Tribe/Territory", state, "Remittance Identifier (include w/payment)", iwo.remittance_id),
        ("City/County/Dist./Tribe", iwo.issuing_jurisdiction, "Order Identifier", iwo.order_identifier),
        ("Private Individual/Entity", "", "Case Identifier", iwo.remittance_id),
    ]
    for left_label, left, right_label, right in rows:
        pdf.field_row((left_label, left), (right_label, right), gap=0.4)
    # Employer (left) and the employee/obligor (right), as on the form.
    y = pdf.get_y() + 1
    pdf.set_xy(pdf.l_margin, y)
    pdf.use(7)
    pdf.cell(half - 3, 3.5, pdf.text_("Employer/Income Withholder's Name"))
    pdf.set_x(pdf.l_margin + half)
    pdf.cell(half, 3.5, "RE:", new_x="LMARGIN", new_y="NEXT")
    left_lines = [
        iwo.employer_name,
        *_employer_lines(iwo),
        f"Employer/Income Withholder's FEIN: {iwo.employer_fein or '-'}",
    ]
    children = iwo.children or []
    right_lines = [
        "Employee/Obligor's Name (Last, First, Middle): "
        + name_last_first(iwo.obligor_first_name, iwo.obligor_middle_name, iwo.obligor_last_name),
        f"Employee/Obligor's Social Security Number: {_ssn(iwo)}",
        f"Employee/Obligor's Date of Birth: {_d(iwo.obligor_birth_date) or '-'}",
        f"Custodial Party/Obligee's Name (Last, First, Middle): {iwo.custodial_party_name or '-'}",
    ]
    y = pdf.get_y()
    ly = y
    for n, line in enumerate(left_lines):
        pdf.use(9, bold=n == 0)
        pdf.set_xy(pdf.l_margin, ly)
        pdf.multi_cell(half - 3, 4.3, pdf.text_(line), align="L", new_x="LMARGIN", new_y="NEXT")
        ly = pdf.get_y()
    pdf.use(8)
    ry = y
    for line in right_lines:
        pdf.set_xy(pdf.l_margin + half, ry)
        pdf.multi_cell(half, 3.9, pdf.text_(line), align="L", new_x="LMARGIN", new_y="NEXT")
        ry = pdf.get_y()
    bottom = max(ly, ry) + 1.5
    pdf.set_xy(pdf.l_margin, bottom)
    pdf.use(7)
    pdf.cell(half * 1.3, 3.5, pdf.text_("Child(ren)'s Name(s) (Last, First, Middle)"))
    pdf.cell(0, 3.5, pdf.text_("Child(ren)'s Birth Date(s)"), new_x="LMARGIN", new_y="NEXT")
    pdf.use(8.5)
    for child in children or [{"name": "-", "birth_date": ""}]:
        pdf.cell(half * 1.3, 4, pdf.text_(child["name"]))
        birth = child.get("birth_date") or ""
        pdf.cell(0, 4, birth_date(birth), new_x="LMARGIN", new_y="NEXT")
    pdf.line(pdf.l_margin, pdf.get_y() + 0.8, pdf.l_margin + width, pdf.get_y() + 0.8)
    pdf.ln(1.5)

    pdf.heading("ORDER INFORMATION")
    if iwo.kind == IwoKind.TERMINATION:
        pdf.para(
            f"This document terminates the income withholding order {iwo.supersedes.control_number if iwo.supersedes else ''}"
            f" for the case identifier above. Stop withholding for this order from the next pay period; "
            f"send any amount already withheld to the State Disbursement Unit below. Do not stop any other "
            f"order for this employee.",
            size=8.5,
            h=4.2,
        )
        medical = medical_support_statement(iwo)
        if medical:
            pdf.ln(0.8)
            pdf.para(medical, size=8.5, h=4.2)
    else:
        medical = medical_support_statement(iwo)
        if medical:
            pdf.para(medical, size=7.8, h=3.4)
            pdf.ln(0.5)
        pdf.para(
            f"This document is based on the support or withholding order from {state}. You are required by law "
            f"to deduct these amounts from the employee/obligor's income until further notice."
        )
        if iwo.health_coverage_required:
            # one line, so page 1 keeps its last line (the copy-to-employee box)
            pdf.use(8, bold=True)
            pdf.cell(
                0,
                3.9,
                pdf.text_(
                    "The order also requires health care coverage: the National Medical Support Notice "
                    "(OMB 0970-0222) is enclosed."
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        per = FREQUENCY_WORD.get(iwo.order_frequency, iwo.order_frequency)
        lump = iwo.kind == IwoKind.LUMP_SUM
        lines = [
            (iwo.current_support, "current child support"),
            (iwo.past_due_support, "past-due child support"),
            (iwo.current_medical, "current cash medical support"),
            (iwo.past_due_medical, "past-due cash medical support"),
            (iwo.current_spousal, "current spousal support"),
            (iwo.past_due_spousal, "past-due spousal support"),
            (iwo.other_amount, "other (must specify)"),
        ]
        for amount, label in lines:
            pdf.use(8.5)
            pdf.cell(6, 4.1, "$")
            pdf.cell(24, 4.1, "" if lump else _m(amount), border="B", align="R")
            pdf.cell(10, 4.1, " Per", align="L")
            pdf.cell(24, 4.1, "" if lump else pdf.text_(per), border="B")
            pdf.cell(50, 4.1, pdf.text_(" " + label))
            if label == "past-due child support":
                question = pdf.text_("- Arrears greater than 12 weeks?")
                pdf.cell(pdf.get_string_width(question) + 2.5, 4.1, question)  # the box clear of the "?"
                pdf.box(not lump and iwo.arrears_over_12_weeks, "Yes", 11)
                pdf.box(not lump and not iwo.arrears_over_12_weeks, "No", 10)
            pdf.ln(4.1)
        pdf.use(8.5, bold=True)
        pdf.cell(62, 5, pdf.text_("for a Total Amount to Withhold of $"))
        pdf.cell(26, 5, "" if lump else _m(iwo.total_per_frequency), border="B", align="R")
        pdf.cell(10, 5, " per")
        pdf.cell(26, 5, "" if lump else pdf.text_(per), border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.use(7.5)
        pdf.cell(
            0,
            4,
            pdf.text_(
                f"Arrears owed on the case on {_d(iwo.issued_on)}: ${_m(iwo.arrears_total)} "
                f"(stated for information; withhold only the amounts above)."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )

        pdf.heading("AMOUNTS TO WITHHOLD")
        pdf.para(
            "You do not have to vary your pay cycle to be in compliance with the Order Information. If your pay "
            "cycle does not match the ordered payment cycle, withhold one of the following amounts:"
        )
        cells = [
            (iwo.per_weekly, "per weekly pay period"),
            (iwo.per_semimonthly, "per semimonthly pay period (twice a month)"),
            (iwo.per_biweekly, "per biweekly pay period (every two weeks)"),
            (iwo.per_monthly, "per monthly pay period"),
        ]
        for n, (amount, label) in enumerate(cells):
            pdf.use(8.5)
            pdf.cell(4, 4.6, "$")
            pdf.cell(21, 4.6, "" if lump else _m(amount), border="B", align="R")
            pdf.cell(
                half - 25 if n % 2 == 0 else 0,
                4.6,
                pdf.text_(label),
                new_x="RIGHT" if n % 2 == 0 else "LMARGIN",
                new_y="TOP" if n % 2 == 0 else "NEXT",
            )
        pdf.use(8.5, bold=lump)
        pdf.cell(4, 4.8, "$")
        pdf.cell(22, 4.8, _m(iwo.lump_sum_amount) if lump else "", border="B", align="R")
        pdf.cell(
            0,
            4.8,
            pdf.text_(" Lump Sum Payment: Do not stop any existing IWO unless you receive a termination order."),
            new_x="LMARGIN",
            new_y="NEXT",
        )

    if remittance_overleaf and pdf.page == 1:
        pdf.add_page()
    pdf.heading("REMITTANCE INFORMATION")
    if iwo.kind == IwoKind.TERMINATION:
        # A termination tells the employer to stop: nothing here about beginning or limits.
        pdf.para(
            f"Do not withhold for this order from any pay date after you receive this termination. Send any amount "
            f"already withheld for it within {iwo.remit_business_days} working days of the pay date it was "
            f"withheld from, as below.",
            size=7.8,
            h=3.4,
        )
    else:
        _begin_and_limits(pdf, iwo)
    example = add_business_days(iwo.issued_on, iwo.remit_business_days, iwo.case.jurisdiction)
    pdf.para(
        f"Remit payment to {sdu.get('payee', 'the State Disbursement Unit')} (SDU/Tribal Order Payee) at "
        f"{', '.join(sdu.get('address', []))} (SDU/Tribal Payee Address). Include the Remittance Identifier "
        f"{iwo.remittance_id} with the payment (on an electronic payment, the case identifier of the DED addenda). "
        f"Example: wages paid on {_d(iwo.issued_on)} are due at the SDU by {_d(example)}.",
        h=3.7,
    )
    pdf.ln(0.5)
    pdf.box(
        False,
        "Return to Sender [Completed by Employer/Income Withholder]. Payment must be directed to an SDU "
        "(42 USC 666(b)(5), (b)(6)).",
        width,
        size=7.5,
    )
    pdf.ln(5.5)
    # The signature block and the copy box stay together: a field row split by the page break would
    # scatter its label and value over pages. (The NMSN enclosure is stated under Order Information.)
    if pdf.will_page_break(10 + 5):
        pdf.add_page()
    pdf.field_row(
        ("Print Name of the Issuing Official", settings.CASEWORKS_OFFICE_NAME),
        ("Title of Issuing Official / Date", f"IV-D agency, {_d(iwo.issued_on)}"),
        gap=0.8,
    )
    pdf.box(True, "If checked, you are required to provide a copy of this form to the employee/obligor.", width, size=8)
    pdf.ln(5)


def _begin_and_limits(pdf: _Form, iwo: IncomeWithholdingOrder) -> None:
    """When to begin (the issuing state's time, frozen on issue: CPLR 5241(g)(1) 14 days after
    service, Fam. Code 5233 10 days), when to remit, and the withholding limits."""
    state = iwo.issuing_state
    pdf.para(
        f"If the employee/obligor's principal place of employment is {state}, you must begin withholding no later "
        f"than the first pay period that occurs {iwo.begin_withholding_days} days after the date of service of "
        f"this order on you. Send payment within {iwo.remit_business_days} working days of the pay date. If you "
        f"cannot withhold the full amount of support for any or all orders for this employee/obligor, withhold up to "
        f"{iwo.withholding_limit_percent}% of disposable income for all orders. If the employee/obligor's principal "
        f"place of employment is not {state}, obtain withholding limitations, time requirements, and any allowable "
        f"employer fees for the employee/obligor's principal place of employment (the OCSS employer contacts pages "
        f"list them).",
        size=7.8,
        h=3.4,
    )
    pdf.para(
        f"Consumer Credit Protection Act limit (15 U.S.C. 1673(b)): withhold no more than 50% of disposable "
        f"earnings if the employee/obligor supports a second family (spouse or child not in this order), 60% if not; "
        f"add 5% (55% or 65%) when the support is more than 12 weeks in arrears. "
        f"Arrears greater than 12 weeks on this order: {'yes' if iwo.arrears_over_12_weeks else 'no'}.",
        size=7.8,
        h=3.4,
    )


def _page_two(pdf: _Form, iwo: IncomeWithholdingOrder) -> None:
    office = settings.CASEWORKS_OFFICE_NAME
    pdf.add_page()
    pdf.use(11, bold=True)
    pdf.cell(0, 6, "ADDITIONAL INFORMATION FOR EMPLOYERS/INCOME WITHHOLDERS", new_x="LMARGIN", new_y="NEXT")
    pdf.use(8)
    # The identifiers the employer matches this page by print whole, at the right; the name takes
    # the rest of the line and wraps in it when long (it ran the tracking identifier off the page).
    identifiers = pdf.text_(
        f"Case Identifier: {iwo.remittance_id}    Document tracking identifier: {iwo.control_number}"
    )
    right = pdf.get_string_width(identifiers) + 2 * pdf.c_margin
    top = pdf.get_y()
    pdf.multi_cell(
        pdf.epw - right,
        4,
        pdf.text_(f"Employee/Obligor's Name: {iwo.obligor_name}"),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + pdf.epw - right, top)
    pdf.cell(right, 4, identifiers, align="R")
    pdf.set_xy(pdf.l_margin, max(bottom, top + 4))
    items = [
        (
            "Priority",
            "Withholding for support has priority over any other legal process under State law against the "
            "same income (42 USC 666(b)(7)). Federal tax levies in effect before receipt of this order may "
            "have priority.",
        ),
        (
            "Combining Payments",
            "When remitting payments to an SDU, you may combine withheld amounts from more than one "
            "employee/obligor's income in a single payment. You must, however, separately identify "
            "each employee/obligor's portion of the payment (by the Remittance Identifier).",
        ),
        (
            "Payments To SDU",
            "You must send child support payments payable by income withholding to the appropriate "
            "SDU or to a tribal CSA. Payments are due within "
            f"{iwo.remit_business_days} working days of the pay date.",
        ),
        (
            "Reporting the Pay Date",
            "You must report the pay date when sending the payment. The pay date is the date on "
            "which the amount was withheld from the employee/obligor's wages.",
        ),
        (
            "Multiple IWOs",
            "If there is more than one IWO against this employee/obligor and you are unable to fully "
            "honor all IWOs due to federal, state, or tribal withholding limits, you must honor all IWOs "
            "to the greatest extent possible, giving priority to current support before payment of any "
            "past-due support.",
        ),
        (
            "Lump Sum Payments",
            "You may be required to notify a CSA of upcoming lump sum payments to this employee/obligor "
            "such as bonuses, commissions, or severance pay. Contact the sender to determine if you "
            "are required to report and/or withhold lump sum payments.",
        ),
        (
            "Liability",
            "If you have any doubts about the validity of this IWO, contact the sender. If you fail to withhold "
            "income from the employee/obligor's income as the IWO directs, you are liable for both the "
            "accumulated amount you should have withheld and any penalties set by State or tribal law/procedure.",
        ),
        (
            "Anti-discrimination",
            "You are subject to a fine determined under State or tribal law for discharging an "
            "employee/obligor from employment, refusing to employ, or taking disciplinary action "
            "against an employee/obligor because of this IWO.",
        ),
        (
            "Withholding Limits",
            "You may not withhold more than the lesser of: 1) the amounts allowed by the Federal "
            "Consumer Credit Protection Act (15 U.S.C. 1673(b)); or 2) the amounts allowed by the "
            "State or tribe of the employee/obligor's principal place of employment. Disposable "
            "income is the net income left after making mandatory deductions such as State, Federal, "
            "local taxes, Social Security taxes, statutory pension contributions, and Medicare taxes. "
            "The federal limit is 50% of disposable income if the obligor is supporting another "
            "family and 60% if the obligor is not, plus 5% if the arrears are more than 12 weeks.",
        ),
    ]
    for title, text in items:
        pdf.use(8, bold=True)
        pdf.cell(0, 4.2, pdf.text_(title), new_x="LMARGIN", new_y="NEXT")
        pdf.para(text, size=7.8, h=3.6)
        pdf.ln(0.6)
    pdf.heading("NOTIFICATION OF EMPLOYMENT TERMINATION OR INCOME STATUS")
    pdf.para(
        "If this employee/obligor never worked for you or you are no longer withholding income for this "
        "employee/obligor, you must promptly notify the CSA by returning this form to the address listed in the "
        "contact information below (or answer in your e-IWO acknowledgment file).",
        size=7.8,
        h=3.6,
    )
    pdf.ln(1)
    for left, _right in (
        ("This person has never worked for this employer nor received periodic income.", ""),
        ("This person no longer works for this employer nor receives periodic income.", ""),
    ):
        pdf.box(False, left, pdf.epw, size=7.8)
        pdf.ln(5)
    fields = [
        ("Employee/Obligor's Name", iwo.obligor_name),
        ("Case Identifier", iwo.remittance_id),
        ("Date of Separation from Employer", ""),
        ("Last Known Telephone Number", ""),
        ("Last Known Address", ""),
        ("Final Payment Date to SDU/Tribal Payee", ""),
        ("Final Payment Amount", ""),
        ("New Employer's Name", ""),
        ("New Employer's Address", ""),
    ]
    for n in range(0, len(fields), 2):
        pdf.field_row(fields[n], fields[n + 1] if n + 1 < len(fields) else None, gap=1)
    pdf.heading("CONTACT INFORMATION")
    address = ", ".join(office_address_lines())
    pdf.para(
        f"To Employer/Income Withholder: if you have questions, contact {office} by telephone "
        f"{settings.CASEWORKS_OFFICE_PHONE}; send this form to {office}, {address}.",
        size=7.8,
        h=3.6,
    )
    pdf.para(
        f"To Employee/Obligor: if the employee/obligor has questions, contact {office} by telephone "
        f"{settings.CASEWORKS_OFFICE_PHONE}.",
        size=7.8,
        h=3.6,
    )


def nmsn_employee_address(iwo: IncomeWithholdingOrder) -> str:
    """The employee's mailing address on the NMSN, Part A and Part B alike."""
    ncp = iwo.case.ncp
    address = mailing_address(ncp) if ncp is not None else None
    if address is not None and ncp is not None and whereabouts_shown(ncp):
        return ", ".join(
            p for p in (address.line1, address.line2, address.city, f"{address.state} {address.postal_code}") if p
        )
    # Withheld (family violence indicator) or not known: the same words, so the employer, the plan
    # administrator and the employee's copy learn nothing of the indicator (42 USC 654(26)).
    return PAYROLL_ADDRESS


def _nmsn_heading(pdf: _Form, subtitle: str) -> None:
    """A new page headed as the federal NMSN (OMB 0970-0222) with ``subtitle`` under its title."""
    pdf.add_page()
    pdf.use(7)
    pdf.cell(0, 3.5, "OMB No.: 0970-0222", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.use(13, bold=True)
    pdf.cell(0, 6.5, "NATIONAL MEDICAL SUPPORT NOTICE", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.use(10, bold=True)
    pdf.cell(0, 5.5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")


def _nmsn(pdf: _Form, iwo: IncomeWithholdingOrder) -> None:
    """National Medical Support Notice, Part A: Notice to Withhold for Health Care Coverage
    (45 CFR 303.32(a); OMB 0970-0222), then Part B (``nmsn.part_b``)."""
    office = settings.CASEWORKS_OFFICE_NAME
    office_address = ", ".join(office_address_lines())
    employee_address = nmsn_employee_address(iwo)
    pdf.section(f"National Medical Support Notice Part A (OMB 0970-0222) - {iwo.control_number} - {iwo.remittance_id}")
    _nmsn_heading(pdf, "Part A - Notice to Withhold for Health Care Coverage")
    _nmsn_kind_boxes(pdf, termination=False)
    if iwo.kind == IwoKind.NMSN:
        _nmsn_only_preface(pdf, iwo)
    pdf.para(
        "This Notice is issued under section 466(a)(19) of the Social Security Act, section 609(a)(5)(C) of the "
        "Employee Retirement Income Security Act of 1974, and for State and local government and church plans, "
        "sections 401(e) and (f) of the Child Support Performance and Incentive Act of 1998 (45 CFR 303.32).",
        size=7.8,
        h=3.6,
    )
    rows = [
        ("Issuing Agency", office, "Court or Administrative Authority of Order", iwo.issuing_state),
        ("Issuing Agency Address", office_address, "Support Order Number", iwo.order_identifier),
        ("Date of Notice", _d(iwo.issued_on), "Case Number", iwo.remittance_id),
        ("Employer Name", iwo.employer_name, "Employer FEIN", iwo.employer_fein or "-"),
        (
            "Employer Address",
            ", ".join(_employer_lines(iwo)),
            "Telephone Number (agency)",
            settings.CASEWORKS_OFFICE_PHONE,
        ),
        ("Employee Name", iwo.obligor_name, "Employee SSN", _ssn(iwo)),
        ("Employee Mailing Address", employee_address, "", ""),
    ]
    for left_label, left, right_label, right in rows:
        pdf.field_row((left_label, left), (right_label, right) if right_label else None, gap=1.2)
    pdf.ln(1)
    pdf.field_row(
        ("Custodial Parent's Name (or substituted official)", iwo.custodial_party_name),
        ("Mailing Address (substituted official: the issuing agency)", office_address),
        gap=1.8,
        split=0.57,
    )
    pdf.use(7)
    pdf.cell(pdf.epw * 0.55, 3.5, pdf.text_("Name(s) of Child(ren)"))
    pdf.cell(pdf.epw * 0.2, 3.5, "Date of Birth")
    pdf.cell(0, 3.5, pdf.text_("Mailing address (substituted official)"), new_x="LMARGIN", new_y="NEXT")
    pdf.use(8.5)
    for child in iwo.children or []:
        birth = child.get("birth_date") or ""
        pdf.cell(pdf.epw * 0.55, 4.2, pdf.text_(child["name"]))
        pdf.cell(pdf.epw * 0.2, 4.2, birth_date(birth))
        pdf.cell(0, 4.2, pdf.text_("c/o the issuing agency"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.heading("EMPLOYER RESPONSE")
    pdf.para(
        "The order requires the employee to provide health care coverage for the child(ren) named above. Within "
        "20 business days of the date of this Notice, transfer Part B (Medical Support Notice to Plan "
        "Administrator) to the administrator of each appropriate group health plan for which the child(ren) may "
        "be eligible, or complete this Response and return it to the issuing agency if: the employee is not "
        "employed by you; you do not maintain or contribute to plans providing dependent or family health care "
        "coverage; or the employee is among a class of employees not eligible for family health coverage. "
        "Withhold the employee contributions the plan administrator determines, within the withholding limits "
        "of the Consumer Credit Protection Act (15 U.S.C. 1673(b)); the Income Withholding for Support has "
        "priority where both cannot be honoured, unless State law provides otherwise.",
        size=7.8,
        h=3.6,
    )
    pdf.ln(1)
    for label in (
        "Employee is not employed by this employer.",
        "Employer does not offer dependent or family health coverage.",
        "Employee is among a class of employees not eligible for family health coverage.",
        "Enrollment cannot be completed because of State or Federal withholding limits or priorities.",
        "Part B has been sent to the plan administrator.",
    ):
        pdf.box(False, label, pdf.epw, size=8)
        pdf.ln(5.2)
    pdf.ln(1)
    pdf.field_row(("Employer Representative / Title", ""), ("Date / Telephone", ""), gap=1.8)
    part_b(pdf, iwo, employee_address=employee_address, ssn=_ssn(iwo), employer_address=", ".join(_employer_lines(iwo)))


def _nmsn_kind_boxes(pdf: _Form, *, termination: bool) -> None:
    """The current Part A's two boxes: "National Medical Support Order/Notice (NMSN)" and
    "Termination Order/Notice (Optional)" (OMB 0970-0222)."""
    pdf.ln(0.5)
    pdf.box(not termination, "National Medical Support Order/Notice (NMSN)", pdf.epw * 0.5, size=8.5, bold=True)
    pdf.box(termination, "Termination Order/Notice (Optional)", pdf.epw * 0.5, size=8.5, bold=True)
    pdf.ln(6)


def _nmsn_only_preface(pdf: _Form, iwo: IncomeWithholdingOrder) -> None:
    """Why this NMSN comes without an Income Withholding for Support, and how long it lasts."""
    before = iwo.supersedes
    pdf.ln(0.5)
    pdf.set_fill_color(240, 240, 240)
    pdf.use(8.5, bold=True)
    lines = [
        f"This National Medical Support Notice (document tracking identifier {iwo.control_number}) is sent "
        "without an income "
        "withholding order: the support order requires the employee to provide health care coverage for the "
        "child(ren), and there is no cash support to withhold for it now. Do not withhold child support for "
        "this case under this Notice; withhold only the employee's contributions to the health plan, as below."
    ]
    if before is not None and before.kind == IwoKind.TERMINATION:
        lines.append(
            f"Income withholding order {before.supersedes.control_number if before.supersedes else ''} was "
            f"terminated by {before.control_number} dated {_d(before.issued_on)} (cash withholding only). The "
            "health care coverage it required stays in effect under this Notice."
        )
    elif before is not None and before.kind == IwoKind.NMSN:
        lines.append(f"This Notice replaces National Medical Support Notice {before.control_number}.")
    lines.append(
        "This Notice stays in effect until this agency notifies you that there is no longer a current order "
        "for medical support (45 CFR 303.32(c)), or the employee no longer works for you."
    )
    pdf.multi_cell(0, 4, pdf.text_(" ".join(lines)), border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _nmsn_termination(pdf: _Form, iwo: IncomeWithholdingOrder) -> None:
    """The notice that there is no longer a current order for medical support (45 CFR
    303.32(c)): it ends the NMSN-only notice ``iwo.supersedes``."""
    notice = iwo.supersedes
    office = settings.CASEWORKS_OFFICE_NAME
    _nmsn_heading(pdf, "Notice that medical support has ended (termination)")
    # One page, as New York's "Termination of National Medical Support Notice" (CPLR 5241): the
    # form's termination box checked, without the enrolment pages that no longer apply.
    _nmsn_kind_boxes(pdf, termination=True)
    rows = [
        ("Issuing Agency", office, "Date of Notice", _d(iwo.issued_on)),
        (
            "Issuing Agency Address",
            ", ".join(office_address_lines()),
            "Document tracking identifier",
            iwo.control_number or "",
        ),
        ("Employer Name", iwo.employer_name, "Employer FEIN", iwo.employer_fein or "-"),
        ("Employer Address", ", ".join(_employer_lines(iwo)), "Case Number", iwo.remittance_id),
        ("Employee Name", iwo.obligor_name, "Support Order Number", iwo.order_identifier),
    ]
    for left_label, left, right_label, right in rows:
        pdf.field_row((left_label, left), (right_label, right), gap=1.2)
    pdf.heading("TERMINATION")
    pdf.para(
        f"This notice ends National Medical Support Notice {notice.control_number if notice else ''} dated "
        f"{_d(notice.issued_on) if notice else ''} for the employee and case above: there is no longer a current "
        "order for medical support in effect for which this agency is responsible (45 CFR 303.32(c)).",
        size=8.5,
        h=4.2,
    )
    pdf.ln(0.8)
    pdf.para(
        "That Notice no longer requires you to enroll the child(ren) in your group health plan or to withhold the "
        "employee's contributions for their coverage. Send a copy of this notice to the plan administrator(s) to "
        "whom you sent Part B. Whether the coverage itself continues is for the employee and the plan's own "
        "terms. This notice does not stop any income withholding order or other notice for this employee.",
        size=8.5,
        h=4.2,
    )
    pdf.heading("CONTACT INFORMATION")
    pdf.para(
        f"Questions: {office}, telephone {settings.CASEWORKS_OFFICE_PHONE}, {', '.join(office_address_lines())}.",
        size=8,
        h=3.8,
    )


def iwo_pdf(iwo: IncomeWithholdingOrder) -> bytes:
    """The IWO (and the NMSN Part A where the order requires health coverage) as a PDF; an
    NMSN-only document (``IwoKind.NMSN``, ``NMSN_TERMINATION``) as the NMSN alone."""
    kind = IwoKind(iwo.kind).label
    if iwo.is_nmsn_only:
        form, omb = "National Medical Support Notice", "0970-0222"
    else:
        form, omb = "Income Withholding for Support", "0970-0154"

    def new_form() -> _Form:
        pdf = _Form(
            title=f"{form} - {kind} - {iwo.control_number}",
            footer=f"{form} (OMB {omb}) - {iwo.control_number} - {iwo.remittance_id}",
        )
        # A reissued copy is the same document: fix the creation date to the issue date.
        pdf.set_creation_date(
            timezone.make_aware(datetime.combine(iwo.issued_on, time(9)))
            if settings.USE_TZ
            else datetime.combine(iwo.issued_on, time(9))
        )
        return pdf

    pdf = new_form()
    if iwo.kind == IwoKind.NMSN:
        _nmsn(pdf, iwo)
    elif iwo.kind == IwoKind.NMSN_TERMINATION:
        _nmsn_termination(pdf, iwo)
    else:
        # The federal form's page one ends with the issuing official and the copy-to-employee box.
        # Laid out as usual first; if that pushes them off the page (a long employer name or address,
        # several children), again with tighter paragraphs; if even that does not hold them, the
        # Remittance Information goes overleaf with them, so no page carries the signature alone.
        for density, overleaf in PAGE_ONE_LAYOUTS:
            pdf = new_form() if pdf.page else pdf
            pdf.density = density
            _page_one(pdf, iwo, remittance_overleaf=overleaf)
            if pdf.page == 1:
                break
        pdf.density = 1.0
        _page_two(pdf, iwo)
        if iwo.health_coverage_required and iwo.kind != IwoKind.TERMINATION:
            _nmsn(pdf, iwo)
    return bytes(pdf.output())

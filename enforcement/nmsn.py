"""National Medical Support Notice, Part B: Medical Support Notice to Plan Administrator (the
Department of Labor's part, OMB 1210-0113; 29 CFR 2590.609-2), drawn after Part A (``iwo._nmsn``).

Part A tells the employer to transfer Part B to the administrator of each group health plan for
which the children may be eligible (45 CFR 303.32(c)(2)); this is that page. It carries what makes
the Notice a qualified medical child support order (ERISA section 609(a)(3), (a)(5)(C)): the
issuing agency, the employee (participant) and his or her mailing address, and each child
(alternate recipient) with a mailing address. The same confidentiality as Part A: the employee's
address is the one ``iwo.nmsn_employee_address`` gives (never that of a person with the family
violence indicator, 42 USC 654(26)), and the agency is the substituted official whose address
stands for the custodial parent's and the children's (section 609(a)(3)(A) allows it), so the
plan administrator learns nowhere where they live. Then the Plan Administrator Response (qualified
and enrolled, or not and why, or a waiting period) and the instructions in brief.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from core.letters import office_address_lines

from .models import IncomeWithholdingOrder
from .services.withholding import name_last_first

if TYPE_CHECKING:  # iwo.py draws Part B from its Part A: the form class is only a type here
    from .iwo import _Form

OMB = "1210-0113"


def birth_date(value: str) -> str:
    """A child's ISO birth date (as the order keeps it) as the forms print it: MM/DD/YYYY, or "-"."""
    return f"{value[5:7]}/{value[8:10]}/{value[:4]}" if value else "-"


def _room(pdf: _Form, height: float) -> None:
    """A new page unless ``height`` mm still fit above the page break (a row, or a heading with
    the first lines under it, is never split across pages)."""
    if pdf.will_page_break(height):
        pdf.add_page()


def _columns(pdf: _Form, cells: list[tuple[str, float]], *, size: float = 8.5, bold: bool = False) -> None:
    """One table row: each text wraps in its column; the next row starts under the tallest."""
    top, x, bottom = pdf.get_y(), pdf.l_margin, pdf.get_y()
    pdf.use(size, bold)
    for text, width in cells:
        pdf.set_xy(x, top)
        pdf.multi_cell(width - 2, 3.9, pdf.text_(text), align="L", new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
        x += width
    pdf.set_xy(pdf.l_margin, bottom + 0.6)


def _check(pdf: _Form, label: str, *, indent: float = 0, size: float = 7.8) -> None:
    """A response checkbox with its label wrapped beside it (never past the margin)."""
    pdf.use(size)
    lines = pdf.multi_cell(pdf.epw - indent - 5, 3.6, pdf.text_(label), dry_run=True, output="LINES")
    assert isinstance(lines, list)  # what output="LINES" returns
    _room(pdf, len(lines) * 3.6 + 1.5)
    x, y = pdf.l_margin + indent, pdf.get_y()
    pdf.rect(x + 0.5, y + 0.2, 3.2, 3.2)
    pdf.set_xy(x + 5, y)
    pdf.multi_cell(pdf.epw - indent - 5, 3.6, pdf.text_(label), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def part_b(pdf: _Form, iwo: IncomeWithholdingOrder, *, employee_address: str, ssn: str, employer_address: str) -> None:
    """Part B, on pages of its own (its own footer and page count)."""
    office = settings.CASEWORKS_OFFICE_NAME
    office_address = ", ".join(office_address_lines())
    phone = settings.CASEWORKS_OFFICE_PHONE
    issued = iwo.issued_on.strftime("%m/%d/%Y") if iwo.issued_on else ""
    pdf.section(f"National Medical Support Notice Part B (OMB {OMB}) - {iwo.control_number} - {iwo.remittance_id}")
    pdf.add_page()
    pdf.use(7)
    pdf.cell(0, 3.5, f"OMB No.: {OMB}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.use(13, bold=True)
    pdf.cell(0, 6.5, "NATIONAL MEDICAL SUPPORT NOTICE", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.use(10, bold=True)
    pdf.cell(0, 5.5, "Part B - Medical Support Notice to Plan Administrator", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.para(
        "This Notice is issued under section 466(a)(19) of the Social Security Act, section 609(a)(5)(C) of the "
        "Employee Retirement Income Security Act of 1974 (ERISA), and for State and local government and church "
        "plans, sections 401(e) and (f) of the Child Support Performance and Incentive Act of 1998. Receipt of "
        "this Notice from the Issuing Agency is receipt of a medical child support order under applicable law "
        "(29 CFR 2590.609-2).",
        size=7.8,
        h=3.6,
    )
    pdf.ln(0.5)
    rows = [
        ("Issuing Agency", office, "Court or Administrative Authority of Order", iwo.issuing_state),
        ("Issuing Agency Address", office_address, "Support Order Number", iwo.order_identifier),
        ("Date of Notice", issued, "Case Number", iwo.remittance_id),
        ("Telephone Number (agency)", phone, "Employer/Withholder's FEIN", iwo.employer_fein or "-"),
        ("Employer/Withholder's Name", iwo.employer_name, "Employer/Withholder's Address", employer_address),
        (
            "Employee's Name (Last, First, MI) - the participant",
            name_last_first(iwo.obligor_first_name, iwo.obligor_middle_name, iwo.obligor_last_name),
            "Employee's Social Security Number",
            ssn,
        ),
    ]
    for left_label, left, right_label, right in rows:
        pdf.field_row((left_label, left), (right_label, right), gap=1.2)
    pdf.field_row(("Employee's Mailing Address", employee_address), gap=1.6, split=1)
    pdf.field_row(
        ("Custodial Parent's Name (Last, First, MI)", iwo.custodial_party_name or "-"),
        ("Custodial Parent's Mailing Address (substituted official)", f"c/o {office}, {office_address}"),
        gap=1.6,
    )
    pdf.field_row(
        ("Substituted Official/Agency Name and Address", f"{office}, {office_address}, telephone {phone}"),
        gap=1.6,
        split=1,
    )

    widths = [pdf.epw * 0.42, pdf.epw * 0.16, pdf.epw * 0.42]
    _room(pdf, 14)
    pdf.heading("ALTERNATE RECIPIENTS (CHILDREN)")
    header = list(
        zip(
            ("Child(ren)'s Name(s) (Last, First, MI)", "Date of Birth", "Mailing Address (substituted official)"),
            widths,
            strict=True,
        )
    )
    _columns(pdf, header, size=7)
    for child in iwo.children or [{"name": "-", "birth_date": ""}]:
        if pdf.get_y() + 9 > pdf.page_break_trigger:
            pdf.add_page()
            _columns(pdf, header, size=7)
        cells = (child["name"], birth_date(child.get("birth_date") or ""), f"c/o {office}, {office_address}")
        _columns(pdf, list(zip(cells, widths, strict=True)))

    _room(pdf, 30)
    pdf.heading("PLAN ADMINISTRATOR RESPONSE")
    pdf.para(
        "To be completed by the plan administrator and returned to the Issuing Agency at the address above within "
        "40 business days after the date of the Notice, or sooner if reasonable. If the employer is also the plan "
        "administrator, the employer completes it.",
        size=7.8,
        h=3.6,
    )
    pdf.ln(1)
    _check(pdf, "1. This Notice was determined to be a qualified medical child support order on (date) __________.")
    _check(
        pdf,
        "The participant and the alternate recipient(s) are enrolled, or will be enrolled, in the following option: "
        "__________________________________, with coverage effective on (date) __________.",
        indent=6,
    )
    _check(
        pdf,
        "The participant is not enrolled and more than one option is available: the Issuing Agency is asked to "
        "select one within 20 business days; without a selection the alternate recipient(s) are enrolled in the "
        "plan's default option, if any.",
        indent=6,
    )
    _check(pdf, "2. This Notice was determined NOT to be a qualified medical child support order, because:")
    for reason in (
        "The name of an alternate recipient cannot be determined.",
        "The mailing address of an alternate recipient (or of the substituted official) cannot be determined.",
        "The underlying child support order cannot be identified.",
    ):
        _check(pdf, reason, indent=6)
    _check(
        pdf,
        "3. The participant is subject to a waiting period that ends on (date) __________ (more than 90 days after "
        "the plan received this Notice), or to one measured otherwise than by time, for example hours worked "
        "(describe): ______________________. The alternate recipient(s) will be enrolled when it ends.",
    )
    _check(pdf, "4. The participant is not, or is no longer, eligible for coverage under the plan.")
    pdf.ln(0.5)
    _room(pdf, 22)
    pdf.field_row(("Plan Administrator or Representative / Title", ""), ("Date / Telephone", ""), gap=1.2)
    pdf.field_row(("Plan Name and Address", ""), ("Contact for Claims and Services (name, telephone)", ""), gap=1.8)

    _room(pdf, 24)
    pdf.heading("INSTRUCTIONS TO PLAN ADMINISTRATOR")
    items = [
        (
            "This Notice",
            "The employer named above sends you Part B because the employee (the participant) is ordered to provide "
            "health care coverage for the child(ren) named above (the alternate recipients). An appropriately "
            "completed Notice is a qualified medical child support order (ERISA section 609(a)(5)(C); 29 CFR "
            "2590.609-2).",
        ),
        (
            "Within 40 business days",
            "Determine whether the Notice is a qualified medical child support order; complete the Plan "
            "Administrator Response and send it to the Issuing Agency. Tell the participant, the custodial parent "
            "and each alternate recipient of the Notice and of your determination: write to the custodial parent "
            "and the child(ren) in care of the substituted official, the Issuing Agency, at its address above.",
        ),
        (
            "Enrollment",
            "If the Notice is qualified, enroll the alternate recipient(s) as dependents of the participant "
            "without regard to enrollment season restrictions, and tell the employer the employee contribution "
            "to withhold. A child may not be denied enrollment because the child was born out of wedlock, is not "
            "claimed as a dependent on the parent's federal income tax return, or does not reside with the parent "
            "or in the plan's service area (42 USC 1396g-1(a)).",
        ),
        (
            "More than one option; waiting periods",
            "If the participant is not enrolled and the plan has more than one option, give the Issuing Agency the "
            "options and wait for its selection (20 business days) before enrolling in the default option, if any. "
            "If the participant must first complete a waiting period, say so in response 3 and enroll the "
            "alternate recipient(s) when it ends.",
        ),
        (
            "Claims",
            "Give the custodial parent (through the substituted official) the information needed to obtain "
            "benefits; accept claims from the custodial parent, or from a provider with the custodial parent's "
            "approval, without the participant's approval, and pay them to the custodial parent, the provider or "
            "the State agency (42 USC 1396g-1(b)).",
        ),
        (
            "Questions",
            f"Contact {office}, telephone {phone}, {office_address}.",
        ),
    ]
    for title, text in items:
        _room(pdf, 12)
        pdf.use(8, bold=True)
        pdf.cell(0, 4.2, pdf.text_(title), new_x="LMARGIN", new_y="NEXT")
        pdf.para(text, size=7.8, h=3.6)
        pdf.ln(0.6)

"""Red team (partb): an income withholding order with the National Medical Support Notice sent only
Part A, which tells the employer to "transfer Part B (Medical Support Notice to Plan Administrator)
to the administrator of each appropriate group health plan": the employer could not comply. The NMSN
is Part A and Part B (45 CFR 303.32(a); 29 CFR 2590.609-2); Part B now follows Part A, with the
same confidentiality (42 USC 654(26)). Page 2 of such an order carried one line that overflowed
page 1, and the NMSN pages' footers named the IWO and numbered on from it; each part now numbers its
own pages under its own name."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from pypdf import PdfReader

from cases.models import Address, Obligation
from core.letters import office_address_lines
from enforcement.choices import IwoKind
from enforcement.iwo import PAYROLL_ADDRESS, iwo_pdf
from enforcement.services.withholding import iwo_reconcile_action, name_last_first
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.test_nmsn_address_overflows import MM, text_runs

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def _pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages]


def _part_b(content: bytes) -> str:
    pages = _pages(content)
    start = next(n for n, text in enumerate(pages) if "Part B - Medical Support Notice to Plan Administrator" in text)
    return " ".join(pages[start:])


@pytest.fixture
def health_iwo():
    action = active_withholding_action(health=True)
    Address.objects.create(
        person=action.case.cp,
        line1="9 Secret Court",
        city="Troy",
        state="NY",
        postal_code="12180",
        valid_from=date(2024, 1, 1),
    )
    return iwo_reconcile_action(action=action, on=ON)[0]


def test_part_b_follows_part_a_for_the_plan_administrator(health_iwo):
    # when: the order requiring health coverage is printed
    content = iwo_pdf(health_iwo)
    part_b = _part_b(content)
    # then: Part B names the agency, the order, the employee (participant) and the children
    # (alternate recipients), with the agency standing in for the custodial parent's address
    office = settings.CASEWORKS_OFFICE_NAME
    assert "OMB No.: 1210-0113" in part_b
    assert f"Issuing Agency {office}" in part_b and office_address_lines()[0] in part_b
    assert f"Case Number {health_iwo.remittance_id}" in part_b
    assert f"Support Order Number {health_iwo.order_identifier}" in part_b
    employee = name_last_first(
        health_iwo.obligor_first_name, health_iwo.obligor_middle_name, health_iwo.obligor_last_name
    )
    assert f"Employee's Name (Last, First, MI) - the participant {employee}" in part_b
    assert f"Employee's Social Security Number {health_iwo.case.ncp.ssn[:3]}-" in part_b
    assert "Employee's Mailing Address 44 Elm Street, Albany, NY 12203" in part_b
    assert health_iwo.custodial_party_name in part_b and "Secret Court" not in part_b
    child = health_iwo.children[0]
    birth = child["birth_date"]
    assert child["name"] in part_b and f"{birth[5:7]}/{birth[8:10]}/{birth[:4]}" in part_b
    assert f"c/o {office}" in part_b
    # the plan administrator's response and the instructions
    assert "PLAN ADMINISTRATOR RESPONSE" in part_b and "40 business days" in part_b
    assert "qualified medical child support order" in part_b
    assert "waiting period" in part_b and "INSTRUCTIONS TO PLAN ADMINISTRATOR" in part_b


def test_part_b_prints_no_address_for_an_employee_with_the_family_violence_indicator():
    action = active_withholding_action(health=True)
    ncp = action.case.ncp
    ncp.family_violence = True
    ncp.save()
    content = iwo_pdf(iwo_reconcile_action(action=action, on=ON)[0])
    part_b = _part_b(content)
    assert f"Employee's Mailing Address {PAYROLL_ADDRESS}" in part_b
    assert "44 Elm Street" not in " ".join(_pages(content))
    assert "family violence" not in part_b.lower() and "654(26)" not in part_b


def test_each_part_numbers_its_own_pages_in_its_footer(health_iwo):
    pages = _pages(iwo_pdf(health_iwo))
    ids = f"{health_iwo.control_number} - {health_iwo.remittance_id}"
    iwo_pages = [text for text in pages if f"Income Withholding for Support (OMB 0970-0154) - {ids}" in text]
    part_a = [text for text in pages if f"National Medical Support Notice Part A (OMB 0970-0222) - {ids}" in text]
    part_b = [text for text in pages if f"National Medical Support Notice Part B (OMB 1210-0113) - {ids}" in text]
    assert len(iwo_pages) == 2 and len(part_a) == 1 and len(part_b) >= 1
    assert len(iwo_pages) + len(part_a) + len(part_b) == len(pages)
    assert "Page 1 of 2" in iwo_pages[0] and "Page 2 of 2" in iwo_pages[1]
    assert "Page 1 of 1" in part_a[0] and "NATIONAL MEDICAL SUPPORT NOTICE" in part_a[0]
    assert all(f"Page {n} of {len(part_b)}" in text for n, text in enumerate(part_b, 1))


def test_the_nmsn_enclosure_fits_on_page_one_and_no_page_carries_a_single_line(health_iwo):
    content = iwo_pdf(health_iwo)
    pages = _pages(content)
    assert "the National Medical Support Notice (OMB 0970-0222) is enclosed" in pages[0].split("Page 1 of")[0]
    assert pages[1].startswith("ADDITIONAL INFORMATION FOR EMPLOYERS")
    for page in range(len(pages)):
        lines = {round(run[2]) for run in text_runs(content, page)}
        assert len(lines) > 10, (page, pages[page][:200])


def test_the_arrears_checkbox_stands_clear_of_its_question(health_iwo):
    runs = text_runs(iwo_pdf(health_iwo), 0)
    question = next(run for run in runs if run[3].endswith("Arrears greater than 12 weeks?"))
    yes = next(run for run in runs if run[3] == "Yes" and abs(run[2] - question[2]) < 3)
    box_left = yes[0] - 4.5 * MM  # the box is drawn 4.5 mm left of its label
    assert box_left - question[1] >= 1 * MM


def test_the_nmsn_sent_alone_carries_part_b_too():
    # given: an order requiring coverage and no cash (the NMSN-only notice, 45 CFR 303.32(c))
    action = active_withholding_action(health=True)
    Obligation.objects.filter(order__case=action.case).delete()
    [notice] = iwo_reconcile_action(action=action, on=ON)
    assert notice.kind == IwoKind.NMSN
    # then: Part A then Part B, each numbering its own pages, nothing of the IWO form
    pages = _pages(iwo_pdf(notice))
    ids = f"{notice.control_number} - {notice.remittance_id}"
    assert f"National Medical Support Notice Part A (OMB 0970-0222) - {ids} Page 1 of 1" in pages[0]
    assert "Part B - Medical Support Notice to Plan Administrator" in pages[1]
    assert f"National Medical Support Notice Part B (OMB 1210-0113) - {ids} Page 1 of {len(pages) - 1}" in pages[1]
    assert not any("Income Withholding for Support (OMB 0970-0154)" in text for text in pages)

"""Red team (rtletters): the National Medical Support Notice sent to an employer (and copied to the
employee) printed "Employee Mailing Address: Withheld (family violence indicator, 42 USC 654(26))"
when the employee has the FVI: the address was withheld, but the employer was told its employee is
flagged as at risk of family violence. The notice now says what it says when the agency knows no
address, "Use the address in your payroll records.", so the two cannot be told apart. The IWO form
and the e-IWO record carry no address of the obligor (checked here too)."""

from __future__ import annotations

from datetime import date

import pytest

from cases.models import Address
from enforcement.iwo import PAYROLL_ADDRESS, iwo_pdf
from enforcement.services.eiwo import detail_record
from enforcement.services.withholding import iwo_reconcile_action, sdu_for
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def _nmsn_address(text: str) -> str:
    return text[text.index("Employee Mailing Address") :][:70]


def test_the_nmsn_to_the_employer_does_not_reveal_the_family_violence_indicator():
    # given: an employee with the family violence indicator, on an order requiring health coverage
    action = active_withholding_action(health=True)
    ncp = action.case.ncp
    ncp.family_violence = True
    ncp.save()
    # when: the IWO and its NMSN are issued to the employer
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    text = pdf_text(iwo_pdf(iwo))
    record = detail_record(iwo, ssn="", sdu=sdu_for(action.case.jurisdiction), on=ON)
    # then: neither the address nor the reason is printed, on the PDF or in the e-IWO record
    assert "NATIONAL MEDICAL SUPPORT NOTICE" in text and "44 Elm Street" not in text
    assert "family violence" not in text.lower() and "654(26)" not in text, _nmsn_address(text)
    assert f"Employee Mailing Address {PAYROLL_ADDRESS}" in text
    assert not any("Elm" in str(value) or "violence" in str(value).lower() for value in record.values())


def test_an_nmsn_without_a_known_address_reads_the_same_as_one_withheld():
    action = active_withholding_action(health=True)
    Address.objects.filter(person=action.case.ncp).delete()
    text = pdf_text(iwo_pdf(iwo_reconcile_action(action=action, on=ON)[0]))
    assert f"Employee Mailing Address {PAYROLL_ADDRESS}" in text


def test_an_nmsn_for_an_employee_without_the_indicator_prints_the_address():
    action = active_withholding_action(health=True)
    text = pdf_text(iwo_pdf(iwo_reconcile_action(action=action, on=ON)[0]))
    assert "Employee Mailing Address 44 Elm Street, Albany, NY 12203" in text

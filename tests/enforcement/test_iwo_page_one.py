"""Page 1 of the Income Withholding for Support form (OMB 0970-0154, enforcement/iwo.py) ends with
the issuing official and the copy-to-employee box, as on the federal form, whatever the length of
the employer's name and address or the number of children; no page carries the signature alone
(red-team letters review)."""

from __future__ import annotations

from datetime import date

import pytest

from cases.choices import ParticipantRole
from cases.models import CaseParticipant, Person
from enforcement.iwo import iwo_pdf
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import ChildFactory, EmployerFactory
from tests.enforcement.iwo_factories import active_withholding_action
from tests.pdftext import page_layout

pytestmark = pytest.mark.django_db

SIGNATURE = "Print Name of the Issuing Official"
COPY_BOX = "If checked, you are required to provide a copy of this form to the employee/obligor."


def test_the_signature_block_stays_on_page_one_and_no_page_is_left_almost_blank():
    """Employer "Saint Bartholomew's ... Hudson Valley, Inc." (96 characters; ``Employer.name``
    allows 200) at "1234 Northern Boulevard Extension, Building C, Suite 400", and an obligor named
    "Fernández-Castellanos de la Peña, María José": the values wrap inside their boxes and the usual
    spacing pushed the issuing official and the copy box onto a page 2 that held nothing else, the
    additional information moving to page 3. Page 1 is laid out tighter instead."""
    employer = EmployerFactory(
        name="Saint Bartholomew's Regional Medical Center and Rehabilitation Services of the Hudson Valley, Inc.",
        line1="1234 Northern Boulevard Extension, Building C, Suite 400",
        city="Rensselaer",
        state="NY",
        postal_code="12144",
    )
    action = active_withholding_action(monthly="433.33", arrears="2600.00", employer=employer)
    Person.objects.filter(pk=action.case.ncp.pk).update(
        first_name="María José", last_name="Fernández-Castellanos de la Peña"
    )
    iwo = iwo_reconcile_action(action=action, on=date(2026, 11, 23))[0]
    content = iwo_pdf(iwo)
    first, second = page_layout(content, 1), page_layout(content, 2)
    assert SIGNATURE in first and COPY_BOX in first, second
    assert "Saint Bartholomew's Regional Medical Center" in first
    assert "ADDITIONAL INFORMATION FOR EMPLOYERS" in second, second


def test_with_more_than_page_one_holds_the_remittance_information_goes_overleaf_with_the_signature():
    """Six more children (a line each) do not fit on page 1 even laid out tighter: the Remittance
    Information starts page 2, with the signature block and the copy box after it, in the form's
    order; the additional information follows on a page of its own."""
    action = active_withholding_action(monthly="433.33", arrears="2600.00")
    for n in range(6):
        CaseParticipant.objects.create(
            case=action.case, person=ChildFactory(first_name=f"Child{n}"), role=ParticipantRole.CHILD
        )
    iwo = iwo_reconcile_action(action=action, on=date(2026, 11, 23))[0]
    content = iwo_pdf(iwo)
    first, second, third = (page_layout(content, n) for n in (1, 2, 3))
    assert "AMOUNTS TO WITHHOLD" in first and "REMITTANCE INFORMATION" not in first
    assert second.index("REMITTANCE INFORMATION") < second.index(SIGNATURE) < second.index(COPY_BOX)
    assert "ADDITIONAL INFORMATION FOR EMPLOYERS" in third

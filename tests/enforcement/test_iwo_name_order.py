"""Red team (rtletters): the IWO (OMB 0970-0154) asks for "Custodial Party/Obligee's Name (Last,
First, Middle)" and "Child(ren)'s Name(s) (Last, First, Middle)", and printed "First Last" under
both labels, while the obligor two lines above is printed "Last, First". The names are frozen
last-first on issue (``name_last_first``), for the PDF and for the e-IWO record's obligee and child
name fields alike; the record's employee name stays in its own last, first and middle fields."""

from __future__ import annotations

from datetime import date

import pytest

from enforcement.iwo import iwo_pdf
from enforcement.services.eiwo import detail_record
from enforcement.services.withholding import iwo_reconcile_action, sdu_for
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.test_withholding import pdf_text

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def test_the_custodial_party_and_children_are_named_last_first_as_the_form_labels_say():
    # given: a custodial party and a child with different surnames
    action = active_withholding_action()
    case = action.case
    cp, child = case.cp, case.children[0]
    cp.first_name, cp.middle_name, cp.last_name = "María", "", "Núñez"
    cp.save()
    child.first_name, child.middle_name, child.last_name = "Lola", "Inés", "Reyes"
    child.save()
    ncp = case.ncp
    # when: the order is issued
    iwo = iwo_reconcile_action(action=action, on=ON)[0]
    text = pdf_text(iwo_pdf(iwo))
    record = detail_record(iwo, ssn="", sdu=sdu_for(case.jurisdiction), on=ON)
    # then: each is written last name first, as the labels ask, on the PDF and in the e-IWO record
    assert "Custodial Party/Obligee's Name (Last, First, Middle): Núñez, María" in text
    assert "Reyes, Lola Inés" in text
    assert record["obligee_name"] == "Nunez, Maria" and record["child1_name"] == "Reyes, Lola Ines"
    assert (record["employee_last_name"], record["employee_first_name"]) == (ncp.last_name, ncp.first_name)

"""Income Withholding for Support, page 2 (enforcement/iwo.py ``_page_two``): the line under
"ADDITIONAL INFORMATION FOR EMPLOYERS/INCOME WITHHOLDERS" names the obligor, the case identifier
and the document tracking identifier in one ``cell`` that never wraps. With an obligor named
"Fernández-Castellanos de la Peña, María José" (the name the page-one fix of 0984bf7 was tested
with) the line runs off the right edge: the tracking identifier prints as "36IWO00" of
"36IWO000000000001" (seen at pdftoppm -r 60). Who is hurt: the employer's payroll clerk, who
matches this page (the termination/income status section they return) to the order by that
identifier (OMB 0970-0154 instructions: each page carries the employee's name, case identifier and
document tracking identifier); the module's docstring promises "A value too long for its box wraps
in it" (red team rt2b)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cases.models import Person
from enforcement.iwo import iwo_pdf
from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import active_withholding_action
from tests.pdftext import page_layout, words

pytestmark = pytest.mark.django_db


def test_page_two_prints_the_whole_document_tracking_identifier_inside_the_page():
    action = active_withholding_action(monthly="433.33", arrears="2600.00")
    Person.objects.filter(pk=action.case.ncp.pk).update(
        first_name="María José", last_name="Fernández-Castellanos de la Peña"
    )
    iwo = iwo_reconcile_action(action=action, on=date(2026, 11, 23))[0]
    content = iwo_pdf(iwo)
    second = page_layout(content, 2)
    found = re.search(r"Document tracking identifier:\s*(\S+)", second)
    assert found is not None, second
    assert found.group(1) == iwo.control_number, found.group(0)
    # and nothing on page 2 is printed beyond the page's right edge (US Letter: 612 pt)
    assert [w for w in words(content) if w[0] == 2 and w[3] > 612 - 10] == []

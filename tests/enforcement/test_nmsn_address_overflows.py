"""Red team (rtletters): on the NMSN and the IWO every value was printed with ``cell`` in a fixed
box (``_Form.label_value``: no wrapping, no cut). An ordinary two-line employer address joined on
one line ("Employer Address", 142 mm) was drawn across its 91 mm half-page box and over the agency's
telephone number in the next column. A value now wraps inside its box and the row grows to fit.

Checked on the rendered PDF, as a reader's eye would: every run of text, measured with the form's
own font and size at the position the PDF draws it, ends before the next run on its line starts
and inside the page's margin."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from enforcement.iwo import _Form, iwo_pdf
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db
MM = 72 / 25.4  # PDF points per millimetre


def text_runs(content: bytes, page: int) -> list[tuple[float, float, float, str]]:
    """Each run of text on ``page``: its left edge, right edge (measured in the form's own font) and
    baseline, in points, and its text."""
    measure = _Form(title="", footer="")
    measure.add_page()
    runs: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            # a justified line's stretched spaces come out as runs of spaces: measured as one each
            text = " ".join(text.split())
            measure.use(size, bold="Bold" in str(font.get("/BaseFont", "")))
            runs.append((tm[4], tm[4] + measure.get_string_width(text) * MM, tm[5], text))

    PdfReader(BytesIO(content)).pages[page].extract_text(visitor_text=visit)
    return runs


def overlaps(runs: list[tuple[float, float, float, str]], right_edge: float) -> list[tuple[str, str]]:
    """Pairs of runs drawn over one another on one line, and runs past the right margin."""
    found = [(text, "the right margin") for _left, right, _y, text in runs if right > right_edge + 0.5]
    for n, (left, right, y, text) in enumerate(runs):
        for other_left, other_right, other_y, other in runs[n + 1 :]:
            if abs(y - other_y) < 3 and left < other_right - 0.5 and other_left < right - 0.5:
                found.append((text, other))
    return found


@pytest.fixture
def long_address_iwo():
    # an ordinary two-line address: 142 mm on one line, the NMSN's box 91 mm
    lines = {"line1": "1200 Corporate Woods Boulevard", "line2": "Building C, Suite 300", "city": "Rensselaer"}
    employer = EmployerFactory(name="Hudson Valley Logistics", postal_code="12144", **lines)
    action = active_withholding_action(health=True, employer=employer)
    return iwo_reconcile_action(action=action, on=date(2026, 11, 30))[0]


def test_the_employer_address_wraps_in_its_box_on_the_nmsn(long_address_iwo):
    content = iwo_pdf(long_address_iwo)
    pdf = _Form(title="", footer="")
    pages = PdfReader(BytesIO(content)).pages
    nmsn = next(n for n, page in enumerate(pages) if "Part A - Notice to Withhold" in page.extract_text())
    runs = text_runs(content, nmsn)
    right_column = (pdf.l_margin + pdf.epw / 2) * MM
    address = [run for run in runs if run[0] < right_column and ("Corporate Woods" in run[3] or "12144" in run[3])]
    # the address is drawn on two lines, both in the left column; the phone keeps the right column
    assert len({round(run[2]) for run in address}) == 2, address
    assert all(run[1] <= right_column - 3 * MM for run in address), address
    assert overlaps(runs, (pdf.w - pdf.r_margin) * MM) == []
    # and the next row starts below the address's second line
    employee = next(run for run in runs if run[3] == "Employee Name")
    assert employee[2] < min(run[2] for run in address) - 6


def test_no_text_of_the_iwo_or_the_nmsn_is_drawn_over_other_text(long_address_iwo):
    long_address_iwo.employer_name = "Hudson Valley Logistics and Regional Freight Forwarding Services Incorporated"
    content = iwo_pdf(long_address_iwo)
    pdf = _Form(title="", footer="")
    pages = PdfReader(BytesIO(content)).pages
    assert any("Part B - Medical Support Notice to Plan Administrator" in page.extract_text() for page in pages)
    for page in range(len(pages)):
        assert overlaps(text_runs(content, page), (pdf.w - pdf.r_margin) * MM) == [], page


def test_no_text_of_part_b_is_drawn_over_other_text_with_long_names_and_many_children(long_address_iwo):
    # Part B's fields, its alternate recipients' rows (name, date of birth, the substituted official's
    # address) and its response boxes, with values that wrap
    long_address_iwo.custodial_party_name = "Vanderbilt-Montgomery-Fitzgerald, Alexandra Josephine Catherine"
    long_address_iwo.children = [
        {"name": f"Vanderbilt-Montgomery-Fitzgerald, Christopher Alexander {n}", "birth_date": "2019-04-24"}
        for n in range(6)
    ]
    content = iwo_pdf(long_address_iwo)
    pdf = _Form(title="", footer="")
    pages = [page.extract_text() for page in PdfReader(BytesIO(content)).pages]
    part_b = [n for n, text in enumerate(pages) if "National Medical Support Notice Part B" in text]
    assert part_b
    for page in part_b:
        assert overlaps(text_runs(content, page), (pdf.w - pdf.r_margin) * MM) == [], page
    text = " ".join(" ".join(pages[n].split()) for n in part_b)
    assert all(f"Christopher Alexander {n}" in text for n in range(6))

"""A county key's payment file holds an entry naming another county's case "as an unknown case's"
(HOLD_UNKNOWN_CASE, no case). Partner files are then re-imported for the rest of the office when
a wider key sends them (``_priors``/``covered``), but payment files are not: the same file later
imported by the office (a state-wide key, the command, the upload page) is answered "duplicate"
file-wide and entry by entry, so the Kings family's payment stays held on "No case with this case
number" although the case exists and the office's own import reaches it."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Collection
from enforcement.choices import FileVia
from enforcement.services.payments import payment_file_import_now
from tests.cases.factories import case_with_order
from tests.conftest import CAST_COUNTY
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


def test_the_office_importing_the_same_file_posts_what_the_county_key_could_not(api_client_with):
    kings = case_with_order(monthly=Decimal("400.00"), county="Kings")
    albany_key = api_client_with("payment_files:write", agency="Acme Payroll")
    text = payment_file([ded_entry(kings.case_number, "50.00", ssn=kings.ncp.ssn)])
    first = albany_key.post(
        "/api/v1/payment-files/", {"file": SimpleUploadedFile("p.ach", text.encode())}, format="multipart"
    )
    assert first.status_code == 201, first.content
    # the employer (or the SDU) sends the same file through the office, which reaches Kings
    office = payment_file_import_now(name="p.ach", content=text.encode(), via=FileVia.COMMAND, actor_label="sdu")
    posted = Collection.objects.filter(case=kings, status="posted").exists()
    assert posted, (
        f"the office's import answered {office.report.get('status')!r} "
        f"(posted {office.report.get('posted')}, duplicates {office.report.get('duplicates')}); "
        f"the Kings payment stays held as {Collection.objects.get(case_number_received=kings.case_number).hold_reason!r}"
    )


def _upload(client, text: str):
    response = client.post(
        "/api/v1/payment-files/", {"file": SimpleUploadedFile("p.ach", text.encode())}, format="multipart"
    )
    assert response.status_code in (200, 201), response.content  # 200: a duplicate
    return response


def _office(text: str):
    return payment_file_import_now(name="p.ach", content=text.encode(), via=FileVia.COMMAND, actor_label="sdu")


def _two_counties_file():
    albany = case_with_order(monthly=Decimal("300.00"), county=CAST_COUNTY)
    kings = case_with_order(monthly=Decimal("400.00"), county="Kings")
    text = payment_file(
        [
            ded_entry(albany.case_number, "30.00", ssn=albany.ncp.ssn),
            ded_entry(kings.case_number, "50.00", ssn=kings.ncp.ssn),
        ]
    )
    return albany, kings, text


def test_the_held_entry_is_released_once_and_a_second_office_import_posts_nothing(api_client_with):
    albany, kings, text = _two_counties_file()
    _upload(api_client_with("payment_files:write", agency="Acme Payroll"), text)
    assert Collection.objects.get(case=albany).status == "posted"
    held = Collection.objects.get(case_number_received=kings.case_number)
    assert held.status == "held" and held.case is None

    office = _office(text)
    assert office.status == "imported"
    assert (office.posted, office.duplicates) == (1, 1)  # Kings released; the Albany entry already posted
    held.refresh_from_db()
    assert (held.status, held.case) == ("posted", kings)  # the money received once, released, not posted anew
    assert Collection.objects.filter(case_number_received=kings.case_number).count() == 1
    assert Collection.objects.filter(case_number_received=albany.case_number).count() == 1

    again = _office(text)
    assert again.status == "duplicate" and again.posted == 0
    assert Collection.objects.count() == 2


def test_the_same_county_key_again_is_a_duplicate_and_the_entry_stays_held(api_client_with):
    _, kings, text = _two_counties_file()
    albany_key = api_client_with("payment_files:write", agency="Acme Payroll")
    _upload(albany_key, text)
    _upload(albany_key, text)
    from enforcement.models import PaymentFile

    assert list(PaymentFile.objects.order_by("pk").values_list("status", flat=True)) == ["imported", "duplicate"]
    assert Collection.objects.get(case_number_received=kings.case_number).status == "held"


def test_the_other_countys_key_releases_its_entry_and_then_the_office_has_nothing_left(api_client_with):
    albany, kings, text = _two_counties_file()
    _upload(api_client_with("payment_files:write", agency="Acme Payroll"), text)
    _upload(api_client_with("payment_files:write", agency="Kings Payroll", counties=["Kings"]), text)
    assert Collection.objects.get(case_number_received=kings.case_number).case == kings
    office = _office(text)
    assert office.posted == 0 and office.duplicates == 2
    assert Collection.objects.count() == 2


def test_an_entry_the_office_held_is_not_released_by_a_later_import_once_the_case_exists(api_client_with):
    # The office's own import held it (no such case then): that hold is the caseworker's to
    # resolve, not reach's; a rebuilt file with the same entry is a duplicate entry.
    from tests.cases.factories import CaseFactory

    entry = ded_entry("NY-777777", "20.00", ssn="123456789")
    assert _office(payment_file([entry])).held == 1
    CaseFactory(case_number="NY-777777", county="Kings")
    rebuilt = payment_file([entry], created=datetime(2026, 11, 21, 9, 0))
    second = _upload(api_client_with("payment_files:write", agency="Acme Payroll", all_counties=True), rebuilt)
    assert second.json()["status"] == "imported" and second.json()["duplicates"] == 1
    held = Collection.objects.get(case_number_received="NY-777777")
    assert (held.status, held.case) == ("held", None)

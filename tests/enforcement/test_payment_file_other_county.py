"""A county partner key's employer payment file reaches its counties' cases only (docs/operations.md:
"a key reads and writes only its counties' objects"; the collections API and partner files refuse the
same write): an entry naming another county's case is held exactly as an unknown case's is, with the
same report, and a termination flag ends no order on another county's case."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Collection
from cases.services.ledger import HOLD_UNKNOWN_CASE
from enforcement.models import IncomeWithholdingOrder, PaymentFile
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory, case_with_order
from tests.enforcement.factories import delinquent_case
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


def _post(api, text: str):
    return api.post("/api/v1/payment-files/", {"file": SimpleUploadedFile("p.ach", text.encode())}, format="multipart")


def _without_case(entries: list[dict]) -> list[dict]:
    return [{k: v for k, v in entry.items() if k not in {"line", "case_id"}} for entry in entries]


def test_albany_key_cannot_post_a_payment_on_a_kings_case(api_client_with):
    kings = case_with_order(monthly=Decimal("400.00"), county="Kings")
    albany_key = api_client_with("payment_files:write", "collections:write", agency="Acme Payroll")

    # The same write through the collections API is refused (the case is unknown to the key).
    refused = albany_key.post(
        "/api/v1/collections/",
        {
            "case_number": kings.case_number,
            "amount": "50.00",
            "received_on": "2026-11-23",
            "source": "income_withholding",
            "source_reference": "X-1",
        },
        format="json",
    )
    assert refused.status_code == 400, refused.content

    response = _post(albany_key, payment_file([ded_entry(kings.case_number, "50.00", ssn=kings.ncp.ssn)]))

    assert response.status_code == 201, response.content
    assert not Collection.objects.filter(case=kings).exists(), "an Albany key's payment file posted on a Kings case"
    held = Collection.objects.get(case_number_received=kings.case_number)
    assert (held.case, held.status, held.hold_reason) == (None, "held", HOLD_UNKNOWN_CASE)  # as an unknown case's
    assert PaymentFile.objects.get().reach == ["Albany"]


def test_the_report_tells_a_kings_case_from_no_case_in_nothing(api_client_with):
    # given a Kings case, and entries naming it (with another SSN than its NCP's, and terminated)
    # beside the same entries naming no case at all
    kings = case_with_order(monthly=Decimal("400.00"), county="Kings")
    entries = [
        ded_entry(kings.case_number, "50.00", ssn="111223333"),
        ded_entry("NY-999999", "50.00", ssn="111223333"),
        ded_entry(kings.case_number, "0.00", ssn=kings.ncp.ssn, terminated=True),
        ded_entry("NY-999999", "0.00", ssn=kings.ncp.ssn, terminated=True),
    ]
    albany_key = api_client_with("payment_files:write", agency="Acme Payroll")

    report = _post(albany_key, payment_file(entries)).json()

    # then both are held for the same reason and reported alike: the key learns nothing of Kings
    kings_held, unknown_held = report["held_entries"]
    assert _without_case([kings_held]) == _without_case([unknown_held])
    assert kings_held["reason"] == HOLD_UNKNOWN_CASE
    kings_ended, unknown_ended = report["terminations"]
    assert _without_case([kings_ended]) == _without_case([unknown_ended])
    assert kings_ended["work_item"] is None and kings_ended["employment_ended"] is False
    assert not kings.work_items.exists()


def test_a_termination_ends_no_withholding_order_on_another_countys_case(api_client_with):
    # given an NCP with an Albany case and a Kings case, each with an order in force at ACME
    acme = EmployerFactory(name="ACME WIDGETS", fein="131234567")
    albany = active_withholding_action(employer=acme)
    ncp = albany.case.ncp
    kings = active_withholding_action(employer=acme, case=delinquent_case(ncp=ncp, unassigned="900.00", county="Kings"))
    ncp.employments.filter(employer=acme).exclude(
        pk=ncp.employments.filter(employer=acme).order_by("pk")[0].pk
    ).delete()
    iwo_reconcile_action(action=albany, on=date(2026, 11, 2))
    iwo_reconcile_action(action=kings, on=date(2026, 11, 2))
    entries = [ded_entry(albany.case.case_number, "0.00", ssn=ncp.ssn, terminated=True)]

    # when ACME, through an Albany key, reports the NCP terminated on the Albany case
    _post(api_client_with("payment_files:write", agency="Acme Payroll"), payment_file(entries))

    # then the Albany order ends; the Kings order is not the key's to end
    ended = dict(IncomeWithholdingOrder.objects.filter(employer=acme).values_list("case_id", "ended_on"))
    assert ended == {albany.case_id: date(2026, 11, 18), kings.case_id: None}


def test_a_state_wide_key_posts_on_every_countys_case(api_client_with):
    kings = case_with_order(monthly=Decimal("400.00"), county="Kings")
    state = api_client_with("payment_files:write", agency="State SDU", all_counties=True)

    response = _post(state, payment_file([ded_entry(kings.case_number, "50.00", ssn=kings.ncp.ssn)]))

    assert response.json()["posted"] == 1
    assert Collection.objects.get(case=kings).status == "posted"
    assert PaymentFile.objects.get().reach is None

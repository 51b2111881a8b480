"""``GET /api/v1/disbursement-files/<id>/content/`` serves the office's NACHA credit file, every
county's payees with their bank routing and account numbers in one file (byte for byte: the bank's
record, not to be cut by county): a key limited to counties is refused (403, written to the access
log), as "a key reads and writes only its counties' objects" (docs/operations.md)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from cases.choices import CollectionSource, ReceivedVia
from cases.services import collection_post
from core.models import AccessLog
from enforcement.choices import BankAccountPurpose
from enforcement.models import PayeeAccount
from enforcement.services.disbursements import disbursements_export
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import BankAccountFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/disbursement-files/{}/content/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


@pytest.fixture
def export():
    BankAccountFactory(
        name="SDU disbursements",
        account_number="555000111",
        routing_number="021000021",
        purpose=BankAccountPurpose.DISBURSEMENTS,
    )
    kings = case_with_order(monthly=Decimal("500.00"), county="Kings")
    PayeeAccount.objects.create(person=kings.cp, routing_number="091000019", account_number="987654321")
    collection_post(
        case_number=kings.case_number,
        amount=Decimal("100.00"),
        received_on=date(2026, 11, 18),
        source=CollectionSource.DIRECT_PAYMENT,
        source_reference="T-1",
        received_via=ReceivedVia.FORM,
    )
    export = disbursements_export(on=date(2026, 11, 23)).export
    assert "987654321" in export.content
    return export


def test_an_albany_key_does_not_download_kings_payees_bank_accounts(export, api_client_with):
    albany = api_client_with("disbursement_files:read", agency="Albany Family Court", kind="court", counties=["Albany"])

    response = albany.get(API.format(export.pk))

    assert response.status_code == 403
    assert "987654321" not in response.content.decode(errors="replace"), (
        "an Albany-only key downloaded a Kings payee's bank account number"
    )
    assert not AccessLog.objects.filter(kind="sensitive_read").exists()
    denial = AccessLog.objects.get(kind="access_denied")
    assert (denial.kind, denial.username, denial.detail) == (
        "access_denied",
        "api:Albany Family Court",
        {"reason": "state_wide_only"},
    )
    assert denial.path == API.format(export.pk)


def test_a_key_limited_to_counties_learns_nothing_of_which_files_exist(export, api_client_with):
    albany = api_client_with("disbursement_files:read", agency="Albany Family Court", kind="court")
    assert albany.get(API.format(export.pk)).status_code == albany.get(API.format(export.pk + 1000)).status_code == 403


def test_a_state_wide_key_downloads_the_file(export, api_client_with):
    state = api_client_with("disbursement_files:read", agency="SDU Bank", all_counties=True)

    response = state.get(API.format(export.pk))

    assert response.status_code == 200 and response.content.decode("ascii") == export.content
    assert AccessLog.objects.get(kind="sensitive_read").username == "api:SDU Bank"

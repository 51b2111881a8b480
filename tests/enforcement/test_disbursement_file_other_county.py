"""GET /api/v1/disbursement-files/<id>/content/ ignores the key's counties: a key limited to Albany
downloads the whole office's NACHA credit file, with the bank routing and account numbers of another
county's payees (docs/operations.md: "a key reads and writes only its counties' objects")."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from cases.choices import CollectionSource, ReceivedVia
from cases.services import collection_post
from enforcement.choices import BankAccountPurpose
from enforcement.models import PayeeAccount
from enforcement.services.disbursements import disbursements_export
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import BankAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


def test_an_albany_key_does_not_download_kings_payees_bank_accounts(api_client_with):
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

    albany = api_client_with("disbursement_files:read", agency="Albany Family Court", kind="court", counties=["Albany"])
    response = albany.get(f"/api/v1/disbursement-files/{export.pk}/content/")
    assert "987654321" not in response.content.decode(errors="replace"), (
        "an Albany-only key downloaded a Kings payee's bank account number"
    )

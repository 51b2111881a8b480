"""POST /api/v1/nacha-returns/ ignores the key's counties: a key limited to Albany sends a
notification of change (C01) that rewrites a Kings payee's bank account number, so the family's next
disbursements go to the account the sender chose ("a key reads and writes only its counties' objects")."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from enforcement.models import PayeeAccount
from tests.enforcement.test_nacha_returns import _file, _noc_spec, exported  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 15, 0), tick=False):
        yield


def test_an_albany_key_cannot_change_a_kings_payees_account(exported, api_client_with):  # noqa: F811
    _, (kings, _) = exported
    Case.objects.filter(pk=kings.pk).update(county="Kings")
    api = api_client_with("nacha_returns:write", agency="Albany Bank", counties=["Albany"])
    content = _file([_noc_spec(kings, "C01", "11223344")], sec="COR")
    api.post("/api/v1/nacha-returns/", {"file": SimpleUploadedFile("r.ach", content)}, format="multipart")
    assert PayeeAccount.objects.get(person=kings.cp).account_number == "987654321", (
        "an Albany key redirected a Kings payee's disbursements to another account"
    )

"""``POST /api/v1/nacha-returns/`` takes the bank's return file for the office's disbursement files,
every county's payees in one: a key limited to counties is refused (403, written to the access log),
so an Albany key's notification of change (C01) cannot rewrite a Kings payee's bank account and
redirect the family's disbursements ("a key reads and writes only its counties' objects")."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from core.models import AccessLog
from enforcement.models import NachaReturnFile, PayeeAccount
from tests.enforcement.test_nacha_returns import _file, _noc_spec, exported  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 15, 0), tick=False):
        yield


def _upload(api, content: bytes):
    return api.post("/api/v1/nacha-returns/", {"file": SimpleUploadedFile("r.ach", content)}, format="multipart")


def test_an_albany_key_cannot_change_a_kings_payees_account(exported, api_client_with):  # noqa: F811
    _, (kings, _) = exported
    Case.objects.filter(pk=kings.pk).update(county="Kings")
    content = _file([_noc_spec(kings, "C01", "11223344")], sec="COR")

    albany = api_client_with("nacha_returns:write", agency="Albany Bank", counties=["Albany"])
    response = _upload(albany, content)

    assert response.status_code == 403 and "state-wide key" in response.json()["detail"]
    assert PayeeAccount.objects.get(person=kings.cp).account_number == "987654321", (
        "an Albany key redirected a Kings payee's disbursements to another account"
    )
    assert not NachaReturnFile.objects.exists()  # nothing stored either
    denial = AccessLog.objects.get(kind="access_denied")
    assert (denial.username, denial.outcome, denial.detail) == (
        "api:Albany Bank",
        "denied",
        {"reason": "state_wide_only"},
    )


def test_a_key_of_every_county_but_not_state_wide_is_refused_too(exported, api_client_with):  # noqa: F811
    _, (case, _) = exported
    every = api_client_with("nacha_returns:write", agency="SDU Bank", counties=["Albany", "Kings", "Schenectady"])
    assert _upload(every, _file([_noc_spec(case, "C01", "11223344")], sec="COR")).status_code == 403


def test_a_state_wide_key_applies_the_notification_of_change(exported, api_client_with):  # noqa: F811
    _, (kings, _) = exported
    Case.objects.filter(pk=kings.pk).update(county="Kings")
    state = api_client_with("nacha_returns:write", agency="SDU Bank", all_counties=True)

    response = _upload(state, _file([_noc_spec(kings, "C01", "11223344")], sec="COR"))

    assert response.status_code == 201, response.content
    assert PayeeAccount.objects.get(person=kings.cp).account_number == "11223344"

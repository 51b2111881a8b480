"""FTI (IRS Publication 1075): a holder of cases.view_fti whose FTI training has lapsed is refused the
tax-offset source on the case page, and the refusal is logged (one access-denied row per request):
an auditor sees that a lapsed user reached FTI and was turned away. (Red team finding, conf.)"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from cases.access import FTI_TRAINING_LAPSED
from cases.models import Collection
from cases.services import charges_accrue, collection_post
from core.models import AccessLog
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(datetime(2024, 6, 20, 17, tzinfo=UTC), tick=False):
        yield


def _case_with_offset():
    """A tax offset allocated to arrears: on the case page's entries and the statement's payments."""
    case = case_with_order()
    charges_accrue(through=date(2024, 5, 10))
    collection_post(
        case_number=case.case_number,
        amount=Decimal("612.00"),
        received_on=date(2024, 5, 14),
        source="federal_tax_offset",
        source_reference="COL-abc123",
        received_via="file",
    )
    return case, Collection.objects.get(source_reference="COL-abc123")


def test_a_lapsed_fti_holders_refusal_is_logged(client, role_user):
    case, offset = _case_with_offset()
    lapsed = role_user("enforcement_specialist")  # holds cases.view_fti; no FTI training on file
    client.force_login(lapsed)
    for url in (
        reverse("cases:case_detail", args=[case.case_number]),
        reverse("cases:case_statement", args=[case.case_number]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert "Federal tax refund offset" not in page.content.decode()  # refused: sound
    refusals = AccessLog.objects.filter(user=lapsed, kind=AccessLog.Kind.ACCESS_DENIED).order_by("id")
    assert [(r.fields, r.outcome, r.detail) for r in refusals] == [
        (["fti_source"], "denied", {"reason": FTI_TRAINING_LAPSED, "collection_ids": [offset.pk]})
    ] * 2  # one per request
    reads = AccessLog.objects.filter(user=lapsed, kind=AccessLog.Kind.SENSITIVE_READ)
    assert not any("fti_source" in r.fields for r in reads)


def test_a_user_never_entitled_to_fti_is_not_logged_as_refused(client, role_user):
    case, _ = _case_with_offset()
    worker = role_user("caseworker")  # no cases.view_fti: the payment is shown as "Payment", nothing to log
    client.force_login(worker)
    assert client.get(reverse("cases:case_detail", args=[case.case_number])).status_code == 200
    assert not AccessLog.objects.filter(user=worker, kind=AccessLog.Kind.ACCESS_DENIED).exists()


def test_an_fti_read_row_names_the_collection_and_field_never_the_source_or_amount(client, role_user, monkeypatch):
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: True)  # training current
    # the access log is read by auditors and administrators not cleared for FTI: a read row says
    # that FTI was read and which record, never what it said (IRS Publication 1075)
    case, offset = _case_with_offset()
    client.force_login(role_user("enforcement_specialist"))
    page = client.get(reverse("cases:case_detail", args=[case.case_number]))
    assert "Federal tax refund offset" in page.content.decode()
    row = AccessLog.objects.get(kind=AccessLog.Kind.SENSITIVE_READ, object_type="cases.Collection")
    assert (row.object_id, row.fields) == (str(offset.pk), ["fti_source"])
    assert row.detail == {"person_id": case.ncp.pk, "person": str(case.ncp)}
    assert "612" not in str(row.detail) and "tax_offset" not in str(row.detail)

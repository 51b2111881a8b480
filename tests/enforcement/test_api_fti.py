"""FTI (IRS Publication 1075): "Partner keys never see FTI: no API scope grants it" (cases/ledger/fti.py),
and staff download an FTI partner file only when cleared (PartnerFileDownloadView). The partner API's
content endpoint refuses an FTI file to every key, the refusal logged; its report totals (tax offset
amounts) are withheld, and its errors give their lines but not their reasons (which quote the refused
records' amounts), there and in the file's domain event. (Red team findings, conf.)"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from core.models import AccessLog, DomainEvent
from enforcement.choices import PartnerFileStatus
from enforcement.models import PartnerFile
from tests.enforcement.factories import delinquent_case
from tests.enforcement.test_offset import collection, collections_file, ncp_of, submit

pytestmark = pytest.mark.django_db


def _file(kind: str, content: bytes, **extra) -> PartnerFile:
    return PartnerFile.objects.create(
        kind=kind,
        direction="in",
        status="accepted",
        name="fop.txt",
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        via="upload",
        **extra,
    )


def test_a_partner_key_cannot_read_an_fti_partner_file(api_client_with):
    offset_file = _file("offset-collections", b"FOP offset record 123456789 000061200 zqxfti\r\n")
    api = api_client_with("partner_files:read", agency="State office", kind="state_office", all_counties=True)
    response = api.get(f"/api/v1/partner-files/{offset_file.pk}/content/")
    assert response.status_code == 403
    assert b"zqxfti" not in response.content
    refusal = AccessLog.objects.get(kind=AccessLog.Kind.ACCESS_DENIED, object_id=str(offset_file.pk))
    assert (refusal.username, refusal.outcome, refusal.fields, refusal.detail) == (
        "api:State office",
        "denied",
        ["content"],
        {"reason": "fti", "kind": "offset-collections"},
    )
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ, object_id=str(offset_file.pk)).exists()


def test_the_api_report_of_an_fti_partner_file_withholds_its_totals(api_client_with):
    offset_file = _file("offset-collections", b"FOP zqxfti\r\n", totals={"collected": "612.00"}, counts={"posted": 1})
    api = api_client_with("partner_files:read", agency="State office", kind="state_office", all_counties=True)
    report = api.get(f"/api/v1/partner-files/{offset_file.pk}/").json()["report"]
    assert (report["totals"], report["counts"]) == ({}, {"posted": 1})


def test_the_api_and_the_event_give_an_fti_files_errors_lines_not_their_reasons(api_client_with):
    # given an offset collections file (received by the office from FOP) refused for a record whose
    # reason quotes its amounts
    with time_machine.travel(date(2026, 11, 24), tick=False):
        case = delinquent_case(unassigned="300.00")
        record = collection(ncp_of(case).ssn, "437.19") | {"adjustment_amount": Decimal("5.00")}
        refused = submit(collections_file([record]))
    assert refused.status == PartnerFileStatus.REFUSED and "437.19" in str(refused.errors)
    lines = [{"line": e["line"]} for e in refused.errors]

    api = api_client_with("partner_files:read", agency="State office", kind="state_office", all_counties=True)
    detail = api.get(f"/api/v1/partner-files/{refused.pk}/")
    listed = api.get("/api/v1/partner-files/")

    assert detail.json()["report"]["errors"] == lines
    assert "437.19" not in detail.content.decode() and "437.19" not in listed.content.decode()
    event = DomainEvent.objects.get(verb="partner_file.refused", subject_id=refused.pk)
    assert event.data["errors"] == lines and "437.19" not in str(event.data)


def test_a_partner_file_without_fti_is_still_fetched(api_client_with):
    reason = "amount (76-86) is not a number"
    new_hires = _file("new-hires", b"W4 record\r\n", totals={"x": "1.00"}, errors=[{"line": 2, "reason": reason}])
    api = api_client_with("partner_files:read", agency="State office", kind="state_office", all_counties=True)
    assert api.get(f"/api/v1/partner-files/{new_hires.pk}/content/").status_code == 200
    report = api.get(f"/api/v1/partner-files/{new_hires.pk}/").json()["report"]
    assert (report["totals"], report["errors"]) == ({"x": "1.00"}, [{"line": 2, "reason": reason}])

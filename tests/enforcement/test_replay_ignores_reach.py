"""A partner file accepted from a county key (reach: that county only) makes the same file, sent
later by the office itself (reach: the whole office) or another county's key, a "replay": the
records for the other counties are never imported (a new hire never matched, no withholding
proposed), although the first import deliberately left them alone."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseParticipant, LocateAttempt
from enforcement.choices import FileVia, PartnerFileStatus
from enforcement.services.partner_files import partner_file_submit
from tests.enforcement.factories import delinquent_case
from tests.enforcement.partner_files_data import new_hire_file, w4

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 11, 24), tick=False):
        yield


def _ncp_ssn(case) -> str:
    return CaseParticipant.objects.get(case=case, role="ncp").person.ssn


def test_a_county_keys_file_does_not_swallow_the_same_file_for_the_other_counties(api_client_with):
    albany = delinquent_case()
    schenectady = delinquent_case(county="Schenectady")
    content = new_hire_file([w4(_ncp_ssn(albany)), w4(_ncp_ssn(schenectady))])

    api = api_client_with("partner_files:write", agency="Schenectady SCU", counties=["Schenectady"])
    first = api.post(
        "/api/v1/partner-files/new-hires/", {"file": SimpleUploadedFile("nh.txt", content)}, format="multipart"
    )
    assert first.status_code == 201, first.content
    assert not LocateAttempt.objects.filter(case=albany).exists()  # outside the key's reach: left alone

    # The office receives the same directory file and imports it for the whole office.
    office, _ = partner_file_submit(kind="new-hires", name="nh.txt", content=content, via=FileVia.COMMAND)
    assert office.status != PartnerFileStatus.REPLAY, "the office's import was taken for the county key's file"
    assert LocateAttempt.objects.filter(case=albany).exists(), "the Albany new hire was never matched"

"""A partner file is a repeat only where an earlier import of it reached: a county key's file
reaches its counties' cases only (``PartnerFile.reach``), so the same file later sent for the whole
office (or by another county's key) is imported for the rest — the records of the counties the
first import deliberately left alone are matched then — and only a file already imported for the
same reach or a wider one is a replay."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseParticipant, LocateAttempt
from enforcement.choices import FileVia, PartnerFileStatus
from enforcement.models import PartnerFile
from enforcement.services.partner_files import partner_file_submit
from tests.conftest import needs_postgres
from tests.enforcement.factories import delinquent_case
from tests.enforcement.partner_files_data import new_hire_file, w4

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 11, 24), tick=False):
        yield


def _ncp_ssn(case) -> str:
    return CaseParticipant.objects.get(case=case, role="ncp").person.ssn


@pytest.fixture
def albany_and_schenectady():
    """An Albany and a Schenectady case, and the new hires file naming both NCPs."""
    albany = delinquent_case()
    schenectady = delinquent_case(county="Schenectady")
    return albany, schenectady, new_hire_file([w4(_ncp_ssn(albany)), w4(_ncp_ssn(schenectady))])


def _post(api, content: bytes):
    response = api.post(
        "/api/v1/partner-files/new-hires/", {"file": SimpleUploadedFile("nh.txt", content)}, format="multipart"
    )
    return response.status_code, PartnerFile.objects.get(pk=response.json()["id"])


def _office(content: bytes):
    return partner_file_submit(kind="new-hires", name="nh.txt", content=content, via=FileVia.COMMAND)[0]


def test_a_county_keys_file_does_not_swallow_the_same_file_for_the_other_counties(
    api_client_with, albany_and_schenectady
):
    albany, schenectady, content = albany_and_schenectady
    api = api_client_with("partner_files:write", agency="Schenectady SCU", counties=["Schenectady"])
    code, first = _post(api, content)
    assert code == 201 and first.counts["matched"] == 1
    assert not LocateAttempt.objects.filter(case=albany).exists()  # outside the key's reach: left alone

    # The office receives the same directory file and imports it for the whole office.
    office = _office(content)

    assert office.status == PartnerFileStatus.ACCEPTED, "the office's import was taken for the county key's file"
    assert LocateAttempt.objects.filter(case=albany).exists(), "the Albany new hire was never matched"
    # imported for the rest only: its own report, the Schenectady case not matched twice
    assert (office.counts["matched"], office.counts["unmatched"], office.replay_of) == (1, 1, None)
    assert LocateAttempt.objects.filter(case=schenectady).count() == 1
    # and now the office has it whole: a third delivery is a replay
    assert _office(content).status == PartnerFileStatus.REPLAY


def test_the_same_keys_file_again_is_a_replay(api_client_with, albany_and_schenectady):
    _, _, content = albany_and_schenectady
    api = api_client_with("partner_files:write", agency="Schenectady SCU", counties=["Schenectady"])
    _, first = _post(api, content)
    code, again = _post(api, content)
    assert (code, again.status, again.replay_of) == (200, PartnerFileStatus.REPLAY, first)


def test_a_file_the_office_imported_is_a_replay_for_any_county_key(api_client_with, albany_and_schenectady):
    albany, _, content = albany_and_schenectady
    office = _office(content)
    api = api_client_with("partner_files:write", agency="Albany SCU", counties=["Albany"])
    code, again = _post(api, content)
    assert (code, again.status, again.replay_of) == (200, PartnerFileStatus.REPLAY, office)
    assert LocateAttempt.objects.filter(case=albany).count() == 1


def test_two_county_keys_each_import_their_own_and_together_cover_a_key_of_both(
    api_client_with, albany_and_schenectady
):
    albany, schenectady, content = albany_and_schenectady
    _, from_schenectady = _post(api_client_with("partner_files:write", agency="S", counties=["Schenectady"]), content)
    code, from_albany = _post(api_client_with("partner_files:write", agency="A", counties=["Albany"]), content)
    assert (code, from_albany.counts["matched"]) == (201, 1)
    both = api_client_with("partner_files:write", agency="Both", counties=["Albany", "Schenectady"])
    code, again = _post(both, content)
    assert (code, again.status, again.replay_of) == (200, PartnerFileStatus.REPLAY, from_schenectady)
    assert [LocateAttempt.objects.filter(case=c).count() for c in (albany, schenectady)] == [1, 1]


def test_the_same_control_number_in_a_corrected_file_is_imported_for_the_rest(api_client_with, albany_and_schenectady):
    albany, schenectady, content = albany_and_schenectady
    _post(api_client_with("partner_files:write", agency="S", counties=["Schenectady"]), content)
    # the office's copy of batch 000001 differs in a byte (another hire date for the Albany NCP)
    resent = new_hire_file([w4(_ncp_ssn(albany), hired=date(2026, 11, 17)), w4(_ncp_ssn(schenectady))])
    office = _office(resent)
    assert office.status == PartnerFileStatus.ACCEPTED and office.counts["matched"] == 1
    assert [LocateAttempt.objects.filter(case=c).count() for c in (albany, schenectady)] == [1, 1]


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_county_key_and_the_office_importing_the_same_file_at_once_match_each_case_once(monkeypatch):
    """Both pass the first replay check before either has committed: the import takes a lock on
    the file's content and control number, so the second reads what the first covered."""
    import contextlib
    import threading

    from django.db import connection

    from accounts.services import partner_key_create
    from enforcement.services import partner_files

    albany = delinquent_case()
    schenectady = delinquent_case(county="Schenectady")
    content = new_hire_file([w4(_ncp_ssn(albany)), w4(_ncp_ssn(schenectady))])
    key, _ = partner_key_create(agency_name="Schenectady SCU", scopes=["partner_files:write"], counties=["Schenectady"])
    barrier, real = threading.Barrier(2), partner_files._priors

    def both_past_the_first_check(partner_file, **kwargs):
        priors = real(partner_file, **kwargs)
        if not kwargs:  # the check before parsing
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)
        return priors

    monkeypatch.setattr(partner_files, "_priors", both_past_the_first_check)
    files, errors = [], []

    def submit(**kwargs):
        try:
            files.append(partner_file_submit(kind="new-hires", name="nh.txt", content=content, **kwargs)[0])
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, kwargs=k) for k in ({"key": key}, {})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and len(files) == 2
    # each case matched by one import only (a replay reports the first file's figures)
    accepted = [f for f in files if f.status == PartnerFileStatus.ACCEPTED]
    assert sum(f.counts["matched"] for f in accepted) == 2, [(f.reach, f.counts) for f in files]
    assert [LocateAttempt.objects.filter(case=c).count() for c in (albany, schenectady)] == [1, 1]

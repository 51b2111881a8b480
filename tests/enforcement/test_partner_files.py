"""Every partner file the same way (issue 16.5, 16.6): receive → replay → parse → one transaction →
report; the API's 201/200/400/202; the key's counties; routing through the state office; the
command base class's exit codes and last line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.choices import AgencyKind
from cases.models import Employer
from core.models import AccessLog, Job
from enforcement.choices import FileVia, PartnerFileDirection, PartnerFileStatus
from enforcement.management.partner_commands import PartnerFileImportCommand
from enforcement.models import PartnerFile
from enforcement.services.partner_files import (
    count_line,
    partner_file_export,
    partner_file_import,
    partner_file_kinds,
    partner_file_submit,
    register_partner_file_kind,
)
from tests.conftest import CAST_COUNTY
from tests.enforcement.partner_file_kinds import KIND, OUT_KIND, employer_file

pytestmark = pytest.mark.django_db
GOOD = employer_file(("123456789", "ACME"), ("987654321", "GLOBEX"))


def submit(content: bytes, **kwargs):
    partner_file, queued = partner_file_submit(
        kind=KIND, name="emp.txt", content=content, via=FileVia.COMMAND, **kwargs
    )
    return partner_file


def test_a_kind_is_inbound_by_its_importer_and_outbound_by_its_exporter():
    kinds = partner_file_kinds()
    assert kinds[KIND].direction == PartnerFileDirection.INBOUND
    assert kinds[OUT_KIND].direction == PartnerFileDirection.OUTBOUND
    with pytest.raises(ValueError, match="one of the two"):
        register_partner_file_kind("both-ways", label="Both", layout="test-employers", importer=len, exporter=len)
    with pytest.raises(ValueError, match="one of the two"):
        register_partner_file_kind("no-way", label="Neither", layout="test-employers")
    assert "both-ways" not in partner_file_kinds() and "no-way" not in partner_file_kinds()


def test_a_good_file_is_accepted_with_its_counts_and_totals():
    partner_file = submit(GOOD)
    assert partner_file.status == PartnerFileStatus.ACCEPTED
    assert partner_file.counts == {"created": 2} and partner_file.totals == {"amount": "20.00"}
    assert partner_file.record_count == 4 and partner_file.control_number == "B000001"
    assert Employer.objects.count() == 2
    assert count_line(partner_file) == f"{KIND} accepted: records 4, created 2, amount 20.00"


def test_the_same_content_again_is_a_replay_that_changes_nothing():
    first = submit(GOOD)
    again = submit(GOOD)
    assert again.status == PartnerFileStatus.REPLAY and again.replay_of_id == first.pk
    assert again.counts == first.counts
    assert Employer.objects.count() == 2


def test_the_same_control_number_in_another_file_is_a_replay():
    submit(GOOD)
    other = submit(employer_file(("111111111", "INITECH")))  # same batch number 000001
    assert other.status == PartnerFileStatus.REPLAY
    assert not Employer.objects.filter(name="INITECH").exists()


def test_a_file_with_layout_errors_is_refused_whole_with_line_numbers():
    bad = employer_file(("123456789", "ACME"), ("12345678X", "GLOBEX"), count=5)
    partner_file = submit(bad)
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors == [{"line": 3, "reason": "fein (columns 2-10): digits only"}]
    assert Employer.objects.count() == 0


def test_trailer_counts_must_agree():
    partner_file = submit(employer_file(("123456789", "ACME"), count=2))
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors[0]["line"] == 3 and "count says 2, the file has 1" in partner_file.errors[0]["reason"]


def test_a_refusal_by_the_importer_rolls_everything_back():
    partner_file = submit(employer_file(("123456789", "ACME"), ("987654321", "REFUSE ME")))
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors == [{"line": 3, "reason": "name: this employer is refused"}]
    assert Employer.objects.count() == 0
    # a refused file is not a replay: the corrected file with the same batch number is accepted
    assert submit(GOOD).status == PartnerFileStatus.ACCEPTED


def test_non_ascii_bytes_are_refused():
    partner_file = submit(GOOD.replace(b"ACME", b"AC\xc9E"))
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors[0]["line"] == 2 and "not ASCII" in partner_file.errors[0]["reason"]


def test_a_large_file_goes_through_a_leased_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        partner_file, queued = partner_file_submit(kind=KIND, name="big.txt", content=GOOD, background=True)
    assert queued and partner_file.job is not None
    partner_file.refresh_from_db()
    job = Job.objects.get(pk=partner_file.job_id)
    assert job.task == "enforcement.import_partner_file" and job.status == "done"
    assert partner_file.status == PartnerFileStatus.ACCEPTED
    # a second delivery of the job changes nothing
    assert partner_file_import(partner_file_id=partner_file.pk).status == PartnerFileStatus.ACCEPTED
    assert Employer.objects.count() == 2


def test_a_small_file_is_imported_at_once_under_its_own_job_leased_here(django_capture_on_commit_callbacks):
    """The answer is the import's report, and the job committed with the file is what a worker
    takes over should this process die mid-import (tests/chaos/test_partner_file_kill.py)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        partner_file, queued = partner_file_submit(kind=KIND, name="emp.txt", content=GOOD, via=FileVia.API)
    assert not queued and partner_file.status == PartnerFileStatus.ACCEPTED and callbacks == []
    job = Job.objects.get(pk=partner_file.job_id)
    assert (job.task, job.key, job.status, job.attempts, job.result, job.sent_at) == (
        "enforcement.import_partner_file",
        f"partner_file:{partner_file.pk}",
        "done",
        1,
        "accepted",
        None,
    )


# --- the API ----------------------------------------------------------------------------------


def _post(api, kind: str, content: bytes, name: str = "emp.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post(f"/api/v1/partner-files/{kind}/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_api_answers_201_then_200_for_the_replay(api_client_with):
    api = api_client_with("partner_files:write")
    first = _post(api, KIND, GOOD)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "accepted" and body["counts"] == {"created": 2} and body["errors"] == []
    replay = _post(api, KIND, GOOD)
    assert replay.status_code == 200 and replay.json()["status"] == "replay"
    assert replay.json()["replay_of"] == body["id"]


def test_api_answers_400_with_the_line_numbered_errors(api_client_with):
    response = _post(api_client_with("partner_files:write"), KIND, employer_file(("12345678X", "ACME")))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 2, "reason": "fein (columns 2-10): digits only"}]


def test_api_without_a_file_is_400_line_0(api_client_with):
    response = api_client_with("partner_files:write").post(f"/api/v1/partner-files/{KIND}/", {}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["line"] == 0


def test_api_answers_a_body_the_multipart_parser_refuses_in_the_reports_shape(api_client_with):
    api = api_client_with("partner_files:write")
    response = api.generic(
        "POST", f"/api/v1/partner-files/{KIND}/", b"--x\r\nnot a part", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400 and response.json()["errors"][0]["line"] == 0


@override_settings(CASEWORKS_PARTNER_FILE_MAX_BYTES=10)
def test_api_refuses_an_oversized_file_before_reading_it_into_memory(api_client_with):
    """The upload's size is known from the request: a file over the cap is refused (400, line 0)
    without its whole content being read into the web process's memory or reaching the service."""
    from unittest import mock

    with mock.patch("enforcement.api.views.partner_file_submit", side_effect=AssertionError("read")) as submit_:
        response = _post(api_client_with("partner_files:write"), KIND, GOOD)
    assert response.status_code == 400 and not submit_.called
    assert response.json()["errors"] == [{"line": 0, "reason": "file: The file is larger than 10 bytes."}]
    assert not PartnerFile.objects.exists()


def test_api_unknown_kind_is_404(api_client_with):
    assert _post(api_client_with("partner_files:write"), "nothing-like-it", GOOD).status_code == 404


@override_settings(CASEWORKS_PARTNER_FILE_SYNC_MAX_BYTES=10)
def test_api_answers_202_with_a_status_url_for_a_large_file(api_client_with, django_capture_on_commit_callbacks):
    api = api_client_with("partner_files:write", "partner_files:read")
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(api, KIND, GOOD)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "received" and body["status_url"] == f"/api/v1/partner-files/{body['id']}/"
    status = api.get(body["status_url"]).json()
    assert status["status"] == "received" and status["report"]["status"] == "received"


def test_api_scopes(api_client_with):
    assert _post(api_client_with("partner_files:read"), KIND, GOOD).status_code == 403
    assert api_client_with("partner_files:write").get("/api/v1/partner-files/").status_code == 403


def test_api_lists_only_the_keys_counties_and_filters(api_client_with):
    albany = api_client_with("partner_files:write", "partner_files:read", agency="Albany SCU")
    assert _post(albany, KIND, GOOD).status_code == 201
    schenectady = api_client_with("partner_files:read", agency="Schenectady SCU", counties=["Schenectady"])
    assert schenectady.get("/api/v1/partner-files/").json()["count"] == 0
    state = api_client_with("partner_files:read", agency="State", kind=AgencyKind.STATE_OFFICE, all_counties=True)
    listed = state.get("/api/v1/partner-files/", {"kind": KIND, "direction": "in"}).json()
    assert listed["count"] == 1 and listed["results"][0]["county"] == "Albany"
    assert state.get("/api/v1/partner-files/", {"since": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert state.get("/api/v1/partner-files/", {"since": "yesterday"}).status_code == 400
    assert state.get("/api/v1/partner-files/", {"direction": "sideways"}).status_code == 400
    pk = listed["results"][0]["id"]
    assert schenectady.get(f"/api/v1/partner-files/{pk}/").status_code == 404
    assert schenectady.get(f"/api/v1/partner-files/{pk}/content/").status_code == 404


def test_a_file_one_agency_sent_is_not_another_agencys_to_read(api_client_with):
    """Two employers' keys of the same county: the new-hire file one sent (its employees' SSNs) is not
    listed or fetched by the other; the sender and the state office still read it."""
    sender = api_client_with("partner_files:write", "partner_files:read", agency="Employer A", kind="employer")
    pk = _post(sender, KIND, GOOD).json()["id"]
    other = api_client_with("partner_files:read", agency="Employer B", kind="employer")
    assert other.get("/api/v1/partner-files/").json()["count"] == 0
    assert other.get(f"/api/v1/partner-files/{pk}/").status_code == 404
    assert other.get(f"/api/v1/partner-files/{pk}/content/").status_code == 404
    assert sender.get(f"/api/v1/partner-files/{pk}/content/").status_code == 200
    state = api_client_with("partner_files:read", agency="State", kind=AgencyKind.STATE_OFFICE, all_counties=True)
    assert state.get(f"/api/v1/partner-files/{pk}/content/").status_code == 200
    county_state = api_client_with("partner_files:read", agency="State, Albany desk", kind=AgencyKind.STATE_OFFICE)
    assert county_state.get(f"/api/v1/partner-files/{pk}/").status_code == 200
    # a state-wide key of another kind (an employer in every county) reads only its own agency's files
    statewide_employer = api_client_with("partner_files:read", agency="Employer C", kind="employer", all_counties=True)
    assert statewide_employer.get("/api/v1/partner-files/").json()["count"] == 0
    assert statewide_employer.get(f"/api/v1/partner-files/{pk}/content/").status_code == 404


def test_an_outbound_batch_is_read_by_the_state_office_only(api_client_with):
    """An e-IWO batch carries orders to every employer, an offset certification every NCP's SSN and
    arrears: an employer's or a court's key of the county does not list or fetch it."""
    Employer.objects.create(name="ACME", fein="123456789")
    batch = partner_file_export(kind=OUT_KIND, actor_label="test")
    PartnerFile.objects.filter(pk=batch.pk).update(county=CAST_COUNTY)  # the county's own batch
    for kind in ("employer", "court", "county_attorney", "other"):
        api = api_client_with("partner_files:read", agency=f"A {kind}", kind=kind)
        assert api.get("/api/v1/partner-files/", {"direction": "out"}).json()["count"] == 0, kind
        assert api.get(f"/api/v1/partner-files/{batch.pk}/content/").status_code == 404, kind
    state = api_client_with("partner_files:read", agency="State DCSS", kind=AgencyKind.STATE_OFFICE, all_counties=True)
    assert state.get(f"/api/v1/partner-files/{batch.pk}/content/").status_code == 200


def test_a_county_keys_file_reaches_only_its_counties(api_client_with):
    api = api_client_with("partner_files:write", counties=["Albany"])
    body = _post(api, KIND, GOOD).json()
    assert PartnerFile.objects.get(pk=body["id"]).reach == ["Albany"]


# --- routing through the state office (16.6) ---------------------------------------------------


@override_settings(CASEWORKS_PARTNER_ROUTES={KIND: "state", OUT_KIND: "state"})
def test_routed_through_the_state_inbound_comes_only_from_the_state_office(api_client_with):
    county_partner = api_client_with("partner_files:write", agency="An employer")
    refused = _post(county_partner, KIND, GOOD)
    assert refused.status_code == 400 and "state office" in refused.json()["errors"][0]["reason"]
    assert Employer.objects.count() == 0
    state = api_client_with("partner_files:write", agency="State DCSS", kind=AgencyKind.STATE_OFFICE, all_counties=True)
    assert _post(state, KIND, GOOD).status_code == 201


@override_settings(CASEWORKS_PARTNER_ROUTES={KIND: "state", OUT_KIND: "state"})
def test_routed_through_the_state_outbound_waits_for_the_state_key_to_fetch_it(api_client_with):
    Employer.objects.create(name="ACME", fein="123456789")
    partner_file = partner_file_export(kind=OUT_KIND, actor_label="test")
    assert partner_file.status == PartnerFileStatus.READY and partner_file.fetched_at is None
    state = api_client_with("partner_files:read", agency="State DCSS", kind=AgencyKind.STATE_OFFICE, all_counties=True)
    listed = state.get("/api/v1/partner-files/", {"direction": "out"}).json()
    assert [r["id"] for r in listed["results"]] == [partner_file.pk]
    content = state.get(f"/api/v1/partner-files/{partner_file.pk}/content/")
    assert content.status_code == 200 and content.content == bytes(partner_file.content)
    assert content.content.splitlines()[1].startswith(b"E123456789ACME")
    partner_file.refresh_from_db()
    assert partner_file.status == PartnerFileStatus.SENT and partner_file.fetched_at is not None
    assert partner_file.agency.name == "State DCSS"
    assert AccessLog.objects.filter(object_id=str(partner_file.pk), kind=AccessLog.Kind.SENSITIVE_READ).exists()


def test_direct_outbound_files_are_sent_when_written():
    assert partner_file_export(kind=OUT_KIND).status == PartnerFileStatus.SENT


def test_outbound_control_numbers_are_never_reused():
    from django.db import IntegrityError

    partner_file_export(kind=OUT_KIND, control="R1")
    with pytest.raises(IntegrityError):
        partner_file_export(kind=OUT_KIND, control="R1")


# --- the command base class ---------------------------------------------------------------------


class _Command(PartnerFileImportCommand):
    kind = KIND


def _run(tmp_path, content: bytes):
    path = tmp_path / "emp.txt"
    path.write_bytes(content)
    out = StringIO()
    call_command(_Command(), str(path), stdout=out)
    return out.getvalue().strip().splitlines()


def test_command_accepted_then_already_imported_exit_0_with_counts_last(tmp_path):
    lines = _run(tmp_path, GOOD)
    assert "accepted" in lines[0] and lines[-1] == f"{KIND} accepted: records 4, created 2, amount 20.00"
    lines = _run(tmp_path, GOOD)
    assert "already imported as file #" in lines[0] and lines[-1].startswith(f"{KIND} replay: records 4")


def test_command_refused_exits_non_zero_with_the_line(tmp_path):
    with pytest.raises(CommandError, match="line 2: fein"):
        _run(tmp_path, employer_file(("12345678X", "ACME")))


def test_command_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(_Command(), str(tmp_path / "missing.txt"))

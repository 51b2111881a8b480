"""A partner's small file sent through the API is imported inside the request (the answer is its
report): when that web process dies mid-import (a worker timeout, an out-of-memory kill, a deploy),
the file must not stay ``processing`` for good. Its job was written with it, leased by the request's
process (``core.jobs.job_enqueue_here``); the lease expires and the watchdog hands the job to a
worker, which takes the file over and imports it once.

A real process of the test's own is killed with -9 (``killing.run_killed``), one inside the import's
transaction and one just after the file was received; the watchdog then runs here (eager tasks)
once the lease has expired."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from cases.models import Employment
from core.jobs import jobs_watchdog
from core.models import Job, JobStatus
from enforcement.choices import PartnerFileStatus
from enforcement.models import PartnerFile
from tests.conftest import needs_postgres
from tests.enforcement.factories import delinquent_case
from tests.enforcement.partner_files_data import new_hire_file, w4
from tests.enforcement.test_offset import ncp_of

from .killing import run_killed

pytestmark = [
    needs_postgres(),
    pytest.mark.chaos,  # kills a real process: with the chaos tests (tests/conftest.py XDIST_GROUPS)
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


MID_IMPORT = """
import enforcement.services.partner_files as pf
real_finish = pf._finish
def finish(partner_file, **kw):
    real_finish(partner_file, **kw)
    if kw.get("status") == "accepted":
        stop_here()  # inside the import's transaction: it rolls back with the process
pf._finish = finish
"""
BEFORE_IMPORT = """
import enforcement.services.partner_files as pf
pf.partner_file_import = stop_here  # the file and its job committed, the import not begun
"""


@pytest.mark.parametrize(
    ("point", "left"),
    [(MID_IMPORT, "processing"), (BEFORE_IMPORT, "received")],
    ids=["mid-import", "before-import"],
)
def test_a_new_hire_file_whose_api_process_died_is_imported_once_by_a_worker(tmp_path, settings, point, left):
    # given a new-hire file for an NCP, sent through the API, whose process is killed
    with time_machine.travel(date(2026, 11, 24), tick=False):
        case = delinquent_case(unassigned="1200.00")
    content = tmp_path / "nh.txt"
    content.write_bytes(new_hire_file([w4(ncp_of(case).ssn)]))
    run_killed(
        point
        + f"""
from pathlib import Path
pf.partner_file_submit(kind="new-hires", name="nh.txt", content=Path({str(content)!r}).read_bytes(), via="api")
""",
        tmp_path / "mark",
    )
    row = PartnerFile.objects.get()
    assert row.status == left and row.job_id is not None
    job = Job.objects.get(pk=row.job_id)
    assert job.status == JobStatus.RUNNING and job.sent_at is None  # leased by the dead process

    # while its lease is alive nobody takes it over
    settings.CASEWORKS_JOB_PENDING_GRACE_SECONDS = 0
    assert jobs_watchdog()["dispatched"] == 0

    # when the lease has expired, the watchdog's round sends it to a worker (eager here)
    with time_machine.travel(job.expires_at + timedelta(seconds=1), tick=True):
        assert jobs_watchdog()["expired"] == 1
        jobs_watchdog()  # a later round repeats nothing

    # then the file is imported, once
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.status == PartnerFileStatus.ACCEPTED, row.status
    assert row.counts["employments_created"] == 1, row.counts
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 2, "accepted")
    assert Employment.objects.filter(person=ncp_of(case)).count() == 1

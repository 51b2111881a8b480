"""Chaos: real workers killed with -9 mid-job, and the broker taken away mid-request.

Against the real PostgreSQL and Redis, with real ``celery worker`` subprocesses (not eager mode):
a worker paused inside a job's transaction (tests/chaos/chaos_app.py) is killed with SIGKILL, a new
worker is started, and the job must finish exactly once — taken over through its expired lease by
the watchdog, long before Redis's visibility timeout would redeliver it. Then a Redis server of the
test's own is stopped while a file is uploaded and a sweep is started by hand: both answer
normally, and both run once Redis is back (the transactional outbox).

Short lease settings (3 s lease, 1 s watchdog), the broker on its own Redis database, one xdist
group. Skipped without PostgreSQL and Redis (``make test`` on SQLite); ``.ci/run`` runs them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cases.ledger_verify import ledger_differences
from cases.models import Collection, Disbursement, LedgerEntry
from config.celery import app as celery_app
from core.models import Job, JobStatus
from enforcement.choices import BankAccountPurpose, PaymentFileStatus
from enforcement.models import DisbursementExport, EnforcementAction, PayeeAccount, PaymentFile, SweepRun
from tests.cases.factories import case_with_order
from tests.conftest import needs_postgres, needs_redis
from tests.enforcement.factories import AS_OF, delinquent_case
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = [
    needs_postgres(), needs_redis(), pytest.mark.chaos, pytest.mark.redis, pytest.mark.postgres,
    pytest.mark.xdist_group("chaos"), pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
LEASE, WATCHDOG = 3, 1
TIMEOUT = 60  # seconds any one step may take on a loaded CI machine


def chaos_broker() -> str:
    """The chaos tests' own Redis database: CHAOS_BROKER_URL, or CELERY_BROKER_URL's server, db 14."""
    if os.environ.get("CHAOS_BROKER_URL"):
        return os.environ["CHAOS_BROKER_URL"]
    base = os.environ["CELERY_BROKER_URL"]
    return base.rsplit("/", 1)[0] + "/14" if base.count("/") > 2 else base + "/14"


def database_url() -> str:
    """The test database this process uses, for the worker subprocesses."""
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A ``celery worker --pool=solo -B`` subprocess in its own process group (so -9 takes beat too)."""

    def __init__(self, *, broker: str, log: Path, pause: str = "", mark: Path | None = None) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
               "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "false",
               "CASEWORKS_JOB_LEASE_SECONDS": str(LEASE), "CASEWORKS_JOB_WATCHDOG_SECONDS": str(WATCHDOG),
               "CHAOS_WATCHDOG": str(WATCHDOG), "CHAOS_PAUSE": pause, "CHAOS_MARK": str(mark or "")}
        schedule = log.with_suffix(".beat")
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "-m", "celery", "-A", "tests.chaos.chaos_app", "worker", "--pool=solo", "-B",
             "-s", str(schedule), "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"chaos-{log.stem}@%h"],
            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=TIMEOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(check: Callable[[], object], what: str, workers: list[Worker]) -> object:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    logs = "\n".join(w.log.read_text(errors="replace")[-3000:] for w in workers)
    raise AssertionError(f"timed out waiting for {what}; jobs: {list(Job.objects.values())}\n{logs}")


@pytest.fixture
def broker():
    """The app in this process sends to the chaos broker (not eagerly); the database is left clean."""
    url = chaos_broker()
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # queue, unacked messages of an earlier run
    yield url
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    celery_app.conf.update(saved)
    celery_app.pool.force_close_all()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(broker: str, pause: str = "") -> tuple[Worker, Path]:
        mark = tmp_path / f"paused-{len(started)}"
        worker = Worker(broker=broker, log=tmp_path / f"worker{len(started)}.log", pause=pause, mark=mark)
        started.append(worker)
        return worker, mark

    start.all = started
    yield start
    for worker in started:
        worker.kill()


def kill_mid_job(workers, broker: str, point: str, enqueue: Callable[[], object], finished: Callable[[], object]):
    """Start a worker that pauses inside ``point``, enqueue, kill it -9 there, start a clean worker
    and wait until ``finished``. Returns the job that was killed."""
    paused, mark = workers(broker, pause=point)
    enqueue()
    wait_until(mark.exists, f"the worker to reach {point}", workers.all)
    killed = Job.objects.get(status=JobStatus.RUNNING)
    paused.kill()
    workers(broker)
    wait_until(finished, f"the {point} job to finish after the kill", workers.all)
    killed.refresh_from_db()
    assert killed.status == JobStatus.DONE and killed.attempts == 2, "taken over once, then done"
    return killed


# --- kill -9 ------------------------------------------------------------------------------------

def test_a_payment_file_import_killed_mid_posting_is_finished_once(broker, workers, client_as):
    cases = [case_with_order(monthly=Decimal("400.00")) for _ in range(4)]
    text = payment_file([ded_entry(c.case_number, f"{20 + i}.00", ssn=c.ncp.ssn) for i, c in enumerate(cases)])
    client = client_as("enforcement_specialist")

    def upload():
        response = client.post(reverse("enforcement:paymentfile_upload"), {"file": SimpleUploadedFile("p.ach", text.encode())})
        assert response.status_code == 302

    kill_mid_job(workers, broker, "payment_import", upload,
                 lambda: PaymentFile.objects.filter(status=PaymentFileStatus.IMPORTED).exists())
    row = PaymentFile.objects.get()
    assert (row.entries, row.posted, row.duplicates) == (4, 4, 0)
    collections = Collection.objects.filter(batch_reference=row.reference)
    assert collections.count() == 4 and collections.values("source_reference").distinct().count() == 4
    assert Disbursement.objects.filter(collection__in=collections).count() == 4
    assert ledger_differences() == []


def test_an_accrual_chunk_killed_mid_range_is_accrued_once(broker, workers):
    from cases.models import LedgerRun
    from cases.services.accrual_jobs import accrual_enqueue

    cases = [case_with_order(monthly=Decimal("300.00")) for _ in range(6)]
    through = date.today()
    kill_mid_job(workers, broker, "accrual_chunk",
                 lambda: accrual_enqueue(through=through, chunk_size=max(c.pk for c in cases) + 1),
                 lambda: LedgerRun.objects.filter(finished_at__isnull=False).exists())
    run = LedgerRun.objects.get()
    charges = LedgerEntry.objects.filter(entry_type="charge")
    assert run.counts["charges"] == charges.count() > 0 and run.counts["failed"] == [] and not run.error
    assert charges.values("case_id", "obligation_id", "due_on").distinct().count() == charges.count()
    assert ledger_differences() == []


def test_a_sweep_chunk_killed_mid_chunk_is_swept_once(broker, workers):
    from enforcement.services.sweep_jobs import sweep_enqueue

    for i in range(4):
        delinquent_case(unassigned=f"{1500 + 400 * i}.00")
    kill_mid_job(workers, broker, "sweep_chunk",
                 lambda: sweep_enqueue(as_of=AS_OF, chunk_size=10**6, triggered_by="chaos"),
                 lambda: SweepRun.objects.filter(finished_at__isnull=False).exists())
    run = SweepRun.objects.get()
    actions = EnforcementAction.objects.all()
    assert run.errors == 0 and run.chunks_done == run.chunk_count == 1
    assert run.proposed == actions.count() > 0
    assert actions.values("case_id", "remedy").distinct().count() == actions.count()


def test_a_disbursement_export_killed_before_its_commit_exports_once(broker, workers):
    from cases.choices import CollectionSource, ReceivedVia
    from cases.services import collection_post
    from enforcement.services.sweep_jobs import disbursement_export_enqueue
    from tests.enforcement.file_factories import BankAccountFactory

    BankAccountFactory(name="SDU disbursements", account_number="555000111", routing_number="021000021",
                       purpose=BankAccountPurpose.DISBURSEMENTS)
    on = date.today()
    for i in range(3):
        case = case_with_order(monthly=Decimal("500.00"))
        PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number=f"98765432{i}")
        collection_post(case_number=case.case_number, amount=Decimal("100.00"), received_on=on,
                        source=CollectionSource.DIRECT_PAYMENT, source_reference=f"CH-{case.pk}",
                        received_via=ReceivedVia.FORM)
    kill_mid_job(workers, broker, "disbursement_export", lambda: disbursement_export_enqueue(on=on),
                 lambda: DisbursementExport.objects.exists())
    export = DisbursementExport.objects.get()
    assert export.entry_count == 3
    assert Disbursement.objects.filter(export_batch=export.reference, status="sent").count() == 3
    assert not Disbursement.objects.filter(payee="family", status="pending").exists()
    assert ledger_differences() == []


# --- the broker goes away -----------------------------------------------------------------------

@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own (CHAOS_REDIS_PORT, default 6391): stopped and started by
    the test, never the shared one."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server")
    port = int(os.environ.get("CHAOS_REDIS_PORT", "6391"))

    class Server:
        process: subprocess.Popen | None = None

        def start(self):
            self.process = subprocess.Popen(  # noqa: S603
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(tmp_path)], stdout=(tmp_path / "redis.log").open("ab"), stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 10
            while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,  # noqa: S603, S607
                                 check=False).stdout.strip() != b"PONG":
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)

        def stop(self):
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)

    server = Server()
    server.start()
    yield server, f"redis://127.0.0.1:{port}/0"
    server.stop()


def test_an_upload_and_a_sweep_started_while_redis_is_down_both_run_when_it_is_back(own_redis, workers, client_as):
    server, url = own_redis
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    try:
        case = case_with_order(monthly=Decimal("400.00"))
        for i in range(3):
            delinquent_case(unassigned=f"{2000 + 500 * i}.00")
        workers(url)
        server.stop()
        # given Redis is down: an upload and a sweep started by hand both get their normal answer
        specialist, coordinator = client_as("enforcement_specialist"), client_as("coordinator")
        text = payment_file([ded_entry(case.case_number, "30.00", ssn=case.ncp.ssn)])
        upload = specialist.post(reverse("enforcement:paymentfile_upload"),
                                 {"file": SimpleUploadedFile("p.ach", text.encode())})
        sweep = coordinator.post(reverse("enforcement:sweep_start"))
        assert (upload.status_code, sweep.status_code) == (302, 302)
        assert PaymentFile.objects.get().status == PaymentFileStatus.PENDING
        assert SweepRun.objects.get().finished_at is None
        assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.PENDING}
        # when Redis is back, the watchdog sends both and the worker runs them
        server.start()
        wait_until(lambda: PaymentFile.objects.filter(status=PaymentFileStatus.IMPORTED).exists()
                   and SweepRun.objects.filter(finished_at__isnull=False).exists(),
                   "the upload and the sweep after the outage", workers.all)
    finally:
        celery_app.conf.update(saved)
        celery_app.pool.force_close_all()
    assert PaymentFile.objects.get().posted == 1 and Collection.objects.count() == 1
    run = SweepRun.objects.get()
    assert run.errors == 0 and run.proposed == EnforcementAction.objects.count() > 0
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    assert settings.CELERY_TASK_ALWAYS_EAGER is True  # this process's settings were left as they were

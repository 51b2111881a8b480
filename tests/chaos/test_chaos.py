"""Chaos: real workers killed with -9 mid-job, and the broker taken away mid-request.

Against the real PostgreSQL and Redis, with real ``celery worker`` subprocesses (not eager mode):
a worker paused inside a job's transaction (tests/chaos/chaos_app.py) is killed with SIGKILL, a new
worker is started, and the job must finish exactly once — taken over through its expired lease by
the watchdog, long before Redis's visibility timeout would redeliver it. Then a Redis server of the
test's own is stopped while a file is uploaded and a sweep is started by hand: both answer
normally, and both run once Redis is back (the transactional outbox).

Short lease settings (3 s lease, 1 s watchdog), the broker on its own Redis database, one xdist
group (``broker``, with the other real-worker tests). Skipped without PostgreSQL and Redis (``make test`` on SQLite); ``.ci/run`` runs them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import kombu.pools
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
    # one xdist group with the other real-broker tests (tests/conftest.py XDIST_GROUPS)
    needs_postgres(),
    needs_redis(),
    pytest.mark.chaos,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
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
    """A ``celery worker --pool=solo`` subprocess in its own process group (so -9 takes its beat too).

    ``pause="all"``: it stops inside the first job it takes and writes ``mark`` (it is to be killed).
    ``queue``: its default queue (the take-over worker's, so nothing it re-sends reaches the others).
    """

    def __init__(
        self,
        *,
        broker: str,
        log: Path,
        pause: str = "",
        mark: Path | None = None,
        queue: str = "",
        beat: bool = True,
        grace: int = 2,
    ) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CASEWORKS_JOB_LEASE_SECONDS": str(LEASE),
            "CASEWORKS_JOB_WATCHDOG_SECONDS": str(WATCHDOG),
            "CHAOS_WATCHDOG": str(WATCHDOG),
            "CHAOS_PAUSE": pause,
            "CHAOS_MARK": str(mark or ""),
            "CHAOS_QUEUE": queue,
            "CASEWORKS_JOB_PENDING_GRACE_SECONDS": str(grace),
        }
        self.log, self.mark = log, mark
        beat_args = ["-B", "-s", str(log.with_suffix(".beat"))] if beat else []
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.chaos.chaos_app",
                "worker",
                "--pool=solo",
                *beat_args,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"chaos-{log.stem}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its children: no shutdown, no acknowledgement, no rollback sent."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=TIMEOUT)


def wait_until(check: Callable[[], object], what: str, workers: list[Worker]) -> object:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    logs = "\n".join(w.log.read_text(errors="replace")[-3000:] for w in workers)
    raise AssertionError(f"timed out waiting for {what}; jobs: {list(Job.objects.values())}\n{logs}")


# The environment's CELERY_BROKER_URL (CI sets it) wins over ``conf.broker_url``; the read and write
# URLs set in the configuration win over both: a test that switches brokers sets all three.
BROKER_URLS = ("broker_url", "broker_read_url", "broker_write_url")
BROKER_SETTINGS = ("task_always_eager", *BROKER_URLS)


def broker_pools_forget() -> None:
    """Close this process's broker connections and forget its pools, as a forked child does
    (``Celery._after_fork``), whenever a test switches ``broker_url``: a pool made earlier keeps
    sending to the broker it was made for, and a closed one stays in kombu's registry (Celery takes
    a producer even for an eager send, so the next send would fail with "Acquire on closed pool")."""
    kombu.pools.reset()
    celery_app._after_fork()


@pytest.fixture
def broker():
    """The app in this process sends to the chaos broker (not eagerly); Redis is left clean."""
    url = chaos_broker()
    saved = {k: celery_app.conf.get(k) for k in BROKER_SETTINGS}
    celery_app.conf.update(task_always_eager=False, **dict.fromkeys(BROKER_URLS, url))
    broker_pools_forget()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # queues and unacknowledged messages of an earlier run
    yield url
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    celery_app.conf.update(saved)
    broker_pools_forget()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(broker: str, **options) -> Worker:
        n = len(started)
        worker = Worker(broker=broker, log=tmp_path / f"worker{n}.log", mark=tmp_path / f"paused-{n}", **options)
        started.append(worker)
        return worker

    start.all = started
    yield start
    for worker in started:
        worker.kill()


class Office:
    """The worker pool of the kill tests: four workers that each stop inside the first job they
    take, and one on its own queue that takes killed jobs over (its watchdog runs every second)."""

    def __init__(self, workers, broker: str) -> None:
        self.victims = [workers(broker, pause="all", beat=False) for _ in range(4)]
        # (its watchdog leaves new jobs alone long enough for this loaded test process to send them)
        self.rescuer = workers(broker, queue="chaos-takeover", grace=TIMEOUT)
        self.all = workers.all

    def kill_mid_job(self, what: str, enqueue: Callable[[], object], finished: Callable[[], bool]) -> Job:
        """Enqueue a job, kill -9 the worker inside its transaction, and wait until another worker
        finished it. Returns the killed job."""
        enqueue()
        victim = wait_until(
            lambda: next((w for w in self.victims if w.mark.exists()), None),
            f"a worker to stop inside the {what}",
            self.all,
        )
        killed = Job.objects.get(status=JobStatus.RUNNING)
        victim.kill()
        self.victims.remove(victim)
        wait_until(
            lambda: finished() and Job.objects.filter(pk=killed.pk, status=JobStatus.DONE).exists(),
            f"the {what} to be finished after the kill",
            self.all,
        )
        killed.refresh_from_db()
        assert killed.attempts == 2, f"the {what} was taken over once"
        assert not Job.objects.exclude(status=JobStatus.DONE).exists()
        return killed


# --- kill -9 ------------------------------------------------------------------------------------


def test_workers_killed_mid_job_lose_nothing_and_repeat_nothing(broker, workers, client_as):
    """A payment-file import, an accrual chunk, a sweep chunk and a disbursement export, each with its
    worker killed inside the job's transaction, each finished once by another worker."""
    office = Office(workers, broker)
    payment_file_import_killed(office, client_as("enforcement_specialist"))
    accrual_chunk_killed(office)
    disbursement_export_killed(office)
    assert ledger_differences() == []  # (before the sweep's cases, whose balances a factory sets)
    sweep_chunk_killed(office)


def payment_file_import_killed(office: Office, client) -> None:
    cases = [case_with_order(monthly=Decimal("400.00")) for _ in range(4)]
    text = payment_file([ded_entry(c.case_number, f"{20 + i}.00", ssn=c.ncp.ssn) for i, c in enumerate(cases)])

    def upload():
        response = client.post(
            reverse("enforcement:paymentfile_upload"), {"file": SimpleUploadedFile("p.ach", text.encode())}
        )
        assert response.status_code == 302

    office.kill_mid_job(
        "payment-file import", upload, lambda: PaymentFile.objects.filter(status=PaymentFileStatus.IMPORTED).exists()
    )
    row = PaymentFile.objects.get()
    assert (row.entries, row.posted, row.duplicates) == (4, 4, 0)
    collections = Collection.objects.filter(batch_reference=row.reference)
    assert collections.count() == 4 and collections.values("source_reference").distinct().count() == 4
    assert Disbursement.objects.filter(collection__in=collections).count() == 4
    assert ledger_differences() == []


def accrual_chunk_killed(office: Office) -> None:
    from cases.models import LedgerRun
    from cases.services.accrual_jobs import accrual_enqueue

    cases = [case_with_order(monthly=Decimal("300.00")) for _ in range(3)]
    charges = LedgerEntry.objects.filter(entry_type="charge")
    before = charges.count()
    office.kill_mid_job(
        "accrual chunk",
        lambda: accrual_enqueue(through=date.today(), chunk_size=max(c.pk for c in cases) + 1),
        lambda: LedgerRun.objects.filter(finished_at__isnull=False).exists(),
    )
    run = LedgerRun.objects.get()
    assert run.counts["charges"] == charges.count() - before > 0
    assert run.counts["failed"] == [] and not run.error and len(run.counts["ranges"]) == run.chunk_count == 1
    assert charges.values("case_id", "obligation_id", "due_on").distinct().count() == charges.count()
    assert ledger_differences() == []


def sweep_chunk_killed(office: Office) -> None:
    from enforcement.services.sweep_jobs import sweep_enqueue

    for i in range(4):
        delinquent_case(unassigned=f"{1500 + 400 * i}.00")
    office.kill_mid_job(
        "sweep chunk",
        lambda: sweep_enqueue(as_of=AS_OF, chunk_size=10**6, triggered_by="chaos"),
        lambda: SweepRun.objects.filter(finished_at__isnull=False).exists(),
    )
    run = SweepRun.objects.get()
    actions = EnforcementAction.objects.all()
    assert run.errors == 0 and run.chunks_done == run.chunk_count == 1
    assert run.proposed == actions.count() > 0
    assert actions.values("case_id", "remedy").distinct().count() == actions.count()


def disbursement_export_killed(office: Office) -> None:
    from cases.choices import CollectionSource, ReceivedVia
    from cases.services import collection_post
    from enforcement.services.sweep_jobs import disbursement_export_enqueue
    from tests.enforcement.file_factories import BankAccountFactory

    BankAccountFactory(
        name="SDU disbursements",
        account_number="555000111",
        routing_number="021000021",
        purpose=BankAccountPurpose.DISBURSEMENTS,
    )
    on = date.today()
    cases = []
    for i in range(3):
        case = case_with_order(monthly=Decimal("500.00"))
        PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number=f"98765432{i}")
        collection_post(
            case_number=case.case_number,
            amount=Decimal("100.00"),
            received_on=on,
            source=CollectionSource.DIRECT_PAYMENT,
            source_reference=f"CH-{case.pk}",
            received_via=ReceivedVia.FORM,
        )
        cases.append(case)
    pending = Disbursement.objects.filter(payee="family", status="pending", export_batch="", received_on__lte=on)
    exportable = set(
        pending.filter(case__participants__person__payee_accounts__active=True).values_list("pk", flat=True)
    )
    assert len(exportable) >= 3
    office.kill_mid_job(
        "disbursement export", lambda: disbursement_export_enqueue(on=on), lambda: DisbursementExport.objects.exists()
    )
    export = DisbursementExport.objects.get()
    sent = Disbursement.objects.filter(export_batch=export.reference, status="sent")
    assert export.entry_count == sent.count() == len(exportable)
    assert set(sent.values_list("pk", flat=True)) == exportable


# --- the broker goes away -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own (on CHAOS_REDIS_PORT, else a free port, so that two runs
    side by side do not share it): stopped and started by the test, never the shared one."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server")
    port = int(os.environ.get("CHAOS_REDIS_PORT") or _free_port())

    class Server:
        process: subprocess.Popen | None = None

        def start(self):
            self.process = subprocess.Popen(  # noqa: S603
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=(tmp_path / "redis.log").open("ab"),
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 10
            while (
                subprocess.run(
                    ["redis-cli", "-p", str(port), "ping"],
                    capture_output=True,  # noqa: S603, S607
                    check=False,
                ).stdout.strip()
                != b"PONG"
            ):
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
    saved = {k: celery_app.conf.get(k) for k in BROKER_SETTINGS}
    celery_app.conf.update(task_always_eager=False, **dict.fromkeys(BROKER_URLS, url))
    broker_pools_forget()  # sends go to this test's own Redis, not to a pool made for another broker
    try:
        case = case_with_order(monthly=Decimal("400.00"))
        for i in range(3):
            delinquent_case(unassigned=f"{2000 + 500 * i}.00")
        workers(url)
        server.stop()
        # given Redis is down: an upload and a sweep started by hand both get their normal answer
        specialist, coordinator = client_as("enforcement_specialist"), client_as("coordinator")
        text = payment_file([ded_entry(case.case_number, "30.00", ssn=case.ncp.ssn)])
        upload = specialist.post(
            reverse("enforcement:paymentfile_upload"), {"file": SimpleUploadedFile("p.ach", text.encode())}
        )
        sweep = coordinator.post(reverse("enforcement:sweep_start"))
        assert (upload.status_code, sweep.status_code) == (302, 302)
        assert PaymentFile.objects.get().status == PaymentFileStatus.PENDING
        assert SweepRun.objects.get().finished_at is None
        assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.PENDING}
        # when Redis is back, the watchdog sends both and the worker runs them
        server.start()
        wait_until(
            lambda: (
                PaymentFile.objects.filter(status=PaymentFileStatus.IMPORTED).exists()
                and SweepRun.objects.filter(finished_at__isnull=False).exists()
            ),
            "the upload and the sweep after the outage",
            workers.all,
        )
    finally:
        celery_app.conf.update(saved)
        broker_pools_forget()
    assert PaymentFile.objects.get().posted == 1 and Collection.objects.count() == 1
    run = SweepRun.objects.get()
    assert run.errors == 0 and run.proposed == EnforcementAction.objects.count() > 0
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    assert settings.CELERY_TASK_ALWAYS_EAGER is True  # this process's settings were left as they were

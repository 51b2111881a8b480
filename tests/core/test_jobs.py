"""Background jobs (core/jobs.py): the transactional outbox, leases, take-over and the watchdog.

Tasks run eagerly here (the test settings); the real worker, kill -9 and a stopped Redis are in
tests/chaos/. A "dead worker" here is a job left ``running`` under an expired lease, exactly what a
killed worker leaves behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from cases.models import Collection
from config.celery import app as celery_app
from config.settings import base
from core.jobs import (
    job_dispatch,
    job_enqueue,
    job_enqueue_here,
    jobs_stuck,
    jobs_watchdog,
    lease_claim,
    lease_heartbeat,
    lease_release,
    run_leased,
    run_leased_here,
    worker_name,
)
from core.models import Job, JobStatus
from enforcement.choices import FileVia, PaymentFileStatus
from enforcement.models import PaymentFile
from enforcement.services.payments import payment_file_receive
from enforcement.tasks import import_payment_file
from tests.cases.factories import case_with_order
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = pytest.mark.django_db
PING = "core.ping"


@pytest.fixture
def broker_down(monkeypatch):
    """Every send to the broker fails as kombu does when Redis refuses the connection."""
    sent = []

    def refuse(self, *args, **kwargs):
        sent.append(kwargs)
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery_app.Task, "apply_async", refuse)
    monkeypatch.setattr("core.jobs._broker_down_until", 0.0)
    celery_app.conf.task_always_eager = False
    yield sent
    celery_app.conf.task_always_eager = True


def expire(job: Job, *, by: str = "dead-host:1", attempts: int = 1) -> Job:
    """Leave the job as a worker killed mid-run leaves it: running, lease expired."""
    past = timezone.now() - timedelta(seconds=5)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        claimed_by=by,
        claimed_at=past - timedelta(seconds=60),
        expires_at=past,
        attempts=attempts,
        sent_at=past - timedelta(seconds=60),
    )
    job.refresh_from_db()
    return job


# --- the outbox ----------------------------------------------------------------------------------


def test_a_job_exists_only_if_its_transaction_commits(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        job_enqueue(task=PING, args=["lost"])
        raise RuntimeError("the request failed")
    assert Job.objects.count() == 0 and callbacks == []


def test_a_committed_job_is_dispatched_after_the_commit_and_runs_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(task=PING, args=["hello"], key="ping:1")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.send_attempts) == (JobStatus.DONE, 1, 1)
    assert job.result == {"echo": "hello", "users": 0} and job.finished_at is not None
    assert job_enqueue(task=PING, args=["again"], key="ping:1").pk == job.pk  # one job per key
    assert job_dispatch(job_id=job.pk) is False  # a done job is never sent again


def test_broker_down_leaves_the_job_pending_with_the_error_noted(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(task=PING, args=["x"])
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.send_attempts == 1
    assert "Connection refused" in job.send_error
    assert broker_down[0]["retry"] is False  # a request never hangs on a dead broker


def test_upload_while_the_broker_is_down_answers_normally_and_imports_when_it_is_back(
    client_as, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    case = case_with_order(monthly=Decimal("400.00"))
    text = payment_file([ded_entry(case.case_number, "30.00", ssn=case.ncp.ssn)])
    client = client_as("enforcement_specialist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enforcement:paymentfile_upload"), {"file": SimpleUploadedFile("p.ach", text.encode())}
        )
    row = PaymentFile.objects.get()
    assert response.status_code == 302 and response.url == reverse("enforcement:paymentfile_detail", args=[row.pk])
    assert row.status == PaymentFileStatus.PENDING
    job = Job.objects.get(key=f"enforcement.import_payment_file:{row.pk}")
    assert job.status == JobStatus.PENDING
    assert jobs_watchdog()["undelivered"] == 0  # a moment ago: its own dispatch may be under way
    # the broker is back: the watchdog sends it
    monkeypatch.undo()
    celery_app.conf.task_always_eager = True
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=60))
    counts = jobs_watchdog()
    assert counts["undelivered"] == 1 and counts["dispatched"] == 1
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.status == PaymentFileStatus.IMPORTED and row.posted == 1 and Collection.objects.count() == 1
    assert job.status == JobStatus.DONE and jobs_watchdog()["dispatched"] == 0


def test_the_watchdog_stops_at_the_first_refused_send(broker_down):
    for n in range(3):
        Job.objects.create(task=PING, args=[str(n)])
    Job.objects.update(created_at=timezone.now() - timedelta(seconds=60))
    counts = jobs_watchdog()
    assert counts == {"dispatched": 0, "undelivered": 1, "expired": 0, "lost": 0, "failed": 0}
    assert len(broker_down) == 1
    # a request a moment later does not wait for the dead broker again
    job = Job.objects.create(task=PING)
    assert job_dispatch(job_id=job.pk) is False and len(broker_down) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and "unreachable a moment ago" in job.send_error


# --- the lease -----------------------------------------------------------------------------------


def test_one_worker_holds_a_lease_and_another_takes_it_over_only_when_it_expired(settings):
    settings.CASEWORKS_JOB_LEASE_SECONDS = 60
    job = Job.objects.create(task=PING, status=JobStatus.SENT)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(start, tick=False) as clock:
        first = lease_claim(job_id=job.pk, worker="a:1")
        assert first.claimed_by == "a:1" and first.expires_at == start + timedelta(seconds=60)
        assert lease_claim(job_id=job.pk, worker="b:2") is None  # alive: a second delivery does nothing
        clock.shift(40)
        assert lease_heartbeat(job_id=job.pk, worker="a:1") is True
        assert lease_heartbeat(job_id=job.pk, worker="b:2") is False
        clock.shift(61)  # a:1 stopped beating 61 s ago: it died
        taken = lease_claim(job_id=job.pk, worker="b:2")
        assert (taken.claimed_by, taken.attempts) == ("b:2", 2)
        assert lease_heartbeat(job_id=job.pk, worker="a:1") is False
        assert lease_release(job_id=job.pk, worker="a:1") is False  # the old holder cannot end it
        assert lease_release(job_id=job.pk, worker="b:2", result={"ok": 1}) is True
    job.refresh_from_db()
    assert (job.status, job.result, job.expires_at) == (JobStatus.DONE, {"ok": 1}, None)
    assert lease_claim(job_id=job.pk, worker="c:3") is None


def _task(name: str = PING):
    return celery_app.tasks[name]


def test_a_failing_job_is_recorded_failed_and_not_sent_again():
    job = Job.objects.create(task=PING, status=JobStatus.SENT)

    def boom(lease):
        raise ValueError("bad data")

    with pytest.raises(ValueError):
        run_leased(task=_task(), job_id=job.pk, fn=boom)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "bad data" in job.error and job.finished_at is not None
    assert jobs_watchdog()["dispatched"] == 0


def test_a_transient_error_gives_the_job_back_for_its_retry():
    from django.db import OperationalError

    job = Job.objects.create(task=PING, status=JobStatus.SENT)

    def lost_db(lease):
        raise OperationalError("server closed the connection")

    with pytest.raises(OperationalError):
        run_leased(task=_task(), job_id=job.pk, fn=lost_db)
    job.refresh_from_db()
    assert job.status == JobStatus.SENT and job.expires_at is None
    seen = run_leased(task=_task(), job_id=job.pk, fn=lambda lease: lease)
    assert seen.takeover is True and seen.job_id == job.pk  # the retry knows it is a second attempt


def test_a_plain_call_runs_without_a_job():
    result = run_leased(task=_task(), job_id=None, fn=lambda lease: lease)
    assert result.job_id is None and Job.objects.count() == 0


# --- a job run by the process that asked for it -------------------------------------------------


def test_a_job_run_here_is_leased_by_this_process_and_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_enqueue_here(task=PING, args=["here"], key="ping:here")
    assert callbacks == []  # nothing dispatched on commit
    assert (job.status, job.claimed_by, job.attempts, job.sent_at) == (JobStatus.RUNNING, worker_name(), 1, None)
    assert jobs_watchdog()["dispatched"] == 0  # a live lease
    seen = run_leased_here(job=job, fn=lambda lease: {"takeover": lease.takeover, "job": lease.job_id})
    job.refresh_from_db()
    assert seen == {"takeover": False, "job": job.pk}
    assert (job.status, job.result, job.expires_at) == (JobStatus.DONE, seen, None)
    assert run_leased_here(job=job, fn=lambda lease: pytest.fail("ran twice"), skipped="skipped") == "skipped"
    assert job_enqueue_here(task=PING, key="ping:here").pk == job.pk  # one job per key


def test_a_job_whose_process_died_before_running_it_here_is_taken_over_by_a_worker():
    job = job_enqueue_here(task=PING, args=["orphan"])  # the process died: nothing ran it
    with time_machine.travel(job.expires_at + timedelta(seconds=1), tick=False):
        counts = jobs_watchdog()
    job.refresh_from_db()
    assert counts["expired"] == 1 and counts["dispatched"] == 1
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 2, {"echo": "orphan", "users": 0})


def test_a_job_run_here_that_fails_is_recorded_failed_and_a_transient_error_gives_it_back():
    from django.db import OperationalError

    broken = job_enqueue_here(task=PING)
    with pytest.raises(ValueError):
        run_leased_here(job=broken, fn=lambda lease: int("bad data"))
    broken.refresh_from_db()
    assert broken.status == JobStatus.FAILED and "bad data" in broken.error

    def lost_db(lease):
        raise OperationalError("server closed the connection")

    lost = job_enqueue_here(task=PING, args=["again"])
    with pytest.raises(OperationalError):
        run_leased_here(job=lost, fn=lost_db)
    lost.refresh_from_db()
    assert lost.status == JobStatus.PENDING and lost.expires_at is None  # for the watchdog to send
    Job.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(seconds=60))
    assert jobs_watchdog()["dispatched"] == 1
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (JobStatus.DONE, 2)


# --- take-over of a killed worker's job ----------------------------------------------------------


def test_a_payment_file_left_processing_by_a_killed_worker_is_imported_once():
    cases = [case_with_order(monthly=Decimal("400.00")) for _ in range(3)]
    text = payment_file([ded_entry(c.case_number, "25.00", ssn=c.ncp.ssn) for c in cases])
    row = payment_file_receive(name="p.ach", content=text.encode(), via=FileVia.UPLOAD)
    job = Job.objects.create(task="enforcement.import_payment_file", args=[row.pk], key=f"pf:{row.pk}")
    # the killed worker had claimed the file (committed) and its posting transaction rolled back
    PaymentFile.objects.filter(pk=row.pk).update(status=PaymentFileStatus.PROCESSING, started_at=timezone.now())
    expire(job)
    assert import_payment_file.delay(row.pk).get() == "processing"  # plain redelivery: lease gone, no job
    counts = jobs_watchdog()
    assert counts["expired"] == 1 and counts["dispatched"] == 1
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.status == PaymentFileStatus.IMPORTED and row.posted == 3
    assert Collection.objects.filter(batch_reference=row.reference).count() == 3
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    # the original message, redelivered by Redis much later, repeats nothing
    assert import_payment_file.delay(row.pk, job_id=job.pk).get() is None
    assert Collection.objects.count() == 3


def test_a_live_lease_is_left_alone_by_the_watchdog():
    job = Job.objects.create(
        task=PING,
        status=JobStatus.RUNNING,
        claimed_by="alive:1",
        expires_at=timezone.now() + timedelta(seconds=30),
        sent_at=timezone.now(),
    )
    assert jobs_watchdog()["dispatched"] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.claimed_by == "alive:1"


def test_an_expired_job_is_sent_once_per_expiry(monkeypatch):
    sent = []
    monkeypatch.setattr("core.jobs.job_dispatch", lambda *, job_id: sent.append(job_id) or True)
    job = expire(Job.objects.create(task=PING))
    jobs_watchdog()
    Job.objects.filter(pk=job.pk).update(sent_at=timezone.now())  # what the real dispatch records
    jobs_watchdog()
    assert sent == [job.pk]


def test_a_job_that_kills_every_worker_is_given_up_after_the_maximum_attempts(settings):
    settings.CASEWORKS_JOB_MAX_ATTEMPTS = 3
    job = expire(Job.objects.create(task=PING), attempts=3)
    counts = jobs_watchdog()
    job.refresh_from_db()
    assert counts["failed"] == 1 and counts["dispatched"] == 0
    assert job.status == JobStatus.FAILED and "gave up after 3 attempts" in job.error


def test_a_sent_job_nobody_claimed_is_sent_again_after_the_unclaimed_period(settings, monkeypatch):
    settings.CASEWORKS_JOB_UNCLAIMED_SECONDS = 900
    sent = []
    monkeypatch.setattr("core.jobs.job_dispatch", lambda *, job_id: sent.append(job_id) or True)
    fresh = Job.objects.create(task=PING, status=JobStatus.SENT, sent_at=timezone.now() - timedelta(seconds=600))
    lost = Job.objects.create(task=PING, status=JobStatus.SENT, sent_at=timezone.now() - timedelta(seconds=1000))
    jobs_watchdog()
    assert sent == [lost.pk] and fresh.pk not in sent


def test_stuck_groups_are_late_waiting_expired_or_failed_jobs(settings):
    settings.CASEWORKS_JOB_STUCK_SECONDS = 600
    old = timezone.now() - timedelta(seconds=700)
    Job.objects.create(task=PING, group="run:1", status=JobStatus.DONE)
    expire(Job.objects.create(task=PING, group="run:2"))
    Job.objects.create(task=PING, group="run:3", status=JobStatus.FAILED)
    waiting = Job.objects.create(task=PING, group="run:4", status=JobStatus.SENT)
    Job.objects.filter(pk=waiting.pk).update(created_at=old)
    Job.objects.create(task=PING, group="run:5", status=JobStatus.SENT)  # sent a moment ago: not late
    assert jobs_stuck() == {"run:2": 1, "run:3": 1, "run:4": 1}
    assert jobs_stuck(groups=["run:1", "run:2"]) == {"run:2": 1}


# --- configuration -------------------------------------------------------------------------------


def test_every_task_has_time_limits_under_the_broker_visibility_timeout():
    celery_app.loader.import_default_modules()
    tasks = {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}
    visibility = base.REDIS_TRANSPORT_OPTIONS["visibility_timeout"]
    hard = [task.time_limit for task in tasks.values()]
    assert all(
        task.soft_time_limit and task.time_limit and task.soft_time_limit < task.time_limit for task in tasks.values()
    )
    assert _task().retry_backoff_max == base.CASEWORKS_TASK_RETRY_BACKOFF_MAX
    largest = max([*hard, base.CASEWORKS_TASK_RETRY_BACKOFF_MAX])
    assert largest < visibility <= largest + 120  # just above, not hours beyond


def test_the_watchdog_is_scheduled_every_watchdog_period():
    from django_celery_beat.models import PeriodicTask

    from core.schedules import sync_schedules

    sync_schedules()
    task = PeriodicTask.objects.get(task="core.jobs_watchdog")
    assert (task.interval.every, task.interval.period) == (base.CASEWORKS_JOB_WATCHDOG_SECONDS, "seconds")
    assert task.crontab is None


# --- the other long jobs -------------------------------------------------------------------------


def test_an_announcement_taken_over_sends_what_the_dead_worker_left_sending(make_user):
    from django.core import mail

    from outreach import services as outreach
    from outreach.choices import DeliveryStatus
    from outreach.models import AnnouncementDelivery
    from tests.outreach.factories import AnnouncementFactory, ContactFactory

    ContactFactory(email="one@org.example")
    ContactFactory(email="two@org.example")
    announcement = AnnouncementFactory()
    outreach.announcement_publish(announcement=announcement, by=make_user("outreach"))
    job = Job.objects.get(key=f"announcement:{announcement.pk}")  # not dispatched: no commit in this test
    # the dead worker had claimed one delivery (maybe mailed, maybe not) and held the lease
    AnnouncementDelivery.objects.filter(email="one@org.example").update(status=DeliveryStatus.SENDING)
    expire(job)
    assert jobs_watchdog()["dispatched"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["one@org.example", "two@org.example"]  # at least once
    assert set(AnnouncementDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


def test_a_snapshot_sent_by_beat_runs_under_a_lease_keyed_by_its_task_id():
    from quality.models import Snapshot
    from quality.tasks import snapshot_task

    result = snapshot_task.delay("2026-11-30")
    snapshot = Snapshot.objects.get(taken_on="2026-11-30")
    job = Job.objects.get(key=f"celery:{result.id}")
    assert (job.task, job.args, job.status, job.attempts, job.result) == (
        "quality.tasks.snapshot_task",
        ["2026-11-30"],
        JobStatus.DONE,
        1,
        snapshot.pk,
    )


def test_a_bank_statement_upload_goes_through_the_outbox(client_as, broker_down, django_capture_on_commit_callbacks):
    from enforcement.models import BankStatement

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("enforcement_specialist").post(
            reverse("enforcement:bankstatement_upload"), {"file": SimpleUploadedFile("s.bai", b"01,x/\n")}
        )
    statement = BankStatement.objects.get()
    assert response.status_code == 302 and statement.status == "pending"
    assert Job.objects.get(key=f"enforcement.import_bank_statement:{statement.pk}").status == JobStatus.PENDING

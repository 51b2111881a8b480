"""Background work that nothing loses and nothing does twice: a transactional outbox and leases.

How a job travels (``core.models.Job``):

1. ``job_enqueue`` writes the row in the caller's transaction: the job exists if and only if the
   data it works on was committed. After the commit it is dispatched at once; when the broker is
   down the row stays ``pending`` and the user still gets the normal answer.
2. ``job_dispatch`` hands it to the broker (``sent``). The watchdog dispatches what is left
   ``pending`` as soon as the broker answers again.
3. The task calls ``run_leased``: ``lease_claim`` takes the job with a conditional update
   (``running``, ``claimed_by``, ``expires_at`` = now + ``CASEWORKS_JOB_LEASE_SECONDS``) and a
   heartbeat thread renews the lease while it runs; a second delivery of a job whose lease is
   alive, or that is done, does nothing.
4. A worker killed with ``kill -9`` stops renewing. ``jobs_watchdog`` (a beat task every
   ``CASEWORKS_JOB_WATCHDOG_SECONDS``) re-sends every job whose lease expired; the next worker
   claims the expired lease and runs the job again. The job's effect is idempotent (a
   conditional claim, a unique constraint or one transaction), so it happens exactly once.
5. A job the asking process runs itself (a partner's small file imported inside its API request)
   is written by ``job_enqueue_here`` already leased by that process and run by
   ``run_leased_here`` right after the commit: nothing goes through the broker, and should the
   process die, its lease expires and the watchdog hands the job to a worker as in 4.

Why a table of jobs and not a lease column on each model: accrual chunks, disbursement exports and
snapshots have no row of their own before they run, and one table lets one watchdog, one dispatcher
and one "stuck runs" figure serve every kind of job.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from .models import Job, JobStatus

log = logging.getLogger(__name__)

# Per-task limits (seconds): the soft limit raises SoftTimeLimitExceeded inside the task (recorded on
# the job), the hard one kills the pool process. The largest hard limit must stay at or below
# CELERY_TASK_TIME_LIMIT: the Redis visibility timeout is set just above that (config/settings/base.py).
LIMITS_FILE = {"soft_time_limit": 20 * 60, "time_limit": 25 * 60}  # payment file, bank statement
LIMITS_CHUNK = {"soft_time_limit": 10 * 60, "time_limit": 12 * 60}  # sweep and accrual chunks
LIMITS_RUN = {"soft_time_limit": 25 * 60, "time_limit": 30 * 60}  # export, announcement, snapshot


BROKER_DOWN_SECONDS = 5
_broker_down_until = 0.0  # per process: monotonic time before which a send is not even tried


def lease_seconds() -> int:
    return settings.CASEWORKS_JOB_LEASE_SECONDS


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


# --- the outbox ---------------------------------------------------------------------------------


def job_enqueue(
    *, task: str, args: Iterable[Any] = (), kwargs: dict | None = None, key: str | None = None, group: str = ""
) -> Job:
    """Write the job in the current transaction and dispatch it after the commit.

    With a ``key`` there is one job per key: enqueueing it again returns the existing job.
    """
    with transaction.atomic():
        job, created = _job_written(key=key, task=task, args=args, kwargs=kwargs, group=group[:100])
        if created:
            job_id = job.pk
            transaction.on_commit(lambda: job_dispatch(job_id=job_id))
    return job


def _job_written(
    *, key: str | None, task: str, args: Iterable[Any], kwargs: dict | None, **values: Any
) -> tuple[Job, bool]:
    """Write a job (the caller's transaction), or with a ``key`` already taken return its job as it
    is: (job, created)."""
    values.update(task=task, args=list(args), kwargs=kwargs or {})
    if key:
        return Job.objects.get_or_create(key=key[:200], defaults=values)
    return Job.objects.create(**values), True


def job_dispatch(*, job_id: int) -> bool:
    """Send the job to the broker; ``False`` (the row stays as it was, the error noted) when the
    broker cannot be reached. The watchdog sends it again later."""
    from celery import current_app

    job = Job.objects.filter(pk=job_id).only("task", "args", "kwargs", "status").first()
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        return False
    if job.task not in current_app.tasks:  # a web process imports the apps' tasks modules lazily
        current_app.loader.import_default_modules()
    task = current_app.tasks[job.task]
    options = {"args": job.args, "kwargs": {**job.kwargs, "job_id": job.pk}}
    if current_app.conf.task_always_eager:
        # Tests and single-process trials: the task runs here, its errors propagate as they would.
        Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.SENT, sent_at=timezone.now(), send_attempts=F("send_attempts") + 1
        )
        task.apply_async(**options)
        return True
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        Job.objects.filter(pk=job_id).update(
            send_attempts=F("send_attempts") + 1, send_error="not sent: the broker was unreachable a moment ago"
        )
        return False
    try:
        # No publish retries: a request must not hang on a dead broker (the watchdog retries).
        task.apply_async(retry=False, **options)
    except Exception as exc:  # noqa: BLE001 — any broker failure leaves the job for the watchdog
        log.warning("job %s not dispatched (broker unreachable?): %r", job_id, exc)
        # The Redis client tries for a few seconds before it gives up: later requests of this process
        # do not wait again for BROKER_DOWN_SECONDS.
        _broker_down_until = time.monotonic() + BROKER_DOWN_SECONDS
        Job.objects.filter(pk=job_id).update(send_attempts=F("send_attempts") + 1, send_error=repr(exc)[:500])
        return False
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(sent_at=now, send_attempts=F("send_attempts") + 1, send_error="")
    Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(status=JobStatus.SENT)
    return True


# --- the lease ----------------------------------------------------------------------------------


def lease_claim(*, job_id: int, worker: str) -> Job | None:
    """Take the job if nobody holds a live lease on it (a fresh job, or an expired lease: the
    worker that held it died). Returns the claimed job, or ``None`` (running elsewhere, or over)."""
    now = timezone.now()
    claimable = Q(status__in=[JobStatus.PENDING, JobStatus.SENT]) | Q(status=JobStatus.RUNNING, expires_at__lt=now)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING,
        claimed_by=worker[:200],
        claimed_at=now,
        heartbeat_at=now,
        expires_at=now + timedelta(seconds=lease_seconds()),
        attempts=F("attempts") + 1,
    )
    return Job.objects.get(pk=job_id) if claimed else None


def lease_heartbeat(*, job_id: int, worker: str) -> bool:
    """Renew the lease; ``False`` when this worker no longer holds it."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, claimed_by=worker).update(
            heartbeat_at=now, expires_at=now + timedelta(seconds=lease_seconds())
        )
    )


def lease_release(
    *, job_id: int, worker: str, status: str = JobStatus.DONE, result: Any = None, error: str = ""
) -> bool:
    """End this worker's lease: done, failed, or back to ``sent`` (a retry is on its way)."""
    values: dict[str, Any] = {"status": status, "expires_at": None, "error": error[-4000:]}
    if status in (JobStatus.DONE, JobStatus.FAILED):
        values.update(finished_at=timezone.now(), result=result)
    return bool(Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, claimed_by=worker).update(**values))


class Heartbeat:
    """A daemon thread renewing the lease every third of its length while the job runs.

    It uses its own database connection (Django's are per thread), so it commits even while the
    job holds a long transaction open.
    """

    def __init__(self, *, job_id: int, worker: str) -> None:
        self.job_id, self.worker = job_id, worker
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        interval = max(lease_seconds() / 3, 0.2)
        try:
            while not self._stop.wait(interval):
                try:
                    if not lease_heartbeat(job_id=self.job_id, worker=self.worker) and not self.lost:
                        self.lost = True
                        log.warning("job %s: lease lost by %s (taken over after expiry)", self.job_id, self.worker)
                except Exception:  # noqa: BLE001 — a missed beat is retried; the lease may expire
                    log.exception("job %s: heartbeat failed", self.job_id)
                    close_old_connections()
        finally:
            connection.close()


@dataclass(frozen=True)
class Lease:
    job_id: int | None
    worker: str
    takeover: bool  # a worker held this job before (it died or gave up): finish what it began


def _retried(task, exc: BaseException) -> bool:
    """Whether the task's autoretry will send it again (``CaseworksTask.autoretry_for``)."""
    return isinstance(exc, tuple(getattr(task, "autoretry_for", None) or ()))


def run_leased(*, task, job_id: int | None, fn: Callable[[Lease], Any], skipped: Any = None) -> Any:
    """Run ``fn`` under the job's lease (see the module docstring).

    ``task`` is the bound Celery task. A task sent without a job (by beat, or ``.delay()``) gets one
    keyed by its task id, so it is leased too; a plain function call (no task id) runs unleased.
    Returns ``skipped`` when the job is done or leased by a live worker.
    """
    worker = worker_name()
    if job_id is None:
        task_id = getattr(task.request, "id", None)
        if not task_id:
            return fn(Lease(job_id=None, worker=worker, takeover=False))
        request = task.request
        own, _ = Job.objects.get_or_create(
            key=f"celery:{task_id}"[:200],
            defaults={
                "task": task.name,
                "args": list(request.args or ()),
                "kwargs": dict(request.kwargs or {}),
                "status": JobStatus.SENT,
                "sent_at": timezone.now(),
            },
        )
        job_id = own.pk
    job = lease_claim(job_id=job_id, worker=worker)
    if job is None:
        log.info("job %s skipped: done or leased by a live worker", job_id)
        return skipped
    return _run_under_lease(task=task, job=job, worker=worker, fn=fn, given_back=JobStatus.SENT)


def _run_under_lease(
    *, task, job: Job, worker: str, fn: Callable[[Lease], Any], given_back: str, heartbeat: bool = True
) -> Any:
    """Run ``fn`` under the lease ``worker`` holds on ``job``, renewed by a heartbeat, and end the
    lease: done, failed, or — a transient error — ``given_back`` for another attempt."""
    job_id = job.pk
    try:
        with Heartbeat(job_id=job_id, worker=worker) if heartbeat else nullcontext():
            result = fn(Lease(job_id=job_id, worker=worker, takeover=job.attempts > 1))
    except BaseException as exc:
        if connection.needs_rollback:  # the caller's transaction is broken: it rolls the job back too
            raise
        if _retried(task, exc):  # sent again with the same job (the task's autoretry, or the watchdog)
            lease_release(job_id=job_id, worker=worker, status=given_back, error=repr(exc))
        else:
            lease_release(
                job_id=job_id,
                worker=worker,
                status=JobStatus.FAILED,
                error="".join(traceback.format_exception_only(exc)),
            )
        raise
    lease_release(job_id=job_id, worker=worker, result=_jsonable(result))
    return result


# --- a job run by the process that asked for it -------------------------------------------------


def job_enqueue_here(*, task: str, args: Iterable[Any] = (), kwargs: dict | None = None, key: str | None = None) -> Job:
    """Write a job in the caller's transaction already leased by this process, which runs it itself
    right after the commit (``run_leased_here``: a partner's small file imported inside its API
    request, the answer the import's report) instead of sending it to the broker.

    Nothing is dispatched on commit. Should the process die before the job is done (a web worker's
    timeout, an out-of-memory kill, a deploy), its lease expires like a killed worker's: the
    watchdog sends the job to a worker, which takes it over (``Lease.takeover``). With a ``key``
    already taken, the existing job is returned as it is (``run_leased_here`` then runs nothing).
    """
    now = timezone.now()
    with transaction.atomic():
        job, _ = _job_written(
            key=key,
            task=task,
            args=args,
            kwargs=kwargs,
            status=JobStatus.RUNNING,
            claimed_by=worker_name(),
            claimed_at=now,
            heartbeat_at=now,
            expires_at=now + timedelta(seconds=lease_seconds()),
            attempts=1,
        )
    return job


def run_leased_here(*, job: Job, fn: Callable[[Lease], Any], skipped: Any = None) -> Any:
    """Run a job ``job_enqueue_here`` wrote under the lease this process holds on it, as a worker
    would (heartbeat; done, or failed with the error); a transient error (the database gone a
    moment) gives the job back ``pending`` for the watchdog to send to a worker. Returns
    ``skipped`` when the lease is not this process's (another job under the key, or taken over)."""
    from celery import current_app

    worker = worker_name()
    if not Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, claimed_by=worker).exists():
        log.info("job %s not run here: it is not leased by %s", job.pk, worker)
        return skipped
    # Inside the caller's transaction (a command's, a test's) nobody else sees the job yet and a
    # death rolls it back with the file: no heartbeat (its connection would not find the row).
    if job.task not in current_app.tasks:  # a web process imports the apps' tasks modules lazily
        current_app.loader.import_default_modules()
    return _run_under_lease(
        task=current_app.tasks.get(job.task),
        job=job,
        worker=worker,
        fn=fn,
        given_back=JobStatus.PENDING,
        heartbeat=not connection.in_atomic_block,
    )


def row_claim(model: type[Model], *, pk: int, waiting: str, processing: str, resume: bool) -> bool:
    """Claim the row a leased job imports (a received file): a conditional update from ``waiting`` to
    ``processing`` (``started_at`` now) that one caller wins; a redelivered task finds it claimed.
    ``resume`` (the job's lease was taken over, ``Lease.takeover``) claims a row left ``processing``
    by a worker that died (its transaction rolled back with it) as well."""
    claimable = [waiting, processing] if resume else [waiting]
    return bool(
        model._default_manager.filter(pk=pk, status__in=claimable).update(status=processing, started_at=timezone.now())
    )


def row_still_claimed(model: type[Model], *, pk: int, processing: str) -> bool:
    """Inside the import's transaction, before its effect: lock the claimed row and check it is
    still ``processing``, so a worker that lost its lease while alive and the one that took over
    never both import: the second waits on the lock here, then finds the row finished."""
    return model._default_manager.select_for_update().filter(pk=pk, status=processing).exists()


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (dict, list, str, int, float, bool, type(None))) else str(value)


# --- the watchdog -------------------------------------------------------------------------------


def jobs_watchdog() -> dict[str, int]:
    """Send again every job that should be running and is not (beat, every few seconds to minutes):

    - ``pending`` for ``CASEWORKS_JOB_PENDING_GRACE_SECONDS``: its dispatch failed (the broker was
      down) or never happened;
    - ``running`` with an expired lease, not re-sent since it expired: its worker died;
    - ``sent`` and claimed by nobody for ``CASEWORKS_JOB_UNCLAIMED_SECONDS``: its message was lost
      (a broker restarted without persistence).
    A job claimed ``CASEWORKS_JOB_MAX_ATTEMPTS`` times without finishing is marked failed instead
    (it kills its worker every time: a person looks at it, and the run page offers "resume").
    """
    now = timezone.now()
    counts = {"dispatched": 0, "undelivered": 0, "expired": 0, "lost": 0, "failed": 0}
    expired = Q(status=JobStatus.RUNNING, expires_at__lt=now)
    counts["failed"] = Job.objects.filter(expired, attempts__gte=settings.CASEWORKS_JOB_MAX_ATTEMPTS).update(
        status=JobStatus.FAILED,
        finished_at=now,
        expires_at=None,
        error=f"gave up after {settings.CASEWORKS_JOB_MAX_ATTEMPTS} attempts (its worker never finished)",
    )
    stale = now - timedelta(seconds=settings.CASEWORKS_JOB_UNCLAIMED_SECONDS)
    kinds = (
        # (not one committed a moment ago: its own process is dispatching it right now)
        (
            "undelivered",
            Q(
                status=JobStatus.PENDING,
                created_at__lt=now - timedelta(seconds=settings.CASEWORKS_JOB_PENDING_GRACE_SECONDS),
            ),
        ),
        ("expired", expired & (Q(sent_at__isnull=True) | Q(sent_at__lt=F("expires_at")) | Q(sent_at__lt=stale))),
        ("lost", Q(status=JobStatus.SENT, sent_at__lt=stale)),
    )
    for name, condition in kinds:
        for job_id in Job.objects.filter(condition).order_by("pk").values_list("pk", flat=True)[:1000]:
            counts[name] += 1
            if job_dispatch(job_id=job_id):
                counts["dispatched"] += 1
            else:
                break  # the broker is down: the next round tries again
    if any(counts.values()):
        log.info("jobs watchdog: %s", counts)
    return counts


# --- runs made of jobs: stuck or not, and resuming them ---------------------------------------


def jobs_stuck(*, groups: Iterable[str] | None = None, prefix: str = "") -> dict[str, int]:
    """Groups (runs) with a job unfinished past ``CASEWORKS_JOB_STUCK_SECONDS`` — waiting, or
    running under an expired lease — or failed: group → number of such jobs."""
    from django.db.models import Count

    threshold = timezone.now() - timedelta(seconds=settings.CASEWORKS_JOB_STUCK_SECONDS)
    now = timezone.now()
    late = (
        Q(status__in=[JobStatus.PENDING, JobStatus.SENT], created_at__lt=threshold)
        | Q(status=JobStatus.RUNNING, expires_at__lt=now)
        | Q(status=JobStatus.FAILED)
    )
    qs = Job.objects.filter(late).exclude(group="")
    if groups is not None:
        qs = qs.filter(group__in=list(groups))
    if prefix:
        qs = qs.filter(group__startswith=prefix)
    return dict(qs.values_list("group").annotate(n=Count("pk")).values_list("group", "n"))


def job_group_resume(*, group: str) -> int:
    """Send again every unfinished job of a run (staff's "resume"): a failed job gets a fresh
    attempt count; a job running under a live lease is left to its worker. Returns jobs sent."""
    now = timezone.now()
    with transaction.atomic():
        Job.objects.filter(group=group, status=JobStatus.FAILED).update(
            status=JobStatus.PENDING, attempts=0, error="", finished_at=None
        )
        ids = list(
            Job.objects.filter(group=group)
            .filter(Q(status__in=[JobStatus.PENDING, JobStatus.SENT]) | Q(status=JobStatus.RUNNING, expires_at__lt=now))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return sum(1 for job_id in ids if job_dispatch(job_id=job_id))

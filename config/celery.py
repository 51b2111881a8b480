"""The Celery application. Tasks are discovered in every installed app's ``tasks.py``.

Every task inherits ``CaseworksTask``: transient failures (database or broker connection lost,
time-outs) are retried with exponential backoff and jitter, up to five times. Tasks are
acknowledged late and re-delivered if a worker dies (settings), so every task is idempotent.
"""

import os

from celery import Celery, Task, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerOperationalError

    return (OperationalError, InterfaceError, BrokerOperationalError, ConnectionError, TimeoutError)


class CaseworksTask(Task):
    retry_backoff = 5  # seconds, doubled each try
    retry_backoff_max = 600  # below the broker's visibility timeout
    retry_jitter = True
    max_retries = 5

    @property
    def autoretry_for(self):  # resolved lazily: Django must be set up first
        return _transient_errors()


app = Celery("caseworks", task_cls=CaseworksTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_process_init.connect  # each pool process (prefork), once it has started
@signals.worker_ready.connect  # the worker itself (solo and thread pools run tasks in it)
def _objects_frozen(**_kwargs) -> None:
    """A worker's start-up objects are frozen once Django is set up (``core.startup``)."""
    from core.startup import startup_freeze

    startup_freeze()

"""The Celery application. Tasks are discovered in every installed app's ``tasks.py``.

Every task inherits ``CaseworksTask``: transient failures (database or broker connection lost,
time-outs) are retried with exponential backoff and jitter, up to five times. Tasks are
acknowledged late and re-delivered if a worker dies (settings), so every task is idempotent.
"""

import os

from celery import Celery, Task

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

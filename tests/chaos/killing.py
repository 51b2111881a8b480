"""A Django process of the test's own, killed with -9 at a chosen point (as test_chaos.py kills a
worker): ``run_killed(code, mark)`` runs ``code`` in a subprocess against this test's PostgreSQL
database and SIGKILLs it once it called ``stop_here()`` (the point reached), e.g. a web process
dying inside a request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.chaos.test_chaos import ROOT, TIMEOUT, database_url

PRELUDE = """
import os, time, django
from pathlib import Path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
MARK = Path(os.environ["KILL_MARK"])
def stop_here(*args, **kwargs):
    MARK.write_text(str(os.getpid()))
    time.sleep(600)  # killed here
"""


def run_killed(code: str, mark: Path, *, timeout: float = TIMEOUT) -> str:
    """Run ``code`` (after ``PRELUDE``) and kill its process group with SIGKILL once it wrote
    ``mark``; its output is returned. Fails if it ends or takes ``timeout`` seconds without."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "KILL_MARK": str(mark),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    log = mark.with_suffix(".log")
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while not mark.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the process never reached its kill point:\n{log.read_text()[-4000:]}")
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=TIMEOUT)
    return log.read_text()

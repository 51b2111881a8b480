"""The environment the benches' Django test client runs in.

``django.test.utils.setup_test_environment`` is not used: it instruments every template render
(a signal that copies each context for the test client), which made a page of a few thousand
rendered values twice as slow as the same page served by the application. Only the test client's
host is allowed here, so the figures are those of the real request path.

The process freezes its start-up objects as a served one does (``config/wsgi.py``,
``core.startup.startup_freeze``): without it, every few requests paid a garbage collection that
scanned the whole loaded application; a served process's collections skip it.
"""

from __future__ import annotations


def client_environment() -> None:
    from django.conf import settings

    from core.startup import startup_freeze

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    startup_freeze()

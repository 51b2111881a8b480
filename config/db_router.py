"""Read replicas for reports and the partner API (issue 17.4; docs/operations.md).

``DATABASE_REPLICA_URL`` declares a streaming replica as the ``replica`` database alias. Reads go
there only inside ``replica_reads()`` — the partner API's GET requests
(``ReplicaReadsMiddleware``) and the report code that asks for it — never otherwise: a request
that writes and then reads its own write must read the primary (a replica lags by up to
``max_standby_streaming_delay``). Every write goes to the primary, including the audit and
request-log rows a replica-served GET records. With no replica configured everything is the
primary, unchanged.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reads_on_replica: ContextVar[bool] = ContextVar("caseworks_replica_reads", default=False)

# Paths whose GET requests read from the replica: the partner API (authenticated by key; a staff
# page reads its session and user, which a lagging replica may not hold yet right after sign-in:
# report code opts in with ``replica_reads()`` instead).
REPLICA_PREFIXES = ("/api/v1/",)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Send this block's reads to the replica (when one is configured)."""
    token = _reads_on_replica.set(True)
    try:
        yield
    finally:
        _reads_on_replica.reset(token)


class ReplicaRouter:
    """``db_for_read``: the replica inside ``replica_reads()`` when it is configured; otherwise no
    opinion (the primary). Writes, relations and migrations: the primary only."""

    def db_for_read(self, model, **hints):
        if _reads_on_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """GET/HEAD requests under ``REPLICA_PREFIXES`` read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(REPLICA_PREFIXES) and replica_configured():
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)

"""A transactional test's flush that restores post_migrate's rows instead of rebuilding them.

After each transactional test (the browser tests, the real-worker tests), Django flushes every table
and sends post_migrate, whose handlers rebuild from nothing the content types, the permissions, the
role groups (``accounts.roles``), the schedules (``core.schedules``), the legal parameters and the
other reference data (``core.reference_data``): 1.2 to 1.9 s of one core a test, on the worker that
also runs the browser tests (issue 18.1).

Those handlers write the same rows every time from the same code. So the first flush of a process
runs them as Django does and keeps what they wrote (every table then not empty); every later flush
empties the tables and writes those rows back as they were (one ``executemany`` a table, in one
transaction, sequences moved past them): what the test after it starts from is the same, in a few
tenths of a second. A test asking for ``available_apps``, ``serialized_rollback`` or
``reset_sequences`` gets Django's own flush.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.test import TransactionTestCase

_django_fixture_teardown = TransactionTestCase._fixture_teardown

# Per database alias: each table post_migrate fills, with its columns and rows.
_post_migrate_rows: dict[str, dict[str, tuple[list[str], list[tuple]]]] = {}


def _tables(connection) -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _read_rows(connection) -> dict[str, tuple[list[str], list[tuple]]]:
    found = {}
    with connection.cursor() as cursor:
        for table in _tables(connection):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = cursor.fetchall()
            if not rows:
                continue
            # (Django reads PostgreSQL's JSON as its text, and a text parameter is written back into
            # a jsonb column as it was.)
            found[table] = ([column[0] for column in cursor.description], rows)
    return found


def _write_back(connection, snapshot: dict[str, tuple[list[str], list[tuple]]], cursor) -> None:
    quote = connection.ops.quote_name
    by_table = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    for table, (columns, rows) in snapshot.items():
        names = ", ".join(quote(column) for column in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
    models = [by_table[table] for table in snapshot if table in by_table]
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(sql)


def _empty_and_write_back(connection, snapshot) -> None:
    """Every table emptied, then post_migrate's rows written back, in one transaction.

    On PostgreSQL only the tables holding rows are emptied, by ``DELETE`` with no trigger firing
    (``session_replication_role``: neither the foreign keys nor the ledger's append-only guards): a
    ``TRUNCATE`` of all 250 tables makes each a new file, 1 to 10 s on a busy machine. SQLite's
    flush already deletes (Django turns its foreign keys off meanwhile)."""
    quote = connection.ops.quote_name
    tables = _tables(connection)
    if connection.vendor != "postgresql":
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            _write_back(connection, snapshot, cursor)
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT FROM {quote(t)})" for i, t in enumerate(tables))
        )
        filled = [tables[i] for (i,) in cursor.fetchall()]
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in filled:
            cursor.execute(f"DELETE FROM {quote(table)}")
        _write_back(connection, snapshot, cursor)


def flush_keeping_post_migrate_rows(self: TransactionTestCase) -> None:
    if self.available_apps is not None or self.serialized_rollback or self.reset_sequences:
        return _django_fixture_teardown(self)
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        snapshot = _post_migrate_rows.get(alias)
        if snapshot is None:
            call_command("flush", verbosity=0, interactive=False, database=alias)
            _post_migrate_rows[alias] = _read_rows(connection)
            continue
        _empty_and_write_back(connection, snapshot)
    ContentType.objects.clear_cache()
    return None


def install() -> None:
    TransactionTestCase._fixture_teardown = flush_keeping_post_migrate_rows  # type: ignore[method-assign]

# ruff: noqa: S608  (SQL text is built only from table and column names; values are parameters)
"""Database helpers that are not a model's business."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone


def tables_analyze(*models) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Until autovacuum gets to it, a table filled inside the running transaction is planned as if it
    were nearly empty, and the set-based statements that follow a load (accrual, balance refresh)
    then pick nested loops that grow with the square of the rows. ``ANALYZE`` samples the rows this
    transaction wrote, so the next statement is planned for what is there. SQLite needs nothing.
    """
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def advisory_xact_lock(name: str) -> None:
    """Serialise a job's critical section across processes until the transaction ends
    (PostgreSQL ``pg_advisory_xact_lock``; SQLite has a single writer and needs nothing)."""
    if connection.vendor != "postgresql":
        return
    import zlib

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])


SQLITE_LOAD_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_load():
    """Settings for a block that writes hundreds of thousands of rows (the synthetic office).

    - No DEBUG query logging: with ``DEBUG`` on, Django formats every statement for
      ``connection.queries`` (on SQLite by quoting each parameter with a ``SELECT QUOTE(?)`` round
      trip), which costs more than running statements that carry tens of thousands of parameters.
      Statements still go through Django's cursor wrapper (errors translated, ``execute_wrapper``
      hooks applied); when a test captures queries (``force_debug_cursor``) nothing changes.
    - SQLite: a page cache of up to 256 MiB for the block (default 2 MiB), so that the indexes the
      load touches on every row stay in memory instead of being evicted and read back.
    """
    unlogged = (connection.queries_logged and not connection.force_debug_cursor
                and "make_debug_cursor" not in vars(connection))  # not already inside a bulk_load
    if unlogged:
        connection.make_debug_cursor = connection.make_cursor
    cache = None
    try:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
        yield
    finally:
        if cache is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        if unlogged:
            del connection.make_debug_cursor


# Field classes whose Python values the drivers take as they are (ids, str, int, bool, Decimal,
# date): ``rows_insert`` passes them through; any other field prepares its values (datetimes,
# JSON, encrypted columns...) with ``get_db_prep_save``, as ``bulk_create`` would.
_PLAIN_FIELDS = {
    models.CharField, models.TextField, models.EmailField, models.SlugField, models.DateField, models.DecimalField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.BooleanField, models.ForeignKey,
    models.OneToOneField,
}
SQLITE_PARAMS = 30000  # per statement (SQLite's default limit is 32,766 host parameters)
PG_ROWS = 50000


def rows_insert(model, fields: Sequence[str], rows: Sequence[Sequence], *,
                returning: Sequence[str] = ()) -> list[tuple]:
    """Insert ``rows`` (tuples of values for ``fields``, given by field name or attname) into
    ``model``'s table with a few multi-row statements, without model instances.

    Every other concrete column gets its default as ``bulk_create`` would give it (``auto_now``
    and ``auto_now_add`` columns: now). Like ``bulk_create`` it skips ``save()`` and signals, so a
    caller fills derived columns itself. Returns the ``returning`` columns of the inserted rows in
    the order of ``rows`` (the order ``INSERT ... RETURNING`` gives back, which ``bulk_create``
    relies on too). PostgreSQL: ``unnest`` of one array per column; SQLite: a ``VALUES`` list.
    """
    if not rows:
        return []
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    given_names = {f.name for f in given}
    now = timezone.now()
    constants = []
    for field in meta.concrete_fields:
        if field.name in given_names or (field.primary_key and isinstance(field, models.AutoField)):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or not field.null:
            value = field.get_default()
        else:
            value = None
        constants.append((field, field.get_db_prep_save(value, connection)))
    prepare = [None if type(f) in _PLAIN_FIELDS else f for f in given]
    if any(prepare):
        rows = [tuple(v if p is None else p.get_db_prep_save(v, connection) for p, v in zip(prepare, row, strict=True))
                for row in rows]
    table = connection.ops.quote_name(meta.db_table)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *(f for f, _ in constants)])
    names = ", ".join(f"c{i}" for i in range(len(given)))
    back = f" RETURNING {', '.join(quote(meta.get_field(n).column) for n in returning)}" if returning else ""
    out: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"CAST(%s AS {f.db_type(connection)}[])" for f in given)
            select = ", ".join([*(f"v.c{i}" for i in range(len(given))),
                                *(f"CAST(%s AS {f.db_type(connection)})" for f, _ in constants)])
            sql = f"INSERT INTO {table} ({columns}) SELECT {select} FROM unnest({arrays}) AS v({names}){back}"
            step = PG_ROWS
            for start in range(0, len(rows), step):
                chunk = rows[start:start + step]
                cursor.execute(sql, [*(v for _, v in constants), *(list(col) for col in zip(*chunk, strict=True))])
                if returning:
                    out += cursor.fetchall()
            return out
        select = ", ".join([*(f"c{i}" for i in range(len(given))), *("%s" for _ in constants)])
        row_sql = "(" + ", ".join(["%s"] * len(given)) + ")"
        step = max(1, SQLITE_PARAMS // max(1, len(given)))
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            cursor.execute(
                f"WITH v({names}) AS (VALUES {', '.join([row_sql] * len(chunk))})"
                f" INSERT INTO {table} ({columns}) SELECT {select} FROM v WHERE true{back}",
                [*(x for row in chunk for x in row), *(v for _, v in constants)],
            )
            if returning:
                out += cursor.fetchall()
    return out

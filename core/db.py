# ruff: noqa: S608  (SQL text is built only from table and column names; values are parameters)
"""Database helpers that are not a model's business."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, connections, models, router
from django.db.models.query import ValuesIterable
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


def foreign_keys_check_now() -> None:
    """Run the transaction's deferred foreign-key checks now instead of at commit (PostgreSQL).

    Called before a row that parallel workers share is updated: the row's lock is then held for
    the commit only, not for the checks of every row the transaction wrote. SQLite checks each
    statement as it runs (Django's SQLite ``check_constraints`` would scan whole tables).
    """
    if connection.vendor == "postgresql":
        connection.check_constraints()


def jit_off_in_transaction() -> None:
    """Turn PostgreSQL's JIT compilation off until the transaction ends (``SET LOCAL``).

    The nightly batches' statements are costed far above ``jit_above_cost`` (report queries over
    the office, set-based writes over a chunk of cases), so each is compiled with inlining and
    optimisation before it runs, and for these the compiling took longer than the running: at
    20,000 cases the measure snapshot took 4.6 s with JIT and 2.9 s without, an accrual chunk of
    10,000 cases about 1.3 CPU seconds and 0.8, the same rows. (The sweep's chunks showed no
    difference, so they keep the server's setting.) SQLite has no JIT.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


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
    unlogged = (
        connection.queries_logged and not connection.force_debug_cursor and "make_debug_cursor" not in vars(connection)
    )  # not already inside a bulk_load
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
    models.AutoField,  # ids given as ints (IdBlock)
    models.BigAutoField,
    models.SmallAutoField,
    models.CharField,
    models.TextField,
    models.EmailField,
    models.SlugField,
    models.DateField,
    models.DecimalField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.OneToOneField,
}


def _json_text(field: models.JSONField):
    """A JSON column's values as JSON text (both vendors take text for a JSON column)."""
    return lambda value: None if value is None else json.dumps(value, cls=field.encoder)


def _preparers(fields) -> list:
    """Per column, how its values become database values as ``bulk_create`` would prepare them
    (``None``: a plain column, the value as it is; JSON as text, both vendors take text)."""
    return [
        None
        if type(f) in _PLAIN_FIELDS
        else _json_text(f)
        if isinstance(f, models.JSONField)
        else partial(f.get_db_prep_save, connection=connection)
        for f in fields
    ]


def _prepared(fields, rows: Sequence[Sequence]) -> Sequence[Sequence]:
    """``rows`` with each column's values prepared, column by column (one call per value of only the
    columns that need it)."""
    prepare = _preparers(fields)
    if not any(prepare):
        return rows
    cols = [col if p is None else [p(v) for v in col] for p, col in zip(prepare, zip(*rows, strict=True), strict=True)]
    return list(zip(*cols, strict=True))


def pg_array(values: Sequence, *, quote: bool = True) -> str:
    """A PostgreSQL array literal (``{"a","b",NULL}``) of ``values``, for ``CAST(%s AS type[])``.

    Django binds parameters client-side, where psycopg writes a list element by element through
    a regular expression (for JSON text, one substitution per quote): at a hundred thousand rows
    that cost more than the statement. One string built here (a few C-level joins and replaces)
    is quoted once. ``quote=False`` for numbers and dates, whose text needs no quoting; otherwise
    each element is double-quoted with backslashes and quotes escaped. ``None`` is NULL.
    """
    if not values:
        return "{}"
    if any(value is None for value in values):
        items = ("NULL" if value is None else _array_item(value, quote) for value in values)
        return "{" + ",".join(items) + "}"
    if not quote:
        return "{" + ",".join(map(str, values)) + "}"
    # Text holds no NUL character (PostgreSQL refuses it), so it can separate the elements while
    # every element is escaped at once.
    text = "\x00".join(map(str, values)).replace("\\", "\\\\").replace('"', '\\"')
    return '{"' + text.replace("\x00", '","') + '"}'


def _array_item(value, quote: bool) -> str:
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' if quote else text


# Column types whose text form needs no quoting in an array literal.
_UNQUOTED_TYPES = ("bigint", "integer", "smallint", "numeric", "date", "boolean")


def pg_arrays(rows: Sequence[Sequence], types: Sequence[str]) -> list[str]:
    """One array literal per column of ``rows`` (``types``: each column's PostgreSQL type, as in
    ``CAST(%s AS type[])``), for ``unnest`` of a chunk of rows."""
    return [
        pg_array(col, quote=pg_type.split("(")[0] not in _UNQUOTED_TYPES)
        for col, pg_type in zip(zip(*rows, strict=True), types, strict=True)
    ]


def ids_in(ids: Sequence[int]):
    """The right-hand side of an ``__in`` lookup over many integer ids: ``filter(pk__in=ids_in(ids))``.

    Django writes a list as ``IN (%s, %s, ...)``, one placeholder per id, which psycopg then splits
    and binds one by one and PostgreSQL parses as as many constants: at 30,000 ids that took about
    a second whatever the table (on an empty one too), several times the lookup itself. On
    PostgreSQL the ids go as one array literal (``pg_array``) unnested in a subquery; elsewhere
    the list is returned as it is."""
    if connection.vendor != "postgresql":
        return list(ids)
    return models.expressions.RawSQL("SELECT unnest(CAST(%s AS bigint[]))", [pg_array(ids, quote=False)])


SQLITE_PARAMS = 30000  # per statement (SQLite's default limit is 32,766 host parameters)
PG_ROWS = 50000


_DB_TYPES: dict[tuple[str, models.Field], str] = {}


def _db_type(field: models.Field) -> str:
    """``field.db_type(connection)``, once per field and database vendor (a foreign key's type is
    worked out by building a field of its target's type: a dozen per statement otherwise)."""
    key = (connection.vendor, field)
    db_type = _DB_TYPES.get(key)
    if db_type is None:
        found = field.db_type(connection)
        if found is None:  # a relation without a column of its own (many-to-many)
            raise ValueError(f"{field} has no column to write")
        db_type = _DB_TYPES[key] = found
    return db_type


def _constant_columns(model, given: list, values: Mapping[str, object] | None) -> list[tuple]:
    """(field, prepared value) of every concrete column not in ``given``: from ``values``, else
    its default as ``bulk_create`` gives it (``auto_now``/``auto_now_add``: now)."""
    meta = model._meta
    fixed = {meta.get_field(name).name: value for name, value in (values or {}).items()}
    now = timezone.now()
    constants = []
    for field in _constant_fields(model, tuple(f.name for f in given)):
        if field.name in fixed:
            value = fixed[field.name]
            value = getattr(value, "pk", value) if field.is_relation else value
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() or not field.null:
            value = field.get_default()
        else:
            value = None
        constants.append((field, field.get_db_prep_save(value, connection)))
    return constants


@cache
def _constant_fields(model, given_names: tuple[str, ...]) -> tuple:
    """The concrete columns an insert of ``given_names`` fills with constants (not an auto key)."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.name not in given_names and not (field.primary_key and isinstance(field, models.AutoField))
    )


def insert_from_sql(
    model,
    fields: Sequence[str],
    source: str,
    *,
    values: Mapping[str, object] | None = None,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
) -> tuple[str, list]:
    """``(sql, params)`` of ``INSERT INTO model (fields, the other columns) SELECT source.c0, ..., their
    values FROM source``: ``source`` names a relation (a ``WITH`` query) with one column ``c<i>`` per
    name in ``fields``, in order; the other columns take ``values``, else their defaults as
    ``bulk_create`` gives them (``_constant_columns``). ``rows_insert`` writes through it, and a
    caller can chain inserts in one statement with it (data-modifying ``WITH`` queries, PostgreSQL)."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    constants = _constant_columns(model, given, values)
    sql = _insert_from_sql_text(
        model, tuple(f.name for f in given), source, tuple(returning), ignore_conflicts, connection.vendor
    )
    return sql, [v for _, v in constants]


@cache
def _insert_from_sql_text(
    model, given_names: tuple[str, ...], source: str, returning: tuple[str, ...], ignore_conflicts: bool, vendor: str
) -> str:
    """``insert_from_sql``'s statement, written once per shape (its parameters are its constants'
    values, in ``_constant_fields`` order)."""
    meta = model._meta
    given = [meta.get_field(name) for name in given_names]
    constants = _constant_fields(model, given_names)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *constants])
    # PostgreSQL types a parameter of a SELECT list as text: each constant is cast to its column.
    typed = (lambda f: f"CAST(%s AS {_db_type(f)})") if vendor == "postgresql" else (lambda f: "%s")
    select = ", ".join([*(f"{source}.c{i}" for i in range(len(given))), *(typed(f) for f in constants)])
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {select} FROM {source}"
        + (" WHERE true ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        + (f" RETURNING {', '.join(quote(meta.get_field(n).column) for n in returning)}" if returning else "")
    )


def rows_insert(
    model,
    fields: Sequence[str],
    rows: Sequence[Sequence],
    *,
    values: Mapping[str, object] | None = None,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
) -> list[tuple]:
    """Insert ``rows`` (tuples of values for ``fields``, given by field name or attname) into
    ``model``'s table with a few multi-row statements, without model instances.

    ``values`` gives columns one value for every row (``{"status": "proposed", "rule": rule}``);
    every other concrete column gets its default as ``bulk_create`` would give it (``auto_now``
    and ``auto_now_add`` columns: now). Like ``bulk_create`` it skips ``save()`` and signals, so a
    caller fills derived columns itself and records domain events for what it wrote. Returns the
    ``returning`` columns of the inserted rows in the order of ``rows`` (the order ``INSERT ...
    RETURNING`` gives back, which ``bulk_create`` relies on too). ``ignore_conflicts``: a row that
    violates a unique constraint is skipped (``ON CONFLICT DO NOTHING``) and not returned.
    PostgreSQL: ``unnest`` of one array per column; SQLite: a ``VALUES`` list.
    """
    if not rows:
        return []
    given = [model._meta.get_field(name) for name in fields]
    insert, constant_params = insert_from_sql(
        model, fields, "v", values=values, returning=returning, ignore_conflicts=ignore_conflicts
    )
    names = ", ".join(f"c{i}" for i in range(len(given)))
    if connection.vendor == "postgresql":
        step = PG_ROWS

        def statement(chunk):
            source, source_params = _pg_unnest(given, chunk)
            return f"WITH {source} {insert}", [*source_params, *constant_params]
    else:
        rows = _prepared(given, rows)
        row_sql = "(" + ", ".join(["%s"] * len(given)) + ")"
        step = max(1, SQLITE_PARAMS // max(1, len(given)))

        def statement(chunk):
            return (
                f"WITH v({names}) AS (VALUES {', '.join([row_sql] * len(chunk))}) {insert}",
                [*(x for row in chunk for x in row), *constant_params],
            )

    out: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            cursor.execute(*statement(rows[start : start + step]))
            if returning:
                out += cursor.fetchall()
    return out


def _pg_unnest(given: list, rows: Sequence[Sequence]) -> tuple[str, list]:
    """``v(c0, ...) AS (SELECT ... FROM ROWS FROM (...))``: the ``WITH`` query of ``rows`` (values as
    given, not prepared) of the ``given`` fields on PostgreSQL, and its parameters. A column is one
    array literal (``pg_array``) unnested; a JSON column with no null is one JSON document of its
    values (one ``json.dumps`` for the column, not one per value, and no array quoting of JSON text)
    unnested by ``jsonb_array_elements``: the same jsonb values (issue 17.3: the people list's
    sensitive-read rows). A JSON column with a null stays an array of JSON texts (a null is SQL
    NULL, as ``bulk_create`` writes it, not JSON ``null``)."""
    names = ", ".join(f"c{i}" for i in range(len(given)))
    prepare = _preparers(given)
    functions, columns, params = [], [], []
    for i, (field, col) in enumerate(zip(given, zip(*rows, strict=True), strict=True)):
        if isinstance(field, models.JSONField):
            if all(value is not None for value in col):
                functions.append("jsonb_array_elements(CAST(%s AS jsonb))")
                params.append(json.dumps(list(col), cls=field.encoder))
                columns.append(f"u.c{i}")
                continue
            pg_type, column = "text", f"CAST(u.c{i} AS jsonb)"  # JSON text cast per row
        else:
            pg_type, column = _db_type(field), f"u.c{i}"
        values = col if prepare[i] is None else [prepare[i](value) for value in col]
        functions.append(f"unnest(CAST(%s AS {pg_type}[]))")
        params.append(pg_array(values, quote=pg_type.split("(")[0] not in _UNQUOTED_TYPES))
        columns.append(column)
    source = f"SELECT {', '.join(columns)} FROM ROWS FROM ({', '.join(functions)}) AS u({names})"
    return f"v({names}) AS ({source})", params


def int_array(values: Sequence[int]) -> str:
    """A PostgreSQL array literal of whole numbers (``{1,2,3}``), for ``CAST(%s AS bigint[])``: one
    text parameter, not an array adapted value by value by the driver."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


def column_in_array(model: type[models.Model], field_name: str, values: object) -> models.expressions.RawSQL:
    """A filter ``<table>.<column> = ANY(CAST(%s AS <type>[]))`` with ``values`` as its one
    parameter (``values_prepared``'s marker, or an ``int_array`` text): the same statement for any
    number of values."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{field_name} is not a column of {model.__name__}")
    target: models.Field = getattr(field, "target_field", field)
    quote = connection.ops.quote_name
    column = quote(str(field.column))
    return models.expressions.RawSQL(  # noqa: S611 — no value in the text: the values are its one parameter
        f"{quote(model._meta.db_table)}.{column} = ANY(CAST(%s AS {target.db_type(connection)}[]))",
        (values,),
        output_field=models.BooleanField(),
    )


class PreparedValues(NamedTuple):
    """A ``.values()`` queryset compiled once (``values_prepared``): its SQL, its parameters, the
    parameters that hold the value given at each run (``slots``, none for a statement that never
    changes) and what ``.values()`` needs to name and convert the rows."""

    sql: str
    params: tuple
    slots: tuple[int, ...]
    names: tuple[str, ...]
    converters: dict
    compiler: Any  # compiled on the connection the statement is kept on, which it reads

    @property
    def alias(self) -> str:
        """The database it reads."""
        return self.compiler.using

    def params_with(self, value: object) -> list:
        params = list(self.params)
        for slot in self.slots:
            params[slot] = value
        return params

    def fetch(self, value: object = None) -> list[dict]:
        """Run with ``value`` in the slots: the rows as ``.values()`` gives them."""
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, self.params_with(value))
            return self.dicts(cursor.fetchall())

    def dicts(self, fetched: list) -> list[dict]:
        """The fetched rows as ``.values()`` gives them."""
        if self.converters:
            fetched = self.compiler.apply_converters(fetched, self.converters)
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in fetched]


class PreparedRead(NamedTuple):
    """A prepared ``.values()`` statement and the value for its slots (``rows_insert_reading``)."""

    prepared: PreparedValues
    value: object


# Kept on the connection (one per thread), not in a module-level mapping: a compiler refers to its
# connection, so a mapping would keep every thread's connection alive. Emptied when full: the
# shapes are few (lists, key scopes, page sizes) unless keys come and go.
_PREPARED_ATTRIBUTE = "caseworks_prepared_values"
_PREPARED_MAX = 512
_MARKER = object()  # the default marker: no other parameter is this object


def values_prepared(
    shape: Hashable,
    model: type[models.Model],
    build: Callable[[Any], models.QuerySet],
    *,
    marker: object = _MARKER,
) -> PreparedValues | None:
    """``build(marker)``'s statement (a ``.values()`` queryset of ``model``), compiled once per
    ``shape`` on the connection ``model`` is read from (issue 17.3: building and compiling a scoped
    queryset cost more than running it). ``marker`` stands for the value each run gives
    (``PreparedValues.fetch``): the parameters equal to it, of its type, are the places each run
    fills (``slots``). By default an object that must reach the SQL as a parameter of its own
    (``column_in_array``); a value the ORM converts on its way (a lookup's) must be a sentinel of
    the column's type that no other parameter equals (the cursor pages' positions). None: no
    value, the statement is the same at every run. ``shape`` must name everything else the
    statement depends on. None when the statement cannot be kept (it reads nothing, another
    database, or the marker reaches no parameter): the caller builds its queryset as before."""
    alias = router.db_for_read(model) or "default"
    database = connections[alias]
    kept: dict | None = getattr(database, _PREPARED_ATTRIBUTE, None)
    if kept is None:
        kept = {}
        setattr(database, _PREPARED_ATTRIBUTE, kept)
    prepared = kept.get(shape)
    if prepared is not None:
        return prepared
    queryset = build(marker)
    if not isinstance(queryset, models.QuerySet) or queryset._iterable_class is not ValuesIterable:
        raise TypeError("build must return a .values() queryset")
    if queryset.db != alias:
        return None
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    slots: tuple[int, ...] = ()
    if marker is not None:
        slots = tuple(i for i, param in enumerate(params) if type(param) is type(marker) and param == marker)
        if not slots:
            return None
    if compiler.has_extra_select or compiler.has_composite_fields(fields):
        return None
    query = queryset.query
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    prepared = PreparedValues(sql, tuple(params), slots, names, compiler.get_converters(fields), compiler)
    if len(kept) >= _PREPARED_MAX:
        kept.clear()
    kept[shape] = prepared
    return prepared


def rows_insert_reading(
    model, fields: Sequence[str], rows: Sequence[Sequence], *, values: Mapping[str, object] | None = None, read
) -> list[dict]:
    """``rows_insert(model, fields, rows, values=values)``, then ``list(read)`` (a ``.values()``
    queryset, or a ``PreparedRead``: a statement compiled once and its value), in one round trip
    where the database allows it.

    PostgreSQL: one statement, the INSERT a data-modifying ``WITH`` query of ``read``'s SELECT (it
    runs whether or not the SELECT refers to it, and both commit or fail together). Elsewhere, or
    when ``read`` goes to another database (a replica), the two statements one after the other.
    """
    if isinstance(read, PreparedRead):  # a statement compiled once (values_prepared), as kept
        alias, select, select_params = read.prepared.alias, read.prepared.sql, read.prepared.params_with(read.value)
        to_dicts = read.prepared.dicts
    elif isinstance(read, models.QuerySet) and read._iterable_class is ValuesIterable:
        alias = read.db
        compiler = read.query.get_compiler(using=alias)
        try:
            select, select_params = compiler.as_sql()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: nothing to read
            rows_insert(model, fields, rows, values=values)
            return []
        names = [*read.query.extra_select, *read.query.values_select, *read.query.annotation_select]

        def to_dicts(fetched: list) -> list[dict]:
            return [dict(zip(names, row, strict=True)) for row in compiler.results_iter(results=[fetched])]

    else:
        raise TypeError("read must be a .values() queryset or a PreparedRead")
    if not rows or connection.vendor != "postgresql" or alias != connection.alias or len(rows) > PG_ROWS:
        rows_insert(model, fields, rows, values=values)
        statement, params = select, list(select_params)  # read now, after the write
        database = connections[alias]
    else:
        given = [model._meta.get_field(name) for name in fields]
        insert, constant_params = insert_from_sql(model, fields, "v", values=values)
        source, source_params = _pg_unnest(given, rows)
        statement = f"WITH {source}, written AS ({insert}) {select}"
        params = [*source_params, *constant_params, *select_params]
        database = connection
    with database.cursor() as cursor:
        cursor.execute(statement, params)
        return to_dicts(cursor.fetchall())


def rows_update(model, fields: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Set ``fields`` of many rows, each to its own values, in a few statements: ``rows`` are
    ``(pk, value, ...)`` tuples. ``UPDATE ... FROM`` a relation of the new values (PostgreSQL:
    ``unnest`` of one array per column; SQLite 3.33+: ``VALUES``), where ``bulk_update`` builds a
    ``CASE WHEN pk = ...`` per row and column, whose construction cost more than the update at tens of
    thousands of rows. Like ``bulk_update`` it skips ``save()`` and signals (an ``auto_now`` column is
    set only if named). Returns the number of rows updated."""
    if not rows:
        return 0
    meta = model._meta
    given = [meta.pk, *(meta.get_field(name) for name in fields)]
    rows = _prepared(given, rows)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(f"c{i}" for i in range(len(given)))
    assignments = ", ".join(f"{quote(f.column)} = v.c{i}" for i, f in enumerate(given) if i)

    def update(source: str) -> str:
        return f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{quote(meta.pk.column)} = v.c0"

    if connection.vendor == "postgresql":
        types = ["text" if isinstance(f, models.JSONField) else _db_type(f) for f in given]
        arrays = ", ".join(f"CAST(%s AS {pg_type}[])" for pg_type in types)
        columns = ", ".join(
            f"CAST(u.c{i} AS jsonb)" if isinstance(f, models.JSONField) else f"u.c{i}" for i, f in enumerate(given)
        )
        sql = update(f"(SELECT {columns} FROM unnest({arrays}) AS u({names})) AS v({names})")
        step = PG_ROWS

        def statement(chunk):
            return sql, pg_arrays(chunk, types)
    else:
        # VALUES names its columns column1, column2, ...; the statement starts with UPDATE (not
        # WITH), so sqlite3 reports its rowcount.
        row_sql = "(" + ", ".join(["%s"] * len(given)) + ")"
        renamed = ", ".join(f"column{i + 1} AS c{i}" for i in range(len(given)))
        step = max(1, SQLITE_PARAMS // len(given))

        def statement(chunk):
            values = ", ".join([row_sql] * len(chunk))
            return update(f"(SELECT {renamed} FROM (VALUES {values})) AS v"), [x for row in chunk for x in row]

    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            cursor.execute(*statement(rows[start : start + step]))
            updated += cursor.rowcount
    return updated


LEDGER_WRITER_SETTING = "caseworks.ledger_writer"


def ledger_writer() -> None:
    """Declare that the running transaction may UPDATE or DELETE ledger entries.

    On PostgreSQL a trigger (cases migration ``ledger_entries_immutable``) refuses UPDATE and
    DELETE on ``cases_ledgerentry`` unless the transaction ran ``SET LOCAL caseworks.ledger_writer
    = 'on'``: only the ledger services and the bulk loaders call this, and a hand edit (admin,
    ``psql``, a stray ``.update()``) is refused. ``SET LOCAL`` ends with the transaction, so the
    permission never leaks to the next one on a pooled connection. Must run inside a transaction
    (``transaction.atomic``). SQLite has no triggers of this kind and needs nothing.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {LEDGER_WRITER_SETTING} = 'on'")


class IdBlock:
    """Primary keys handed out in Python for rows written later (``rows_copy``), so that rows of
    other tables can point at them before anything is written.

    PostgreSQL: blocks of ``size`` values taken from the table's sequence (``setval`` of
    ``nextval + size - 1`` in one statement; a block is never handed out twice, and the unused
    end of the last block is a gap, as a rolled-back insert leaves). SQLite (one writer): the
    values after the highest id in the table when the block is made.
    """

    def __init__(self, model, size: int = 50000):
        self.model, self.size = model, size
        self.next = self.stop = 0
        if connection.vendor != "postgresql":
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table}")
                self.next = cursor.fetchone()[0] + 1
            self.stop = 1 << 62

    def _refill(self) -> None:
        first = self.run(self.size)
        self.next, self.stop = first, first + self.size

    def run(self, size: int) -> int:
        """The first of ``size`` consecutive values handed out at once (PostgreSQL: a block of the
        sequence of its own; SQLite: the values after this block's)."""
        if connection.vendor != "postgresql":
            first = self.next
            self.next += size
            return first
        table, column = self.model._meta.db_table, self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s)",
                [table, column, table, column, size - 1],
            )
            last = cursor.fetchone()[0]
        return last - size + 1

    def __call__(self) -> int:
        if self.next >= self.stop:
            self._refill()
        value = self.next
        self.next += 1
        return value


def rows_copy(
    model, fields: Sequence[str], rows: Sequence[Sequence], *, values: Mapping[str, object] | None = None
) -> int:
    """Write ``rows`` (tuples of values for ``fields``) into ``model``'s table: PostgreSQL ``COPY
    ... FROM STDIN`` (psycopg 3 ``cursor.copy``, one row at a time through the driver's adapters:
    no statement text, no parameter arrays); SQLite: ``rows_insert``. Columns as ``rows_insert``
    gives them (``values`` for every row, else defaults; ``auto_now``: now); values of fields
    that are not plain (encrypted, JSON, datetimes) prepared as ``bulk_create`` would. Skips
    ``save()`` and signals. Returns the number of rows."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        rows_insert(model, fields, rows, values=values)
        return len(rows)
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    constants = _constant_columns(model, given, values)
    rows = _prepared(given, rows)  # column by column, only the columns that need it
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *(f for f, _ in constants)])
    tail = tuple(v for _, v in constants)  # prepared values (psycopg adapts a JSON wrapper too)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        if tail:
            for row in rows:
                copy.write_row((*row, *tail))
        else:
            for row in rows:
                copy.write_row(row)
    return len(rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(rows: Sequence[Sequence], tail: str = "") -> str:
    """``rows`` of plain values (str, int, Decimal, date, bool, None) in PostgreSQL's COPY text
    format, one line each with ``tail`` (``CopyLayout.tail``) appended. Pure: no connection, so a
    worker process can format rows and hand the parent text to write (``copy_write``). ``None``
    is ``\\N``; a string with a backslash or a control character is escaped; anything else is
    ``str(value)`` (PostgreSQL reads ``True``, ``2026-01-31``, ``-12.50``)."""
    escapes = _COPY_ESCAPES
    lines = [
        "\t".join(
            [
                "\\N"
                if v is None
                else (v if v.isprintable() and "\\" not in v else v.translate(escapes))
                if isinstance(v, str)
                else str(v)
                for v in row
            ]
        )
        + tail
        for row in rows
    ]
    lines.append("")
    return "\n".join(lines) if len(lines) > 1 else ""


@dataclass(frozen=True)
class CopyLayout:
    """A ``COPY`` of ``fields`` into a table, the other columns as ``rows_copy`` fills them:
    ``tail`` is their text (tab-led), appended to each line by ``copy_text``."""

    statement: str
    tail: str


def copy_layout(model, fields: Sequence[str], *, values: Mapping[str, object] | None = None) -> CopyLayout:
    """The ``COPY`` statement and constant tail for rows of ``fields`` (PostgreSQL; plain fields only:
    values of other fields are not prepared)."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    if any(_preparers(given)):
        raise ValueError(f"copy_layout takes plain fields only: {fields}")
    constants = _constant_columns(model, given, values)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *(f for f, _ in constants)])
    tail = copy_text([tuple(v for _, v in constants)])[:-1] if constants else ""
    return CopyLayout(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", f"\t{tail}" if constants else "")


def copy_write(layout: CopyLayout, text: str) -> None:
    """Write ``copy_text`` output with ``layout``'s statement (PostgreSQL)."""
    if not text:
        return
    with connection.cursor() as cursor, cursor.cursor.copy(layout.statement) as copy:
        copy.write(text)


REBUILD_SORT_MEMORY = "512MB"  # maintenance_work_mem while indexes_rebuilt builds them again


@contextmanager
def indexes_rebuilt(*models, enabled: bool = True):
    """Drop the secondary indexes, unique and foreign-key constraints of ``models``' tables for
    the block (a bulk load), then build them again from their own definitions
    (``pg_get_indexdef`` / ``pg_get_constraintdef``) and ``ANALYZE``.

    Building an index once over the loaded rows costs a fraction of maintaining it row by row,
    and a foreign key added after the load is checked by one join instead of one trigger event
    per row queued until commit. The primary keys, check constraints and triggers stay. Runs
    inside the caller's transaction: on an error nothing is dropped. PostgreSQL only (SQLite: no
    change; its offices are small)."""
    if connection.vendor != "postgresql" or not enabled or not models:
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " WHERE c.conrelid = ANY(CAST(%s AS regclass[])) AND c.contype IN ('f', 'u') ORDER BY c.contype DESC",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = ANY(CAST(%s AS regclass[])) AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Sort memory for the builds, this transaction only (64 MB by default: 3.2 M ledger
        # entries' (case, posted_on) index took 1.7–1.9 s with it, 1.55–1.58 s with 512 MB, whose
        # room also lets PostgreSQL give a build its parallel workers).
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{REBUILD_SORT_MEMORY}'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in reversed(constraints):  # unique before foreign keys
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    tables_analyze(*models)

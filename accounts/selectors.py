"""Accounts reads (selectors)."""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]  # not in the stubs
from django.db.models.sql.compiler import SQLCompiler

from .choices import Role
from .models import ApiKey, User


class _CompiledLookup(NamedTuple):
    sql: str
    compiler: SQLCompiler
    init_list: list[str]
    fields: slice
    populators: list
    shape: str


# The compiled lookup is kept on its connection (one per thread), not in a module-level mapping:
# the compiler refers to its connection, so a mapping would keep every thread's connection alive.
_LOOKUP_ATTRIBUTE = "caseworks_api_key_lookup"


def api_key_by_prefix(*, prefix: str) -> ApiKey | None:
    """The key whose prefix is ``prefix``, with its agency, read from the database on every call.

    Never cached here (``accounts.key_cache`` keeps what this reads in the shared cache when the
    office turns it on): a revoked or expired key, or a deactivated agency, stops working at the
    next request. What is kept is the statement: the ORM compiled ``ApiKey.objects.select_related
    ("agency").filter(prefix=...)`` on every request of the partner API, which cost three times the
    lookup's round trip (issue 17.3); here it is compiled once per connection and each call runs it
    and builds the two instances as the ORM's own iterator does (same converters, same
    ``from_db``). Reads the primary database, never a replica.
    """
    row = api_key_row(prefix=prefix)
    return None if row is None else api_key_from_row(row)


def api_key_row(*, prefix: str) -> tuple | None:
    """The lookup's row for ``prefix`` as the database driver returned it (no converter applied:
    plain values a cache can keep), or None when no key has that prefix."""
    connection, lookup = _lookup()
    with connection.cursor() as cursor:
        cursor.execute(lookup.sql, [prefix])
        rows = cursor.fetchall()
    return tuple(rows[0]) if len(rows) == 1 else None  # the prefix is unique: none, or (never) more


def api_key_from_row(row: tuple) -> ApiKey:
    """The key and its agency from a row of ``api_key_row``, as the ORM's iterator builds them."""
    connection, lookup = _lookup()
    converted = next(iter(lookup.compiler.results_iter(results=[[row]])))
    key = ApiKey.from_db(connection.alias, lookup.init_list, converted[lookup.fields])
    for populator in lookup.populators:
        populator.populate(converted, key)
    return key


def api_key_row_shape() -> str:
    """Names the lookup's columns and types: a cached row is used only by code of the same shape."""
    return _lookup()[1].shape


def _lookup() -> tuple[BaseDatabaseWrapper, _CompiledLookup]:
    # The primary, even for a GET the router sends to a replica (config/db_router.py): a
    # revocation must not wait for the replica to catch up.
    alias = router.db_for_write(ApiKey) or "default"
    connection = connections[alias]
    lookup: _CompiledLookup | None = getattr(connection, _LOOKUP_ATTRIBUTE, None)
    if lookup is None:
        lookup = _compiled_lookup(connection, alias)
        setattr(connection, _LOOKUP_ATTRIBUTE, lookup)
    return connection, lookup


def _compiled_lookup(connection: BaseDatabaseWrapper, alias: str) -> _CompiledLookup:
    queryset = ApiKey.objects.select_related("agency").filter(prefix="").order_by()
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()  # also fills compiler.select and compiler.klass_info
    if list(params) != [""]:
        raise RuntimeError(f"The API key lookup should take the prefix as its only parameter, not {params!r}.")
    klass_info: dict[str, Any] = compiler.klass_info or {}
    select_fields = klass_info["select_fields"]
    fields = slice(select_fields[0], select_fields[-1] + 1)
    init_list = [column[0].target.attname for column in compiler.select[fields]]
    populators = get_related_populators(klass_info, compiler.select, alias)
    shape = hashlib.sha256(f"{connection.vendor}:{sql}".encode()).hexdigest()[:16]
    return _CompiledLookup(sql, compiler, init_list, fields, populators, shape)


def staff_users():
    """Active users holding an office role, whom work may be given to or who may act for the office
    (an assignee, a presenter, a spokesperson): never an API-only partner user, whose account has no
    pages, nor an account with no role yet. Unordered: each list orders it as it shows it."""
    # Excludes across a many-valued relation are subqueries: no join, no duplicate rows to remove.
    return User.objects.filter(is_active=True).exclude(groups=None).exclude(groups__name=Role.PARTNER_AGENCY)

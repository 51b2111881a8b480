"""Partner keys kept in the shared cache, so that an API request makes no database round trip to
authenticate (issue 17.3).

Off unless ``CASEWORKS_API_KEY_CACHE_SECONDS`` is set (then every request reads its key from the
database, as before). On, the key's row is kept in the default cache (Redis in production:
``CACHE_URL``) for that many seconds, and:

- **revocation stays immediate.** Every change of a key or of its agency through the ORM (``save``,
  ``delete``, a queryset's ``update`` or ``delete``; the admin's revoke action and deactivation
  included) first replaces the cached entries of the keys concerned by a *tombstone* (if the cache
  cannot be written, the change fails: it is never made behind a live entry), and again once its
  transaction commits. A request that finds a tombstone reads the database and does not cache
  what it read; an entry is only ever added where there is none (``cache.add``), so a request that
  read the row just before a revocation cannot put it back over the tombstone. Expiry is checked on
  every request (``ApiKey.is_usable``), as before. Only a change made in SQL outside Django waits up to
  the cache's seconds;
- **the rate limit costs no round trip of its own.** With Redis, the request is counted against
  the key's window by the script that reads the key's entry (``accounts.rate_limit``: one round
  trip, atomic); with another cache, the key's entry and its rate history
  (``accounts.api.throttling``) are read in one ``get_many``.

The cache holds a key's row as the lookup reads it: its digest (SHA-256 of the key), never the key.

The cache must be shared by every process that serves the API or changes keys: the system check
``accounts.W004`` warns when it is on with a per-process cache (``locmemcache://``), where a
revocation in one process would not reach another.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from . import rate_limit
from .models import ApiKey
from .selectors import api_key_from_row, api_key_row, api_key_row_shape

TOMBSTONE = "changed"
THROTTLE_SCOPE = "api_key"  # ApiKeyRateThrottle's, and its rate's name in DEFAULT_THROTTLE_RATES


def enabled() -> bool:
    return settings.CASEWORKS_API_KEY_CACHE_SECONDS > 0


def entry_key(prefix: str) -> str:
    # The row's shape is in the key: a release whose lookup reads other columns never reads the
    # rows an older one cached.
    return f"caseworks:api-key:{api_key_row_shape()}:{prefix}"


def throttle_key(prefix: str) -> str:
    """The rate history's cache key for the key with this prefix (unique, like the key's id): DRF's
    ``SimpleRateThrottle.cache_format`` for ``ApiKeyRateThrottle``'s scope (DRF stays in ``api/``)."""
    return f"throttle_{THROTTLE_SCOPE}_{prefix}"


def api_key_for_request(prefix: str, rate: tuple[int, int] | None = None) -> tuple[ApiKey | None, Any]:
    """The key for ``prefix`` (None: no such key) and what the rate limit needs of the request.

    With Redis as the cache and a ``rate`` (``(limit, duration)``, the key's throttle's), the
    request is counted against the key's window in the same round trip as its entry is read
    (``accounts.rate_limit``): the second item is the ``RateCount``, and the caller refunds it
    (``rate_limit.refund``) when the key turns out not to be valid. Otherwise, with the key cache
    on, the second item is what the cache holds for the key's rate history
    (``{throttle_key(prefix): history or None}``), read in the same ``get_many``; with it off,
    ``None``: the throttle reads its history itself."""
    redis = rate_limit.redis_cache() if rate is not None else None
    if redis is not None and rate is not None:
        stored, counted = rate_limit.count(
            redis, throttle_key(prefix), *rate, entry=entry_key(prefix) if enabled() else None
        )
        if not enabled():
            row = api_key_row(prefix=prefix)
            return (None if row is None else api_key_from_row(row)), counted
        known = _keys_stored.get(stored) if stored is not None else None
        if known is not None:
            return known, counted
        entry = None if stored is None else rate_limit.loads(redis, stored)
        key = _key_from_entry(prefix, entry)
        if key is not None and isinstance(entry, tuple):
            if len(_keys_stored) >= _KEYS_STORED_MAX:
                _keys_stored.clear()
            _keys_stored[stored] = key
        return key, counted
    if not enabled():
        row = api_key_row(prefix=prefix)
        return (None if row is None else api_key_from_row(row)), None
    key_name, history_name = entry_key(prefix), throttle_key(prefix)
    found = cache.get_many([key_name, history_name])
    history = {history_name: found.get(history_name)}  # None: the cache holds no history yet
    return _key_from_entry(prefix, found.get(key_name)), history


# The key built from each cache entry this process read (by the entry's bytes: the same row of the
# same shape is the same key): a request whose entry is unchanged reuses it instead of unpickling the
# row and building the key and its agency again. Keys are only read by a request (scopes, counties,
# expiry checked each time by ``is_usable``); a changed key is another entry (or a tombstone).
_keys_stored: dict[bytes, ApiKey] = {}
_KEYS_STORED_MAX = 256


def _key_from_entry(prefix: str, entry: Any) -> ApiKey | None:
    """The key from its cache entry (a row), or from the database when the cache holds none or a
    tombstone; the row read is cached only where there is no entry."""
    if isinstance(entry, tuple):
        return api_key_from_row(entry)
    row = api_key_row(prefix=prefix)
    if row is None:
        return None  # an unknown prefix is not cached: nothing to revoke, nothing to keep
    if entry is None:  # not after a tombstone: the change it marks may not be committed yet
        cache.add(entry_key(prefix), row, settings.CASEWORKS_API_KEY_CACHE_SECONDS)
    return api_key_from_row(row)


def forget(prefixes: Iterable[str]) -> None:
    """Tombstones for these keys' entries: now, before the change is made (a cache that cannot be
    written raises, so the change is refused rather than left behind a live entry), and again once
    the current transaction commits (for a transaction that outlasts the tombstone)."""
    if not enabled():
        return  # before ``prefixes`` is read: it may be a query
    names = {entry_key(prefix): TOMBSTONE for prefix in prefixes}
    if not names:
        return
    seconds = settings.CASEWORKS_API_KEY_CACHE_SECONDS

    def write() -> None:
        cache.set_many(names, seconds)

    write()
    transaction.on_commit(write, robust=True)


def forget_agencies(agency_ids: Iterable[int]) -> None:
    forget(ApiKey.objects.filter(agency_id__in=agency_ids).values_list("prefix", flat=True))


def key_changing(sender, instance: ApiKey, update_fields=None, **kwargs) -> None:
    """pre_save and pre_delete of a key (connected in AccountsConfig.ready). A new key has no
    entry to replace; the minute's ``last_used_at`` mark changes nothing the cache decides on."""
    if instance._state.adding or (update_fields is not None and set(update_fields) <= {"last_used_at"}):
        return
    forget([instance.prefix])


def agency_changing(sender, instance, **kwargs) -> None:
    """pre_save of an agency (deleting one deletes its keys, each with its own pre_delete)."""
    if not instance._state.adding:
        forget_agencies([instance.pk])

"""The partner keys' rate limit counted in Redis, in one round trip with the key's read (issue 17.3).

DRF's cache throttle reads a key's history (a timestamp per request of the window), changes it in
the process and writes it back: two round trips, the whole history carried both ways on every
request, and two requests of the same key served at once by two processes both read the same
history and the second write loses the first's timestamp (a lost update: the key gets more than
its rate). With Redis as the default cache, the window is kept by Redis instead: a sorted set of
the window's requests (score: the Redis server's clock), trimmed, counted and — when the request
is allowed — added to by one Lua script, which Redis runs atomically. No request is lost however
many processes serve the key at once, the processes' clocks do not matter, and each request sends
and receives a few bytes whatever the rate.

The same script reads the key's cached entry (``accounts.key_cache``) when asked, so that
authenticating a request and counting it cost one round trip between them. The window's
semantics are DRF's ``SimpleRateThrottle``'s: a request is allowed while fewer than ``limit``
requests were allowed in the last ``duration`` seconds; a refused request is not added; the wait
(``Retry-After``) is DRF's formula over the window. A request counted before its key turned out
invalid (unknown prefix, wrong secret, revoked) is taken out again (``refund``): a wrong secret
never spends a real key's requests.

Without Redis (the SQLite default's ``locmemcache://``, a dummy cache) ``redis_cache()`` is None
and the throttle keeps DRF's history in the cache (``accounts.api.throttling``).
"""

from __future__ import annotations

import itertools
import os
from typing import Any, NamedTuple

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, NoScriptError, TimeoutError

# KEYS[1]: the window (a sorted set); KEYS[2], when given: a cache entry to read (GET) in the same call.
# ARGV: limit, duration in seconds, this request's member (unique). Returns the entry (or nil),
# 1 when allowed (else 0), the requests in the window (this one included when allowed), the server's
# time and, when refused, the score of the window's oldest request (for the wait; both as text: Lua
# numbers come back as integers).
_SCRIPT = """
local entry = false
if KEYS[2] then entry = redis.call('GET', KEYS[2]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local limit, duration = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(duration * 1000))
  count = count + 1
  allowed = 1
end
local oldest = ''
if allowed == 0 then oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or '' end
return {entry, allowed, count, string.format('%.6f', now), oldest}
"""


class RateCount(NamedTuple):
    """One request's count against a window (what ``SimpleRateThrottle`` would have decided)."""

    name: str  # the window's cache key (the throttle's ``get_cache_key``)
    limit: int
    duration: int
    allowed: bool
    requests: int  # the window's requests after this one (it included when allowed)
    now: float  # the Redis server's time of the count
    oldest: float | None  # a refused request's window's oldest request (None when allowed: no wait asked)
    member: str  # this request's entry in the window (``refund`` removes it)

    def wait(self) -> float | None:
        """DRF's ``SimpleRateThrottle.wait`` over this window: seconds to the next request."""
        remaining = self.duration - (self.now - self.oldest) if self.oldest is not None else self.duration
        available = self.limit - self.requests + 1
        return None if available <= 0 else remaining / float(available)


class _Script:
    sha = ""


_script = _Script()
_member_pid = 0
_member_token = ""
_member_sequence = itertools.count()


def _member() -> str:
    """Unique among every process counting in the same Redis: a random token per process (renewed
    in a forked child, which would otherwise repeat its parent's) and a sequence number."""
    global _member_pid, _member_token
    pid = os.getpid()
    if pid != _member_pid:
        _member_pid, _member_token = pid, os.urandom(6).hex()
    return f"{_member_token}{next(_member_sequence)}"


def window_key(name: str) -> str:
    """The cache key of the window counted for ``name`` (the throttle's key): a name of its own, so
    that a sorted set never meets the pickled history an older release (or DRF's throttle, during a
    rolling deploy) keeps under ``name`` itself (Redis would answer WRONGTYPE)."""
    return f"{name}:window"


def redis_cache() -> RedisCache | None:
    """The default cache when it is Django's Redis cache (None otherwise: locmem, dummy...)."""
    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def count(
    backend: RedisCache, name: str, limit: int, duration: int, *, entry: str | None = None
) -> tuple[Any, RateCount]:
    """Count a request against the window of ``name`` (``window_key``; ``limit`` requests in ``duration`` seconds)
    and, when ``entry`` names a cache entry, read it in the same round trip: ``(the entry as
    stored — bytes for ``loads`` — or None, the count)``."""
    keys = [_full_name(backend, window_key(name))]
    if entry is not None:
        keys.append(_full_name(backend, entry))
    member = _member()
    client = _client(backend, keys[0])
    args = (*keys, limit, duration, member)
    if not _script.sha:
        _script.sha = client.script_load(_SCRIPT)
    try:
        found, allowed, counted, now, oldest = _call(client, "EVALSHA", _script.sha, len(keys), *args)
    except NoScriptError:  # the server restarted or was flushed: load the script again
        _script.sha = client.script_load(_SCRIPT)
        found, allowed, counted, now, oldest = _call(client, "EVALSHA", _script.sha, len(keys), *args)
    return found, RateCount(
        name, limit, duration, bool(allowed), int(counted), float(now), float(oldest) if oldest else None, member
    )


def loads(backend: RedisCache, stored: bytes) -> Any:
    """A cache entry's value from the bytes ``count`` read (the cache's own serializer)."""
    return backend._cache._serializer.loads(stored)  # type: ignore[attr-defined]


def refund(backend: RedisCache, counted: RateCount) -> None:
    """Take a request counted by ``count`` out of its window again (its key was not valid)."""
    if counted.allowed:
        name = _full_name(backend, window_key(counted.name))
        _client(backend, name).zrem(name, counted.member)


def _call(client, *command):
    """``client.execute_command(*command)`` on one of its pool's connections, without redis-py's
    per-command wrapping (retry object, timing and observability hooks: most of a local round
    trip's CPU, issue 17.3). A broken connection is dropped and the command sent once more on a
    fresh one, as redis-py's default retry would; a Redis error (``NOSCRIPT``) is raised as is."""
    pool = client.connection_pool
    for attempt in (1, 2):
        connection = pool.get_connection()
        try:
            connection.send_command(*command)
            return connection.read_response()
        except (ConnectionError, TimeoutError):
            connection.disconnect()
            if attempt == 2:
                raise
        finally:
            pool.release(connection)
    raise AssertionError("unreachable")


_full_names: dict[tuple, str] = {}


def _full_name(backend: RedisCache, name: str) -> str:
    """``backend.make_and_validate_key(name)``, worked out once per name and key settings (prefix,
    version, key function: what ``make_key`` reads)."""
    known = (backend.key_prefix, backend.version, backend.key_func, name)
    found = _full_names.get(known)
    if found is None:
        if len(_full_names) >= 4096:
            _full_names.clear()
        found = _full_names[known] = backend.make_and_validate_key(name)
    return found


def _client(backend: RedisCache, name: str):
    """The Redis client Django's cache writes ``name`` with (its primary)."""
    return backend._cache.get_client(name, write=True)  # type: ignore[attr-defined]  # Django's own, untyped

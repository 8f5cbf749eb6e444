"""The shared cache (Redis) as a help, never as a single point of failure.

Django's RedisCache raises when Redis cannot be reached, and the landing, free-times and booking
pages read the cache first: an unreachable Redis would make them error pages while the bookings
themselves, in PostgreSQL, are fine. This backend treats an unreachable Redis as an empty cache
that keeps nothing: reads miss, writes are dropped, a counter is "not there" (`incr` raises
ValueError, as for a missing key; with RATELIMIT_FAIL_OPEN the rate limits then let requests
through). Each failure is logged. Pages are rendered afresh meanwhile; those cached before the
outage expire by their own timeouts (10 minutes), so a version bump lost in the outage cannot
keep an old page for long.
"""

import functools
import logging
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _or_else(name: str, unreachable: Callable) -> Callable:
    """RedisCache's method `name`; with Redis unreachable, logged and `unreachable(...)` instead,
    called with the same arguments."""
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def resilient(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Redis unreachable, cache %s skipped: %s", name, error)
            return unreachable(*args, **kwargs)

    return resilient


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (Redis unreachable)")


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class ResilientRedisCache(RedisCache):
    get = _or_else("get", lambda key, default=None, version=None: default)
    get_many = _or_else("get_many", lambda *args, **kwargs: {})
    has_key = _or_else("has_key", _false)
    set = _or_else("set", _nothing)
    set_many = _or_else("set_many", lambda data, *args, **kwargs: list(data))  # none stored
    add = _or_else("add", _false)
    incr = _or_else("incr", _missing)
    touch = _or_else("touch", _false)
    delete = _or_else("delete", _false)
    delete_many = _or_else("delete_many", _nothing)

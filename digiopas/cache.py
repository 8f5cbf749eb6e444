"""The shared cache: Redis as a help, never as a single point of failure; the database by default.

Django's RedisCache raises when Redis cannot be reached, and the landing, free-times and booking
pages read the cache first: an unreachable Redis would make them error pages while the bookings
themselves, in PostgreSQL, are fine. This backend treats an unreachable Redis as an empty cache
that keeps nothing: reads miss, writes are dropped, a counter is "not there" (`incr` raises
ValueError, as for a missing key; with RATELIMIT_FAIL_OPEN the rate limits then let requests
through). Each failure is logged. Pages are rendered afresh meanwhile; those cached before the
outage expire by their own timeouts (10 minutes), so a version bump lost in the outage cannot
keep an old page for long.

Without Redis the cache is a table in the database (`DatabaseCache`), which every process and
app server shares: a time booked in one gunicorn worker, or held by the cron job, is gone from
the next page any other serves, and rate limits are counted together.
"""

import base64
import functools
import logging
import pickle
from collections.abc import Callable

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.utils import timezone
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


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with a counter that works as Redis's does.

    Django's `incr` reads the value and sets it again with the default timeout (5 minutes), in
    two steps: a rate-limit counter meant to last its hour would vanish 5 minutes after the last
    attempt, and two workers counting at once would both write the same number. This one keeps
    the entry's expiry and counts under the row's lock.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key, value = quote(self._table), quote("cache_key"), quote("value")
        expires = quote("expires")
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # A write first, on SQLite too: it takes the lock before the read.
            cursor.execute(
                f"UPDATE {table} SET {expires} = {expires} "
                f"WHERE {cache_key} = %s AND {expires} >= %s",
                [key, now],
            )
            if cursor.rowcount != 1:
                raise ValueError(f"Key '{key}' not found")
            cursor.execute(f"SELECT {value} FROM {table} WHERE {cache_key} = %s", [key])
            stored = connection.ops.process_clob(cursor.fetchone()[0])
            new_value = pickle.loads(base64.b64decode(stored.encode())) + delta
            pickled = pickle.dumps(new_value, self.pickle_protocol)
            cursor.execute(
                f"UPDATE {table} SET {value} = %s WHERE {cache_key} = %s",
                [base64.b64encode(pickled).decode("latin1"), key],
            )
        return new_value

"""Version numbers in the shared cache that retire cached renderings when their data changes.

A rendering is cached under the version it was made at; a change bumps the number, and the
next view renders afresh in every process and on every app server at once (the cache is a
database table by default, or Redis: never per process, digiopas/settings.py).
Used by the free-times pages (one version per library) and the list of libraries.
"""

import time

from django.core.cache import cache
from django.db import transaction


def _bump(keys: tuple[str, ...]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # never read yet, or evicted: any fresh number will do
            cache.add(key, time.time_ns(), timeout=None)


def bump(*keys: str) -> None:
    """Bumped at once and again after the commit: a rendering made in between, from what the
    database showed before the commit, lands under a version no one reads any more."""
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def current(key: str) -> int | None:
    """The version under `key`; a fresh one (the clock in nanoseconds) if the cache has none.

    Never restarts from a small number after an eviction, so an old rendering cannot return.
    None while the shared cache is unreachable (digiopas/cache.py): then nothing is versioned.
    """
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version

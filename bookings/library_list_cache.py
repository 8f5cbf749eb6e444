"""The list of libraries (landing page, library choice), rendered once until a library changes.

A national consortium lists some 300 libraries: rendering that list is most of the landing
page's cost, and the list changes only when staff edit a library. The templates cache it with
`{% cache %}` under a version number kept in the shared cache (Redis in production, so every
app server agrees), which saving or deleting any library bumps. The fragment's timeout is the
safety net for changes that bypass model signals (bulk updates).
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Library

VERSION_KEY = "libraries:version"
FRAGMENT_SECONDS = 10 * 60


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never read yet, or evicted: any fresh number will do
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def libraries_changed() -> None:
    """Bumped at once and after the commit, like the free times (see availability_cache)."""
    _bump()
    transaction.on_commit(_bump)


def libraries_version() -> int:
    """The list's version; a fresh one (the clock in nanoseconds) if the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


@receiver([post_save, post_delete], sender=Library, dispatch_uid="libraries_changed")
def _library_saved_or_deleted(**kwargs) -> None:
    libraries_changed()

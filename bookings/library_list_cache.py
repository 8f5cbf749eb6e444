"""The list of libraries (landing page, library choice), rendered once until a library changes.

A national consortium lists some 300 libraries: rendering that list is most of the landing
page's cost, and the list changes only when staff edit a library. The templates cache it with
`{% cache %}` under a version number kept in the shared cache (the database or Redis, so
every process agrees), which saving or deleting any library bumps. The fragment's timeout is the
safety net for changes that bypass model signals (bulk updates).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bookings import cache_versions
from bookings.models import Library

VERSION_KEY = "libraries:version"
FRAGMENT_SECONDS = 10 * 60


def libraries_changed() -> None:
    cache_versions.bump(VERSION_KEY)


def libraries_version() -> int | None:
    return cache_versions.current(VERSION_KEY)


@receiver([post_save, post_delete], sender=Library, dispatch_uid="libraries_changed")
def _library_saved_or_deleted(**kwargs) -> None:
    libraries_changed()

"""The list of libraries (landing page, library choice), rendered once until a library changes.

A national consortium lists some 300 libraries: rendering that list is most of the landing
page's cost, and the list changes only when staff edit a library. The templates cache it with
`{% cache %}` under a version number kept in the shared cache (the database or Redis, so
every process agrees), which `services.library_changed` bumps whenever a library is added,
edited or removed (the admin, the demo data), as it bumps the library's free-times version. The
fragment's timeout is the safety net for changes made elsewhere (a shell, a bulk update).
"""

from bookings import cache_versions

VERSION_KEY = "libraries:version"
FRAGMENT_SECONDS = 10 * 60


def libraries_changed() -> None:
    cache_versions.bump(VERSION_KEY)


def libraries_version() -> int | None:
    return cache_versions.current(VERSION_KEY)

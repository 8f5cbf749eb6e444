"""The published principles page (and its poster), rendered once and kept until it changes.

The page is the same for every visitor in a language: rendering it afresh on every view was
most of its cost (bench, issue 20). It is kept in the shared cache, as the free-times pages
are (`bookings.availability_cache`), under the version numbers of what it shows:

- the published version: `services.page_publish` bumps `VERSION_KEY`;
- "What our patrons say": every feedback answer bumps the feedback version, and the libraries'
  names and whether they show their averages bump the list of libraries' version
  (`bookings.services.library_changed`); the twelve months move on each day, so the key
  carries the day.

A visitor with a session or a message, or a query string (the poster's paper), gets the page
rendered for them, as on the free-times page. A timeout is the safety net for changes made
past the services (a shell).
"""

import datetime as dt
import gzip
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from bookings import cache_versions, feedback, library_list_cache
from bookings.availability_cache import is_the_same_for_everyone, serve_page

VERSION_KEY = "principles:version"
CACHE_SECONDS = 10 * 60
# This process's copies, checked against the versions on every view: no fetch of the page
# itself from the shared cache. A few pages (three languages, the page and the poster).
_local: dict[str, "_Page"] = {}
_LOCAL_MAX = 64


def page_changed() -> None:
    """A new version was published: every visitor's next view renders it."""
    cache_versions.bump(VERSION_KEY)


@dataclass(frozen=True)
class _Page:
    body: bytes
    gzipped: bytes
    versions: tuple[int, ...]


def _versions() -> tuple[int | None, ...]:
    return (
        cache_versions.current(VERSION_KEY),
        feedback.feedback_version(),
        library_list_cache.libraries_version(),
    )


def cached_response(
    request: HttpRequest, name: str, render: Callable[[], HttpResponse], *, now: dt.datetime
) -> HttpResponse:
    """The page `name` as `render` makes it, from the cache while nothing it shows changed."""
    if not is_the_same_for_everyone(request):
        return render()
    parts = ("principles-page", name, translation.get_language(), timezone.localdate(now))
    key = ":".join(str(part) for part in (*parts, request.path))
    versions = _versions()  # read before rendering: a change meanwhile wins
    # None: the shared cache is unreachable, and with it the news of any change.
    known = None not in versions
    page = _local.get(key)
    if page is None and known:
        page = cache.get(key)
    if known and isinstance(page, _Page) and page.versions == versions:
        _local[key] = page
        return serve_page(request, page)
    response = render()
    if response.status_code != 200 or not known:
        return response
    body = response.content
    page = _Page(body, gzip.compress(body, compresslevel=6, mtime=0), versions)
    cache.set(key, page, timeout=CACHE_SECONDS)
    if len(_local) >= _LOCAL_MAX:
        _local.clear()
    _local[key] = page
    return serve_page(request, page)

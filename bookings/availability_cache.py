"""A library's free-times list, rendered once and kept in the shared cache until it changes.

The free-times page is the page patrons load most, and rendering a few thousand times is most of
its cost. The rendered list is cached under the library's *version*, a number in the shared
cache (a database table by default, Redis for many app servers: every process agrees) that
every service changing which times are free bumps: booking, cancelling, moving, generating or
removing slots, closures and waiting-list holds. The next page view then renders afresh, so a
booked time is gone from the very next page.

Time changes the list too, with nobody writing anything: the first time falls inside the
online notice, a waiting-list hold lapses, the horizon moves at midnight, "today" and "tomorrow"
move on to the next days, a closure ends. The cached list knows the moment it goes stale by
itself (`valid_until`) and the key carries the day. A timeout is the last safety net, for edits
that bypass the services (a guide renamed in the admin).

The library's closures show in their place among the days, with their reason and days ("no
times"), read when the list is rendered: adding, changing or removing one bumps the version
(`services.closure_apply`, `services.closure_changed`). The list is rendered in the request's
language and kept per language, closure reasons included.
"""

import datetime as dt
import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip  # GZipMiddleware's own test
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from bookings import cache_versions, rules
from bookings.models import WAY_FIELDS, Closure, Library, Slot, Way
from bookings.models.library import ways_of

FRAGMENT_SECONDS = 10 * 60


class _LocalCopies:
    """This process's copies of recently served pages, the least recently used dropped first.

    The busiest library's page is about a megabyte: fetching it from the shared cache on every
    view would cost more than the rest of the view. Whether a copy is still right is checked
    against the shared cache (the library's version) on every view.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, _Page] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> "_Page | None":
        with self.lock:
            page = self.entries.get(key)
            if page is not None:
                self.entries.move_to_end(key)
            return page

    def set(self, key: str, page: "_Page") -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            self.size += _size(page) - (_size(old) if old else 0)
            self.entries[key] = page
            while self.size > self.max_bytes and self.entries:
                self.size -= _size(self.entries.popitem(last=False)[1])


def _size(page: "_Page") -> int:
    return len(page.body) + len(page.gzipped)


_local = _LocalCopies(max_bytes=64 * 2**20)


def _version_key(library_id: int) -> str:
    return f"free-times:version:{library_id}"


def free_times_changed(*library_ids: int) -> None:
    """The free times of these libraries changed: the next page view renders them afresh."""
    ids = {library_id for library_id in library_ids if library_id is not None}
    cache_versions.bump(*(_version_key(library_id) for library_id in sorted(ids)))


def library_version(library_id: int) -> int | None:
    return cache_versions.current(_version_key(library_id))


@dataclass(frozen=True)
class FreeTimes:
    """One library's bookable times, grouped by local day, as plain values for the template."""

    days: list[dict]
    # When this list stops being right by itself (see the module docstring), or None.
    valid_until: dt.datetime | None
    # The languages the guides of these times guide in (before any choice of one), site order.
    languages: tuple[str, ...] = ()
    # The ways of guidance these times offer (before any choice of one), in the order of Way.
    ways: tuple[str, ...] = ()

    @property
    def first(self) -> dict | None:
        return self.days[0]["slots"][0] if self.days else None


def closures_ahead(library: Library, *, now: dt.datetime) -> list[Closure]:
    """The closures of the whole library from today to the booking horizon, earliest first.

    One guide's closures are left out: the library has times then, perhaps with others, and a
    guide's reason (an illness) is not the patrons' business."""
    today = timezone.localdate(now)
    horizon_day = timezone.localdate(rules.horizon_end(library, now=now))
    return list(
        Closure.objects.filter(
            library=library, guide__isnull=True, ends_on__gte=today, starts_on__lt=horizon_day
        ).order_by("starts_on", "ends_on", "pk")
    )


def days_and_closures(days: list[dict], closures: list[Closure], *, today: dt.date) -> list[dict]:
    """The days with free times and the closures, in date order: a closure in its place, before
    a day it covers; one that began before today, first."""
    entries = [(day["day"], 1, {"day": day}) for day in days]
    entries += [(max(closure.starts_on, today), 0, {"closure": closure}) for closure in closures]
    return [entry for _day, _order, entry in sorted(entries, key=lambda item: item[:2])]


def free_times(
    library: Library,
    *,
    now: dt.datetime,
    guidance_language: str | None = None,
    way: str | None = None,
) -> FreeTimes:
    """The bookable times at `library` in one lean query (plain values, no model objects).

    The same times as `availability.bookable_slots`; the held ones are read too, to know when
    their hold lapses. With `guidance_language`, only the times of guides who guide in it;
    with `way`, only the times offered that way (at the library, by phone, by video). The page
    and the public API (bookings/api/free_times.py) both list these.
    """
    notice, horizon_end = rules.online_notice(library), rules.horizon_end(library, now=now)
    rows = (
        Slot.objects.at(library)
        .free()
        .filter(starts_at__gte=now + notice, starts_at__lt=horizon_end, guide__is_active=True)
        .order_by("starts_at", "guide__display_name")
        .values_list(
            "pk",
            "starts_at",
            "guide__display_name",
            "held_until",
            "guide__languages",
            "ends_at",
            "guide_id",
            *WAY_FIELDS.values(),
        )
    )
    zone = timezone.get_current_timezone()
    time_format = formats.get_format("TIME_FORMAT")
    # Thousands of times, but few distinct starts: each is formatted once.
    shown: dict[dt.datetime, tuple[dt.date, str, str]] = {}
    slots, lapses, languages, ways_offered = [], [], set(), set()
    way_names: dict[tuple[str, ...], str] = {}  # in the active language, each named once
    for row in rows:
        pk, starts_at, guide_name, held_until, guide_languages, ends_at, guide_id = row[:7]
        way_flags = row[7:]
        if held_until is not None and held_until > now:
            lapses.append(held_until)
            continue
        languages.update(guide_languages or ())
        ways = ways_of(*way_flags)
        ways_offered.update(ways)
        if guidance_language and guidance_language not in (guide_languages or ()):
            continue
        if way and way not in ways:
            continue
        if ways not in way_names:
            way_names[ways] = _way_names(ways) if ways != LIBRARY_ONLY else ""
        if starts_at not in shown:
            local = starts_at.astimezone(zone)
            shown[starts_at] = (
                local.date(),
                local.isoformat(),
                formats.time_format(local, time_format),
            )
        day, iso, clock = shown[starts_at]
        slots.append(
            {
                "pk": pk,
                "starts_at": starts_at,
                "day": day,
                "iso": iso,
                "time": clock,
                "guide": guide_name,
                # Said only when not just at the library: most times are, and say nothing.
                "ways": way_names[ways],
                # For the API's lengths on offer, languages and ways (bookings/api/).
                "ends_at": ends_at,
                "guide_id": guide_id,
                "languages": guide_languages or [],
                "way_codes": ways,
            }
        )
    if slots:
        lapses.append(slots[0]["starts_at"] - notice)
    days = [
        {"day": day, "slots": list(group)}
        for day, group in groupby(slots, key=lambda slot: slot["day"])
    ]
    offered = tuple(code for code, _name in settings.LANGUAGES if code in languages)
    return FreeTimes(
        days=days,
        valid_until=min(lapses) if lapses else None,
        languages=offered,
        ways=tuple(w for w in Way.values if w in ways_offered),
    )


LIBRARY_ONLY = (Way.LIBRARY,)


def _way_names(ways: tuple[str, ...]) -> str:
    return " · ".join(str(Way(way).label) for way in ways)


def _render(
    library: Library,
    times: FreeTimes,
    closures: list[Closure],
    *,
    now: dt.datetime,
    guidance_language: str | None,
    way: str | None,
) -> bytes:
    if not times.days and not closures and not guidance_language and not way:
        return b""
    # One address per time: the library's booking address with the slot's number in it.
    prefix, suffix = reverse("bookings:book", args=[library.slug, 0]).rsplit("0", 1)
    today = timezone.localdate(now)
    context = {
        "library": library,
        "entries": days_and_closures(times.days, closures, today=today),
        "first": times.first,
        # "Today" and "tomorrow" beside their dates: right until midnight, when the key's day
        # changes and the list is rendered afresh.
        "today": today,
        "tomorrow": today + dt.timedelta(days=1),
        "book_prefix": prefix,
        "book_suffix": suffix,
        # A choice of guidance language, where the guides of these times speak more than one.
        "page_url": reverse("bookings:free_times", args=[library.slug]),
        "guidance_languages": [(code, name_in_itself(code)) for code in times.languages]
        if len(times.languages) > 1
        else [],
        "guidance_language": guidance_language,
        "guidance_language_name": name_in_itself(guidance_language) if guidance_language else "",
        # A choice of the way of guidance, where these times offer more than one.
        "ways": [(w, Way(w).label) for w in times.ways] if len(times.ways) > 1 else [],
        "way": way,
        "way_name": str(Way(way).label).lower() if way else "",
    }
    return render_to_string("bookings/_free_times_list.html", context).encode()


def name_in_itself(code: str) -> str:
    """A language's name as its speakers write it ("svenska"), as the language switcher does."""
    return translation.get_language_info(code)["name_local"]


def guidance_language_asked(request: HttpRequest) -> str | None:
    """The guidance language a patron chose (`?language=sv`); anything else is no choice."""
    code = request.GET.get("language", "")
    return code if code in dict(settings.LANGUAGES) else None


def way_asked(request: HttpRequest) -> str | None:
    """The way of guidance a patron chose (`?way=phone`); anything else is no choice."""
    way = request.GET.get("way", "")
    return way if way in Way.values else None


def _list_key(
    library: Library,
    now: dt.datetime,
    version: int | None,
    guidance_language: str | None,
    way: str | None,
) -> str:
    parts = (
        "free-times-list",
        library.pk,
        version,
        translation.get_language(),
        guidance_language or "-",
        way or "-",
        timezone.localdate(now),
        library.min_notice_minutes,
        library.booking_horizon_weeks,
        library.slug,
    )
    return ":".join(str(part) for part in parts)


@dataclass(frozen=True)
class _List:
    """The rendered list (UTF-8), whether it has any free time (or a choice of language to
    show), and when it goes stale."""

    html: bytes
    has_times: bool
    valid_until: dt.datetime | None


def _free_times_list(
    library: Library,
    *,
    now: dt.datetime,
    version: int | None,
    guidance_language: str | None = None,
    way: str | None = None,
) -> _List:
    """The rendered list: cached while unchanged.

    `version` is the library's, read once per request by the caller (each read is a query with
    the database cache)."""
    key = _list_key(library, now, version, guidance_language, way)
    cached = cache.get(key)
    if isinstance(cached, _List) and (cached.valid_until is None or now < cached.valid_until):
        return cached
    times = free_times(library, now=now, guidance_language=guidance_language, way=way)
    closures = closures_ahead(library, now=now)
    html = _render(library, times, closures, now=now, guidance_language=guidance_language, way=way)
    # A choice that finds no time still shows the list: it says so, and how back.
    rendered = _List(html, bool(times.days or guidance_language or way), times.valid_until)
    cache.set(key, rendered, timeout=FRAGMENT_SECONDS)
    return rendered


def free_times_html(library: Library, *, now: dt.datetime) -> bytes:
    """The rendered free-times list (UTF-8): from the cache while nothing has changed."""
    return _free_times_list(library, now=now, version=library_version(library.pk)).html


def _until(valid_until: dt.datetime | None, *, now: dt.datetime) -> dt.datetime:
    """A local copy lasts no longer than the shared one (its timeout) nor the list itself."""
    last = now + dt.timedelta(seconds=FRAGMENT_SECONDS)
    return last if valid_until is None else min(valid_until, last)


# Where the list goes in the page. It is put in as bytes after the page around it is rendered:
# a megabyte pushed through the template engine's joins and the response's encoding would cost
# more than everything else on the page.
PLACE = "<!-- free times -->"


def _render_page(request: HttpRequest, library: Library, listed: _List) -> HttpResponse:
    html = listed.html
    context = {"library": library, "free_times": mark_safe(PLACE) if html else ""}
    context["has_times"] = listed.has_times
    response = render(request, "bookings/free_times.html", context)
    head, tail = response.content.split(PLACE.encode(), 1) if html else (response.content, b"")
    response.content = b"".join((head, html, tail))
    return response


def is_the_same_for_everyone(request: HttpRequest) -> bool:
    """A visitor without a session, messages or a query string sees what any other would: the
    page has no form (the language switcher is links), so not even a CSRF token differs."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


@dataclass(frozen=True)
class _Page:
    """A rendered free-times page, as it is and compressed once for every browser that takes
    gzip (the busiest library's megabyte is some 40 kB so: far less to send to a phone)."""

    body: bytes
    gzipped: bytes
    library_id: int
    version: int | None  # the library's version it was rendered at
    valid_until: dt.datetime


def serve_page(request: HttpRequest, page: "_Page") -> HttpResponse:
    """A page rendered once (`body`, and `gzipped` for browsers that take it), served as is."""
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(page.gzipped)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.body)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _page_key(request: HttpRequest, slug: str, now: dt.datetime) -> str:
    parts = ("free-times-page", slug, translation.get_language(), timezone.localdate(now))
    return ":".join(str(part) for part in (*parts, request.path))


def _cached_page(key: str, *, now: dt.datetime) -> _Page | None:
    """The page if still right: the library's version unchanged and the list not yet stale."""
    page = _local.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            _local.set(key, page)
    if page is None or now >= page.valid_until:
        return None
    version = library_version(page.library_id)
    # None: the shared cache is unreachable, and with it the news of any change since.
    return page if version is not None and version == page.version else None


def free_times_response(request: HttpRequest, slug: str, *, now: dt.datetime) -> HttpResponse:
    """The free-times page of the library `slug`.

    Rendered once per change for everyone who would see the same page; served with no query
    then. Any change shows at once: the services bump the library's version, and so does the
    admin when the library, its guides or single slots are edited.
    """
    if not is_the_same_for_everyone(request):
        library = get_object_or_404(Library, slug=slug, is_active=True)
        version = library_version(library.pk)
        listed = _free_times_list(
            library,
            now=now,
            version=version,
            guidance_language=guidance_language_asked(request),
            way=way_asked(request),
        )
        return _render_page(request, library, listed)
    key = _page_key(request, slug, now)
    page = _cached_page(key, now=now)
    if page is None:
        library = get_object_or_404(Library, slug=slug, is_active=True)
        version = library_version(library.pk)  # read before the list: a change meanwhile wins
        listed = _free_times_list(library, now=now, version=version)
        body = _render_page(request, library, listed).content
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        page = _Page(body, gzipped, library.pk, version, _until(listed.valid_until, now=now))
        if version is not None:  # else nothing could tell this copy is stale: keep none
            cache.set(key, page, timeout=FRAGMENT_SECONDS)
            _local.set(key, page)
    return serve_page(request, page)


# --- The embeddable list of the next free times (/libraries/<library>/embed/) ------------------

EMBED_COUNT_DEFAULT = 5
EMBED_COUNT_MAX = 20


def embed_count_asked(request: HttpRequest) -> int:
    """How many times the embed shows: `?count=` between 1 and EMBED_COUNT_MAX, else the
    default (a site's typo must not break its page)."""
    value = request.GET.get("count", "")
    if not value.isdigit() or len(value) > 3:
        return EMBED_COUNT_DEFAULT
    return min(max(int(value), 1), EMBED_COUNT_MAX)


@dataclass(frozen=True)
class _NextTimes:
    days: list[dict]  # as FreeTimes.days, only the first `count` times
    valid_until: dt.datetime | None


def next_free_times(library: Library, *, now: dt.datetime, count: int) -> list[dict]:
    """The first `count` times of the free-times page, grouped by local day as it groups them.

    The same read (`free_times`: every booking rule as on the page) and the same life in the
    shared cache: kept under the library's version, so a booked time is gone from the next
    view, and until the list goes stale by itself (`valid_until`)."""
    version = library_version(library.pk)
    parts = ("free-times-next", count, _list_key(library, now, version, None, None))
    key = ":".join(str(part) for part in parts)
    cached = cache.get(key)
    if isinstance(cached, _NextTimes) and (cached.valid_until is None or now < cached.valid_until):
        return cached.days
    times = free_times(library, now=now)
    slots = [slot for day in times.days for slot in day["slots"]][:count]
    days = [
        {"day": day, "slots": list(group)}
        for day, group in groupby(slots, key=lambda slot: slot["day"])
    ]
    if version is not None:  # else nothing could tell this copy is stale: keep none
        cache.set(key, _NextTimes(days, times.valid_until), timeout=FRAGMENT_SECONDS)
    return days

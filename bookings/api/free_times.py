"""A library's free times for the public API: the free-times page's own read, with the lengths
on offer, kept in the shared cache under the library's version like the page.

The times come from `availability_cache.free_times`, the very read of the free-times page: the
online notice, the horizon, waiting-list holds, closures (their slots are gone) and resting
guides hold exactly as there. The lengths on offer from each time follow the guide's next free
times as the booking form offers them (`availability.minutes_along`). A booking, a
cancellation or any other change bumps the library's version (`cache_versions`), and the next
answer is made afresh; the list also knows when it goes stale by itself (`valid_until`) and its
key carries the day, as the page's does.
"""

import datetime as dt
import gzip
import json
import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace
from operator import itemgetter

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from bookings import availability, availability_cache, rules
from bookings.models import Library

CACHE_SECONDS = availability_cache.FRAGMENT_SECONDS
# A library's slug, as Django's SlugField takes it.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
# Part of the cache key: raise it when LibraryTimes changes shape, so that a new release never
# reads a list an older one left in the shared cache.
CACHE_FORMAT = 3
# The widest range of days one request may ask for; the horizon limits the times anyway.
MAX_DAYS = 92


# One free time, as a plain tuple (it unpickles at C speed from the shared cache; named tuples
# and dataclasses do not): its local day, its guide's languages and the minutes on offer (what
# the filters look at), and the time itself as JSON (schemas.FreeTime), written once when the
# list is made, so that thousands are joined into an answer with no serialising per request;
# last the ways of guidance the time offers (a filter too).
DAY, LANGUAGES, MINUTES, JSON, WAYS = range(5)


@dataclass(frozen=True)
class LibraryTimes:
    """One library's free times as the API gives them, in the language they were made in."""

    library_id: int
    slug: str
    version: int | None  # the library's version they were read at
    valid_until: dt.datetime
    bookable_until: dt.date  # the last day patrons may book online
    times: list[tuple]  # (DAY, LANGUAGES, MINUTES, JSON, WAYS), in time order
    # The answer to a request without filters, as it is and compressed once for every client
    # that takes gzip (the busiest library's megabyte is some 40 kB so): joining and encoding
    # thousands of times on every such request was a third of its cost (bench, issue 20).
    body: bytes = b""
    gzipped: bytes = b""
    size: int = 0  # the copy's size in bytes


class _LocalCopies:
    """This process's copies of the lists lately answered with, the least recently used
    dropped first: the busiest library's is a megabyte, which the shared cache would send and
    unpickle on every request. Whether a copy is still right is checked against the library's
    version in the shared cache on every request, as the free-times page does."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, LibraryTimes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> LibraryTimes | None:
        with self.lock:
            listed = self.entries.get(key)
            if listed is not None:
                self.entries.move_to_end(key)
            return listed

    def set(self, key: str, listed: LibraryTimes) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            self.size += listed.size - (old.size if old else 0)
            self.entries[key] = listed
            while self.size > self.max_bytes and self.entries:
                self.size -= self.entries.popitem(last=False)[1].size


_local = _LocalCopies(max_bytes=64 * 2**20)


def default_days(now: dt.datetime, first_day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days asked for when `from` and `to` are not given: from today (or `first_day`),
    MAX_DAYS in all (never past the last date there is)."""
    first_day = first_day or timezone.localdate(now)
    span = dt.timedelta(days=MAX_DAYS - 1)
    return first_day, first_day + span if first_day <= dt.date.max - span else dt.date.max


def _booking_address(slug: str):
    """The absolute address of a time's booking form, as the free-times page links it, in the
    active language (one reverse for all the times)."""
    prefix, suffix = reverse("bookings:book", args=[slug, 0]).rsplit("0", 1)
    return lambda pk: f"{settings.SITE_URL}{prefix}{pk}{suffix}"


def _times(library: Library, *, now: dt.datetime) -> tuple[list[tuple], dt.datetime | None]:
    listed = availability_cache.free_times(library, now=now)
    slots = [slot for day in listed.days for slot in day["slots"]]
    runs = defaultdict(list)  # each guide's free times, in time order
    for slot in slots:
        runs[slot["guide_id"]].append(slot)
    minutes = {}
    for run in runs.values():
        for i, slot in enumerate(run):
            along = run[i : i + rules.MAX_SLOTS_PER_BOOKING]
            minutes[slot["pk"]] = availability.minutes_along(
                slot["starts_at"], ((s["starts_at"], s["ends_at"]) for s in along)
            )
    zone = timezone.get_current_timezone()
    address = _booking_address(library.slug)
    order = [code for code, _name in settings.LANGUAGES]
    times = []
    for slot in slots:
        starts_at = slot["starts_at"].astimezone(zone)
        languages = [code for code in order if code in slot["languages"]]
        time = {
            "starts_at": starts_at.isoformat(),
            "ends_at": slot["ends_at"].astimezone(zone).isoformat(),
            "minutes": minutes[slot["pk"]],
            "guide": slot["guide"],
            "languages": languages,
            "ways": list(slot["way_codes"]),
            "booking_url": address(slot["pk"]),
        }
        times.append(
            (
                starts_at.date(),
                tuple(languages),
                tuple(time["minutes"]),
                json.dumps(time, ensure_ascii=False),
                slot["way_codes"],
            )
        )
    return times, listed.valid_until


def _key(slug: str, now: dt.datetime) -> str:
    parts = (
        f"api-free-times-{CACHE_FORMAT}",
        slug,
        translation.get_language(),
        timezone.localdate(now),
    )
    return ":".join(str(part) for part in parts)


def library_free_times(slug: str, *, now: dt.datetime) -> LibraryTimes | None:
    """The active library `slug`'s free times in the active language, or None if there is no
    such library. No query while nothing has changed; two when something has (the library and
    its times), however many times and guides it has."""
    if not SLUG.fullmatch(slug):  # no library has it; nor may a cache key
        return None
    key = _key(slug, now)
    cached = _local.get(key)
    if cached is None:
        cached = cache.get(key)
        if isinstance(cached, LibraryTimes):
            _local.set(key, cached)
    if isinstance(cached, LibraryTimes) and now < cached.valid_until:
        version = availability_cache.library_version(cached.library_id)
        # None: the shared cache is unreachable, and with it the news of any change since.
        if version is not None and version == cached.version:
            return cached
    try:
        library = Library.objects.get(slug=slug, is_active=True)
    except Library.DoesNotExist:
        return None
    version = availability_cache.library_version(library.pk)  # before the read: a change wins
    times, stale_at = _times(library, now=now)
    last = now + dt.timedelta(seconds=CACHE_SECONDS)
    listed = LibraryTimes(
        library_id=library.pk,
        slug=library.slug,
        version=version,
        valid_until=last if stale_at is None else min(stale_at, last),
        bookable_until=timezone.localdate(rules.horizon_end(library, now=now))
        - dt.timedelta(days=1),
        times=times,
    )
    first_day, last_day = default_days(now)
    unfiltered = answer_json(
        listed, matching(times, first_day=first_day, last_day=last_day)
    ).encode()
    gzipped = gzip.compress(unfiltered, compresslevel=6, mtime=0)
    listed = replace(
        listed,
        body=unfiltered,
        gzipped=gzipped,
        size=len(unfiltered) + len(gzipped) + sum(len(time[JSON]) for time in times),
    )
    if version is not None:  # else nothing could tell this copy is stale: keep none
        cache.set(key, listed, timeout=CACHE_SECONDS)
        _local.set(key, listed)
    return listed


def matching(
    times: list[tuple],
    *,
    first_day: dt.date,
    last_day: dt.date,
    guidance_language: str | None = None,
    minutes: int | None = None,
    way: str | None = None,
) -> list[tuple]:
    """The times on the days from `first_day` to `last_day` (local, both included), with a
    guide who guides in `guidance_language`, from which a visit of `minutes` may be booked,
    offered `way` (at the library, by phone, by video).

    The times are in time order: the days are found by bisection, and only the filters asked
    for look at each time (thousands of them, on every request)."""
    start = bisect_left(times, first_day, key=itemgetter(DAY))
    end = bisect_right(times, last_day, key=itemgetter(DAY))
    chosen = times[start:end]
    if guidance_language is not None:
        chosen = [time for time in chosen if guidance_language in time[LANGUAGES]]
    if minutes is not None:
        chosen = [time for time in chosen if minutes in time[MINUTES]]
    if way is not None:
        chosen = [time for time in chosen if way in time[WAYS]]
    return chosen


def answer_json(listed: LibraryTimes, times: list[tuple]) -> str:
    """The answer (schemas.LibraryFreeTimes) as JSON, the times joined as they were written."""
    head = json.dumps(
        {"library": listed.slug, "bookable_until": listed.bookable_until.isoformat()},
        ensure_ascii=False,
    )
    joined = ", ".join(time[JSON] for time in times)
    return f'{head[:-1]}, "times": [{joined}]}}'

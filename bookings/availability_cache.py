"""A library's free-times list, rendered once and kept in the shared cache until it changes.

The free-times page is the page patrons load most, and rendering a few thousand times is most of
its cost. The rendered list is cached under the library's *version*, a number in the shared
cache (Redis in production, so all app servers agree) that every service changing which times
are free bumps: booking, cancelling, moving, generating or removing slots, closures and
waiting-list holds. The next page view then renders afresh, so a booked time is gone from the
very next page.

Time changes the list too, with nobody writing anything: the first time falls inside the
online notice, a waiting-list hold lapses, the horizon moves at midnight. The cached list knows
the moment it goes stale by itself (`valid_until`) and the key carries the day. A timeout is the
last safety net, for edits that bypass the services (a guide renamed in the admin).
"""

import datetime as dt
import time
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from .models import Library, Slot

FRAGMENT_SECONDS = 10 * 60


def _version_key(library_id: int) -> str:
    return f"free-times:version:{library_id}"


def _bump(library_ids: set[int]) -> None:
    for library_id in library_ids:
        try:
            cache.incr(_version_key(library_id))
        except ValueError:  # never read yet, or evicted: any fresh number will do
            cache.add(_version_key(library_id), time.time_ns(), timeout=None)


def free_times_changed(*library_ids: int) -> None:
    """The free times of these libraries changed: the next page view renders them afresh.

    Bumped at once and again after the commit: a page rendered in between, from what the
    database showed before the commit, lands under a version no one reads any more.
    """
    ids = {library_id for library_id in library_ids if library_id is not None}
    if not ids:
        return
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))


def library_version(library_id: int) -> int:
    """The library's version; a fresh one (the clock in nanoseconds) if the cache has none.

    Never restarts from a small number after an eviction, so an old list cannot come back.
    """
    key = _version_key(library_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


@dataclass(frozen=True)
class FreeTimes:
    """One library's bookable times, grouped by local day, as plain values for the template."""

    days: list[dict]
    # When this list stops being right by itself (see the module docstring), or None.
    valid_until: dt.datetime | None

    @property
    def first(self) -> dict | None:
        return self.days[0]["slots"][0] if self.days else None


def free_times(library: Library, *, now: dt.datetime) -> FreeTimes:
    """The bookable times at `library` in one lean query (plain values, no model objects).

    The same times as `availability.bookable_slots`; the held ones are read too, to know when
    their hold lapses.
    """
    notice = dt.timedelta(minutes=library.min_notice_minutes)
    today = timezone.localdate(now)
    horizon_end = timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(weeks=library.booking_horizon_weeks), dt.time.min)
    )
    rows = (
        Slot.objects.at(library)
        .free()
        .filter(starts_at__gte=now + notice, starts_at__lt=horizon_end, guide__is_active=True)
        .order_by("starts_at", "guide__display_name")
        .values_list("pk", "starts_at", "guide__display_name", "held_until")
    )
    zone = timezone.get_current_timezone()
    time_format = formats.get_format("TIME_FORMAT")
    # Thousands of times, but few distinct starts: each is formatted once.
    shown: dict[dt.datetime, tuple[dt.date, str, str]] = {}
    slots, lapses = [], []
    for pk, starts_at, guide_name, held_until in rows:
        if held_until is not None and held_until > now:
            lapses.append(held_until)
            continue
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
            }
        )
    if slots:
        lapses.append(slots[0]["starts_at"] - notice)
    days = [
        {"day": day, "slots": list(group)}
        for day, group in groupby(slots, key=lambda slot: slot["day"])
    ]
    return FreeTimes(days=days, valid_until=min(lapses) if lapses else None)


def _render(library: Library, times: FreeTimes) -> str:
    if not times.days:
        return ""
    # One address per time: the library's booking address with the slot's number in it.
    prefix, suffix = reverse("bookings:book", args=[library.slug, 0]).rsplit("0", 1)
    context = {"library": library, "days": times.days, "first": times.first}
    context |= {"book_prefix": prefix, "book_suffix": suffix}
    return render_to_string("bookings/_free_times_list.html", context)


def free_times_html(library: Library, *, now: dt.datetime) -> str:
    """The rendered free-times list: from the cache while nothing has changed (no query)."""
    key = ":".join(
        str(part)
        for part in (
            "free-times",
            library.pk,
            library_version(library.pk),
            translation.get_language(),
            timezone.localdate(now),
            library.min_notice_minutes,
            library.booking_horizon_weeks,
            library.slug,
        )
    )
    cached = cache.get(key)
    if cached is not None:
        html, valid_until = cached
        if valid_until is None or now < valid_until:
            return html
    times = free_times(library, now=now)
    html = _render(library, times)
    cache.set(key, (html, times.valid_until), timeout=FRAGMENT_SECONDS)
    return html

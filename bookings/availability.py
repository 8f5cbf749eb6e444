"""What a patron may book: free times grouped by day, lengths on offer, nearest alternatives."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby, takewhile

from django.db.models import Q, Subquery
from django.utils import timezone

from bookings import rules
from bookings.clock import local_midnight
from bookings.models import WAY_FIELDS, Booking, Library, PartOfDay, Slot, WeeklySchedule
from bookings.models.waiting_list import NOON
from bookings.rules import MAX_SLOTS_PER_BOOKING


@dataclass(frozen=True)
class ResizeOptions:
    slot_count: int
    can_extend: bool
    can_shorten: bool


@dataclass(frozen=True)
class FreeDay:
    day: dt.date
    slots: list[Slot]


@dataclass(frozen=True)
class GuidanceWeek:
    """When a library offers guidance: weekdays (Monday = 0) and parts of the day."""

    weekdays: list[int]
    parts_of_day: list[str]


def guidance_week(library: Library, *, now: dt.datetime) -> GuidanceWeek:
    """The weekdays and parts of the day of the library's weekly schedules still in force and
    of its times ahead (staff may add single times), in two queries: what the waiting list
    may offer to ask for."""
    today = timezone.localdate(now)
    schedules = WeeklySchedule.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        library=library,
        guide__is_active=True,
    ).values_list("weekday", "start_time", "end_time")
    weekdays, parts = set(), set()
    for weekday, start, end in schedules:
        weekdays.add(weekday)
        if start < NOON:
            parts.add(PartOfDay.MORNING)
        if end > NOON:
            parts.add(PartOfDay.AFTERNOON)
    # Hours, not the slots themselves: a handful of rows however many times a library opens.
    hours = Slot.objects.filter(
        library=library, starts_at__gte=now, starts_at__lt=rules.horizon_end(library, now=now)
    ).datetimes("starts_at", "hour")
    for hour in hours:
        weekdays.add(timezone.localtime(hour).weekday())
        parts.add(PartOfDay.of(hour))
    ordered_parts = [part for part in (PartOfDay.MORNING, PartOfDay.AFTERNOON) if part in parts]
    return GuidanceWeek(weekdays=sorted(weekdays), parts_of_day=ordered_parts)


def bookable_slots(library: Library, *, now: dt.datetime, way: str | None = None):
    """The free times patrons may book online at `library`, soonest first (one query); with
    `way`, only those offered that way."""
    slots = (
        Slot.objects.at(library)
        .bookable(now=now, notice=rules.online_notice(library))
        .filter(starts_at__lt=rules.horizon_end(library, now=now))
        .select_related("guide")
        .order_by("starts_at", "guide__display_name")
    )
    return slots.filter(**{WAY_FIELDS[way]: True}) if way else slots


def free_days(library: Library, *, now: dt.datetime, way: str | None = None) -> list[FreeDay]:
    slots = bookable_slots(library, now=now, way=way)
    return [
        FreeDay(day=day, slots=list(group))
        for day, group in groupby(slots, key=lambda s: timezone.localdate(s.starts_at))
    ]


def minutes_along(start: dt.datetime, run: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[int]:
    """Minutes on offer from `start` along `run`, the (start, end) of the guide's times that may
    be taken, from the one at `start` on, in time order (as many as the caller lets a visit
    run: MAX_SLOTS_PER_BOOKING online): while they follow without a gap."""
    lengths, run_end = [], start
    for starts_at, ends_at in run:
        if starts_at != run_end:
            break
        lengths.append(int((ends_at - start).total_seconds() // 60))
        run_end = ends_at
    return lengths


def _lengths(slot: Slot, run: list[Slot], *, now: dt.datetime, booking_id=None) -> list[int]:
    """Minutes on offer from `slot` along `run` (the guide's slots from it, in time order):
    while they follow without a gap, free (or `booking_id`'s own) and not held for others."""
    takeable = takewhile(
        lambda s: s.booking_id in (None, booking_id) and not rules.is_held(s, now=now), run
    )
    return minutes_along(slot.starts_at, ((s.starts_at, s.ends_at) for s in takeable))


def slot_lengths(slot: Slot, *, now: dt.datetime, booking_id: int | None = None) -> list[int]:
    """Minutes on offer from `slot`: 15, and 30/45 while the guide's next slots are free.

    `booking_id`: a booking being moved may overlap its own slots.
    """
    return _lengths(
        slot, Slot.objects.run_from(slot, MAX_SLOTS_PER_BOOKING), now=now, booking_id=booking_id
    )


def slot_with_lengths(
    slot_id: int, *, slug: str, now: dt.datetime
) -> tuple[Slot | None, list[int]]:
    """The slot at the active library `slug` and the minutes on offer from it, in one query.

    The slot (with its library, guide and the guide's user) comes with the guide's next slots
    there; (None, []) when there is no such slot.
    """
    # Scalar subqueries, not a join to the wanted slot: PostgreSQL then reads the guide's
    # slots from the wanted start by the (guide, start) index and stops after three. A join
    # made it read and sort the guide's whole year (bench/explain/booking-form.txt).
    wanted = Slot.objects.filter(pk=slot_id).order_by()
    candidates = list(
        Slot.objects.select_related("library", "guide__user")
        .filter(
            guide_id=Subquery(wanted.values("guide_id")[:1]),
            library_id=Subquery(wanted.values("library_id")[:1]),
            starts_at__gte=Subquery(wanted.values("starts_at")[:1]),
            library__slug=slug,
            library__is_active=True,
        )
        .order_by("starts_at")[:MAX_SLOTS_PER_BOOKING]
    )
    if not candidates or candidates[0].pk != slot_id:
        return None, []
    return candidates[0], _lengths(candidates[0], candidates, now=now)


def nearest_free_slots(slot: Slot, *, now: dt.datetime, count: int = 5) -> list[Slot]:
    """Free times at the same library closest after the one a patron just missed."""
    later = bookable_slots(slot.library, now=now).filter(starts_at__gte=slot.starts_at)
    nearest = list(later[:count])
    if not nearest:
        nearest = list(bookable_slots(slot.library, now=now)[:count])
    return nearest


def resize_options(booking: Booking, *, now: dt.datetime) -> ResizeOptions:
    """Whether the booking can grow by the guide's next slot, or shrink by its last (1 query).

    The guide's slots from the booking's start to its end, both included: its own and the next.
    """
    run = list(
        Slot.objects.filter(
            guide_id=booking.guide_id,
            library_id=booking.library_id,
            starts_at__gte=booking.starts_at,
            starts_at__lte=booking.ends_at,
        ).order_by("starts_at")
    )
    slots = [slot for slot in run if slot.booking_id == booking.pk]
    if not slots or not booking.is_active:
        return ResizeOptions(len(slots), can_extend=False, can_shorten=False)
    # The next slot under the same rules a longer booking meets in the service.
    next_is_free = any(
        slot.starts_at == slots[-1].ends_at
        and slot.booking_id is None
        and rules.online_refusal(booking.library, slot, now=now) is None
        for slot in run
    )
    return ResizeOptions(
        len(slots),
        can_extend=next_is_free and len(slots) < MAX_SLOTS_PER_BOOKING,
        can_shorten=len(slots) > 1,
    )


def desk_slots(library: Library, day: dt.date, *, now: dt.datetime) -> list[Slot]:
    """Free times on one day for staff booking by phone: no online notice applies (one query)."""
    start = local_midnight(day)
    return list(
        Slot.objects.at(library)
        .bookable(now=now)
        .between(start, start + dt.timedelta(days=1))
        .select_related("guide")
        .order_by("starts_at", "guide__display_name")
    )


@dataclass(frozen=True)
class DeskTime:
    """A free time the desk may book, with the minutes on offer from it."""

    slot: Slot
    lengths: list[int]


@dataclass(frozen=True)
class DeskTimes:
    """The desk's next free times: whole days from `first_day`, and where to look on from."""

    days: list[tuple[dt.date, list[DeskTime]]]
    first_day: dt.date
    next_day: dt.date | None  # the day to show next ("Later times"); None: nothing later


DESK_WINDOW_DAYS = 7
DESK_WEEKS_SEARCHED = 8
DESK_TIMES_SHOWN = 60


def desk_free_times(
    libraries,
    *,
    start_day: dt.date,
    now: dt.datetime,
    guide_ids: list[int] | None = None,
    minutes: int | None = None,
    way: str | None = None,
) -> DeskTimes:
    """The next free times staff may book from `start_day` on, across `libraries` (a queryset)
    and, when given, only `guide_ids`' times that fit at least `minutes` and offer `way`: the
    first week that has any, so that an empty day or week is never a dead end (up to
    DESK_WEEKS_SEARCHED weeks ahead of the first free time). Whole days, about
    DESK_TIMES_SHOWN times at most. No online notice or horizon: the desk books any free time
    not held for the waiting list.

    Usually two queries: the first free time's day, then a week of times from it."""
    query = Slot.objects.filter(library__in=libraries).bookable(now=now)
    if guide_ids is not None:
        query = query.filter(guide_id__in=guide_ids)
    if way:
        query = query.filter(**{WAY_FIELDS[way]: True})
    start = max(local_midnight(start_day), now)
    first = query.filter(starts_at__gte=start).order_by("starts_at").values_list("starts_at")
    found = first.first()
    if found is None:
        return DeskTimes(days=[], first_day=start_day, next_day=None)
    day = timezone.localdate(found[0])
    last_day = day + dt.timedelta(weeks=DESK_WEEKS_SEARCHED)
    while day < last_day:
        window_end = local_midnight(day + dt.timedelta(days=DESK_WINDOW_DAYS))
        times = _desk_window(query.between(max(local_midnight(day), now), window_end), now=now)
        if minutes:
            times = [time for time in times if time.lengths[-1] >= minutes]
        if times:
            return _desk_days(times, start_day=start_day)
        day += dt.timedelta(days=DESK_WINDOW_DAYS)
    return DeskTimes(days=[], first_day=start_day, next_day=last_day)


def _desk_window(query, *, now: dt.datetime) -> list[DeskTime]:
    slots = list(
        query.select_related("guide", "library").order_by("guide_id", "library_id", "starts_at")
    )
    times = []
    for i, slot in enumerate(slots):
        run = [
            s
            for s in slots[i : i + MAX_SLOTS_PER_BOOKING]
            if (s.guide_id, s.library_id) == (slot.guide_id, slot.library_id)
        ]
        times.append(DeskTime(slot=slot, lengths=_lengths(slot, run, now=now)))
    times.sort(key=lambda t: (t.slot.starts_at, t.slot.guide.display_name, t.slot.library_id))
    return times


def _desk_days(times: list[DeskTime], *, start_day: dt.date) -> DeskTimes:
    days, shown = [], 0
    for day, group in groupby(times, key=lambda t: timezone.localdate(t.slot.starts_at)):
        if shown >= DESK_TIMES_SHOWN:
            return DeskTimes(days=days, first_day=start_day, next_day=day)
        group = list(group)
        days.append((day, group))
        shown += len(group)
    return DeskTimes(days=days, first_day=start_day, next_day=days[-1][0] + dt.timedelta(days=1))


SUBSTITUTE_WINDOW = dt.timedelta(days=14)


def substitute_times(
    bookings: list[Booking], *, now: dt.datetime, count: int = 6
) -> dict[int, list[Slot]]:
    """For each booking (all at one library), other guides' free times there where the whole
    visit fits (the same length), nearest to the booking's time first: where staff may move a
    booking whose guide cannot come. One query, two weeks either side of the bookings."""
    if not bookings:
        return {}
    candidates = list(
        Slot.objects.at(bookings[0].library)
        .bookable(now=now)
        .between(
            min(b.starts_at for b in bookings) - SUBSTITUTE_WINDOW,
            max(b.starts_at for b in bookings) + SUBSTITUTE_WINDOW,
        )
        .select_related("guide")
        .order_by("guide_id", "starts_at")
    )
    # The minutes on offer from each free time along its guide's next free times; a visit
    # staff made longer than patrons may still fits into a longer free run.
    offered = [
        (
            slot,
            _lengths(
                slot, [s for s in candidates[i : i + 12] if s.guide_id == slot.guide_id], now=now
            ),
        )
        for i, slot in enumerate(candidates)
    ]
    times = {}
    for booking in bookings:
        fitting = [
            slot
            for slot, lengths in offered
            if slot.guide_id != booking.guide_id
            and booking.minutes in lengths
            and booking.way in slot.ways
            and abs(slot.starts_at - booking.starts_at) < SUBSTITUTE_WINDOW
        ]
        fitting.sort(
            key=lambda slot, b=booking: (abs(slot.starts_at - b.starts_at), slot.starts_at)
        )
        times[booking.pk] = fitting[:count]
    return times

"""What a patron may book: free times grouped by day, lengths on offer, nearest alternatives."""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Subquery
from django.utils import timezone

from .models import Booking, Library, Slot
from .services import MAX_SLOTS_PER_BOOKING, consecutive_slots


@dataclass(frozen=True)
class ResizeOptions:
    slot_count: int
    can_extend: bool
    can_shorten: bool


@dataclass(frozen=True)
class FreeDay:
    day: dt.date
    slots: list[Slot]


def online_notice(library: Library) -> dt.timedelta:
    return dt.timedelta(minutes=library.min_notice_minutes)


def bookable_slots(library: Library, *, now: dt.datetime):
    """The free times patrons may book online at `library`, soonest first (one query)."""
    today = timezone.localdate(now)
    horizon_end = timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(weeks=library.booking_horizon_weeks), dt.time.min)
    )
    return (
        Slot.objects.at(library)
        .bookable(now=now, notice=online_notice(library))
        .filter(starts_at__lt=horizon_end)
        .select_related("guide")
        .order_by("starts_at", "guide__display_name")
    )


def free_days(library: Library, *, now: dt.datetime) -> list[FreeDay]:
    slots = bookable_slots(library, now=now)
    return [
        FreeDay(day=day, slots=list(group))
        for day, group in groupby(slots, key=lambda s: timezone.localdate(s.starts_at))
    ]


def slot_lengths(slot: Slot) -> list[int]:
    """Minutes on offer from `slot`: 15, and 30/45 while the guide's next slots are free."""
    lengths = []
    for slot_in_run in consecutive_slots(slot, MAX_SLOTS_PER_BOOKING):
        if slot_in_run.booking_id is not None:
            break
        lengths.append(int((slot_in_run.ends_at - slot.starts_at).total_seconds() // 60))
    return lengths


def slot_with_lengths(slot_id: int, *, slug: str) -> tuple[Slot | None, list[int]]:
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
    slot, lengths, run_end = candidates[0], [], candidates[0].starts_at
    for slot_in_run in candidates:
        if slot_in_run.starts_at != run_end or slot_in_run.booking_id is not None:
            break
        lengths.append(int((slot_in_run.ends_at - slot.starts_at).total_seconds() // 60))
        run_end = slot_in_run.ends_at
    return slot, lengths


def nearest_free_slots(slot: Slot, *, now: dt.datetime, count: int = 5) -> list[Slot]:
    """Free times at the same library closest after the one a patron just missed."""
    later = bookable_slots(slot.library, now=now).filter(starts_at__gte=slot.starts_at)
    nearest = list(later[:count])
    if not nearest:
        nearest = list(bookable_slots(slot.library, now=now)[:count])
    return nearest


def resize_options(booking: Booking) -> ResizeOptions:
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
    next_is_free = any(
        slot.starts_at == slots[-1].ends_at and slot.booking_id is None for slot in run
    )
    return ResizeOptions(
        len(slots),
        can_extend=next_is_free and len(slots) < MAX_SLOTS_PER_BOOKING,
        can_shorten=len(slots) > 1,
    )


def desk_slots(library: Library, day: dt.date, *, now: dt.datetime) -> list[Slot]:
    """Free times on one day for staff booking by phone: no online notice applies (one query)."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return list(
        Slot.objects.at(library)
        .bookable(now=now)
        .between(start, start + dt.timedelta(days=1))
        .select_related("guide")
        .order_by("starts_at", "guide__display_name")
    )

"""Today at each library, for the admin's front page: the bookings, who guides and when, and the
calls staff must still make. A fixed number of queries however many libraries there are."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from bookings.clock import day_bounds
from bookings.models import Booking, Library, Notification, Slot
from bookings.notifications import call_waiting


@dataclass(frozen=True)
class GuidingToday:
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass
class LibraryToday:
    library: Library
    bookings: int = 0
    to_call: int = 0
    guides: list[GuidingToday] = field(default_factory=list)


def libraries_today(libraries: QuerySet[Library], *, now: dt.datetime) -> list[LibraryToday]:
    """Each of `libraries` (by name) with today's bookings that stand (not cancelled), the guides
    with times there today (from their first to their last), and the calls waiting. Four
    queries: the libraries, then one grouped count or list each."""
    start, end = day_bounds(timezone.localdate(now), timezone.localdate(now))
    today = {row.pk: LibraryToday(row) for row in libraries.order_by("name")}
    ids = list(today)
    bookings = (
        Booking.objects.filter(library_id__in=ids, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Booking.Status.CANCELLED)
        .values("library_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in bookings:
        today[row["library_id"]].bookings = row["count"]
    guiding = (
        Slot.objects.filter(library_id__in=ids, starts_at__gte=start, starts_at__lt=end)
        .values("library_id", "guide_id", "guide__display_name")
        .annotate(first=Min("starts_at"), last=Max("ends_at"))
        .order_by("first", "guide__display_name")
    )
    for row in guiding:
        today[row["library_id"]].guides.append(
            GuidingToday(row["guide__display_name"], row["first"], row["last"])
        )
    calls = (
        Notification.objects.filter(call_waiting(now=now), library_id__in=ids)
        .values("library_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in calls:
        today[row["library_id"]].to_call = row["count"]
    return list(today.values())

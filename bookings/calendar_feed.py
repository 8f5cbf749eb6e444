"""A guide's private calendar feed: their bookings in Outlook or Google Calendar.

The guide makes a subscription address on their settings page. Its token is random
(`secrets.token_urlsafe`) and only its SHA-256 is stored: the address is shown once, like a
password, and a leaked database reveals no feed. Making a new one replaces the old (which then
answers 404), and the guide or a coordinator (an admin action) can revoke it.

The feed holds the guide's bookings from two weeks back to eight weeks ahead, as Helsinki
wall-clock times with a VTIMEZONE, each with a UID that stays the same for the booking, so a
calendar updates its copy when the time moves. Only what the guide needs to be ready: the time,
the library and its room, the patron's first name, the topics, and a link to the staff day
page; never a phone number, an e-mail address, a surname or the patron's own words.

A cancelled booking is left out rather than sent as STATUS:CANCELLED: a subscribed calendar
replaces its whole copy at each refresh, so an event that is gone is removed, in every client;
Outlook and Google show a cancelled event differently or not at all (docs/embed-and-feeds.md).
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from bookings.calendar_file import PRODID, event_sequence
from bookings.models import Booking, Guide
from bookings.models.private_link import hash_token

DAYS_BEFORE = 14
DAYS_AHEAD = 8 * 7


@transaction.atomic
def calendar_feed_create(*, guide: Guide, now: dt.datetime) -> str:
    """A new subscription address's token for `guide`; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    guide.calendar_feed_hash = hash_token(token)
    guide.calendar_feed_created_at = now
    guide.save(update_fields=["calendar_feed_hash", "calendar_feed_created_at"])
    return token


def calendar_feed_revoke(*, guide: Guide) -> Guide:
    """The guide's subscription address stops working (404) at once."""
    guide.calendar_feed_hash = None
    guide.calendar_feed_created_at = None
    guide.save(update_fields=["calendar_feed_hash", "calendar_feed_created_at"])
    return guide


def guide_for_token(token: str) -> Guide | None:
    """The active guide whose feed this token opens, with their staff account; else None."""
    if not token or len(token) > 100:
        return None
    return (
        Guide.objects.select_related("user")
        .filter(calendar_feed_hash=hash_token(token), is_active=True)
        .first()
    )


def feed_address(token: str) -> str:
    """The https (or the site's) address of the feed, in the active language."""
    return settings.SITE_URL.rstrip("/") + reverse("feeds:guide_calendar", args=[token])


def webcal_address(address: str) -> str:
    """The same address for calendars that subscribe when a webcal:// link is clicked."""
    return "webcal://" + address.split("://", 1)[-1]


def feed_bookings(guide: Guide, *, now: dt.datetime) -> list[Booking]:
    """The guide's bookings in the feed's window, cancelled ones left out: two queries."""
    return list(
        Booking.objects.filter(
            guide=guide,
            starts_at__gte=now - dt.timedelta(days=DAYS_BEFORE),
            starts_at__lt=now + dt.timedelta(days=DAYS_AHEAD),
        )
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("library")
        .prefetch_related("topics")
        .order_by("starts_at", "pk")
    )


def first_name(patron_name: str) -> str:
    """The first word of the name a patron gave: enough to greet them, no surname."""
    words = patron_name.split()
    return words[0] if words else ""


def _day_page(booking: Booking, guide: Guide) -> str:
    day = timezone.localdate(booking.starts_at)
    path = reverse("staff:library_day", args=[booking.library.slug])
    return f"{settings.SITE_URL.rstrip('/')}{path}?day={day.isoformat()}&guide={guide.pk}"


def _event(booking: Booking, guide: Guide, *, now: dt.datetime) -> Event:
    zone = timezone.get_default_timezone()
    library = booking.library
    name = first_name(booking.patron_name)
    topics = ", ".join(topic.name for topic in booking.topics.all())
    summary = gettext("Guidance: %(name)s") % {"name": name} if name else gettext("Guidance")
    if topics:
        summary = f"{summary} ({topics})"
    day_page = _day_page(booking, guide)
    lines = []
    if topics:
        lines.append(gettext("Topics: %(topics)s") % {"topics": topics})
    lines.append(gettext("The day at the library: %(url)s") % {"url": day_page})
    return Event.new(
        uid=f"guide-booking-{booking.pk}@digiopas",
        stamp=now,
        start=booking.starts_at.astimezone(zone),
        end=booking.ends_at.astimezone(zone),
        summary=summary,
        location=", ".join(part for part in (library.name, library.place) if part),
        description="\n".join(lines),
        url=day_page,
        status="CONFIRMED",
        sequence=event_sequence(booking, is_cancelled=False),
    )


def guide_feed_ics(guide: Guide, bookings: list[Booking], *, now: dt.datetime) -> bytes:
    """The feed as an iCalendar file, in the active language."""
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=gettext("Digital guidance: %(name)s") % {"name": guide.display_name},
        refresh_interval=dt.timedelta(hours=1),
        subcomponents=[_event(booking, guide, now=now) for booking in bookings],
    )
    # Outlook reads the older X-PUBLISHED-TTL rather than REFRESH-INTERVAL.
    calendar.add("x-published-ttl", dt.timedelta(hours=1))
    calendar.add_missing_timezones()
    return calendar.to_ical()

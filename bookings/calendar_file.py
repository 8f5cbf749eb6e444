"""The booking as an iCalendar file (.ics) that a patron adds to their calendar.

The times are written as local Helsinki wall-clock times with a VTIMEZONE, so a calendar shows
10.00 whatever zone its device is in and whichever side of a daylight-saving change the booking
falls. A cancelled booking is written as METHOD:CANCEL with the same UID and a higher SEQUENCE,
which tells a calendar that already has the event to remove it.
"""

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress

from bookings.models import Booking, Way

PRODID = "-//Digiopas//Digital guidance bookings//EN"


def booking_ics(booking: Booking, *, manage_url: str) -> bytes:
    """The booking as a one-event calendar, in the active language."""
    is_cancelled = booking.status == Booking.Status.CANCELLED
    library = booking.library
    local_zone = timezone.get_default_timezone()
    if is_cancelled:
        summary = gettext("Cancelled: digital guidance at %(library)s")
    else:
        summary = gettext("Digital guidance at %(library)s")
    event = Event.new(
        uid=f"booking-{booking.pk}@digiopas",
        stamp=timezone.now(),
        start=booking.starts_at.astimezone(local_zone),
        end=booking.ends_at.astimezone(local_zone),
        summary=summary % {"library": library.name},
        location=_location(booking),
        description=_description(booking, manage_url=manage_url),
        url=manage_url,
        status="CANCELLED" if is_cancelled else "CONFIRMED",
        sequence=event_sequence(booking, is_cancelled=is_cancelled),
    )
    if library.email:
        # iTIP (RFC 5546) wants an organizer on PUBLISH and CANCEL; the library is the one to ask.
        organizer = vCalAddress(f"mailto:{library.email}")
        organizer.params["CN"] = library.name
        event.add("organizer", organizer)
    calendar = Calendar.new(
        prodid=PRODID,
        method="CANCEL" if is_cancelled else "PUBLISH",
        subcomponents=[event],
    )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _location(booking: Booking) -> str:
    """Where the calendar says the visit is: the library, the meeting link, or "By phone"."""
    if booking.way == Way.VIDEO and booking.meeting_link:
        return booking.meeting_link
    if booking.way != Way.LIBRARY:
        return str(booking.get_way_display())
    library = booking.library
    return ", ".join(part for part in (library.name, library.address, library.place) if part)


def _description(booking: Booking, *, manage_url: str) -> str:
    lines = [gettext("Guide: %(name)s") % {"name": booking.guide.display_name}]
    if booking.how_to_join:
        lines.insert(0, booking.how_to_join)
    if booking.device:
        lines.append(gettext("Device: %(device)s") % {"device": booking.device.name})
    topics = [topic.name for topic in booking.topics.all()]
    if topics:
        lines.append(gettext("Topics: %(topics)s") % {"topics": ", ".join(topics)})
    lines.append(gettext("See, change or cancel your booking: %(url)s") % {"url": manage_url})
    return "\n".join(lines)


def event_sequence(booking: Booking, *, is_cancelled: bool) -> int:
    """A calendar replaces its copy of an event only with one of a higher SEQUENCE.

    Every change of a booking (a new time, a longer time, a cancellation) saves it and so moves
    `updated_at`; the seconds since it was made therefore only grow, with no counter to keep.
    """
    # Never below 0 (calendars refuse it): `created_at` is the booking service's `now`, which a
    # caller such as a test or a command may pass from before the save's own clock reading.
    sequence = max(int((booking.updated_at - booking.created_at).total_seconds()), 0)
    # A cancellation must outrank the confirmation even when both fall within one second.
    return max(sequence, 1) if is_cancelled else sequence

"""The booking rules, one function each, called by every path that books or moves a time.

The paths: the online booking form, a patron's change of time and longer/shorter, the staff
desk (booking and moving), the waiting list's offers and their acceptance, the admin and the
management commands. The rules: the online notice, the booking horizon, waiting-list holds, the
per-patron limit, a guide in one place at a time, and the way of guidance a time offers. Each
rule raises a ValidationError with a translated message a patron (or the staff member) can act
on; the pages that list times ask the same functions, so nothing is offered that a rule would
then refuse.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.clock import local_midnight
from bookings.models import Booking, Library, Slot, Way

# Online patrons may book up to three consecutive 15-minute slots (45 minutes).
MAX_SLOTS_PER_BOOKING = 3


def online_notice(library: Library) -> dt.timedelta:
    """How long before a time online booking closes (staff may still book it)."""
    return dt.timedelta(minutes=library.min_notice_minutes)


def online_deadline(library: Library, starts_at: dt.datetime) -> dt.datetime:
    """The last moment a patron may book a time starting at `starts_at` online."""
    return starts_at - online_notice(library)


def horizon_end(library: Library, *, now: dt.datetime) -> dt.datetime:
    """Local midnight after the last day patrons may book online (the horizon)."""
    last_day = timezone.localdate(now) + dt.timedelta(weeks=library.booking_horizon_weeks)
    return local_midnight(last_day)


def check_not_past(starts_at: dt.datetime, *, now: dt.datetime) -> None:
    if starts_at < now:
        raise ValidationError(
            _("This time has already passed. Please choose another time."), code="past"
        )


def check_online_time(library: Library, starts: list[dt.datetime], *, now: dt.datetime) -> None:
    """Times a patron takes online: after the notice and within the horizon.

    `starts` are those of the slots newly taken (all of a new booking, the added one of a
    longer one), at `library`.
    """
    if not starts:
        return
    check_not_past(min(starts), now=now)
    if now > online_deadline(library, min(starts)):
        raise ValidationError(
            _(
                "This time is too soon to book online. "
                "Please choose a later time or call the library."
            ),
            code="too_soon",
        )
    if max(starts) >= horizon_end(library, now=now):
        weeks = library.booking_horizon_weeks
        raise ValidationError(
            ngettext(
                "Times can be booked online up to %(weeks)d week ahead. "
                "Please choose an earlier time or call the library.",
                "Times can be booked online up to %(weeks)d weeks ahead. "
                "Please choose an earlier time or call the library.",
                weeks,
            )
            % {"weeks": weeks},
            code="too_far",
        )


def is_held(slot: Slot, *, now: dt.datetime, for_entry_id: int | None = None) -> bool:
    """Whether `slot` is kept for a patron on the waiting list other than `for_entry_id`."""
    return (
        slot.held_until is not None
        and slot.held_until > now
        and slot.held_for_id is not None
        and slot.held_for_id != for_entry_id
    )


def check_not_held(slots: list[Slot], *, now: dt.datetime, for_entry_id: int | None = None):
    """Nobody but the waiting patron it is offered to may take a held time, on any path."""
    if any(is_held(slot, now=now, for_entry_id=for_entry_id) for slot in slots):
        raise ValidationError(
            _(
                "This time is kept for a patron on the waiting list for now. "
                "Please choose another time."
            ),
            code="held",
        )


def online_refusal(library: Library, slot: Slot, *, now: dt.datetime) -> ValidationError | None:
    """Why a patron may not take `slot` at `library` online now (the notice, the horizon, a
    waiting-list hold), or None: for the pages that list or open times, so that they offer
    nothing the service would then refuse."""
    try:
        check_online_time(library, [slot.starts_at], now=now)
        check_not_held([slot], now=now)
    except ValidationError as error:
        return error
    return None


def check_contact_limit(library: Library, *, phone: str, email: str, now: dt.datetime) -> None:
    """Upcoming online bookings per phone number or e-mail, counted at `library` only: each
    library sets its own limit, so bookings elsewhere do not count against it."""
    contact = Q()
    if phone:
        contact |= Q(phone=phone)
    if email:
        contact |= Q(email__iexact=email)
    active = Booking.objects.filter(
        contact, library=library, status=Booking.Status.BOOKED, ends_at__gt=now
    ).count()
    if active >= library.max_active_bookings:
        raise ValidationError(
            ngettext(
                "You already have %(count)d upcoming guidance time, which is as many as one "
                "person can book online. Please call the library if you need another.",
                "You already have %(count)d upcoming guidance times, which is as many as one "
                "person can book online. Please call the library if you need another.",
                active,
            )
            % {"count": active},
            code="limit",
        )


def guide_overlaps(
    *, guide_id: int, starts_at: dt.datetime, ends_at: dt.datetime, exclude_pk: int | None = None
):
    """The guide's slots (at any library) that overlap the given time."""
    overlapping = Slot.objects.filter(
        guide_id=guide_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    return overlapping


def check_guide_free(
    *, guide_id: int, starts_at: dt.datetime, ends_at: dt.datetime, exclude_pk: int | None = None
) -> None:
    """A guide is in one place at a time: no two of their slots overlap, at any library.

    On PostgreSQL the database refuses it as well (an exclusion constraint, migration 0011).
    """
    clash = (
        guide_overlaps(
            guide_id=guide_id, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk
        )
        .select_related("library")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _(
                "The guide already has a time from %(time)s at %(library)s that overlaps "
                "this one. A guide can be in one place at a time."
            )
            % {
                "time": formats.date_format(
                    timezone.localtime(clash.starts_at), "SHORT_DATETIME_FORMAT"
                ),
                "library": clash.library.name,
            },
            code="overlap",
        )


def check_way(slots: list[Slot], way: str, *, phone: str) -> None:
    """Every slot of the visit offers `way`; guidance by phone needs the patron's number."""
    if any(way not in slot.ways for slot in slots):
        raise ValidationError(
            _("This time is not offered %(way)s. Please choose another way or another time.")
            % {"way": str(Way(way).label).lower()},
            code="way",
        )
    if way == Way.PHONE and not phone:
        raise ValidationError(
            _("For guidance by phone, please give the phone number the guide should call."),
            code="way_phone",
        )

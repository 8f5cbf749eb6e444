"""Writes to slots and bookings: making slots, booking, changing, cancelling, attendance,
closures, and booking a time offered from the waiting list.

The other writes have homes of their own: the waiting list's entries and holds
(`waiting_list.py`), messages (`notifications.py`), erasure and the access log (`privacy.py`).
The admin edits a booking's contact details and need directly; anything that frees or takes a
slot comes here.
"""

import bisect
import datetime as dt
import functools
import secrets
from collections import defaultdict
from collections.abc import Iterable

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings import feedback, notifications, rules, waiting_list
from bookings.availability_cache import free_times_changed
from bookings.bulk_insert import insert_rows
from bookings.clock import day_bounds, wall_clock
from bookings.library_list_cache import libraries_changed
from bookings.models import (
    WAY_FIELDS,
    Booking,
    Closure,
    DeviceType,
    Guide,
    Library,
    Notification,
    Referral,
    Slot,
    Topic,
    WaitingListEntry,
    WeeklySchedule,
)
from bookings.models.private_link import token_hash_for


class SlotTaken(ValidationError):
    """Somebody else booked (part of) the time between page load and submit."""

    def __init__(self) -> None:
        super().__init__(_("That time was just taken by someone else."), code="taken")


class AlreadyBooked(ValidationError):
    """This very booking form was sent before and made its booking (its link secret is taken)."""

    def __init__(self) -> None:
        super().__init__(_("This form has already been sent."), code="already_booked")


class TooShort(ValidationError):
    """Fewer consecutive minutes are free from the new time than the booking lasts: a change
    of time never shortens a visit silently."""

    def __init__(self, *, free_minutes: int) -> None:
        super().__init__(
            _(
                "From this time only %(free)d minutes are free, and the visit needs more. "
                "Please choose another time, or make the visit shorter first."
            )
            % {"free": free_minutes},
            code="too_short",
        )


def _run_minutes(slots: list[Slot]) -> int:
    return int((slots[-1].ends_at - slots[0].starts_at).total_seconds() // 60) if slots else 0


def library_changed(*library_ids: int) -> None:
    """Libraries were added, edited or removed (the admin, the demo data): their free-times
    pages (details, rules) and the list of libraries are rendered afresh."""
    free_times_changed(*library_ids)
    libraries_changed()


def guide_changed(*library_ids: int) -> None:
    """A guide was edited in the admin: their name, languages and whether they take bookings
    show on the free-times pages of their libraries."""
    free_times_changed(*library_ids)


def closure_changed(*library_ids: int) -> None:
    """A closure was edited, moved to another library or removed (the admin): the free-times
    pages of its libraries, which name it in its place, change. (A new or edited closure's free
    slots go through `closure_apply`.)"""
    free_times_changed(*library_ids)


def slot_saved(*, slot: Slot, previous_library_id: int | None, now: dt.datetime) -> None:
    """A slot was added or edited by hand (the admin). Both its libraries' free-times pages
    change, and a free time goes to the waiting list first, as generated slots do."""
    free_times_changed(slot.library_id, previous_library_id)
    if slot.booking_id is None:
        transaction.on_commit(
            lambda: waiting_list.waiting_list_offer(library=slot.library, now=now)
        )


def slot_deleted(*, library_id: int) -> None:
    """A free slot was removed by hand (the admin)."""
    free_times_changed(library_id)


def slots_generate(
    *,
    start_on: dt.date,
    weeks: int,
    schedules: Iterable[WeeklySchedule] | None = None,
) -> int:
    """Make the slots of the weekly schedules for `weeks` weeks from `start_on`.

    Idempotent: existing slots (booked or not) are left alone and never made twice. Days that
    are Finnish public holidays or fall in a closure get no slots. Returns how many were made.
    """
    end_on = start_on + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    if schedules is None:
        schedules = WeeklySchedule.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start_on),
            valid_from__lte=end_on,
            guide__is_active=True,
            library__is_active=True,
        )
    schedules = list(schedules)
    if not schedules:
        return 0
    public_holidays = holidays.country_holidays("FI", years=range(start_on.year, end_on.year + 1))
    closed = _closed_days(start_on, end_on)
    range_start, range_end = day_bounds(start_on, end_on)
    # A guide is in one place at a time: a new slot may not overlap any of the guide's slots,
    # at any library, made before or in this run (two schedules can cover the same hours).
    taken: defaultdict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for guide_id, starts_at, ends_at in Slot.objects.filter(
        guide_id__in={s.guide_id for s in schedules},
        starts_at__lt=range_end,
        ends_at__gt=range_start,
    ).values_list("guide_id", "starts_at", "ends_at"):
        taken[guide_id].append((starts_at, ends_at))
    for intervals in taken.values():
        intervals.sort()

    # Thousands of schedules share a few opening hours: each day's times are worked out once.
    times_of_day = functools.cache(_times_of_day)
    new_slots = []
    for offset in range((end_on - start_on).days + 1):
        day = start_on + dt.timedelta(days=offset)
        if day in public_holidays:
            continue
        for schedule in schedules:
            if not schedule.applies_on(day) or day in closed[(schedule.library_id, None)]:
                continue
            if day in closed[(schedule.library_id, schedule.guide_id)]:
                continue
            times = times_of_day(day, schedule.start_time, schedule.end_time, schedule.slot_minutes)
            intervals = taken[schedule.guide_id]
            for starts_at, ends_at in times:
                if _overlaps(intervals, starts_at, ends_at):
                    continue
                bisect.insort(intervals, (starts_at, ends_at))
                new_slots.append(
                    (
                        schedule.guide_id,
                        schedule.library_id,
                        starts_at,
                        ends_at,
                        schedule.at_library,
                        schedule.by_phone,
                        schedule.by_video,
                    )
                )
    # Plain rows, not bulk_create: a national network makes hundreds of thousands at a time.
    # Conflicts ignored: a run racing this one may have made the same slots meanwhile.
    columns = ["guide_id", "library_id", "starts_at", "ends_at", *WAY_FIELDS.values()]
    insert_rows(Slot, columns, new_slots, ignore_conflicts=True)
    free_times_changed(*{row[1] for row in new_slots})
    return len(new_slots)


def _overlaps(
    intervals: list[tuple[dt.datetime, dt.datetime]], starts_at: dt.datetime, ends_at: dt.datetime
) -> bool:
    """Whether [starts_at, ends_at) overlaps any of the sorted, non-overlapping `intervals`."""
    index = bisect.bisect_left(intervals, (starts_at, ends_at))
    before = intervals[index - 1] if index else None
    after = intervals[index] if index < len(intervals) else None
    return bool((before and before[1] > starts_at) or (after and after[0] < ends_at))


def _closed_days(start_on: dt.date, end_on: dt.date) -> defaultdict[tuple, set[dt.date]]:
    """Closed days by (library, guide); a whole library's closures under (library, None)."""
    closed: defaultdict[tuple, set[dt.date]] = defaultdict(set)
    for closure in Closure.objects.filter(starts_on__lte=end_on, ends_on__gte=start_on):
        day, last = max(closure.starts_on, start_on), min(closure.ends_on, end_on)
        while day <= last:
            closed[(closure.library_id, closure.guide_id)].add(day)
            day += dt.timedelta(days=1)
    return closed


def _times_of_day(
    day: dt.date, start: dt.time, end: dt.time, minutes: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """A schedule's (start, end) pairs on `day` in UTC; wall-clock times DST skips are left out."""
    length = dt.timedelta(minutes=minutes)
    times = []
    wall = dt.datetime.combine(day, start)
    last_end = dt.datetime.combine(day, end)
    while wall + length <= last_end:
        starts_at = wall_clock(day, wall.time())
        wall += length
        if starts_at is None:
            continue
        # Real elapsed time, so a slot touching the DST jump still lasts its length.
        starts_at = starts_at.astimezone(dt.UTC)
        times.append((starts_at, starts_at + length))
    return times


def booking_create(
    *,
    slot: Slot,
    slot_count: int = 1,
    patron_name: str,
    phone: str = "",
    email: str = "",
    device: DeviceType | None = None,
    topics: Iterable[Topic] = (),
    need: str = "",
    language: str = "fi",
    channel: str = Booking.Channel.ONLINE,
    way: str | None = None,
    video_link: str = "",
    feedback_allowed: bool = True,
    waiting_entry: WaitingListEntry | None = None,
    link_secret: str | None = None,
    now: dt.datetime,
) -> Booking:
    """Book `slot_count` consecutive slots from `slot` for a patron.

    `way`: how they are guided, one the time offers; None takes the time's first (at the
    library, where it is offered).

    Raises SlotTaken when any of the slots is no longer free, and ValidationError for a time
    that cannot be booked. Either the booking and all its slots are saved, or nothing is.
    `link_secret` (128 random bits, hex) is chosen here unless the booking form chose it.
    """
    if not phone and not email:
        raise ValidationError(_("Please give a phone number or an e-mail address."))
    if not 1 <= slot_count <= rules.MAX_SLOTS_PER_BOOKING:
        raise ValidationError(_("A booking can be 15 to 45 minutes long."))
    rules.check_not_past(slot.starts_at, now=now)
    link_secret = link_secret or secrets.token_hex(16)  # 128 random bits behind the link
    try:
        return _booking_insert(
            slot=slot,
            slot_count=slot_count,
            # A waiting patron accepts their offer online, whoever put them on the list.
            online=channel == Booking.Channel.ONLINE or waiting_entry is not None,
            waiting_entry=waiting_entry,
            topics=topics,
            now=now,
            fields={
                "patron_name": patron_name,
                "phone": phone,
                "email": email,
                "device": device,
                "need": need,
                "language": language,
                "channel": channel,
                "way": way,
                "video_link": video_link,
                "feedback_allowed": feedback_allowed,
                "link_secret": link_secret,
                "token_hash": token_hash_for(link_secret),
            },
        )
    except IntegrityError:
        # The link secret is unique: the same booking form, sent again, made its booking
        # before (one since cancelled, or a second send racing the first).
        if Booking.objects.filter(token_hash=token_hash_for(link_secret)).exists():
            raise AlreadyBooked from None
        raise


def _booking_insert(
    *, slot: Slot, slot_count: int, online: bool, waiting_entry, topics, now, fields: dict
) -> Booking:
    """The booking row and its slots, in one transaction, once the rules allow it.

    The rules read the locked slots and, joined to them in the same query, their library and
    guide: the queries are the same whatever the caller loaded.
    """
    with transaction.atomic():
        slots = Slot.objects.run_from(
            slot, slot_count, lock=True, related=("library", "guide__user")
        )
        if not slots or slots[0].pk != slot.pk or len(slots) < slot_count:
            raise SlotTaken
        library, guide = slots[0].library, slots[0].guide
        if online:
            rules.check_online_time(library, [s.starts_at for s in slots], now=now)
            rules.check_contact_limit(
                library, phone=fields["phone"], email=fields["email"], now=now
            )
        rules.check_not_held(slots, now=now, for_entry_id=getattr(waiting_entry, "pk", None))
        if any(s.booking_id for s in slots):
            raise SlotTaken
        fields["way"] = fields["way"] or slots[0].ways[0]
        rules.check_way(slots, fields["way"], phone=fields["phone"])
        booking = Booking.objects.create(
            library=library,
            guide=guide,  # with its user, for the guide's notice
            starts_at=slots[0].starts_at,
            ends_at=slots[-1].ends_at,
            created_at=now,
            **fields,
        )
        # The guard against double booking: the database takes a slot only while it is free.
        taken = (
            Slot.objects.filter(pk__in=[s.pk for s in slots], booking__isnull=True)
            # The database refuses a held time as well.
            .unheld(now=now, for_entry_id=getattr(waiting_entry, "pk", None))
            .update(booking=booking)
        )
        if taken != len(slots):
            raise SlotTaken
        free_times_changed(library.pk)
        booking.topics.add(*topics)  # a new booking: nothing to compare with, unlike set()
        notifications.notify_booking_event(booking, Notification.Kind.CONFIRMATION, now=now)
    return booking


def _closure_slots(closure: Closure):
    start, end = day_bounds(closure.starts_on, closure.ends_on)
    covered = Slot.objects.filter(library=closure.library, starts_at__gte=start, starts_at__lt=end)
    if closure.guide_id:
        covered = covered.filter(guide_id=closure.guide_id)
    return covered


def closure_bookings(*, closure: Closure):
    """The active bookings a closure overlaps, in time order (a read: changes nothing)."""
    return (
        Booking.objects.filter(
            pk__in=_closure_slots(closure).exclude(booking__isnull=True).values("booking_id"),
            status=Booking.Status.BOOKED,
        )
        .select_related("guide", "library")
        .order_by("starts_at")
    )


def closure_apply(*, closure: Closure) -> list[Booking]:
    """Remove the free slots a closure covers; return the active bookings it overlaps.

    Booked slots are kept: staff decide what happens to those patrons.
    """
    _closure_free_slots_remove(closure)
    return list(closure_bookings(closure=closure))


def _closure_free_slots_remove(closure: Closure) -> None:
    _closure_slots(closure).free().delete()
    free_times_changed(closure.library_id)


def _check_patron_may_change(booking: Booking, *, now: dt.datetime, by_staff: bool) -> None:
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("This booking is no longer active."), code="inactive")
    if not by_staff and not booking.can_be_changed_online(now):
        raise ValidationError(
            _("It is too late to change this time online. Please call the library."),
            code="too_late",
        )


def _locked_for_change(booking: Booking, *, now: dt.datetime, by_staff: bool) -> Booking:
    """The booking read again under a row lock, once it may still be changed (in a transaction).

    of=("self",): the booking row only. Locking the joined library row too would block every
    new booking's insert there (its foreign key) and deadlock a patron booking the next time
    while this one is made longer (the reliability suite).
    """
    booking = (
        Booking.objects.select_for_update(of=("self",)).select_related("library").get(pk=booking.pk)
    )
    _check_patron_may_change(booking, now=now, by_staff=by_staff)
    return booking


def booking_cancel(
    *,
    booking: Booking,
    now: dt.datetime,
    by_staff: bool = False,
    by_library: bool = False,
    reason: str = "",
    closure: Closure | None = None,
) -> Booking:
    """Cancel the booking and free its slots for others.

    `by_staff`: staff may cancel inside the online deadline. `by_library`: the library itself
    cancels the time (not the patron, who may also ask staff to cancel); the patron is told so,
    with `reason` or the reason of the `closure` it is cancelled for.
    """
    if closure is not None:
        by_library = True
    with transaction.atomic():
        booking = _locked_for_change(booking, now=now, by_staff=by_staff or by_library)
        booking.status = Booking.Status.CANCELLED
        booking.is_cancelled_by_library = by_library
        booking.cancellation_reason = reason.strip()[:200] if by_library else ""
        booking.cancelled_for_closure = closure
        booking.save(
            update_fields=[
                "status",
                "is_cancelled_by_library",
                "cancellation_reason",
                "cancelled_for_closure",
                "updated_at",
            ]
        )
        Slot.objects.filter(booking=booking).update(booking=None)
        free_times_changed(booking.library_id)
        notifications.notify_booking_event(booking, Notification.Kind.CANCELLATION, now=now)
        transaction.on_commit(lambda: _offer_to_waiting_list(booking.library, now=now))
    return booking


def waiting_list_offer_accept(*, entry: WaitingListEntry, now: dt.datetime) -> Booking:
    """Book the time held for this waiting patron. Raises ValidationError if the offer has
    lapsed (the patron stays on the list)."""
    with transaction.atomic():
        entry = (
            WaitingListEntry.objects.select_for_update(of=("self",))
            .select_related("offered_slot__library")
            .get(pk=entry.pk)
        )
        if not entry.offer_is_open(now):
            raise ValidationError(
                _("This offer is no longer open. You are still on the waiting list."),
                code="offer_closed",
            )
        booking = booking_create(
            slot=entry.offered_slot,
            patron_name=entry.patron_name,
            phone=entry.phone,
            email=entry.email,
            need=entry.need,
            language=entry.language,
            channel=entry.channel,
            waiting_entry=entry,
            now=now,
        )
        waiting_list.hold_release(entry)
        entry.status, entry.booking, entry.ended_at = WaitingListEntry.Status.BOOKED, booking, now
        entry.save(update_fields=["status", "booking", "ended_at"])
    return booking


def _offer_to_waiting_list(library, *, now: dt.datetime) -> None:
    waiting_list.waiting_list_offer(library=library, now=now)


def booking_reschedule(
    *,
    booking: Booking,
    first_slot: Slot,
    slot_count: int,
    now: dt.datetime,
    by_staff: bool = False,
    way: str | None = None,
) -> Booking:
    """Move the booking to `slot_count` consecutive slots from `first_slot`, guided `way`
    (None: the way it has, which the new time must offer too).

    Also how a booking is made longer or shorter (same first slot, one slot more or less).
    The old slots are freed and the new ones taken in one transaction: if any new slot was
    taken meanwhile, SlotTaken is raised and the booking keeps its old time.
    """
    if not 1 <= slot_count <= rules.MAX_SLOTS_PER_BOOKING and not by_staff:
        raise ValidationError(_("A booking can be 15 to 45 minutes long."))
    rules.check_not_past(first_slot.starts_at, now=now)
    with transaction.atomic():
        booking = _locked_for_change(booking, now=now, by_staff=by_staff)
        wanted = Slot.objects.run_from(first_slot, slot_count)
        if len(wanted) < slot_count:
            raise TooShort(free_minutes=_run_minutes(wanted))
        # Lock the old and the new slots together, in one order, so that crossing moves queue.
        locked = list(
            Slot.objects.select_for_update()
            .filter(Q(pk__in=[s.pk for s in wanted]) | Q(booking=booking))
            .order_by("guide_id", "starts_at")
        )
        wanted_ids = {s.pk for s in wanted}
        new = [s for s in locked if s.pk in wanted_ids and s.booking_id != booking.pk]
        if any(s.booking_id is not None for s in new):
            raise SlotTaken
        if not new and {s.pk for s in locked if s.booking_id == booking.pk} == wanted_ids:
            return booking  # the same time and length: nothing to change, nobody to tell
        # The held check reads the locked rows: a hold made meanwhile is seen, never overrun.
        rules.check_not_held(new, now=now)
        if not by_staff:
            rules.check_online_time(first_slot.library, [s.starts_at for s in new], now=now)
        booking.way = way or booking.way
        rules.check_way(wanted, booking.way, phone=booking.phone)
        Slot.objects.filter(booking=booking).exclude(pk__in=wanted_ids).update(booking=None)
        taken = (
            Slot.objects.filter(Q(booking__isnull=True) | Q(booking=booking), pk__in=wanted_ids)
            .unheld(now=now)
            .update(booking=booking)
        )
        if taken != slot_count:
            raise SlotTaken
        free_times_changed(booking.library_id, first_slot.library_id)
        booking.starts_at, booking.ends_at = wanted[0].starts_at, wanted[-1].ends_at
        booking.guide_id, booking.library_id = first_slot.guide_id, first_slot.library_id
        booking.save(
            update_fields=["starts_at", "ends_at", "guide", "library", "way", "updated_at"]
        )
        notifications.notify_booking_event(booking, Notification.Kind.CHANGE, now=now)
    return booking


ATTENDANCE_STATUSES = (Booking.Status.BOOKED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)


def booking_record_attendance(
    *,
    booking: Booking,
    status: str,
    staff_notes: str,
    now: dt.datetime,
    outcome: str = "",
    referral: Referral | None = None,
) -> Booking:
    """The guide marks a booking attended or no-show (or back to booked) and keeps a short note;
    for an attended visit, what came of it if they say (`outcome`, and where the patron was
    `referral` to). A visit not attended has no outcome.

    The slots stay with the booking either way: the time was used, or held, for this patron.
    A visit marked attended opens its feedback form (`feedback.feedback_invite`).
    """
    if status not in ATTENDANCE_STATUSES:
        raise ValidationError(_("Choose attended, did not come, or booked."), code="status")
    if status != Booking.Status.ATTENDED:
        outcome, referral = "", None
    if outcome and outcome not in Booking.Outcome.values:
        raise ValidationError(_("Please choose an outcome from the list."), code="outcome")
    if outcome == Booking.Outcome.REFERRED and referral is None:
        raise ValidationError(_("Please choose where the patron was referred."), code="referral")
    if outcome != Booking.Outcome.REFERRED:
        referral = None
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            raise ValidationError(_("A cancelled booking cannot be marked."), code="cancelled")
        booking.status = status
        booking.staff_notes = staff_notes
        booking.outcome, booking.referral = outcome, referral
        booking.save(update_fields=["status", "staff_notes", "outcome", "referral", "updated_at"])
        if status == Booking.Status.ATTENDED:
            feedback.feedback_invite(booking=booking, now=now)
    return booking


def slots_remove_free(*, slots) -> int:
    """Delete the free ones among `slots`; booked slots are never removed."""
    free = slots.filter(booking__isnull=True)
    free_times_changed(*free.values_list("library_id", flat=True).distinct())
    removed, _ = free.delete()
    return removed


def closure_cancel_bookings(
    *, closure: Closure, booking_ids: Iterable[int], now: dt.datetime
) -> list[Booking]:
    """Cancel the chosen bookings a closure overlaps (staff confirmed); the patrons are told.

    Each remembers the closure, whose page keeps listing the patrons staff should call.
    """
    chosen = closure_bookings(closure=closure).filter(pk__in=list(booking_ids))
    cancelled = []
    with transaction.atomic():
        for booking in chosen:
            # The closure is saved with the cancellation, so the message (sent after the
            # commit) already knows the library cancelled the time, and why.
            cancelled.append(booking_cancel(booking=booking, now=now, closure=closure))
        # The freed times fall in the closure: they go with its other free times before the
        # waiting list (offered after the commit) or the free-times page could show them.
        _closure_free_slots_remove(closure)
    return cancelled


def guide_absence_record(
    *,
    guide: Guide,
    library: Library,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str = "",
    now: dt.datetime,
) -> Closure:
    """A guide cannot come for a day or a period: their closure at `library`, applied at once
    (their free times there go; their bookings wait for staff to move or cancel each one).

    The patrons read the reason in their own language: the plain "the guide cannot come" in
    each, or what staff wrote, in the language staff wrote it in.
    """
    if ends_on < starts_on:
        raise ValidationError(_("The last day cannot be before the first day."), code="order")
    if ends_on < timezone.localdate(now):
        raise ValidationError(_("These days are already past."), code="past")
    if not guide.libraries.filter(pk=library.pk).exists():
        raise ValidationError(_("This guide does not guide at this library."), code="library")
    reasons = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reasons[f"reason_{code}"] = _("The guide cannot come")
    if reason.strip():
        written_in = translation.get_language()
        if written_in not in dict(settings.LANGUAGES):
            written_in = settings.LANGUAGE_CODE
        reasons[f"reason_{written_in}"] = reason.strip()[:200]
    with transaction.atomic():
        closure = Closure.objects.create(
            library=library, guide=guide, starts_on=starts_on, ends_on=ends_on, **reasons
        )
        closure_apply(closure=closure)
    return closure


def closure_booking_move(
    *, closure: Closure, booking: Booking, first_slot: Slot, now: dt.datetime
) -> Booking:
    """Move a booking out of a guide's closure to another guide's free time at the same
    library, the same length; the patron is told of the change in their language."""
    if not closure_bookings(closure=closure).filter(pk=booking.pk).exists():
        raise ValidationError(_("This booking is no longer in the period."), code="not_in")
    if first_slot.library_id != closure.library_id or first_slot.guide_id == booking.guide_id:
        raise ValidationError(
            _("Choose a free time of another guide at the same library."), code="elsewhere"
        )
    return booking_reschedule(
        booking=booking,
        first_slot=first_slot,
        slot_count=booking.slots.count() or 1,
        now=now,
        by_staff=True,
    )

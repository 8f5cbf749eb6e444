"""The waiting list: patrons for whom no time suited, offered the first matching time that frees up.

An offered slot is held for the patron (`Slot.held_for`/`held_until`) for
`WAITING_LIST_OFFER_HOURS`; nobody else can book it meanwhile. When the offer lapses, or the
patron lets it pass, the hold is released and the time goes to the next in line.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bookings import notifications, rules
from bookings.availability import bookable_slots
from bookings.availability_cache import free_times_changed
from bookings.models import Booking, Library, PartOfDay, Slot, WaitingListEntry
from bookings.models.private_link import token_hash_for

Status = WaitingListEntry.Status

# An offer gives the patron at least this long to answer; a time whose online booking closes
# sooner is left for others rather than offered in a hold the patron could not use.
MIN_OFFER_WINDOW = dt.timedelta(minutes=30)


def offer_expires_at(library: Library, slot: Slot, *, now: dt.datetime) -> dt.datetime:
    """Until when an offer of `slot` is held: the hold's hours, but never past the moment
    online booking of the time closes, so an offer can always be accepted while it is open."""
    hold = now + dt.timedelta(hours=settings.WAITING_LIST_OFFER_HOURS)
    return min(hold, rules.online_deadline(library, slot.starts_at))


def waiting_list_join(
    *,
    library: Library,
    patron_name: str,
    phone: str = "",
    email: str = "",
    weekdays: list[int] | None = None,
    part_of_day: str = PartOfDay.ANY,
    need: str = "",
    language: str = "fi",
    channel: str = Booking.Channel.ONLINE,
    now: dt.datetime,
) -> WaitingListEntry:
    """Put the patron in line and send them the link to their place (by e-mail or text
    message, after commit)."""
    if not phone and not email:
        raise ValidationError(_("Please give a phone number or an e-mail address."))
    if part_of_day not in PartOfDay.values:
        raise ValidationError(_("Please choose mornings, afternoons or any time of day."))
    link_secret = secrets.token_hex(16)
    with transaction.atomic():
        entry = WaitingListEntry.objects.create(
            library=library,
            patron_name=patron_name,
            phone=phone,
            email=email,
            weekdays=sorted(set(weekdays or [])),
            part_of_day=part_of_day,
            need=need,
            language=language,
            channel=channel,
            link_secret=link_secret,
            token_hash=token_hash_for(link_secret),
            created_at=now,
        )
        notifications.notify_waiting_joined(entry, now=now)
    return entry


def hold_release(entry: WaitingListEntry) -> None:
    """The time held for `entry` (if any) is free for everyone again."""
    Slot.objects.filter(held_for=entry).update(held_for=None, held_until=None)
    free_times_changed(entry.library_id)


def waiting_list_offer(*, library: Library, now: dt.datetime) -> int:
    """Offer free times to those in line whose days they suit; return how many were offered."""
    entries = list(WaitingListEntry.objects.in_line().filter(library=library)[:100])
    if not entries:
        return 0
    free = [
        slot
        for slot in bookable_slots(library, now=now)
        if offer_expires_at(library, slot, now=now) - now >= MIN_OFFER_WINDOW
    ]
    offered = 0
    for entry in entries:
        slot = next(
            (s for s in free if entry.suits(s.starts_at) and s.pk not in entry.passed_slot_ids),
            None,
        )
        if slot is None:
            continue
        free.remove(slot)
        if _offer(entry, slot, expires_at=offer_expires_at(library, slot, now=now), now=now):
            offered += 1
    return offered


@transaction.atomic
def _offer(
    entry: WaitingListEntry, slot: Slot, *, expires_at: dt.datetime, now: dt.datetime
) -> bool:
    held = (
        Slot.objects.free()
        .unheld(now=now)
        .filter(pk=slot.pk)
        .update(held_for=entry, held_until=expires_at)
    )
    claimed = WaitingListEntry.objects.filter(pk=entry.pk, status=Status.WAITING).update(
        status=Status.OFFERED, offered_slot=slot, offer_expires_at=expires_at
    )
    if not (held and claimed):
        transaction.set_rollback(True)
        return False
    free_times_changed(entry.library_id)
    entry.refresh_from_db()
    notifications.notify_waiting_entry(entry, now=now)
    return True


def waiting_list_expire(*, now: dt.datetime) -> int:
    """Lapse offers whose time is up; those patrons wait again, behind nobody, for other times."""
    lapsed = list(WaitingListEntry.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now))
    for entry in lapsed:
        waiting_list_offer_pass(entry=entry, now=now)
    return len(lapsed)


def waiting_list_offer_pass(*, entry: WaitingListEntry, now: dt.datetime) -> WaitingListEntry:
    """The patron lets the offered time go (or the offer lapsed); the next in line may get it."""
    with transaction.atomic():
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != Status.OFFERED:
            return entry
        hold_release(entry)
        entry.passed_slot_ids = [*entry.passed_slot_ids, entry.offered_slot_id]
        entry.status, entry.offered_slot, entry.offer_expires_at = Status.WAITING, None, None
        entry.save(update_fields=["passed_slot_ids", "status", "offered_slot", "offer_expires_at"])
        transaction.on_commit(lambda: waiting_list_offer(library=entry.library, now=now))
    return entry


def waiting_list_leave(*, entry: WaitingListEntry, now: dt.datetime) -> WaitingListEntry:
    with transaction.atomic():
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
        was_offered = entry.status == Status.OFFERED
        hold_release(entry)
        entry.status, entry.ended_at = Status.REMOVED, now
        entry.save(update_fields=["status", "ended_at"])
        if was_offered:
            transaction.on_commit(lambda: waiting_list_offer(library=entry.library, now=now))
    return entry


def waiting_list_process(*, now: dt.datetime) -> tuple[int, int]:
    """Lapse old offers, then offer free times in every library with people in line."""
    lapsed = waiting_list_expire(now=now)
    libraries = Library.objects.filter(pk__in=WaitingListEntry.objects.in_line().values("library"))
    offered = sum(waiting_list_offer(library=library, now=now) for library in libraries)
    return lapsed, offered

"""Personal data: erased on schedule or on request, exported on request, and access logged.

What is erased: the patron's name, phone, e-mail, free-text need, the staff notes and the
guide's memo for the patron, also from the admin's change history, and the comments of feedback
answers. The shared instructions a memo carried stay. What stays: when, where, with whom,
device, topics, channel and status — the anonymous facts the statistics need — and, for
PATRON_KEY_RETENTION_DAYS, the patron key (a keyed hash of the contact) that tells different
and returning patrons apart; an erasure on request clears that at once.
"""

import datetime as dt

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.feedback import feedback_comments_purge
from bookings.models import AccessLogEntry, Booking, Memo, Notification, WaitingListEntry

ERASED_NAME = "–"


def _erase_history(model, ids: list[int]) -> None:
    """The admin's change history names the patron too (object_repr, change messages)."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in ids],
    ).update(object_repr=ERASED_NAME, change_message="[]")


def bookings_erase(
    bookings: QuerySet[Booking], *, now: dt.datetime, keep_patron_key: bool = False
) -> int:
    """Erase the personal data of `bookings`; return how many were erased.

    An erasure on request clears the patron key too, so the patron drops out of every count;
    the scheduled purge keeps it (`keep_patron_key`) until PATRON_KEY_RETENTION_DAYS.
    """
    with transaction.atomic():
        ids = list(
            bookings.filter(personal_data_erased_at__isnull=True).values_list("pk", flat=True)
        )
        Booking.objects.filter(pk__in=ids).update(
            patron_name=ERASED_NAME,
            phone="",
            email="",
            need="",
            staff_notes="",
            personal_data_erased_at=now,
        )
        if not keep_patron_key:
            # Also where the purge already took the contact and left the key.
            bookings.exclude(patron_key="").update(patron_key="")
        Memo.objects.filter(booking_id__in=ids).delete()
        # Message error texts may quote an address; the messages themselves are not needed.
        Notification.objects.filter(booking_id__in=ids).update(error="")
        _erase_history(Booking, ids)
    return len(ids)


def booking_erase(*, booking: Booking, now: dt.datetime) -> Booking:
    """On the patron's or staff's request. An active booking must be cancelled first."""
    bookings_erase(Booking.objects.filter(pk=booking.pk), now=now)
    booking.refresh_from_db()
    return booking


def waiting_entries_erase(entries: QuerySet[WaitingListEntry], *, now: dt.datetime) -> int:
    with transaction.atomic():
        ids = list(entries.values_list("pk", flat=True))
        WaitingListEntry.objects.filter(pk__in=ids).update(
            patron_name=ERASED_NAME,
            phone="",
            email="",
            need="",
            status=WaitingListEntry.Status.REMOVED,
            ended_at=Coalesce("ended_at", Value(now)),
        )
        _erase_history(WaitingListEntry, ids)
    return len(ids)


def personal_data_purge(*, now: dt.datetime) -> dict[str, int]:
    """The daily purge: what has passed its retention time goes. Safe to run again."""
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS)
    bookings = bookings_erase(
        Booking.objects.filter(ends_at__lt=cutoff), now=now, keep_patron_key=True
    )
    key_cutoff = now - dt.timedelta(days=settings.PATRON_KEY_RETENTION_DAYS)
    patron_keys = (
        Booking.objects.filter(ends_at__lt=key_cutoff).exclude(patron_key="").update(patron_key="")
    )
    # An entry still waiting or offered is kept however old: retention counts from its end.
    stale_entries = WaitingListEntry.objects.filter(ended_at__lt=cutoff).filter(
        ~Q(patron_name=ERASED_NAME)
    )
    entries = waiting_entries_erase(stale_entries, now=now)
    log_cutoff = now - dt.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    log_entries, _ = AccessLogEntry.objects.filter(at__lt=log_cutoff).delete()
    comments = feedback_comments_purge(now=now)
    return {
        "bookings": bookings,
        "waiting_entries": entries,
        "access_log_entries": log_entries,
        "feedback_comments": comments,
        "patron_keys": patron_keys,
    }


def booking_export(booking: Booking) -> dict:
    """Everything we hold on a booking's patron, for an access request (GDPR art. 15)."""
    booking = (
        Booking.objects.select_related("library", "guide", "device")
        .prefetch_related("topics", "notifications")
        .get(pk=booking.pk)
    )
    memo = Memo.objects.with_instructions().filter(booking=booking).first()
    return {
        "name": booking.patron_name,
        "phone": booking.phone,
        "email": booking.email,
        "language": booking.language,
        "library": booking.library.name,
        "guide": booking.guide.display_name,
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "device": booking.device.name if booking.device else "",
        "topics": [topic.name for topic in booking.topics.all()],
        "need": booking.need,
        "staff_notes": booking.staff_notes,
        "channel": booking.channel,
        "status": booking.status,
        # Whether they may be asked for feedback; their answer, if any, is anonymous and has
        # no key to this booking, so it cannot be part of an export.
        "feedback_allowed": booking.feedback_allowed,
        "booked_at": booking.created_at.isoformat(),
        "memo": _memo_export(memo),
        "messages": [
            {
                "kind": n.kind,
                "channel": n.channel,
                "state": n.state,
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in booking.notifications.all()
        ],
    }


def _memo_export(memo: Memo | None) -> dict | None:
    if memo is None:
        return None
    return {
        "what_we_did": memo.what_we_did,
        "next_steps": memo.next_step_lines,
        "links": memo.links,
        "instructions": [attached.instruction.published["title"] for attached in memo.attached],
        "written_at": memo.written_at.isoformat(),
        "sent_at": memo.sent_at.isoformat() if memo.sent_at else None,
    }


def access_record(
    *,
    user,
    place: str,
    library=None,
    booking: Booking | None = None,
    detail: str = "",
    now: dt.datetime,
) -> AccessLogEntry:
    """Log that `user` opened personal data. Opening the same page again the same day is the
    same access: the database keeps the day's first entry (one query either way)."""
    entry = AccessLogEntry(
        user=user,
        place=place,
        library=library or (booking.library if booking else None),
        booking=booking,
        detail=detail[:200],
        at=now,
        on_day=timezone.localdate(now),
    )
    if place in AccessLogEntry.LOGGED_EVERY_TIME:
        entry.save()
    else:
        AccessLogEntry.objects.bulk_create([entry], ignore_conflicts=True)
    return entry

"""Telling patrons and guides about bookings: e-mail, text message, or the staff call list.

A `Notification` row is written in the same transaction as the change it is about, and sent
after commit by a task. Sending claims the row first (`pending`/`failed` → `sending` in one
UPDATE), so two workers or two overlapping reminder runs never send the same message twice.
A claim carries its time: a sender that dies midway leaves a claim that goes stale, and the
next `send_reminders` run claims the message again.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings import sms
from bookings.calendar_file import booking_ics
from bookings.clock import local_midnight
from bookings.models import Booking, Notification, WaitingListEntry
from bookings.phone_numbers import can_receive_texts

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A sender gives up on a mail server or gateway within seconds (EMAIL_TIMEOUT, the gateway's
# timeout); a claim this old is a sender that died midway, and the message is sent again.
CLAIM_STALE_AFTER = dt.timedelta(minutes=15)
Kind = Notification.Kind
State = Notification.State


def manage_url(booking: Booking) -> str:
    """The patron's private link, in the booking's language."""
    with translation.override(booking.language):
        return settings.SITE_URL + reverse("bookings:booking_detail", args=[booking.token])


def sms_sent_this_month(library_id: int, *, now: dt.datetime) -> int:
    month_start = local_midnight(timezone.localdate(now).replace(day=1))
    # One filter() call, ~Q rather than exclude(): the same rows, one query clone fewer to build.
    # Read by the partial index `sms_by_library`: this library's month of text messages only.
    return Notification.objects.filter(
        ~Q(state=State.SKIPPED),
        library_id=library_id,
        channel=Notification.Channel.SMS,
        created_at__gte=month_start,
    ).count()


def stale_claim(*, now: dt.datetime) -> Q:
    """Messages whose sender claimed them long ago and never finished (or, claimed before
    claims had a time, at an unknown moment)."""
    return Q(state=State.SENDING) & (
        Q(claimed_at__lt=now - CLAIM_STALE_AFTER) | Q(claimed_at__isnull=True)
    )


def call_waiting(*, now: dt.datetime) -> Q:
    """A call staff must still make: a message on the call list about a time not yet past."""
    return Q(state=State.TO_CALL, about_starts_at__gte=now)


def staff_attention(library_ids: list[int] | None, *, now: dt.datetime) -> dict[str, int]:
    """Messages about times still ahead that staff must handle by phone (one query): those over
    the text-message cap or to a landline (the call list), those that failed every attempt, and
    those stuck being sent. For the admin's front page; `library_ids` None means every library."""
    waiting = Notification.objects.filter(
        state__in=[State.TO_CALL, State.FAILED, State.SENDING], about_starts_at__gte=now
    )
    if library_ids is not None:
        waiting = waiting.filter(library_id__in=library_ids)
    return waiting.aggregate(
        to_call=Count("pk", filter=call_waiting(now=now)),
        not_sent=Count("pk", filter=Q(state=State.FAILED, attempts__gte=MAX_ATTEMPTS)),
        stuck=Count("pk", filter=stale_claim(now=now)),
    )


def _patron_channel(
    booking: Booking | WaitingListEntry,
    *,
    now: dt.datetime,
    sms_counts: dict[int, int] | None = None,
) -> tuple[str, str]:
    """E-mail when we have an address; else a text message to a mobile number while the
    library's cap allows; else the call list (a landline, as staff may book for one).

    `sms_counts`: this month's text messages by library, filled in as needed, for a caller
    that queues many messages at once and counts on itself.
    """
    if booking.email:
        return Notification.Channel.EMAIL, State.PENDING
    if not can_receive_texts(booking.phone):
        return Notification.Channel.CALL, State.TO_CALL
    counts = {} if sms_counts is None else sms_counts
    if booking.library_id not in counts:
        counts[booking.library_id] = sms_sent_this_month(booking.library_id, now=now)
    if counts[booking.library_id] < booking.library.sms_monthly_cap:
        return Notification.Channel.SMS, State.PENDING
    return Notification.Channel.CALL, State.TO_CALL


def send_after_commit(notification_id: int) -> None:
    """Hand the message to the task backend once the change it is about is committed.

    Robust: the booking stands whatever happens here, so a queue (or, with the immediate
    backend, a database) that fails now must not turn the patron's confirmation into an error
    page. The error is logged; the message stays pending and `send_reminders` queues it again.
    """
    transaction.on_commit(lambda: deliver.enqueue(notification_id), robust=True)


def notify_patron(booking: Booking, kind: str, *, now: dt.datetime) -> Notification:
    channel, state = _patron_channel(booking, now=now)
    notification = Notification.objects.create(
        booking=booking,
        library_id=booking.library_id,
        kind=kind,
        channel=channel,
        state=state,
        about_starts_at=booking.starts_at,
        created_at=now,
    )
    if state == State.PENDING:
        send_after_commit(notification.pk)
    return notification


def notify_guide(booking: Booking, *, now: dt.datetime) -> Notification | None:
    guide = booking.guide
    if not guide.notify_by_email or not guide.user.email:
        return None
    notification = Notification.objects.create(
        booking=booking,
        library_id=booking.library_id,
        kind=Kind.GUIDE_NOTICE,
        channel=Notification.Channel.EMAIL,
        about_starts_at=booking.starts_at,
        created_at=now,
    )
    send_after_commit(notification.pk)
    return notification


def notify_booking_event(booking: Booking, kind: str, *, now: dt.datetime) -> None:
    """The patron's message and the guide's notice about a new, changed or cancelled booking."""
    notify_patron(booking, kind, now=now)
    notify_guide(booking, now=now)


@task()
def deliver(notification_id: int) -> str:
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(state__in=[State.PENDING, State.FAILED]) | stale_claim(now=now), pk=notification_id
    ).update(state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return "already handled"
    notification = Notification.objects.select_related(
        "booking__library",
        "booking__guide__user",
        "booking__device",
        "waiting_entry__library",
        "waiting_entry__offered_slot__guide",
    ).get(pk=notification_id)
    booking = notification.booking
    if notification.kind == Kind.REMINDER and (
        booking.status != Booking.Status.BOOKED or booking.starts_at != notification.about_starts_at
    ):
        Notification.objects.filter(pk=notification_id).update(state=State.SKIPPED)
        return State.SKIPPED
    try:
        _send(notification)
    except Exception as error:  # any transport failure: keep the booking, show staff, retry later
        logger.warning("Notification %s failed: %s", notification_id, error)
        Notification.objects.filter(pk=notification_id).update(
            state=State.FAILED, error=str(error)[:500]
        )
        return State.FAILED
    Notification.objects.filter(pk=notification_id).update(
        state=State.SENT, sent_at=timezone.now(), error=""
    )
    return State.SENT


def _send(notification: Notification) -> None:
    if notification.waiting_entry_id:
        _send_offer(notification)
        return
    booking = notification.booking
    if notification.kind == Kind.GUIDE_NOTICE:
        with translation.override(settings.LANGUAGE_CODE):
            _send_email(notification, to=booking.guide.user.email, template="guide_notice")
        return
    with translation.override(booking.language):
        if notification.channel == Notification.Channel.EMAIL:
            _send_email(notification, to=booking.email, template="patron_message")
        else:
            body = render_to_string("sms/patron_message.txt", _context(notification)).strip()
            sms.send_sms(booking.phone, body)


SUBJECTS = {
    Kind.CONFIRMATION: lambda: _("Your digital guidance time is booked"),
    Kind.CHANGE: lambda: _("Your digital guidance time has changed"),
    Kind.CANCELLATION: lambda: _("Your digital guidance time is cancelled"),
    Kind.REMINDER: lambda: _("Reminder: your digital guidance time tomorrow"),
    Kind.GUIDE_NOTICE: lambda: _("Guidance booking"),
    Kind.OFFER: lambda: _("A digital guidance time has become free for you"),
}


def _context(notification: Notification) -> dict:
    booking = notification.booking
    return {
        "booking": booking,
        "kind": notification.kind,
        "manage_url": manage_url(booking),
        "topics": list(booking.topics.all()),
        "needs_codes": booking.topics.exclude(bring_note="").exists(),
    }


def _send_email(notification: Notification, *, to: str, template: str) -> None:
    context = _context(notification)
    booking = notification.booking
    message = EmailMultiAlternatives(
        subject=SUBJECTS[notification.kind](),
        body=render_to_string(f"emails/{template}.txt", context),
        to=[to],
    )
    # Guides get plain text; patrons get HTML too, and the calendar file.
    if notification.kind != Kind.GUIDE_NOTICE:
        html = render_to_string(f"emails/{template}.html", context)
        message.attach_alternative(html, "text/html")
        ics = booking_ics(booking, manage_url=context["manage_url"])
        method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "PUBLISH"
        message.attach("digiopastus.ics", ics, f"text/calendar; method={method}")
    message.send()


def notify_waiting_entry(entry: WaitingListEntry, *, now: dt.datetime) -> Notification:
    """Tell the patron first in line that a time is held for them."""
    channel, state = _patron_channel(entry, now=now)
    notification = Notification.objects.create(
        waiting_entry=entry,
        library_id=entry.library_id,
        kind=Kind.OFFER,
        channel=channel,
        state=state,
        about_starts_at=entry.offered_slot.starts_at,
        created_at=now,
    )
    if state == State.PENDING:
        send_after_commit(notification.pk)
    return notification


def _send_offer(notification: Notification) -> None:
    entry = notification.waiting_entry
    with translation.override(entry.language):
        context = {
            "entry": entry,
            "slot": entry.offered_slot,
            "library": entry.library,
            "offer_url": settings.SITE_URL + reverse("bookings:waiting_entry", args=[entry.token]),
        }
        if notification.channel == Notification.Channel.EMAIL:
            message = EmailMultiAlternatives(
                subject=SUBJECTS[Kind.OFFER](),
                body=render_to_string("emails/waiting_offer.txt", context),
                to=[entry.email],
            )
            message.send()
        else:
            sms.send_sms(entry.phone, render_to_string("sms/waiting_offer.txt", context).strip())


def reminders_send(*, now: dt.datetime) -> int:
    """Queue tomorrow's reminders and retry failed messages, and those whose sender died
    while sending; safe to run every few minutes.

    Returns how many messages were handed to the sender. Each reminder row can exist once
    (database constraint) and is claimed before sending, so overlapping runs send it once.
    """
    if timezone.localtime(now).hour >= settings.REMINDER_HOUR:
        reminders_queue(now=now)
    return messages_requeue(now=now)


def reminders_due(*, now: dt.datetime):
    """Active bookings tomorrow (local time) that have no reminder about their time yet.

    Those booked today are left out: the confirmation has just told them everything.
    """
    today = timezone.localdate(now)
    return (
        Booking.objects.filter(
            status=Booking.Status.BOOKED,
            starts_at__gte=local_midnight(today + dt.timedelta(days=1)),
            starts_at__lt=local_midnight(today + dt.timedelta(days=2)),
            created_at__lt=local_midnight(today),
        )
        .exclude(
            Exists(
                Notification.objects.filter(
                    booking=OuterRef("pk"),
                    kind=Kind.REMINDER,
                    about_starts_at=OuterRef("starts_at"),
                )
            )
        )
        .select_related("library")
    )


def reminders_queue(*, now: dt.datetime) -> int:
    """A reminder row for each booking due one, in one insert; a library's text messages are
    counted once, then counted on, so a busy evening costs the same few queries."""
    sms_counts: dict[int, int] = {}
    rows = []
    for booking in reminders_due(now=now):
        channel, state = _patron_channel(booking, now=now, sms_counts=sms_counts)
        if channel == Notification.Channel.SMS:
            sms_counts[booking.library_id] += 1
        rows.append(
            Notification(
                booking=booking,
                library_id=booking.library_id,
                kind=Kind.REMINDER,
                channel=channel,
                state=state,
                about_starts_at=booking.starts_at,
                created_at=now,
            )
        )
    # Conflicts ignored: an overlapping run may have queued the same reminder meanwhile.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def messages_requeue(*, now: dt.datetime) -> int:
    """Hand the sender again the messages still to send (new, failed with attempts left, or
    claimed by a sender that died) about times still ahead; return how many."""
    retry = Notification.objects.filter(
        Q(state=State.PENDING)
        | Q(state=State.FAILED, attempts__lt=MAX_ATTEMPTS)
        | (stale_claim(now=now) & Q(attempts__lt=MAX_ATTEMPTS)),
        Q(booking__starts_at__gt=now)
        | Q(
            waiting_entry__status=WaitingListEntry.Status.OFFERED,
            waiting_entry__offer_expires_at__gt=now,
        ),
    ).values_list("pk", flat=True)
    sent = 0
    for notification_id in retry:
        deliver.enqueue(notification_id)
        sent += 1
    return sent

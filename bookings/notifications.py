"""Telling patrons and guides about bookings: e-mail, text message, or the staff call list.

A `Notification` row is written in the same transaction as the change it is about, and sent
after commit by a task. Sending claims the row first (`pending`/`failed` → `sending` in one
UPDATE), so two workers or two overlapping reminder runs never send the same message twice.
A claim carries its time: a sender that dies midway leaves a claim that goes stale, and the
next `send_reminders` run claims the message again.

Text messages are kept to the GSM-7 alphabet and, where the library's name allows, to one part
of 160 characters: gateways charge per part, and a library's monthly cap counts parts. Every
message to a patron is queued through `_patron_channel`, which measures it against the cap.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings import sms
from bookings.calendar_file import booking_ics
from bookings.clock import local_midnight
from bookings.models import Booking, Memo, Notification, WaitingListEntry
from bookings.models.private_link import feedback_token_for
from bookings.phone_numbers import can_receive_texts
from bookings.sms.alphabet import gsm7_text, measure

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A sender gives up on a mail server or gateway within seconds (EMAIL_TIMEOUT, the gateway's
# timeout); a claim this old is a sender that died midway, and the message is sent again.
CLAIM_STALE_AFTER = dt.timedelta(minutes=15)
# A waiting-list link that failed is sent again for this long after joining; later, the patron
# has either found the page again or hears from us when a time frees up.
JOIN_LINK_RETRY_FOR = dt.timedelta(days=1)
# A feedback question that failed is tried again for this long; later it would come too late.
FEEDBACK_RETRY_FOR = dt.timedelta(days=2)
Kind = Notification.Kind
State = Notification.State


def manage_url(booking: Booking) -> str:
    """The patron's private link, in the booking's language."""
    with translation.override(booking.language):
        return settings.SITE_URL + reverse("bookings:booking_detail", args=[booking.token])


def feedback_url(booking: Booking) -> str:
    """The visit's feedback form, in the booking's language (the slip's QR code, the message)."""
    token = feedback_token_for(booking.link_secret)
    with translation.override(booking.language):
        return settings.SITE_URL + reverse("bookings:feedback", args=[token])


def short_private_link(subject: Booking | WaitingListEntry) -> str:
    """The private link as text messages carry it: the same token at a short address that
    leads to the booking's or waiting-list entry's own page in the patron's language."""
    return settings.SITE_URL + reverse("short:private_link", args=[subject.token])


def sms_parts_this_month(library_id: int, *, now: dt.datetime) -> int:
    """The text-message parts this library has used this month (the cap counts parts). A
    message queued before parts were counted counts as one."""
    month_start = local_midnight(timezone.localdate(now).replace(day=1))
    # One filter() call, ~Q rather than exclude(): the same rows, one query clone fewer to build.
    # Read by the partial index `sms_by_library`: this library's month of text messages only.
    month = Notification.objects.filter(
        ~Q(state=State.SKIPPED),
        library_id=library_id,
        channel=Notification.Channel.SMS,
        created_at__gte=month_start,
    )
    parts = Coalesce("sms_parts", Value(1), output_field=IntegerField())
    return month.aggregate(parts=Sum(parts, default=0))["parts"]


def sms_text(subject: Booking | WaitingListEntry, kind: str, *, now: dt.datetime) -> str:
    """The text message of this kind about a booking (or, an offer, a waiting-list entry), in
    the patron's language: what is measured against the cap and what is sent.

    The one place where what content may hold (a dash or curly quotes in a library's name, a
    no-break space) becomes its GSM-7 look-alike: one such character would otherwise turn the
    whole message into UCS-2, with less than half the characters per part.
    """
    with translation.override(subject.language):
        if kind == Kind.WAITING_JOINED:
            link = short_private_link(subject)
            context = {"entry": subject, "library": subject.library, "entry_url": link}
            text = render_to_string("sms/waiting_joined.txt", context)
        elif kind == Kind.CANCELLATION and subject.is_cancelled_by_library:
            # The library's own cancellation says who cancelled, why, and where to book anew.
            context = {
                "booking": subject,
                "cancellation_reason": subject.library_cancellation_reason,
                "free_times_url": free_times_url(subject.library),
            }
            text = render_to_string("sms/library_cancelled.txt", context)
        elif kind == Kind.FEEDBACK:
            context = {"booking": subject, "link": feedback_url(subject)}
            text = render_to_string("sms/feedback.txt", context)
        elif kind == Kind.OFFER:
            hold_ends_at = subject.offer_expires_at
            context = {
                "entry": subject,
                "slot": subject.offered_slot,
                "library": subject.library,
                "link": short_private_link(subject),
                "hold_ends_today": timezone.localdate(hold_ends_at) == timezone.localdate(now),
            }
            text = render_to_string("sms/waiting_offer.txt", context)
        elif kind == Kind.MEMO:
            context = {"booking": subject, "link": short_private_link(subject)}
            text = render_to_string("sms/memo.txt", context)
        else:
            context = {"booking": subject, "kind": kind, "link": short_private_link(subject)}
            text = render_to_string("sms/patron_message.txt", context)
    return " ".join(gsm7_text(text).split())


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


def contact_channel(patron: Booking | WaitingListEntry) -> str:
    """How messages reach this patron, the library's text-message cap aside: e-mail when we
    have an address, else a text message to a mobile number, else a call (a landline, as
    staff may book for one)."""
    if patron.email:
        return Notification.Channel.EMAIL
    if can_receive_texts(patron.phone):
        return Notification.Channel.SMS
    return Notification.Channel.CALL


def _patron_channel(
    subject: Booking | WaitingListEntry,
    kind: str,
    *,
    now: dt.datetime,
    sms_counts: dict[int, int] | None = None,
) -> tuple[str, str, int | None]:
    """The patron's `contact_channel`; a text message only while the library's monthly cap of
    parts has room for all of its parts, the call list past it. Returns the channel, the state
    and the text message's parts (None for e-mail and the call list).

    Every message to a patron is queued through here: the one place the cap is counted.
    `sms_counts`: this month's parts by library, counted once, then counted on here, for a
    caller that queues many messages at once.
    """
    channel = contact_channel(subject)
    if channel == Notification.Channel.EMAIL:
        return Notification.Channel.EMAIL, State.PENDING, None
    if channel == Notification.Channel.CALL:
        return Notification.Channel.CALL, State.TO_CALL, None
    parts = measure(sms_text(subject, kind, now=now)).parts
    counts = {} if sms_counts is None else sms_counts
    if subject.library_id not in counts:
        counts[subject.library_id] = sms_parts_this_month(subject.library_id, now=now)
    if counts[subject.library_id] + parts > subject.library.sms_monthly_cap:
        return Notification.Channel.CALL, State.TO_CALL, None
    counts[subject.library_id] += parts
    return Notification.Channel.SMS, State.PENDING, parts


def patron_notification(
    subject: Booking | WaitingListEntry,
    kind: str,
    *,
    now: dt.datetime,
    sms_counts: dict[int, int] | None = None,
) -> Notification:
    """An unsaved message to the patron of a booking (or of a waiting-list entry: an offer, or
    the link to their place in line), on the channel `_patron_channel` chooses."""
    channel, state, parts = _patron_channel(subject, kind, now=now, sms_counts=sms_counts)
    about_booking = isinstance(subject, Booking)
    return Notification(
        booking=subject if about_booking else None,
        waiting_entry=None if about_booking else subject,
        library_id=subject.library_id,
        kind=kind,
        channel=channel,
        state=state,
        sms_parts=parts,
        about_starts_at=_about_starts_at(subject, kind, now=now),
        created_at=now,
    )


def _about_starts_at(subject, kind: str, *, now: dt.datetime) -> dt.datetime:
    """The time a message is about: the booked or offered one; for the link to a place in
    line, which is about no time, the moment of joining."""
    if isinstance(subject, Booking):
        return subject.starts_at
    return now if kind == Kind.WAITING_JOINED else subject.offered_slot.starts_at


def send_after_commit(notification_id: int) -> None:
    """Hand the message to the task backend once the change it is about is committed.

    Robust: the booking stands whatever happens here, so a queue (or, with the immediate
    backend, a database) that fails now must not turn the patron's confirmation into an error
    page. The error is logged; the message stays pending and `send_reminders` queues it again.
    """
    transaction.on_commit(lambda: deliver.enqueue(notification_id), robust=True)


def notify_patron(booking: Booking, kind: str, *, now: dt.datetime) -> Notification:
    notification = patron_notification(booking, kind, now=now)
    notification.save()
    if notification.state == State.PENDING:
        send_after_commit(notification.pk)
    return notification


def notify_memo(booking: Booking, *, now: dt.datetime) -> Notification | None:
    """Send the patron the guide's memo of their visit: an e-mail with the memo, or a text
    message with the short link to the page that shows it. None when neither reaches them (a
    landline, or the cap is used up): staff print the memo instead, no call needed."""
    return _send_if_written(booking, Kind.MEMO, now=now)


def _send_if_written(
    subject: Booking | WaitingListEntry, kind: str, *, now: dt.datetime
) -> Notification | None:
    """A message of `kind` sent after commit if it can go in writing (e-mail, or a text message
    within the cap); None, and no row for the call list, when it cannot."""
    notification = patron_notification(subject, kind, now=now)
    if notification.state != State.PENDING:
        return None
    notification.save()
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
        "booking__cancelled_for_closure",
        "booking__feedback_invitation",
    ).get(pk=notification_id)
    if _no_longer_needed(notification):
        Notification.objects.filter(pk=notification_id).update(state=State.SKIPPED)
        return State.SKIPPED
    try:
        sms_parts = _send(notification)
    except Exception as error:  # any transport failure: keep the booking, show staff, retry later
        logger.warning("Notification %s failed: %s", notification_id, error)
        Notification.objects.filter(pk=notification_id).update(
            state=State.FAILED, error=str(error)[:500]
        )
        return State.FAILED
    # A text message's parts as sent: the text may have changed since it was queued.
    parts = {} if sms_parts is None else {"sms_parts": sms_parts}
    Notification.objects.filter(pk=notification_id).update(
        state=State.SENT, sent_at=timezone.now(), error="", **parts
    )
    return State.SENT


def _no_longer_needed(notification: Notification) -> bool:
    """A reminder of a time cancelled or moved since, or the link of a waiting-list entry the
    patron has already left."""
    if notification.kind == Kind.REMINDER:
        booking = notification.booking
        return (
            booking.status != Booking.Status.BOOKED
            or booking.starts_at != notification.about_starts_at
        )
    if notification.kind == Kind.WAITING_JOINED:
        return notification.waiting_entry.status == WaitingListEntry.Status.REMOVED
    if notification.kind == Kind.FEEDBACK:
        # Marked back, or answered already from the slip's QR code, or no longer open.
        invitation = getattr(notification.booking, "feedback_invitation", None)
        return (
            notification.booking.status != Booking.Status.ATTENDED
            or invitation is None
            or invitation.is_answered
            or invitation.expires_at <= timezone.now()
        )
    return False


def _send(notification: Notification) -> int | None:
    """Send the message; return the parts of a text message (None for an e-mail)."""
    if notification.kind == Kind.WAITING_JOINED:
        return _send_waiting_joined(notification)
    if notification.waiting_entry_id:
        return _send_offer(notification)
    booking = notification.booking
    if notification.kind == Kind.FEEDBACK:
        return _send_feedback(notification)
    if notification.kind == Kind.GUIDE_NOTICE:
        with translation.override(settings.LANGUAGE_CODE):
            _send_email(notification, to=booking.guide.user.email, template="guide_notice")
        return None
    if notification.channel == Notification.Channel.EMAIL:
        template = "memo" if notification.kind == Kind.MEMO else "patron_message"
        with translation.override(booking.language):
            _send_email(notification, to=booking.email, template=template)
        return None
    return _send_sms(booking.phone, sms_text(booking, notification.kind, now=timezone.now()))


def _send_sms(phone: str, text: str) -> int:
    sms.send_sms(phone, text)
    return measure(text).parts


def _is_library_cancellation(notification: Notification) -> bool:
    return notification.kind == Kind.CANCELLATION and notification.booking.is_cancelled_by_library


SUBJECTS = {
    Kind.CONFIRMATION: lambda: _("Your digital guidance time is booked"),
    Kind.CHANGE: lambda: _("Your digital guidance time has changed"),
    Kind.CANCELLATION: lambda: _("Your digital guidance time is cancelled"),
    Kind.REMINDER: lambda: _("Reminder: your digital guidance time tomorrow"),
    Kind.GUIDE_NOTICE: lambda: _("Guidance booking"),
    Kind.OFFER: lambda: _("A digital guidance time has become free for you"),
    Kind.WAITING_JOINED: lambda: _("You are on the waiting list for digital guidance"),
    Kind.FEEDBACK: lambda: _("Did you get the help you needed?"),
    Kind.MEMO: lambda: _("Your memo from digital guidance"),
}


def _subject(notification: Notification) -> str:
    if _is_library_cancellation(notification):
        return _("The library has cancelled your digital guidance time")
    return SUBJECTS[notification.kind]()


def free_times_url(library) -> str:
    """The library's free times, in the language active now (the message's)."""
    return settings.SITE_URL + reverse("bookings:free_times", args=[library.slug])


def _context(notification: Notification) -> dict:
    booking = notification.booking
    if notification.kind == Kind.MEMO:
        return {"booking": booking, "memo": memo_of(booking), "manage_url": manage_url(booking)}
    return {
        "booking": booking,
        "kind": notification.kind,
        "manage_url": manage_url(booking),
        "topics": list(booking.topics.all()),
        "needs_codes": booking.topics.exclude(bring_note="").exists(),
        "cancelled_by_library": _is_library_cancellation(notification),
        "cancellation_reason": booking.library_cancellation_reason,
        "free_times_url": free_times_url(booking.library),
    }


def _send_email(notification: Notification, *, to: str, template: str) -> None:
    context = _context(notification)
    booking = notification.booking
    message = EmailMultiAlternatives(
        subject=_subject(notification),
        body=render_to_string(f"emails/{template}.txt", context),
        to=[to],
    )
    # Guides get plain text; patrons get HTML too, and the calendar file (not with a memo:
    # the visit is behind them).
    if notification.kind == Kind.MEMO:
        html = render_to_string(f"emails/{template}.html", context)
        message.attach_alternative(html, "text/html")
    elif notification.kind != Kind.GUIDE_NOTICE:
        html = render_to_string(f"emails/{template}.html", context)
        message.attach_alternative(html, "text/html")
        ics = booking_ics(booking, manage_url=context["manage_url"])
        method = "CANCEL" if booking.status == Booking.Status.CANCELLED else "PUBLISH"
        message.attach("digiopastus.ics", ics, f"text/calendar; method={method}")
    message.send()


def _send_feedback(notification: Notification) -> int | None:
    """The one question after the visit: a short e-mail (no calendar file) or text message."""
    booking = notification.booking
    if notification.channel != Notification.Channel.EMAIL:
        return _send_sms(booking.phone, sms_text(booking, Kind.FEEDBACK, now=timezone.now()))
    with translation.override(booking.language):
        context = {"booking": booking, "feedback_url": feedback_url(booking)}
        EmailMultiAlternatives(
            subject=SUBJECTS[Kind.FEEDBACK](),
            body=render_to_string("emails/feedback.txt", context),
            to=[booking.email],
        ).send()
    return None


def notify_waiting_entry(entry: WaitingListEntry, *, now: dt.datetime) -> Notification:
    """Tell the patron first in line that a time is held for them."""
    notification = patron_notification(entry, Kind.OFFER, now=now)
    notification.save()
    if notification.state == State.PENDING:
        send_after_commit(notification.pk)
    return notification


def _send_offer(notification: Notification) -> int | None:
    entry = notification.waiting_entry
    return _send_to_entry(
        notification,
        template="emails/waiting_offer.txt",
        context={"slot": entry.offered_slot, "offer_url": waiting_entry_url(entry)},
    )


def notify_waiting_joined(entry: WaitingListEntry, *, now: dt.datetime) -> Notification | None:
    """Send the patron who joined the waiting list the link to their place in line, by e-mail
    or text message (within the library's cap). None when neither can reach them (a landline,
    or the cap is used up): the patron saw the page, or staff joined them by phone, and no
    call is needed to say what they already know."""
    return _send_if_written(entry, Kind.WAITING_JOINED, now=now)


def waiting_entry_url(entry: WaitingListEntry) -> str:
    """The patron's own page on the waiting list, in their language."""
    with translation.override(entry.language):
        return settings.SITE_URL + reverse("bookings:waiting_entry", args=[entry.token])


def waiting_link_message(entry: WaitingListEntry) -> Notification | None:
    """The message that sent the patron the link to their place in line, if one was sent."""
    return entry.notifications.filter(kind=Kind.WAITING_JOINED).order_by("-pk").first()


def _send_waiting_joined(notification: Notification) -> int | None:
    entry = notification.waiting_entry
    return _send_to_entry(
        notification,
        template="emails/waiting_joined.txt",
        context={"entry_url": waiting_entry_url(entry)},
    )


def _send_to_entry(notification: Notification, *, template: str, context: dict) -> int | None:
    """A message to a patron on the waiting list: the text message `sms_text` makes, or an
    e-mail from `template`, in the patron's language. Returns a text message's parts."""
    entry = notification.waiting_entry
    if notification.channel != Notification.Channel.EMAIL:
        return _send_sms(entry.phone, sms_text(entry, notification.kind, now=timezone.now()))
    with translation.override(entry.language):
        EmailMultiAlternatives(
            subject=SUBJECTS[notification.kind](),
            body=render_to_string(template, {"entry": entry, "library": entry.library, **context}),
            to=[entry.email],
        ).send()
    return None


def memo_of(booking: Booking) -> Memo | None:
    """The booking's memo with its instructions in their order (two queries), or None."""
    return Memo.objects.with_instructions().filter(booking=booking).first()


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


def reminder_on(booking: Booking) -> dt.date | None:
    """The local day on which `booking` gets its reminder (`reminders_due` picks it that day,
    from REMINDER_HOUR), or None: a time booked on the day before it or later gets none."""
    day_before = timezone.localdate(booking.starts_at) - dt.timedelta(days=1)
    if timezone.localdate(booking.created_at) >= day_before:
        return None
    return day_before


@dataclass(frozen=True)
class PatronMessages:
    """What a patron's booking page says about messages: where the last confirmation (or
    change of time) went, and the reminder to come."""

    last: Notification | None
    reminder_on: dt.date | None
    reminder_channel: str


def patron_messages(booking: Booking) -> PatronMessages:
    """Read with one query; the reminder's way is the patron's `contact_channel` (past the
    library's text-message cap, staff would call instead)."""
    last = (
        booking.notifications.filter(kind__in=[Kind.CONFIRMATION, Kind.CHANGE])
        .order_by("-created_at", "-pk")
        .first()
    )
    return PatronMessages(
        last=last, reminder_on=reminder_on(booking), reminder_channel=contact_channel(booking)
    )


def reminders_queue(*, now: dt.datetime) -> int:
    """A reminder row for each booking due one, in one insert; a library's text-message parts
    are counted once, then counted on, so a busy evening costs the same few queries."""
    sms_counts: dict[int, int] = {}
    rows = [
        patron_notification(booking, Kind.REMINDER, now=now, sms_counts=sms_counts)
        for booking in reminders_due(now=now)
    ]
    # Conflicts ignored: an overlapping run may have queued the same reminder meanwhile.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def feedback_hours(now: dt.datetime) -> bool:
    """Whether it is a sensible hour to ask a patron about their visit: not at night."""
    hour = timezone.localtime(now).hour
    return settings.FEEDBACK_SEND_FROM_HOUR <= hour < settings.FEEDBACK_SEND_UNTIL_HOUR


def messages_requeue(*, now: dt.datetime) -> int:
    """Hand the sender again the messages still to send (new, failed with attempts left, or
    claimed by a sender that died) about times still ahead, and the feedback questions of
    the last days during the day; return how many."""
    still_useful = (
        Q(booking__starts_at__gt=now)
        | Q(
            waiting_entry__status=WaitingListEntry.Status.OFFERED,
            waiting_entry__offer_expires_at__gt=now,
        )
        # A memo, for a day after it was sent.
        | Q(kind=Kind.MEMO, created_at__gt=now - JOIN_LINK_RETRY_FOR)
        # The link of a patron still in line, for a day after joining.
        | Q(
            kind=Kind.WAITING_JOINED,
            waiting_entry__status=WaitingListEntry.Status.WAITING,
            created_at__gt=now - JOIN_LINK_RETRY_FOR,
        )
    )
    if feedback_hours(now):
        still_useful |= Q(kind=Kind.FEEDBACK, created_at__gt=now - FEEDBACK_RETRY_FOR)
    retry = Notification.objects.filter(
        Q(state=State.PENDING)
        | Q(state=State.FAILED, attempts__lt=MAX_ATTEMPTS)
        | (stale_claim(now=now) & Q(attempts__lt=MAX_ATTEMPTS)),
        still_useful,
    ).values_list("pk", flat=True)
    sent = 0
    for notification_id in retry:
        deliver.enqueue(notification_id)
        sent += 1
    return sent

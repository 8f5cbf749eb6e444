"""Feedback after a visit: inviting, asking once, answering once, and the averages.

A visit marked attended gets an invitation (the link's hash and until when it is open). The
sender (`manage.py send_feedback_requests`, from cron) asks each such patron once, by e-mail or
text message, during the day; the database's unique constraint on the feedback message of a
booking makes overlapping runs ask once. The answer is stored without any key to the visit
(`models/feedback.py`); the invitation only learns that it was answered.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import cache_versions, notifications
from bookings.models import Booking, FeedbackAnswer, FeedbackInvitation, Library, Notification
from bookings.models.feedback import COMMENT_MAX_LENGTH, PRINCIPLE_FIELDS, RATING_FIELDS
from bookings.models.private_link import feedback_token_for, hash_token

# Asked no sooner than this after the visit ended (the patron is on their way home), and not
# at all about a visit marked attended longer ago than this (it would come out of the blue).
ASK_AFTER_VISIT = dt.timedelta(hours=1)
ASK_WITHIN = dt.timedelta(days=3)
AVERAGES_OVER = dt.timedelta(days=365)


class FeedbackClosed(Exception):
    """The link was answered already, has expired, or belongs to no attended visit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


ANSWERED, EXPIRED, NOT_OPEN = "answered", "expired", "not_open"


def feedback_invite(*, booking: Booking, now: dt.datetime) -> None:
    """The invitation of a visit just marked attended (once; marking again changes nothing)."""
    FeedbackInvitation.objects.bulk_create(
        [
            FeedbackInvitation(
                # By id: the booking must not cache this row, unsaved if one existed already.
                booking_id=booking.pk,
                token_hash=hash_token(feedback_token_for(booking.link_secret)),
                created_at=now,
                expires_at=now + dt.timedelta(days=settings.FEEDBACK_LINK_DAYS),
            )
        ],
        ignore_conflicts=True,
    )


def feedback_requests_due(*, now: dt.datetime):
    """Visits marked attended lately whose patron has not been asked yet and did not say no."""
    return (
        Booking.objects.filter(
            status=Booking.Status.ATTENDED,
            feedback_allowed=True,
            ends_at__lte=now - ASK_AFTER_VISIT,
            feedback_invitation__created_at__gt=now - ASK_WITHIN,
            feedback_invitation__is_answered=False,
            feedback_invitation__expires_at__gt=now,
            personal_data_erased_at__isnull=True,
        )
        .exclude(
            Exists(
                Notification.objects.filter(booking=OuterRef("pk"), kind=Notification.Kind.FEEDBACK)
            )
        )
        .select_related("library")
    )


def feedback_requests_send(*, now: dt.datetime) -> int:
    """Queue the feedback questions due and hand the sender what is still to send; during the
    day only. Safe to run every few minutes: each visit is asked once (database constraint,
    and the sender claims each message before sending it). Returns the messages handed on."""
    if not notifications.feedback_hours(now):
        return 0
    sms_counts: dict[int, int] = {}
    rows = []
    for booking in feedback_requests_due(now=now):
        row = notifications.patron_notification(
            booking, Notification.Kind.FEEDBACK, now=now, sms_counts=sms_counts
        )
        if row.channel == Notification.Channel.CALL:
            # Nobody phones a patron to ask for feedback: kept as asked-by-no-one.
            row.state = Notification.State.SKIPPED
        rows.append(row)
    # Conflicts ignored: an overlapping run may have queued the same question meanwhile.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return notifications.messages_requeue(now=now)


def invitation_for(token: str) -> FeedbackInvitation | None:
    return (
        FeedbackInvitation.objects.select_related("booking")
        .filter(token_hash=hash_token(token))
        .first()
    )


def why_closed(invitation: FeedbackInvitation | None, *, now: dt.datetime) -> str | None:
    """None while the form may be answered; else why not (ANSWERED, EXPIRED, NOT_OPEN)."""
    if invitation is None or invitation.booking.status != Booking.Status.ATTENDED:
        return NOT_OPEN
    if invitation.is_answered:
        return ANSWERED
    if invitation.expires_at <= now:
        return EXPIRED
    return None


def feedback_answer(
    *, invitation: FeedbackInvitation, ratings: dict[str, int | None], comment: str, now
) -> FeedbackAnswer:
    """Store one anonymous answer and mark the invitation answered, both or neither.

    The invitation is taken with one UPDATE that only an open, unanswered one passes, so two
    answers sent at once store one. Raises FeedbackClosed otherwise.
    """
    if set(ratings) - set(RATING_FIELDS) or len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(_("Please check your answers."))
    with transaction.atomic():
        taken = FeedbackInvitation.objects.filter(
            pk=invitation.pk,
            is_answered=False,
            expires_at__gt=now,
            booking__status=Booking.Status.ATTENDED,
        ).update(is_answered=True)
        if not taken:
            invitation.refresh_from_db()
            raise FeedbackClosed(why_closed(invitation, now=now) or ANSWERED)
        feedback_changed()  # the averages on the principles page
        return FeedbackAnswer.objects.create(
            library_id=invitation.booking.library_id,
            answered_on=timezone.localdate(now),
            comment=comment,
            **ratings,
        )


def feedback_comments_purge(*, now: dt.datetime) -> int:
    """Empty the comments past the retention time (a comment may name someone); the ratings
    stay. Returns how many were emptied."""
    cutoff = timezone.localdate(now) - dt.timedelta(days=settings.RETENTION_DAYS)
    return (
        FeedbackAnswer.objects.filter(answered_on__lt=cutoff).exclude(comment="").update(comment="")
    )


@dataclass(frozen=True)
class LibraryFeedback:
    """What a library's patrons said over the last 12 months: averages from 1 to 5."""

    library: Library
    answers: int
    helped: float | None
    principles: dict[str, float | None]


# Bumped by every answer: pages that show the averages (the principles page, rendered once
# and cached) are rendered afresh.
VERSION_KEY = "feedback:version"


def feedback_changed() -> None:
    cache_versions.bump(VERSION_KEY)


def feedback_version() -> int | None:
    return cache_versions.current(VERSION_KEY)


def patron_feedback_summaries(*, now: dt.datetime) -> list[LibraryFeedback]:
    """The averages of each library that chose to show them and has at least
    FEEDBACK_MIN_ANSWERS answers in the last 12 months (fewer could point to a person).
    One query, however many libraries."""
    since = timezone.localdate(now - AVERAGES_OVER)
    recent = Q(feedback_answers__answered_on__gt=since)
    libraries = (
        Library.objects.filter(shows_patron_feedback=True, is_active=True)
        .annotate(
            answers=Count("feedback_answers", filter=recent),
            **{
                f"avg_{field}": Avg(f"feedback_answers__{field}", filter=recent)
                for field in RATING_FIELDS
            },
        )
        .filter(answers__gte=settings.FEEDBACK_MIN_ANSWERS)
        .order_by("name")
    )
    return [
        LibraryFeedback(
            library=library,
            answers=library.answers,
            helped=library.avg_helped,
            principles={field: getattr(library, f"avg_{field}") for field in PRINCIPLE_FIELDS},
        )
        for library in libraries
    ]

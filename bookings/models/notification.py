"""Messages about bookings and whether they got through."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .booking import Booking
from .library import Library


class Notification(models.Model):
    """One message to a patron or guide about a booking, and whether it got through.

    Staff see these on the booking; the reminder command retries the failed ones. A reminder is
    unique per booking, channel and booked start, which is what makes it go out exactly once.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", pgettext_lazy("notification", "Confirmation")
        CHANGE = "change", pgettext_lazy("notification", "Change of time")
        CANCELLATION = "cancellation", pgettext_lazy("notification", "Cancellation")
        REMINDER = "reminder", pgettext_lazy("notification", "Reminder")
        GUIDE_NOTICE = "guide_notice", pgettext_lazy("notification", "Notice to the guide")
        OFFER = "offer", pgettext_lazy("notification", "Time offered from the waiting list")
        WAITING_JOINED = "waiting_joined", pgettext_lazy("notification", "Joined the waiting list")
        FEEDBACK = "feedback", pgettext_lazy("notification", "Feedback question")
        MEMO = "memo", pgettext_lazy("notification", "Memo of the visit")

    class Channel(models.TextChoices):
        EMAIL = "email", pgettext_lazy("notification channel", "E-mail")
        SMS = "sms", pgettext_lazy("notification channel", "Text message")
        CALL = "call", pgettext_lazy("notification channel", "Staff call list")

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notification state", "Waiting to be sent")
        SENDING = "sending", pgettext_lazy("notification state", "Being sent")
        SENT = "sent", pgettext_lazy("notification state", "Sent")
        FAILED = "failed", pgettext_lazy("notification state", "Failed")
        TO_CALL = "to_call", pgettext_lazy("notification state", "Staff should call")
        CALLED = "called", pgettext_lazy("notification state", "Called")
        SKIPPED = "skipped", pgettext_lazy("notification state", "No longer needed")

    # About a booking, or (an offer) about a waiting-list entry: exactly one of the two.
    # Messages are history: neither a booking nor an entry that has them can be deleted.
    booking = models.ForeignKey(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("booking"),
    )
    waiting_entry = models.ForeignKey(
        "WaitingListEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("waiting list entry"),
    )
    # The library of the booking or entry, copied so that the month's text messages of one
    # library are counted from an index (the cap is checked on every booking).
    library = models.ForeignKey(
        Library, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # The booked start this message is about: a moved booking gets a new reminder.
    about_starts_at = models.DateTimeField(_("about the time"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When a sender claimed it (`sending`): a claim older than CLAIM_STALE_AFTER is a sender
    # that died midway, and the message may be claimed again.
    claimed_at = models.DateTimeField(_("claimed for sending"), null=True, blank=True)
    # What a text message costs against the library's monthly cap (gateways charge per part):
    # measured when it is queued, and again from the text actually sent. Empty for e-mail and
    # calls, and for text messages sent before parts were counted (each counts as one).
    sms_parts = models.PositiveSmallIntegerField(
        _("text-message parts"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "channel", "about_starts_at"],
                condition=Q(kind="reminder"),
                name="notification_one_reminder_per_time",
            ),
            # A visit is asked for feedback once, however the sender's runs overlap.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(kind="feedback"),
                name="notification_one_feedback_per_booking",
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=True) ^ Q(waiting_entry__isnull=True),
                name="notification_about_one_thing",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"], name="notification_by_state"),
            models.Index(
                fields=["library", "created_at"],
                name="sms_by_library",
                condition=Q(channel="sms"),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.get_channel_display()} · {self.get_state_display()}"
        )

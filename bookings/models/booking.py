"""A patron's booking of one or more consecutive slots."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.phone_numbers import phone_as_written

from .library import Closure, DeviceType, Guide, Library, Referral, Topic, Way
from .private_link import patron_key_for, private_token_for


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", pgettext_lazy("booking status", "Booked")
        CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
        ATTENDED = "attended", pgettext_lazy("booking status", "Attended")
        NO_SHOW = "no_show", pgettext_lazy("booking status", "Did not come")

    class Outcome(models.TextChoices):
        SOLVED = "solved", pgettext_lazy("visit outcome", "Solved")
        ANOTHER_VISIT = "another_visit", pgettext_lazy("visit outcome", "Needs another visit")
        REFERRED = "referred", pgettext_lazy("visit outcome", "Referred elsewhere")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("booking channel", "Online")
        PHONE = "phone", pgettext_lazy("booking channel", "Phone")
        DESK = "desk", pgettext_lazy("booking channel", "At the desk")

    # Indexed only by Meta's (library, start) and (guide, start): a separate index on the key
    # alone lured PostgreSQL into reading a library's every booking to pick one year's.
    library = models.ForeignKey(
        Library,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("library"),
        db_index=False,
    )
    guide = models.ForeignKey(
        Guide,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("guide"),
        db_index=False,
    )
    # Copied from the slots so that a cancelled booking still tells when it was.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    patron_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    device = models.ForeignKey(
        DeviceType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("device")
    )
    topics = models.ManyToManyField(
        Topic, through="BookingTopic", blank=True, verbose_name=_("topics")
    )
    need = models.TextField(_("what help is needed"), blank=True, max_length=2000)
    staff_notes = models.TextField(
        _("staff notes"),
        blank=True,
        max_length=2000,
        help_text=_("Short notes for the guide; never shown to the patron."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fi"
    )
    # Database defaults too: the bench's load data inserts bookings naming only some columns.
    way = models.CharField(
        _("way of guidance"),
        max_length=10,
        choices=Way.choices,
        default=Way.LIBRARY,
        db_default=Way.LIBRARY,
    )
    # What came of an attended visit, if the guide said: counted in the statistics.
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=Outcome.choices,
        blank=True,
        default="",
        db_default="",
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to"),
    )
    # For guidance by video: this visit's own meeting address, else the guide's.
    video_link = models.URLField(
        _("video meeting link"),
        blank=True,
        default="",
        db_default="",
        max_length=500,
        help_text=_("Leave empty to use the guide's own meeting link."),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    # The private link is an HMAC of this random secret under SECRET_KEY, and only the link's
    # hash is indexed: a leaked database alone does not reveal any patron's link, yet reminders
    # can still carry it.
    link_secret = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The closure staff cancelled it for: its page keeps the list of patrons to call.
    cancelled_for_closure = models.ForeignKey(
        Closure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="cancelled_bookings",
        verbose_name=_("cancelled for the closure"),
    )
    # Who decided the cancellation: the library (staff cancelling for it, or a closure) rather
    # than the patron. The patron's page and message then say so, with the reason.
    is_cancelled_by_library = models.BooleanField(
        _("cancelled by the library"), default=False, editable=False
    )
    cancellation_reason = models.CharField(
        _("reason for the cancellation"), max_length=200, blank=True, editable=False
    )
    # The patron may say no to the one question about the visit afterwards.
    feedback_allowed = models.BooleanField(_("may be asked for feedback"), default=True)
    # A keyed hash of the contact (private_link.patron_key_for), set on every save while the
    # contact is here: different and returning patrons are counted by it. The daily purge keeps
    # it past the contact's erasure for PATRON_KEY_RETENTION_DAYS; an erasure on request clears it.
    patron_key = models.CharField(
        max_length=32, blank=True, default="", db_default="", editable=False
    )
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )
    # Set by the booking service from its `now`, so that what counts from it (reminders,
    # statistics' "booked ahead") follows the same clock as the rest of the booking.
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        permissions = [("view_statistics", _("Can see and export the statistics"))]
        constraints = [
            # Personal data is erased on schedule; until then a patron can always be reached.
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email="") | Q(personal_data_erased_at__isnull=False),
                name="booking_has_contact",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
        ]
        indexes = [
            # On PostgreSQL migration 0023 makes it covering: what the statistics count of a
            # library's period (status, way, outcome, channel, device, length, when booked) is
            # read from the index alone.
            models.Index(fields=["library", "starts_at"], name="booking_by_library"),
            models.Index(fields=["guide", "starts_at"], name="booking_by_guide"),
            # The limit on upcoming bookings per contact, checked on every online booking.
            models.Index(
                fields=["phone"], name="booking_active_by_phone", condition=Q(status="booked")
            ),
            models.Index(
                Upper("email"), name="booking_active_by_email", condition=Q(status="booked")
            ),
            # Returning patrons: a patron's earlier visits to the same library.
            models.Index(
                fields=["library", "patron_key", "starts_at"],
                name="booking_by_patron",
                condition=Q(status="attended") & ~Q(patron_key=""),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.patron_name} {local:%d.%m.%Y %H.%M}"

    def save(self, *args, **kwargs) -> None:
        # Every path that saves a booking (online, desk, change, waiting list, admin) keeps the
        # patron key in step with the contact; an erased booking keeps what the erasure left.
        if self.personal_data_erased_at is None:
            self.patron_key = patron_key_for(self.phone, self.email)
            fields = kwargs.get("update_fields")
            if fields is not None and {"phone", "email"} & set(fields):
                kwargs["update_fields"] = {*fields, "patron_key"}
        super().save(*args, **kwargs)

    @property
    def how_to_join(self) -> str:
        """For guidance by phone or video, how the patron is met, in the active language
        ("" at the library, where the address says it). The meeting link is personal: only
        the patron's own page, messages and calendar file carry it."""
        if self.way == Way.PHONE:
            return _(
                "By phone: at the time, the guide calls you on %(phone)s. Keep that phone "
                "with you, and the device you need help with."
            ) % {"phone": phone_as_written(self.phone)}
        if self.way == Way.VIDEO:
            if link := self.meeting_link:
                return _(
                    "By video: at the time, open %(link)s on your device. It opens in the "
                    "browser or the meeting app; the guide lets you in."
                ) % {"link": link}
            return _("By video: the library sends you the meeting link before the time.")
        return ""

    @property
    def meeting_link(self) -> str:
        """Where a video visit meets: this booking's link, else its guide's ("" if neither)."""
        if self.way != Way.VIDEO:
            return ""
        return self.video_link or self.guide.video_link

    @property
    def token(self) -> str:
        """The patron's private link token (256 bits); never stored."""
        return private_token_for(self.link_secret)

    @property
    def changes_online_until(self) -> dt.datetime:
        """The library's change deadline for this time: the patron may change or cancel it
        online before this moment, and must call the library after it."""
        return self.starts_at - dt.timedelta(minutes=self.library.change_deadline_minutes)

    def can_be_changed_online(self, now: dt.datetime) -> bool:
        return self.status == self.Status.BOOKED and now < self.changes_online_until

    @property
    def library_cancellation_reason(self) -> str:
        """Why the library cancelled this time, as the patron is told: the closure's reason
        when it was cancelled for one, else what staff wrote (may be empty). Without a full
        stop at the end: the sentence that quotes it has its own."""
        if self.cancelled_for_closure_id:
            reason = self.cancelled_for_closure.reason
        else:
            reason = self.cancellation_reason
        return reason.strip().rstrip(".").rstrip()

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED


class BookingTopic(models.Model):
    """A topic of a booking. A topic past bookings used cannot be deleted (it would vanish from
    them and from the statistics): it is archived instead. The table is the one the plain
    many-to-many field made."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT)

    class Meta:
        db_table = "bookings_booking_topics"
        unique_together = [("booking", "topic")]
        verbose_name = _("topic of a booking")
        verbose_name_plural = _("topics of bookings")

    def __str__(self) -> str:
        local = timezone.localtime(self.booking.starts_at)
        return f"{self.topic} · {local:%d.%m.%Y %H.%M}"

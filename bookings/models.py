"""Libraries, guides, their weekly schedules and closures, the slots made from them, and bookings.

A slot belongs to at most one booking: `Slot.booking` is a single column, and the service takes a
slot only with `UPDATE … WHERE booking_id IS NULL`, so the database itself refuses a second
booking of the same time, on SQLite and PostgreSQL alike, however many app servers race.
"""

import base64
import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Library(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), unique=True)
    address = models.CharField(_("street address"), max_length=300)
    place = models.CharField(
        _("where guidance happens"),
        max_length=200,
        blank=True,
        help_text=_("The room or desk the patron should go to, e.g. “Group room 2”."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("takes bookings"), default=True)
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice for online bookings (minutes)"), default=120
    )
    booking_horizon_weeks = models.PositiveSmallIntegerField(
        _("weeks of free times shown ahead"), default=6
    )
    change_deadline_minutes = models.PositiveIntegerField(
        _("patrons may cancel or change online until (minutes before)"), default=60
    )
    max_active_bookings = models.PositiveSmallIntegerField(
        _("most upcoming bookings per phone number or e-mail"), default=3
    )
    sms_monthly_cap = models.PositiveIntegerField(
        _("text messages per month"),
        default=300,
        help_text=_("Past this, messages go to the staff call list instead."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name


class Guide(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("staff account")
    )
    display_name = models.CharField(
        _("public name"), max_length=100, help_text=_("Shown to patrons, e.g. “Maria”.")
    )
    libraries = models.ManyToManyField(Library, related_name="guides", verbose_name=_("libraries"))
    languages = models.JSONField(
        _("guidance languages"), default=list, help_text=_("Language codes, e.g. fi, sv, en.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    notify_by_email = models.BooleanField(
        _("e-mail me about my new, changed and cancelled bookings"), default=True
    )

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.display_name


class WeeklySchedule(models.Model):
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("guide")
    )
    library = models.ForeignKey(
        Library, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("library")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["library", "guide", "weekday", "start_time"]
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="schedule_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="schedule_slot_length_sane",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="schedule_valid_range",
            ),
        ]

    def __str__(self) -> str:
        hours = f"{self.start_time:%H.%M}–{self.end_time:%H.%M}"
        return f"{self.guide} · {self.get_weekday_display()} {hours}"

    def applies_on(self, day: dt.date) -> bool:
        return (
            day.weekday() == self.weekday
            and day >= self.valid_from
            and (self.valid_until is None or day <= self.valid_until)
        )


class Closure(models.Model):
    library = models.ForeignKey(
        Library, on_delete=models.CASCADE, related_name="closures", verbose_name=_("library")
    )
    guide = models.ForeignKey(
        Guide,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("guide"),
        help_text=_("Leave empty to close the whole library."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"

    def covers(self, *, guide_id: int, library_id: int, day: dt.date) -> bool:
        return (
            self.library_id == library_id
            and (self.guide_id is None or self.guide_id == guide_id)
            and self.starts_on <= day <= self.ends_on
        )


class DeviceType(models.Model):
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("device type")
        verbose_name_plural = _("device types")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100)
    bring_note = models.CharField(
        _("what to bring"),
        max_length=200,
        blank=True,
        help_text=_("Told to the patron, e.g. “your banking codes”."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class SlotQuerySet(models.QuerySet):
    def free(self):
        return self.filter(booking__isnull=True)

    def bookable(self, *, now: dt.datetime, notice: dt.timedelta = dt.timedelta()):
        """Free times that have not started (nor fall inside the notice window)."""
        return self.free().filter(starts_at__gte=now + notice, guide__is_active=True)

    def at(self, library: Library):
        return self.filter(library=library)

    def between(self, start: dt.datetime, end: dt.datetime):
        return self.filter(starts_at__gte=start, starts_at__lt=end)


class Slot(models.Model):
    guide = models.ForeignKey(
        Guide, on_delete=models.PROTECT, related_name="slots", verbose_name=_("guide")
    )
    library = models.ForeignKey(
        Library, on_delete=models.PROTECT, related_name="slots", verbose_name=_("library")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    booking = models.ForeignKey(
        "Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("booking"),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "guide"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            # A guide is in one place at a time; also what makes slot generation idempotent.
            models.UniqueConstraint(fields=["guide", "starts_at"], name="slot_unique_guide_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]
        indexes = [
            # The free-times page: one library, a range of starts, only the free ones.
            models.Index(
                fields=["library", "starts_at"],
                name="slot_free_by_library",
                condition=Q(booking__isnull=True),
            ),
            models.Index(fields=["library", "starts_at"], name="slot_by_library"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.guide} {local:%d.%m.%Y %H.%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", pgettext_lazy("booking status", "Booked")
        CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
        ATTENDED = "attended", pgettext_lazy("booking status", "Attended")
        NO_SHOW = "no_show", pgettext_lazy("booking status", "Did not come")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("booking channel", "Online")
        PHONE = "phone", pgettext_lazy("booking channel", "Phone")
        DESK = "desk", pgettext_lazy("booking channel", "At the desk")

    library = models.ForeignKey(
        Library, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("library")
    )
    guide = models.ForeignKey(
        Guide, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("guide")
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
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    need = models.TextField(_("what help is needed"), blank=True, max_length=2000)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fi"
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
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""), name="booking_has_contact"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["library", "starts_at"], name="booking_by_library"),
            models.Index(fields=["guide", "starts_at"], name="booking_by_guide"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.patron_name} {local:%d.%m.%Y %H.%M}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def token_for(link_secret: str) -> str:
        digest = salted_hmac("digiopas.booking-link", link_secret, algorithm="sha256").digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @property
    def token(self) -> str:
        """The patron's private link token (256 bits); never stored."""
        return self.token_for(self.link_secret)

    def can_be_changed_online(self, now: dt.datetime) -> bool:
        deadline = self.starts_at - dt.timedelta(minutes=self.library.change_deadline_minutes)
        return self.status == self.Status.BOOKED and now < deadline

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED


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

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("booking")
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
        ]
        indexes = [models.Index(fields=["state", "kind"], name="notification_by_state")]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.get_channel_display()} · {self.get_state_display()}"
        )

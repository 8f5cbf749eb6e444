"""Places, people and the lists patrons choose from: libraries, guides, schedules, closures."""

import datetime as dt
import functools
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Way(models.TextChoices):
    """How a patron is guided: at the library, by phone (the guide calls the patron) or by
    video (the guide's meeting link). Finland's digital-support guidelines name the three as
    equal forms of support."""

    LIBRARY = "library", _("At the library")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video")


@functools.cache
def ways_of(at_library: bool, by_phone: bool, by_video: bool) -> tuple[str, ...]:
    """The ways three flags (the columns below) offer, in the order of `Way`: one place for the
    models, the free-times list's plain rows and the API's."""
    flags = (at_library, by_phone, by_video)
    return tuple(way for way, on in zip(Way.values, flags, strict=True) if on)


class OffersWays(models.Model):
    """The ways of guidance a weekly schedule or a slot offers: at least one. Three columns
    rather than a list, so that a way filters in SQL; on slots they have database defaults,
    as slots are made by plain inserts that name only some columns."""

    at_library = models.BooleanField(_("at the library"), default=True, db_default=True)
    by_phone = models.BooleanField(_("by phone"), default=False, db_default=False)
    by_video = models.BooleanField(_("by video"), default=False, db_default=False)

    class Meta:
        abstract = True

    @property
    def ways(self) -> list[str]:
        """The ways offered, in the order of `Way`."""
        return list(ways_of(self.at_library, self.by_phone, self.by_video))

    @staticmethod
    def offers_a_way(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(at_library=True) | Q(by_phone=True) | Q(by_video=True),
            name=name,
            violation_error_message=_("Please choose at least one way of guidance."),
        )


WAY_FIELDS = {Way.LIBRARY: "at_library", Way.PHONE: "by_phone", Way.VIDEO: "by_video"}


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
    accessibility = models.CharField(
        _("accessibility"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Step-free entrance from the car park; a lift to the 2nd floor.”"),
    )
    parking = models.CharField(
        _("parking and getting there"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “Free parking in front of the library; bus stop Keskusta.”"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("takes bookings"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_libraries",
        verbose_name=_("staff"),
        help_text=_("Staff who see this library's bookings. Its guides see them too."),
    )
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
    # Gateways charge per part: a text message of up to 160 characters is one part.
    sms_monthly_cap = models.PositiveIntegerField(
        _("text-message parts per month"),
        default=300,
        help_text=_(
            "A text message of up to 160 characters is one part; a longer one costs two or "
            "more. Past this many parts in a month, messages go to the staff call list instead."
        ),
    )
    shows_patron_feedback = models.BooleanField(
        _("show what our patrons say on the principles page"),
        default=False,
        help_text=_(
            "The averages of the patrons' feedback for the last 12 months, shown only when "
            "there are enough answers that no one can be recognised."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name

    @property
    def map_url(self) -> str:
        """The address on OpenStreetMap: a plain link, nothing loaded from another host."""
        return f"https://www.openstreetmap.org/search?query={quote(self.address)}"

    @property
    def street_address(self) -> str:
        """The address up to its first comma: "Kirjastokuja 1" of "Kirjastokuja 1, 91900
        Liminka", what a text message has room for."""
        return self.address.split(",", 1)[0].strip()


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
    video_link = models.URLField(
        _("video meeting link"),
        blank=True,
        max_length=500,
        help_text=_(
            "Your own meeting address (Teams, Jitsi…) for guidance by video. Patrons see it only "
            "on their own booking page, in their messages and in their calendar file."
        ),
    )
    notify_by_email = models.BooleanField(
        _("e-mail me about my new, changed and cancelled bookings"), default=True
    )
    # The SHA-256 of the guide's calendar-feed token (bookings/calendar_feed.py): the address
    # is shown once, when made, and cannot be read back from the database. NULL, not "", for
    # none: unique, and many guides have none.
    calendar_feed_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    calendar_feed_created_at = models.DateTimeField(
        _("calendar subscription made"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_names(self) -> list[str]:
        """The languages this guide guides in, named in the active language (site order)."""
        return [str(name) for code, name in settings.LANGUAGES if code in self.languages]


class WeeklySchedule(OffersWays):
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
            OffersWays.offers_a_way("schedule_offers_a_way"),
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
    # Past bookings point here: a type no longer offered is archived, never deleted.
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Untick to stop offering it on the forms.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("device type")
        verbose_name_plural = _("device types")

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """Where a guide may send a patron whose matter the library cannot solve (the bank,
    Kansalaisneuvonta, Kela's service point…): a list staff keep, counted in the statistics."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # Past visits point here: a place no longer used is archived, never deleted.
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Untick to stop offering it when marking a visit.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

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
    suggested_minutes = models.PositiveSmallIntegerField(
        _("suggested length (minutes)"),
        null=True,
        blank=True,
        choices=[(15, "15"), (30, "30"), (45, "45")],
        help_text=_("The booking form offers this length first when the topic is chosen."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # Past bookings and the statistics point here: a topic no longer offered is archived.
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Untick to stop offering it on the forms.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

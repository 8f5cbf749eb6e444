"""Who on the staff opened which patron's personal data, kept for a set period."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .booking import Booking
from .library import Library


class AccessLogEntry(models.Model):
    class Place(models.TextChoices):
        ADMIN_BOOKING = "admin_booking", pgettext_lazy("access log", "Booking in the admin")
        ADMIN_BOOKING_LIST = (
            "admin_booking_list",
            pgettext_lazy("access log", "Booking list in the admin"),
        )
        GUIDE_WEEK = "guide_week", pgettext_lazy("access log", "Guide's week")
        CLOSURE = "closure", pgettext_lazy("access log", "Bookings in a closed period")
        PRINTED_DAY = "printed_day", pgettext_lazy("access log", "Printed day")
        SLIP = "slip", pgettext_lazy("access log", "Booking slip")
        DESK_SEARCH = "desk_search", pgettext_lazy("access log", "Patron search at the desk")
        CALENDAR_FEED = "calendar_feed", pgettext_lazy("access log", "Guide's calendar feed")
        MEMO = "memo", pgettext_lazy("access log", "Memo of a visit")
        EXPORT = "export", pgettext_lazy("access log", "Data export")
        ERASURE = "erasure", pgettext_lazy("access log", "Erasure on request")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("staff member")
    )
    place = models.CharField(_("where"), max_length=20, choices=Place.choices)
    library = models.ForeignKey(
        Library, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("library")
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("booking")
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    # The local day of `at`: a page opened again the same day is the same access.
    on_day = models.DateField(_("day"), null=True, editable=False)

    # Each of these is an act of its own, logged every time; opening a page is logged once a day.
    LOGGED_EVERY_TIME = (Place.EXPORT, Place.ERASURE)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        constraints = [
            models.UniqueConstraint(
                "user",
                "place",
                Coalesce("library", Value(0)),
                Coalesce("booking", Value(0)),
                "detail",
                "on_day",
                condition=~Q(place__in=["export", "erasure"]),
                name="access_log_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_place_display()} · {self.at:%d.%m.%Y %H.%M}"

"""Patrons waiting for a time when none suits, and the times offered to them first."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .booking import Booking
from .library import Library, Weekday
from .private_link import private_token_for

# Where the morning ends for a patron who asks for mornings or afternoons: a time starting
# before noon (local time) is a morning time.
NOON = dt.time(12, 0)


class PartOfDay(models.TextChoices):
    ANY = "any", _("Any time of day")
    MORNING = "morning", _("Mornings (before 12 noon)")
    AFTERNOON = "afternoon", _("Afternoons (from 12 noon)")

    @classmethod
    def of(cls, starts_at: dt.datetime) -> "PartOfDay":
        """The part of the day a time starting at `starts_at` falls in (local time)."""
        return cls.MORNING if timezone.localtime(starts_at).time() < NOON else cls.AFTERNOON


class WaitingListQuerySet(models.QuerySet):
    def in_line(self):
        """Waiting entries, first come first served."""
        return self.filter(status=WaitingListEntry.Status.WAITING).order_by("created_at", "pk")

    def phone_only(self):
        return self.filter(email="").exclude(phone="")


class WaitingListEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("waiting list", "Waiting")
        OFFERED = "offered", pgettext_lazy("waiting list", "Time offered")
        BOOKED = "booked", pgettext_lazy("waiting list", "Booked")
        REMOVED = "removed", pgettext_lazy("waiting list", "Removed")

    library = models.ForeignKey(
        Library, on_delete=models.PROTECT, related_name="waiting_list", verbose_name=_("library")
    )
    patron_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="fi"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Booking.Channel.choices, default=Booking.Channel.ONLINE
    )
    weekdays = models.JSONField(
        _("days that suit"),
        default=list,
        blank=True,
        help_text=_("Weekday numbers, Monday = 0; empty means any day."),
    )
    part_of_day = models.CharField(
        _("time of day that suits"),
        max_length=10,
        choices=PartOfDay.choices,
        default=PartOfDay.ANY,
    )
    need = models.CharField(_("what help is needed"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    offered_slot = models.ForeignKey(
        "Slot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered time"),
    )
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    # Slots this patron let pass: never offered to them again.
    passed_slot_ids = models.JSONField(default=list, blank=True, editable=False)
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("booking")
    )
    link_secret = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    # When it was booked or removed: personal data is kept for RETENTION_DAYS from then.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, editable=False)

    objects = WaitingListQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email="") | Q(status="removed"),
                name="waiting_entry_has_contact",
            ),
        ]
        indexes = [models.Index(fields=["library", "status", "created_at"], name="waiting_in_line")]

    def __str__(self) -> str:
        return f"{self.patron_name} · {self.library}"

    @property
    def token(self) -> str:
        return private_token_for(self.link_secret)

    @property
    def weekday_names(self) -> list[str]:
        return [Weekday(day).label for day in self.weekdays]

    def suits(self, starts_at: dt.datetime) -> bool:
        """Whether a time starting then is on a day and at a time of day the patron asked for."""
        day_suits = not self.weekdays or timezone.localtime(starts_at).weekday() in self.weekdays
        time_suits = self.part_of_day in (PartOfDay.ANY, PartOfDay.of(starts_at))
        return day_suits and time_suits

    def offer_is_open(self, now: dt.datetime) -> bool:
        return (
            self.status == self.Status.OFFERED
            and self.offer_expires_at is not None
            and now < self.offer_expires_at
        )

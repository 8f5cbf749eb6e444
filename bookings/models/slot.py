"""Bookable times.

A slot belongs to at most one booking: `Slot.booking` is a single column, and the service takes a
slot only with `UPDATE … WHERE booking_id IS NULL`, so the database itself refuses a second
booking of the same time, on SQLite and PostgreSQL alike, however many app servers race.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .library import Guide, Library, OffersWays


class SlotQuerySet(models.QuerySet):
    def free(self):
        return self.filter(booking__isnull=True)

    def unheld(self, *, now: dt.datetime, for_entry_id: int | None = None):
        """Not held right now for a patron on the waiting list (other than `for_entry_id`)."""
        condition = Q(held_until__isnull=True) | Q(held_until__lte=now)
        if for_entry_id is not None:
            condition |= Q(held_for_id=for_entry_id)
        return self.filter(condition)

    def bookable(self, *, now: dt.datetime, notice: dt.timedelta = dt.timedelta()):
        """Free times that have not started (nor fall inside the notice window)."""
        return (
            self.free().unheld(now=now).filter(starts_at__gte=now + notice, guide__is_active=True)
        )

    def at(self, library: Library):
        return self.filter(library=library)

    def between(self, start: dt.datetime, end: dt.datetime):
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def run_from(
        self, first: "Slot", count: int, *, lock: bool = False, related: tuple[str, ...] = ()
    ) -> list["Slot"]:
        """`first` and up to `count - 1` of the same guide's following slots at the same library,
        while they follow without a gap.

        With `lock`, the rows are locked in time order, so that two bookings reaching for
        overlapping slots queue up instead of deadlocking (PostgreSQL; SQLite writes one at a
        time). `related`: relations to read in the same query.
        """
        query = self.filter(
            guide_id=first.guide_id, library_id=first.library_id, starts_at__gte=first.starts_at
        ).order_by("starts_at")
        if related:
            query = query.select_related(*related)
        if lock:
            # The slot rows only: locking a joined library or guide would queue every booking
            # there behind this one.
            query = query.select_for_update(of=("self",) if related else ())
        candidates = list(query[:count])
        run = candidates[:1]
        for slot in candidates[1:]:
            if slot.starts_at != run[-1].ends_at:
                break
            run.append(slot)
        return run


class Slot(OffersWays):
    # Millions of rows: every index costs on each slot made, so the foreign keys below are
    # indexed only where Meta says (guide and library lead the composite indexes).
    guide = models.ForeignKey(
        Guide,
        on_delete=models.PROTECT,
        related_name="slots",
        verbose_name=_("guide"),
        db_index=False,
    )
    library = models.ForeignKey(
        Library,
        on_delete=models.PROTECT,
        related_name="slots",
        verbose_name=_("library"),
        db_index=False,
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # A booking holding slots cannot be deleted: bookings end by cancelling or erasing only.
    booking = models.ForeignKey(
        "Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("booking"),
        db_index=False,
    )
    # Offered first to someone on the waiting list until `held_until`.
    held_for = models.ForeignKey(
        "WaitingListEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held for"),
        db_index=False,
    )
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)

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
            OffersWays.offers_a_way("slot_offers_a_way"),
        ]
        indexes = [
            # The free-times page: one library, a range of starts, only the free ones.
            models.Index(
                fields=["library", "starts_at"],
                name="slot_free_by_library",
                condition=Q(booking__isnull=True),
            ),
            # On PostgreSQL migration 0023 makes it covering (INCLUDE id, guide, end, booking):
            # a year's statistics per guide read the index alone, not one table page per slot
            # (national bench: 58,000 pages to 440).
            models.Index(fields=["library", "starts_at"], name="slot_by_library"),
            # A booking's slots, a waiting-list entry's hold: only the few rows that have one.
            models.Index(
                fields=["booking"], name="slot_by_booking", condition=Q(booking__isnull=False)
            ),
            models.Index(
                fields=["held_for"], name="slot_by_hold", condition=Q(held_for__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.guide} {local:%d.%m.%Y %H.%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

"""Figures for the statistics page: how much guidance time was opened, booked and used.

Pure reads, no HTTP. Every count and sum is an aggregate query in the database; Python only
arranges the handful of grouped rows that come back (one per guide, device, topic, hour, week…),
so the number of queries and the work done in Python do not grow with the number of bookings.

A booking belongs to a period by its start in local (Helsinki) time, and so does a slot. Weekdays,
hours, weeks and "how long ahead" are all computed in local time by the database.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.fields import DateField
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate, TruncWeek
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.utils import build_localized_fieldname, get_language

from bookings.clock import local_midnight, local_zone
from bookings.models import (
    Booking,
    DeviceType,
    Guide,
    Library,
    Slot,
    Topic,
    Way,
    Weekday,
)

# Bookings that kept their time: they count as booked time and in the breakdowns. Cancelled
# bookings free their slots and are counted only in the status figures.
KEPT_STATUSES = (Booking.Status.BOOKED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)


@dataclass(frozen=True)
class Period:
    """Whole local days from `first_on` to `last_on`, both included."""

    first_on: dt.date
    last_on: dt.date

    def __post_init__(self) -> None:
        if self.last_on < self.first_on:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first_on = dt.date(year, month, 1)
        next_month = (first_on + dt.timedelta(days=31)).replace(day=1)
        return cls(first_on, next_month - dt.timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def starts_at(self) -> dt.datetime:
        return local_midnight(self.first_on)

    @property
    def ends_at(self) -> dt.datetime:
        """The local midnight after the last day (exclusive)."""
        return local_midnight(self.last_on + dt.timedelta(days=1))

    def week_starts(self) -> list[dt.date]:
        """The Monday of every ISO week the period touches."""
        monday = self.first_on - dt.timedelta(days=self.first_on.weekday())
        weeks = []
        while monday <= self.last_on:
            weeks.append(monday)
            monday += dt.timedelta(weeks=1)
        return weeks

    def __str__(self) -> str:
        first = formats.date_format(self.first_on, "SHORT_DATE_FORMAT")
        last = formats.date_format(self.last_on, "SHORT_DATE_FORMAT")
        return f"{first}–{last}"


class LeadTime:
    """How long before the guidance time it was booked, in local calendar days."""

    SAME_DAY = "same_day"
    ONE_TO_TWO_DAYS = "1_2_days"
    THREE_TO_SEVEN_DAYS = "3_7_days"
    ONE_TO_TWO_WEEKS = "8_14_days"
    LONGER = "longer"

    # (bucket, label, the most days ahead it holds); the last bucket holds the rest.
    BUCKETS = (
        (SAME_DAY, pgettext_lazy("booked ahead", "The same day"), 0),
        (ONE_TO_TWO_DAYS, pgettext_lazy("booked ahead", "1–2 days ahead"), 2),
        (THREE_TO_SEVEN_DAYS, pgettext_lazy("booked ahead", "3–7 days ahead"), 7),
        (ONE_TO_TWO_WEEKS, pgettext_lazy("booked ahead", "1–2 weeks ahead"), 14),
        (LONGER, pgettext_lazy("booked ahead", "More than 2 weeks ahead"), None),
    )


@dataclass(frozen=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True)
class WeekRow:
    starts_on: dt.date
    count: int

    @property
    def number(self) -> int:
        return self.starts_on.isocalendar().week

    @property
    def label(self) -> str:
        return _("Week %(number)d (from %(date)s)") % {
            "number": self.number,
            "date": formats.date_format(self.starts_on, "SHORT_DATE_FORMAT"),
        }


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass
class GuideRow:
    name: str
    opened_slots: int = 0
    opened_minutes: int = 0
    booked_minutes: int = 0
    booked: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0

    @property
    def booked_percent(self) -> float | None:
        return _percent(self.booked_minutes, self.opened_minutes)

    @property
    def kept(self) -> int:
        return self.booked + self.attended + self.no_show


@dataclass(frozen=True)
class WeekdayHours:
    """Kept bookings by local weekday (rows) and starting hour (columns)."""

    hours: list[int]
    rows: list[tuple[str, list[int], int]]  # weekday label, a count per hour, the weekday total
    hour_totals: list[int]


@dataclass
class Figures:
    period: Period
    opened_slots: int
    opened_minutes: int
    booked_minutes: int
    by_status: list[Row]
    by_channel: list[Row]
    by_way: list[Row]
    by_outcome: list[Row]
    by_referral: list[Row]
    by_device: list[Row]
    by_topic: list[Row]
    by_weekday_hour: WeekdayHours
    by_lead_time: list[Row]
    by_week: list[WeekRow]
    by_guide: list[GuideRow] = field(default_factory=list)

    @property
    def booked_percent(self) -> float | None:
        """The share of the opened minutes that were booked, in per cent."""
        return _percent(self.booked_minutes, self.opened_minutes)

    @property
    def bookings(self) -> int:
        """Every booking in the period, cancelled ones too."""
        return sum(row.count for row in self.by_status)

    @property
    def kept_bookings(self) -> int:
        return sum(row.count for row in self.by_channel)


def minutes_in(duration: dt.timedelta | None) -> int:
    return int(duration.total_seconds() // 60) if duration else 0


def _slots(libraries, period: Period, guide: Guide | None) -> QuerySet[Slot]:
    slots = Slot.objects.filter(
        library__in=libraries, starts_at__gte=period.starts_at, starts_at__lt=period.ends_at
    )
    return slots.filter(guide=guide) if guide else slots


def _bookings(libraries, period: Period, guide: Guide | None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(
        library__in=libraries, starts_at__gte=period.starts_at, starts_at__lt=period.ends_at
    )
    return bookings.filter(guide=guide) if guide else bookings


def by_guide(slots: QuerySet[Slot], bookings: QuerySet[Booking]) -> list[GuideRow]:
    """Opened and booked time and bookings per guide: two grouped queries."""
    duration = F("ends_at") - F("starts_at")
    slot_rows = (
        slots.values("guide_id", "guide__display_name")
        .annotate(
            opened_slots=Count("pk"),
            opened=Sum(duration),
            # Cancelling releases a booking's slots (and staff cannot set the status in the
            # admin), so a slot with a booking is booked time: no join to the bookings.
            booked=Sum(duration, filter=Q(booking__isnull=False)),
        )
        .order_by()
    )
    booking_rows = (
        bookings.values("guide_id", "guide__display_name")
        .annotate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Booking.Status}
        )
        .order_by()
    )
    guides: dict[int, GuideRow] = {}
    for row in slot_rows:
        guides[row["guide_id"]] = GuideRow(
            name=row["guide__display_name"],
            opened_slots=row["opened_slots"],
            opened_minutes=minutes_in(row["opened"]),
            booked_minutes=minutes_in(row["booked"]),
        )
    for row in booking_rows:
        guide = guides.setdefault(row["guide_id"], GuideRow(name=row["guide__display_name"]))
        guide.booked = row[Booking.Status.BOOKED]
        guide.attended = row[Booking.Status.ATTENDED]
        guide.no_show = row[Booking.Status.NO_SHOW]
        guide.cancelled = row[Booking.Status.CANCELLED]
    return sorted(guides.values(), key=lambda guide: guide.name.casefold())


def by_status_and_channel(
    bookings: QuerySet[Booking],
) -> tuple[list[Row], list[Row], list[Row], list[Row], int]:
    """One aggregate: bookings per status (all), per channel, per way of guidance and without
    a device (kept), and the attended visits per outcome."""
    kept = Q(status__in=KEPT_STATUSES)
    counts = bookings.aggregate(
        **{f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in Booking.Status},
        **{f"channel_{c.value}": Count("pk", filter=kept & Q(channel=c)) for c in Booking.Channel},
        **{f"way_{w.value}": Count("pk", filter=kept & Q(way=w)) for w in Way},
        **{
            f"outcome_{o.value}": Count("pk", filter=Q(status=Booking.Status.ATTENDED, outcome=o))
            for o in Booking.Outcome
        },
        outcome_unsaid=Count("pk", filter=Q(status=Booking.Status.ATTENDED, outcome="")),
        no_device=Count("pk", filter=kept & Q(device__isnull=True)),
    )
    # Attended and no-show first: they are what managers ask about.
    statuses = [
        Booking.Status.ATTENDED,
        Booking.Status.NO_SHOW,
        Booking.Status.CANCELLED,
        Booking.Status.BOOKED,
    ]
    by_status = [Row(s.label, counts[f"status_{s.value}"]) for s in statuses]
    by_channel = [Row(c.label, counts[f"channel_{c.value}"]) for c in Booking.Channel]
    by_way = [Row(w.label, counts[f"way_{w.value}"]) for w in Way]
    by_outcome = [Row(o.label, counts[f"outcome_{o.value}"]) for o in Booking.Outcome]
    by_outcome.append(Row(_("Attended, outcome not said"), counts["outcome_unsaid"]))
    return by_status, by_channel, by_way, by_outcome, counts["no_device"]


def by_referral(bookings: QuerySet[Booking]) -> list[Row]:
    """Attended visits referred elsewhere, per place, named in the active language (one query;
    archived places too, while their visits fall in the period)."""
    named = "referral__" + build_localized_fieldname("name", get_language())
    rows = (
        bookings.filter(status=Booking.Status.ATTENDED, referral__isnull=False)
        .order_by()
        .values_list("referral__position", named, "referral__name_fi")
        .annotate(count=Count("pk"))
    )
    # A place without a name in this language is named in Finnish, as everywhere else.
    return [Row(name or fallback, count) for _position, name, fallback, count in sorted(rows)]


def by_device(kept: QuerySet[Booking], *, no_device: int) -> list[Row]:
    """Every device type with its number of kept bookings, zeros too.

    Two small queries: the period's kept bookings grouped by device (an index range), and the
    device types. Counting from the device types would join every booking ever made.
    """
    counts = dict(kept.order_by().values_list("device_id").annotate(count=Count("pk")))
    rows = [Row(device.name, counts.get(device.pk, 0)) for device in DeviceType.objects.all()]
    if no_device:
        rows.append(Row(pgettext_lazy("device", "Not given"), no_device))
    return rows


def by_topic(kept: QuerySet[Booking]) -> list[Row]:
    """Every topic with its number of kept bookings; a booking may have several topics.

    Two small queries, as for devices: the period's bookings' topic links grouped, the topics.
    """
    links = Booking.topics.through.objects.filter(booking__in=kept.values("pk"))
    # Counting booking ids, not link ids, lets the links' (booking, topic) index answer alone.
    counts = dict(links.order_by().values_list("topic_id").annotate(count=Count("booking")))
    return [Row(topic.name, counts.get(topic.pk, 0)) for topic in Topic.objects.all()]


def by_weekday_hour(kept: QuerySet[Booking]) -> WeekdayHours:
    """Kept bookings by local weekday and starting hour, in one grouped query."""
    zone = local_zone()
    rows = (
        kept.annotate(
            weekday=ExtractIsoWeekDay("starts_at", tzinfo=zone),
            hour=ExtractHour("starts_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {(row["weekday"], row["hour"]): row["count"] for row in rows}
    hours = sorted({hour for _weekday, hour in counts})
    if hours:
        hours = list(range(hours[0], hours[-1] + 1))
    grid = []
    for weekday in Weekday:
        cells = [counts.get((weekday.value + 1, hour), 0) for hour in hours]
        grid.append((weekday.label, cells, sum(cells)))
    hour_totals = [sum(cells[i] for _label, cells, _total in grid) for i in range(len(hours))]
    return WeekdayHours(hours=hours, rows=grid, hour_totals=hour_totals)


def by_lead_time(kept: QuerySet[Booking]) -> list[Row]:
    """How many local calendar days ahead people booked, bucketed in the database.

    The day difference is `TruncDate(starts_at) - TruncDate(created_at)` in local time: an
    interval on PostgreSQL and microseconds on SQLite; Django compares both with a timedelta, so
    the same `Case` works on either.
    """
    zone = local_zone()
    ahead = TruncDate("starts_at", tzinfo=zone) - TruncDate("created_at", tzinfo=zone)
    whens = [
        When(ahead__lte=dt.timedelta(days=most), then=Value(bucket))
        for bucket, _label, most in LeadTime.BUCKETS
        if most is not None
    ]
    rows = (
        kept.annotate(ahead=ahead)
        .annotate(bucket=Case(*whens, default=Value(LeadTime.LONGER)))
        .values("bucket")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["bucket"]: row["count"] for row in rows}
    return [Row(label, counts.get(bucket, 0)) for bucket, label, _most in LeadTime.BUCKETS]


def by_week(kept: QuerySet[Booking], period: Period) -> list[WeekRow]:
    """Kept bookings per ISO week (local time), every week of the period, zeros too."""
    rows = (
        kept.annotate(week=TruncWeek("starts_at", tzinfo=local_zone(), output_field=DateField()))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["week"]: row["count"] for row in rows}
    return [WeekRow(monday, counts.get(monday, 0)) for monday in period.week_starts()]


def figures_for(
    *,
    libraries: QuerySet[Library] | Iterable[Library],
    period: Period,
    guide: Guide | None = None,
) -> Figures:
    """Every figure of the statistics page, in eleven queries whatever the data size.

    `libraries` is what the user may see (a queryset is used as a subquery); `guide` narrows
    everything to one guide.
    """
    slots = _slots(libraries, period, guide)
    bookings = _bookings(libraries, period, guide)
    kept = bookings.filter(status__in=KEPT_STATUSES)
    guides = by_guide(slots, bookings)
    by_status, by_channel, by_way, by_outcome, no_device = by_status_and_channel(bookings)
    return Figures(
        period=period,
        # Totals add up the per-guide rows the database grouped: no extra query.
        opened_slots=sum(row.opened_slots for row in guides),
        opened_minutes=sum(row.opened_minutes for row in guides),
        booked_minutes=sum(row.booked_minutes for row in guides),
        by_status=by_status,
        by_channel=by_channel,
        by_way=by_way,
        by_outcome=by_outcome,
        by_referral=by_referral(bookings),
        by_device=by_device(kept, no_device=no_device),
        by_topic=by_topic(kept),
        by_weekday_hour=by_weekday_hour(kept),
        by_lead_time=by_lead_time(kept),
        by_week=by_week(kept, period),
        by_guide=guides,
    )


def as_text(value) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe, so it stays text."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def _share(percent: float | None) -> str:
    return "" if percent is None else formats.number_format(percent, 1)


def figures_as_rows(figures: Figures) -> Iterator[list]:
    """The figures as (figure, item, value) rows for a spreadsheet, header first."""
    yield [_("Figure"), _("Item"), _("Value")]
    yield [_("Period"), "", str(figures.period)]
    yield [_("Opened slots"), "", figures.opened_slots]
    yield [_("Opened minutes"), "", figures.opened_minutes]
    yield [_("Booked minutes"), "", figures.booked_minutes]
    yield [_("Share of opened time booked (%)"), "", _share(figures.booked_percent)]
    sections = [
        (_("Bookings by status"), figures.by_status),
        (_("Bookings by channel"), figures.by_channel),
        (_("Bookings by way of guidance"), figures.by_way),
        (_("Attended visits by outcome"), figures.by_outcome),
        (_("Attended visits referred elsewhere"), figures.by_referral),
        (_("Bookings by device"), figures.by_device),
        (_("Bookings by topic"), figures.by_topic),
        (_("Booked how long ahead"), figures.by_lead_time),
    ]
    for title, rows in sections:
        for row in rows:
            yield [title, as_text(row.label), row.count]
    grid = figures.by_weekday_hour
    for label, _cells, total in grid.rows:
        yield [_("Bookings by weekday"), label, total]
    for hour, total in zip(grid.hours, grid.hour_totals, strict=True):
        yield [_("Bookings by starting hour"), f"{hour:02d}", total]
    for week in figures.by_week:
        yield [_("Bookings by week"), week.label, week.count]
    for guide in figures.by_guide:
        name = as_text(guide.name)
        yield [_("Guide: opened slots"), name, guide.opened_slots]
        yield [_("Guide: opened minutes"), name, guide.opened_minutes]
        yield [_("Guide: booked minutes"), name, guide.booked_minutes]
        yield [_("Guide: share of opened time booked (%)"), name, _share(guide.booked_percent)]
        yield [_("Guide: attended"), name, guide.attended]
        yield [_("Guide: did not come"), name, guide.no_show]
        yield [_("Guide: cancelled"), name, guide.cancelled]
        yield [_("Guide: booked, not yet marked"), name, guide.booked]

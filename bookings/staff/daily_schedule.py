"""What staff read about one library's day and one guide's week: the printed day, the week grid.

Plain functions over a fixed number of queries, whatever the number of slots and bookings.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

import holidays
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext_lazy

from bookings.clock import day_bounds, wall_clock
from bookings.models import (
    Booking,
    Closure,
    Guide,
    Library,
    Slot,
    WaitingListEntry,
    Way,
    WeeklySchedule,
)

# The languages the `holidays` package names Finnish public holidays in, by site language.
HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def public_holidays(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Finnish public holidays from `first` to `last`, named in the active language."""
    language = HOLIDAY_LANGUAGES.get(translation.get_language() or "fi", "fi")
    names = holidays.country_holidays(
        "FI", years=range(first.year, last.year + 1), language=language
    )
    return {day: name for day, name in sorted(names.items()) if first <= day <= last}


def closures_between(library: Library, first: dt.date, last: dt.date) -> QuerySet[Closure]:
    """The library's closures, whole-library or one guide's, that touch the days (one query)."""
    return (
        Closure.objects.filter(library=library, starts_on__lte=last, ends_on__gte=first)
        .select_related("guide")
        .order_by("starts_on", "pk")
    )


def week_param(day: dt.date) -> str:
    """The ISO week of `day` as a week picker writes it, e.g. 2026-W50."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# The printed day


@dataclass(frozen=True)
class ScheduleRow:
    """One line of a guide's day: a free or held slot, or a booking over one or more slots."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    booking: Booking | None = None
    held_for: WaitingListEntry | None = None
    held_until: dt.datetime | None = None
    slot_count: int = 1

    @property
    def is_free(self) -> bool:
        return self.booking is None and self.held_for is None

    @property
    def labels(self) -> list[str]:
        """What the guide must notice before the patron comes, in words (see `booking_labels`)."""
        if self.booking is None:
            return []
        return booking_labels(
            self.booking,
            minutes=int((self.ends_at - self.starts_at).total_seconds() // 60),
            slot_count=self.slot_count,
            page_language=translation.get_language() or "fi",
        )


def booking_labels(
    booking: Booking, *, minutes: int, slot_count: int, page_language: str
) -> list[str]:
    """The labels a booking's line carries, in the page's language: guidance by phone or
    video (not at the library), the patron's language when
    it is not the page's (the guide may need a colleague who speaks it), and a longer visit
    (more than one time in a row), with its length, so the next time is not promised too soon.
    """
    labels = []
    if booking.way == Way.PHONE:
        # The guide calls: the number is on the line already.
        labels.append(gettext("By phone: call the patron"))
    elif booking.way == Way.VIDEO:
        labels.append(gettext("By video"))
    if booking.language and booking.language.split("-")[0] != page_language.split("-")[0]:
        labels.append(
            gettext("Patron's language: %(language)s")
            % {"language": booking.get_language_display()}
        )
    if slot_count > 1:
        labels.append(
            ngettext(
                "Longer visit: %(minutes)d minute",
                "Longer visit: %(minutes)d minutes",
                minutes,
            )
            % {"minutes": minutes}
        )
    return labels


@dataclass(frozen=True)
class GuideDay:
    guide: Guide
    rows: list[ScheduleRow]

    @property
    def bookings(self) -> list[Booking]:
        return [row.booking for row in self.rows if row.booking is not None]


@dataclass(frozen=True)
class DailySchedule:
    library: Library
    day: dt.date
    guides: list[GuideDay]
    closures: list[Closure]
    holiday: str | None

    @property
    def previous_day(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next_day(self) -> dt.date:
        return self.day + dt.timedelta(days=1)

    @property
    def booking_count(self) -> int:
        return sum(len(guide_day.bookings) for guide_day in self.guides)

    @property
    def week_param(self) -> str:
        """The day's ISO week as the week page's `week` parameter, e.g. 2026-W50."""
        return week_param(self.day)


def slots_of_day(library: Library, day: dt.date, *, guide: Guide | None = None) -> QuerySet[Slot]:
    """Every slot of the library's day with what the page shows of it: two queries in all.

    One for the slots, joined to their guide, booking, the booking's device and the waiting-list
    entry a slot is held for; one for the topics of all those bookings.
    """
    start, end = day_bounds(day, day)
    slots = (
        Slot.objects.at(library)
        .between(start, end)
        .select_related("guide", "booking__device", "held_for")
        .prefetch_related("booking__topics")
        .order_by("guide__display_name", "guide_id", "starts_at")
    )
    return slots.filter(guide=guide) if guide else slots


def rows_of(slots: list[Slot], *, now: dt.datetime) -> list[ScheduleRow]:
    """The guide's slots in time order as rows; a booking's consecutive slots make one row."""
    rows: list[ScheduleRow] = []
    for slot in slots:
        previous = rows[-1] if rows else None
        if (
            previous is not None
            and slot.booking_id is not None
            and previous.booking is not None
            and previous.booking.pk == slot.booking_id
        ):
            rows[-1] = ScheduleRow(
                previous.starts_at,
                slot.ends_at,
                booking=previous.booking,
                slot_count=previous.slot_count + 1,
            )
            continue
        # An offer to the waiting list that has run out leaves the slot simply free.
        is_held = slot.booking_id is None and slot.held_until is not None and slot.held_until > now
        rows.append(
            ScheduleRow(
                slot.starts_at,
                slot.ends_at,
                booking=slot.booking,
                held_for=slot.held_for if is_held else None,
                held_until=slot.held_until if is_held else None,
            )
        )
    return rows


def daily_schedule(
    *, library: Library, day: dt.date, now: dt.datetime, guide: Guide | None = None
) -> DailySchedule:
    """The library's day (or one guide's there), guide after guide: three queries.

    The slots and the bookings' topics (see `slots_of_day`), and the closures of the day. A day
    without a single booking skips the topics query.
    """
    by_guide = groupby(slots_of_day(library, day, guide=guide), key=lambda slot: slot.guide)
    closures = closures_between(library, day, day)
    if guide is not None:
        closures = closures.filter(Q(guide__isnull=True) | Q(guide=guide))
    return DailySchedule(
        library=library,
        day=day,
        guides=[GuideDay(one, rows_of(list(slots), now=now)) for one, slots in by_guide],
        closures=list(closures),
        holiday=public_holidays(day, day).get(day),
    )


# A guide's week


class CellKind(models.TextChoices):
    FREE = "free", pgettext_lazy("week grid", "Free")
    HELD = "held", pgettext_lazy("week grid", "Held for the waiting list")
    BOOKED = "booked", pgettext_lazy("week grid", "Booked")
    CLOSED = "closed", pgettext_lazy("week grid", "Closed")
    HOLIDAY = "holiday", pgettext_lazy("week grid", "Public holiday")
    NOT_OPEN = "not_open", pgettext_lazy("week grid", "Not open")


@dataclass(frozen=True)
class WeekCell:
    kind: CellKind
    slot: Slot | None = None

    @property
    def label(self) -> str:
        return self.kind.label


@dataclass(frozen=True)
class WeekDay:
    day: dt.date
    holiday: str | None = None
    closures: list[Closure] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return self.holiday is not None or bool(self.closures)


@dataclass(frozen=True)
class WeekRow:
    time: dt.time
    cells: list[WeekCell]


@dataclass(frozen=True)
class GuideWeek:
    guide: Guide
    library: Library
    monday: dt.date
    days: list[WeekDay]
    rows: list[WeekRow]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def week_number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def previous_week_param(self) -> str:
        return week_param(self.monday - dt.timedelta(weeks=1))

    @property
    def next_week_param(self) -> str:
        return week_param(self.monday + dt.timedelta(weeks=1))

    @property
    def closed_days(self) -> list[WeekDay]:
        return [day for day in self.days if day.is_closed]

    @property
    def by_day(self) -> list[tuple[WeekDay, list[tuple[dt.time, WeekCell]]]]:
        """The same times day by day, as a phone lists them: each day with the times it has
        (a time the guide never opened that day is left out)."""
        return [
            (
                day,
                [
                    (row.time, row.cells[index])
                    for row in self.rows
                    if row.cells[index].kind != CellKind.NOT_OPEN
                ],
            )
            for index, day in enumerate(self.days)
        ]

    def count(self, kind: CellKind) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.kind == kind)

    @property
    def free_count(self) -> int:
        return self.count(CellKind.FREE)

    @property
    def booked_count(self) -> int:
        return self.count(CellKind.BOOKED)


def scheduled_times(schedules: list[WeeklySchedule], day: dt.date) -> set[dt.time]:
    """The wall-clock starts the guide's weekly schedules would open on `day`."""
    times = set()
    for schedule in schedules:
        if not schedule.applies_on(day):
            continue
        length = dt.timedelta(minutes=schedule.slot_minutes)
        wall = dt.datetime.combine(day, schedule.start_time)
        while wall + length <= dt.datetime.combine(day, schedule.end_time):
            if wall_clock(day, wall.time()) is not None:
                times.add(wall.time())
            wall += length
    return times


def _cell(slot: Slot | None, day: WeekDay, *, is_scheduled: bool, now: dt.datetime) -> WeekCell:
    if slot is not None:
        if slot.booking_id is not None:
            return WeekCell(CellKind.BOOKED, slot)
        if slot.held_until is not None and slot.held_until > now:
            return WeekCell(CellKind.HELD, slot)
        return WeekCell(CellKind.FREE, slot)
    # Only times the guide would have opened are "closed": the rest were never open.
    if is_scheduled and day.holiday is not None:
        return WeekCell(CellKind.HOLIDAY)
    if is_scheduled and day.closures:
        return WeekCell(CellKind.CLOSED)
    return WeekCell(CellKind.NOT_OPEN)


def guide_week(*, guide: Guide, library: Library, monday: dt.date, now: dt.datetime) -> GuideWeek:
    """The guide's ISO week at the library as days by times: three queries.

    The week's slots with their bookings, the closures of the library and the guide, and the
    guide's weekly schedules there (which times a closed day would have had).
    """
    sunday = monday + dt.timedelta(days=6)
    start, end = day_bounds(monday, sunday)
    slots = (
        Slot.objects.at(library)
        .between(start, end)
        .filter(guide=guide)
        .select_related("booking")
        .order_by("starts_at")
    )
    closures_by_day: dict[dt.date, list[Closure]] = defaultdict(list)
    for closure in closures_between(library, monday, sunday).filter(
        Q(guide__isnull=True) | Q(guide=guide)
    ):
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            if closure.covers(guide_id=guide.pk, library_id=library.pk, day=day):
                closures_by_day[day].append(closure)
    schedules = list(
        WeeklySchedule.objects.filter(guide=guide, library=library, valid_from__lte=sunday).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=monday)
        )
    )
    names = public_holidays(monday, sunday)
    days = [
        WeekDay(day, holiday=names.get(day), closures=closures_by_day[day])
        for day in (monday + dt.timedelta(days=offset) for offset in range(7))
    ]
    slot_at = {
        (timezone.localdate(slot.starts_at), timezone.localtime(slot.starts_at).time()): slot
        for slot in slots
    }
    scheduled = {day.day: scheduled_times(schedules, day.day) for day in days}
    times = sorted({time for _, time in slot_at} | set().union(*scheduled.values()))
    rows = [
        WeekRow(
            time,
            [
                _cell(
                    slot_at.get((day.day, time)),
                    day,
                    is_scheduled=time in scheduled[day.day],
                    now=now,
                )
                for day in days
            ],
        )
        for time in times
    ]
    return GuideWeek(guide=guide, library=library, monday=monday, days=days, rows=rows)

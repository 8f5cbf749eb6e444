"""Key figures for managers: the libraries side by side, each beside the same period a year
earlier, and the figures the national library statistics ask for.

Pure reads, no HTTP, in five queries whatever the number of libraries or bookings (four for
one library): bookings, patrons per library, patrons in all, the waiting list and feedback are
each one grouped query over both periods.

Patrons are counted by the patron key (a keyed hash of the contact, `Booking.patron_key`), never
by name or contact. A patron erased on request has no key and is not counted; keys are kept
PATRON_KEY_RETENTION_DAYS, and a period older than that shows no patron counts at all rather
than too small ones.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, FeedbackAnswer, Guide, Library, WaitingListEntry, Way
from bookings.models.feedback import RATING_FIELDS
from bookings.staff.statistics import Period, as_text, minutes_in

NOW, EARLIER = "now", "earlier"
WHEN = (NOW, EARLIER)


@dataclass
class Feedback:
    """Answers and the sum and number of each rating (each is optional in the form)."""

    answers: int = 0
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RATING_FIELDS, 0))
    rated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RATING_FIELDS, 0))

    @property
    def is_shown(self) -> bool:
        """Averages of fewer answers could point to a person: the principles page's rule."""
        return self.answers >= settings.FEEDBACK_MIN_ANSWERS

    def average(self, rating: str) -> float | None:
        if not self.is_shown or not self.rated[rating]:
            return None
        return self.sums[rating] / self.rated[rating]

    def add(self, other: "Feedback") -> None:
        self.answers += other.answers
        for rating in RATING_FIELDS:
            self.sums[rating] += other.sums[rating]
            self.rated[rating] += other.rated[rating]


@dataclass
class KeyFigures:
    """One library's (or all of them together) figures for one period."""

    visits: int = 0  # visits held (attended)
    minutes: int = 0  # of the visits held
    no_shows: int = 0
    patrons: int | None = None  # different patrons among the visits held; None: not counted
    returning: int | None = None  # of them, those who came more than once in the period
    by_way: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Way.values, 0))
    by_outcome: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(Booking.Outcome.values, 0)
    )
    # The waiting list and feedback are per library, never per guide: None when a guide is chosen.
    waiting_joined: int | None = None
    waiting_unmet: int | None = None  # joined in the period and never got a time
    feedback: Feedback | None = None

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def no_show_percent(self) -> float | None:
        expected = self.visits + self.no_shows
        return 100 * self.no_shows / expected if expected else None

    def add(self, other: "KeyFigures") -> None:
        """Add another library's counts (not the patrons: one may visit several libraries)."""
        self.visits += other.visits
        self.minutes += other.minutes
        self.no_shows += other.no_shows
        for way, count in other.by_way.items():
            self.by_way[way] += count
        for outcome, count in other.by_outcome.items():
            self.by_outcome[outcome] += count
        if other.waiting_joined is not None:
            self.waiting_joined = (self.waiting_joined or 0) + other.waiting_joined
            self.waiting_unmet = (self.waiting_unmet or 0) + other.waiting_unmet
        if other.feedback is not None:
            self.feedback = self.feedback or Feedback()
            self.feedback.add(other.feedback)


@dataclass
class Column:
    """A library (None: all the libraries chosen) in the period and a year earlier."""

    library: Library | None
    now: KeyFigures
    earlier: KeyFigures

    @property
    def name(self) -> str:
        return self.library.name if self.library else str(_("All the libraries chosen"))


@dataclass
class Report:
    period: Period
    earlier: Period
    libraries: list[Column]
    total: Column
    per_guide: bool

    @property
    def is_network(self) -> bool:
        return len(self.libraries) > 1

    @property
    def whole(self) -> Column:
        """What the report is of: the one library chosen, or all of them together."""
        return self.total if self.is_network or not self.libraries else self.libraries[0]


def a_year_earlier(period: Period) -> Period:
    """The same days a year earlier; a month's last day stays the month's last day (29.2)."""

    def back(day: dt.date, *, is_last: bool) -> dt.date:
        month_ends = (day + dt.timedelta(days=1)).day == 1
        if is_last and month_ends:
            following = dt.date(day.year - 1, day.month, 28) + dt.timedelta(days=4)
            return following - dt.timedelta(days=following.day)
        return dt.date(day.year - 1, day.month, min(day.day, 28 if day.month == 2 else day.day))

    return Period(back(period.first_on, is_last=False), back(period.last_on, is_last=True))


def _in(period: Period) -> Q:
    return Q(starts_at__gte=period.starts_at, starts_at__lt=period.ends_at)


def _bookings(libraries, guide: Guide | None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(library__in=libraries)
    return bookings.filter(guide=guide) if guide else bookings


def _by_library(
    queryset: QuerySet,
    periods: dict[str, Period],
    in_period: Callable[[Period], Q],
    aggregates: Callable[[Period], dict],
) -> Iterator[tuple[int, str, dict]]:
    """`queryset`'s rows in either period grouped by library, in one query: (library id,
    period, the period's `aggregates` by name). The periods may overlap (a range over a year):
    each aggregate has its own filter."""
    named = {
        f"{when}_{name}": aggregate
        for when, period in periods.items()
        for name, aggregate in aggregates(period).items()
    }
    either = Q(in_period(periods[NOW])) | Q(in_period(periods[EARLIER]))
    rows = queryset.filter(either).values("library_id").annotate(**named).order_by()
    for row in rows:
        for when in WHEN:
            prefix = f"{when}_"
            values = {k.removeprefix(prefix): v for k, v in row.items() if k.startswith(prefix)}
            yield row["library_id"], when, values


def _visits_by_library(bookings, periods: dict[str, Period]) -> dict[tuple[int, str], KeyFigures]:
    """Visits held, their minutes, no-shows, ways and outcomes per library and period."""
    attended, duration = Q(status=Booking.Status.ATTENDED), F("ends_at") - F("starts_at")

    def aggregates(period: Period) -> dict:
        held = attended & _in(period)
        return {
            "visits": Count("pk", filter=held),
            "duration": Sum(duration, filter=held),
            "no_shows": Count("pk", filter=Q(status=Booking.Status.NO_SHOW) & _in(period)),
            **{f"way_{way}": Count("pk", filter=held & Q(way=way)) for way in Way.values},
            **{
                f"outcome_{outcome}": Count("pk", filter=held & Q(outcome=outcome))
                for outcome in Booking.Outcome.values
            },
        }

    return {
        (library_id, when): KeyFigures(
            visits=values["visits"],
            minutes=minutes_in(values["duration"]),
            no_shows=values["no_shows"],
            by_way={way: values[f"way_{way}"] for way in Way.values},
            by_outcome={o: values[f"outcome_{o}"] for o in Booking.Outcome.values},
        )
        for library_id, when, values in _by_library(bookings, periods, _in, aggregates)
    }


def _patron_counts(bookings, periods: dict[str, Period], *, by_library: bool) -> list[tuple]:
    """(library id or None, period, different patrons, returning patrons) rows.

    The inner query groups the visits held by patron key (and library), counting each patron's
    visits in both periods; the outer one counts the patrons with any, and with more than one.
    Django cannot aggregate an aggregate, so the outer query is written here around the inner
    one's own SQL and parameters.
    """
    held = bookings.filter(status=Booking.Status.ATTENDED).exclude(patron_key="")
    held = held.filter(Q(_in(periods[NOW])) | Q(_in(periods[EARLIER])))
    keys = ["library_id", "patron_key"] if by_library else ["patron_key"]
    per_patron = (
        held.values(*keys)
        .annotate(**{f"{when}_visits": Count("pk", filter=_in(periods[when])) for when in WHEN})
        .order_by()
    )
    inner, params = per_patron.query.sql_with_params()
    library = "library_id" if by_library else "NULL"
    counts = ", ".join(
        f"SUM(CASE WHEN {when}_visits > 0 THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {when}_visits > 1 THEN 1 ELSE 0 END)"
        for when in WHEN
    )
    group = " GROUP BY library_id" if by_library else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {library}, {counts} FROM ({inner}) per_patron{group}", params)
        rows = cursor.fetchall()
    result = []
    for library_id, now_patrons, now_returning, earlier_patrons, earlier_returning in rows:
        result.append((library_id, NOW, now_patrons or 0, now_returning or 0))
        result.append((library_id, EARLIER, earlier_patrons or 0, earlier_returning or 0))
    return result


def _waiting_by_library(libraries, periods: dict[str, Period]) -> dict[tuple[int, str], tuple]:
    """Who joined the waiting list in each period, and of them who never got a time."""

    def joined(period: Period) -> Q:
        return Q(created_at__gte=period.starts_at, created_at__lt=period.ends_at)

    def aggregates(period: Period) -> dict:
        return {
            "joined": Count("pk", filter=joined(period)),
            "unmet": Count("pk", filter=joined(period) & Q(booking__isnull=True)),
        }

    entries = WaitingListEntry.objects.filter(library__in=libraries)
    return {
        (library_id, when): (values["joined"], values["unmet"])
        for library_id, when, values in _by_library(entries, periods, joined, aggregates)
    }


def _feedback_by_library(libraries, periods: dict[str, Period]) -> dict[tuple[int, str], Feedback]:
    def answered(period: Period) -> Q:
        return Q(answered_on__gte=period.first_on, answered_on__lte=period.last_on)

    def aggregates(period: Period) -> dict:
        return {
            "answers": Count("pk", filter=answered(period)),
            **{f"sum_{r}": Sum(r, filter=answered(period)) for r in RATING_FIELDS},
            **{f"rated_{r}": Count(r, filter=answered(period)) for r in RATING_FIELDS},
        }

    answers = FeedbackAnswer.objects.filter(library__in=libraries)
    return {
        (library_id, when): Feedback(
            answers=values["answers"],
            sums={rating: values[f"sum_{rating}"] or 0 for rating in RATING_FIELDS},
            rated={rating: values[f"rated_{rating}"] for rating in RATING_FIELDS},
        )
        for library_id, when, values in _by_library(answers, periods, answered, aggregates)
    }


def report_for(
    *,
    libraries: QuerySet[Library] | Iterable[Library],
    period: Period,
    now: dt.datetime,
    guide: Guide | None = None,
) -> Report:
    """The key figures of each library and of all of them, in the period and a year earlier.

    `libraries` is what the user may see; `guide` narrows the bookings to one guide (the
    waiting list and feedback, which know no guide, are then left out). `now` decides whether
    the patron keys of a period are still kept.
    """
    periods = {NOW: period, EARLIER: a_year_earlier(period)}
    chosen = sorted(libraries, key=lambda library: library.name.casefold())
    bookings = _bookings(chosen, guide)
    visits = _visits_by_library(bookings, periods)
    keys_kept_from = now - dt.timedelta(days=settings.PATRON_KEY_RETENTION_DAYS)
    counted = {when: periods[when].starts_at >= keys_kept_from for when in WHEN}
    # No library to count in (a new site, a coordinator not yet given one): no patrons, and
    # no raw SQL around a query that would select nothing.
    patrons = _patron_counts(bookings, periods, by_library=True) if chosen else []
    if len(chosen) > 1:  # one library's patrons are all the patrons
        patrons += _patron_counts(bookings, periods, by_library=False)
    else:
        patrons += [(None, when, different, returning) for _, when, different, returning in patrons]
    waiting = {} if guide else _waiting_by_library(chosen, periods)
    feedback = {} if guide else _feedback_by_library(chosen, periods)

    def figures(library_id: int | None, when: str) -> KeyFigures:
        key = (library_id, when)
        result = visits.get(key) or KeyFigures()
        if counted[when]:
            result.patrons, result.returning = 0, 0
        if not guide:
            result.waiting_joined, result.waiting_unmet = waiting.get(key, (0, 0))
            result.feedback = feedback.get(key) or Feedback()
        return result

    columns = [
        Column(library, figures(library.pk, NOW), figures(library.pk, EARLIER))
        for library in chosen
    ]
    total = Column(None, figures(None, NOW), figures(None, EARLIER))
    for column in columns:
        total.now.add(column.now)
        total.earlier.add(column.earlier)
    by_id = {column.library.pk: column for column in columns}
    for library_id, when, different, returning in patrons:
        if not counted[when]:
            continue
        column = by_id[library_id] if library_id is not None else total
        figures_then = column.now if when == NOW else column.earlier
        figures_then.patrons, figures_then.returning = different, returning
    return Report(
        period=period,
        earlier=periods[EARLIER],
        libraries=columns,
        total=total,
        per_guide=guide is not None,
    )


# How the figures are shown: the page's tables, the printed report and the CSV use the same.


@dataclass(frozen=True)
class Figure:
    label: str
    value: Callable[[KeyFigures], float | None]
    decimals: int = 0

    def text(self, figures: KeyFigures) -> str:
        value = self.value(figures)
        if value is None:
            return "–"
        return formats.number_format(value, self.decimals, use_l10n=True)


def _feedback_average(rating: str) -> Callable[[KeyFigures], float | None]:
    return lambda figures: figures.feedback.average(rating) if figures.feedback else None


def _rating_label(rating: str) -> str:
    return capfirst(FeedbackAnswer._meta.get_field(rating).verbose_name)


VISIT_FIGURES = (
    Figure(_("Visits held"), lambda f: f.visits),
    Figure(_("Hours of guidance"), lambda f: f.hours, 1),
    Figure(_("Different patrons"), lambda f: f.patrons),
    Figure(_("Returning patrons"), lambda f: f.returning),
    Figure(_("Did not come"), lambda f: f.no_shows),
    Figure(_("Waiting list: found no time"), lambda f: f.waiting_unmet),
)


def way_figures() -> list[Figure]:
    return [Figure(way.label, lambda f, way=way: f.by_way[way]) for way in Way]


def outcome_figures() -> list[Figure]:
    return [
        Figure(outcome.label, lambda f, outcome=outcome: f.by_outcome[outcome])
        for outcome in Booking.Outcome
    ]


def feedback_figures() -> list[Figure]:
    answers = Figure(_("Answers"), lambda f: f.feedback.answers if f.feedback else None)
    averages = [Figure(_rating_label(r), _feedback_average(r), 1) for r in RATING_FIELDS]
    return [answers, *averages]


@dataclass(frozen=True)
class Cell:
    now: str
    earlier: str


@dataclass(frozen=True)
class TableRow:
    name: str
    cells: list[Cell]


def table_rows(report: Report, figures: Iterable[Figure]) -> Iterator[TableRow]:
    """A row per library (and one for all of them, in a network), a cell per figure."""
    figures = list(figures)
    columns = [*report.libraries, report.total] if report.is_network else report.libraries
    for column in columns:
        cells = [Cell(f.text(column.now), f.text(column.earlier)) for f in figures]
        yield TableRow(column.name, cells)


@dataclass(frozen=True)
class NationalFigure:
    label: str
    help_text: str
    figure: Figure


# What the national library statistics ask of user training, from one-to-one guidance: every
# visit held is one session with one participant.
NATIONAL_FIGURES = (
    NationalFigure(
        _("User training: sessions"),
        _("Visits held; each one-to-one guidance is one session."),
        Figure("", lambda f: f.visits),
    ),
    NationalFigure(
        _("User training: participants"),
        _("One participant per visit held."),
        Figure("", lambda f: f.visits),
    ),
    NationalFigure(
        _("User training: hours"),
        _("The length of the visits held, in hours."),
        Figure("", lambda f: f.hours, 1),
    ),
)


def report_as_rows(report: Report) -> Iterator[list[str]]:
    """The report as (figure, library, value, a year earlier) rows for a spreadsheet: the
    national library statistics' figures first, set apart, then the key figures."""
    for national in NATIONAL_FIGURES:
        figure = national.figure
        yield [
            str(national.label),
            as_text(report.whole.name),
            figure.text(report.whole.now),
            figure.text(report.whole.earlier),
        ]
    sections = [
        ("", VISIT_FIGURES),
        (_("Visits held by way of guidance"), way_figures()),
        (_("Visits held by outcome"), outcome_figures()),
        (_("Feedback"), feedback_figures()),
    ]
    for title, figures in sections:
        for figure in figures:
            label = f"{title}: {figure.label}" if title else str(figure.label)
            for row in table_rows(report, [figure]):
                [cell] = row.cells
                yield [label, as_text(row.name), cell.now, cell.earlier]

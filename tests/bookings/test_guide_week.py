"""A guide's week at a glance: days by times, each time saying free, booked or closed."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from bookings.models import Booking, Way
from bookings.staff.daily_schedule import CellKind, guide_week
from tests.factories import (
    helsinki,
    make_booking,
    make_closure,
    make_guide,
    make_library,
    make_schedule,
    make_slot,
    make_slot_run,
    make_staff,
)

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
CHRISTMAS_WEEK = dt.date(2026, 12, 21)  # Monday of week 52; Thursday the 24th is Christmas Eve


def week_url(library, guide, **query) -> str:
    with translation.override("en"):
        url = reverse("staff:guide_week", args=[library.slug, guide.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


class Week:
    """Maria works Monday, Tuesday and Thursday 10.00 to 10.30 at Liminka. In Christmas week she
    has Monday's times (one booked), is away on Tuesday, and Thursday is a public holiday."""

    def __init__(self) -> None:
        self.library = make_library(name="Liminka")
        self.maria = make_guide(libraries=[self.library], display_name="Maria")
        for weekday in (0, 1, 3):
            make_schedule(
                guide=self.maria,
                library=self.library,
                weekday=weekday,
                start_time=dt.time(10, 0),
                end_time=dt.time(10, 30),
            )
        self.monday = make_slot_run(
            count=2, guide=self.maria, library=self.library, starts_at=helsinki(2026, 12, 21, 10)
        )
        self.booking = make_booking(slot=self.monday[1], patron_name="Aino Asiakas")
        make_closure(
            library=self.library,
            guide=self.maria,
            starts_on=dt.date(2026, 12, 22),
            ends_on=dt.date(2026, 12, 22),
            reason="Koulutus",
        )
        # Another guide's times and another library's closure are not Maria's week.
        make_slot(library=self.library, starts_at=helsinki(2026, 12, 23, 12))
        make_closure(
            library=make_library(), starts_on=dt.date(2026, 12, 21), ends_on=dt.date(2026, 12, 27)
        )


@pytest.fixture
def week():
    return Week()


def kinds(grid) -> dict[tuple[str, dt.time], CellKind]:
    """Each cell's kind by weekday abbreviation and time."""
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return {
        (names[index], row.time): cell.kind
        for row in grid.rows
        for index, cell in enumerate(row.cells)
    }


def test_the_grid_says_free_booked_closed_and_holiday(week):
    grid = guide_week(
        guide=week.maria, library=week.library, monday=CHRISTMAS_WEEK, now=helsinki(2026, 12, 1)
    )

    cells = kinds(grid)
    ten, quarter_past = dt.time(10, 0), dt.time(10, 15)
    assert [row.time for row in grid.rows] == [ten, quarter_past]
    assert cells["mon", ten] == CellKind.FREE
    assert cells["mon", quarter_past] == CellKind.BOOKED
    assert cells["tue", ten] == cells["tue", quarter_past] == CellKind.CLOSED
    assert cells["wed", ten] == CellKind.NOT_OPEN
    assert cells["thu", ten] == cells["thu", quarter_past] == CellKind.HOLIDAY
    assert (grid.free_count, grid.booked_count) == (1, 1)
    assert grid.days[3].holiday == "Christmas Eve"
    assert [closure.reason for closure in grid.days[1].closures] == ["Koulutus"]


def test_a_library_closure_closes_the_days_it_covers(week):
    make_closure(
        library=week.library, starts_on=dt.date(2026, 12, 21), ends_on=dt.date(2026, 12, 21)
    )

    grid = guide_week(
        guide=week.maria, library=week.library, monday=CHRISTMAS_WEEK, now=helsinki(2026, 12, 1)
    )

    # The times already made stay what they are; the day itself says it is closed.
    assert grid.days[0].is_closed
    assert kinds(grid)["mon", dt.time(10, 0)] == CellKind.FREE


def test_the_page_labels_every_time_in_words(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    response = client.get(week_url(week.library, week.maria, week="2026-W52"))

    page = text(response)
    assert response.status_code == 200
    assert "Maria, Liminka, week 52 (21.12.–27.12.2026)" in page
    not_open = "– Not open"
    assert f"10.00 Free Closed {not_open} Public holiday {not_open} {not_open} {not_open}" in page
    assert f"10.15 Booked Aino Asiakas Closed {not_open} Public holiday {not_open}" in page
    assert "Public holiday: Christmas Eve" in page
    assert "Closed: Koulutus" in page
    assert 'href="/static/css/guide-week.css"' in response.content.decode()


def test_public_holidays_are_named_in_the_page_language(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))
    url = week_url(week.library, week.maria, week="2026-W52")

    finnish = text(client.get(url.removeprefix("/en")))
    swedish = text(client.get("/sv" + url.removeprefix("/en")))

    assert "Jouluaatto" in finnish
    assert "Julafton" in swedish


def test_previous_and_next_week_links_cross_the_year(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    html = client.get(week_url(week.library, week.maria, week="2026-W53")).content.decode()

    assert f'href="{week_url(week.library, week.maria)}?week=2026-W52"' in html
    assert f'href="{week_url(week.library, week.maria)}?week=2027-W01"' in html


def test_without_a_week_the_page_shows_this_week(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    response = client.get(week_url(week.library, week.maria))

    today = timezone.localdate()
    assert response.context["grid"].monday == today - dt.timedelta(days=today.weekday())


@pytest.mark.parametrize("typed", ["2026-52", "52/2026", "2026-w52"])
def test_a_week_can_be_typed_without_a_week_picker(client, week, typed):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    response = client.get(week_url(week.library, week.maria, week=typed))

    assert response.context["grid"].monday == CHRISTMAS_WEEK


NOT_A_WEEK = "Please give the year and the week number, for example 2026-W50."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("banana", NOT_A_WEEK),
        ("2025-W53", NOT_A_WEEK),  # 2025 has only 52 weeks
        ("2026-W00", NOT_A_WEEK),
        ("1999-W10", "Please give a week between the years 2000 and 2100."),
        ("", "Please choose a week."),
    ],
)
def test_a_nonsense_week_gets_a_friendly_message(client, week, typed, message):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    response = client.get(week_url(week.library, week.maria, week=typed))

    assert response.status_code == 200
    assert response.context["grid"] is None
    assert message in text(response)


def test_a_week_without_times_says_so_and_names_the_closed_days(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))
    pekka = make_guide(libraries=[week.library], display_name="Pekka")
    make_closure(library=week.library, starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 1, 4))

    page = text(client.get(week_url(week.library, pekka, week="2027-W01")))

    assert "Pekka has no times at Liminka in this week." in page
    assert "Monday 4.1.: Closed: Joulu Wednesday 6.1.: Public holiday: Epiphany" in page


def test_staff_of_another_library_gets_404(client, week):
    client.force_login(make_staff(make_library(name="Muhos"), permissions=["view_booking"]))

    assert client.get(week_url(week.library, week.maria, week="2026-W52")).status_code == 404


def test_a_guide_of_another_library_gets_404(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))
    elsewhere = make_guide(display_name="Muualla")

    assert client.get(week_url(week.library, elsewhere)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, week):
    response = client.get(week_url(week.library, week.maria))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_week_needs_the_same_queries_however_busy(client, week, django_assert_num_queries):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))
    url = week_url(week.library, week.maria, week="2026-W52")
    # 1 session, 2 user, 3 the user's permissions, 4 their groups' permissions, 5 the library
    # (within the visible ones), 6 the guide (at that library), 7 the week's slots with their
    # bookings, 8 the closures, 9 the guide's weekly schedules, 10 the access-log row (who
    # opened these patrons' names).
    with django_assert_num_queries(10):
        client.get(url)

    for day in (23, 24, 25, 26):
        slots = make_slot_run(
            count=8, guide=week.maria, library=week.library, starts_at=helsinki(2026, 12, day, 12)
        )
        for slot in slots[::2]:
            make_booking(slot=slot, patron_name=f"Asiakas {slot.pk}", phone=f"+35840{slot.pk:05d}")
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.context["grid"].booked_count == 1 + 16


def test_the_week_reads_day_by_day_on_a_phone_with_only_the_times_opened(week):
    grid = guide_week(
        guide=week.maria, library=week.library, monday=CHRISTMAS_WEEK, now=helsinki(2026, 12, 1)
    )

    by_day = {day.day.strftime("%a"): times for day, times in grid.by_day}
    ten, quarter_past = dt.time(10, 0), dt.time(10, 15)
    assert [(time, cell.kind) for time, cell in by_day["Mon"]] == [
        (ten, CellKind.FREE),
        (quarter_past, CellKind.BOOKED),
    ]
    assert [cell.kind for _time, cell in by_day["Tue"]] == [CellKind.CLOSED, CellKind.CLOSED]
    assert by_day["Wed"] == []  # never opened: nothing to list, not two lines of "not open"


def test_the_phone_list_names_each_day_and_the_patron_booked(client, week):
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    response = client.get(week_url(week.library, week.maria, week="2026-W52"))

    html = response.content.decode()
    phone_list = " ".join(strip_tags(html[html.index('<div class="week-days">') :]).split())
    assert phone_list.startswith("Monday 21.12. 10.00 Free 10.15 Booked: Aino Asiakas")
    assert "Wednesday 23.12. No times on this day." in phone_list
    assert '<script src="/static/js/print-button.js" defer></script>' in html


def test_a_visit_by_phone_says_so_in_the_week(client, week):
    Booking.objects.filter(pk=week.booking.pk).update(way=Way.PHONE)
    client.force_login(make_staff(week.library, permissions=["view_booking"]))

    page = text(client.get(week_url(week.library, week.maria, week="2026-W52")))

    assert "10.15 Booked: Aino Asiakas (by phone)" in page  # the day list a phone shows
    assert "10.15 Booked Aino Asiakas (by phone) Closed" in page  # the grid for paper

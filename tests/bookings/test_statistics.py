"""Statistics: figures against a hand-counted December, local-time boundaries, who may see what,
the CSV export, the form's friendly errors, and a query count that does not grow with the data."""

import csv
import datetime as dt
import io
import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking
from bookings.services import booking_cancel
from bookings.staff.statistics import Period, figures_for
from tests.factories import (
    helsinki,
    make_booking,
    make_device,
    make_guide,
    make_library,
    make_slot,
    make_slot_run,
    make_staff,
    make_topic,
)

pytestmark = pytest.mark.django_db

_phones = itertools.count(1000)
DECEMBER = Period.month(2026, 12)


def book(slot, *, status=None, created_at=None, **fields) -> Booking:
    """A booking from `slot`; then its status and booking time set as a test needs them."""
    booking = make_booking(slot=slot, phone=f"+35840000{next(_phones)}", **fields)
    changes = {"status": status, "created_at": created_at}
    Booking.objects.filter(pk=booking.pk).update(**{k: v for k, v in changes.items() if v})
    return booking


def statistics_url(name: str = "statistics_page", **query) -> str:
    with translation.override("en"):
        url = reverse(f"staff:{name}")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def december():
    """A hand-counted December 2026 at one library, and a little elsewhere.

    Opened: Maria 4 slots Tue 8.12. 10-11 and 2 slots Thu 10.12. 14-14.30; Pekka 4 slots
    Wed 16.12. 12-13: 10 slots, 150 minutes.
    Booked (status, channel, device, topics, booked when):
      b1 Maria Tue 10.00, 30 min  attended  online  phone   bank+email  the same day
      b2 Maria Tue 10.30, 15 min  no-show   phone   tablet  bank        2 days ahead
      b3 Maria Thu 14.00, 15 min  cancelled online  phone   -           9 days ahead
      b4 Pekka Wed 12.00, 15 min  booked    desk    -       -           4 days ahead
      b5 Pekka Wed 12.15, 15 min  attended  online  tablet  email       26 days ahead
    Booked minutes 30 + 15 + 15 + 15 = 75 (b3's slot was freed): 50 % of the opened time.
    """
    library = make_library(name="Liminka")
    maria = make_guide(libraries=[library], display_name="Maria")
    pekka = make_guide(libraries=[library], display_name="Pekka")
    phone, tablet = make_device(name="Phone", position=1), make_device(name="Tablet", position=2)
    bank, email = make_topic(name="Banking", position=1), make_topic(name="E-mail", position=2)
    tuesday = make_slot_run(count=4, guide=maria, starts_at=helsinki(2026, 12, 8, 10, 0))
    thursday = make_slot_run(count=2, guide=maria, starts_at=helsinki(2026, 12, 10, 14, 0))
    wednesday = make_slot_run(count=4, guide=pekka, starts_at=helsinki(2026, 12, 16, 12, 0))

    attended, no_show = Booking.Status.ATTENDED, Booking.Status.NO_SHOW
    b1 = book(tuesday[0], slot_count=2, device=phone, topics=[bank, email], status=attended,
              created_at=helsinki(2026, 12, 8, 8, 0))  # fmt: skip
    book(tuesday[2], device=tablet, topics=[bank], channel=Booking.Channel.PHONE, status=no_show,
         created_at=helsinki(2026, 12, 6, 23, 0))  # fmt: skip
    b3 = book(thursday[0], device=phone, created_at=helsinki(2026, 12, 1, 9, 0))
    booking_cancel(booking=b3, now=helsinki(2026, 12, 2, 9, 0), by_staff=True)
    book(wednesday[0], channel=Booking.Channel.DESK, created_at=helsinki(2026, 12, 12, 0, 30))
    book(wednesday[1], device=tablet, topics=[email], status=attended,
         created_at=helsinki(2026, 11, 20, 12, 0))  # fmt: skip

    # Outside the figures: another library's December, and this library's November and January.
    elsewhere = make_library(name="Muhos")
    book(make_slot(library=elsewhere, starts_at=helsinki(2026, 12, 9, 10, 0)), device=phone)
    book(make_slot(guide=maria, starts_at=helsinki(2026, 11, 30, 23, 45)))
    book(make_slot(guide=maria, starts_at=helsinki(2027, 1, 1, 0, 0)))
    return SimpleNamespace(library=library, elsewhere=elsewhere, maria=maria, pekka=pekka, b1=b1)


def counts(rows) -> dict[str, int]:
    return {str(row.label): row.count for row in rows}


# The figures


def test_opened_and_booked_time_come_from_the_slots(december):
    figures = figures_for(libraries=[december.library], period=DECEMBER)

    assert figures.opened_slots == 10
    assert figures.opened_minutes == 150
    assert figures.booked_minutes == 75
    assert figures.booked_percent == 50.0


def test_bookings_are_counted_by_status_cancelled_ones_too(december):
    figures = figures_for(libraries=[december.library], period=DECEMBER)

    assert counts(figures.by_status) == {
        "Attended": 2,
        "Did not come": 1,
        "Cancelled": 1,
        "Booked": 1,
    }
    assert figures.bookings == 5
    assert figures.kept_bookings == 4


def test_channel_device_and_topic_count_the_bookings_that_kept_their_time(december):
    figures = figures_for(libraries=[december.library], period=DECEMBER)

    assert counts(figures.by_channel) == {"Online": 2, "Phone": 1, "At the desk": 1}
    assert counts(figures.by_device) == {"Phone": 1, "Tablet": 2, "Not given": 1}
    assert counts(figures.by_topic) == {"Banking": 2, "E-mail": 2}


def test_weekdays_and_hours_are_counted_in_local_time(december):
    grid = figures_for(libraries=[december.library], period=DECEMBER).by_weekday_hour

    assert grid.hours == [10, 11, 12]
    rows = {str(label): (cells, total) for label, cells, total in grid.rows}
    assert rows["Tuesday"] == ([2, 0, 0], 2)
    assert rows["Wednesday"] == ([0, 0, 2], 2)
    assert rows["Thursday"] == ([0, 0, 0], 0)  # b3 was cancelled
    assert grid.hour_totals == [2, 0, 2]


def test_how_long_ahead_counts_local_calendar_days(december):
    figures = figures_for(libraries=[december.library], period=DECEMBER)

    # b2 was booked at 23.00 on the 6th for the 8th: two calendar days, though under 36 hours.
    assert counts(figures.by_lead_time) == {
        "The same day": 1,
        "1–2 days ahead": 1,
        "3–7 days ahead": 1,
        "1–2 weeks ahead": 0,
        "More than 2 weeks ahead": 1,
    }


def test_every_iso_week_of_the_period_has_a_bar_even_an_empty_one(december):
    weeks = figures_for(libraries=[december.library], period=DECEMBER).by_week

    assert [(week.number, week.starts_on, week.count) for week in weeks] == [
        (49, dt.date(2026, 11, 30), 0),
        (50, dt.date(2026, 12, 7), 2),
        (51, dt.date(2026, 12, 14), 2),
        (52, dt.date(2026, 12, 21), 0),
        (53, dt.date(2026, 12, 28), 0),
    ]


def test_each_guide_has_their_own_time_and_bookings(december):
    maria, pekka = figures_for(libraries=[december.library], period=DECEMBER).by_guide

    assert (maria.name, maria.opened_slots, maria.opened_minutes, maria.booked_minutes) == (
        "Maria",
        6,
        90,
        45,
    )
    assert (maria.attended, maria.no_show, maria.cancelled, maria.booked) == (1, 1, 1, 0)
    assert (pekka.name, pekka.opened_slots, pekka.opened_minutes, pekka.booked_minutes) == (
        "Pekka",
        4,
        60,
        30,
    )
    assert (pekka.attended, pekka.no_show, pekka.cancelled, pekka.booked) == (1, 0, 0, 1)
    assert round(maria.booked_percent, 1) == 50.0


def test_choosing_one_guide_narrows_every_figure(december):
    figures = figures_for(libraries=[december.library], period=DECEMBER, guide=december.pekka)

    assert (figures.opened_minutes, figures.booked_minutes) == (60, 30)
    assert counts(figures.by_status)["Attended"] == 1
    assert counts(figures.by_channel) == {"Online": 1, "Phone": 0, "At the desk": 1}
    assert [guide.name for guide in figures.by_guide] == ["Pekka"]


def test_a_period_with_nothing_in_it_has_zeros_and_no_share():
    figures = figures_for(libraries=[make_library()], period=DECEMBER)

    assert (figures.opened_slots, figures.opened_minutes, figures.booked_minutes) == (0, 0, 0)
    assert figures.booked_percent is None
    assert figures.by_weekday_hour.hours == []
    assert [week.count for week in figures.by_week] == [0, 0, 0, 0, 0]


# Period boundaries in local time


def test_a_month_runs_from_local_midnight_to_local_midnight():
    library = make_library()
    guide = make_guide(libraries=[library])
    # 00.15 on 1 December in Helsinki is still 30 November in UTC; 00.15 on 1 January is 31
    # December in UTC. Only the first belongs to December.
    first = book(make_slot(guide=guide, starts_at=helsinki(2026, 12, 1, 0, 15)))
    book(make_slot(guide=guide, starts_at=helsinki(2026, 12, 31, 23, 45)))
    book(make_slot(guide=guide, starts_at=helsinki(2027, 1, 1, 0, 15)))
    book(make_slot(guide=guide, starts_at=helsinki(2026, 11, 30, 23, 45)))

    figures = figures_for(libraries=[library], period=DECEMBER)

    assert first.starts_at.astimezone(dt.UTC).day == 30
    assert (figures.opened_slots, figures.kept_bookings) == (2, 2)
    assert figures.by_weekday_hour.hours == list(range(24))  # 00 and 23, local
    assert [week.count for week in figures.by_week] == [1, 0, 0, 0, 1]


def test_a_month_with_the_change_to_summer_time_ends_at_local_midnight():
    library = make_library()
    guide = make_guide(libraries=[library])
    # 31 March 2027 23.30 is summer time (+03): 20.30 UTC, still March.
    book(make_slot(guide=guide, starts_at=helsinki(2027, 3, 31, 23, 30)))
    book(make_slot(guide=guide, starts_at=helsinki(2027, 4, 1, 0, 0)))

    march = figures_for(libraries=[library], period=Period.month(2027, 3))

    assert march.kept_bookings == 1
    assert Period.month(2027, 3).ends_at.utcoffset() == dt.timedelta(hours=3)


def test_period_helpers_cover_whole_months_and_years():
    assert Period.month(2028, 2) == Period(dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert Period.year(2027) == Period(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert Period.month(2026, 12).week_starts()[0] == dt.date(2026, 11, 30)
    assert len(Period.year(2026).week_starts()) == 53


# The page and who may see it


def test_the_page_shows_the_figures_of_the_chosen_month(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    response = client.get(statistics_url(period="month", month="2026-12"))

    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1>") == 1
    assert "Figures for 1.12.2026–31.12.2026" in page
    assert '<th scope="row">Opened minutes</th><td>150</td>' in page
    assert '<th scope="row">Share of opened time booked</th><td>50.0 %</td>' in page
    assert '<th scope="row">Tablet</th><td>2</td>' in page
    assert '<th scope="row">Maria</th>' in page
    assert "Muhos" not in page
    assert 'href="/en/admin/"' in page


def test_without_a_choice_the_page_shows_this_month(client, library):
    client.force_login(make_staff(library, permissions=["view_statistics"]))

    response = client.get(statistics_url())

    assert response.status_code == 200
    assert response.context["figures"] is not None
    assert response.context["figures"].period.first_on.day == 1


def test_staff_see_only_their_own_libraries_when_choosing_none(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    response = client.get(statistics_url(period="month", month="2026-12"))

    figures = response.context["figures"]
    assert figures.kept_bookings == 4  # not Muhos's booking on the 9th
    assert list(response.context["form"].fields["library"].queryset) == [december.library]


def test_staff_of_another_library_cannot_see_its_figures(client, december):
    client.force_login(make_staff(december.elsewhere, permissions=["view_statistics"]))

    response = client.get(
        statistics_url(period="month", month="2026-12", library=december.library.pk)
    )

    page = text(response)
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "Please choose one of the libraries in the list." in page
    assert "Liminka" not in page


def test_a_guide_of_another_library_cannot_be_chosen(client, december):
    client.force_login(make_staff(december.elsewhere, permissions=["view_statistics"]))

    response = client.get(statistics_url(period="month", month="2026-12", guide=december.maria.pk))

    assert response.context["figures"] is None
    assert "Please choose one of the guides in the list." in text(response)


def test_a_guide_sees_the_library_they_guide_at(client, december):
    december.maria.user.user_permissions.add(Permission.objects.get(codename="view_statistics"))
    client.force_login(december.maria.user)

    response = client.get(statistics_url(period="month", month="2026-12"))

    assert response.context["figures"].kept_bookings == 4


def test_a_superuser_sees_every_library(client, december):
    client.force_login(get_user_model().objects.create_superuser(username="root", email=""))

    response = client.get(statistics_url(period="month", month="2026-12"))

    assert response.context["figures"].kept_bookings == 5


def test_anonymous_visitors_are_sent_to_the_login(client):
    for name in ("statistics_page", "statistics_csv"):
        response = client.get(statistics_url(name))

        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_staff_without_the_permission_are_refused(client, library):
    client.force_login(make_staff(library))

    assert client.get(statistics_url()).status_code == 403
    assert client.get(statistics_url("statistics_csv")).status_code == 403


def test_the_admin_index_links_to_the_statistics(client, library):
    client.force_login(make_staff(library, permissions=["view_statistics"]))

    response = client.get("/en/admin/")

    assert f'href="{statistics_url()}"' in response.content.decode()


# The form


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "month", "month": "banana"}, "for example 2026-12"),
        ({"period": "month", "month": "2026-13"}, "for example 2026-12"),
        ({"period": "month", "month": ""}, "Please choose a month"),
        ({"period": "year", "year": "twenty"}, "Please give a year, for example 2026."),
        ({"period": "year", "year": "99999"}, "Please give a year, for example 2026."),
        (
            {"period": "range", "starts_on": "2026-02-31", "ends_on": "2026-03-01"},
            "Please give the first day as day, month and year",
        ),
        ({"period": "range", "starts_on": "2026-03-01"}, "both the first and the last day"),
        ({"period": "range", "starts_on": "2026-03-01", "ends_on": "2026-02-01"}, "before the"),
        ({"period": "range", "starts_on": "2000-01-01", "ends_on": "2100-12-31"}, "three years"),
        ({"period": "range", "starts_on": "9999-12-31", "ends_on": "9999-12-31"}, "between"),
        ({"period": "decade"}, "Please choose a month, a year or a range of days."),
        ({"period": "month", "month": "2026-12", "library": "x"}, "libraries in the list"),
        ({"period": "month", "month": "2026-12", "guide": "-1"}, "guides in the list"),
    ],
)
def test_nonsense_input_gets_a_friendly_error(client, library, query, message):
    client.force_login(make_staff(library, permissions=["view_statistics"]))

    response = client.get(statistics_url(**query))

    assert response.status_code == 200
    assert response.context["figures"] is None
    assert message in text(response)


def test_a_year_and_a_date_range_are_periods_too(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    year = client.get(statistics_url(period="year", year="2026")).context["figures"]
    days = client.get(
        statistics_url(period="range", starts_on="2026-12-08", ends_on="2026-12-10")
    ).context["figures"]

    assert (year.period, year.kept_bookings) == (Period.year(2026), 5)  # with 30 November
    assert (days.opened_minutes, days.kept_bookings) == (90, 2)


def test_a_month_can_be_typed_the_finnish_way(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    response = client.get(statistics_url(period="month", month="12.2026"))

    assert response.context["figures"].period == DECEMBER


# The chart


def test_the_week_chart_is_an_inline_svg_with_a_text_alternative(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    response = client.get(statistics_url(period="month", month="2026-12"))

    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="week-chart-title">Bookings per week</title>' in svg
    assert "4 bookings in all." in svg
    assert "<title>Week 50 (from 7.12.2026): 2 bookings</title>" in svg
    assert svg.count('class="week-chart-bar"') == 2  # the empty weeks have no bar
    assert "<summary>Show the weekly figures as a table</summary>" in page
    assert "style=" not in page
    assert "<script" not in page


def test_the_chart_coordinates_stay_numbers_in_finnish(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    with translation.override("fi"):
        url = reverse("staff:statistics_page") + "?period=month&month=2026-12"
    page = client.get(url).content.decode()

    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "," not in svg.split("<title", 1)[0]  # the viewBox and sizes: no decimal commas
    assert '<rect class="week-chart-bar" x="100.4" y="12.0" width="39.2" height="160.0"/>' in svg


# The CSV export


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_csv_has_a_header_and_the_same_figures(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))

    response = client.get(statistics_url("statistics_csv", period="month", month="2026-12"))

    rows = read_csv(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="digiopas-statistics-2026-12-01-2026-12-31.csv"'
        in (response["Content-Disposition"])
    )
    assert rows[0] == ["Figure", "Item", "Value", "The same period a year earlier"]
    # The national library statistics' figures first, then the key figures.
    assert rows[1] == ["User training: sessions", "Liminka", "2", "0"]
    assert ["Visits held", "Liminka", "2", "0"] in rows
    # The detailed figures have no year-earlier value.
    assert ["Opened minutes", "", "150", ""] in rows
    assert ["Booked minutes", "", "75", ""] in rows
    assert ["Share of opened time booked (%)", "", "50.0", ""] in rows
    assert ["Bookings by status", "Did not come", "1", ""] in rows
    assert ["Bookings by device", "Tablet", "2", ""] in rows
    assert ["Booked how long ahead", "The same day", "1", ""] in rows
    assert ["Bookings by weekday", "Tuesday", "2", ""] in rows
    assert ["Bookings by starting hour", "12", "2", ""] in rows
    assert ["Bookings by week", "Week 50 (from 7.12.2026)", "2", ""] in rows
    assert ["Guide: booked minutes", "Pekka", "30", ""] in rows
    assert not any("Muhos" in cell for row in rows for cell in row)


def test_the_csv_keeps_names_that_look_like_formulas_as_text(client, library):
    make_device(name="=HYPERLINK(1)")
    client.force_login(make_staff(library, permissions=["view_statistics"]))

    rows = read_csv(client.get(statistics_url("statistics_csv")))

    assert ["Bookings by device", "'=HYPERLINK(1)", "0", ""] in rows


def test_the_csv_of_nonsense_input_sends_back_to_the_page(client, library):
    client.force_login(make_staff(library, permissions=["view_statistics"]))

    response = client.get(statistics_url("statistics_csv", period="month", month="banana"))

    assert response.status_code == 302
    assert response["Location"] == statistics_url(period="month", month="banana")


# Queries


def add_more_of_everything(library, count: int) -> None:
    """More guides, devices, topics, slots and bookings across the month."""
    devices = [make_device(name=f"Device {n}") for n in range(3)]
    topics = [make_topic(name=f"Topic {n}") for n in range(3)]
    for n in range(count):
        guide = make_guide(libraries=[library])
        slots = make_slot_run(count=3, guide=guide, starts_at=helsinki(2026, 12, 1 + n, 9 + n, 0))
        book(slots[0], device=devices[n % 3], topics=topics[: n % 3 + 1],
             status=Booking.Status.ATTENDED if n % 2 else None)  # fmt: skip


def page_queries(client, library) -> list[str]:
    url = statistics_url(period="month", month="2026-12", library=library.pk)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_the_page_needs_the_same_queries_however_much_there_is(client, december):
    client.force_login(make_staff(december.library, permissions=["view_statistics"]))
    small = page_queries(client, december.library)

    add_more_of_everything(december.library, count=12)
    large = page_queries(client, december.library)

    # 1 session, 2 user, 3 the user's permissions, 4 their groups' permissions,
    # 5 the chosen library (within the visible ones), 6 slots by guide, 7 bookings by guide,
    # 8 bookings by status and channel, 9 referrals, 10 bookings by device, 11 the devices,
    # 12 topic links by topic, 13 the topics, 14 weekday and hour, 15 how long ahead, 16 weeks;
    # the key figures (bookings.staff.report): 17 visits by library, 18 patrons by library,
    # 19 the waiting list, 20 feedback; 21 the library choices, 22 the guide choices.
    assert len(small) == len(large) == 22


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no covering indexes")
def test_the_indexes_the_statistics_read_carry_what_they_count_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('slot_by_library', 'booking_by_library')"
        )
        definitions = dict(cursor.fetchall())

    assert (
        "(library_id, starts_at) INCLUDE (id, guide_id, ends_at, booking_id)"
        in (definitions["slot_by_library"])
    )
    assert (
        "INCLUDE (id, guide_id, ends_at, status, way, outcome, channel, device_id"
        in (definitions["booking_by_library"])
    )

"""The managers' report: libraries side by side and a year earlier, against a hand-counted
scenario; patron counts that survive the purge but not an erasure on request; a query count
that does not grow with the libraries."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking, FeedbackAnswer, WaitingListEntry
from bookings.privacy import booking_erase, personal_data_purge
from bookings.staff.report import (
    a_year_earlier,
    feedback_figures,
    report_as_rows,
    report_for,
    table_rows,
)
from bookings.staff.statistics import Period
from bookings.waiting_list import waiting_list_join
from tests.factories import (
    helsinki,
    make_booking,
    make_guide,
    make_library,
    make_slot,
    make_staff,
)

pytestmark = pytest.mark.django_db

DECEMBER = Period.month(2026, 12)
A, B, C, D = "+358401110001", "+358401110002", "+358401110003", "+358401110004"
# Patron keys are kept then; the report is made after the month, as a manager would.
MADE_AT = helsinki(2027, 1, 15, 9, 0)


def visit(guide, library, starts_at, phone, *, minutes=15, status="attended", **fields):
    """A booking of `phone` at `starts_at`, then given the status and facts a test needs."""
    slot = make_slot(guide=guide, library=library, starts_at=starts_at)
    booking = make_booking(slot=slot, phone=phone, now=starts_at - dt.timedelta(days=3))
    Booking.objects.filter(pk=booking.pk).update(
        status=status, ends_at=starts_at + dt.timedelta(minutes=minutes), **fields
    )
    booking.refresh_from_db()
    return booking


def answer(library, day, **ratings) -> None:
    FeedbackAnswer.objects.create(library=library, answered_on=day, **ratings)


@pytest.fixture
def scenario(settings):
    """Counted by hand. Patrons A to D by phone number; every visit 15 minutes unless said.

    December 2026, Liminka:
      A attended 30 min at the library, solved;   A attended by phone, needs another visit
      B attended by video, referred;              B cancelled (not counted)
      C did not come;                             B booked for 30.12., not marked (not counted)
    December 2026, Muhos:
      A attended, outcome not said;               C attended 45 min, solved
    November 2026, Liminka: A attended (outside the period)
    December 2025, Liminka: A attended; D attended and later erased on request
    Waiting list, Liminka: joined 3.12.2026 and booked; joined 5.12.2026, never a time;
      joined 10.12.2025, never a time. Muhos: none.
    Feedback (two answers are enough here): Liminka 2.12. helped 5, friendliness 5;
      20.12. helped 4. Muhos 4.12. helped 3. Liminka 2025: none.
    """
    settings.FEEDBACK_MIN_ANSWERS = 2
    liminka, muhos = make_library(name="Liminka"), make_library(name="Muhos")
    maria = make_guide(libraries=[liminka, muhos], display_name="Maria")
    at = helsinki
    visit(maria, liminka, at(2026, 12, 8, 10, 0), A, minutes=30, outcome="solved")
    visit(maria, liminka, at(2026, 12, 9, 10, 0), A, way="phone", outcome="another_visit")
    visit(maria, liminka, at(2026, 12, 10, 10, 0), B, way="video", outcome="referred")
    visit(maria, liminka, at(2026, 12, 11, 10, 0), B, status="cancelled")
    visit(maria, liminka, at(2026, 12, 14, 10, 0), C, status="no_show")
    visit(maria, liminka, at(2026, 12, 30, 10, 0), B, status="booked")
    visit(maria, muhos, at(2026, 12, 15, 10, 0), A)
    visit(maria, muhos, at(2026, 12, 16, 10, 0), C, minutes=45, outcome="solved")
    visit(maria, liminka, at(2026, 11, 30, 10, 0), A)
    visit(maria, liminka, at(2025, 12, 8, 10, 0), A)
    erased = visit(maria, liminka, at(2025, 12, 9, 10, 0), D)
    booking_erase(booking=erased, now=at(2025, 12, 20, 10, 0))

    booked = waiting_list_join(library=liminka, patron_name="W", phone=A, now=at(2026, 12, 3, 9))
    WaitingListEntry.objects.filter(pk=booked.pk).update(
        status="booked", booking=Booking.objects.filter(phone=A).first()
    )
    waiting_list_join(library=liminka, patron_name="W", phone=B, now=at(2026, 12, 5, 9))
    waiting_list_join(library=liminka, patron_name="W", phone=C, now=at(2025, 12, 10, 9))

    answer(liminka, dt.date(2026, 12, 2), helped=5, friendliness=5)
    answer(liminka, dt.date(2026, 12, 20), helped=4)
    answer(muhos, dt.date(2026, 12, 4), helped=3)
    return SimpleNamespace(liminka=liminka, muhos=muhos, maria=maria)


def figures_of(column) -> dict:
    def of(figures):
        return {
            "visits": figures.visits,
            "minutes": figures.minutes,
            "patrons": figures.patrons,
            "returning": figures.returning,
            "no_shows": figures.no_shows,
            "waiting": (figures.waiting_joined, figures.waiting_unmet),
        }

    return {"now": of(column.now), "earlier": of(column.earlier)}


def test_the_figures_match_the_hand_count(scenario):
    libraries = [scenario.muhos, scenario.liminka]
    report = report_for(libraries=libraries, period=DECEMBER, now=MADE_AT)

    liminka, muhos = report.libraries  # by name
    assert (liminka.library, muhos.library) == (scenario.liminka, scenario.muhos)
    assert figures_of(liminka) == {
        "now": {
            "visits": 3,
            "minutes": 60,
            "patrons": 2,
            "returning": 1,
            "no_shows": 1,
            "waiting": (2, 1),
        },
        "earlier": {
            "visits": 2,
            "minutes": 30,
            "patrons": 1,  # D was erased on request: not counted
            "returning": 0,
            "no_shows": 0,
            "waiting": (1, 1),
        },
    }
    assert figures_of(muhos)["now"] == {
        "visits": 2,
        "minutes": 60,
        "patrons": 2,
        "returning": 0,
        "no_shows": 0,
        "waiting": (0, 0),
    }
    # In all: A came three times (two libraries), C once (the no-show is not a visit).
    assert figures_of(report.total)["now"] == {
        "visits": 5,
        "minutes": 120,
        "patrons": 3,
        "returning": 1,
        "no_shows": 1,
        "waiting": (2, 1),
    }
    assert liminka.now.by_way == {"library": 1, "phone": 1, "video": 1}
    assert report.total.now.by_way == {"library": 3, "phone": 1, "video": 1}
    assert liminka.now.by_outcome == {"solved": 1, "another_visit": 1, "referred": 1}
    assert report.total.now.by_outcome == {"solved": 2, "another_visit": 1, "referred": 1}
    assert report.total.now.no_show_percent == pytest.approx(100 / 6)
    assert report.earlier == Period.month(2025, 12)


def test_feedback_averages_show_only_from_the_minimum_number_of_answers(scenario):
    report = report_for(libraries=[scenario.liminka, scenario.muhos], period=DECEMBER, now=MADE_AT)

    with translation.override("en"):
        rows = {row.name: row.cells for row in table_rows(report, feedback_figures())}
    answers, helped, friendliness = 0, 1, 2
    assert rows["Liminka"][answers].now == "2"
    assert (rows["Liminka"][helped].now, rows["Liminka"][friendliness].now) == ("4.5", "5.0")
    assert rows["Muhos"][answers].now == "1"
    assert rows["Muhos"][helped].now == "–"  # one answer could point to a person
    assert rows["All the libraries chosen"][helped].now == "4.0"
    assert rows["Liminka"][helped].earlier == "–"


def test_a_guide_narrows_the_visits_and_leaves_out_what_knows_no_guide(scenario):
    other = make_guide(libraries=[scenario.liminka], display_name="Pekka")

    report = report_for(libraries=[scenario.liminka], period=DECEMBER, now=MADE_AT, guide=other)

    [liminka] = report.libraries
    assert (liminka.now.visits, liminka.now.patrons) == (0, 0)
    assert (liminka.now.waiting_unmet, liminka.now.feedback) == (None, None)


def test_patrons_are_not_counted_where_their_keys_are_no_longer_kept(scenario, settings):
    settings.PATRON_KEY_RETENTION_DAYS = 400

    report = report_for(libraries=[scenario.liminka], period=DECEMBER, now=MADE_AT)

    [liminka] = report.libraries
    assert (liminka.now.patrons, liminka.earlier.patrons) == (2, None)
    assert liminka.earlier.visits == 2


def test_the_purge_keeps_the_counts_and_erasure_on_request_removes_the_patron(scenario):
    personal_data_purge(now=MADE_AT)  # December's contacts are erased: over 30 days old
    assert not Booking.objects.filter(starts_at__lt=helsinki(2026, 12, 17), phone=A).exists()

    report = report_for(libraries=[scenario.liminka], period=DECEMBER, now=MADE_AT)
    assert (report.libraries[0].now.patrons, report.libraries[0].now.returning) == (2, 1)

    for booking in Booking.objects.filter(library=scenario.liminka, way="video"):
        booking_erase(booking=booking, now=MADE_AT)  # B asks to be forgotten
    report = report_for(libraries=[scenario.liminka], period=DECEMBER, now=MADE_AT)
    assert (report.libraries[0].now.patrons, report.libraries[0].now.visits) == (1, 3)


def test_a_year_earlier_keeps_whole_months():
    assert a_year_earlier(Period.month(2024, 2)) == Period.month(2023, 2)
    assert a_year_earlier(Period.month(2025, 2)) == Period.month(2024, 2)  # to the 29th
    assert a_year_earlier(Period.year(2026)) == Period.year(2025)
    days = Period(dt.date(2024, 2, 29), dt.date(2024, 3, 10))
    assert a_year_earlier(days) == Period(dt.date(2023, 2, 28), dt.date(2023, 3, 10))


def test_the_spreadsheet_rows_put_the_national_figures_first(scenario):
    report = report_for(libraries=[scenario.liminka, scenario.muhos], period=DECEMBER, now=MADE_AT)

    with translation.override("en"):
        rows = list(report_as_rows(report))

    assert rows[:3] == [
        ["User training: sessions", "All the libraries chosen", "5", "2"],
        ["User training: participants", "All the libraries chosen", "5", "2"],
        ["User training: hours", "All the libraries chosen", "2.0", "0.5"],
    ]
    assert ["Different patrons", "Liminka", "2", "1"] in rows
    assert ["Visits held by way of guidance: By phone", "Liminka", "1", "0"] in rows


def test_the_queries_do_not_grow_with_libraries_or_visits(scenario):
    def queries(libraries) -> int:
        with CaptureQueriesContext(connection) as captured:
            report_for(libraries=libraries, period=DECEMBER, now=MADE_AT)
        return len(captured)

    few = queries([scenario.liminka, scenario.muhos])
    more = [make_library(name=f"Library {n}") for n in range(5)]
    for hour, library in enumerate(more, start=8):
        visit(scenario.maria, library, helsinki(2026, 12, 21, hour, 0), B)
    assert few == queries([scenario.liminka, scenario.muhos, *more]) == 5
    assert queries([scenario.liminka]) == 4  # one library's patrons are all its patrons


# The pages


def report_url(name: str, **query) -> str:
    with translation.override("en"):
        url = reverse(f"staff:{name}")
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_statistics_page_puts_the_libraries_side_by_side(client, scenario):
    client.force_login(
        make_staff(scenario.liminka, scenario.muhos, permissions=["view_statistics"])
    )

    response = client.get(report_url("statistics_page", period="month", month="2026-12"))

    page = page_text(response)
    assert "In brackets: the same period a year earlier (1.12.2025–31.12.2025)." in page
    assert (
        '<th scope="row">Liminka</th><td>3<span class="report-earlier">'
        '<span class="visually-hidden">a year earlier</span> (2)</span></td>'
    ) in page
    assert '<tr class="report-total"><th scope="row">All the libraries chosen</th><td>5' in page
    assert "A one-page report to print or save as PDF (A4)" in page


def test_the_printable_report_sets_the_national_figures_apart(client, scenario):
    client.force_login(make_staff(scenario.liminka, permissions=["view_statistics"]))
    url = report_url("statistics_report", period="month", month="2026-12")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)

    page = page_text(response)
    assert response.status_code == 200
    national = page[page.index('id="national-title"') : page.index("</section>")]
    assert "User training: sessions" in national
    assert "<td>3</td>" in national and "<td>1.0</td>" in national
    assert '<th scope="row">Returning patrons</th><td>1</td><td>0</td>' in page
    assert "The libraries side by side" not in page  # one library: its own figures only
    # 1 session, 2 user, 3 and 4 permissions, 5 the chosen library, 6 to 9 the key figures
    # (one library: no query for the patrons in all). The form is not shown: no choices.
    assert len(captured) == 9
    assert "<script" in page and "print-button.js" in page


def test_the_network_report_lists_the_libraries_too(client, scenario):
    client.force_login(
        make_staff(scenario.liminka, scenario.muhos, permissions=["view_statistics"])
    )

    page = page_text(client.get(report_url("statistics_report", period="year", year="2026")))

    assert "All the libraries chosen" in page and "The libraries side by side" in page


def test_the_report_of_nonsense_input_sends_back_to_the_page(client, scenario):
    client.force_login(make_staff(scenario.liminka, permissions=["view_statistics"]))

    response = client.get(report_url("statistics_report", period="month", month="banana"))

    assert response.status_code == 302
    assert response["Location"] == report_url("statistics_page", period="month", month="banana")


def test_the_report_needs_the_statistics_permission(client, scenario):
    url = report_url("statistics_report", period="year", year="2026")
    assert client.get(url).status_code == 302  # to the login
    client.force_login(make_staff(scenario.liminka))
    assert client.get(url).status_code == 403


def test_a_site_without_libraries_gets_empty_figures_not_an_error(client):
    assert report_for(libraries=[], period=DECEMBER, now=MADE_AT).whole.now.visits == 0
    user = get_user_model().objects.create_superuser(username="new-site", email="")
    client.force_login(user)  # a new site: no library yet

    for name in ("statistics_page", "statistics_report", "statistics_csv"):
        response = client.get(report_url(name, period="month", month="2026-12"))
        assert response.status_code == 200, name

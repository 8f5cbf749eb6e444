import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.access import visible_libraries
from bookings.models import AccessLogEntry, Booking, Library, WaitingListEntry
from bookings.staff.patron_search import patron_bookings
from tests.factories import make_booking, make_guide, make_library, make_slot, make_staff

pytestmark = pytest.mark.django_db


def book(guide, library, starts_at, **overrides) -> Booking:
    # Booked by phone: the limit on a patron's upcoming online bookings does not apply.
    fields = {"channel": Booking.Channel.PHONE, **overrides}
    return make_booking(slot=make_slot(guide=guide, library=library, starts_at=starts_at), **fields)


def everywhere():
    return Library.objects.all()


@pytest.fixture
def desk(client, library):
    client.force_login(
        make_staff(
            library,
            permissions=["add_booking", "view_booking", "change_booking", "add_waitinglistentry"],
        )
    )
    return client


@pytest.mark.parametrize("typed", ["040 123 4567", "0401234567", "+358 40 123 4567"])
def test_a_number_typed_any_way_finds_the_patron(typed, library, guide, now):
    visit = book(guide, library, now + dt.timedelta(days=2), phone="+358401234567")
    book(guide, library, now + dt.timedelta(days=3), phone="+358407654321", patron_name="Other")

    search = patron_bookings(typed, libraries=everywhere(), now=now)

    assert search.by_phone
    assert search.upcoming == [visit] and search.past == []


def test_part_of_a_name_finds_the_patron_in_any_case_and_order(library, guide, now):
    visit = book(guide, library, now + dt.timedelta(days=2), patron_name="Aino Asiakas")
    book(guide, library, now + dt.timedelta(days=3), patron_name="Bertta Muu")

    assert patron_bookings("asiak", libraries=everywhere(), now=now).upcoming == [visit]
    assert patron_bookings("ASIAKAS aino", libraries=everywhere(), now=now).upcoming == [visit]
    assert not patron_bookings("Aino Muu", libraries=everywhere(), now=now).found


def test_upcoming_visits_come_first_soonest_first_then_the_past_latest_first(library, guide, now):
    later = book(guide, library, now + dt.timedelta(days=9))
    sooner = book(guide, library, now + dt.timedelta(days=2))
    long_ago = book(guide, library, now - dt.timedelta(days=30))
    recently = book(guide, library, now - dt.timedelta(days=2))

    search = patron_bookings("040 123 4567", libraries=everywhere(), now=now)

    assert search.upcoming == [sooner, later]
    assert search.past == [recently, long_ago]


def test_another_librarys_patrons_are_not_found(library, guide, now):
    elsewhere = make_library()
    book(make_guide(libraries=[elsewhere]), elsewhere, now + dt.timedelta(days=2))
    staff = make_staff(library)

    search = patron_bookings("Aino", libraries=visible_libraries(staff), now=now)

    assert not search.found


def test_erased_bookings_are_never_found(library, guide, now):
    from bookings import privacy

    visit = book(guide, library, now - dt.timedelta(days=3))
    privacy.booking_erase(booking=visit, now=now)

    assert not patron_bookings("–", libraries=everywhere(), now=now).found


def test_results_are_capped_and_say_so(library, guide, now):
    for day in range(1, 4):
        book(guide, library, now + dt.timedelta(days=day))
    book(guide, library, now - dt.timedelta(days=1))

    search = patron_bookings("Aino", libraries=everywhere(), now=now, limit=2)

    assert len(search.upcoming) == 2 and search.past == [] and search.is_capped
    fits = patron_bookings("Aino", libraries=everywhere(), now=now, limit=4)
    assert fits.shown == 4 and not fits.is_capped


def test_the_search_takes_two_queries_however_many_bookings(library, guide, now):
    for day in range(1, 6):
        book(guide, library, now + dt.timedelta(days=day))
        book(guide, library, now - dt.timedelta(days=day))
    staff = make_staff(library)

    with CaptureQueriesContext(connection) as queries:
        search = patron_bookings("040 123 4567", libraries=visible_libraries(staff), now=now)
        # Reading what the page shows costs nothing more.
        [(b.library.name, b.guide.display_name) for b in search.upcoming + search.past]

    # 1. upcoming bookings with library and guide, 2. past ones (the libraries a subquery)
    assert len(queries) == 2
    assert search.shown == 10


@pytest.mark.parametrize(
    "junk",
    [
        "x" * 5000,
        "'; DROP TABLE bookings_booking; --",
        "%_%",
        "Aino\x00\x07\x1b[31m",
        "\u202eoniA",
        "+358 40 123 4567 " * 200,
        "   ",
        "0" * 60,
    ],
)
def test_junk_is_a_search_like_any_other(desk, library, guide, now, junk):
    book(guide, library, now + dt.timedelta(days=2))

    response = desk.get(reverse("staff:desk_find"), {"q": junk})

    assert response.status_code == 200
    assert Booking.objects.count() == 1


def test_invisible_characters_are_dropped_not_refused(desk, library, guide, now):
    visit = book(guide, library, now + dt.timedelta(days=2))

    response = desk.get(reverse("staff:desk_find"), {"q": "\x00Ai\u200bno\x07"})

    assert response.context["search"].upcoming == [visit]
    assert 'value="Aino"' in response.content.decode()


def test_the_desk_finds_a_caller_and_offers_what_can_be_done(desk, library, guide, now):
    visit = book(guide, library, now + dt.timedelta(days=2))
    past = book(guide, library, now - dt.timedelta(days=7))

    response = desk.get("/en/staff/book/find/", {"q": "040 123 4567"})

    page = response.content.decode()
    assert "Aino Asiakas</span>, 040 123 4567" in page
    assert "+358401234567" not in page
    assert reverse("staff:desk_move", args=[visit.pk]) in page
    assert reverse("staff:desk_cancel", args=[visit.pk]) in page
    assert reverse("staff:desk_slip", args=[visit.pk]) in page
    assert reverse("staff:desk_waiting_list", args=[visit.pk]) in page
    # A past visit is not moved or cancelled, but the patron may still join the waiting list.
    assert reverse("staff:desk_move", args=[past.pk]) not in page
    assert reverse("staff:desk_waiting_list", args=[past.pk]) in page
    entry = AccessLogEntry.objects.get()
    assert entry.place == AccessLogEntry.Place.DESK_SEARCH
    assert entry.detail == "040 123 4567"


def test_the_desk_page_has_the_search_box(desk, library):
    page = desk.get("/en/staff/book/").content.decode()

    assert 'action="/en/staff/book/find/"' in page and 'name="q"' in page


def test_the_search_page_takes_a_fixed_number_of_queries(
    desk, library, guide, now, django_assert_num_queries
):
    for day in range(1, 6):
        book(guide, library, now + dt.timedelta(days=day))
        book(guide, library, now - dt.timedelta(days=day))

    # 1. session, 2. user, 3.-4. the user's and their groups' permissions, 5. upcoming
    # bookings, 6. past bookings, 7. the access log entry
    with django_assert_num_queries(7):
        response = desk.get("/en/staff/book/find/", {"q": "Aino"})

    assert response.context["search"].shown == 10


def test_nothing_found_says_what_to_try(desk, library):
    page = desk.get("/en/staff/book/find/", {"q": "Nobody"}).content.decode()

    assert "No bookings found for “Nobody” at your libraries" in page
    assert not AccessLogEntry.objects.exists()


def test_staff_of_another_library_cannot_add_its_patron_to_a_waiting_list(desk, now):
    elsewhere = make_library()
    visit = book(make_guide(libraries=[elsewhere]), elsewhere, now + dt.timedelta(days=2))

    assert desk.get(reverse("staff:desk_waiting_list", args=[visit.pk])).status_code == 404


def test_the_desk_adds_a_found_patron_to_the_waiting_list(
    desk, library, guide, now, smsoutbox, django_capture_on_commit_callbacks
):
    visit = book(guide, library, now - dt.timedelta(days=7), language="sv")
    url = reverse("staff:desk_waiting_list", args=[visit.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            url, {"library": library.pk, "weekdays": ["1", "3"], "part_of_day": "morning"}
        )

    entry = WaitingListEntry.objects.get()
    assert response["Location"] == f"{reverse('staff:desk_find')}?q=%2B358401234567"
    assert (entry.library, entry.patron_name, entry.phone) == (library, "Aino Asiakas", visit.phone)
    assert entry.weekdays == [1, 3] and entry.part_of_day == "morning"
    assert entry.language == "sv" and entry.channel == Booking.Channel.PHONE
    assert len(smsoutbox) == 1


def test_a_waiting_list_for_a_library_the_staff_do_not_see_is_refused(desk, library, guide, now):
    visit = book(guide, library, now - dt.timedelta(days=7))

    response = desk.post(
        reverse("staff:desk_waiting_list", args=[visit.pk]),
        {"library": make_library().pk, "part_of_day": "any"},
    )

    assert response.status_code == 200 and not WaitingListEntry.objects.exists()


def test_the_search_speaks_finnish_and_swedish(desk, library, guide, now):
    book(guide, library, now + dt.timedelta(days=2))

    finnish = desk.get("/staff/book/find/", {"q": "0401234567"}).content.decode()
    swedish = desk.get("/sv/staff/book/find/", {"q": "0401234567"}).content.decode()

    assert "Tulevat käynnit" in finnish and "Tulosta muistilappu uudelleen" in finnish
    assert "Kommande besök" in swedish and "Skriv ut minneslappen igen" in swedish


def test_a_cancel_opened_from_the_search_returns_to_the_patrons_visits(desk, library, guide, now):
    visit = book(guide, library, now + dt.timedelta(days=2))
    cancel = reverse("staff:desk_cancel", args=[visit.pk])
    visits = f"{reverse('staff:desk_find')}?q=%2B358401234567"

    assert f'href="{visits}"' in desk.get(cancel, {"from": "desk"}).content.decode()
    response = desk.post(f"{cancel}?from=desk")

    assert response["Location"] == visits
    visit.refresh_from_db()
    assert visit.status == Booking.Status.CANCELLED
    page = desk.get(visits).content.decode()
    assert "The booking is cancelled and the patron is told." in page and "Cancelled" in page

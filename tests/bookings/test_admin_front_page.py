"""The admin's front page: the staff pages as large buttons, and today at each of the staff
member's libraries (bookings, who guides, calls to make) in a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.models import Library, Notification
from bookings.staff.today import libraries_today
from tests.factories import make_booking, make_guide, make_library, make_slot, make_staff

pytestmark = pytest.mark.django_db


def at(now: dt.datetime, days: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.localtime(now + dt.timedelta(days=days)).replace(hour=hour, minute=minute)


def busy_day(library: Library, now: dt.datetime, *, guide_name: str = "Maria"):
    """At `library` today: a guide from 10.00 to 11.00 with two bookings that stand and one
    cancelled, a call waiting and two that are not; tomorrow one more booking."""
    guide = make_guide(libraries=[library], display_name=guide_name)
    slots = [make_slot(guide=guide, starts_at=at(now, 0, 10, 15 * n)) for n in range(4)]
    first = make_booking(slot=slots[0], phone="081234567", now=now)  # a landline: to call
    make_booking(slot=slots[1], email="a@example.com", now=now)
    services.booking_cancel(booking=make_booking(slot=slots[2], now=now), now=now)
    make_booking(slot=make_slot(guide=guide, starts_at=at(now, 1, 10)), now=now)
    Notification.objects.create(
        booking=first,
        library=library,
        kind=Notification.Kind.REMINDER,
        channel=Notification.Channel.CALL,
        state=Notification.State.CALLED,
        about_starts_at=first.starts_at,
    )
    Notification.objects.create(
        booking=first,
        library=library,
        kind=Notification.Kind.CHANGE,
        channel=Notification.Channel.CALL,
        state=Notification.State.TO_CALL,
        about_starts_at=now - dt.timedelta(days=1),  # about a time already past
    )
    return guide


def coordinator_of(*libraries):
    user = make_staff(*libraries)
    user.groups.add(Group.objects.get(name="Coordinator"))
    return user


def test_today_at_each_library_counts_what_stands_today(now):
    liminka, lumijoki = make_library(name="Liminka"), make_library(name="Lumijoki")
    busy_day(liminka, now)
    aki = make_guide(libraries=[liminka], display_name="Aki")
    make_slot(guide=aki, starts_at=at(now, 0, 14), ends_at=at(now, 0, 14, 30))

    rows = libraries_today(Library.objects.all(), now=now)

    def hours(guide):
        return (
            f"{timezone.localtime(guide.starts_at):%H.%M}–{timezone.localtime(guide.ends_at):%H.%M}"
        )

    assert [
        (row.library, row.bookings, [(g.name, hours(g)) for g in row.guides], row.to_call)
        for row in rows
    ] == [
        (liminka, 2, [("Maria", "10.00–11.00"), ("Aki", "14.00–14.30")], 1),
        (lumijoki, 0, [], 0),
    ]


def test_the_front_page_shows_today_at_the_staff_members_libraries(client, now):
    liminka, elsewhere = make_library(name="Liminka"), make_library(name="Kempele")
    busy_day(liminka, now)
    busy_day(elsewhere, now, guide_name="Vieras")
    client.force_login(coordinator_of(liminka))

    page = client.get("/en/admin/").content.decode()
    today = page.split('id="today"')[1].split("</table>")[0]

    assert "Today, Tuesday 1.12.2026" in today
    assert "Liminka" in today and 'Maria <span class="hours">10.00–11.00</span>' in today
    assert re.search(r'data-label="Bookings">2</td>', today)
    assert f'state__exact=to_call&amp;library__id__exact={liminka.pk}">1</a>' in today
    assert "Kempele" not in today and "Vieras" not in today
    finnish = client.get("/admin/").content.decode()
    assert "Tänään, tiistai 1.12.2026" in finnish and "Opastamassa" in finnish


def test_the_call_list_opens_on_one_librarys_calls(client, now):
    liminka, lumijoki = make_library(name="Liminka"), make_library(name="Lumijoki")
    busy_day(liminka, now)
    busy_day(lumijoki, now)
    client.force_login(coordinator_of(liminka, lumijoki))

    listed = (
        client.get(
            f"/en/admin/bookings/notification/?state__exact=to_call&library__id__exact={liminka.pk}"
        )
        .context["cl"]
        .result_list
    )

    assert {message.library for message in listed} == {liminka}


def test_the_staff_pages_are_large_buttons_for_what_one_may_do(client, now):
    library = make_library()
    client.force_login(coordinator_of(library))
    guide = make_staff(library)
    guide.groups.add(Group.objects.get(name="Guide"))

    coordinator_page = client.get("/en/admin/").content.decode()
    client.force_login(guide)
    guide_page = client.get("/en/admin/").content.decode()

    def buttons(page):
        return re.findall(r'<a class="staff-button" href="([^"]+)">([^<]+)<span>', page)

    assert buttons(coordinator_page) == [
        ("/en/staff/book/", "Book for a patron"),
        ("/en/staff/day/", "Daily schedule"),
        ("/en/staff/me/", "My settings"),
        ("/en/staff/statistics/", "Statistics"),
    ]
    assert [label for _url, label in buttons(guide_page)] == [
        "Book for a patron",
        "Daily schedule",
        "My settings",
    ]


def front_page_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/admin/").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_front_page_takes_the_same_queries_for_one_library_or_many(client, now):
    first = make_library(name="Liminka")
    busy_day(first, now)
    coordinator = coordinator_of(first)
    client.force_login(coordinator)
    front_page_queries(client)  # the session's first request may save it

    one = front_page_queries(client)
    for n in range(3):
        library = make_library(name=f"Kirjasto {n}")
        busy_day(library, now, guide_name=f"Opas {n}")
        library.staff.add(coordinator)
    four = front_page_queries(client)

    # 1 the session, 2 the user, 3-4 the user's and their groups' permissions, 5 the
    # libraries they see (the call list's scope), 6 the calls, failures and stuck messages,
    # 7 the libraries for today, 8 today's bookings by library, 9 today's guides by library,
    # 10 the calls waiting by library, 11-12 whether the principles page exists (its admin
    # offers "add" only while there is none; asked for the list and for each_context), 13 the
    # recent actions.
    assert len(one) == len(four) == 13, "\n".join(four)

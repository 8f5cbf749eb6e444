"""A library's next free times, to frame on its own web site (/libraries/<library>/embed/)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from bookings import services
from bookings.admin import embed_code
from bookings.availability_cache import EMBED_COUNT_DEFAULT, EMBED_COUNT_MAX
from tests.factories import make_booking, make_slot, make_slot_run, make_staff

pytestmark = pytest.mark.django_db


def embed_url(library, language: str = "fi", **query) -> str:
    with translation.override(language):
        url = reverse("bookings:embed", args=[library.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def offered(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'/book/(\d+)/"', response.content.decode())]


@pytest.fixture
def many_slots(library, guide, now):
    """Twelve free times on three days, from the day after tomorrow."""
    slots = []
    for days in (2, 3, 4):
        start = (now + dt.timedelta(days=days)).replace(hour=10)
        slots += make_slot_run(count=4, guide=guide, library=library, starts_at=start)
    return slots


def test_it_shows_the_first_free_times_grouped_by_day_each_opening_a_new_tab(
    client, library, many_slots
):
    response = client.get(embed_url(library))

    assert response.status_code == 200
    assert offered(response) == [slot.pk for slot in many_slots[:EMBED_COUNT_DEFAULT]]
    html = response.content.decode()
    # Two days: four times on the first, one on the second, each under its day's heading.
    assert html.count('<h2 class="day-heading embed-day"') == 2
    assert "torstai 3.12." in html and "perjantai 4.12." in html
    assert '<html lang="fi">' in html
    links = re.findall(r"<a [^>]*/book/\d+/[^>]*>", html)
    assert links and all('target="_blank" rel="noopener"' in link for link in links)
    assert html.count("(aukeaa uuteen välilehteen)") == EMBED_COUNT_DEFAULT + 1  # and "all times"
    assert reverse("bookings:free_times", args=[library.slug]) in html
    assert "<script" not in html


def test_it_speaks_the_language_of_its_address(client, library, many_slots):
    html = client.get(embed_url(library, "sv")).content.decode()
    assert '<html lang="sv">' in html
    assert "öppnas i en ny flik" in html
    assert f"/sv/libraries/{library.slug}/book/" in html


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("3", 3), ("1", 1), ("0", 1), ("999", EMBED_COUNT_MAX), ("-4", 5), ("x", 5), ("9" * 50, 5)],
)
def test_count_is_bounded_and_a_bad_one_falls_back_to_the_default(
    client, library, many_slots, asked, shown
):
    response = client.get(embed_url(library, count=asked))
    assert response.status_code == 200
    assert len(offered(response)) == min(shown, len(many_slots))


def test_a_booked_time_is_gone_from_the_next_view(client, library, many_slots, now):
    assert offered(client.get(embed_url(library)))[0] == many_slots[0].pk
    make_booking(slot=many_slots[0], now=now)
    assert many_slots[0].pk not in offered(client.get(embed_url(library)))


def test_it_keeps_the_booking_rules_of_the_free_times_page(client, library, guide, now):
    inside_notice = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=1))
    beyond_horizon = make_slot(
        guide=guide,
        library=library,
        starts_at=now + dt.timedelta(weeks=library.booking_horizon_weeks + 1),
    )
    free = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))

    shown = offered(client.get(embed_url(library)))

    assert shown == [free.pk]
    assert inside_notice.pk not in shown and beyond_horizon.pk not in shown
    assert shown == offered(client.get(reverse("bookings:free_times", args=[library.slug])))[:1]


def test_a_closed_library_says_there_are_no_times_and_where_to_call(client, library, now):
    html = client.get(embed_url(library)).content.decode()
    assert "Verkossa ei ole juuri nyt vapaita aikoja." in html
    assert library.phone in html
    assert "/book/" not in html


def test_an_unknown_or_inactive_library_is_404(client, library):
    library.is_active = False
    library.save()
    assert client.get(embed_url(library)).status_code == 404
    assert client.get("/libraries/no-such-library/embed/").status_code == 404


def test_the_sites_in_frame_ancestors_may_frame_it(client, library, settings):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["https://kirjasto.example"]}
    settings.FRAME_ANCESTORS = ["https://kirjasto.example"]
    response = client.get(embed_url(library))
    assert "frame-ancestors https://kirjasto.example" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_its_queries_do_not_grow_with_the_number_of_times(
    client, library, many_slots, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the library; the free times (then cached)
        client.get(embed_url(library, count=20))
    with django_assert_num_queries(1):  # the library
        client.get(embed_url(library, count=20))
    services.slot_deleted(library_id=library.pk)  # a change: the next view reads afresh
    with django_assert_num_queries(2):
        client.get(embed_url(library, count=20))


def test_the_admin_shows_staff_the_code_to_paste(client, library, settings):
    settings.SITE_URL = "https://varaa.kirjasto.example"
    coordinator = make_staff(library, permissions=["view_library", "change_library"])
    client.force_login(coordinator)

    html = client.get(reverse("admin:bookings_library_change", args=[library.pk])).content.decode()

    code = embed_code(library)
    assert code.startswith(
        f'<iframe src="https://varaa.kirjasto.example/libraries/{library.slug}/embed/"'
    )
    assert 'title="Seuraavat vapaat ajat: ' in code and 'width="100%"' in code
    assert "&lt;iframe src=&quot;https://varaa.kirjasto.example/libraries/" in html
    assert "<iframe" not in html  # shown as text to copy, never as a frame

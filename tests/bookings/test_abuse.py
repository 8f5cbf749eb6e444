"""Floods and bots get a friendly refusal and save nothing; people are not slowed down."""

import datetime as dt
import re
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bookings.abuse import client_ip
from bookings.models import Booking, WaitingListEntry
from bookings.patron import forms as patron_forms
from bookings.waiting_list import waiting_list_join
from tests.factories import form_started, make_booking, make_device, make_slot

pytestmark = pytest.mark.django_db


PRESS_AGAIN = (
    "We have not saved your details yet. Please check them and press “Book this time” again."
)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slot(library, guide):
    return make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=3))


def booking_post(**overrides) -> dict:
    return {
        "minutes": "15",
        "patron_name": "Aino",
        "phone": "040 123 4567",
        "device": str(make_device().pk),
        "consent": "on",
        "started": form_started(),
        **overrides,
    }


def test_the_honeypot_refuses_a_bot_and_books_nothing(client, library, slot):
    response = client.post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_post(website="http://spam")
    )

    assert response.status_code == 200
    assert PRESS_AGAIN in response.content.decode()
    assert not Booking.objects.exists()


def test_a_form_sent_faster_than_a_person_types_is_refused(client, library, slot, settings):
    settings.FORM_MIN_FILL_SECONDS = 3
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"

    too_fast = client.post(url, booking_post(started=form_started(seconds_ago=0.5)))
    assert not Booking.objects.exists()
    assert PRESS_AGAIN in too_fast.content.decode()

    client.post(url, booking_post(started=form_started(seconds_ago=20)))
    assert Booking.objects.count() == 1


def shown_start(response) -> str:
    return re.search(r'name="started" value="([^"]+)"', response.content.decode())[1]


def test_pressing_the_button_again_as_the_refusal_says_books_the_time(
    client, library, slot, settings, monkeypatch
):
    settings.FORM_MIN_FILL_SECONDS = 3
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"
    started = form_started(seconds_ago=0.5)
    refused = client.post(url, booking_post(started=started))
    assert shown_start(refused) == started  # the form keeps when it was opened

    later = time.time() + 5  # the patron checks their details and presses again
    monkeypatch.setattr(patron_forms, "time", SimpleNamespace(time=lambda: later))
    client.post(url, booking_post(started=shown_start(refused)))

    assert Booking.objects.count() == 1


def test_a_forged_start_time_is_refused_and_the_form_shown_again_gets_a_real_one(
    client, library, slot
):
    refused = client.post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_post(started="12345")
    )

    assert not Booking.objects.exists()
    assert PRESS_AGAIN in refused.content.decode()
    # A start the site can read, so that pressing the button again can work.
    assert signing.loads(shown_start(refused), salt="form-started") <= time.time()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, library, slot):
    page = client.get(f"/en/libraries/{library.slug}/book/{slot.pk}/").content.decode()

    assert 'aria-hidden="true"' in page and 'name="website"' in page and 'tabindex="-1"' in page


def test_too_many_bookings_from_one_contact_get_the_call_us_page(client, library, guide, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": {"ip": "100/h", "contact": "2/h"}}
    slots = [
        make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=d))
        for d in (3, 4, 5)
    ]
    for slot in slots[:2]:
        client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_post())
    assert Booking.objects.count() == 2

    response = client.post(
        f"/en/libraries/{library.slug}/book/{slots[2].pk}/", booking_post(phone="+358 40 123 4567")
    )

    assert response.status_code == 429
    assert "Please call the library on 08 123 4567" in response.content.decode()
    assert Booking.objects.count() == 2


def test_too_many_waiting_list_entries_from_one_address_are_refused(client, library, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "waiting_list": {"ip": "2/h", "contact": "10/h"},
    }
    url = f"/en/libraries/{library.slug}/waiting-list/"
    for n in range(3):
        response = client.post(
            url,
            {
                "patron_name": "Olli",
                "phone": f"04011122{n:02d}",
                "consent": "on",
                "started": form_started(),
            },
        )

    assert response.status_code == 429
    assert WaitingListEntry.objects.count() == 2


def test_guessing_private_links_is_slowed_down(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "private_link": {"ip": "3/h"}}
    make_booking()
    for n in range(3):
        assert client.get(f"/en/booking/guess{n}/").status_code == 404

    response = client.get("/en/booking/guess4/")

    assert response.status_code == 429


def test_a_right_private_link_opens_however_many_wrong_ones_came_from_the_address(
    client, settings, library
):
    """A library's computers and a mobile network put many patrons behind one address."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "private_link": {"ip": "3/h"}}
    booking = make_booking()
    entry = waiting_list_join(
        library=library, patron_name="Olli", phone="+358401112222", now=timezone.now()
    )
    for n in range(5):
        client.get(f"/en/booking/guess{n}/")

    pages = [
        reverse("bookings:booking_detail", args=[booking.token]),
        reverse("bookings:booking_calendar", args=[booking.token]),
        reverse("bookings:waiting_entry", args=[entry.token]),
    ]
    for _ in range(5):  # and opening them again and again never uses up the quota
        for url in pages:
            assert client.get(url).status_code == 200, url


def test_a_wrong_token_and_a_missing_one_look_the_same(client):
    make_booking()

    wrong = client.get("/en/booking/" + "A" * 43 + "/")
    missing = client.get("/en/booking/x/")

    assert wrong.status_code == missing.status_code == 404
    assert wrong.content == missing.content


def test_the_client_address_comes_from_trusted_proxies_only(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="10.0.0.1")

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # a header the client made up is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.7"  # what our own load balancer saw


def test_limits_are_counted_in_redis_shared_by_all_app_servers(rf, settings):
    import redis
    from django.core.cache import caches

    from bookings.abuse import over_limit

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "digiopas-test",
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": {"ip": "2/h"}}
    caches["default"].clear()
    request = rf.post("/", REMOTE_ADDR="192.0.2.9")

    outcomes = [over_limit(request, "booking") for _ in range(3)]

    assert outcomes == [False, False, True]
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    assert list(server.scan_iter(match="*digiopas-test*"))
    caches["default"].clear()

"""The free-times list is rendered once and cached; every change of availability shows at once."""

import datetime as dt
import gzip
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bookings import availability_cache, services
from bookings.availability import bookable_slots
from bookings.availability_cache import free_times, free_times_html, library_version
from bookings.waiting_list import waiting_list_join, waiting_list_offer, waiting_list_offer_pass
from tests.factories import (
    form_started,
    make_booking,
    make_closure,
    make_device,
    make_guide,
    make_schedule,
    make_slot,
    make_slot_run,
)

pytestmark = pytest.mark.django_db


def days_ahead(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def offered(html: str | bytes) -> set[int]:
    text = html.decode() if isinstance(html, bytes) else html
    return {int(pk) for pk in re.findall(r'/book/(\d+)/"', text)}


@pytest.fixture
def slots(library, guide):
    return make_slot_run(count=3, guide=guide, library=library, starts_at=days_ahead(2))


def test_a_booking_makes_the_next_page_view_show_the_time_as_gone(client, library, slots):
    url = reverse("bookings:free_times", args=[library.slug])
    assert offered(client.get(url).content.decode()) == {slot.pk for slot in slots}

    response = client.post(
        reverse("bookings:book", args=[library.slug, slots[0].pk]),
        {
            "minutes": "15",
            "patron_name": "Aino Asiakas",
            "phone": "040 123 4567",
            "device": str(make_device().pk),
            "consent": "on",
            "started": form_started(),
        },
    )

    assert "Your guidance time is booked" in response.content.decode()
    assert offered(client.get(url).content.decode()) == {slots[1].pk, slots[2].pk}


def test_a_cancelled_booking_brings_the_time_back_at_once(client, library, slots):
    booking = make_booking(slot=slots[1])
    url = reverse("bookings:free_times", args=[library.slug])
    assert slots[1].pk not in offered(client.get(url).content.decode())

    services.booking_cancel(booking=booking, now=timezone.now())

    assert slots[1].pk in offered(client.get(url).content.decode())


def test_an_unchanged_list_is_served_from_the_cache(client, library, slots):
    now = timezone.now()
    first = free_times_html(library, now=now)
    # A slot made behind the services' back is not seen until something bumps the version …
    extra = make_slot(guide=slots[0].guide, library=library, starts_at=days_ahead(3))
    assert free_times_html(library, now=now) == first

    availability_cache.free_times_changed(library.pk)

    assert extra.pk in offered(free_times_html(library, now=now))


def test_a_time_inside_the_online_notice_drops_out_by_itself(library, slots):
    notice = dt.timedelta(minutes=library.min_notice_minutes)
    before = slots[0].starts_at - notice - dt.timedelta(minutes=1)
    assert slots[0].pk in offered(free_times_html(library, now=before))

    later = slots[0].starts_at - notice + dt.timedelta(minutes=1)

    assert offered(free_times_html(library, now=later)) == {slots[1].pk, slots[2].pk}


def test_a_held_time_comes_back_when_the_hold_lapses(
    library, slots, django_capture_on_commit_callbacks
):
    now = timezone.now()
    waiting_list_join(library=library, patron_name="Olli", phone="+358401112222", now=now)
    with django_capture_on_commit_callbacks(execute=True):
        waiting_list_offer(library=library, now=now)
    held = offered(free_times_html(library, now=now))
    assert len(held) == 2

    after_the_hold = now + dt.timedelta(hours=3)

    assert len(offered(free_times_html(library, now=after_the_hold))) == 3


def test_the_cached_list_is_the_same_as_the_bookable_slots(library, guide, slots):
    now = timezone.now()
    make_booking(slot=slots[2])
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(minutes=30))
    resting = make_guide(libraries=[library], is_active=False)
    make_slot(guide=resting, library=library, starts_at=days_ahead(4))
    make_slot(guide=guide, library=library, starts_at=days_ahead(7 * 6 + 1))

    listed = [slot["pk"] for day in free_times(library, now=now).days for slot in day["slots"]]

    assert listed == [slot.pk for slot in bookable_slots(library, now=now)]


def test_each_language_gets_its_own_list(client, library, slots):
    finnish = client.get(f"/libraries/{library.slug}/").content.decode()
    english = client.get(f"/en/libraries/{library.slug}/").content.decode()

    assert "Ensimmäinen vapaa aika" in finnish and "First free time" not in finnish
    assert "First free time" in english


def test_an_evicted_version_never_brings_an_old_list_back(library, slots):
    now = timezone.now()
    old_version = library_version(library.pk)
    free_times_html(library, now=now)
    cache.delete(f"free-times:version:{library.pk}")
    make_booking(slot=slots[0])  # bumps a version that is no longer there

    assert library_version(library.pk) != old_version
    assert slots[0].pk not in offered(free_times_html(library, now=now))


@pytest.mark.parametrize(
    "change",
    [
        "slots_generate",
        "closure_apply",
        "slots_remove_free",
        "booking_reschedule",
        "waiting_list_offer_and_pass",
    ],
)
def test_every_service_that_changes_free_times_bumps_the_version(
    change, library, guide, slots, django_capture_on_commit_callbacks
):
    now = timezone.now()
    before = library_version(library.pk)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        if change == "slots_generate":
            make_schedule(guide=guide, library=library, weekday=days_ahead(9).weekday())
            assert services.slots_generate(start_on=timezone.localdate(now), weeks=2) > 0
        elif change == "closure_apply":
            day = timezone.localdate(slots[0].starts_at)
            services.closure_apply(
                closure=make_closure(library=library, starts_on=day, ends_on=day)
            )
        elif change == "slots_remove_free":
            services.slots_remove_free(slots=library.slots.filter(pk=slots[0].pk))
        elif change == "booking_reschedule":
            booking = make_booking(slot=slots[0])
            before = library_version(library.pk)
            services.booking_reschedule(booking=booking, first_slot=slots[2], slot_count=1, now=now)
        else:
            entry = waiting_list_join(library=library, patron_name="O", phone="+3584011", now=now)
            waiting_list_offer(library=library, now=now)
            entry.refresh_from_db()
            offered_version = library_version(library.pk)
            assert offered_version != before
            before = offered_version
            waiting_list_offer_pass(entry=entry, now=now)

    assert library_version(library.pk) != before


def test_a_shared_page_is_the_same_for_everyone_sets_no_cookie_and_comes_compressed(
    client, library, slots
):
    url = f"/en/libraries/{library.slug}/"
    first = client.get(url)
    other = Client()

    plain = other.get(url)
    gzipped = other.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert plain.content == first.content
    assert not plain.cookies and "Content-Encoding" not in plain
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.content) == plain.content
    assert len(gzipped.content) < len(plain.content) / 2
    assert "Accept-Encoding" in gzipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    # The language switcher is links to this very page in each language, not a form.
    assert 'href="/sv/libraries/' in plain.content.decode()
    assert "csrfmiddlewaretoken" not in plain.content.decode()


def test_a_library_edited_in_the_admin_shows_at_once(admin_client, client, library, slots):
    url = f"/en/libraries/{library.slug}/"
    client.get(url)
    data = {
        field: getattr(library, field)
        for field in ("slug", "address", "place_fi", "phone", "email")
    }
    data |= {"name_fi": "Uusi nimi", "name_en": "New name", "is_active": "on"}
    data |= {"min_notice_minutes": 120}
    data |= {"booking_horizon_weeks": 6, "change_deadline_minutes": 60}
    data |= {"max_active_bookings": 3, "sms_monthly_cap": 300}

    response = admin_client.post(f"/en/admin/bookings/library/{library.pk}/change/", data)

    assert response.status_code == 302
    assert "Free times at New name" in client.get(url).content.decode()


def test_a_guide_renamed_in_the_admin_shows_at_once(admin_client, client, library, guide, slots):
    url = f"/en/libraries/{library.slug}/"
    client.get(url)
    data = {
        "user": guide.user_id,
        "display_name": "Uusi Opas",
        "libraries": [library.pk],
        "languages": ["fi"],
        "is_active": "on",
    }

    response = admin_client.post(f"/en/admin/bookings/guide/{guide.pk}/change/", data)

    assert response.status_code == 302
    assert "Uusi Opas" in client.get(url).content.decode()


def test_a_signed_in_visitor_gets_a_page_rendered_for_them(
    admin_client, client, library, slots, django_assert_num_queries
):
    url = f"/en/libraries/{library.slug}/"
    client.get(url)
    with django_assert_num_queries(0):
        client.get(url)  # the shared page

    # 1: the session; 2: the library (its list of times is still from the cache).
    with django_assert_num_queries(2):
        response = admin_client.get(url)

    assert offered(response.content) == {slot.pk for slot in slots}

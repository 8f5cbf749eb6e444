"""A library's free times through the API: the same times as the free-times page, the lengths
on offer, the filters, the language, a constant number of queries, and the cache that a
booking retires at once."""

import datetime as dt
import gzip
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.api import free_times as api_free_times
from bookings.availability import bookable_slots, slot_lengths
from bookings.models import Slot
from bookings.waiting_list import waiting_list_join, waiting_list_offer
from tests.api.conftest import API, days_ahead
from tests.factories import (
    form_started,
    make_booking,
    make_closure,
    make_device,
    make_guide,
    make_slot,
    make_slot_run,
)

pytestmark = pytest.mark.django_db


def free_times(client, library, query: str = "", **headers) -> dict:
    response = client.get(f"{API}/libraries/{library.slug}/free-times{query}", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def slot_ids(answer: dict) -> list[int]:
    return [int(re.search(r"/book/(\d+)/$", time["booking_url"])[1]) for time in answer["times"]]


def page_ids(client, library) -> list[int]:
    html = client.get(reverse("bookings:free_times", args=[library.slug])).content.decode()
    # Each once: the first is linked twice ("Book the first free time").
    return list(dict.fromkeys(int(pk) for pk in re.findall(r'/book/(\d+)/"', html)))


def test_it_lists_exactly_the_times_the_free_times_page_offers(
    client, library, guide, now, django_capture_on_commit_callbacks
):
    run = make_slot_run(count=4, guide=guide, library=library, starts_at=days_ahead(2))
    make_booking(slot=run[1])
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(minutes=30))  # notice
    make_slot(guide=guide, library=library, starts_at=days_ahead(7 * 6 + 2))  # past the horizon
    resting = make_guide(libraries=[library], is_active=False)
    make_slot(guide=resting, library=library, starts_at=days_ahead(3))
    closed = make_slot(guide=guide, library=library, starts_at=days_ahead(5))
    day = timezone.localdate(closed.starts_at)
    services.closure_apply(closure=make_closure(library=library, starts_on=day, ends_on=day))
    waiting_list_join(library=library, patron_name="Olli", phone="+358401112222", now=now)
    with django_capture_on_commit_callbacks(execute=True):
        waiting_list_offer(library=library, now=now)
    held = Slot.objects.get(held_until__gt=now)

    listed = slot_ids(free_times(client, library))

    assert listed == page_ids(client, library)
    assert listed == [slot.pk for slot in bookable_slots(library, now=timezone.now())]
    assert listed == [slot.pk for slot in (run[0], run[2], run[3]) if slot != held]


def test_each_time_has_the_lengths_the_booking_form_offers(client, library, guide):
    run = make_slot_run(count=4, guide=guide, library=library, starts_at=days_ahead(2))
    later = make_slot_run(count=2, guide=guide, library=library, starts_at=days_ahead(2, 14))

    times = free_times(client, library)["times"]

    assert [time["minutes"] for time in times] == [
        [15, 30, 45],
        [15, 30, 45],
        [15, 30],
        [15],
        [15, 30],
        [15],
    ]
    for time, slot in zip(times, run + later, strict=True):
        assert time["minutes"] == slot_lengths(slot, now=timezone.now())


def test_a_time_says_when_where_with_whom_and_where_to_book_it(client, library, guide):
    guide.display_name, guide.languages = "Maria", ["en", "fi"]
    guide.save()
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2, 10, 15))

    answer = free_times(client, library)

    assert answer["library"] == library.slug
    assert (
        answer["bookable_until"]
        == (timezone.localdate() + dt.timedelta(weeks=6, days=-1)).isoformat()
    )
    assert answer["times"] == [
        {
            "starts_at": timezone.localtime(slot.starts_at).isoformat(),
            "ends_at": timezone.localtime(slot.ends_at).isoformat(),
            "minutes": [15],
            "guide": "Maria",
            "languages": ["fi", "en"],
            "ways": ["library"],
            "booking_url": f"http://127.0.0.1:8000/libraries/{library.slug}/book/{slot.pk}/",
        }
    ]
    assert answer["times"][0]["starts_at"].endswith("+02:00")  # Helsinki winter time


def test_the_filters_narrow_the_times(client, library, guide):
    swedish = make_guide(libraries=[library], languages=["fi", "sv"])
    run = make_slot_run(count=2, guide=guide, library=library, starts_at=days_ahead(2))
    alone = make_slot(guide=swedish, library=library, starts_at=days_ahead(9))
    day = timezone.localdate(alone.starts_at).isoformat()

    assert slot_ids(free_times(client, library, "?guidance_language=sv")) == [alone.pk]
    assert slot_ids(free_times(client, library, "?minutes=30")) == [run[0].pk]
    assert slot_ids(free_times(client, library, f"?from={day}")) == [alone.pk]
    assert slot_ids(free_times(client, library, f"?from={day}&to={day}")) == [alone.pk]
    assert slot_ids(free_times(client, library, f"?to={day}&minutes=45")) == []
    early = timezone.localdate(run[0].starts_at).isoformat()
    assert slot_ids(free_times(client, library, f"?to={early}")) == [r.pk for r in run]


def test_the_answer_is_in_the_asked_language(client, library, guide):
    library.name_sv = "Limingo bibliotek"
    library.save()
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))

    swedish = client.get(f"{API}/libraries/{library.slug}/free-times?lang=sv")
    english = client.get(f"{API}/libraries/{library.slug}", headers={"Accept-Language": "en"})
    finnish = client.get(f"{API}/libraries/{library.slug}")
    named = client.get(f"{API}/libraries/{library.slug}?lang=sv", headers={"Accept-Language": "en"})

    assert swedish["Content-Language"] == "sv"
    assert swedish.json()["times"][0]["booking_url"].endswith(
        f"/sv/libraries/{library.slug}/book/{slot.pk}/"
    )
    assert english["Content-Language"] == "en"
    assert english.json()["guidance_languages"] == [{"code": "fi", "name": "Finnish"}]
    assert english.json()["free_times_url"].endswith(f"/en/libraries/{library.slug}/")
    assert finnish["Content-Language"] == "fi"
    assert finnish.json()["guidance_languages"] == [{"code": "fi", "name": "suomi"}]
    assert named["Content-Language"] == "sv"
    assert named.json()["name"] == "Limingo bibliotek"
    assert "Accept-Language" in english["Vary"]


def make_times(library, *, guides: int, per_guide: int) -> None:
    for n in range(guides):
        guide = make_guide(libraries=[library], languages=["fi", "en"][: 1 + n % 2])
        make_slot_run(count=per_guide, guide=guide, library=library, starts_at=days_ahead(2 + n))


@pytest.mark.parametrize(("guides", "per_guide"), [(1, 2), (6, 12)])
def test_the_free_times_cost_two_queries_afresh_and_none_from_the_cache(
    client, library, guides, per_guide, django_assert_num_queries
):
    make_times(library, guides=guides, per_guide=per_guide)
    url = f"{API}/libraries/{library.slug}/free-times?minutes=30&guidance_language=en"

    # The library; its free times with their guides (names and languages).
    with django_assert_num_queries(2):
        answer = client.get(url).json()
    # Nothing changed: from the shared cache, checked against the library's version.
    with django_assert_num_queries(0):
        assert client.get(url).json() == answer
    assert len(answer["times"]) == guides // 2 * (per_guide - 1)


@pytest.mark.parametrize(("count", "guides"), [(1, 1), (4, 3)])
def test_the_libraries_cost_three_queries(client, count, guides, django_assert_num_queries):
    from tests.factories import make_library, make_schedule

    for _ in range(count):
        library = make_library()
        for _guide in range(guides):
            make_schedule(guide=make_guide(libraries=[library]), library=library)

    # The libraries; their active guides' languages; the slot lengths of their schedules.
    with django_assert_num_queries(3):
        listed = client.get(f"{API}/libraries").json()
    assert len(listed) == count
    assert listed[0]["lengths"] == [15, 30, 45]


def test_a_booking_made_on_the_site_is_gone_from_the_next_answer(client, library, guide):
    run = make_slot_run(count=3, guide=guide, library=library, starts_at=days_ahead(2))
    assert slot_ids(free_times(client, library)) == [slot.pk for slot in run]

    booked = client.post(
        f"/en/libraries/{library.slug}/book/{run[1].pk}/",
        {
            "minutes": "15",
            "patron_name": "Aino Asiakas",
            "phone": "040 123 4567",
            "device": str(make_device().pk),
            "consent": "on",
            "started": form_started(),
        },
    )

    assert "Your guidance time is booked" in booked.content.decode()
    times = free_times(client, library)["times"]
    assert slot_ids({"times": times}) == [run[0].pk, run[2].pk]
    assert times[0]["minutes"] == [15]  # its next time is taken now


def test_a_cancelled_booking_brings_the_time_back_at_once(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    booking = make_booking(slot=slot)
    assert free_times(client, library)["times"] == []

    services.booking_cancel(booking=booking, now=timezone.now())

    assert slot_ids(free_times(client, library)) == [slot.pk]


def test_a_time_inside_the_online_notice_drops_out_by_itself(client, library, guide):
    soon = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(hours=3))
    assert slot_ids(free_times(client, library)) == [soon.pk]

    import time_machine

    with time_machine.travel(soon.starts_at - dt.timedelta(minutes=119), tick=False):
        assert free_times(client, library)["times"] == []


def test_an_inactive_or_unknown_library_or_address_is_a_json_404(client, library):
    library.is_active = False
    library.save()
    libraries = f"{API}/libraries"

    for url in (
        f"{libraries}/{library.slug}/free-times",
        f"{libraries}/{library.slug}",
        f"{libraries}/x",
    ):
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 404, url
        assert response.json() == {"detail": "There is no such library. See /api/v1/libraries."}
    for url in (f"{libraries}/", f"{libraries}/%2F/free-times", "/api/v2/libraries", "/api/"):
        response = client.get(url, headers={"Accept-Language": "sv"})
        assert response.status_code == 404, url
        assert response.json()["detail"].startswith("Det finns ingen sådan adress"), url


def test_the_answer_without_filters_comes_compressed_and_the_same(client, library, guide):
    make_slot_run(count=3, guide=guide, library=library, starts_at=days_ahead(2))
    url = f"{API}/libraries/{library.slug}/free-times"

    plain = client.get(url)
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    filtered = client.get(f"{url}?minutes=30", headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain
    assert gzipped["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(gzipped.content)) == plain.json()
    assert "Accept-Encoding" in gzipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert "Content-Encoding" not in filtered and len(filtered.json()["times"]) == 2


def test_the_answer_without_filters_is_written_once_not_on_every_request(
    client, library, guide, monkeypatch
):
    make_slot_run(count=3, guide=guide, library=library, starts_at=days_ahead(2))
    url = f"{API}/libraries/{library.slug}/free-times"
    first = client.get(url)

    def written_again(*args, **kwargs):
        raise AssertionError("the unfiltered answer was joined again")

    monkeypatch.setattr(api_free_times, "answer_json", written_again)
    again = client.get(url)

    assert again.content == first.content
    assert len(again.json()["times"]) == 3


def test_with_the_shared_database_cache_a_booking_is_gone_from_the_next_answer(
    client, default_cache, library, guide
):
    run = make_slot_run(count=2, guide=guide, library=library, starts_at=days_ahead(2))
    assert slot_ids(free_times(client, library)) == [slot.pk for slot in run]

    make_booking(slot=run[0])

    assert slot_ids(free_times(client, library)) == [run[1].pk]


def test_a_wrong_parameter_is_explained_in_the_asked_language(client, library):
    url = f"{API}/libraries/{library.slug}/free-times"

    english = client.get(f"{url}?minutes=lots&lang=en")
    swedish = client.get(f"{url}?from=2026-02-30", headers={"Accept-Language": "sv"})
    finnish = client.get(f"{url}?lang=de&to=x")

    assert english.status_code == swedish.status_code == finnish.status_code == 400
    assert english.json() == {"detail": "Please check these parameters: minutes."}
    assert english["Content-Language"] == "en"
    assert swedish.json() == {"detail": "Kontrollera de här uppgifterna: from."}
    assert finnish.json() == {"detail": "Tarkista nämä kohdat: lang, to."}


def test_times_say_their_ways_of_guidance_and_filter_by_one(client, library, guide):
    at_library = make_slot(guide=guide, library=library, starts_at=days_ahead(2, 10))
    by_phone = make_slot(
        guide=guide, library=library, starts_at=days_ahead(3, 10), at_library=False, by_phone=True
    )

    answer = free_times(client, library)
    phone_only = free_times(client, library, "?way=phone")

    assert [time["ways"] for time in answer["times"]] == [["library"], ["phone"]]
    assert [time["starts_at"] for time in phone_only["times"]] == [
        timezone.localtime(by_phone.starts_at).isoformat()
    ]
    assert slot_ids(phone_only) == [by_phone.pk] and at_library.pk in slot_ids(answer)
    assert client.get(f"{API}/libraries/{library.slug}/free-times?way=fax").status_code == 400


@pytest.mark.parametrize("path", ["", "/free-times"])
def test_a_name_no_library_can_have_is_a_json_404(client, library, path):
    # A NUL byte once reached PostgreSQL, which refuses it in text: a 500 (found by the fuzz).
    response = client.get(f"{API}/libraries/%00{path}")

    assert response.status_code == 404 and response.json()["detail"]

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.availability_cache import free_times_changed
from bookings.models import Booking, Library, Slot
from tests.factories import (
    form_started,
    make_booking,
    make_device,
    make_library,
    make_slot,
    make_slot_run,
    make_topic,
)

pytestmark = pytest.mark.django_db


def days_ahead(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def text(response) -> str:
    return " ".join(response.content.decode().split())


def offered_by_day(response) -> list[list[int]]:
    """The slot ids the free-times page links to, day section by day section."""
    sections = response.content.decode().split("<section")[1:]
    return [[int(pk) for pk in re.findall(r'/book/(\d+)/"', section)] for section in sections]


def private_address(response) -> str:
    """The address the confirmation puts in the browser's address bar: the private link."""
    return re.search(r'data-address="([^"]+)"', response.content.decode())[1]


def booking_data(**overrides) -> dict:
    device = overrides.pop("device", None) or make_device()
    return {
        "minutes": "15",
        "patron_name": "Aino Asiakas",
        "phone": "040 123 4567",
        "email": "",
        "device": str(device.pk),
        "need": "Haluan oppia videopuhelut.",
        "consent": "on",
        "started": form_started(),
        **overrides,
    }


def test_the_landing_page_explains_guidance_and_the_ground_rules(client, library):
    response = client.get("/en/")

    page = text(response)
    assert response.status_code == 200
    assert "free of charge" in page
    assert "never types your passwords or banking codes" in page
    assert "stays between the two of you" in page


def test_choosing_a_library_is_skipped_when_there_is_only_one(client, library):
    response = client.get(reverse("bookings:choose_library"))

    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:free_times", args=[library.slug])


def test_with_several_libraries_the_patron_chooses_one(client, library):
    other = make_library(name="Lumijoen kirjasto")

    response = client.get(reverse("bookings:choose_library"))

    assert response.status_code == 200
    assert library.name in text(response) and other.name in text(response)
    other.delete()
    assert client.get(reverse("bookings:choose_library")).status_code == 302


def test_free_times_show_only_bookable_times(client, library, guide):
    free = make_slot(guide=guide, library=library, starts_at=days_ahead(2, 10))
    booked = make_slot(guide=guide, library=library, starts_at=days_ahead(2, 11))
    make_booking(slot=booked)
    too_soon = make_slot(
        guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(hours=1)
    )
    passed = make_slot(guide=guide, library=library, starts_at=days_ahead(-1))
    beyond = make_slot(guide=guide, library=library, starts_at=days_ahead(7 * 6 + 1))
    elsewhere = make_slot(starts_at=days_ahead(2, 12))

    response = client.get(reverse("bookings:free_times", args=[library.slug]))

    assert offered_by_day(response) == [[free.pk]]
    for slot in (booked, too_soon, passed, beyond, elsewhere):
        assert (
            reverse("bookings:book", args=[library.slug, slot.pk]) not in response.content.decode()
        )


def test_free_times_are_grouped_by_day_with_the_first_free_time_first(client, library, guide):
    later = make_slot(guide=guide, library=library, starts_at=days_ahead(3, 9))
    first = make_slot(guide=guide, library=library, starts_at=days_ahead(2, 14))
    same_day = make_slot(guide=guide, library=library, starts_at=days_ahead(2, 15))

    response = client.get(f"/en/libraries/{library.slug}/")

    assert offered_by_day(response) == [[first.pk, same_day.pk], [later.pk]]
    assert "First free time" in text(response)
    assert f'/book/{first.pk}/">Book the first free time' in response.content.decode()


def test_a_library_without_free_times_asks_the_patron_to_call(client, library):
    response = client.get(f"/en/libraries/{library.slug}/")

    assert "Please call the library on 08 123 4567" in text(response)


def test_free_times_run_three_queries_however_many_slots_and_none_while_nothing_changes(
    client, library, guide, django_assert_num_queries
):
    url = reverse("bookings:free_times", args=[library.slug])
    make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    # 1: the library; 2: its bookable slots with their guides' names; 3: its closures ahead.
    with django_assert_num_queries(3):
        client.get(url)
    # Nothing changed: the page comes from the cache.
    with django_assert_num_queries(0):
        client.get(url)
    for n in range(40):
        make_slot(
            guide=guide,
            library=library,
            starts_at=days_ahead(3 + n // 8, 9) + dt.timedelta(minutes=15 * (n % 8)),
        )
    free_times_changed(library.pk)  # what the services do when they make slots
    with django_assert_num_queries(3):
        response = client.get(url)
    assert sum(len(day) for day in offered_by_day(response)) == 41


def test_the_landing_page_runs_one_query_and_none_until_a_library_changes(
    client, admin_client, library, django_assert_num_queries
):
    make_library()
    with django_assert_num_queries(1):  # the active libraries
        client.get(reverse("bookings:home"))
    with django_assert_num_queries(0):
        client.get(reverse("bookings:home"))

    # Staff add a library in the admin, then close it for bookings.
    details = {
        "name_fi": "Tyrnävän kirjasto",
        "slug": "tyrnava",
        "address": "Kirkkotie 1, 91800 Tyrnävä",
        "is_active": "on",
        "min_notice_minutes": "120",
        "booking_horizon_weeks": "6",
        "change_deadline_minutes": "60",
        "max_active_bookings": "3",
        "sms_monthly_cap": "300",
    }
    assert admin_client.post("/en/admin/bookings/library/add/", details).status_code == 302
    assert "Tyrnävän kirjasto" in text(client.get(reverse("bookings:home")))
    added = Library.objects.get(slug="tyrnava")
    change = f"/en/admin/bookings/library/{added.pk}/change/"
    del details["is_active"]
    assert admin_client.post(change, details).status_code == 302
    with django_assert_num_queries(1):
        assert "Tyrnävän kirjasto" not in text(client.get(reverse("bookings:home")))


def test_with_several_libraries_the_landing_page_lists_them_under_its_button(client, library):
    other = make_library(name="Lumijoen kirjasto")

    response = client.get("/en/")

    button = re.search(
        r'<a class="btn btn-primary btn-lg" href="([^"]+)"', response.content.decode()
    )
    assert button[1] == "#libraries-heading"
    assert f'href="/en/libraries/{other.slug}/"' in response.content.decode()
    assert library.address in text(response)


def test_with_one_library_the_landing_page_button_goes_to_its_free_times(client, library):
    response = client.get("/en/")

    assert f'<a class="btn btn-primary btn-lg" href="/en/libraries/{library.slug}/"' in (
        response.content.decode()
    )


def test_the_form_offers_longer_times_only_while_the_next_slots_are_free(client, library, guide):
    first, _second, third = make_slot_run(
        count=3, guide=guide, library=library, starts_at=days_ahead(2)
    )
    make_booking(slot=third)

    response = client.get(reverse("bookings:book", args=[library.slug, first.pk]))

    assert [value for value, _ in response.context["form"].fields["minutes"].choices] == [15, 30]


def test_the_booking_form_runs_a_fixed_number_of_queries(
    client, library, guide, django_assert_num_queries
):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    make_device()
    make_topic()
    # 1: the slot with library and guide, and the guide's following slots; 2: devices; 3: topics.
    with django_assert_num_queries(3):
        client.get(reverse("bookings:book", args=[library.slug, slot.pk]))


def test_a_patron_books_a_time_and_sees_every_detail_on_a_private_page(client, library, guide):
    first, second = make_slot_run(
        count=2, guide=guide, library=library, starts_at=days_ahead(2, 10)
    )
    topic = make_topic(bring_note="your banking codes")

    response = client.post(
        f"/en/libraries/{library.slug}/book/{first.pk}/",
        booking_data(minutes="30", topics=[str(topic.pk)], email="aino@example.com"),
    )

    booking = Booking.objects.get()
    assert response.status_code == 200  # the confirmation itself: no redirect to wait for
    assert private_address(response) == f"/en/booking/{booking.token}/?new=1"
    assert "no-store" in response["Cache-Control"]
    assert booking.phone == "+358401234567"
    assert booking.language == "en"
    assert set(booking.slots.all()) == {first, second}
    page = text(response)
    assert "Your guidance time is booked" in page
    assert f'<a href="http://testserver/en/booking/{booking.token}/">' in page
    assert f"{first.starts_at.astimezone(timezone.get_current_timezone()):%H.%M}" in page
    assert "30 minutes" in page
    assert library.address in page and library.place in page
    assert guide.display_name in page
    assert "your banking codes" in page
    assert "Keep this link to yourself" in page
    # The private link the script shows in the address bar is the same page for a reload.
    again = text(client.get(private_address(response)))
    assert "Your guidance time is booked" in again and "your banking codes" in again
    # The language links lead to the private page too, not back to the form.
    assert f'href="/sv/booking/{booking.token}/?new=1" lang="sv"' in response.content.decode()


def test_the_private_page_runs_four_queries(client, django_assert_num_queries):
    booking = make_booking(topics=[make_topic()])
    # 1: the booking with library, guide, device and closure; 2: its topics;
    # 3: the guide's slots from its start to its end: its own, and whether the next is free;
    # 4: the last message about it (where the confirmation went).
    with django_assert_num_queries(4):
        response = client.get(reverse("bookings:booking_detail", args=[booking.token]))
    assert response.status_code == 200


def test_a_wrong_private_link_is_simply_not_found(client):
    make_booking()

    assert (
        client.get(reverse("bookings:booking_detail", args=["not-a-real-token"])).status_code == 404
    )


def test_a_form_without_any_contact_says_what_to_do_and_books_nothing(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))

    response = client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_data(phone=""))

    assert response.status_code == 200
    assert "Please give a phone number or an e-mail address" in text(response)
    assert 'href="#id_phone"' in response.content.decode()  # the error summary links to the field
    assert not Booking.objects.exists()


def test_a_mistyped_phone_number_gets_an_example(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))

    response = client.post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_data(phone="12")
    )

    assert "for example 040 123 4567" in text(response)
    assert not Booking.objects.exists()


def test_without_consent_nothing_is_booked(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    data = booking_data()
    del data["consent"]

    response = client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", data)

    assert "Please tick the box" in text(response)
    assert not Booking.objects.exists()


def test_a_time_taken_while_the_form_was_open_gets_a_friendly_page_with_nearby_times(
    client, library, guide
):
    slot, neighbour = make_slot_run(count=2, guide=guide, library=library, starts_at=days_ahead(2))
    make_booking(slot=slot)

    response = client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_data())

    assert response.status_code == 409
    assert "That time was just taken" in text(response)
    assert "Nothing was booked for you" in text(response)
    assert response.context["alternatives"] == [neighbour]
    assert Booking.objects.count() == 1


def test_a_longer_time_whose_second_half_was_just_taken_books_nothing(client, library, guide):
    first, second = make_slot_run(count=2, guide=guide, library=library, starts_at=days_ahead(2))
    url = f"/en/libraries/{library.slug}/book/{first.pk}/"
    client.get(url)  # the patron sees 15 and 30 minutes on offer …
    make_booking(slot=second)  # … and someone else takes the second slot meanwhile.

    response = client.post(url, booking_data(minutes="30"))

    assert response.status_code == 200  # 30 minutes is no longer a valid choice
    assert "That length is no longer free. Please choose one of the lengths shown." in text(
        response
    )
    first.refresh_from_db()
    assert first.booking is None


def test_a_slot_at_another_library_is_not_found(client, library):
    slot = make_slot(starts_at=days_ahead(2))

    assert client.get(reverse("bookings:book", args=[library.slug, slot.pk])).status_code == 404


def test_the_booking_page_refuses_other_methods(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))

    assert client.put(reverse("bookings:book", args=[library.slug, slot.pk])).status_code == 405
    assert Slot.objects.get().booking is None


def sent_form(client, url: str) -> dict:
    """The booking form's hidden values as the page gave them (the signed submission)."""
    page = client.get(url).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', page)[1]
    return booking_data(submission=submission)


def test_the_same_form_sent_twice_shows_the_booking_it_made_not_a_taken_time(
    client, library, guide
):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"
    data = sent_form(client, url)

    first = client.post(url, data)
    second = client.post(url, data)  # a double click on "Book this time"

    assert first.status_code == 200
    assert second.status_code == 302 and second["Location"] == private_address(first)
    assert "Your guidance time is booked" in text(client.get(second["Location"]))
    assert Booking.objects.count() == 1


def test_a_form_sent_again_after_its_booking_was_cancelled_shows_the_cancelled_booking(
    client, library, guide
):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"
    data = sent_form(client, url)
    made = private_address(client.post(url, data)).removesuffix("?new=1")
    client.post(made + "cancel/")

    again = client.post(url, data)  # Back to the form, and Send once more

    assert again.status_code == 302 and again["Location"] == made
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    slot.refresh_from_db()
    assert slot.booking is None


def test_another_patrons_form_for_a_taken_time_still_gets_the_taken_page(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"
    mine, theirs = sent_form(client, url), sent_form(client, url)
    client.post(url, mine)

    response = client.post(url, {**theirs, "phone": "040 765 4321"})

    assert response.status_code == 409
    assert "That time was just taken" in text(response)
    assert Booking.objects.count() == 1


def test_a_forged_submission_is_ignored_and_the_booking_gets_its_own_secret(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=days_ahead(2))
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"

    response = client.post(url, booking_data(submission="0" * 32))

    assert response.status_code == 200
    assert Booking.objects.get().link_secret != "0" * 32

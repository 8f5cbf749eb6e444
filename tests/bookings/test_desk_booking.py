import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from tests.factories import (
    make_booking,
    make_device,
    make_library,
    make_slot,
    make_slot_run,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, library):
    client.force_login(make_staff(library, permissions=["add_booking", "view_booking"]))
    return client


def shown(response) -> list:
    """The free times a desk page lists, over all its days."""
    times = response.context["times"]
    return [time.slot for _day, day_times in times.days for time in day_times] if times else []


def desk_data(**overrides) -> dict:
    return {
        "minutes": "15",
        "patron_name": "Puhelin Paavo",
        "phone": "040 765 4321",
        "channel": "phone",
        "language": "fi",
        "device": str(make_device().pk),
        "consent": "on",
        **overrides,
    }


def test_staff_see_the_free_times_of_a_day_including_the_next_hour(desk, library, guide):
    soon = make_slot(
        guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(minutes=30)
    )
    day = timezone.localdate(soon.starts_at).isoformat()

    response = desk.get("/en/staff/book/", {"library": library.pk, "day": day})

    assert shown(response) == [soon]


def test_staff_book_by_phone_with_name_and_number_and_get_a_slip(desk, library, guide, mailoutbox):
    slot = make_slot(
        guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(minutes=45)
    )

    response = desk.post(f"/en/staff/book/{slot.pk}/", desk_data())

    booking = Booking.objects.get()
    assert response["Location"] == reverse("staff:desk_slip", args=[booking.pk])
    assert booking.channel == Booking.Channel.PHONE and booking.phone == "+358407654321"
    assert booking.email == "" and booking.language == "fi"
    slip = desk.get(f"/en/staff/bookings/{booking.pk}/slip/").content.decode()
    assert "Puhelin Paavo" in slip and guide.display_name in slip
    assert booking.token in slip


def test_the_slip_leads_a_swedish_patron_to_their_page_in_swedish(desk, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=1))
    desk.post(f"/staff/book/{slot.pk}/", desk_data(language="sv"))
    booking = Booking.objects.get()

    slip = desk.get(f"/staff/bookings/{booking.pk}/slip/").content.decode()

    assert f"http://testserver/sv/booking/{booking.token}/" in slip


def test_the_slip_is_in_the_patrons_language_and_says_where_the_confirmation_went(
    desk, library, guide
):
    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=1))
    desk.post(f"/staff/book/{slot.pk}/", desk_data(language="sv"))
    booking = Booking.objects.get()

    slip = desk.get(f"/staff/bookings/{booking.pk}/slip/").content.decode()

    # Sent after the commit, which a test's transaction never reaches: on its way.
    number = "040\N{NO-BREAK SPACE}765\N{NO-BREAK SPACE}4321"
    assert f"Uppgifterna om din tid är på väg som textmeddelande till {number}." in slip
    assert '<div lang="sv">' in slip and "Din tid för digistöd" in slip
    # The desk's own buttons stay in the desk's language.
    assert "Tulosta muistilappu" in slip


def test_staff_may_book_a_longer_time_at_the_desk(desk, library, guide):
    first, _second = make_slot_run(
        count=2, guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=1)
    )

    desk.post(f"/en/staff/book/{first.pk}/", desk_data(minutes="30", channel="desk"))

    booking = Booking.objects.get()
    assert booking.minutes == 30 and booking.channel == Booking.Channel.DESK


def test_a_time_taken_meanwhile_sends_staff_back_to_the_day(desk, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=1))
    make_booking(slot=slot)

    response = desk.post(f"/en/staff/book/{slot.pk}/", desk_data(), follow=True)

    assert "That time was just taken" in response.content.decode()
    assert Booking.objects.count() == 1


def test_staff_of_another_library_cannot_book_or_read_its_slips(client, library, guide):
    other_staff = make_staff(make_library(), permissions=["add_booking", "view_booking"])
    client.force_login(other_staff)
    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=1))
    booking = make_booking(
        slot=make_slot(
            guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=2)
        )
    )

    assert client.get(f"/en/staff/book/{slot.pk}/").status_code == 404
    assert client.get(f"/en/staff/bookings/{booking.pk}/slip/").status_code == 404
    response = client.get("/en/staff/book/", {"library": library.pk})
    assert response.context["times"] is None and response.context["form"].errors["library"]
    assert shown(client.get("/en/staff/book/")) == []


def test_staff_without_the_permission_are_refused(client, library):
    client.force_login(make_staff(library))

    assert client.get("/en/staff/book/").status_code == 403


def test_the_public_cannot_reach_the_desk(client):
    response = client.get("/en/staff/book/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_nonsense_day_gets_a_form_error_not_a_crash(desk, library):
    response = desk.get("/en/staff/book/", {"library": "x", "day": "2026-02-31"})

    assert response.status_code == 200 and response.context["times"] is None
    assert set(response.context["form"].errors) == {"library", "day"}


@pytest.fixture
def desk_editor(client, library):
    client.force_login(make_staff(library, permissions=["change_booking", "view_booking"]))
    return client


def test_staff_move_a_booking_even_inside_the_online_deadline(desk_editor, library, guide):
    soon = make_slot(
        guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(minutes=40)
    )
    later = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=2))
    booking = make_booking(slot=soon, channel="phone")
    listing = desk_editor.get(
        f"/en/staff/bookings/{booking.pk}/move/",
        {"library": library.pk, "day": timezone.localdate(later.starts_at).isoformat()},
    )
    assert shown(listing) == [later]

    desk_editor.post(f"/en/staff/bookings/{booking.pk}/move/{later.pk}/")

    booking.refresh_from_db()
    assert booking.starts_at == later.starts_at
    soon.refresh_from_db()
    assert soon.booking is None


def test_staff_cancel_a_booking_after_confirming(desk_editor, library, guide):
    booking = make_booking(
        slot=make_slot(
            guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(minutes=30)
        ),
        channel="phone",
    )

    desk_editor.get(f"/en/staff/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED

    desk_editor.post(f"/en/staff/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_staff_cannot_move_or_cancel_another_librarys_booking(client, library, guide):
    client.force_login(make_staff(make_library(), permissions=["change_booking", "view_booking"]))
    booking = make_booking(
        slot=make_slot(
            guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=1)
        )
    )

    assert client.get(f"/en/staff/bookings/{booking.pk}/move/").status_code == 404
    assert client.post(f"/en/staff/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Slot
from bookings.services import SlotTaken, booking_reschedule
from tests.factories import make_booking, make_slot, make_slot_run

pytestmark = pytest.mark.django_db


def taken_slots(booking: Booking) -> list[Slot]:
    return list(Slot.objects.filter(booking=booking).order_by("starts_at"))


def test_changing_the_time_frees_the_old_slot_and_takes_the_new_one(now):
    old, new = make_slot(), make_slot(starts_at=now + dt.timedelta(days=10))
    booking = make_booking(slot=old, now=now)

    booking_reschedule(booking=booking, first_slot=new, slot_count=1, now=now)

    booking.refresh_from_db()
    assert taken_slots(booking) == [new]
    assert booking.starts_at == new.starts_at and booking.guide == new.guide
    old.refresh_from_db()
    assert old.booking is None


def test_changing_to_a_time_someone_just_took_keeps_the_old_time(now):
    old, new = make_slot(), make_slot(starts_at=now + dt.timedelta(days=10))
    booking = make_booking(slot=old, now=now)
    make_booking(slot=new, now=now)

    with pytest.raises(SlotTaken):
        booking_reschedule(booking=booking, first_slot=new, slot_count=1, now=now)

    booking.refresh_from_db()
    assert taken_slots(booking) == [old]
    assert booking.starts_at == old.starts_at


def test_extending_takes_the_guides_next_free_slot(now):
    first, second = make_slot_run(count=2)
    booking = make_booking(slot=first, now=now)

    booking_reschedule(booking=booking, first_slot=first, slot_count=2, now=now)

    booking.refresh_from_db()
    assert taken_slots(booking) == [first, second]
    assert booking.minutes == 30


def test_extending_into_a_slot_just_booked_changes_nothing(now):
    first, second = make_slot_run(count=2)
    booking = make_booking(slot=first, now=now)
    make_booking(slot=second, now=now)

    with pytest.raises(SlotTaken):
        booking_reschedule(booking=booking, first_slot=first, slot_count=2, now=now)

    booking.refresh_from_db()
    assert taken_slots(booking) == [first] and booking.minutes == 15


def test_shortening_frees_the_last_slot(now):
    first, second, third = make_slot_run(count=3)
    booking = make_booking(slot=first, slot_count=3, now=now)

    booking_reschedule(booking=booking, first_slot=first, slot_count=2, now=now)

    booking.refresh_from_db()
    assert taken_slots(booking) == [first, second]
    third.refresh_from_db()
    assert third.booking is None


def test_moving_fifteen_minutes_later_may_reuse_its_own_slot(now):
    first, second, third = make_slot_run(count=3)
    booking = make_booking(slot=first, slot_count=2, now=now)

    booking_reschedule(booking=booking, first_slot=second, slot_count=2, now=now)

    booking.refresh_from_db()
    assert taken_slots(booking) == [second, third]


def test_a_cancelled_booking_cannot_be_moved(now):
    booking = make_booking(now=now)
    booking.status = Booking.Status.CANCELLED
    booking.save()

    with pytest.raises(ValidationError, match="no longer active"):
        booking_reschedule(
            booking=booking,
            first_slot=make_slot(starts_at=now + dt.timedelta(days=9)),
            slot_count=1,
            now=now,
        )


def test_the_patron_changes_the_time_from_the_private_link(client):
    start = timezone.now() + dt.timedelta(days=3)
    old = make_slot(starts_at=start)
    new = make_slot(guide=old.guide, library=old.library, starts_at=start + dt.timedelta(days=1))
    booking = make_booking(slot=old)

    listing = client.get(reverse("bookings:booking_change", args=[booking.token]))
    assert (
        reverse("bookings:booking_change_to", args=[booking.token, new.pk])
        in listing.content.decode()
    )

    client.post(reverse("bookings:booking_change_to", args=[booking.token, new.pk]))

    booking.refresh_from_db()
    assert taken_slots(booking) == [new]


def test_the_patron_makes_the_booking_longer_from_the_private_link(client):
    first, second = make_slot_run(count=2, starts_at=timezone.now() + dt.timedelta(days=3))
    booking = make_booking(slot=first)
    page = client.get(reverse("bookings:booking_detail", args=[booking.token])).content.decode()
    assert "Make it 15 minutes longer" in page

    client.post(reverse("bookings:booking_resize", args=[booking.token]), {"slot_count": "2"})

    booking.refresh_from_db()
    assert taken_slots(booking) == [first, second]


def test_a_resize_with_nonsense_input_changes_nothing(client):
    booking = make_booking(slot=make_slot(starts_at=timezone.now() + dt.timedelta(days=3)))

    response = client.post(
        reverse("bookings:booking_resize", args=[booking.token]), {"slot_count": "x" * 5000}
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.minutes == 15


def test_asking_for_the_same_time_and_length_changes_nothing_and_tells_nobody(now):
    booking = make_booking(now=now)
    first = booking.slots.get()
    messages_before = booking.notifications.count()

    booking_reschedule(booking=booking, first_slot=first, slot_count=1, now=now)

    assert booking.notifications.count() == messages_before
    assert taken_slots(booking) == [first]

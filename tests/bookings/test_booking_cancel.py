import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings.models import Booking, Notification, Slot
from bookings.services import booking_cancel
from tests.factories import make_booking, make_slot_run

pytestmark = pytest.mark.django_db


def test_cancelling_frees_the_slots_and_keeps_the_facts(now):
    slots = make_slot_run(count=2)
    booking = make_booking(slot=slots[0], slot_count=2, now=now)

    booking_cancel(booking=booking, now=now)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.minutes == 30  # the time it was stays on record for statistics
    assert not Slot.objects.filter(booking__isnull=False).exists()


def test_the_patron_is_told_of_the_cancellation(
    now, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(now=now, email="aino@example.com", phone="")

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=now)

    assert [m.subject for m in mailoutbox] == ["Your digital guidance time is cancelled"]
    assert booking.notifications.filter(kind=Notification.Kind.CANCELLATION, state="sent").exists()


def test_a_patron_cannot_cancel_online_inside_the_deadline(now):
    booking = make_booking(now=now)

    with pytest.raises(ValidationError, match="too late to change this time online"):
        booking_cancel(booking=booking, now=booking.starts_at - dt.timedelta(minutes=30))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_staff_may_cancel_inside_the_deadline(now):
    booking = make_booking(now=now)

    booking_cancel(booking=booking, now=booking.starts_at - dt.timedelta(minutes=30), by_staff=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_a_cancelled_booking_cannot_be_cancelled_twice(now):
    booking = make_booking(now=now)
    booking_cancel(booking=booking, now=now)

    with pytest.raises(ValidationError, match="no longer active"):
        booking_cancel(booking=booking, now=now)


def test_the_patron_cancels_from_the_private_link_after_confirming(client):
    booking = make_booking()
    url = reverse("bookings:booking_cancel", args=[booking.token])

    confirm_page = client.get(url)
    assert "Yes, cancel my time" in confirm_page.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED  # a GET changes nothing

    response = client.post(url, follow=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "The time is now free for others" in response.content.decode()

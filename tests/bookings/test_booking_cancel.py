import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, Notification, Slot
from bookings.services import booking_cancel, closure_cancel_bookings
from tests.factories import (
    helsinki,
    make_booking,
    make_closure,
    make_library,
    make_slot,
    make_slot_run,
    make_staff,
)

# The GSM 03.38 basic alphabet: a text message in these characters costs one part per 160.
GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

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


# The library's own cancellations: the page and the message say who cancelled, and why.


def private_page(client, booking) -> str:
    html = client.get(reverse("bookings:booking_detail", args=[booking.token])).content.decode()
    return " ".join(html.split())


@pytest.fixture
def desk_editor(client, library):
    client.force_login(make_staff(library, permissions=["change_booking", "view_booking"]))
    return client


def test_staff_cancel_for_the_library_and_the_patrons_page_says_so_with_the_reason(
    desk_editor, library, now
):
    booking = make_booking(slot=make_slot(library=library), now=now)

    desk_editor.post(
        f"/en/staff/bookings/{booking.pk}/cancel/",
        {"cancelled_by": "library", "reason": "The guide is ill."},
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.is_cancelled_by_library
    html = private_page(Client(), booking)
    assert "<h1>The library cancelled this time</h1>" in html
    assert "Reason: The guide is ill." in html
    free_times = reverse("bookings:free_times", args=[library.slug])
    assert f'href="{free_times}">Book a new time</a>' in html
    assert "You cancelled" not in html and "Remember to bring" not in html


def test_a_patron_who_asked_the_desk_to_cancel_is_not_told_the_library_cancelled(
    desk_editor, library, now
):
    booking = make_booking(slot=make_slot(library=library), now=now)

    desk_editor.post(
        f"/en/staff/bookings/{booking.pk}/cancel/", {"cancelled_by": "patron", "reason": "x"}
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not booking.is_cancelled_by_library and booking.cancellation_reason == ""
    html = private_page(Client(), booking)
    assert "The library cancelled" not in html and "You cancelled this time." in html


def test_a_booking_cancelled_for_a_closure_gives_the_closures_reason(library, now):
    slot = make_slot(library=library, starts_at=helsinki(2026, 12, 22, 10, 0))
    booking = make_booking(slot=slot, now=now)
    closure = make_closure(library=library, reason="Christmas break")

    closure_cancel_bookings(closure=closure, booking_ids=[booking.pk], now=now)

    booking.refresh_from_db()
    assert booking.is_cancelled_by_library and booking.cancelled_for_closure == closure
    html = private_page(Client(), booking)
    assert "The library cancelled this time" in html and "Reason: Christmas break." in html


def test_the_librarys_cancellation_e_mail_says_who_cancelled_why_and_where_to_book_again(
    library, now, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(slot=make_slot(library=library), now=now, email="a@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=now, by_library=True, reason="The guide is ill")

    [message] = mailoutbox
    assert message.subject == "The library has cancelled your digital guidance time"
    body = " ".join(message.body.split())
    assert "the library has had to cancel your digital guidance time" in body
    assert "Reason: The guide is ill." in body
    assert f"{settings.SITE_URL}/en/libraries/{library.slug}/" in body
    assert "has been cancelled. You are welcome" not in body and "Please bring" not in body


def test_the_librarys_cancellation_text_message_says_so_in_one_gsm_7_part(
    now, smsoutbox, django_capture_on_commit_callbacks
):
    # A name and address of their own: the factory's numbered ones grow as the suite runs.
    library = make_library(name="Limingan kirjasto", slug="liminka")
    booking = make_booking(slot=make_slot(library=library), now=now)
    closure = make_closure(library=library, starts_on=dt.date(2026, 12, 8), reason="Remontti")

    with django_capture_on_commit_callbacks(execute=True):
        closure_cancel_bookings(closure=closure, booking_ids=[booking.pk], now=now)

    [message] = smsoutbox
    assert message.body.startswith("The library cancelled your guidance Tue 8.12.")
    assert "Reason: Remontti." in message.body
    assert message.body.endswith(f"/en/libraries/{library.slug}/")
    assert len(message.body) <= 160 and set(message.body) <= GSM_7


def test_the_patrons_own_cancellation_message_is_as_before(
    now, mailoutbox, django_capture_on_commit_callbacks
):
    booking = make_booking(now=now, email="aino@example.com", phone="")

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=now)

    [message] = mailoutbox
    assert "Your digital guidance time has been cancelled." in message.body
    assert "library has had to cancel" not in message.body

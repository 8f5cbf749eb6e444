"""The patron's page says what happens next: where the details went, when the reminder comes,
until when the time can be changed; it prints with a QR code of its own address."""

import re

import pytest
import time_machine
from django.urls import reverse

from bookings import notifications
from bookings.models import Booking
from bookings.services import booking_cancel
from tests.factories import (
    form_started,
    helsinki,
    make_booking,
    make_device,
    make_slot,
    make_staff,
)
from tests.qr_decoding import encodes, qr_codes_in

pytestmark = pytest.mark.django_db


def page(client, booking) -> str:
    html = client.get(reverse("bookings:booking_detail", args=[booking.token])).content.decode()
    return " ".join(html.split())


@pytest.fixture
def next_tuesday(library, guide):
    """Tuesday 8.12. at 10.00, a week after the suite's `now`."""
    return make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 10, 0))


def test_the_confirmation_says_the_text_message_went_to_the_number_as_people_write_it(
    client, library, next_tuesday, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/libraries/{library.slug}/book/{next_tuesday.pk}/",
            {
                "minutes": "15",
                "patron_name": "Aino Asiakas",
                "phone": "+358 40 123 4567",
                "device": str(make_device().pk),
                "consent": "on",
                "started": form_started(),
            },
        )

    assert response.status_code == 200
    assert len(smsoutbox) == 1
    [booking] = Booking.objects.all()
    html = page(client, booking)
    assert "We have sent the details of your time by text message to 040 123 4567." in html


def test_an_e_mail_not_yet_sent_is_on_its_way(client, next_tuesday, now):
    booking = make_booking(slot=next_tuesday, now=now, email="aino@example.com", phone="")

    assert "The details of your time are on their way by e-mail to aino@example.com." in page(
        client, booking
    )


def test_a_landline_caller_is_told_the_library_will_call(client, next_tuesday, now):
    booking = make_booking(slot=next_tuesday, now=now, phone="+35881234567", channel="phone")

    assert "The library will call you on 08 123 4567 to confirm your time." in page(client, booking)


def test_the_page_says_the_reminder_comes_on_the_day_before_and_the_reminder_run_agrees(
    client, next_tuesday, now
):
    booking = make_booking(slot=next_tuesday, now=now)

    assert "A reminder comes by text message on 7.12., the day before your time." in page(
        client, booking
    )
    # The reminder run picks it on that day, from the reminder hour, and not the day before.
    assert booking in notifications.reminders_due(now=helsinki(2026, 12, 7, 10, 0))
    assert booking not in notifications.reminders_due(now=helsinki(2026, 12, 6, 10, 0))


def test_a_time_booked_the_day_before_gets_no_reminder_and_the_page_says_so(client, library, guide):
    slot = make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 2, 14, 0))
    booking = make_booking(slot=slot, now=helsinki(2026, 12, 1, 8, 0), email="a@example.com")

    assert "No reminder comes, as your time is so soon" in page(client, booking)
    assert notifications.reminder_on(booking) is None
    assert booking not in notifications.reminders_due(now=helsinki(2026, 12, 1, 12, 0))


def test_it_says_until_when_the_time_can_be_changed_online_and_whom_to_call_after(
    client, library, next_tuesday, now
):
    library.change_deadline_minutes = 24 * 60
    library.save()
    booking = make_booking(slot=next_tuesday, now=now)

    assert (
        "You can change or cancel your time on this page until Mon 7.12. at 10.00. "
        "After that, please call the library on 08 123 4567." in page(client, booking)
    )


def test_past_the_deadline_it_says_to_call_the_library(client, next_tuesday):
    booking = make_booking(slot=next_tuesday, now=helsinki(2026, 11, 30, 8, 0))

    with time_machine.travel(helsinki(2026, 12, 8, 9, 30)):  # half an hour before
        html = page(client, booking)

    assert (
        "It is too late to change this time online. "
        "If you cannot come, please call the library on 08 123 4567." in html
    )
    assert "You can change or cancel" not in html


def test_it_offers_a_print_button_calendar_in_words_and_a_qr_code_of_its_address_for_paper(
    client, next_tuesday, now
):
    booking = make_booking(slot=next_tuesday, now=now)

    html = page(client, booking)

    # The button is shown by script (it can only print with one); the page prints without it.
    assert re.search(
        r'<li [^>]*data-print hidden><button type="button"[^>]*>Print this page<', html
    )
    assert "js/print-button" in html
    assert ">Add to my calendar</a>" in html and ".ics)" not in html
    [qr_code] = qr_codes_in(html)
    assert encodes(
        qr_code, "http://testserver" + reverse("bookings:booking_detail", args=[booking.token])
    )
    assert '<div class="print-only qr-print">' in html


def test_the_desk_slip_carries_the_same_qr_code(client, library, next_tuesday, now):
    client.force_login(make_staff(library, permissions=["view_booking"]))
    booking = make_booking(slot=next_tuesday, now=now, channel="desk")

    html = client.get(reverse("staff:desk_slip", args=[booking.pk])).content.decode()

    # The private page's first; the feedback form's after it (tests/bookings/test_feedback.py).
    qr_code, _feedback_qr_code = qr_codes_in(html)
    assert encodes(
        qr_code, "http://testserver" + reverse("bookings:booking_detail", args=[booking.token])
    )


def test_a_cancelled_booking_has_no_print_code_nor_what_to_bring(client, next_tuesday, now):
    booking = make_booking(slot=next_tuesday, now=now)
    booking_cancel(booking=booking, now=now)

    html = page(client, booking)

    assert qr_codes_in(html) == []
    assert "Remember to bring" not in html and "What happens next" not in html
    assert "You cancelled this time." in html  # the patron's own cancellation, as before


def test_numbers_in_sentences_never_break_over_two_lines(client, next_tuesday, now):
    booking = make_booking(slot=next_tuesday, now=now)

    html = client.get(reverse("bookings:booking_detail", args=[booking.token])).content.decode()

    assert "by text message to 040\N{NO-BREAK SPACE}123\N{NO-BREAK SPACE}4567." in html
    assert "call the library on 08\N{NO-BREAK SPACE}123\N{NO-BREAK SPACE}4567." in html

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bookings import sms
from bookings.availability import bookable_slots
from bookings.models import Booking, Notification, Slot, WaitingListEntry
from bookings.services import booking_cancel, waiting_list_offer_accept
from bookings.waiting_list import (
    waiting_list_expire,
    waiting_list_join,
    waiting_list_leave,
    waiting_list_offer,
    waiting_list_offer_pass,
)
from tests.factories import form_started, helsinki, make_booking, make_schedule, make_slot

pytestmark = pytest.mark.django_db

Status = WaitingListEntry.Status


def join(library, now, **overrides) -> WaitingListEntry:
    fields = {"patron_name": "Odottava Olli", "phone": "+358401112222"}
    return waiting_list_join(library=library, now=now, **{**fields, **overrides})


@pytest.fixture
def slot(library, guide, now):
    return make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))


def test_a_freed_time_is_offered_to_the_first_in_line_and_held_for_them(
    library, slot, now, django_capture_on_commit_callbacks
):
    first = join(library, now, patron_name="First")
    second = join(library, now + dt.timedelta(minutes=1), patron_name="Second")

    with django_capture_on_commit_callbacks(execute=True):
        assert waiting_list_offer(library=library, now=now) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.OFFERED and first.offered_slot == slot
    assert first.offer_expires_at == now + dt.timedelta(hours=2)
    assert second.status == Status.WAITING
    assert list(bookable_slots(library, now=now)) == []  # nobody else can book it meanwhile
    [message] = sms.outbox
    assert first.token in message.body and message.to == "+358401112222"


def test_others_cannot_book_a_held_time(library, slot, now):
    join(library, now)
    waiting_list_offer(library=library, now=now)

    with pytest.raises(ValidationError, match="kept for a patron on the waiting list"):
        make_booking(slot=slot, now=now)


def test_only_days_that_suit_are_offered(library, guide, now):
    tuesday_slot = make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 10, 0))
    friday_slot = make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 11, 10, 0))
    fridays_only = join(library, now, weekdays=[4])

    waiting_list_offer(library=library, now=now)

    fridays_only.refresh_from_db()
    assert fridays_only.offered_slot == friday_slot
    assert tuesday_slot.held_for is None


def test_accepting_the_offer_books_the_held_time(library, slot, now):
    entry = join(library, now, email="olli@example.com")
    waiting_list_offer(library=library, now=now)

    booking = waiting_list_offer_accept(entry=entry, now=now + dt.timedelta(minutes=30))

    entry.refresh_from_db()
    slot.refresh_from_db()
    assert entry.status == Status.BOOKED and entry.booking == booking
    assert slot.booking == booking and slot.held_for is None
    assert booking.phone == "+358401112222" and booking.email == "olli@example.com"


def test_an_offer_lapses_and_the_time_goes_to_the_next_in_line(
    library, slot, now, django_capture_on_commit_callbacks
):
    first = join(library, now, patron_name="First")
    second = join(library, now + dt.timedelta(minutes=1), patron_name="Second")
    waiting_list_offer(library=library, now=now)
    later = now + dt.timedelta(hours=2, minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert waiting_list_expire(now=later) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.WAITING and slot.pk in first.passed_slot_ids
    assert second.status == Status.OFFERED and second.offered_slot == slot
    with pytest.raises(ValidationError, match="no longer open"):
        waiting_list_offer_accept(entry=first, now=later)


def test_letting_an_offer_pass_keeps_the_place_but_not_that_time(library, slot, now):
    entry = join(library, now)
    waiting_list_offer(library=library, now=now)

    waiting_list_offer_pass(entry=entry, now=now)
    waiting_list_offer(library=library, now=now)

    entry.refresh_from_db()
    slot.refresh_from_db()
    assert entry.status == Status.WAITING and slot.held_for is None


def test_a_cancellation_offers_the_freed_time(
    library, slot, now, django_capture_on_commit_callbacks
):
    booking = make_booking(slot=slot, now=now)
    entry = join(library, now)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, now=now)

    entry.refresh_from_db()
    assert entry.status == Status.OFFERED and entry.offered_slot == slot


def test_leaving_the_list_releases_a_held_time(library, slot, now):
    entry = join(library, now)
    waiting_list_offer(library=library, now=now)

    waiting_list_leave(entry=entry, now=now)

    slot.refresh_from_db()
    assert slot.held_for is None
    assert list(bookable_slots(library, now=now)) == [slot]


def test_past_the_text_message_cap_the_offer_goes_to_the_call_list(library, slot, now):
    library.sms_monthly_cap = 0
    library.save()
    entry = join(library, now)

    waiting_list_offer(library=library, now=now)

    notification = entry.notifications.get()
    assert notification.state == Notification.State.TO_CALL
    assert sms.outbox == []


def test_a_patron_joins_the_waiting_list_from_the_site_and_books_the_offer(client, library, guide):
    for weekday in (0, 4):  # guidance on Mondays and Fridays
        make_schedule(guide=guide, library=library, weekday=weekday)
    url = f"/en/libraries/{library.slug}/waiting-list/"
    response = client.post(
        url,
        {
            "patron_name": "Olli",
            "phone": "040 111 2222",
            "weekdays": ["0", "4"],
            "consent": "on",
            "started": form_started(),
        },
    )
    entry = WaitingListEntry.objects.get()
    assert response.status_code == 302 and entry.weekdays == [0, 4]
    assert "You are on the waiting list" in client.get(response["Location"]).content.decode()

    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=7))
    entry.weekdays = []
    entry.save()
    waiting_list_offer(library=library, now=timezone.now())
    page = client.get(reverse("bookings:waiting_entry", args=[entry.token])).content.decode()
    assert "A time is waiting for you" in page

    response = client.post(
        reverse("bookings:waiting_answer", args=[entry.token]), {"action": "accept"}
    )

    booking = Booking.objects.get()
    assert response["Location"].startswith(reverse("bookings:booking_detail", args=[booking.token]))
    assert Slot.objects.get(pk=slot.pk).booking == booking


def test_joining_without_contact_says_what_to_do(client, library):
    response = client.post(
        f"/en/libraries/{library.slug}/waiting-list/", {"patron_name": "Olli", "consent": "on"}
    )

    assert "Please give a phone number or an e-mail address" in response.content.decode()
    assert not WaitingListEntry.objects.exists()


def test_an_unknown_answer_changes_nothing(client, library, now):
    entry = join(library, now)

    response = client.post(
        reverse("bookings:waiting_answer", args=[entry.token]), {"action": "\x00" * 10}
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.WAITING


def test_staff_add_a_caller_to_the_waiting_list_in_the_admin(admin_client, library, now):
    response = admin_client.post(
        "/en/admin/bookings/waitinglistentry/add/",
        {
            "library": library.pk,
            "patron_name": "Puhelin Pirkko",
            "phone": "040 765 4321",
            "email": "",
            "language": "sv",
            "channel": "phone",
            "weekdays": ["1", "3"],
            "part_of_day": "afternoon",
            "need": "Mobiilivarmenne",
        },
    )

    assert response.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.patron_name, entry.phone, entry.weekdays, entry.part_of_day) == (
        "Puhelin Pirkko",
        "+358407654321",
        [1, 3],
        "afternoon",
    )
    assert (entry.language, entry.channel, entry.status) == ("sv", "phone", "waiting")
    assert entry.token_hash and entry.link_secret  # the service made its private link

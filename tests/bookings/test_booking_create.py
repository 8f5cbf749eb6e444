import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking, Slot
from bookings.models.private_link import hash_token
from bookings.services import SlotTaken, booking_create
from tests.factories import make_booking, make_device, make_slot, make_slot_run, make_topic

pytestmark = pytest.mark.django_db


def test_it_books_one_slot_with_everything_the_patron_said(now):
    slot = make_slot()
    device, topic = make_device(), make_topic()

    booking = booking_create(
        slot=slot,
        patron_name="Aino Asiakas",
        phone="+358401234567",
        device=device,
        topics=[topic],
        need="Pankkisovellus",
        language="sv",
        now=now,
    )

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert slot.booking == booking
    assert (booking.starts_at, booking.ends_at) == (slot.starts_at, slot.ends_at)
    assert booking.guide == slot.guide and booking.library == slot.library
    assert list(booking.topics.all()) == [topic]
    assert booking.device == device
    assert booking.language == "sv"
    assert booking.channel == Booking.Channel.ONLINE
    assert booking.status == Booking.Status.BOOKED


def test_the_private_token_is_long_random_and_only_its_hash_is_stored(now):
    booking = make_booking(now=now)

    assert len(booking.token) >= 32  # 24 random bytes, base64: 192 bits
    assert booking.token_hash == hash_token(booking.token)
    assert booking.token not in booking.token_hash


def test_a_longer_time_takes_the_guides_consecutive_slots(now):
    first, second, third = make_slot_run(count=3)

    booking = booking_create(
        slot=first, slot_count=3, patron_name="A", email="a@example.com", now=now
    )

    assert set(booking.slots.all()) == {first, second, third}
    assert booking.minutes == 45


def test_a_gap_in_the_guides_slots_stops_a_longer_booking(now):
    first = make_slot()
    make_slot(
        guide=first.guide, library=first.library, starts_at=first.ends_at + dt.timedelta(minutes=15)
    )

    with pytest.raises(SlotTaken):
        booking_create(slot=first, slot_count=2, patron_name="A", phone="0401234567", now=now)
    assert not Booking.objects.exists()


def test_a_booked_slot_cannot_be_booked_again(now):
    slot = make_slot()
    first = make_booking(slot=slot, now=now)

    with pytest.raises(SlotTaken):
        make_booking(slot=slot, now=now)

    slot.refresh_from_db()
    assert slot.booking == first
    assert Booking.objects.count() == 1


def test_when_the_second_slot_is_taken_nothing_is_booked_half(now):
    first, second = make_slot_run(count=2)
    make_booking(slot=second, now=now)

    with pytest.raises(SlotTaken):
        booking_create(slot=first, slot_count=2, patron_name="B", phone="0401234567", now=now)

    first.refresh_from_db()
    assert first.booking is None
    assert Booking.objects.count() == 1


def test_the_database_refuses_a_booking_without_any_contact(now):
    slot = make_slot()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            library=slot.library,
            guide=slot.guide,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            patron_name="Nobody",
            token_hash="x",
        )


def test_the_service_asks_for_a_phone_or_an_email(now):
    with pytest.raises(ValidationError, match="phone number or an e-mail"):
        booking_create(slot=make_slot(), patron_name="A", now=now)


def test_online_patrons_cannot_book_inside_the_minimum_notice(now):
    slot = make_slot(starts_at=now + dt.timedelta(minutes=90))  # the default notice is 2 hours

    with pytest.raises(ValidationError, match="too soon to book online"):
        booking_create(slot=slot, patron_name="A", phone="0401234567", now=now)


def test_staff_on_the_phone_may_book_inside_the_minimum_notice(now):
    slot = make_slot(starts_at=now + dt.timedelta(minutes=30))

    booking = booking_create(
        slot=slot, patron_name="A", phone="0401234567", channel=Booking.Channel.PHONE, now=now
    )

    assert booking.channel == Booking.Channel.PHONE


def test_nobody_can_book_a_time_that_has_passed(now):
    slot = make_slot(starts_at=now - dt.timedelta(minutes=15))

    with pytest.raises(ValidationError, match="already passed"):
        booking_create(slot=slot, patron_name="A", phone="0401234567", channel="desk", now=now)


def test_a_booking_is_at_most_45_minutes_online(now):
    first = make_slot_run(count=4)[0]

    with pytest.raises(ValidationError, match="15 to 45 minutes"):
        booking_create(slot=first, slot_count=4, patron_name="A", phone="0401234567", now=now)
    assert not Slot.objects.filter(booking__isnull=False).exists()


def test_one_contact_may_hold_three_upcoming_bookings_online(library, now):
    slots = [make_slot(library=library, starts_at=now + dt.timedelta(days=d)) for d in range(2, 6)]
    for slot in slots[:3]:
        make_booking(slot=slot, now=now, phone="+358401234567")

    with pytest.raises(ValidationError, match="You already have 3 upcoming guidance times"):
        make_booking(slot=slots[3], now=now, phone="+358401234567")
    assert make_booking(slot=slots[3], now=now, phone="+358401234567", channel="phone")


def test_the_limit_counts_only_bookings_at_the_library_that_sets_it(library, now):
    library.max_active_bookings = 1
    library.save()
    elsewhere = [make_slot(starts_at=now + dt.timedelta(days=d)) for d in range(2, 5)]
    for slot in elsewhere:  # three other libraries, each with its own limit of 3
        make_booking(slot=slot, now=now, phone="+358401234567")
    here = [make_slot(library=library, starts_at=now + dt.timedelta(days=d)) for d in (5, 6)]

    assert make_booking(slot=here[0], now=now, phone="+358401234567")
    with pytest.raises(ValidationError, match="You already have 1 upcoming guidance time,"):
        make_booking(slot=here[1], now=now, phone="+358401234567")


def test_the_contact_limit_matches_an_email_whatever_its_case(now):
    library = make_slot().library
    library.max_active_bookings = 1
    library.save()
    make_booking(slot=make_slot(library=library), now=now, phone="", email="Aino@Example.com")

    with pytest.raises(ValidationError, match="upcoming guidance time"):
        make_booking(
            slot=make_slot(library=library, starts_at=now + dt.timedelta(days=3)),
            now=now,
            phone="",
            email="aino@example.com",
        )


def test_booking_takes_the_same_queries_whatever_the_caller_loaded(now, library, guide):
    guide.user.email = "opas@example.com"  # the guide's notice reads the guide's user
    guide.user.save()
    counts = []
    for n, load in enumerate(
        [
            lambda pk: Slot.objects.get(pk=pk),
            lambda pk: Slot.objects.select_related("library", "guide__user").get(pk=pk),
        ]
    ):
        made = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2 + n))
        slot = load(made.pk)
        with CaptureQueriesContext(connection) as captured:
            make_booking(slot=slot, now=now, phone=f"+3584012345{n:02d}")
        counts.append(len(captured))

    assert counts[0] == counts[1]

"""Each booking rule holds on every path that books or moves a time (bookings/rules.py).

The paths: the online form, a change of time, longer/shorter, the desk (booking and moving),
the waiting list's offer and acceptance, the admin and slot generation. The views run on the
clock the suite starts at `now`, so `now` below is the views' now too.
"""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from bookings.admin import SlotForm
from bookings.availability import resize_options, slot_lengths
from bookings.models import Booking, Slot, WaitingListEntry
from bookings.services import booking_reschedule, slots_generate, waiting_list_offer_accept
from bookings.waiting_list import waiting_list_join, waiting_list_offer
from tests.factories import make_booking, make_schedule, make_slot, make_slot_run

pytestmark = pytest.mark.django_db

HELD = "kept for a patron on the waiting list"


def join(library, now) -> WaitingListEntry:
    return waiting_list_join(
        library=library, patron_name="Odottava Olli", phone="+358401112222", now=now
    )


def hold(slot: Slot, now) -> WaitingListEntry:
    """A free time offered to (and held for) the first patron in line."""
    entry = join(slot.library, now)
    assert waiting_list_offer(library=slot.library, now=now) == 1
    entry.refresh_from_db()
    assert entry.offered_slot_id == slot.pk
    return entry


# --- Waiting-list holds ---------------------------------------------------------------------


def test_a_held_time_cannot_be_taken_by_another_patrons_change_of_time(library, guide, now):
    mine = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))
    booking = make_booking(slot=mine, now=now, phone="+358401234567")
    held = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))
    entry = hold(held, now)

    with pytest.raises(ValidationError, match=HELD):
        booking_reschedule(booking=booking, first_slot=held, slot_count=1, now=now)

    assert waiting_list_offer_accept(entry=entry, now=now).slots.get() == held


def test_a_held_time_cannot_be_taken_by_making_the_time_before_it_longer(library, guide, now):
    first, held = make_slot_run(
        count=2, guide=guide, library=library, starts_at=now + dt.timedelta(days=3)
    )
    booking = make_booking(slot=first, now=now, phone="+358401234567")
    entry = hold(held, now)

    assert resize_options(booking, now=now).can_extend is False  # not offered on the page
    with pytest.raises(ValidationError, match=HELD):
        booking_reschedule(booking=booking, first_slot=first, slot_count=2, now=now)

    booking.refresh_from_db()
    assert booking.minutes == 15
    assert waiting_list_offer_accept(entry=entry, now=now).slots.get() == held


def test_staff_moving_a_booking_cannot_take_a_held_time_either(library, guide, now):
    booking = make_booking(
        slot=make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2)),
        now=now,
    )
    held = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))
    hold(held, now)

    with pytest.raises(ValidationError, match=HELD):
        booking_reschedule(booking=booking, first_slot=held, slot_count=1, now=now, by_staff=True)


def test_the_desk_cannot_book_a_held_time_for_a_caller(admin_client, library, guide, now):
    held = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))
    hold(held, now)

    response = admin_client.get(reverse("staff:desk_book", args=[held.pk]), follow=True)

    assert HELD in response.content.decode()
    held.refresh_from_db()
    assert held.booking_id is None


def test_a_held_time_opens_no_form_and_says_it_is_kept_not_taken(client, library, guide, now):
    held = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=3))
    hold(held, now)

    response = client.get(reverse("bookings:book", args=[library.slug, held.pk]))

    assert response.status_code == 409
    text = response.content.decode()
    assert HELD in text
    assert "someone else" not in text


def test_a_held_time_is_not_offered_as_a_longer_booking(library, guide, now):
    first, held = make_slot_run(
        count=2, guide=guide, library=library, starts_at=now + dt.timedelta(days=3)
    )
    entry = join(library, now)
    Slot.objects.filter(pk=held.pk).update(held_for=entry, held_until=now + dt.timedelta(hours=1))

    assert slot_lengths(first, now=now) == [15]
    assert slot_lengths(first, now=now + dt.timedelta(hours=1)) == [15, 30]  # the hold lapsed


# --- The offer is held no longer than it can be accepted -------------------------------------


def test_an_offer_is_held_only_until_online_booking_of_the_time_closes(library, guide, now):
    # Notice 120 minutes, offers held 2 hours: a time three hours ahead can be booked online
    # only for one more hour, so that is how long the offer is held.
    slot = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=3))
    entry = hold(slot, now)

    assert entry.offer_expires_at == now + dt.timedelta(hours=1)
    slot.refresh_from_db()
    assert slot.held_until == entry.offer_expires_at
    booking = waiting_list_offer_accept(entry=entry, now=now + dt.timedelta(minutes=59))
    assert booking.slots.get() == slot


def test_a_time_too_close_to_answer_is_not_offered(library, guide, now):
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=2, minutes=10))
    join(library, now)

    assert waiting_list_offer(library=library, now=now) == 0


# --- The booking horizon --------------------------------------------------------------------


def beyond_the_horizon(library, guide, now) -> Slot:
    weeks = library.booking_horizon_weeks
    return make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(weeks=weeks + 1))


def test_a_time_beyond_the_horizon_cannot_be_booked_by_its_address(client, library, guide, now):
    later = beyond_the_horizon(library, guide, now)

    response = client.get(reverse("bookings:book", args=[library.slug, later.pk]))

    assert response.status_code == 409
    assert "up to 6 weeks ahead" in response.content.decode()
    with pytest.raises(ValidationError, match="up to 6 weeks ahead"):
        make_booking(slot=later, now=now)
    assert not Booking.objects.exists()


def test_a_change_of_time_cannot_go_beyond_the_horizon(library, guide, now):
    booking = make_booking(
        slot=make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2)),
        now=now,
    )
    later = beyond_the_horizon(library, guide, now)

    with pytest.raises(ValidationError, match="up to 6 weeks ahead"):
        booking_reschedule(booking=booking, first_slot=later, slot_count=1, now=now)


def test_staff_may_book_beyond_the_horizon(library, guide, now):
    later = beyond_the_horizon(library, guide, now)

    assert make_booking(slot=later, now=now, channel=Booking.Channel.PHONE)


def test_a_change_of_time_keeps_the_online_notice(library, guide, now):
    booking = make_booking(
        slot=make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2)),
        now=now,
    )
    soon = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(minutes=90))

    with pytest.raises(ValidationError, match="too soon to book online"):
        booking_reschedule(booking=booking, first_slot=soon, slot_count=1, now=now)
    assert (
        booking_reschedule(
            booking=booking, first_slot=soon, slot_count=1, now=now, by_staff=True
        ).starts_at
        == soon.starts_at
    )


# --- A change of time never shortens the visit silently -----------------------------------


def a_45_minute_booking_and_a_15_minute_gap(library, guide, now) -> tuple[Booking, Slot]:
    run = make_slot_run(count=3, guide=guide, library=library, starts_at=now + dt.timedelta(days=2))
    booking = make_booking(slot=run[0], now=now, slot_count=3)
    short = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=4))
    return booking, short


def test_changing_to_a_shorter_free_time_is_refused_and_says_why(client, library, guide, now):
    booking, short = a_45_minute_booking_and_a_15_minute_gap(library, guide, now)
    url = reverse("bookings:booking_change_to", args=[booking.token, short.pk])

    response = client.post(url, follow=True)

    assert "only 15 minutes are free" in response.content.decode()
    booking.refresh_from_db()
    assert booking.minutes == 45 and booking.slots.count() == 3
    with pytest.raises(ValidationError, match="only 15 minutes are free"):
        booking_reschedule(booking=booking, first_slot=short, slot_count=3, now=now)


def test_staff_moving_to_a_shorter_free_time_are_told_and_nothing_changes(
    admin_client, library, guide, now
):
    booking, short = a_45_minute_booking_and_a_15_minute_gap(library, guide, now)

    response = admin_client.post(
        reverse("staff:desk_move_to", args=[booking.pk, short.pk]), follow=True
    )

    assert "only 15 minutes are free" in response.content.decode()
    booking.refresh_from_db()
    assert booking.minutes == 45


# --- One guide in one place at a time -------------------------------------------------------


def test_slot_generation_never_makes_overlapping_times_for_one_guide(guide, now):
    library = guide.libraries.get()
    other = make_slot(library=library).library
    guide.libraries.add(other)
    start = now.date() + dt.timedelta(days=7)
    tuesday = start + dt.timedelta(days=(1 - start.weekday()) % 7)
    make_schedule(guide=guide, library=library, weekday=1, valid_from=tuesday)
    # The same hours at another library, and 20-minute times overlapping the 15-minute ones.
    make_schedule(guide=guide, library=other, weekday=1, valid_from=tuesday)
    make_schedule(guide=guide, library=library, weekday=1, slot_minutes=20, valid_from=tuesday)

    slots_generate(start_on=tuesday, weeks=1)

    times = list(Slot.objects.filter(guide=guide).order_by("starts_at"))
    assert len(times) == 8  # 10.00-12.00 in 15 minutes, once
    assert {slot.library for slot in times} == {library}
    assert all(a.ends_at <= b.starts_at for a, b in itertools.pairwise(times))


def test_the_admin_refuses_a_slot_overlapping_the_guides_time_at_another_library(guide, now):
    first = make_slot(guide=guide, starts_at=now + dt.timedelta(days=3))
    elsewhere = make_slot(starts_at=now + dt.timedelta(days=5)).library
    form = SlotForm(
        data={
            "guide": guide.pk,
            "library": elsewhere.pk,
            "starts_at": (first.starts_at + dt.timedelta(minutes=5)).isoformat(),
            "ends_at": (first.starts_at + dt.timedelta(minutes=20)).isoformat(),
        }
    )

    assert not form.is_valid()
    assert "A guide can be in one place at a time" in str(form.errors)


@pytest.mark.postgres
def test_the_database_refuses_overlapping_slots_of_one_guide(guide, now):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    first = make_slot(guide=guide, starts_at=now + dt.timedelta(days=3))

    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(
            guide=guide,
            library=make_slot(starts_at=now + dt.timedelta(days=5)).library,
            starts_at=first.starts_at + dt.timedelta(minutes=5),
            ends_at=first.starts_at + dt.timedelta(minutes=20),
        )
    # Back to back is fine.
    assert make_slot(guide=guide, starts_at=first.ends_at)

"""Many patrons press "Book" on the same time at once, each on its own database connection."""

import datetime as dt
import threading

import pytest
from django.core import signing
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, Slot
from bookings.services import SlotTaken, booking_create
from tests.factories import make_slot, make_slot_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PATRONS = 16


def dt_in_days(days: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL); CI runs it there")


def race(attempts: list) -> list:
    """Run each attempt in its own thread, all released at the same moment; return outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list = [None] * len(attempts)

    def run(index: int, attempt) -> None:
        from django.db import connections

        try:
            barrier.wait()
            outcomes[index] = attempt()
        except SlotTaken as taken:
            outcomes[index] = taken
        except Exception as error:  # reported by the assertions below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def book(slot: Slot, n: int, slot_count: int = 1):
    now = slot.starts_at - dt.timedelta(days=3)
    return lambda: booking_create(
        slot=slot, slot_count=slot_count, patron_name=f"Patron {n}", phone="0401234567", now=now
    )


def test_exactly_one_of_many_simultaneous_bookings_wins_a_slot():
    slot = make_slot()

    outcomes = race([book(slot, n) for n in range(PATRONS)])

    winners = [o for o in outcomes if isinstance(o, Booking)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, SlotTaken) for o in outcomes if o not in winners), outcomes
    slot.refresh_from_db()
    assert slot.booking_id == winners[0].pk
    assert Booking.objects.count() == 1


def test_overlapping_longer_bookings_never_share_a_slot():
    slots = make_slot_run(count=4)
    # Half the patrons want 45 minutes from the first slot, half 45 minutes from the second.
    attempts = [book(slots[n % 2], n, slot_count=3) for n in range(PATRONS)]

    outcomes = race(attempts)

    winners = [o for o in outcomes if isinstance(o, Booking)]
    assert len(winners) == 1, outcomes
    assert not [o for o in outcomes if not isinstance(o, Booking | SlotTaken)], outcomes
    taken = Slot.objects.filter(booking__isnull=False)
    assert taken.count() == 3
    assert set(taken.values_list("booking", flat=True)) == {winners[0].pk}
    assert Booking.objects.count() == 1


def test_the_same_form_sent_many_times_at_once_makes_one_booking_and_shows_it_to_every_send(
    library, guide
):
    """A double (or an impatient sixfold) click: each POST on its own connection, at once."""
    from django.test import Client

    from bookings.patron.forms import SUBMISSION_SALT
    from tests.bookings.test_public_booking_flow import booking_data, private_address
    from tests.factories import make_device

    slot = make_slot(guide=guide, library=library, starts_at=dt_in_days(3))
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"
    data = booking_data(
        device=make_device(), submission=signing.dumps("ab" * 16, salt=SUBMISSION_SALT)
    )

    outcomes = race([lambda: Client().post(url, data) for _ in range(6)])

    # One answer is the confirmation; the other five lead to that same private page.
    assert sorted(o.status_code for o in outcomes) == [200] + [302] * 5, outcomes
    booked = next(o for o in outcomes if o.status_code == 200)
    address = private_address(booked)
    assert {o["Location"] for o in outcomes if o.status_code == 302} == {address}
    assert Booking.objects.get().link_secret == "ab" * 16

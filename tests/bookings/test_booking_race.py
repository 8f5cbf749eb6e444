"""Many patrons press "Book" on the same time at once, each on its own database connection."""

import datetime as dt
import threading

import pytest
from django.db import connection

from bookings.models import Booking, Slot
from bookings.services import SlotTaken, booking_create
from tests.factories import make_slot, make_slot_run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PATRONS = 16


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

import datetime as dt

import pytest
from django.db import IntegrityError

from bookings.bulk_insert import insert_rows
from bookings.models import Slot
from tests.factories import helsinki, make_slot

pytestmark = pytest.mark.django_db

COLUMNS = ["guide_id", "library_id", "starts_at", "ends_at"]


def row(slot: Slot, minutes_later: int = 0) -> tuple:
    starts_at = slot.starts_at + dt.timedelta(minutes=minutes_later)
    return (slot.guide_id, slot.library_id, starts_at, starts_at + dt.timedelta(minutes=15))


def test_it_inserts_plain_rows_with_their_aware_times():
    slot = make_slot(starts_at=helsinki(2026, 12, 8, 10, 0))

    insert_rows(Slot, COLUMNS, [row(slot, 15), row(slot, 30)])

    starts = list(Slot.objects.order_by("starts_at").values_list("starts_at", flat=True))
    assert starts == [helsinki(2026, 12, 8, 10, m) for m in (0, 15, 30)]


def test_ignoring_conflicts_skips_a_time_that_exists_and_keeps_the_rest():
    slot = make_slot(starts_at=helsinki(2026, 12, 8, 10, 0))

    insert_rows(Slot, COLUMNS, [row(slot), row(slot, 15)], ignore_conflicts=True)

    assert Slot.objects.count() == 2


def test_without_ignoring_conflicts_the_database_refuses_a_double():
    slot = make_slot(starts_at=helsinki(2026, 12, 8, 10, 0))

    with pytest.raises(IntegrityError):
        insert_rows(Slot, COLUMNS, [row(slot)])

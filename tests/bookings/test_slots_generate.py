import datetime as dt

import pytest
from django.core.management import call_command

from bookings.models import Slot
from bookings.services import closure_apply, slots_generate
from tests.factories import (
    helsinki,
    make_booking,
    make_closure,
    make_guide,
    make_library,
    make_schedule,
)

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 11, 24)


def local_starts(queryset) -> list[str]:
    from django.utils import timezone

    return [
        f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}" for s in queryset.order_by("starts_at")
    ]


def test_it_makes_fifteen_minute_slots_from_a_weekly_schedule(library, guide):
    make_schedule(
        guide=guide, library=library, weekday=1, start_time=dt.time(10), end_time=dt.time(11)
    )

    made = slots_generate(start_on=TUESDAY, weeks=1)

    assert made == 4
    assert local_starts(Slot.objects.all()) == [
        "2026-11-24 10:00",
        "2026-11-24 10:15",
        "2026-11-24 10:30",
        "2026-11-24 10:45",
    ]
    assert all(s.minutes == 15 and s.library == library for s in Slot.objects.all())


def test_running_it_twice_makes_nothing_twice(library, guide):
    make_schedule(guide=guide, library=library)

    first = slots_generate(start_on=TUESDAY, weeks=3)
    second = slots_generate(start_on=TUESDAY, weeks=3)

    assert first == 24
    assert second == 0
    assert Slot.objects.count() == 24


def test_it_never_removes_a_booked_slot(library, guide):
    make_schedule(guide=guide, library=library)
    slots_generate(start_on=TUESDAY, weeks=1)
    booked = Slot.objects.order_by("starts_at").first()
    booking = make_booking(slot=booked)
    booking.refresh_from_db()

    slots_generate(start_on=TUESDAY, weeks=2)

    booked.refresh_from_db()
    assert booked.booking == booking
    assert Slot.objects.count() == 16


def test_it_keeps_wall_clock_times_across_the_spring_dst_change(library, guide):
    # Finland moves to summer time on Sunday 28 March 2027: UTC+2 before, UTC+3 after.
    make_schedule(
        guide=guide, library=library, weekday=1, start_time=dt.time(10), end_time=dt.time(10, 15)
    )

    slots_generate(start_on=dt.date(2027, 3, 22), weeks=2)

    winter, summer = Slot.objects.order_by("starts_at")
    assert (
        winter.starts_at
        == helsinki(2027, 3, 23, 10, 0)
        == dt.datetime(2027, 3, 23, 8, 0, tzinfo=dt.UTC)
    )
    assert summer.starts_at == dt.datetime(2027, 3, 30, 7, 0, tzinfo=dt.UTC)
    assert local_starts(Slot.objects.all()) == ["2027-03-23 10:00", "2027-03-30 10:00"]


def test_it_keeps_wall_clock_times_across_the_autumn_dst_change(library, guide):
    # Back to winter time on Sunday 31 October 2027.
    make_schedule(
        guide=guide, library=library, weekday=4, start_time=dt.time(14), end_time=dt.time(14, 15)
    )

    slots_generate(start_on=dt.date(2027, 10, 25), weeks=2)

    assert local_starts(Slot.objects.all()) == ["2027-10-29 14:00", "2027-11-05 14:00"]


def test_a_schedule_through_the_night_of_the_dst_change_skips_the_missing_hour(library, guide):
    # On 29 March 2026 the clock jumps from 03:00 to 04:00: no slot can start at 03:xx.
    make_schedule(
        guide=guide,
        library=library,
        weekday=6,
        start_time=dt.time(2, 30),
        end_time=dt.time(4, 30),
        slot_minutes=30,
    )

    slots_generate(start_on=dt.date(2026, 3, 23), weeks=1)

    assert local_starts(Slot.objects.all()) == ["2026-03-29 02:30", "2026-03-29 04:00"]


def test_it_skips_finnish_public_holidays(library, guide):
    # Epiphany (loppiainen), Wednesday 6 January 2027, is a public holiday.
    make_schedule(guide=guide, library=library, weekday=2)

    slots_generate(start_on=dt.date(2027, 1, 4), weeks=2)

    days = {s[:10] for s in local_starts(Slot.objects.all())}
    assert days == {"2027-01-13"}


def test_it_skips_a_library_closure_and_a_guides_own_closure(library):
    maria = make_guide(libraries=[library])
    aki = make_guide(libraries=[library])
    make_schedule(guide=maria, library=library, weekday=1)
    make_schedule(guide=aki, library=library, weekday=1)
    make_closure(library=library, starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 1))
    make_closure(
        library=library, guide=aki, starts_on=dt.date(2026, 12, 8), ends_on=dt.date(2026, 12, 8)
    )

    slots_generate(start_on=dt.date(2026, 11, 30), weeks=2)

    assert not Slot.objects.filter(starts_at__date=dt.date(2026, 12, 1)).exists()
    assert set(Slot.objects.values_list("guide", flat=True)) == {maria.pk}


def test_a_closure_at_another_library_does_not_close_this_one(library, guide):
    make_schedule(guide=guide, library=library)
    make_closure(library=make_library(), starts_on=TUESDAY, ends_on=TUESDAY)

    assert slots_generate(start_on=TUESDAY, weeks=1) == 8


def test_it_respects_the_schedules_validity_dates(library, guide):
    make_schedule(
        guide=guide,
        library=library,
        valid_from=dt.date(2026, 12, 1),
        valid_until=dt.date(2026, 12, 8),
    )

    slots_generate(start_on=TUESDAY, weeks=4)

    assert {s[:10] for s in local_starts(Slot.objects.all())} == {"2026-12-01", "2026-12-08"}


def test_an_inactive_guide_gets_no_slots(library):
    guide = make_guide(libraries=[library], is_active=False)
    make_schedule(guide=guide, library=library)

    assert slots_generate(start_on=TUESDAY, weeks=1) == 0


def test_applying_a_closure_removes_its_free_slots_and_reports_the_bookings(library, guide):
    make_schedule(guide=guide, library=library)
    slots_generate(start_on=TUESDAY, weeks=2)
    booking = make_booking(slot=Slot.objects.order_by("starts_at").first())
    closure = make_closure(library=library, starts_on=TUESDAY, ends_on=TUESDAY)

    affected = closure_apply(closure=closure)

    assert affected == [booking]
    assert Slot.objects.filter(starts_at__date=TUESDAY).count() == 1
    assert Slot.objects.count() == 9


def test_the_command_generates_and_reports(library, guide, capsys):
    make_schedule(guide=guide, library=library, weekday=0, valid_from=dt.date(2020, 1, 1))

    call_command("generate_slots", "--weeks", "2")

    assert "new slots made" in capsys.readouterr().out
    assert Slot.objects.exists()


def test_the_command_refuses_an_absurd_number_of_weeks(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_slots", "--weeks", "0")

import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, models, transaction

from bench.load_data import LoadSpec, load_data
from bench.make_load_data import main as make_load_data
from bookings import services
from bookings.models import Booking, Guide, Library, Notification, Slot
from bookings.models.private_link import patron_key_for
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

KEPT = (Booking.Status.BOOKED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)


@pytest.fixture
def now():
    return helsinki(2026, 12, 1, 8, 0)


@pytest.fixture
def report(now):
    spec = LoadSpec(libraries=2, guides=4, weeks=3, ahead_weeks=1, booked_share=0.4)
    return load_data(spec, now=now)


def test_it_makes_as_many_libraries_guides_and_weeks_as_asked(report):
    assert Library.objects.count() == report.libraries == 2
    assert Guide.objects.count() == report.guides == 4
    assert Slot.objects.count() == report.slots > 0
    weeks = {slot.starts_at.isocalendar()[:2] for slot in Slot.objects.all()}
    assert len(weeks) == 3
    assert (report.first_on, report.last_on) == (dt.date(2026, 11, 16), dt.date(2026, 12, 6))


def test_it_books_the_share_of_past_slots_asked(report, now):
    past = Slot.objects.filter(starts_at__lt=now)
    share = past.exclude(booking=None).count() / past.count()

    assert share == pytest.approx(0.4, abs=0.05)
    assert report.booked_past_share == pytest.approx(share)


def test_every_booked_slot_lies_inside_its_booking_of_the_same_guide_and_library(report):
    booked = Slot.objects.exclude(booking=None).select_related("booking")
    assert booked.exists()
    for slot in booked:
        booking = slot.booking
        assert booking.status in KEPT
        assert (booking.guide_id, booking.library_id) == (slot.guide_id, slot.library_id)
        assert booking.starts_at <= slot.starts_at and slot.ends_at <= booking.ends_at


def test_every_kept_booking_holds_exactly_its_consecutive_slots(report):
    for booking in Booking.objects.filter(status__in=KEPT).prefetch_related("slots"):
        slots = sorted(booking.slots.all(), key=lambda slot: slot.starts_at)
        assert 1 <= len(slots) <= 3
        assert slots[0].starts_at == booking.starts_at and slots[-1].ends_at == booking.ends_at
        assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(slots))


def test_no_time_is_booked_twice_and_cancelled_bookings_hold_no_slot(report):
    assert not Slot.objects.filter(booking__status=Booking.Status.CANCELLED).exists()
    assert Booking.objects.filter(status=Booking.Status.CANCELLED).exists()
    kept = Booking.objects.filter(status__in=KEPT).order_by("guide_id", "starts_at")
    previous = None
    for booking in kept:
        if previous is not None and previous.guide_id == booking.guide_id:
            assert previous.ends_at <= booking.starts_at
        previous = booking


def test_bookings_ahead_are_booked_and_those_past_marked_mostly(report, now):
    assert set(Booking.objects.filter(starts_at__gte=now).values_list("status", flat=True)) <= {
        Booking.Status.BOOKED,
        Booking.Status.CANCELLED,
    }
    past = Booking.objects.filter(starts_at__lt=now, status__in=KEPT)
    assert past.filter(status=Booking.Status.ATTENDED).count() > past.count() / 2
    assert not Booking.objects.filter(created_at__gt=now).exists()


def test_the_slots_are_the_ones_the_weekly_schedules_would_make(report):
    assert services.slots_generate(start_on=report.first_on, weeks=3) == 0


def test_every_booking_has_its_confirmation_and_every_past_kept_one_its_reminder(report, now):
    assert Notification.objects.count() == report.notifications
    confirmations = Notification.objects.filter(kind=Notification.Kind.CONFIRMATION)
    assert confirmations.count() == Booking.objects.count() > 0
    reminded = Notification.objects.filter(kind=Notification.Kind.REMINDER)
    assert reminded.filter(booking__status=Booking.Status.CANCELLED).count() == 0
    assert reminded.count() > 0 and all(r.created_at < now for r in reminded)
    # Each message carries its booking's library: the text-message cap counts by it.
    assert not Notification.objects.exclude(library_id=models.F("booking__library_id")).exists()
    assert {n.channel for n in Notification.objects.all()} == {"sms", "email"}


def test_a_loaded_bookings_private_link_opens_it(report, client, now):
    booking = Booking.objects.filter(starts_at__gte=now).first()

    response = client.get(f"/en/booking/{booking.token}/")

    assert response.status_code == 200


def test_loaded_bookings_carry_the_patron_key_the_app_would_give_and_patrons_come_back(report):
    with_contact = Booking.objects.filter(personal_data_erased_at__isnull=True)
    for booking in with_contact[:50]:
        assert booking.patron_key == patron_key_for(booking.phone, booking.email) != ""
    # The bookings erased on schedule keep their key, as the daily purge leaves it.
    assert not Booking.objects.filter(patron_key="").exists()
    keys = Booking.objects.values_list("patron_key", flat=True)
    assert len(set(keys)) < len(keys)


def test_the_database_still_refuses_a_second_slot_at_the_same_time(report):
    slot = Slot.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(
            guide_id=slot.guide_id,
            library_id=slot.library_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )


def test_the_command_says_how_long_it_took_and_how_big_the_database_is(capsys):
    make_load_data(["--libraries", "1", "--guides", "2", "--weeks", "1", "--ahead", "1"])

    out = capsys.readouterr().out
    assert "Loaded 1 libraries, 2 guides" in out
    assert "Took" in out and "MB" in out

"""The calendar file a patron adds to their calendar, parsed back as a calendar would read it."""

import datetime as dt

import pytest
from django.utils import translation
from icalendar import Calendar

from bookings.calendar_file import booking_ics
from bookings.models import Booking
from tests import factories
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

MANAGE_URL = "https://digiopas.example/varaus/abc123/"


def _event(ics: bytes):
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event


def _booking_at(starts_at: dt.datetime, **overrides) -> Booking:
    return factories.make_booking(slot=factories.make_slot(starts_at=starts_at), **overrides)


def test_a_winter_booking_is_at_ten_helsinki_time_which_is_utc_plus_two():
    booking = _booking_at(helsinki(2026, 12, 8, 10, 0))

    event = _event(booking_ics(booking, manage_url=MANAGE_URL))

    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert (event.start.date(), event.start.time()) == (dt.date(2026, 12, 8), dt.time(10, 0))
    assert event.start.utcoffset() == dt.timedelta(hours=2)
    assert event.start.astimezone(dt.UTC) == dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.UTC)
    assert event.end - event.start == dt.timedelta(minutes=15)


def test_a_summer_booking_is_at_ten_helsinki_time_which_is_utc_plus_three():
    booking = _booking_at(helsinki(2026, 6, 9, 10, 0))

    event = _event(booking_ics(booking, manage_url=MANAGE_URL))

    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert (event.start.date(), event.start.time()) == (dt.date(2026, 6, 9), dt.time(10, 0))
    assert event.start.utcoffset() == dt.timedelta(hours=3)
    assert event.end.astimezone(dt.UTC) == dt.datetime(2026, 6, 9, 7, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("starts_at", "offset_hours"),
    [(helsinki(2026, 12, 8, 10, 0), 2), (helsinki(2026, 6, 9, 10, 0), 3)],
)
def test_the_file_carries_its_own_helsinki_time_zone_rules(starts_at, offset_hours):
    """A calendar that does not know Europe/Helsinki reads the offsets from the VTIMEZONE."""
    booking = _booking_at(starts_at)

    calendar = Calendar.from_ical(booking_ics(booking, manage_url=MANAGE_URL))

    [vtimezone] = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Helsinki"
    rules_in_file = vtimezone.to_tz(lookup_tzid=False)
    in_file_zone = starts_at.replace(tzinfo=rules_in_file)
    assert in_file_zone.utcoffset() == dt.timedelta(hours=offset_hours)


def test_the_location_names_the_library_its_address_and_the_room():
    library = factories.make_library(
        name="Pääkirjasto", address="Kaarlenväylä 3, 90100 Oulu", place="Ryhmätila 2"
    )
    booking = factories.make_booking(slot=factories.make_slot(library=library))

    event = _event(booking_ics(booking, manage_url=MANAGE_URL))

    assert event["LOCATION"] == "Pääkirjasto, Kaarlenväylä 3, 90100 Oulu, Ryhmätila 2"


def test_the_description_tells_the_guide_device_topics_and_the_private_link():
    slot = factories.make_slot()
    slot.guide.display_name = "Maria"
    slot.guide.save()
    booking = factories.make_booking(
        slot=slot, device=factories.make_device(name="Tabletti"), topics=[factories.make_topic()]
    )

    with translation.override("en"):
        event = _event(booking_ics(booking, manage_url=MANAGE_URL))

    assert event["DESCRIPTION"] == (
        "Guide: Maria\n"
        "Device: Tabletti\n"
        "Topics: Pankkitunnukset\n"
        f"See, change or cancel your booking: {MANAGE_URL}"
    )
    assert event["URL"] == MANAGE_URL


def test_a_booking_is_a_confirmed_event_named_after_the_library():
    library = factories.make_library(name="Pääkirjasto")
    booking = factories.make_booking(slot=factories.make_slot(library=library))

    with translation.override("en"):
        ics = booking_ics(booking, manage_url=MANAGE_URL)

    calendar = Calendar.from_ical(ics)
    event = _event(ics)
    assert calendar["METHOD"] == "PUBLISH"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Digital guidance at Pääkirjasto"
    assert event["UID"] == f"booking-{booking.pk}@digiopas"


def test_a_cancelled_booking_tells_calendars_to_remove_the_event():
    booking = _booking_at(helsinki(2026, 12, 8, 10, 0))
    confirmation = _event(booking_ics(booking, manage_url=MANAGE_URL))
    Booking.objects.filter(pk=booking.pk).update(
        status=Booking.Status.CANCELLED, updated_at=booking.created_at + dt.timedelta(hours=3)
    )
    booking.refresh_from_db()

    ics = booking_ics(booking, manage_url=MANAGE_URL)

    event = _event(ics)
    assert Calendar.from_ical(ics)["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == confirmation["UID"]
    assert event["SEQUENCE"] > confirmation["SEQUENCE"]


def test_a_cancellation_outranks_the_confirmation_even_within_the_same_second():
    booking = _booking_at(helsinki(2026, 12, 8, 10, 0))
    confirmation = _event(booking_ics(booking, manage_url=MANAGE_URL))
    Booking.objects.filter(pk=booking.pk).update(
        status=Booking.Status.CANCELLED, updated_at=booking.created_at
    )
    booking.refresh_from_db()

    cancellation = _event(booking_ics(booking, manage_url=MANAGE_URL))

    assert cancellation["SEQUENCE"] > confirmation["SEQUENCE"]


def test_the_library_organises_the_event_when_it_has_an_email_address():
    library = factories.make_library(name="Pääkirjasto", email="paakirjasto@example.fi")
    booking = factories.make_booking(slot=factories.make_slot(library=library))

    event = _event(booking_ics(booking, manage_url=MANAGE_URL))

    assert event["ORGANIZER"] == "mailto:paakirjasto@example.fi"
    assert event["ORGANIZER"].params["CN"] == "Pääkirjasto"

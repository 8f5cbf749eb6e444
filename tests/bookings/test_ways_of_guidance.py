"""Ways of guidance: at the library, by phone (the guide calls) or by video (the guide's
meeting link). A schedule or a slot offers one or more; every path that books or moves a time
keeps to what the time offers; the patron sees how they will be met, and the link is shown
only where it is private."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from bookings import availability, services
from bookings.models import Booking, Library, Slot, Way
from bookings.staff.daily_schedule import booking_labels
from bookings.staff.statistics import Period, figures_for
from tests.bookings.test_desk_booking import desk_data
from tests.bookings.test_public_booking_flow import booking_data, private_address
from tests.factories import (
    make_booking,
    make_guide,
    make_schedule,
    make_slot,
    make_slot_run,
    make_staff,
)

pytestmark = pytest.mark.django_db

LINK = "https://meet.jit.si/digiopas-test-room"


@pytest.fixture
def video_guide(library):
    return make_guide(libraries=[library], display_name="Aki", video_link=LINK)


def every_way(**overrides) -> dict:
    return {"at_library": True, "by_phone": True, "by_video": True, **overrides}


def test_slots_get_the_ways_of_their_weekly_schedule(library, guide, now):
    make_schedule(guide=guide, library=library, weekday=2, **every_way(at_library=False))

    services.slots_generate(start_on=now.date(), weeks=1)

    slots = Slot.objects.filter(guide=guide)
    assert slots.exists() and {tuple(slot.ways) for slot in slots} == {(Way.PHONE, Way.VIDEO)}
    assert Slot.objects.filter(guide=guide, at_library=True).count() == 0


def test_a_booking_takes_the_times_first_way_unless_it_chooses_one(library, guide, now):
    library_time = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=1))
    phone_time = make_slot(
        guide=guide,
        library=library,
        starts_at=now + dt.timedelta(days=2),
        **every_way(at_library=False, by_video=False),
    )

    assert make_booking(slot=library_time, now=now).way == Way.LIBRARY
    assert make_booking(slot=phone_time, now=now).way == Way.PHONE


def test_no_path_books_or_moves_a_time_in_a_way_it_does_not_offer(library, guide, now):
    at_library = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=1))
    by_phone = make_slot(
        guide=guide, library=library, starts_at=now + dt.timedelta(days=2), **every_way()
    )

    with pytest.raises(ValidationError, match="not offered by video"):
        make_booking(slot=at_library, now=now, way=Way.VIDEO)
    with pytest.raises(ValidationError, match="phone number the guide should call"):
        make_booking(slot=by_phone, now=now, way=Way.PHONE, phone="", email="a@example.com")
    assert not Booking.objects.exists()

    booking = make_booking(slot=by_phone, now=now, way=Way.PHONE)
    with pytest.raises(ValidationError, match="not offered by phone"):
        services.booking_reschedule(
            booking=booking, first_slot=at_library, slot_count=1, now=now, by_staff=True
        )
    booking.refresh_from_db()
    assert booking.starts_at == by_phone.starts_at and booking.way == Way.PHONE


def test_the_desk_and_an_absent_guides_substitutes_keep_to_the_way(library, guide, now):
    other = make_guide(libraries=[library])
    start = now + dt.timedelta(days=3)
    by_phone = make_slot(guide=guide, library=library, starts_at=start, **every_way())
    library_only = make_slot(guide=other, library=library, starts_at=start)
    phone_too = make_slot(
        guide=other, library=library, starts_at=start + dt.timedelta(hours=1), **every_way()
    )
    booking = make_booking(slot=by_phone, now=now, way=Way.PHONE)

    times = availability.desk_free_times(
        Library.objects.all(), start_day=now.date(), now=now, way=Way.PHONE
    )
    assert [t.slot for _day, day_times in times.days for t in day_times] == [phone_too]
    assert availability.substitute_times([booking], now=now) == {booking.pk: [phone_too]}
    assert library_only.ways == [Way.LIBRARY]


def test_the_free_times_say_the_ways_and_filter_by_one(client, library, guide, now):
    at_library = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=1))
    by_video = make_slot(
        guide=guide,
        library=library,
        starts_at=now + dt.timedelta(days=2),
        **every_way(at_library=False, by_phone=False),
    )
    url = f"/en/libraries/{library.slug}/"

    page = client.get(url).content.decode()
    assert "Way of guidance:" in page and "By video</span>" in page
    filtered = client.get(url, {"way": "video"}).content.decode()
    assert f"/book/{by_video.pk}/" in filtered and f"/book/{at_library.pk}/" not in filtered
    # Phone is not offered: no such choice, and asking for it says so, not an error.
    assert "?way=phone" not in page
    assert "No free times by phone right now." in client.get(url, {"way": "phone"}).content.decode()
    assert client.get(url, {"way": "<script>"}).status_code == 200


def test_a_patron_books_by_video_and_only_their_own_page_and_calendar_show_the_link(
    client, library, video_guide, now
):
    slot = make_slot(
        guide=video_guide, library=library, starts_at=now + dt.timedelta(days=2), **every_way()
    )
    form = client.get(f"/en/libraries/{library.slug}/book/{slot.pk}/").content.decode()
    assert "How would you like to be guided?" in form and LINK not in form

    response = client.post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_data(way="video")
    )

    booking = Booking.objects.get()
    assert booking.way == Way.VIDEO and booking.meeting_link == LINK
    page = client.get(private_address(response)).content.decode()
    assert f'<a href="{LINK}"' in page and "How you meet the guide" in page
    assert LINK not in client.get(f"/en/libraries/{library.slug}/").content.decode()
    ics = client.get(f"/en/booking/{booking.token}/calendar.ics").content
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == LINK and LINK in str(event["DESCRIPTION"])


def test_a_phone_booking_tells_the_patron_the_guide_calls_their_number(
    client, library, guide, now, smsoutbox, django_capture_on_commit_callbacks
):
    slot = make_slot(
        guide=guide, library=library, starts_at=now + dt.timedelta(days=2), **every_way()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/libraries/{library.slug}/book/{slot.pk}/", booking_data(way="phone")
        )

    page = " ".join(client.get(private_address(response)).content.decode().split())
    assert "opastaja soittaa sinulle sovittuna aikana numeroon 040 123 4567" in page.replace(
        "\N{NO-BREAK SPACE}", " "
    )
    (text,) = smsoutbox
    assert ", puhelimitse." in text.body and library.street_address not in text.body


def test_the_desk_books_a_video_visit_with_its_own_link(client, library, video_guide, now):
    client.force_login(make_staff(library, permissions=["add_booking", "view_booking"]))
    slot = make_slot(
        guide=video_guide, library=library, starts_at=now + dt.timedelta(days=1), **every_way()
    )
    own = "https://teams.example.com/l/meetup-join/abc"
    bad = client.post(f"/en/staff/book/{slot.pk}/", desk_data(way="video", video_link="x y"))
    assert bad.status_code == 200 and "video_link" in bad.context["form"].errors
    client.post(f"/en/staff/book/{slot.pk}/", desk_data(way="video", video_link=own))

    booking = Booking.objects.get()
    assert booking.way == Way.VIDEO and booking.meeting_link == own


def test_the_printed_day_and_the_statistics_show_the_way(library, guide, now):
    run = make_slot_run(
        count=2, guide=guide, library=library, starts_at=now + dt.timedelta(hours=2)
    )
    Slot.objects.filter(pk__in=[s.pk for s in run]).update(by_phone=True)
    phone = make_booking(slot=run[0], now=now, way=Way.PHONE)
    make_booking(slot=run[1], now=now)

    labels = booking_labels(phone, minutes=15, slot_count=1, page_language="en")
    assert labels == ["By phone: call the patron"]
    figures = figures_for(libraries=Library.objects.all(), period=Period.month(now.year, now.month))
    assert [(str(row.label), row.count) for row in figures.by_way] == [
        ("At the library", 1),
        ("By phone", 1),
        ("By video", 0),
    ]


def test_a_slot_offering_no_way_is_a_form_error_in_the_admin(admin_client, library, guide, now):
    start = timezone.localtime(now + dt.timedelta(days=1))
    response = admin_client.post(
        "/en/admin/bookings/slot/add/",
        {
            "guide": guide.pk,
            "library": library.pk,
            "starts_at_0": start.strftime("%d.%m.%Y"),
            "starts_at_1": start.strftime("%H:%M"),
            "ends_at_0": start.strftime("%d.%m.%Y"),
            "ends_at_1": (start + dt.timedelta(minutes=15)).strftime("%H:%M"),
        },
    )

    assert response.status_code == 200
    assert "Please choose at least one way of guidance." in response.content.decode()
    assert not Slot.objects.exists()


def test_a_patron_changing_a_phone_visit_is_offered_only_phone_times(client, library, guide, now):
    by_phone = make_slot(
        guide=guide, library=library, starts_at=now + dt.timedelta(days=2), **every_way()
    )
    later_by_phone = make_slot(
        guide=guide, library=library, starts_at=now + dt.timedelta(days=3), **every_way()
    )
    at_library = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=4))
    booking = make_booking(slot=by_phone, now=now, way=Way.PHONE)

    page = client.get(f"/en/booking/{booking.token}/change/").content.decode()

    assert f"/change/{later_by_phone.pk}/" in page and f"/change/{at_library.pk}/" not in page
    client.post(f"/en/booking/{booking.token}/change/{at_library.pk}/")
    booking.refresh_from_db()
    assert booking.starts_at == by_phone.starts_at  # refused: that time is not by phone

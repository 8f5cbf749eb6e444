"""A guide who cannot come: staff mark the days, the guide's free times go at once, and each of
their bookings is moved to another guide's free time at the library or cancelled, the patron
told in their own language; patrons with only a phone stay on the call list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings import availability, services
from bookings.models import Booking, Closure, Notification, Slot
from tests.factories import (
    make_booking,
    make_guide,
    make_library,
    make_slot,
    make_slot_run,
    make_staff,
)

pytestmark = pytest.mark.django_db

PERMISSIONS = ["change_booking"]


@pytest.fixture
def absent_day(library, guide, now):
    """Three days ahead: the absent guide has a 30-minute booking of a Swedish-speaking patron
    with e-mail, a phone-only patron's booking and a free time; another guide is free."""
    start = now + dt.timedelta(days=3, hours=2)
    own = make_slot_run(count=5, guide=guide, library=library, starts_at=start)
    other_guide = make_guide(libraries=[library], display_name="Ville")
    other = make_slot_run(count=4, guide=other_guide, library=library, starts_at=start)
    swedish = make_booking(
        slot=own[0],
        now=now,
        slot_count=2,
        patron_name="Svea",
        email="svea@example.com",
        language="sv",
    )
    phone_only = make_booking(slot=own[2], now=now, patron_name="Puhelin Pirkko")
    return {
        "swedish": swedish,
        "phone_only": phone_only,
        "free": own[3:],
        "other": other,
        "day": timezone.localdate(start),
    }


def absence(guide, library, day, now, **overrides) -> Closure:
    fields = {"starts_on": day, "ends_on": day, "reason": "", "now": now}
    return services.guide_absence_record(guide=guide, library=library, **{**fields, **overrides})


def test_the_guides_free_times_in_the_period_are_gone_at_once(guide, library, absent_day, now):
    absence(guide, library, absent_day["day"], now)

    assert not Slot.objects.filter(pk__in=[s.pk for s in absent_day["free"]]).exists()
    assert Slot.objects.filter(guide=guide, booking__isnull=False).count() == 3
    # The other guide's times stay: only this guide cannot come.
    assert Slot.objects.filter(pk__in=[s.pk for s in absent_day["other"]]).count() == 4


def test_another_guides_free_times_are_offered_nearest_first_and_as_long_as_the_visit(
    guide, library, absent_day, now
):
    absence(guide, library, absent_day["day"], now)
    other = absent_day["other"]

    times = availability.substitute_times([absent_day["swedish"]], now=now)

    # 30 minutes fit from the other guide's first three times, not from the last one.
    assert times == {absent_day["swedish"].pk: other[:3]}


def test_moving_a_booking_to_another_guide_tells_the_patron_in_swedish(
    guide, library, absent_day, now, mailoutbox, django_capture_on_commit_callbacks
):
    closure = absence(guide, library, absent_day["day"], now)
    booking, target = absent_day["swedish"], absent_day["other"][1]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.closure_booking_move(closure=closure, booking=booking, first_slot=target, now=now)

    booking.refresh_from_db()
    assert booking.guide == target.guide and booking.starts_at == target.starts_at
    assert booking.minutes == 30
    assert set(booking.slots.all()) == set(absent_day["other"][1:3])
    assert "Din tid för digistöd har ändrats." in mailoutbox[0].body


def test_a_booking_cannot_be_moved_to_the_same_guide_or_another_library(
    guide, library, absent_day, now
):
    closure = absence(guide, library, absent_day["day"], now)
    elsewhere = make_slot_run(count=2, library=make_library())[0]
    later_own = make_slot_run(
        count=2, guide=guide, library=library, starts_at=now + dt.timedelta(days=9)
    )[0]

    for slot in (elsewhere, later_own):
        with pytest.raises(ValidationError):
            services.closure_booking_move(
                closure=closure, booking=absent_day["swedish"], first_slot=slot, now=now
            )


def test_cancelling_tells_the_patron_the_library_cancelled_and_why_in_their_language(
    guide, library, absent_day, now, mailoutbox, django_capture_on_commit_callbacks
):
    closure = absence(guide, library, absent_day["day"], now)
    booking = absent_day["swedish"]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.closure_cancel_bookings(closure=closure, booking_ids=[booking.pk], now=now)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.is_cancelled_by_library
    body = mailoutbox[0].body
    assert "biblioteket har varit tvunget att ställa in din tid" in body
    assert "Orsak: Handledaren kan inte komma." in body


def test_a_reason_staff_write_is_what_patrons_in_that_language_read(
    guide, library, absent_day, now
):
    from django.utils import translation

    with translation.override("fi"):
        closure = absence(guide, library, absent_day["day"], now, reason="Opas on sairaana")

    closure.refresh_from_db()
    assert closure.reason_fi == "Opas on sairaana"
    assert closure.reason_sv == "Handledaren kan inte komma"


def test_the_days_must_be_in_order_and_not_past_and_the_guide_of_the_library(
    guide, library, absent_day, now
):
    day = absent_day["day"]
    with pytest.raises(ValidationError):
        absence(guide, library, day, now, ends_on=day - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        absence(
            guide, library, day - dt.timedelta(days=10), now, ends_on=day - dt.timedelta(days=9)
        )
    with pytest.raises(ValidationError):
        absence(guide, make_library(), day, now)
    assert not Closure.objects.exists()


# The pages


def test_staff_mark_a_guide_absent_and_see_their_bookings_with_times_to_move_to(
    client, guide, library, absent_day
):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    day = absent_day["day"].isoformat()

    response = client.post(
        "/en/staff/absence/",
        {"library": library.pk, "guide": guide.pk, "starts_on": day, "ends_on": day},
    )

    closure = Closure.objects.get()
    assert closure.guide == guide
    assert response["Location"] == f"/en/staff/closures/{closure.pk}/bookings/"
    page = client.get(response["Location"]).content.decode()
    assert "Svea" in page and "Puhelin Pirkko" in page
    assert f'<option value="{absent_day["other"][0].pk}">' in page
    assert "Ville" in page


def test_moving_from_the_page_moves_the_booking(client, guide, library, absent_day, now):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    closure = absence(guide, library, absent_day["day"], now)
    booking, target = absent_day["phone_only"], absent_day["other"][3]

    response = client.post(
        f"/en/staff/closures/{closure.pk}/bookings/",
        {"move": booking.pk, f"slot-{booking.pk}": target.pk, "booking": [booking.pk]},
        follow=True,
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED and booking.guide == target.guide
    assert "The booking is moved and the patron is told." in response.content.decode()


def test_a_phone_only_patron_stays_on_the_call_list_after_cancelling(
    client, guide, library, absent_day, now
):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    closure = absence(guide, library, absent_day["day"], now)
    url = f"/en/staff/closures/{closure.pk}/bookings/"

    client.post(url, {"booking": [absent_day["phone_only"].pk]})
    page = client.get(url).content.decode()

    call_list = page[page.index("Call list") :]
    assert "Puhelin Pirkko" in call_list and "Cancelled" in call_list
    assert "Svea" not in call_list  # told by e-mail


def test_staff_of_another_library_cannot_mark_this_guide_absent(client, guide, library, absent_day):
    client.force_login(make_staff(make_library(), permissions=PERMISSIONS))
    day = absent_day["day"].isoformat()

    response = client.post(
        "/en/staff/absence/",
        {"library": library.pk, "guide": guide.pk, "starts_on": day, "ends_on": day},
    )

    assert response.status_code == 200 and not Closure.objects.exists()
    assert Slot.objects.filter(pk__in=[s.pk for s in absent_day["free"]]).count() == 2


def test_staff_of_another_library_cannot_move_its_bookings(client, guide, library, absent_day, now):
    closure = absence(guide, library, absent_day["day"], now)
    client.force_login(make_staff(make_library(), permissions=PERMISSIONS))
    booking, target = absent_day["swedish"], absent_day["other"][0]

    response = client.post(
        f"/en/staff/closures/{closure.pk}/bookings/",
        {"move": booking.pk, f"slot-{booking.pk}": target.pk},
    )

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.guide == guide


def test_staff_without_the_permission_are_refused(client, library):
    client.force_login(make_staff(library))

    assert client.get("/en/staff/absence/").status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {"starts_on": "31.2.2026", "ends_on": "x"},
        {"starts_on": "1.1.99999", "ends_on": "1.1.1"},
        {"guide": "99999999999999999999999", "library": "-1"},
        {"guide": "abc", "starts_on": "2026-12-04", "ends_on": "2026-12-03"},
    ],
)
def test_bad_days_and_ids_get_a_message_not_an_error_page(client, guide, library, data):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    fields = {"library": library.pk, "guide": guide.pk, "starts_on": "", "ends_on": ""}

    response = client.post("/en/staff/absence/", {**fields, **data})

    assert (
        response.status_code == 200 and "Please check the following:" in response.content.decode()
    )


@pytest.mark.parametrize("move", ["abc", "99999999999999999999999", "-3", ""])
def test_bad_ids_when_moving_get_a_message_not_an_error_page(
    client, guide, library, absent_day, now, move
):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    closure = absence(guide, library, absent_day["day"], now)

    response = client.post(
        f"/en/staff/closures/{closure.pk}/bookings/",
        {"move": move, f"slot-{move}": "99999999999999999999999"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Please choose a new time for the booking." in response.content.decode()


def test_the_follow_up_page_of_an_absence_takes_the_same_queries_for_more_bookings(
    client, guide, library, absent_day, now, django_assert_num_queries
):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    closure = absence(guide, library, absent_day["day"], now)
    url = f"/en/staff/closures/{closure.pk}/bookings/"
    client.get(url)  # the session and the staff member's caches warm up
    # The session, the user, their own and their groups' permissions, the closure, its
    # bookings, the other guides' free times near them, the access log entry, the call list.
    with django_assert_num_queries(9):
        client.get(url)
    # A time added by hand in the period afterwards, and booked.
    added = make_slot(guide=guide, library=library, starts_at=absent_day["free"][0].starts_at)
    make_booking(slot=added, now=now, patron_name="Kolmas")

    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "Kolmas" in page


@pytest.mark.parametrize("query", ["?guide=abc&library=99999999999999999999999", "?guide=-1"])
def test_the_form_opens_with_bad_ids_in_its_address(client, library, query):
    client.force_login(make_staff(library, permissions=PERMISSIONS))

    response = client.get(f"/en/staff/absence/{query}")

    assert response.status_code == 200 and "A guide cannot come" in response.content.decode()


def test_a_moved_patron_with_a_landline_is_named_to_call_and_on_the_call_list(
    client, guide, library, absent_day, now, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(library, permissions=PERMISSIONS))
    closure = absence(guide, library, absent_day["day"], now)
    booking, target = absent_day["phone_only"], absent_day["other"][3]
    Booking.objects.filter(pk=booking.pk).update(phone="+35885621234")  # a landline

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/staff/closures/{closure.pk}/bookings/",
            {"move": booking.pk, f"slot-{booking.pk}": target.pk},
            follow=True,
        )

    assert "Please call Puhelin Pirkko on 08 562 1234" in response.content.decode()
    change = Notification.objects.get(booking=booking, kind=Notification.Kind.CHANGE)
    assert (change.channel, change.state) == ("call", "to_call")

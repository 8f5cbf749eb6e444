"""A closure is applied when it is saved; its follow-up page only shows, and after staff cancel
the bookings it keeps the list of phone-only patrons to call."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import AccessLogEntry, Booking, Closure, Slot
from bookings.services import booking_cancel
from tests.factories import make_booking, make_closure, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_day():
    """A day five days ahead with a phone-only patron, a patron with e-mail and a free time."""
    start = timezone.now() + dt.timedelta(days=5)
    slots = [make_slot(starts_at=start)]
    for _ in range(2):
        slots.append(
            make_slot(guide=slots[0].guide, library=slots[0].library, starts_at=slots[-1].ends_at)
        )
    phone_only = make_booking(slot=slots[0], patron_name="Puhelin Pirkko", phone="+358401234567")
    with_email = make_booking(slot=slots[1], patron_name="Posti Pekka", email="pekka@example.com")
    return phone_only, with_email, slots[2], timezone.localdate(start)


def closure_url(closure: Closure) -> str:
    return f"/en/staff/closures/{closure.pk}/bookings/"


def test_opening_the_closure_page_changes_nothing(admin_client, closed_day):
    phone_only, _, free, day = closed_day
    closure = make_closure(library=phone_only.library, starts_on=day, ends_on=day)

    page = admin_client.get(closure_url(closure))

    assert page.status_code == 200 and "Puhelin Pirkko" in page.content.decode()
    assert Slot.objects.filter(pk=free.pk).exists()


def test_saving_a_closure_removes_its_free_times_and_asks_about_the_bookings(
    admin_client, closed_day
):
    phone_only, _, free, day = closed_day
    response = admin_client.post(
        "/en/admin/bookings/closure/add/",
        {
            "library": phone_only.library.pk,
            "starts_on": day,
            "ends_on": day,
            "reason_fi": "Remontti",
        },
    )

    assert response["Location"] == closure_url(Closure.objects.get())
    assert not Slot.objects.filter(pk=free.pk).exists()


def test_a_closure_with_no_bookings_goes_back_to_the_list(admin_client, closed_day):
    phone_only, _, _, day = closed_day
    later = day + dt.timedelta(days=7)

    response = admin_client.post(
        "/en/admin/bookings/closure/add/",
        {"library": phone_only.library.pk, "starts_on": later, "ends_on": later, "reason_fi": "R"},
    )

    assert response["Location"] == "/en/admin/bookings/closure/"


def test_after_cancelling_staff_still_see_and_print_whom_to_call(
    admin_client, closed_day, django_capture_on_commit_callbacks
):
    phone_only, with_email, _, day = closed_day
    closure = make_closure(library=phone_only.library, starts_on=day, ends_on=day)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(closure_url(closure), {"booking": [phone_only.pk, with_email.pk]})
    page = admin_client.get(closure_url(closure)).content.decode()

    phone_only.refresh_from_db()
    assert phone_only.status == Booking.Status.CANCELLED
    assert phone_only.cancelled_for_closure == closure
    call_list = page[page.index("Call list") :]
    assert "Puhelin Pirkko" in call_list and "Cancelled" in call_list
    assert "Posti Pekka" not in page  # told by e-mail: nobody needs to call
    assert "No active bookings remain in this period." in page


def test_a_patron_who_cancelled_earlier_is_not_on_the_closures_call_list(admin_client, closed_day):
    phone_only, _, _, day = closed_day
    closure = make_closure(library=phone_only.library, starts_on=day, ends_on=day)
    booking_cancel(booking=phone_only, now=timezone.now())

    assert "Puhelin Pirkko" not in admin_client.get(closure_url(closure)).content.decode()


def test_opening_the_closure_page_is_logged(admin_client, admin_user, closed_day):
    phone_only, _, _, day = closed_day
    closure = make_closure(library=phone_only.library, starts_on=day, ends_on=day)

    admin_client.get(closure_url(closure))

    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.place, entry.library) == (admin_user, "closure", closure.library)


def test_the_times_freed_by_cancelling_for_a_closure_are_not_offered_to_anyone(
    admin_client, closed_day
):
    phone_only, with_email, _, day = closed_day
    admin_client.post(
        "/en/admin/bookings/closure/add/",
        {
            "library": phone_only.library.pk,
            "starts_on": day,
            "ends_on": day,
            "reason_fi": "Remontti",
        },
    )
    closure = Closure.objects.get()
    freed = list(phone_only.slots.all())

    admin_client.post(closure_url(closure), {"booking": [phone_only.pk, with_email.pk]})

    # The cancelled patrons' times fall in the closed day: they go with its other free times.
    assert not Slot.objects.filter(pk__in=[slot.pk for slot in freed]).exists()
    assert not Slot.objects.filter(
        library=phone_only.library, booking__isnull=True, starts_at__date=day
    ).exists()


def test_a_one_day_closure_reads_as_one_day_and_a_longer_one_as_its_first_and_last(
    admin_client, closed_day
):
    phone_only, _, _, day = closed_day
    one_day = make_closure(library=phone_only.library, starts_on=day, ends_on=day)
    longer = make_closure(
        library=phone_only.library, starts_on=day, ends_on=day + dt.timedelta(days=2)
    )
    last = day + dt.timedelta(days=2)

    one_day_page = admin_client.get(closure_url(one_day)).content.decode()
    longer_page = admin_client.get(closure_url(longer)).content.decode()

    assert f", {day.day}.{day.month}.{day.year}</p>" in one_day_page
    assert f"{day.day}.{day.month}.{day.year}–" not in one_day_page
    assert f", {day.day}.{day.month}.{day.year}–{last.day}.{last.month}.{last.year}</p>" in (
        longer_page
    )

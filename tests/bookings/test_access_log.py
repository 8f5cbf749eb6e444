"""Every staff page that shows patrons' personal data logs who opened it, once a day per page."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings.models import AccessLogEntry
from bookings.privacy import access_record
from tests.factories import make_booking, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    return make_booking(slot=make_slot(starts_at=timezone.now() + dt.timedelta(days=2)))


@pytest.fixture
def coordinator(booking):
    user = get_user_model().objects.create_user(username="kaisu", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinator"))
    booking.library.staff.add(user)
    return user


def places(user) -> list[str]:
    return list(AccessLogEntry.objects.filter(user=user).values_list("place", flat=True))


def test_opening_the_admin_booking_list_is_logged(client, coordinator, booking):
    client.force_login(coordinator)

    page = client.get(f"/en/admin/bookings/booking/?library__id__exact={booking.library.pk}")

    assert "Aino Asiakas" in page.content.decode()
    entry = AccessLogEntry.objects.get(user=coordinator)
    assert (entry.place, entry.library) == ("admin_booking_list", booking.library)
    assert entry.detail == f"library__id__exact={booking.library.pk}"


def test_opening_a_guides_week_is_logged(client, coordinator, booking):
    client.force_login(coordinator)
    week = timezone.localdate(booking.starts_at).strftime("%G-W%V")

    page = client.get(f"/en/staff/week/{booking.library.slug}/{booking.guide.pk}/", {"week": week})

    assert "Aino Asiakas" in page.content.decode()
    entry = AccessLogEntry.objects.get(user=coordinator)
    assert (entry.place, entry.library) == ("guide_week", booking.library)
    assert booking.guide.display_name in entry.detail


def test_a_reload_of_the_printed_day_is_logged_once_and_another_day_again(
    client, coordinator, booking
):
    client.force_login(coordinator)
    url = f"/en/staff/day/{booking.library.slug}/"
    day = timezone.localdate(booking.starts_at)

    for _ in range(3):
        client.get(url, {"day": day.isoformat()})
    client.get(url, {"day": (day + dt.timedelta(days=1)).isoformat()})

    assert places(coordinator) == ["printed_day", "printed_day"]


def test_the_same_page_opened_on_another_day_is_logged_again(coordinator, booking, now):
    for at in (now, now + dt.timedelta(hours=1), now + dt.timedelta(days=1)):
        access_record(user=coordinator, place="slip", booking=booking, now=at)

    assert [entry.at for entry in AccessLogEntry.objects.order_by("at")] == [
        now,
        now + dt.timedelta(days=1),
    ]


def test_each_export_is_logged_however_often(coordinator, booking, now):
    for _ in range(2):
        access_record(user=coordinator, place="export", booking=booking, now=now)

    assert places(coordinator) == ["export", "export"]

"""The digital-support ground rule where the patron reads about the visit."""

import datetime as dt

import pytest

from bookings.models import Booking
from tests.bookings.test_public_booking_flow import booking_data, private_address
from tests.factories import make_slot, make_staff

pytestmark = pytest.mark.django_db


def test_the_ground_rule_is_on_the_form_the_page_the_slip_and_the_e_mail(
    client, library, guide, now, mailoutbox, django_capture_on_commit_callbacks
):
    """The guide never types the patron's passwords: said wherever the patron reads about the
    visit, not only on the landing page."""
    rule = "The guide never types your passwords or banking codes for you"
    slot = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))
    url = f"/en/libraries/{library.slug}/book/{slot.pk}/"
    assert rule in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, booking_data(email="aino@example.com"))

    assert rule in client.get(private_address(response)).content.decode()
    (confirmation,) = mailoutbox
    assert rule in confirmation.body
    client.force_login(make_staff(library, permissions=["view_booking"]))
    booking = Booking.objects.get()
    assert rule in client.get(f"/en/staff/bookings/{booking.pk}/slip/").content.decode()

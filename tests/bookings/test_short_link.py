"""The short private link text messages carry: /v/<token>/ leads to the patron's own page in
their language, and is no new way to guess tokens."""

import pytest

from bookings.waiting_list import waiting_list_join
from tests.factories import make_booking, make_slot_run

pytestmark = pytest.mark.django_db


def test_the_short_link_leads_to_the_booking_in_its_language(client, now):
    for language, prefix in [("fi", ""), ("sv", "/sv"), ("en", "/en")]:
        booking = make_booking(slot=make_slot_run(count=1)[0], now=now, language=language)

        response = client.get(f"/v/{booking.token}/")

        assert response.status_code == 302
        assert response["Location"] == f"{prefix}/booking/{booking.token}/"
        assert "no-store" in response["Cache-Control"]  # it carries the token on


def test_the_short_link_leads_to_a_waiting_list_entry(client, library, now):
    entry = waiting_list_join(
        library=library, now=now, patron_name="Olli", phone="+358401112222", language="sv"
    )

    response = client.get(f"/v/{entry.token}/")

    assert response["Location"] == f"/sv/waiting/{entry.token}/"


def test_a_wrong_short_link_is_the_same_friendly_404(client, now):
    make_booking(slot=make_slot_run(count=1)[0], now=now)

    short = client.get("/v/" + "A" * 43 + "/")
    long = client.get("/booking/" + "A" * 43 + "/")

    assert short.status_code == long.status_code == 404
    assert short.content == long.content


def test_guessing_short_links_counts_against_the_same_limit(client, settings, now):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "private_link": {"ip": "3/h"}}
    booking = make_booking(slot=make_slot_run(count=1)[0], now=now)
    for n in range(2):
        assert client.get(f"/v/guess{n}/").status_code == 404
    assert client.get("/en/booking/guess/").status_code == 404

    assert client.get("/v/guess3/").status_code == 429
    assert client.get(f"/v/{booking.token}/").status_code == 302  # a right link always opens

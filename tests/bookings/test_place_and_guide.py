"""What a patron is told about the place and the guide, and the length a topic suggests."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.patron.forms import BookingForm
from tests.factories import make_booking, make_guide, make_library, make_slot_run, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def liminka():
    return make_library(
        name_fi="Limingan kirjasto",
        name_sv="Limingo bibliotek",
        address="Kirjastokuja 1, 91900 Liminka",
        place_fi="Ryhmätila Kotka",
        place_sv="Grupprummet Kotka",
        accessibility_fi="Esteetön sisäänkäynti pääovelta.",
        accessibility_sv="Ingång utan trappor vid huvuddörren.",
        parking_fi="Maksuton pysäköinti.",
        parking_sv="Gratis parkering.",
        phone="08 000 0000",
    )


def test_the_map_is_a_plain_link_to_the_address(liminka):
    assert liminka.map_url == (
        "https://www.openstreetmap.org/search?query=Kirjastokuja%201%2C%2091900%20Liminka"
    )


def test_the_private_page_tells_the_way_in_the_patrons_language(client, liminka, now):
    guide = make_guide(libraries=[liminka], display_name="Maria", languages=["fi", "en"])
    start = now + dt.timedelta(days=3)
    booking = make_booking(slot=make_slot_run(count=1, guide=guide, starts_at=start)[0], now=now)

    page = client.get(f"/sv/booking/{booking.token}/").content.decode()

    assert "Så hittar du hit" in page
    assert "Grupprummet Kotka" in page and "Ingång utan trappor vid huvuddörren." in page
    assert "Gratis parkering." in page
    assert 'href="https://www.openstreetmap.org/search?query=Kirjastokuja' in page
    assert "Handledningsspråk: finska, engelska" in page
    assert "Ryhmätila" not in page and "Esteetön" not in page


def test_a_cancelled_bookings_page_does_not_send_the_patron_on_their_way(client, liminka, now):
    from bookings import services

    booking = make_booking(slot=make_slot_run(count=1, library=liminka)[0], now=now)
    services.booking_cancel(booking=booking, now=now)

    page = client.get(f"/en/booking/{booking.token}/").content.decode()

    assert "Finding the way" not in page


def test_the_booking_form_names_the_guides_languages(client, liminka, now):
    guide = make_guide(libraries=[liminka], display_name="Aki", languages=["fi", "sv"])
    start = timezone.localtime(now + dt.timedelta(days=3)).replace(hour=10, minute=0)
    slot = make_slot_run(count=2, guide=guide, starts_at=start)[0]

    page = client.get(f"/libraries/{liminka.slug}/book/{slot.pk}/").content.decode()

    assert "Opastuskielet: suomi, ruotsi" in page
    assert "Näytä kartalla" in page


def test_a_topic_that_usually_takes_longer_says_so_and_carries_its_length(db):
    make_topic(name="Pankkitunnukset", suggested_minutes=30)
    make_topic(name="Valokuvat")

    html = str(BookingForm(lengths=[15, 30, 45]))

    assert "Pankkitunnukset (usually 30 minutes)" in html
    assert html.count('data-minutes="30"') == 1
    assert "Valokuvat</label>" in html
    # The length comes after the topics, so the preselected one is where the patron looks next.
    assert html.index('name="topics"') < html.index('name="minutes"')

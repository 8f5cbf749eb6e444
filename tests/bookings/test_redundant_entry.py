"""A patron whose time was taken while they filled in the form does not write it all again
(WCAG 2.2, 3.3.7 Redundant Entry): the nearest other times carry what they wrote."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.factories import form_started, make_booking, make_device, make_slot_run, make_topic

pytestmark = pytest.mark.django_db


def hidden_fields(form_html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form_html)


@pytest.fixture
def taken_and_free(library, guide, now):
    day = timezone.localtime(now + dt.timedelta(days=2)).replace(hour=10, minute=0)
    taken, free = make_slot_run(count=2, guide=guide, library=library, starts_at=day)
    make_booking(slot=taken)
    return taken, free


def test_the_other_times_carry_what_the_patron_wrote_and_book_nothing(
    client, library, taken_and_free
):
    taken, free = taken_and_free
    device, topic = make_device(name="Tabletti"), make_topic(name="Sähköposti")
    sent = {
        "minutes": "15",
        "patron_name": "Aino Asiakas",
        "phone": "040 123 4567",
        "email": "aino@example.com",
        "device": str(device.pk),
        "topics": [str(topic.pk)],
        "need": "Sähköpostin liitteet",
        "consent": "on",
        "started": form_started(),
        "submission": "not-for-the-next-form",
    }

    page = client.post(f"/en/libraries/{library.slug}/book/{taken.pk}/", sent)

    assert page.status_code == 409
    html = page.content.decode()
    assert "Your details go with you" in html
    form = re.search(rf'<form method="post" action="[^"]*/book/{free.pk}/">.*?</form>', html, re.S)
    carried = [field for field in hidden_fields(form[0]) if field[0] != "csrfmiddlewaretoken"]
    assert carried == [
        ("carried", "1"),
        ("patron_name", "Aino Asiakas"),
        ("phone", "040 123 4567"),
        ("email", "aino@example.com"),
        ("device", str(device.pk)),
        ("topics", str(topic.pk)),
        ("need", "Sähköpostin liitteet"),
    ]

    # Choosing the other time opens its form with all of that in it, and books nothing yet.
    response = client.post(f"/en/libraries/{library.slug}/book/{free.pk}/", dict(carried))
    form_page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Aino Asiakas"' in form_page and 'value="040 123 4567"' in form_page
    assert re.search(rf'value="{device.pk}"[^>]*checked', form_page)
    assert re.search(rf'name="topics" value="{topic.pk}"[^>]*checked', form_page)
    assert "Sähköpostin liitteet</textarea>" in form_page
    assert 'name="consent"' in form_page and "not-for-the-next-form" not in form_page
    assert not response.context["form"].is_bound  # shown to be checked and sent, not judged
    assert Booking.objects.count() == 1


def test_a_taken_time_opened_by_its_link_carries_nothing(client, library, taken_and_free):
    taken, _free = taken_and_free

    html = client.get(f"/en/libraries/{library.slug}/book/{taken.pk}/").content.decode()

    assert "Your details go with you" not in html and 'name="carried"' not in html


@pytest.mark.parametrize(
    "junk",
    [
        {"device": "abc", "topics": ["1; DROP", "x"]},
        {"device": "99999999999999999999", "topics": ["99999999999999999999"]},
        {"patron_name": "x" * 5000},
    ],
)
def test_carried_junk_gives_a_form_not_an_error(client, library, taken_and_free, junk):
    _taken, free = taken_and_free

    response = client.post(
        f"/en/libraries/{library.slug}/book/{free.pk}/", {"carried": "1", **junk}
    )

    assert response.status_code == 200
    assert not Booking.objects.filter(slots=free).exists()

"""Every error on the patron's and the desk's forms says what to do, in the page's language, and
the error summary lists each as a link to its field, without the field's question glued in front
("Minkä laitteen kanssa tarvitset apua?: Tämä kenttä vaaditaan." was the old way)."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from tests.factories import (
    form_started,
    make_device,
    make_schedule,
    make_slot_run,
    make_staff,
    make_topic,
)

pytestmark = pytest.mark.django_db


def summary_links(response) -> list[tuple[str, str]]:
    """(target, text) of each link in the error summary, in order."""
    page = response.content.decode()
    box = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)[0]
    return [
        (target, html.unescape(text))
        for target, text in re.findall(r'<li><a href="(#[^"]+)">(.*?)</a></li>', box)
    ]


@pytest.fixture
def slots(library, guide):
    starts_at = timezone.now() + dt.timedelta(days=3)
    return make_slot_run(count=2, guide=guide, library=library, starts_at=starts_at)


@pytest.fixture
def booking_url(library, slots):
    make_device(name="Älypuhelin")
    make_topic(name="Pankkitunnukset")
    return f"/libraries/{library.slug}/book/{slots[0].pk}/"


def test_an_empty_booking_form_says_in_finnish_what_to_do_for_each_field(client, booking_url):
    response = client.post(booking_url, {"started": form_started()})

    assert summary_links(response) == [
        ("#id_patron_name", "Kirjoita nimesi."),
        ("#id_phone", "Anna puhelinnumero tai sähköpostiosoite, jotta voimme tavoittaa sinut."),
        ("#id_device_0", "Valitse laite, jonka kanssa tarvitset apua."),
        ("#id_minutes_0", "Valitse, kuinka paljon aikaa tarvitset."),
        ("#id_consent", "Rastita ruutu, jotta voimme säilyttää tietosi."),
    ]
    assert "Minkä laitteen kanssa tarvitset apua?:" not in response.content.decode()
    assert "Tämä kenttä vaaditaan" not in response.content.decode()


def test_the_swedish_form_says_it_in_swedish(client, booking_url):
    response = client.post(
        f"/sv{booking_url}",
        {
            "started": form_started(),
            "minutes": "15",
            "patron_name": "Aino",
            "email": "aino(at)example.com",
            "consent": "on",
        },
    )

    assert summary_links(response) == [
        ("#id_email", "Kontrollera e-postadressen. Den ser ut så här: namn@exempel.fi."),
        ("#id_device_0", "Välj apparaten du behöver hjälp med."),
    ]


def test_a_choice_not_on_offer_is_answered_with_what_to_choose(client, booking_url):
    response = client.post(
        f"/en{booking_url}",
        {
            "started": form_started(),
            "minutes": "45",  # two free slots make at most 30 minutes
            "patron_name": "Aino",
            "phone": "040 123 4567",
            "device": "999999",
            "topics": ["x"],
            "consent": "on",
        },
    )

    assert [text for _target, text in summary_links(response)] == [
        "Please choose one of the devices in the list.",
        "Please choose topics from the list.",
        "That length is no longer free. Please choose one of the lengths shown.",
    ]


def test_the_waiting_list_names_its_days_in_its_message(client, library, guide):
    # The form offers the weekdays the library guides on: here Monday and Tuesday.
    make_schedule(guide=guide, library=library, weekday=0)
    make_schedule(guide=guide, library=library, weekday=1)
    response = client.post(
        f"/en/libraries/{library.slug}/waiting-list/",
        {
            "started": form_started(),
            "patron_name": "Olli",
            "phone": "040 111 2222",
            "weekdays": ["9"],
            "consent": "on",
        },
    )

    assert summary_links(response) == [("#id_weekdays_0", "Please choose days from the list.")]


def test_the_desk_form_speaks_to_staff_about_the_patron(client, library, slots):
    make_device()
    client.force_login(make_staff(library, permissions=["add_booking", "view_booking"]))

    response = client.post(f"/staff/book/{slots[0].pk}/", {"minutes": "15"})

    assert [text for _target, text in summary_links(response)] == [
        "Kirjoita asiakkaan nimi.",
        "Anna asiakkaan puhelinnumero tai sähköpostiosoite.",
        "Valitse, varasiko asiakas ajan puhelimitse vai asiakaspalvelussa.",
        "Valitse kieli, jolla asiakkaalle lähetetään viestit.",
        "Valitse asiakkaan laite.",
        "Kerro asiakkaalle, miten hänen tietojaan säilytetään.",
    ]


def test_a_form_refused_as_too_fast_says_to_press_its_button_again(client, library, settings):
    settings.FORM_MIN_FILL_SECONDS = 3

    response = client.post(
        f"/libraries/{library.slug}/waiting-list/",
        {"started": form_started(seconds_ago=1), "patron_name": "Olli", "phone": "0401112222"},
    )

    assert (
        "<li>Tietojasi ei ole vielä tallennettu. Tarkista ne ja paina vielä kerran "
        "”Liity jonotuslistalle”.</li>"
    ) in html.unescape(response.content.decode())

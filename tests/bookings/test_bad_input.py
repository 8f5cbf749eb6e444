"""Generated bad input at every public form and parameter: never a 500, never a stray row.

Hypothesis sends thousands of requests per form — huge strings, NUL bytes, other scripts, wrong
types, impossible dates — and checks that each is answered with a page a person can act on and
that a refused request leaves the database as it was.
"""

import datetime as dt
import os
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bookings import services
from bookings.forms import visible_text
from bookings.models import (
    Booking,
    FeedbackAnswer,
    FeedbackInvitation,
    Notification,
    Slot,
    WaitingListEntry,
)
from bookings.models.feedback import RATING_FIELDS
from bookings.models.private_link import feedback_token_for
from tests.factories import form_started, make_booking, make_device, make_slot, make_topic

pytestmark = pytest.mark.django_db

# `make test` sends a hundred per form; `make fuzz` (run by CI) thousands.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
fuzz = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser could send (lone surrogates cannot be encoded in a request at all).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
huge_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=3000, max_size=9000)
nasty = st.one_of(
    any_text,
    huge_text,
    st.just("\x00"),
    st.just("' OR 1=1 --"),
    st.just("<script>alert(1)</script>"),
    st.just("２０２６－１２－０１"),
    st.just("2026-02-30"),
    st.just("2026-03-29T03:30"),  # the hour the clocks skip in Helsinki
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
)
form_value = st.one_of(nasty, st.lists(nasty, max_size=3))


def row_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Booking, Slot, WaitingListEntry, Notification))


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # The fuzzer is one client sending thousands of requests: it must reach the forms.
    settings.RATE_LIMITS = {
        "booking": {"ip": "1000000/h", "contact": "1000000/h"},
        "waiting_list": {"ip": "1000000/h", "contact": "1000000/h"},
        "private_link": {"ip": "1000000/h"},
        "api": {"ip": "1000000/h"},
        "feedback": {"ip": "1000000/h"},
    }
    cache.clear()


@pytest.fixture
def world(library, guide):
    make_device()
    make_topic()
    slot = make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=3))
    booking = make_booking(
        slot=make_slot(
            guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=4)
        )
    )
    return library, slot, booking


BOOKING_FIELDS = ["minutes", "patron_name", "phone", "email", "device", "topics", "need", "consent"]


@fuzz
@given(
    data=st.dictionaries(st.sampled_from([*BOOKING_FIELDS, "started", "website", "x"]), form_value)
)
def test_the_booking_form_survives_anything(client, world, data):
    library, slot, _ = world
    before = row_counts()

    response = client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", data)

    assert response.status_code in (200, 302, 409, 429)
    if b"data-address=" not in response.content:  # any answer but the confirmation
        assert row_counts() == before


@fuzz
@given(
    data=st.dictionaries(
        st.sampled_from(["patron_name", "phone", "email", "weekdays", "need", "consent"]),
        form_value,
    )
)
def test_the_waiting_list_form_survives_anything(client, world, data):
    library, _, _ = world
    data["started"] = form_started()
    before = row_counts()

    response = client.post(f"/en/libraries/{library.slug}/waiting-list/", data)

    assert response.status_code in (200, 302, 429)
    if response.status_code != 302:
        assert row_counts() == before


@pytest.fixture
def feedback_url(world, now):
    """The feedback form of a visit yesterday, marked attended."""
    library, _, _ = world
    starts_at = now - dt.timedelta(days=1)
    booking = make_booking(slot=make_slot(library=library, starts_at=starts_at))
    services.booking_record_attendance(
        booking=booking, status=Booking.Status.ATTENDED, staff_notes="", now=starts_at
    )
    return f"/en/f/{feedback_token_for(booking.link_secret)}/"


@fuzz
@given(
    data=st.dictionaries(
        st.sampled_from(
            [*RATING_FIELDS, "comment", "website", "started", "x"],
        ),
        form_value,
    )
)
def test_the_feedback_form_survives_anything(client, feedback_url, data):
    data.setdefault("started", form_started())
    before = FeedbackAnswer.objects.count()

    response = client.post(feedback_url, data)

    # A form shown again, or the thanks (an answer stored once), or a closed form after that.
    assert response.status_code in (200, 302, 429)
    if response.status_code == 302:
        assert FeedbackAnswer.objects.count() == before + 1
        FeedbackAnswer.objects.all().delete()
        FeedbackInvitation.objects.update(is_answered=False)
    else:
        assert FeedbackAnswer.objects.count() == before


@fuzz
@given(slot_count=form_value, action=form_value)
def test_the_private_booking_actions_survive_anything(client, world, slot_count, action):
    _, _, booking = world
    token = booking.token
    before = row_counts()

    resize = client.post(f"/en/booking/{token}/length/", {"slot_count": slot_count})
    answer = client.post("/en/waiting/nonsense/answer/", {"action": action})

    assert resize.status_code == 302 and answer.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED and row_counts() == before


@fuzz
@given(path=st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=200))
def test_private_links_and_slugs_of_any_shape_are_simply_not_found(client, world, path):
    before = row_counts()

    for url in (f"/en/booking/{path}/", f"/en/waiting/{path}/", f"/en/libraries/{path}/"):
        response = client.get(url)
        assert response.status_code in (200, 301, 302, 404), url

    assert row_counts() == before


@fuzz
@given(
    params=st.dictionaries(st.sampled_from(["library", "day", "guide", "week", "x"]), form_value)
)
def test_staff_pages_survive_any_query_parameters(admin_client, world, params):
    library, _, _ = world

    for url in ("/en/staff/book/", f"/en/staff/day/{library.slug}/", "/en/staff/statistics/"):
        response = admin_client.get(url, params)
        assert response.status_code in (200, 302), (url, params)


API_PARAMETERS = ["from", "to", "minutes", "guidance_language", "lang", "x"]


@fuzz
@given(params=st.dictionaries(st.sampled_from(API_PARAMETERS), form_value))
def test_the_api_answers_any_parameters_with_json(client, world, params):
    library, _, _ = world
    before = row_counts()

    for url in (
        f"/api/v1/libraries/{library.slug}/free-times",
        f"/api/v1/libraries/{library.slug}",
        "/api/v1/libraries",
    ):
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, params)
        assert response["Content-Type"].startswith("application/json"), (url, params)
        assert response.json()

    assert row_counts() == before


@fuzz
@given(slug=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300))
def test_the_api_answers_a_library_of_any_name_with_json(client, world, slug):
    for url in (
        f"/api/v1/libraries/{quote(slug, safe='')}",
        f"/api/v1/libraries/{quote(slug, safe='')}/free-times",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["Content-Type"].startswith("application/json"), url


@hypothesis_settings(
    max_examples=min(EXAMPLES, 200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.dictionaries(st.sampled_from(BOOKING_FIELDS), form_value))
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, data):
    library, slot, _ = world
    before = row_counts()

    response = Client(enforce_csrf_checks=True).post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/", data
    )

    assert response.status_code == 403 and row_counts() == before


@hypothesis_settings(
    max_examples=min(EXAMPLES, 200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(weeks=form_value)
def test_generate_slots_refuses_bad_weeks_with_a_message(db, weeks):
    try:
        call_command("generate_slots", "--weeks", weeks if isinstance(weeks, str) else "x")
    except CommandError as error:
        assert "weeks" in str(error).lower() or "invalid" in str(error).lower()


@hypothesis_settings(
    max_examples=min(EXAMPLES, 200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(number=st.integers(min_value=0, max_value=10**40))
def test_any_number_in_an_address_is_a_page_or_a_not_found(admin_client, world, number):
    library, _, booking = world

    for url in (
        f"/en/libraries/{library.slug}/book/{number}/",
        f"/en/booking/{booking.token}/change/{number}/",
        f"/en/staff/book/{number}/",
        f"/en/staff/bookings/{number}/slip/",
    ):
        assert admin_client.get(url).status_code in (200, 302, 404, 409), url


@pytest.mark.parametrize("value", ["¹", "٣", "9" * 30, "-1", "1e3", "\x00"])
def test_odd_numbers_as_a_device_or_topic_are_wrong_choices(client, world, value):
    library, slot, _ = world

    response = client.post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/",
        {"device": value, "topics": [value], "patron_name": "A", "phone": "0401234567"},
    )

    assert response.status_code == 200


FAR_OFF_DAYS = ["9999-12-31", "31.12.9999", "0001-01-01"]


@pytest.mark.parametrize("day", FAR_OFF_DAYS)
def test_a_far_off_day_at_the_desk_gets_a_friendly_message(admin_client, world, day):
    library, _, booking = world

    for url in ("/en/staff/book/", f"/en/staff/bookings/{booking.pk}/move/"):
        response = admin_client.get(url, {"library": library.pk, "day": day})

        assert response.status_code == 200, url
        assert "Please give a day between the years 2000 and 2100." in response.text, url


@pytest.mark.parametrize("day", FAR_OFF_DAYS)
def test_a_far_off_day_or_week_is_answered_on_every_staff_page(admin_client, world, guide, day):
    library, _, _ = world
    pages = [
        (f"/en/staff/day/{library.slug}/", {"day": day}),
        (f"/en/staff/week/{library.slug}/{guide.pk}/", {"week": "9999-W52"}),
        (f"/en/staff/week/{library.slug}/{guide.pk}/", {"week": "0001-W01"}),
        ("/en/staff/statistics/", {"period": "range", "starts_on": day, "ends_on": day}),
        ("/en/staff/statistics/", {"period": "month", "month": "9999-12"}),
        ("/en/staff/statistics/", {"period": "year", "year": "9999"}),
    ]

    for url, params in pages:
        assert admin_client.get(url, params).status_code == 200, (url, params)


# Characters that turn text around or hide it, as a prankster would paste them.
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
INVISIBLE = re.compile(f"[{DIRECTION_CONTROLS}\u00ad\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f]")


def test_invisible_characters_are_taken_out_and_the_rest_kept():
    typed = "Ai\u202eno\u2066 Asia\u00adkas\u200f\n👩\u200d💻 Öljy\tå\x07"

    assert visible_text(typed) == "Aino Asiakas\n👩\u200d💻 Öljy\tå"


def test_direction_controls_in_an_online_booking_never_reach_the_printed_day(
    client, admin_client, world
):
    library, slot, _ = world
    client.post(
        f"/en/libraries/{library.slug}/book/{slot.pk}/",
        {
            "minutes": "15",
            "patron_name": "\u202eAino\u202c Asiakas",
            "phone": "040 123 4567",
            "device": str(make_device().pk),
            "need": "Pankki\u2066sovellus\u2069\nja kuvat\u200f",
            "consent": "on",
            "started": form_started(),
        },
    )

    booking = Booking.objects.get(slots=slot)
    day = timezone.localdate(slot.starts_at).isoformat()
    printed = admin_client.get(f"/en/staff/day/{library.slug}/", {"day": day}).text
    assert booking.patron_name == "Aino Asiakas"
    assert booking.need == "Pankkisovellus\nja kuvat"
    assert "Aino Asiakas" in printed
    assert not INVISIBLE.search(printed)


def test_direction_controls_are_taken_out_of_the_waiting_list_form(client, world):
    library, _, _ = world

    client.post(
        f"/en/libraries/{library.slug}/waiting-list/",
        {
            "patron_name": "Olli\u202e Odottaja",
            "phone": "040 111 2222",
            "need": "\u2067Tabletti\u2069",
            "consent": "on",
            "started": form_started(),
        },
    )

    entry = WaitingListEntry.objects.get()
    assert (entry.patron_name, entry.need) == ("Olli Odottaja", "Tabletti")


def test_direction_controls_are_taken_out_of_what_staff_type_at_the_desk(admin_client, world):
    _, slot, _ = world

    admin_client.post(
        f"/en/staff/book/{slot.pk}/",
        {
            "minutes": "15",
            "patron_name": "Puhelin\u202d Paavo",
            "phone": "040 765 4321",
            "channel": "phone",
            "language": "fi",
            "device": str(make_device().pk),
            "need": "Sähkö\u200eposti",
            "consent": "on",
        },
    )

    booking = Booking.objects.get(slots=slot)
    assert (booking.patron_name, booking.need) == ("Puhelin Paavo", "Sähköposti")


def test_direction_controls_are_taken_out_of_the_staff_note_on_the_printed_day(admin_client, world):
    _, _, booking = world

    admin_client.post(
        f"/en/staff/bookings/{booking.pk}/attendance/",
        {"status": "booked", "staff_notes": "Soita\u202e ensin"},
    )

    booking.refresh_from_db()
    assert booking.staff_notes == "Soita ensin"

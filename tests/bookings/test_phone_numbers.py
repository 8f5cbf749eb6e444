"""Contacts that work: a number that receives the messages, read as people write it, found
however staff type it."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from bookings import waiting_list
from bookings.models import Booking, Notification, WaitingListEntry
from bookings.phone_numbers import phone_as_written
from tests.factories import form_started, make_booking, make_device, make_slot

pytestmark = pytest.mark.django_db

LANDLINE_MESSAGE = "this looks like a landline number"


@pytest.fixture
def slot(library, guide):
    return make_slot(guide=guide, library=library, starts_at=timezone.now() + dt.timedelta(days=3))


@pytest.fixture
def coordinator(client, library):
    """A coordinator of the library, signed in."""
    user = get_user_model().objects.create_user(username="kaisu", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinator"))
    library.staff.add(user)
    client.force_login(user)
    return user


def book(client, slot, **fields):
    data = {
        "minutes": "15",
        "patron_name": "Aino",
        "device": str(make_device().pk),
        "consent": "on",
        "started": form_started(),
        **fields,
    }
    return client.post(f"/en/libraries/{slot.library.slug}/book/{slot.pk}/", data)


def join_waiting_list(client, library, **fields):
    data = {"patron_name": "Olli", "consent": "on", "started": form_started(), **fields}
    return client.post(f"/en/libraries/{library.slug}/waiting-list/", data)


def admin_list(client, model: str, **query):
    with translation.override("en"):
        url = reverse(f"admin:bookings_{model}_changelist")
    return client.get(url, query)


# A number that receives the messages


def test_a_number_too_short_to_exist_is_refused_with_an_example(client, slot):
    response = book(client, slot, phone="12345")

    assert "Please check the phone number, for example 040 123 4567." in response.text
    assert not Booking.objects.exists()


def test_a_landline_alone_is_refused_because_the_messages_go_by_text(client, slot):
    response = book(client, slot, phone="09 1234 5678")

    assert LANDLINE_MESSAGE in response.text
    assert "Please give a mobile number, or an e-mail address as well." in response.text
    assert not Booking.objects.exists()


def test_a_landline_with_an_email_address_is_fine_for_the_messages_go_by_email(client, slot):
    book(client, slot, phone="09 1234 5678", email="aino@example.fi")

    assert Booking.objects.get().phone == "+358912345678"


def test_a_foreign_mobile_number_is_accepted(client, slot):
    book(client, slot, phone="+46 70 123 45 67")

    assert Booking.objects.get().phone == "+46701234567"


def test_the_waiting_list_asks_for_a_number_that_receives_texts_too(client, library):
    too_short = join_waiting_list(client, library, phone="12345")
    landline = join_waiting_list(client, library, phone="09 1234 5678")

    assert "Please check the phone number" in too_short.text
    assert LANDLINE_MESSAGE in landline.text
    assert not WaitingListEntry.objects.exists()


def test_staff_may_book_for_a_landline_caller_who_is_then_called_not_texted(
    client, coordinator, slot, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/staff/book/{slot.pk}/",
            {
                "minutes": "15",
                "patron_name": "Lanka Liisa",
                "phone": "09 1234 5678",
                "channel": "phone",
                "language": "fi",
                "device": str(make_device().pk),
                "consent": "on",
            },
        )

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert booking.phone == "+358912345678"
    message = Notification.objects.get(booking=booking)
    assert message.channel == Notification.Channel.CALL
    assert message.state == Notification.State.TO_CALL
    assert smsoutbox == []


def test_a_mobile_number_still_gets_its_text_message(
    slot, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = make_booking(slot=slot, now=timezone.now())

    assert Notification.objects.get(booking=booking).channel == Notification.Channel.SMS
    assert [message.to for message in smsoutbox] == ["+358401234567"]


# Read as people write them


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+358401234567", "040 123 4567"),
        ("+358501234567", "050 123 4567"),
        ("+358912345678", "09 1234 5678"),
        ("+35881234567", "08 123 4567"),
        ("+46701234567", "+46 70 123 45 67"),  # a foreign number keeps its country code
        ("08 123 4567", "08 123 4567"),  # a library's number as staff typed it
        ("+35812345", "+35812345"),  # saved before numbers were checked: shown as it is
        ("", ""),
    ],
)
def test_numbers_are_shown_as_people_write_them(stored, shown):
    assert phone_as_written(stored) == shown


def test_the_patron_reads_their_number_as_they_wrote_it_on_their_booking_page(client, slot):
    booking = make_booking(slot=slot, now=timezone.now())

    page = client.get(reverse("bookings:booking_detail", args=[booking.token])).text

    assert "040 123 4567" in page
    assert "+358401234567" not in page


def test_the_confirmation_shows_the_number_as_the_patron_wrote_it(client, slot):
    response = book(client, slot, phone="0401234567")

    assert "040 123 4567" in response.text
    assert "+358401234567" not in response.text


def test_the_printed_day_shows_the_number_as_people_write_it(client, coordinator, slot):
    make_booking(slot=slot, now=timezone.now())
    day = timezone.localdate(slot.starts_at).isoformat()

    page = client.get(f"/en/staff/day/{slot.library.slug}/", {"day": day}).text

    assert "040 123 4567" in page
    assert "+358401234567" not in page


def test_the_admin_lists_show_numbers_as_people_write_them(client, coordinator, slot, library):
    make_booking(slot=slot, now=timezone.now())  # and its text message on the message list
    waiting_list.waiting_list_join(
        library=library, patron_name="Olli", phone="+358501234567", now=timezone.now()
    )

    bookings = admin_list(client, "booking").text
    entries = admin_list(client, "waitinglistentry").text
    messages = admin_list(client, "notification").text

    assert "040 123 4567" in bookings and "+358401234567" not in bookings
    assert "050 123 4567" in entries and "+358501234567" not in entries
    assert "040 123 4567" in messages and "+358401234567" not in messages


# Found however staff type them


TYPED = ["0401234567", "040 123 4567", "+358 40 123 4567", "+358401234567"]


@pytest.mark.parametrize("typed", TYPED)
def test_staff_find_a_booking_by_its_number_typed_in_any_form(client, coordinator, slot, typed):
    booking = make_booking(slot=slot, now=timezone.now())
    make_booking(
        slot=make_slot(guide=slot.guide, library=slot.library, starts_at=slot.ends_at),
        now=timezone.now(),
        phone="+358501234567",
        patron_name="Toinen Asiakas",
    )

    found = admin_list(client, "booking", q=typed)

    assert list(found.context["cl"].result_list) == [booking]


@pytest.mark.parametrize("typed", TYPED)
def test_staff_find_a_waiting_patron_by_their_number_typed_in_any_form(
    client, coordinator, library, typed
):
    entry = waiting_list.waiting_list_join(
        library=library, patron_name="Olli", phone="+358401234567", now=timezone.now()
    )
    waiting_list.waiting_list_join(
        library=library, patron_name="Maija", phone="+358501234567", now=timezone.now()
    )

    found = admin_list(client, "waitinglistentry", q=typed)

    assert list(found.context["cl"].result_list) == [entry]


@pytest.mark.parametrize("typed", TYPED)
def test_staff_find_a_message_on_the_call_list_by_the_number_typed_in_any_form(
    client, coordinator, slot, typed
):
    booking = make_booking(slot=slot, now=timezone.now())

    found = admin_list(client, "notification", q=typed)

    assert [message.booking for message in found.context["cl"].result_list] == [booking]


def test_searching_by_name_still_works(client, coordinator, slot):
    booking = make_booking(slot=slot, now=timezone.now(), patron_name="Veikko Varaaja")

    found = admin_list(client, "booking", q="Varaaja")

    assert list(found.context["cl"].result_list) == [booking]

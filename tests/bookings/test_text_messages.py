"""Every text message a patron gets costs one part: GSM-7, within 160 characters, in fi, sv and
en; the monthly cap counts parts; the short private link leads to the patron's page."""

import datetime as dt

import pytest

from bookings import sms
from bookings.models import Notification
from bookings.notifications import (
    deliver,
    reminders_queue,
    reminders_send,
    sms_parts_this_month,
)
from bookings.services import booking_cancel, booking_reschedule
from bookings.sms.alphabet import GSM7, measure
from bookings.waiting_list import waiting_list_join, waiting_list_offer
from tests.factories import helsinki, make_booking, make_guide, make_library, make_slot_run

pytestmark = pytest.mark.django_db

# The deployment example of docs/deploy.md: every character of SITE_URL is one of the message's.
SITE_URL = "https://varaa.kirjasto.fi"
LONG_NAME = "Oulun kaupunginkirjasto – Pohjois-Pohjanmaan maakuntakirjasto"  # an en dash
BOOKED_AT = helsinki(2026, 12, 8, 11, 0)  # Tuesday, 30 minutes
MOVED_TO = helsinki(2026, 12, 16, 14, 0)  # Wednesday: a two-digit day, the longest date
KINDS = ["confirmation", "change", "reminder", "waiting_joined", "cancellation", "offer"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def liminka(**overrides):
    fields = {
        "name": "Limingan kirjasto",
        "address": "Kirjastokuja 1, 91900 Liminka",
        "place": "Ryhmätila Kotka",
    }
    return make_library(**{**fields, **overrides})


def every_message(library, language: str, *, now, capture) -> dict[str, Notification]:
    """A 30-minute booking through everything that sends a patron a text message: booked,
    moved, reminded the evening before, cancelled, and the freed time offered to a patron on
    the waiting list. Returns each kind's message row, sent."""
    guide = make_guide(libraries=[library], display_name="Maria")
    first = make_slot_run(count=2, guide=guide, library=library, starts_at=BOOKED_AT)
    later = make_slot_run(count=2, guide=guide, library=library, starts_at=MOVED_TO)
    contact = {"phone": "+358401234567", "email": "", "language": language}
    with capture(execute=True):
        booking = make_booking(slot=first[0], slot_count=2, now=now, **contact)
    with capture(execute=True):
        booking_reschedule(booking=booking, first_slot=later[0], slot_count=2, now=now)
    with capture(execute=True):
        reminders_send(now=MOVED_TO.replace(hour=18) - dt.timedelta(days=1))
    with capture(execute=True):
        entry = waiting_list_join(
            library=library, now=now, patron_name="Olli", phone="+358401112222", language=language
        )
    with capture(execute=True):
        booking_cancel(booking=booking, now=now)
    messages = {n.kind: n for n in booking.notifications.all()} | {
        n.kind: n for n in entry.notifications.all()
    }
    assert sorted(messages) == sorted(KINDS)
    assert {n.channel for n in messages.values()} == {"sms"}
    assert {n.state for n in messages.values()} == {"sent"}
    return messages


def bodies() -> dict[str, str]:
    """The texts sent, in the order `every_message` sends them."""
    return dict(zip(KINDS, [message.body for message in sms.outbox], strict=True))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_message_is_one_gsm7_part_for_a_library_with_a_short_name(
    language, now, django_capture_on_commit_callbacks
):
    messages = every_message(
        liminka(), language, now=now, capture=django_capture_on_commit_callbacks
    )

    for kind, body in bodies().items():
        size = measure(body)
        assert (size.encoding, size.parts) == (GSM7, 1), (kind, len(body), body)
        assert messages[kind].sms_parts == 1, kind


def test_the_messages_say_what_when_where_and_link_to_the_booking(
    now, django_capture_on_commit_callbacks
):
    every_message(liminka(), "fi", now=now, capture=django_capture_on_commit_callbacks)
    texts = bodies()
    token = Notification.objects.get(kind="confirmation").booking.token
    entry_token = Notification.objects.get(kind="offer").waiting_entry.token
    link = f"{SITE_URL}/v/{token}/"

    assert texts == {
        "confirmation": (
            f"Digiopastus varattu: ti 8.12. klo 11.00-11.30, Limingan kirjasto, Kirjastokuja 1. "
            f"{link}"
        ),
        "change": (
            f"Digiopastus muutettu: ke 16.12. klo 14.00-14.30, Limingan kirjasto, "
            f"Kirjastokuja 1. {link}"
        ),
        "reminder": (
            f"Digiopastus huomenna: ke 16.12. klo 14.00-14.30, Limingan kirjasto, "
            f"Kirjastokuja 1. {link}"
        ),
        "waiting_joined": (
            "Olet digiopastuksen jonossa: Limingan kirjasto. Oma sivusi: "
            f"{SITE_URL}/v/{entry_token}/"
        ),
        "cancellation": "Digiopastus peruttu: ke 16.12. klo 14.00-14.30, Limingan kirjasto.",
        "offer": (
            # Held for two hours from now (8.00), this very day.
            "Digiopastus vapautui: ti 8.12. klo 11.00, Limingan kirjasto. "
            f"Varaa klo 10.00 mennessä: {SITE_URL}/v/{entry_token}/"
        ),
    }


def test_swedish_and_english_messages_are_in_their_language(
    now, django_capture_on_commit_callbacks
):
    every_message(liminka(), "sv", now=now, capture=django_capture_on_commit_callbacks)
    swedish = bodies()
    sms.outbox.clear()
    every_message(liminka(), "en", now=now, capture=django_capture_on_commit_callbacks)
    english = bodies()

    assert swedish["confirmation"].startswith("Digistöd bokat: tis 8.12. kl. 11.00-11.30, ")
    assert swedish["reminder"].startswith("Digistöd i morgon: ons 16.12. kl. 14.00-14.30, ")
    assert "Boka senast kl. 10.00: " in swedish["offer"]
    assert english["change"].startswith("Digital guidance changed: Wed 16.12. at 14.00-14.30, ")
    assert english["cancellation"].startswith("Digital guidance cancelled: Wed 16.12. at ")
    assert "Book by 10.00: " in english["offer"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_long_library_name_still_goes_in_gsm7_in_the_fewest_parts(
    language, now, django_capture_on_commit_callbacks
):
    """Its en dash becomes a hyphen: the message stays GSM-7, two parts instead of four."""
    library = liminka(name=LONG_NAME)
    messages = every_message(library, language, now=now, capture=django_capture_on_commit_callbacks)

    name = "Oulun kaupunginkirjasto - Pohjois-Pohjanmaan maakuntakirjasto"
    for kind, body in bodies().items():
        assert name in body
        size = measure(body)
        # Over 160 characters, within the 2 x 153 of two parts; the cancellation fits in one.
        expected = 1 if kind == "cancellation" else 2
        assert (size.encoding, size.parts) == (GSM7, expected), (kind, len(body))
        assert messages[kind].sms_parts == expected


def test_typography_in_content_is_sent_as_gsm7(now, django_capture_on_commit_callbacks):
    library = liminka(name="Kirjasto “Aalto”", address="Kirjastokuja\u00a01–3, 91900 Liminka")
    with django_capture_on_commit_callbacks(execute=True):
        make_booking(
            slot=make_slot_run(count=1, library=library, starts_at=BOOKED_AT)[0],
            now=now,
            phone="+358401234567",
            email="",
            language="fi",
        )

    [message] = sms.outbox
    assert ', Kirjasto "Aalto", Kirjastokuja 1-3. https://' in message.body
    assert measure(message.body).encoding == GSM7


# The cap counts parts


def test_the_monthly_cap_counts_parts_not_messages(now, django_capture_on_commit_callbacks):
    """Two-part confirmations: a cap of 3 parts has room for one, not for three messages."""
    library = liminka(name=LONG_NAME, sms_monthly_cap=3)
    slots = make_slot_run(count=2, library=library, starts_at=BOOKED_AT)
    with django_capture_on_commit_callbacks(execute=True):
        first = make_booking(slot=slots[0], now=now, phone="+358401111111", email="")
        second = make_booking(slot=slots[1], now=now, phone="+358402222222", email="")

    assert first.notifications.get().sms_parts == 2
    late = second.notifications.get()
    assert (late.channel, late.state, late.sms_parts) == ("call", "to_call", None)
    assert len(sms.outbox) == 1
    assert sms_parts_this_month(library.pk, now=now) == 2


def test_a_message_that_just_fits_under_the_cap_is_sent(now, django_capture_on_commit_callbacks):
    library = liminka(name=LONG_NAME, sms_monthly_cap=4)
    slots = make_slot_run(count=2, library=library, starts_at=BOOKED_AT)
    with django_capture_on_commit_callbacks(execute=True):
        make_booking(slot=slots[0], now=now, phone="+358401111111", email="")
        make_booking(slot=slots[1], now=now, phone="+358402222222", email="")

    assert len(sms.outbox) == 2
    assert sms_parts_this_month(library.pk, now=now) == 4


def test_reminders_queued_together_count_their_parts(now):
    """Two reminders of two parts due together, room for three parts: one goes by text."""
    evening = BOOKED_AT.replace(hour=18) - dt.timedelta(days=1)
    library = liminka(name=LONG_NAME, sms_monthly_cap=1000)
    slots = make_slot_run(count=2, library=library, starts_at=BOOKED_AT)
    for n, slot in enumerate(slots):
        make_booking(slot=slot, now=now, phone=f"+35840111111{n}", email="")
    used = sms_parts_this_month(library.pk, now=evening)
    library.sms_monthly_cap = used + 3
    library.save()

    reminders_queue(now=evening)

    reminders = Notification.objects.filter(kind="reminder").order_by("pk")
    assert [(n.channel, n.sms_parts) for n in reminders] == [("sms", 2), ("call", None)]


def test_a_waiting_list_offer_counts_its_parts(now):
    library = liminka(name=LONG_NAME, sms_monthly_cap=1)
    make_slot_run(count=1, library=library, starts_at=BOOKED_AT)
    entry = waiting_list_join(library=library, now=now, patron_name="Olli", phone="+358401112222")

    waiting_list_offer(library=library, now=now)

    assert entry.notifications.get().channel == "call"  # two parts, room for one


def test_messages_from_before_parts_were_counted_count_one_each(now):
    booking = make_booking(slot=make_slot_run(count=1)[0], now=now, email="")
    booking.notifications.update(sms_parts=None)
    skipped = make_booking(slot=make_slot_run(count=1)[0], now=now, email="")
    skipped.notifications.update(state=Notification.State.SKIPPED)

    assert sms_parts_this_month(booking.library_id, now=now) == 1
    assert sms_parts_this_month(skipped.library_id, now=now) == 0


def test_the_parts_stored_are_those_of_the_text_sent(now):
    """Queued with a long name (two parts), sent after the library shortened it (one)."""
    library = liminka(name=LONG_NAME)
    booking = make_booking(
        slot=make_slot_run(count=1, library=library, starts_at=BOOKED_AT)[0], now=now, email=""
    )
    message = booking.notifications.get()
    assert message.sms_parts == 2
    library.name = "Limingan kirjasto"
    library.save()

    deliver.call(message.pk)

    message.refresh_from_db()
    assert (message.state, message.sms_parts) == ("sent", 1)


def test_every_patron_message_is_queued_through_the_cap(now, django_capture_on_commit_callbacks):
    """A cap of nothing: no path sends a patron a text message past it."""
    library = liminka(sms_monthly_cap=0)
    guide = make_guide(libraries=[library])
    first = make_slot_run(count=2, guide=guide, library=library, starts_at=BOOKED_AT)
    later = make_slot_run(count=2, guide=guide, library=library, starts_at=MOVED_TO)
    with django_capture_on_commit_callbacks(execute=True):
        booking = make_booking(slot=first[0], now=now, email="")
        booking_reschedule(booking=booking, first_slot=later[0], slot_count=2, now=now)
        reminders_queue(now=MOVED_TO.replace(hour=18) - dt.timedelta(days=1))
        waiting_list_join(library=library, now=now, patron_name="Olli", phone="+358401112222")
        booking_cancel(booking=booking, now=now)

    kinds = Notification.objects.values_list("kind", "channel")
    # The link to a place in line is not worth a call: the patron has the page open.
    assert sorted(kinds) == sorted((kind, "call") for kind in KINDS if kind != "waiting_joined")
    assert sms.outbox == []

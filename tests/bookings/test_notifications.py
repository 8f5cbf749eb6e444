import datetime as dt

import icalendar
import pytest

from bookings import sms
from bookings.models import Notification
from bookings.notifications import reminders_send
from tests.factories import helsinki, make_booking, make_guide, make_library, make_slot, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what is queued after commit, as a real request would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def book(send_now, **overrides):
    return send_now(make_booking, **overrides)


def test_an_email_confirmation_says_when_where_with_whom_and_what_to_bring(
    send_now, mailoutbox, now
):
    library = make_library(
        name="Limingan kirjasto", address="Kirjastokuja 1", place="Ryhmätila Kotka"
    )
    guide = make_guide(libraries=[library], display_name="Maria")
    slot = make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 10, 15))
    topic = make_topic(name="Pankkitunnukset", bring_note="your banking codes")

    booking = book(
        send_now,
        slot=slot,
        now=now,
        email="aino@example.com",
        phone="",
        topics=[topic],
        language="en",
    )

    [message] = mailoutbox
    assert message.to == ["aino@example.com"]
    assert message.subject == "Your digital guidance time is booked"
    body = message.body
    assert "Tuesday 8.12.2026, 10.15–10.30 (15 minutes)" in body
    assert "Limingan kirjasto, Kirjastokuja 1, Ryhmätila Kotka" in body
    assert "Your guide: Maria" in body
    assert "your banking codes" in body
    assert "Topics: Pankkitunnukset\n" in body
    assert f"/en/booking/{booking.token}/" in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Ryhmätila Kotka" in html
    [(filename, ics, ics_type)] = message.attachments
    assert filename.endswith(".ics") and ics_type == "text/calendar; method=PUBLISH"
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == helsinki(2026, 12, 8, 10, 15)
    assert booking.notifications.get().state == Notification.State.SENT


def test_the_confirmation_is_in_the_bookings_language(send_now, mailoutbox, now):
    book(send_now, now=now, email="aino@example.com", language="fi")
    book(
        send_now,
        now=now,
        email="aino@example.com",
        language="sv",
        slot=make_slot(starts_at=now + dt.timedelta(days=3)),
    )

    finnish, swedish = mailoutbox
    assert finnish.subject == "Digiopastusaikasi on varattu"
    assert swedish.subject == "Din tid för digistöd är bokad"
    assert "/sv/booking/" in swedish.body and "/sv/" not in finnish.body


def test_a_phone_only_patron_gets_a_text_message(send_now, smsoutbox, mailoutbox, now):
    booking = book(send_now, now=now, phone="+358401234567", email="")

    [message] = smsoutbox
    assert message.to == "+358401234567"
    assert booking.library.name in message.body
    assert booking.token in message.body
    assert mailoutbox == []


def test_past_the_monthly_cap_text_messages_go_to_the_staff_call_list(send_now, smsoutbox, now):
    library = make_library(sms_monthly_cap=1)
    guide = make_guide(libraries=[library])
    first = make_slot(guide=guide, library=library)
    second = make_slot(guide=guide, library=library, starts_at=first.ends_at)

    book(send_now, slot=first, now=now, phone="+358401111111")
    late = book(send_now, slot=second, now=now, phone="+358402222222")

    assert len(smsoutbox) == 1
    notification = late.notifications.get()
    assert (notification.channel, notification.state) == ("call", "to_call")


def test_a_failed_send_keeps_the_booking_shows_it_and_is_retried(send_now, settings, now):
    settings.SMS_BACKEND = "bookings.sms.backends.http.SmsBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/"  # discard port: nothing listens
    booking = book(send_now, now=now, phone="+358401234567", email="")

    notification = booking.notifications.get()
    assert notification.state == Notification.State.FAILED and notification.error
    assert booking.slots.exists()

    settings.SMS_BACKEND = "bookings.sms.backends.locmem.SmsBackend"
    reminders_send(now=now)

    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT
    assert notification.attempts == 2
    assert len(sms.outbox) == 1


def test_the_guide_is_told_unless_they_turned_it_off(send_now, mailoutbox, now):
    guide = make_guide()
    guide.user.email = "maria@library.example"
    guide.user.save()
    book(
        send_now,
        slot=make_slot(guide=guide, library=guide.libraries.get()),
        now=now,
        phone="+358401234567",
    )
    assert [m.to for m in mailoutbox] == [["maria@library.example"]]

    guide.notify_by_email = False
    guide.save()
    book(
        send_now,
        slot=make_slot(
            guide=guide, library=guide.libraries.get(), starts_at=now + dt.timedelta(days=3)
        ),
        now=now,
        phone="+358401234567",
    )
    assert len(mailoutbox) == 1


def test_a_text_message_is_in_the_bookings_language(send_now, smsoutbox, now):
    book(send_now, now=now, phone="+358401234567", email="", language="fi")
    book(
        send_now,
        now=now,
        phone="+358407654321",
        email="",
        language="sv",
        slot=make_slot(starts_at=now + dt.timedelta(days=3)),
    )

    finnish, swedish = smsoutbox
    assert finnish.body.startswith("Digiopastus varattu")
    assert swedish.body.startswith("Digistöd bokat")
    assert "/sv/booking/" in swedish.body


def test_a_guide_turns_booking_emails_off_on_their_own_settings_page(client):
    guide = make_guide()
    guide.user.is_staff = True
    guide.user.save()
    client.force_login(guide.user)

    page = client.get("/en/staff/me/")
    assert page.status_code == 200
    client.post("/en/staff/me/", {})  # an unticked box is not sent at all

    guide.refresh_from_db()
    assert guide.notify_by_email is False

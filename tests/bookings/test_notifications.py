import datetime as dt
import os
import socket
import subprocess
import sys
import time

import icalendar
import pytest
from django.conf import settings
from django.utils import timezone

from bookings import sms
from bookings.models import Notification
from bookings.notifications import CLAIM_STALE_AFTER, MAX_ATTEMPTS, reminders_send
from tests.factories import helsinki, make_booking, make_guide, make_library, make_slot, make_topic

pytestmark = pytest.mark.django_db


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


def test_a_text_message_is_in_the_bookings_language(send_now, smsoutbox, now, client):
    book(send_now, now=now, phone="+358401234567", email="", language="fi")
    booking = book(
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
    # The short link leads on to the booking's page in Swedish.
    short_path = swedish.body.rsplit(" ", 1)[1].removeprefix(settings.SITE_URL)
    assert client.get(short_path)["Location"] == f"/sv/booking/{booking.token}/"


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


# A sender that dies midway: the claim goes stale and the message is sent again


def claimed_message(*, claimed_minutes_ago: int, attempts: int = 1) -> Notification:
    """A patron's e-mail claimed by a sender `claimed_minutes_ago` that never finished. The
    sender works with the real clock, so the times here are built from it too."""
    real_now = timezone.now()
    booking = make_booking(
        slot=make_slot(starts_at=real_now + dt.timedelta(days=3)),
        now=real_now - dt.timedelta(days=1),
        email="aino@example.com",
    )
    message = booking.notifications.get(kind=Notification.Kind.CONFIRMATION)
    message.state, message.attempts = Notification.State.SENDING, attempts
    message.claimed_at = real_now - dt.timedelta(minutes=claimed_minutes_ago)
    message.save()
    return message


def test_a_message_whose_sender_died_while_sending_is_sent_by_the_next_run(mailoutbox):
    message = claimed_message(claimed_minutes_ago=CLAIM_STALE_AFTER.seconds // 60 + 5)

    reminders_send(now=timezone.now())

    message.refresh_from_db()
    assert message.state == Notification.State.SENT and message.attempts == 2
    assert [mail.to for mail in mailoutbox] == [["aino@example.com"]]


def test_a_message_being_sent_just_now_is_not_sent_twice(mailoutbox):
    message = claimed_message(claimed_minutes_ago=1)

    reminders_send(now=timezone.now())

    message.refresh_from_db()
    assert message.state == Notification.State.SENDING and mailoutbox == []


def test_staff_see_messages_stuck_while_sending_on_the_admin_front_page(admin_client):
    claimed_message(claimed_minutes_ago=60, attempts=MAX_ATTEMPTS)

    page = admin_client.get("/en/admin/").content.decode()

    assert "1 message got stuck while being sent" in page
    assert "/en/admin/bookings/notification/?state__exact=sending" in page
    assert "1 viesti jäi kesken lähetyksen" in admin_client.get("/admin/").content.decode()


def test_mail_gives_up_on_a_server_that_accepts_and_never_answers():
    """The server takes the connection and never says hello: sending fails within the
    timeout (EMAIL_TIMEOUT, read when the settings load, hence a fresh process)."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "digiopas.settings",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "EMAIL_TIMEOUT": "1",
        }
        script = (
            "import django; django.setup()\n"
            "from django.core.mail import send_mail\n"
            "try:\n"
            "    send_mail('Hei', 'Hei', 'a@example.com', ['b@example.com'])\n"
            "except OSError as error:\n"
            "    print('gave up:', type(error).__name__)\n"
        )
        started = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=30
            )
        except subprocess.TimeoutExpired:
            pytest.fail("sending mail waited for a silent server for 30 seconds")

    assert "gave up" in result.stdout, result.stderr
    assert time.monotonic() - started < 20

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from bookings import sms
from bookings.models import Booking, Notification
from bookings.notifications import reminders_queue, reminders_send
from bookings.services import booking_cancel
from tests.factories import helsinki, make_booking, make_slot

# Tuesday 1 December at 18.00; bookings on Wednesday 2 December are due a reminder.
EVENING = helsinki(2026, 12, 1, 18, 0)
TOMORROW_MORNING = helsinki(2026, 12, 2, 10, 0)
SLOT = dt.timedelta(minutes=15)


def booked_for_tomorrow(**overrides) -> Booking:
    slot = make_slot(starts_at=overrides.pop("starts_at", TOMORROW_MORNING))
    booking = make_booking(slot=slot, now=EVENING - dt.timedelta(days=5), **overrides)
    booking.notifications.update(state=Notification.State.SENT)  # the confirmation went out
    return booking


def reminders() -> list[Notification]:
    return list(Notification.objects.filter(kind=Notification.Kind.REMINDER))


@pytest.mark.django_db
def test_tomorrows_patrons_are_reminded_once_however_often_it_runs(mailoutbox):
    booking = booked_for_tomorrow(email="aino@example.com", phone="")
    mailoutbox.clear()

    reminders_send(now=EVENING)
    reminders_send(now=EVENING + dt.timedelta(minutes=5))

    assert [m.subject for m in mailoutbox] == ["Reminder: your digital guidance time tomorrow"]
    assert [n.state for n in reminders()] == ["sent"]
    assert booking.token in mailoutbox[0].body


@pytest.mark.django_db
def test_a_phone_only_patron_gets_the_reminder_by_text_message():
    booked_for_tomorrow(phone="+358401234567", email="")
    sms.outbox.clear()

    reminders_send(now=EVENING)

    assert len(sms.outbox) == 1 and "tomorrow" in sms.outbox[0].body


@pytest.mark.django_db
def test_a_cancelled_booking_gets_no_reminder(mailoutbox):
    booking = booked_for_tomorrow(email="aino@example.com", phone="")
    booking_cancel(booking=booking, now=EVENING - dt.timedelta(days=1))
    mailoutbox.clear()

    reminders_send(now=EVENING)

    assert reminders() == []
    assert "Reminder" not in " ".join(m.subject for m in mailoutbox)


@pytest.mark.django_db
def test_bookings_further_ahead_and_before_the_reminder_hour_wait(mailoutbox):
    booked_for_tomorrow(email="a@example.com", starts_at=helsinki(2026, 12, 3, 10, 0))
    booked_for_tomorrow(email="b@example.com")
    mailoutbox.clear()

    reminders_send(now=helsinki(2026, 12, 1, 7, 0))  # before 10.00: nothing yet
    assert reminders() == []
    reminders_send(now=EVENING)
    assert [m.to for m in mailoutbox] == [["b@example.com"]]


@pytest.mark.django_db
def test_a_booking_moved_to_another_day_is_reminded_of_the_new_time(mailoutbox):
    from bookings.services import booking_reschedule

    booking = booked_for_tomorrow(email="aino@example.com")
    reminders_send(now=EVENING)
    later = make_slot(starts_at=helsinki(2026, 12, 3, 12, 0))
    booking_reschedule(booking=booking, first_slot=later, slot_count=1, now=EVENING)
    mailoutbox.clear()

    reminders_send(now=helsinki(2026, 12, 2, 18, 0))

    [reminder] = [m for m in mailoutbox if m.subject.startswith("Reminder")]
    assert "12.00" in reminder.body
    assert len(reminders()) == 2


@pytest.mark.django_db
def test_the_command_reports_what_it_handed_over(capsys):
    call_command("send_reminders")
    assert "messages handed to the sender" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_overlapping_runs_send_each_reminder_exactly_once(mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL); CI runs it there")
    for n in range(10):
        booked_for_tomorrow(
            email=f"p{n}@example.com",
            phone="",
            starts_at=TOMORROW_MORNING + dt.timedelta(minutes=15 * n),
        )
    mailoutbox.clear()
    barrier = threading.Barrier(4)
    errors = []

    def run() -> None:
        try:
            barrier.wait()
            reminders_send(now=EVENING)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"p{n}@example.com" for n in range(10))
    assert Notification.objects.filter(kind="reminder").count() == 10


@pytest.mark.django_db
@pytest.mark.parametrize("patrons", [2, 6])
def test_queueing_reminders_takes_the_same_queries_however_many_are_due(
    patrons, library, guide, django_assert_num_queries
):
    for n in range(patrons):
        slot = make_slot(guide=guide, library=library, starts_at=TOMORROW_MORNING + n * SLOT)
        make_booking(
            slot=slot, now=EVENING - dt.timedelta(days=5), phone=f"+3584012345{n:02d}", email=""
        )
    library.sms_monthly_cap = patrons + 3  # confirmations counted too: all reminders fit
    library.save()

    # 1 the bookings due (with their library), 2 the library's text messages this month,
    # 3 the reminders inserted together.
    with django_assert_num_queries(3):
        assert reminders_queue(now=EVENING) == patrons

    assert {n.channel for n in reminders()} == {"sms"}

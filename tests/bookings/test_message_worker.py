"""Messages sent by a worker (`TASKS_BACKEND=django_tasks_db.DatabaseBackend`, `db_worker`):
a booking is answered without waiting for the text-message gateway."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from bookings.models import Booking, Notification
from bookings.notifications import reminders_send
from tests.bookings.test_public_booking_flow import booking_data
from tests.factories import make_slot

# Committed for real: the worker, like Django's request handling, closes a connection that is
# inside a transaction it did not open (a test's), so it cannot run inside one.
pytestmark = pytest.mark.django_db(transaction=True)

HTTP = "bookings.sms.backends.http.SmsBackend"


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def bookable(library, guide):
    day = timezone.localdate() + dt.timedelta(days=3)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return make_slot(guide=guide, library=library, starts_at=starts_at)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def book(client, slot):
    url = f"/en/libraries/{slot.library.slug}/book/{slot.pk}/"
    return client.post(url, booking_data(phone="040 123 4567"))


def test_the_booking_is_answered_while_the_gateway_hangs_and_the_worker_sends_later(
    client, settings, gateway, worker_backend, bookable
):
    settings.SMS_BACKEND = HTTP
    gateway.stall.clear()  # a gateway that would keep a request waiting

    response = book(client, bookable)

    assert "Your guidance time is booked" in response.content.decode()
    assert gateway.requests == []  # the request never waited for it
    notification = Notification.objects.get()
    assert notification.state == Notification.State.PENDING
    assert DBTaskResult.objects.count() == 1

    gateway.stall.set()
    run_worker()

    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT
    [sent] = gateway.requests
    assert Booking.objects.get().token in sent["body"].decode()


def test_a_gateway_that_is_down_leaves_the_message_for_the_next_retry(
    client, settings, closed_port_url, worker_backend, bookable
):
    settings.SMS_BACKEND = HTTP
    settings.SMS_GATEWAY_URL = closed_port_url

    response = book(client, bookable)
    run_worker()

    assert response.status_code == 200
    notification = Notification.objects.get()
    # Failed, with the reason, for send_reminders to retry; the booking itself stands.
    assert notification.state == Notification.State.FAILED
    assert "Could not reach" in notification.error
    assert Booking.objects.get().status == Booking.Status.BOOKED


def test_a_queue_that_fails_after_the_commit_still_shows_the_booking_and_the_retry_sends_it(
    client, monkeypatch, worker_backend, bookable, caplog
):
    def queue_down(*args, **kwargs):
        raise OperationalError("the task queue is unreachable")

    with monkeypatch.context() as outage:
        outage.setattr(DatabaseBackend, "enqueue", queue_down)
        response = book(client, bookable)

    # Committed before the queue failed: the patron sees the booking, not an error page.
    assert "Your guidance time is booked" in response.content.decode()
    assert "the task queue is unreachable" in caplog.text
    notification = Notification.objects.get()
    assert notification.state == Notification.State.PENDING
    assert DBTaskResult.objects.count() == 0

    assert reminders_send(now=timezone.now()) == 1  # the cron's retry queues it again
    run_worker()

    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT

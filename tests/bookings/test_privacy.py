"""Personal data goes on schedule or on request, keeping the facts; staff access is logged."""

import datetime as dt
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bookings.models import AccessLogEntry, Booking, WaitingListEntry
from bookings.privacy import personal_data_purge
from bookings.services import booking_cancel, waiting_list_offer_accept
from bookings.waiting_list import waiting_list_join, waiting_list_leave, waiting_list_offer
from tests.factories import make_booking, make_device, make_library, make_slot, make_topic

pytestmark = pytest.mark.django_db


def old_booking(now, days_ago: int, **overrides) -> Booking:
    slot = make_slot(starts_at=now - dt.timedelta(days=days_ago))
    return make_booking(slot=slot, now=slot.starts_at - dt.timedelta(days=2), **overrides)


def test_the_purge_erases_what_has_passed_its_time_and_keeps_the_facts(now, settings):
    settings.RETENTION_DAYS = 30
    device, topic = make_device(), make_topic()
    old = old_booking(
        now, 31, email="aino@example.com", need="Pankki", device=device, topics=[topic]
    )
    recent = old_booking(now, 29)

    counts = personal_data_purge(now=now)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert counts["bookings"] == 1
    assert (old.patron_name, old.phone, old.email, old.need, old.staff_notes) == (
        "–",
        "",
        "",
        "",
        "",
    )
    assert old.personal_data_erased_at == now
    assert (old.device, list(old.topics.all()), old.status) == (device, [topic], "booked")
    assert recent.patron_name == "Aino Asiakas"
    # The patron key outlives the contact (statistics count returning patrons by it).
    assert old.patron_key == recent.patron_key != ""


def test_the_purge_clears_patron_keys_past_their_own_retention(now, settings):
    settings.RETENTION_DAYS = 30
    settings.PATRON_KEY_RETENTION_DAYS = 800
    old = old_booking(now, 801)
    kept = old_booking(now, 799)

    counts = personal_data_purge(now=now)

    old.refresh_from_db()
    kept.refresh_from_db()
    assert (old.patron_key, counts["patron_keys"]) == ("", 1)
    assert kept.patron_key != "" and kept.personal_data_erased_at == now


def test_the_patron_key_follows_the_contact_on_every_save(now):
    booking = make_booking(now=now, phone="+358401234567")
    by_phone = booking.patron_key
    assert len(by_phone) == 32 and "358" not in by_phone

    booking.phone, booking.email = "", "Aino@Example.com"
    booking.save(update_fields=["phone", "email"])
    booking.refresh_from_db()
    same_patron = make_booking(now=now, phone="", email="aino@example.com")
    assert booking.patron_key == same_patron.patron_key not in ("", by_phone)


def test_the_purge_erases_the_admin_history_too(now, admin_user):
    booking = old_booking(now, 40)
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Booking),
        object_id=str(booking.pk),
        object_repr=str(booking),
        action_flag=CHANGE,
        change_message="Aino Asiakas called",
    )

    personal_data_purge(now=now)

    entry = LogEntry.objects.get()
    assert "Aino" not in entry.object_repr and "Aino" not in entry.change_message


def test_the_purge_can_run_again_and_the_command_reports(now, capsys):
    old_booking(now, 40)
    call_command("purge_personal_data")
    call_command("purge_personal_data")

    assert "Erased 0 bookings" in capsys.readouterr().out.splitlines()[-1]


def test_a_patron_who_cancelled_erases_their_details_from_the_link(client):
    booking = make_booking(slot=make_slot(starts_at=timezone.now() + dt.timedelta(days=3)))
    booking_cancel(booking=booking, now=timezone.now())

    client.post(reverse("bookings:booking_erase", args=[booking.token]))

    booking.refresh_from_db()
    assert booking.patron_name == "–" and booking.phone == ""
    # Erased on request: the patron drops out of the patron counts too.
    assert booking.patron_key == ""


def test_an_active_booking_is_not_erased_from_the_link(client):
    booking = make_booking(slot=make_slot(starts_at=timezone.now() + dt.timedelta(days=3)))

    client.post(reverse("bookings:booking_erase", args=[booking.token]))

    booking.refresh_from_db()
    assert booking.patron_name == "Aino Asiakas"


def coordinator(library):
    user = get_user_model().objects.create_user(username="kaisu", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinator"))
    library.staff.add(user)
    return user


def test_staff_export_and_erase_one_booking_on_request_and_it_is_logged(client, now):
    booking = make_booking(now=now, email="aino@example.com")
    user = coordinator(booking.library)
    client.force_login(user)
    url = "/en/admin/bookings/booking/"

    export = client.post(url, {"action": "export_personal_data", "_selected_action": [booking.pk]})
    [data] = json.loads(export.content)
    assert data["name"] == "Aino Asiakas" and data["email"] == "aino@example.com"

    client.post(url, {"action": "erase_personal_data", "_selected_action": [booking.pk]})
    booking.refresh_from_db()
    assert booking.personal_data_erased_at is not None and booking.patron_key == ""

    places = sorted(AccessLogEntry.objects.filter(user=user).values_list("place", flat=True))
    assert places == ["erasure", "export"]


def test_opening_a_booking_in_the_admin_is_logged_and_coordinators_can_read_the_log(client, now):
    booking = make_booking(now=now)
    user = coordinator(booking.library)
    client.force_login(user)

    client.get(f"/en/admin/bookings/booking/{booking.pk}/change/")

    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.booking, entry.place) == (user, booking, "admin_booking")
    log_page = client.get("/en/admin/bookings/accesslogentry/")
    assert log_page.status_code == 200 and "kaisu" in log_page.content.decode()


def test_guides_cannot_read_the_access_log(client, now):
    booking = make_booking(now=now)
    user = get_user_model().objects.create_user(username="opas", is_staff=True)
    user.groups.add(Group.objects.get(name="Guide"))
    booking.library.staff.add(user)
    client.force_login(user)

    assert client.get("/en/admin/bookings/accesslogentry/").status_code == 403


def test_old_access_log_entries_are_removed(now, admin_user, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 365
    AccessLogEntry.objects.create(user=admin_user, place="slip", at=now - dt.timedelta(days=400))
    AccessLogEntry.objects.create(user=admin_user, place="slip", at=now - dt.timedelta(days=10))

    personal_data_purge(now=now)

    assert AccessLogEntry.objects.count() == 1


# The waiting list: retention counts from when an entry ends


def waiting_entry(now, *, joined_days_ago: int) -> WaitingListEntry:
    return waiting_list_join(
        library=make_library(),
        patron_name="Odottava Olli",
        phone="+358401234567",
        now=now - dt.timedelta(days=joined_days_ago),
    )


def test_the_purge_keeps_waiting_list_entries_still_waiting_or_offered_however_old(now, settings):
    settings.RETENTION_DAYS = 30
    waiting = waiting_entry(now, joined_days_ago=100)
    offered = waiting_entry(now, joined_days_ago=40)
    WaitingListEntry.objects.filter(pk=offered.pk).update(
        status=WaitingListEntry.Status.OFFERED, offer_expires_at=now + dt.timedelta(hours=1)
    )

    counts = personal_data_purge(now=now)

    assert counts["waiting_entries"] == 0
    assert set(WaitingListEntry.objects.values_list("patron_name", "status")) == {
        ("Odottava Olli", "waiting"),
        ("Odottava Olli", "offered"),
    }
    waiting.refresh_from_db()
    assert waiting.ended_at is None


def test_the_purge_erases_a_waiting_list_entry_retention_days_after_it_ended(now, settings):
    settings.RETENTION_DAYS = 30
    ended_long_ago = waiting_entry(now, joined_days_ago=100)
    waiting_list_leave(entry=ended_long_ago, now=now - dt.timedelta(days=31))
    ended_lately = waiting_entry(now, joined_days_ago=100)
    waiting_list_leave(entry=ended_lately, now=now - dt.timedelta(days=10))

    counts = personal_data_purge(now=now)

    ended_long_ago.refresh_from_db()
    ended_lately.refresh_from_db()
    assert counts["waiting_entries"] == 1
    assert (ended_long_ago.patron_name, ended_long_ago.phone) == ("–", "")
    assert ended_lately.patron_name == "Odottava Olli"
    assert ended_lately.ended_at == now - dt.timedelta(days=10)


def test_an_entry_booked_from_the_waiting_list_ends_when_booked(now):
    entry = waiting_entry(now, joined_days_ago=5)
    slot = make_slot(library=entry.library, starts_at=now + dt.timedelta(days=2))
    waiting_list_offer(library=entry.library, now=now)

    waiting_list_offer_accept(entry=entry, now=now)

    entry.refresh_from_db()
    assert (entry.status, entry.ended_at) == ("booked", now)
    assert entry.booking.slots.get() == slot

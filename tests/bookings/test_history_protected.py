"""Deleting never rewrites the past: bookings end by cancelling or erasing, choices that past
bookings used are archived, a library with history stays, and a shared guide keeps the
libraries a coordinator does not see."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from bookings.models import AccessLogEntry, Booking, Slot, Topic
from bookings.waiting_list import waiting_list_join
from tests.factories import (
    make_booking,
    make_device,
    make_guide,
    make_library,
    make_slot,
    make_topic,
)

pytestmark = pytest.mark.django_db


def coordinator_of(*libraries):
    user = get_user_model().objects.create_user(username="kaisu", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinator"))
    for library in libraries:
        library.staff.add(user)
    return user


# Bookings end by cancelling or erasing


def test_a_coordinator_cannot_delete_a_booking_in_the_admin(client, now):
    booking = make_booking(now=now)
    client.force_login(coordinator_of(booking.library))

    assert client.get(f"/en/admin/bookings/booking/{booking.pk}/delete/").status_code == 403
    change_page = client.get(f"/en/admin/bookings/booking/{booking.pk}/change/")
    assert change_page.status_code == 200
    assert f"/en/admin/bookings/booking/{booking.pk}/delete/" not in change_page.content.decode()
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_the_booking_list_has_no_bulk_delete(admin_client, now):
    booking = make_booking(now=now)

    page = admin_client.get("/en/admin/bookings/booking/")
    admin_client.post(
        "/en/admin/bookings/booking/",
        {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"},
    )

    assert "delete_selected" not in page.content.decode()
    assert Slot.objects.get(booking=booking)  # the time is still the patron's


def test_the_database_refuses_to_delete_a_booking_that_holds_its_time(now):
    booking = make_booking(now=now)

    with pytest.raises(ProtectedError):
        booking.delete()


# Topics and devices past bookings used are archived, not deleted


def test_a_topic_a_booking_used_cannot_be_deleted_and_the_admin_says_why(admin_client, now):
    topic = make_topic(name="Pankkitunnukset")
    booking = make_booking(now=now, topics=[topic])
    url = f"/en/admin/bookings/topic/{topic.pk}/delete/"

    page = admin_client.get(url)
    answer = admin_client.post(url, {"post": "yes"})

    assert page.status_code == 200 and answer.status_code == 200
    assert (
        "Pankkitunnukset: 1 booking has it. Untick “offered” to stop offering it."
        in page.content.decode()
    )
    assert list(booking.topics.all()) == [topic]
    with pytest.raises(ProtectedError):
        topic.delete()


def test_deleting_several_topics_names_the_ones_in_use(admin_client, now):
    used, unused = make_topic(name="Pankkitunnukset"), make_topic(name="Sähköposti")
    make_booking(now=now, topics=[used])
    make_booking(slot=make_slot(starts_at=now + dt.timedelta(days=3)), now=now, topics=[used])

    page = admin_client.post(
        "/en/admin/bookings/topic/",
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]},
    ).content.decode()

    assert "Pankkitunnukset: 2 bookings have it." in page and "Sähköposti:" not in page
    assert Topic.objects.count() == 2


def test_an_unused_topic_can_be_deleted(admin_client):
    topic = make_topic()

    admin_client.post(f"/en/admin/bookings/topic/{topic.pk}/delete/", {"post": "yes"})

    assert not Topic.objects.exists()


def test_an_archived_topic_or_device_is_no_longer_offered_but_past_bookings_keep_it(client, now):
    old_topic, old_device = make_topic(name="Faksi"), make_device(name="Lankapuhelin")
    make_topic(name="Pankkitunnukset"), make_device(name="Tabletti")
    booking = make_booking(now=now, topics=[old_topic], device=old_device)
    old_topic.is_active = old_device.is_active = False
    old_topic.save(), old_device.save()
    slot = make_slot(library=booking.library, starts_at=timezone.now() + dt.timedelta(days=3))

    form = client.get(reverse("bookings:book", args=[slot.library.slug, slot.pk]))

    page = form.content.decode()
    assert "Pankkitunnukset" in page and "Tabletti" in page
    assert "Faksi" not in page and "Lankapuhelin" not in page
    booking.refresh_from_db()
    assert (list(booking.topics.all()), booking.device) == ([old_topic], old_device)


def test_a_booking_keeps_its_topics_when_staff_save_it_in_the_admin(admin_client, now):
    topic = make_topic()
    booking = make_booking(now=now, topics=[topic])
    url = f"/en/admin/bookings/booking/{booking.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    link = booking.topics.through.objects.get()

    admin_client.post(
        url,
        {
            **{name: form.initial.get(name) or "" for name in ("patron_name", "phone", "email")},
            "language": booking.language,
            "channel": booking.channel,
            "need": "Pankki",
            "bookingtopic_set-TOTAL_FORMS": "1",
            "bookingtopic_set-INITIAL_FORMS": "1",
            "bookingtopic_set-0-id": link.pk,
            "bookingtopic_set-0-booking": booking.pk,
            "bookingtopic_set-0-topic": topic.pk,
            "notifications-TOTAL_FORMS": "0",
            "notifications-INITIAL_FORMS": "0",
        },
    )

    booking.refresh_from_db()
    assert booking.need == "Pankki" and list(booking.topics.all()) == [topic]


# A library with history stays


def test_a_library_with_waiting_list_messages_and_access_log_cannot_be_deleted(now, admin_user):
    library = make_library()
    waiting_list_join(library=library, patron_name="Olli", phone="+358401234567", now=now)
    AccessLogEntry.objects.create(user=admin_user, place="printed_day", library=library)

    with pytest.raises(ProtectedError):
        library.delete()

    assert AccessLogEntry.objects.filter(library=library).exists()


def test_a_library_without_history_can_still_be_deleted(admin_client):
    library = make_library()

    admin_client.post(f"/en/admin/bookings/library/{library.pk}/delete/", {"post": "yes"})

    assert not type(library).objects.filter(pk=library.pk).exists()


# A shared guide keeps the libraries the coordinator does not see


def test_saving_a_shared_guide_unchanged_keeps_the_libraries_the_coordinator_cannot_see(client):
    liminka, lumijoki = make_library(name="Liminka"), make_library(name="Lumijoki")
    guide = make_guide(libraries=[liminka, lumijoki])
    client.force_login(coordinator_of(liminka))
    url = f"/en/admin/bookings/guide/{guide.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert list(form.fields["libraries"].queryset) == [liminka]

    response = client.post(
        url,
        {
            "user": guide.user.pk,
            "display_name": guide.display_name,
            "libraries": [liminka.pk],
            "languages": guide.languages,
            "is_active": "on",
            "notify_by_email": "on",
        },
    )

    assert response.status_code == 302
    assert set(guide.libraries.all()) == {liminka, lumijoki}


def test_a_coordinator_can_still_take_a_guide_off_their_own_library(client):
    liminka, lumijoki, tyrnava = (make_library(name=name) for name in ("L1", "L2", "T"))
    guide = make_guide(libraries=[liminka, lumijoki, tyrnava])
    client.force_login(coordinator_of(liminka, lumijoki))

    client.post(
        f"/en/admin/bookings/guide/{guide.pk}/change/",
        {
            "user": guide.user.pk,
            "display_name": guide.display_name,
            "libraries": [liminka.pk],
            "languages": ["fi"],
            "is_active": "on",
        },
    )

    assert set(guide.libraries.all()) == {liminka, tyrnava}


def test_a_device_a_booking_used_cannot_be_deleted_and_the_admin_says_why(admin_client, now):
    device = make_device(name="Tabletti")
    make_booking(now=now, device=device)

    page = admin_client.get(f"/en/admin/bookings/devicetype/{device.pk}/delete/").content.decode()

    # The bookings keep it, whatever the user may delete (nobody may delete a booking).
    assert "Tabletti: 1 booking has it. Untick “offered” to stop offering it." in page
    assert "doesn't have permission" not in page

"""Staff see only their own libraries, in the admin lists and by URL; groups carry the rights."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings import waiting_list
from bookings.models import Booking, Closure, Slot, WaitingListEntry
from tests.factories import make_booking, make_guide, make_library, make_slot

pytestmark = pytest.mark.django_db


def member(library, group: str = "Guide"):
    user = get_user_model().objects.create_user(username=f"{group}-{library.slug}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    library.staff.add(user)
    return user


@pytest.fixture
def two_libraries():
    liminka, lumijoki = make_library(name="Liminka"), make_library(name="Lumijoki")
    ours = make_booking(slot=make_slot(library=liminka), patron_name="Oma Asiakas")
    theirs = make_booking(slot=make_slot(library=lumijoki), patron_name="Vieras Asiakas")
    return liminka, lumijoki, ours, theirs


def test_the_guide_and_coordinator_groups_exist_with_their_rights():
    guide, coordinator = Group.objects.get(name="Guide"), Group.objects.get(name="Coordinator")

    guide_rights = set(guide.permissions.values_list("codename", flat=True))
    coordinator_rights = set(coordinator.permissions.values_list("codename", flat=True))
    assert {"view_booking", "change_booking", "add_slot", "add_weeklyschedule"} <= guide_rights
    assert "view_statistics" not in guide_rights and "publish_page" not in guide_rights
    assert {"view_statistics", "publish_page", "change_page", "add_library"} <= coordinator_rights


def test_staff_list_only_their_own_librarys_bookings(client, two_libraries):
    liminka, _, _ours, _theirs = two_libraries
    client.force_login(member(liminka))

    page = client.get("/en/admin/bookings/booking/").content.decode()

    assert "Oma Asiakas" in page and "Vieras Asiakas" not in page


def test_staff_of_one_library_cannot_read_another_librarys_booking_by_url(client, two_libraries):
    liminka, _, ours, theirs = two_libraries
    client.force_login(member(liminka))

    assert client.get(f"/en/admin/bookings/booking/{ours.pk}/change/").status_code == 200
    response = client.get(f"/en/admin/bookings/booking/{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect, nothing shown
    assert "Vieras" not in client.get(response["Location"]).content.decode()


def test_a_guide_working_at_a_library_sees_it_without_being_listed_as_staff(client, two_libraries):
    _liminka, lumijoki, _ours, _theirs = two_libraries
    guide = make_guide(libraries=[lumijoki])
    guide.user.groups.add(Group.objects.get(name="Guide"))
    client.force_login(guide.user)

    page = client.get("/en/admin/bookings/booking/").content.decode()

    assert "Vieras Asiakas" in page and "Oma Asiakas" not in page


def test_library_choices_in_forms_are_limited_to_ones_own(client, two_libraries):
    liminka, _lumijoki, *_ = two_libraries
    client.force_login(member(liminka, "Coordinator"))

    form = client.get("/en/admin/bookings/closure/add/").context["adminform"].form

    assert list(form.fields["library"].queryset) == [liminka]


def test_superusers_see_every_library(admin_client, two_libraries):
    page = admin_client.get("/en/admin/bookings/booking/").content.decode()

    assert "Oma Asiakas" in page and "Vieras Asiakas" in page


def test_removing_slots_in_the_admin_keeps_booked_ones(admin_client):
    free = make_slot()
    booked = make_slot(starts_at=free.starts_at + dt.timedelta(days=1))
    make_booking(slot=booked)

    admin_client.post(
        "/en/admin/bookings/slot/",
        {"action": "remove_free_slots", "_selected_action": [free.pk, booked.pk]},
    )

    assert list(Slot.objects.all()) == [booked]
    action_form = admin_client.get("/en/admin/bookings/slot/").context["action_form"]
    assert "delete_selected" not in dict(action_form.fields["action"].choices)


def one_off_slot(guide, library, day: dt.datetime) -> dict:
    """The admin's form for a slot from 12.00 to 12.30 on `day`."""
    return {
        "guide": guide.pk,
        "library": library.pk,
        "starts_at_0": day.strftime("%Y-%m-%d"),
        "starts_at_1": "12:00",
        "ends_at_0": day.strftime("%Y-%m-%d"),
        "ends_at_1": "12:30",
        "at_library": "on",  # as the form starts out
    }


def test_staff_add_a_one_off_slot(admin_client):
    guide = make_guide()
    library = guide.libraries.get()
    start = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(hour=12, minute=0)

    admin_client.post("/en/admin/bookings/slot/add/", one_off_slot(guide, library, start))

    slot = Slot.objects.get()
    assert slot.minutes == 30 and timezone.localtime(slot.starts_at).hour == 12


def test_a_slot_added_in_the_admin_goes_to_the_waiting_list_first(
    admin_client, django_capture_on_commit_callbacks
):
    guide = make_guide()
    library = guide.libraries.get()
    entry = waiting_list.waiting_list_join(
        library=library, patron_name="Odottava", phone="0401234567", now=timezone.now()
    )
    start = timezone.localtime(timezone.now() + dt.timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/en/admin/bookings/slot/add/", one_off_slot(guide, library, start))

    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.OFFERED
    assert entry.offered_slot == Slot.objects.get(held_for=entry)


def test_the_admin_action_asks_how_many_weeks_then_makes_slots(admin_client):
    from tests.factories import make_schedule

    guide = make_guide()
    schedule = make_schedule(
        guide=guide, library=guide.libraries.get(), weekday=2, valid_from=dt.date(2020, 1, 1)
    )
    url = "/en/admin/bookings/weeklyschedule/"

    ask = admin_client.post(url, {"action": "generate_slots", "_selected_action": [schedule.pk]})
    assert "How many weeks ahead?" in ask.content.decode() and not Slot.objects.exists()

    admin_client.post(
        url,
        {"action": "generate_slots", "_selected_action": [schedule.pk], "apply": "1", "weeks": "2"},
    )
    assert Slot.objects.exists()


def test_closing_a_day_with_bookings_asks_staff_then_cancels_and_lists_calls(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(days=5)
    slot = make_slot(starts_at=start)
    free = make_slot(guide=slot.guide, library=slot.library, starts_at=slot.ends_at)
    phone_only = make_booking(slot=slot, patron_name="Puhelin Pirkko", phone="+358401234567")
    day = timezone.localdate(start)

    response = admin_client.post(
        "/en/admin/bookings/closure/add/",
        {
            "library": slot.library.pk,
            "starts_on": day.isoformat(),
            "ends_on": day.isoformat(),
            "reason_fi": "Sähkökatko",
        },
    )
    closure = Closure.objects.get()
    assert response["Location"].endswith(f"/staff/closures/{closure.pk}/bookings/")
    assert not Slot.objects.filter(pk=free.pk).exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Puhelin Pirkko" in page and "Call list" in page
    phone_only.refresh_from_db()
    assert phone_only.status == Booking.Status.BOOKED  # nothing cancelled before staff confirm

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response["Location"], {"booking": [str(phone_only.pk)]})

    phone_only.refresh_from_db()
    assert phone_only.status == Booking.Status.CANCELLED
    assert phone_only.notifications.filter(kind="cancellation").exists()


def test_the_admin_front_page_says_how_many_patrons_wait_for_a_call_at_ones_own_library(
    client, two_libraries
):
    from bookings.models import Notification
    from bookings.notifications import MAX_ATTEMPTS

    liminka, _lumijoki, ours, theirs = two_libraries
    State, now = Notification.State, timezone.now()

    def message(booking, state, *, attempts=1, about=None):
        Notification.objects.create(
            booking=booking,
            library_id=booking.library_id,
            kind=Notification.Kind.CONFIRMATION,
            channel=Notification.Channel.CALL,
            state=state,
            attempts=attempts,
            about_starts_at=about or now + dt.timedelta(days=2),
        )

    message(ours, State.TO_CALL)
    message(ours, State.TO_CALL)
    message(ours, State.TO_CALL, about=now - dt.timedelta(days=1))  # a time already past
    message(ours, State.CALLED)
    message(ours, State.FAILED, attempts=MAX_ATTEMPTS)
    message(ours, State.FAILED, attempts=1)  # still being retried
    message(theirs, State.TO_CALL)  # another library's
    client.force_login(member(liminka, "Coordinator"))

    page = client.get("/en/admin/").content.decode()

    assert "2 patrons to call about their times" in page
    assert "1 message could not be sent" in page
    assert "/en/admin/bookings/notification/?state__exact=to_call" in page
    assert "2 asiakasta, joille pitää soittaa ajoista" in client.get("/admin/").content.decode()
    calls = client.get("/en/admin/bookings/notification/?state__exact=to_call")
    assert calls.status_code == 200 and len(calls.context["cl"].result_list) == 3


def test_the_admin_front_page_says_nothing_when_no_call_waits(admin_client):
    page = admin_client.get("/en/admin/").content.decode()

    assert "staff-attention" not in page

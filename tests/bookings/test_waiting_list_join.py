"""Joining the waiting list: the link comes by e-mail or text message, the page shows what the
patron asked for, the form offers only the library's guidance days and parts of the day, and
leaving is a clear button that first says what it means."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings import notifications
from bookings.availability import guidance_week
from bookings.models import Notification, PartOfDay, WaitingListEntry
from bookings.notifications import sms_parts_this_month
from bookings.waiting_list import waiting_list_join, waiting_list_leave, waiting_list_offer
from tests.factories import form_started, helsinki, make_guide, make_schedule, make_slot

pytestmark = pytest.mark.django_db

Kind, State = Notification.Kind, Notification.State


def join(library, now, **overrides) -> WaitingListEntry:
    fields = {"patron_name": "Odottava Olli", "phone": "+358401112222"}
    return waiting_list_join(library=library, now=now, **{**fields, **overrides})


def text(response) -> str:
    return " ".join(response.content.decode().split())


# The link on joining


def test_joining_sends_the_private_link_by_text_message_and_counts_it_against_the_cap(
    library, now, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = join(library, now)

    [message] = smsoutbox
    assert message.to == "+358401112222"
    assert message.body.startswith("Olet digiopastuksen jonossa: ")  # the patron's language
    assert message.body.endswith(f"/v/{entry.token}/") and len(message.body) <= 160
    assert entry.notifications.get().state == State.SENT
    assert sms_parts_this_month(library.pk, now=now) == 1


def test_joining_with_an_e_mail_address_sends_the_link_by_e_mail_in_the_patrons_language(
    library, now, mailoutbox, smsoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = join(library, now, email="olli@example.com", language="fi")

    [message] = mailoutbox
    assert message.to == ["olli@example.com"] and smsoutbox == []
    assert message.subject == "Olet digiopastuksen jonotuslistalla"
    assert f"/waiting/{entry.token}/" in message.body and "/en/" not in message.body


def test_past_the_text_message_cap_no_message_is_sent_and_the_page_says_to_keep_its_address(
    client, library, now, smsoutbox, django_capture_on_commit_callbacks
):
    library.sms_monthly_cap = 0
    library.save()

    with django_capture_on_commit_callbacks(execute=True):
        entry = join(library, now)

    assert smsoutbox == [] and not entry.notifications.exists()
    page = text(client.get(reverse("bookings:waiting_entry", args=[entry.token])))
    assert "Keep the address of this page (add a bookmark)" in page


def test_a_link_that_failed_is_sent_again_for_a_day_while_the_patron_is_in_line(library, now):
    entry = join(library, now)
    entry.notifications.update(state=State.FAILED, attempts=1)

    assert notifications.messages_requeue(now=now + dt.timedelta(hours=23)) == 1
    assert notifications.messages_requeue(now=now + dt.timedelta(hours=25)) == 0
    waiting_list_leave(entry=entry, now=now)
    assert notifications.messages_requeue(now=now + dt.timedelta(hours=1)) == 0


def test_the_link_of_a_patron_who_left_before_it_went_out_is_not_sent(library, now, smsoutbox):
    entry = join(library, now)
    waiting_list_leave(entry=entry, now=now)

    assert notifications.deliver.call(entry.notifications.get().pk) == State.SKIPPED
    assert smsoutbox == []


# The patron's page


def test_the_page_shows_what_was_asked_for_and_where_the_link_went(
    client, library, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = join(
            library,
            now,
            weekdays=[1, 3],
            part_of_day=PartOfDay.MORNING,
            need="Mobiilivarmenne",
        )

    page = text(client.get(reverse("bookings:waiting_entry", args=[entry.token])))

    assert "<h1>You are on the waiting list</h1>" in page
    assert "We have sent the address of this page by text message to 040 111 2222." in page
    assert "<dt>Days that suit you</dt><dd>Tuesday, Thursday</dd>" in page
    assert "<dt>Time of day</dt><dd>Mornings (before 12 noon)</dd>" in page
    assert "<dt>What you need help with</dt><dd>Mobiilivarmenne</dd>" in page
    assert '<dt>In line since</dt><dd class="mb-0">Tuesday 1.12.2026</dd>' in page


def test_leaving_is_a_clear_button_that_first_says_what_happens(client, library, now):
    entry = join(library, now)
    entry_page = text(client.get(reverse("bookings:waiting_entry", args=[entry.token])))
    leave_url = reverse("bookings:waiting_leave", args=[entry.token])
    assert f'<a class="btn btn-outline-danger" href="{leave_url}">Leave the waiting list</a>' in (
        entry_page
    )

    confirm = text(client.get(leave_url))

    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.WAITING  # a GET changes nothing
    assert "If you leave, we no longer keep free times at" in confirm
    assert "Yes, leave the waiting list" in confirm and "No, stay in line" in confirm

    response = client.post(
        reverse("bookings:waiting_answer", args=[entry.token]), {"action": "leave"}, follow=True
    )

    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.REMOVED
    assert "We will not offer you times any more." in text(response)
    # Once left, the confirmation page leads back to the entry's own page.
    assert client.get(leave_url)["Location"] == reverse(
        "bookings:waiting_entry", args=[entry.token]
    )


def test_leaving_while_a_time_is_held_says_it_goes_to_the_next_in_line(client, library, now):
    make_slot(library=library, starts_at=now + dt.timedelta(days=3))
    entry = join(library, now)
    waiting_list_offer(library=library, now=now)

    confirm = text(client.get(reverse("bookings:waiting_leave", args=[entry.token])))

    assert "The time we are keeping for you now goes to the next person in line." in confirm


# The form: only the library's days, mornings or afternoons


def test_the_form_offers_only_the_weekdays_and_parts_of_day_the_library_guides_on(
    client, library, guide, now
):
    make_schedule(guide=guide, library=library, weekday=1, start_time=dt.time(10))
    make_schedule(
        guide=guide, library=library, weekday=3, start_time=dt.time(13), end_time=dt.time(15)
    )
    # An ended schedule and an inactive guide's schedule offer nothing.
    make_schedule(guide=guide, library=library, weekday=0, valid_until=dt.date(2026, 11, 30))
    make_schedule(
        guide=make_guide(libraries=[library], is_active=False), library=library, weekday=2
    )
    # A single time staff added on a Saturday is a day of guidance too.
    make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 5, 11, 0))

    html = client.get(f"/en/libraries/{library.slug}/waiting-list/").content.decode()

    assert re.findall(r'name="weekdays" value="(\d)"', html) == ["1", "3", "5"]
    assert re.findall(r'name="part_of_day" value="(\w+)"', html) == [
        "any",
        "morning",
        "afternoon",
    ]


def test_a_day_the_library_does_not_offer_is_refused(client, library, guide):
    for weekday in (1, 3):
        make_schedule(guide=guide, library=library, weekday=weekday)

    response = client.post(
        f"/en/libraries/{library.slug}/waiting-list/",
        {
            "patron_name": "Olli",
            "phone": "040 111 2222",
            "weekdays": ["6"],
            "part_of_day": "any",
            "consent": "on",
            "started": form_started(),
        },
    )

    assert response.status_code == 200 and not WaitingListEntry.objects.exists()


def test_a_library_that_guides_only_in_the_morning_asks_no_time_of_day(client, library, guide):
    make_schedule(guide=guide, library=library, weekday=1, end_time=dt.time(12))
    make_schedule(guide=guide, library=library, weekday=4, end_time=dt.time(11, 30))

    html = client.get(f"/en/libraries/{library.slug}/waiting-list/").content.decode()

    assert 'name="part_of_day"' not in html and 'name="weekdays"' in html
    assert guidance_week(library, now=helsinki(2026, 12, 1, 8, 0)).parts_of_day == ["morning"]


def test_a_patron_who_asks_for_afternoons_is_offered_only_an_afternoon_time(
    client, library, guide, now
):
    make_schedule(guide=guide, library=library, weekday=1, end_time=dt.time(16))
    morning = make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 11, 45))
    afternoon = make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 12, 0))
    client.post(
        f"/en/libraries/{library.slug}/waiting-list/",
        {
            "patron_name": "Olli",
            "phone": "040 111 2222",
            "part_of_day": "afternoon",
            "consent": "on",
            "started": form_started(),
        },
    )
    entry = WaitingListEntry.objects.get()
    assert entry.part_of_day == PartOfDay.AFTERNOON

    waiting_list_offer(library=library, now=now)

    entry.refresh_from_db()
    morning.refresh_from_db()
    assert entry.offered_slot == afternoon and morning.held_for is None


def test_a_morning_patron_is_not_offered_an_afternoon_time(library, guide, now):
    make_slot(guide=guide, library=library, starts_at=helsinki(2026, 12, 8, 12, 0))
    entry = join(library, now, part_of_day=PartOfDay.MORNING)

    assert waiting_list_offer(library=library, now=now) == 0
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.WAITING


def test_an_unknown_time_of_day_is_refused_by_the_service(library, now):
    with pytest.raises(ValidationError, match="mornings, afternoons or any time"):
        join(library, now, part_of_day="night")

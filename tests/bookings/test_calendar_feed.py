"""A guide's private calendar feed: made, replaced and revoked by the guide (or a coordinator),
read by Outlook or Google with the token in its address."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from bookings import calendar_feed, services
from bookings.models import AccessLogEntry, Guide
from bookings.models.private_link import hash_token
from tests.factories import make_booking, make_slot, make_staff, make_topic

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def feed_path(token: str, language: str = "fi") -> str:
    with translation.override(language):
        return reverse("feeds:guide_calendar", args=[token])


def events(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def planted(guide, library, now):
    """A booking whose patron's surname, phone and e-mail must never reach the feed."""
    slot = make_slot(
        guide=guide, library=library, starts_at=(now + dt.timedelta(days=3)).replace(hour=10)
    )
    return make_booking(
        slot=slot,
        now=now,
        patron_name="Aino Salaperäinen",
        phone="+358401234567",
        email="aino.salaperainen@example.com",
        topics=[make_topic(name="Pankkitunnukset")],
        need="Soita minulle numeroon 040 765 4321",
    )


@pytest.fixture
def token(guide, now):
    return calendar_feed.calendar_feed_create(guide=guide, now=now)


def test_only_the_tokens_hash_is_stored(guide, token):
    guide.refresh_from_db()
    assert guide.calendar_feed_hash == hash_token(token)
    assert token not in str(Guide.objects.filter(pk=guide.pk).values().get())


def test_the_feed_opens_in_icalendar_with_helsinki_times(client, planted, token):
    response = client.get(feed_path(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    (event,) = events(response.content)
    start = event.decoded("dtstart")
    assert start == planted.starts_at
    assert start.tzinfo.key == "Europe/Helsinki"
    assert (start.hour, start.minute) == (10, 0)
    assert str(event["uid"]) == f"guide-booking-{planted.pk}@digiopas"
    assert str(event["summary"]) == "Opastus: Aino (Pankkitunnukset)"
    assert planted.library.name in str(event["location"])
    day_page = reverse("staff:library_day", args=[planted.library.slug])
    assert f"{day_page}?day={start.date().isoformat()}&guide={planted.guide_id}" in str(
        event["url"]
    )
    assert b"BEGIN:VTIMEZONE" in response.content and b"TZID:Europe/Helsinki" in response.content


def test_a_booking_after_the_march_clock_change_is_in_summer_time(guide, library, now):
    # The last Sunday of March after `now`: the clocks go forward at 3.00 to 4.00.
    march = dt.date(now.year + 1, 3, 31)
    change_day = march - dt.timedelta(days=(march.weekday() + 1) % 7)
    winter = dt.datetime.combine(change_day - dt.timedelta(days=2), dt.time(10), HELSINKI)
    summer = dt.datetime.combine(change_day + dt.timedelta(days=1), dt.time(10), HELSINKI)
    bookings = [
        make_booking(slot=make_slot(guide=guide, library=library, starts_at=at))
        for at in (winter, summer)
    ]

    body = calendar_feed.guide_feed_ics(guide, bookings, now=now)

    starts = [event.decoded("dtstart") for event in events(body)]
    assert [(start.hour, start.utcoffset()) for start in starts] == [
        (10, dt.timedelta(hours=2)),
        (10, dt.timedelta(hours=3)),
    ]
    assert starts == [booking.starts_at for booking in bookings]


def test_it_holds_no_phone_number_e_mail_surname_or_the_patrons_own_words(client, planted, token):
    text = client.get(feed_path(token)).content.decode()
    for secret in ("Salaperäinen", "401234567", "040 123 4567", "example.com", "765 4321"):
        assert secret not in text
    assert "Aino" in text


def test_it_holds_the_coming_eight_weeks_and_the_past_two_without_cancelled_ones(
    client, guide, library, token, now
):
    def booking_at(days: float):
        at = now + dt.timedelta(days=days)
        slot = make_slot(guide=guide, library=library, starts_at=at)
        return make_booking(slot=slot, phone=f"+35840111{int(days) + 50:04d}")

    kept = [booking_at(-13), booking_at(1), booking_at(55)]
    booking_at(-15), booking_at(57)
    cancelled = booking_at(2)
    services.booking_cancel(booking=cancelled, now=now)
    make_booking(slot=make_slot(library=library, starts_at=now + dt.timedelta(days=1)), now=now)

    uids = [str(event["uid"]) for event in events(client.get(feed_path(token)).content)]

    assert uids == [f"guide-booking-{booking.pk}@digiopas" for booking in kept]


def test_it_speaks_the_language_of_its_address(client, planted, token):
    (event,) = events(client.get(feed_path(token, "sv")).content)
    assert str(event["summary"]) == "Handledning: Aino (Pankkitunnukset)"


def test_a_revoked_or_unknown_token_is_404(client, guide, token):
    calendar_feed.calendar_feed_revoke(guide=guide)
    assert client.get(feed_path(token)).status_code == 404
    assert client.get(feed_path("not-a-token")).status_code == 404
    assert client.get(feed_path("x" * 500)).status_code == 404


def test_a_replaced_token_is_404_and_the_new_one_opens(client, guide, token, now):
    new = calendar_feed.calendar_feed_create(guide=guide, now=now)
    assert client.get(feed_path(token)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_an_inactive_guides_feed_is_404(client, guide, token):
    guide.is_active = False
    guide.save()
    assert client.get(feed_path(token)).status_code == 404


def test_guessing_tokens_is_slowed_down_like_private_links(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "private_link": {"ip": "2/h"}}
    statuses = [client.get(feed_path(f"guess-{n}")).status_code for n in range(4)]
    assert statuses[-1] == 429


def test_it_is_never_framed_or_cached(client, token):
    response = client.get(feed_path(token))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_opening_it_is_in_the_access_log_once_a_day(client, guide, token, now):
    client.get(feed_path(token))
    client.get(feed_path(token))
    (entry,) = AccessLogEntry.objects.filter(place=AccessLogEntry.Place.CALENDAR_FEED)
    assert entry.user == guide.user


def test_its_queries_do_not_grow_with_the_number_of_bookings(
    client, guide, library, token, now, django_assert_num_queries
):
    def fill(count: int) -> None:
        for _ in range(count):
            at = now + dt.timedelta(days=1 + guide.bookings.count())
            make_booking(
                slot=make_slot(guide=guide, library=library, starts_at=at),
                now=now,
                phone=f"+3584011100{guide.bookings.count():02d}",
                topics=[make_topic()],
            )

    fill(1)
    # The guide by the token's hash; their bookings with the library; their topics; the
    # access log's row for today.
    with django_assert_num_queries(4):
        assert len(events(client.get(feed_path(token)).content)) == 1
    fill(5)
    with django_assert_num_queries(4):
        assert len(events(client.get(feed_path(token)).content)) == 6


def test_the_guide_makes_replaces_and_revokes_it_on_their_settings_page(client, guide):
    client.force_login(guide.user)
    page = client.get(reverse("staff:my_settings")).content.decode()
    assert reverse("staff:my_calendar_feed") in page

    made = client.post(reverse("staff:my_calendar_feed"), {"action": "create"})
    guide.refresh_from_db()
    shown = made.content.decode()
    (address,) = re.findall(r"<code>([^<]+)</code>", shown)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert guide.calendar_feed_hash == hash_token(token)
    assert f'href="webcal://{address.split("://", 1)[1]}"' in shown
    assert "no-store" in made["Cache-Control"]
    assert token not in client.get(reverse("staff:my_settings")).content.decode()  # shown once

    client.post(reverse("staff:my_calendar_feed"), {"action": "create"})
    assert client.get(feed_path(token)).status_code == 404

    client.post(reverse("staff:my_calendar_feed"), {"action": "revoke"})
    guide.refresh_from_db()
    assert guide.calendar_feed_hash is None


def test_staff_who_are_not_guides_get_404(client, library):
    client.force_login(make_staff(library))
    assert client.post(reverse("staff:my_calendar_feed"), {"action": "create"}).status_code == 404


def test_a_coordinator_revokes_it_in_the_admin(client, guide, library, token):
    coordinator = make_staff(library, permissions=["view_guide", "change_guide"])
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:bookings_guide_changelist"),
        {"action": "revoke_calendar_feeds", "_selected_action": [guide.pk]},
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.calendar_feed_hash is None
    assert client.get(feed_path(token)).status_code == 404

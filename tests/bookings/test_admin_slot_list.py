"""The admin's slot list opens on today and the days ahead; the past and all slots on request."""

import datetime as dt

import pytest

from tests.factories import make_guide, make_slot

pytestmark = pytest.mark.django_db

URL = "/en/admin/bookings/slot/"


@pytest.fixture
def slots(now):
    """Slots of one guide: two past days, this morning before `now` (08.00), and next week."""
    guide = make_guide()

    def at(day_offset: int, hour: int):
        start = (now + dt.timedelta(days=day_offset)).replace(hour=hour)
        return make_slot(guide=guide, starts_at=start)

    return {
        "two days ago": at(-2, 10),
        "yesterday": at(-1, 10),
        "this morning": at(0, 7),
        "next week": at(7, 10),
    }


def listed(admin_client, query: str = "") -> list:
    return list(admin_client.get(URL + query).context["cl"].result_list)


def test_the_slot_list_opens_on_today_and_the_days_ahead(admin_client, slots):
    assert listed(admin_client) == [slots["this morning"], slots["next week"]]


def test_past_slots_are_listed_latest_first_on_request(admin_client, slots):
    assert listed(admin_client, "?when=past") == [slots["yesterday"], slots["two days ago"]]


def test_every_slot_is_listed_on_request(admin_client, slots):
    assert len(listed(admin_client, "?when=all")) == 4


def test_a_past_day_chosen_from_the_dates_shows_its_slots(admin_client, slots, now):
    day = (now - dt.timedelta(days=1)).date()
    query = f"?starts_at__year={day.year}&starts_at__month={day.month}&starts_at__day={day.day}"

    assert listed(admin_client, query) == [slots["yesterday"]]


def test_the_filter_says_which_slots_are_shown(admin_client, slots):
    page = admin_client.get(URL).content.decode()
    chosen = page.split('class="selected"')[1][:200]

    assert "From today on" in chosen
    assert '?when=past"' in page and '?when=all"' in page

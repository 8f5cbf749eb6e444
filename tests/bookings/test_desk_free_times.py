"""The desk's next free times: across the days, guides and libraries a staff member sees,
filtered by library, guide, guidance language and length; an empty day is never a dead end."""

import datetime as dt

import pytest

from bookings import availability
from bookings.models import Library
from tests.factories import (
    make_booking,
    make_guide,
    make_library,
    make_slot,
    make_slot_run,
    make_staff,
)

pytestmark = pytest.mark.django_db


def listed(times: availability.DeskTimes) -> list:
    return [time.slot for _day, day_times in times.days for time in day_times]


def search(now, **kwargs):
    kwargs.setdefault("libraries", Library.objects.all())
    kwargs.setdefault("start_day", now.date())
    return availability.desk_free_times(now=now, **kwargs)


def test_times_of_every_library_and_guide_come_in_time_order(now, library, guide):
    other = make_guide(libraries=[make_library()], display_name="Bertta")
    late = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))
    early = make_slot(guide=other, starts_at=now + dt.timedelta(hours=3))
    make_slot(guide=guide, library=library, starts_at=now - dt.timedelta(hours=1))  # past

    assert listed(search(now)) == [early, late]


def test_the_desk_sees_times_inside_the_online_notice_but_not_held_or_taken_ones(
    now, library, guide
):
    soon = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(minutes=20))
    make_slot(
        guide=guide,
        library=library,
        starts_at=now + dt.timedelta(hours=1),
        held_until=now + dt.timedelta(hours=2),
    )
    make_booking(
        slot=make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=2))
    )

    assert listed(search(now)) == [soon]


def test_filters_narrow_to_a_library_a_guide_and_a_length(now, library, guide):
    other_library = make_library()
    swedish = make_guide(libraries=[library, other_library], languages=["fi", "sv"])
    single = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=2))
    run = make_slot_run(
        count=3, guide=swedish, library=library, starts_at=now + dt.timedelta(days=1)
    )
    elsewhere = make_slot(
        guide=swedish, library=other_library, starts_at=now + dt.timedelta(days=3)
    )

    here = Library.objects.filter(pk=library.pk)
    assert listed(search(now, libraries=here)) == [single, *run]
    assert listed(search(now, guide_ids=[swedish.pk])) == [*run, elsewhere]
    # 45 minutes fit only from the first of the three back-to-back times.
    assert listed(search(now, minutes=45)) == [run[0]]
    first = search(now, minutes=30).days[0][1][0]
    assert first.slot == run[0] and first.lengths == [15, 30, 45]


def test_an_empty_week_leads_on_to_the_first_week_with_times(now, library, guide):
    far = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(weeks=5))

    times = search(now)

    assert listed(times) == [far]
    assert times.first_day == now.date() and times.days[0][0] == far.starts_at.date()


def test_a_length_nobody_has_searches_eight_weeks_and_says_until_when(now, library, guide):
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=1))

    times = search(now, minutes=60)

    assert times.days == [] and times.next_day == now.date() + dt.timedelta(days=1, weeks=8)


def test_no_times_at_all_says_so(now, library):
    times = search(now)

    assert times.days == [] and times.next_day is None


def test_a_long_list_stops_at_a_whole_day_and_leads_on(now, library, guide, monkeypatch):
    monkeypatch.setattr(availability, "DESK_TIMES_SHOWN", 2)
    first_day = make_slot_run(
        count=3, guide=guide, library=library, starts_at=now + dt.timedelta(hours=2)
    )
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=1))

    times = search(now)

    assert listed(times) == first_day
    assert times.next_day == now.date() + dt.timedelta(days=1)


def test_two_queries_however_many_libraries_and_guides(now, django_assert_num_queries):
    for _ in range(3):
        library = make_library()
        for _ in range(2):
            make_slot_run(
                count=4,
                guide=make_guide(libraries=[library]),
                library=library,
                starts_at=now + dt.timedelta(days=1),
            )

    with django_assert_num_queries(2):
        times = search(now)
        assert len(listed(times)) == 24
        assert {time.slot.library.name for time in times.days[0][1]}


@pytest.fixture
def desk(client, library):
    client.force_login(make_staff(library, permissions=["add_booking", "view_booking"]))
    return client


def test_the_desk_page_filters_by_language_and_names_the_library_when_several(
    client, now, library, guide
):
    other_library = make_library(name="Toinen kirjasto")
    staff = make_staff(library, other_library, permissions=["add_booking"])
    client.force_login(staff)
    swedish = make_guide(libraries=[other_library], display_name="Sven", languages=["sv"])
    finnish = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=2))
    in_swedish = make_slot(
        guide=swedish, library=other_library, starts_at=now + dt.timedelta(hours=3)
    )

    everything = client.get("/en/staff/book/")
    page = everything.content.decode()
    assert [time.slot for time in everything.context["times"].days[0][1]] == [finnish, in_swedish]
    assert "Toinen kirjasto" in page and "Swedish" in page

    only_swedish = client.get("/en/staff/book/", {"language": "sv"})
    assert [time.slot for time in only_swedish.context["times"].days[0][1]] == [in_swedish]


def test_the_desk_page_leads_on_from_an_empty_day(desk, now, library, guide):
    later = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=9))

    response = desk.get("/en/staff/book/", {"day": now.date().isoformat()})

    page = response.content.decode()
    assert "No free times that fit on 1.12.2026. The next ones are on" in page
    assert f'href="/en/staff/book/{later.pk}/"' in page


def test_the_later_times_link_keeps_the_filters(desk, now, library, guide, monkeypatch):
    monkeypatch.setattr(availability, "DESK_TIMES_SHOWN", 1)
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(hours=2))
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))

    response = desk.get("/en/staff/book/", {"guide": guide.pk, "minutes": "15"})

    later = (now.date() + dt.timedelta(days=2)).isoformat()  # the next day with times
    assert (
        f"?day={later}&amp;library=&amp;guide={guide.pk}&amp;language=&amp;way=&amp;minutes=15"
        in (response.content.decode())
    )


def test_bad_filters_get_form_errors_not_a_crash(desk):
    response = desk.get(
        "/en/staff/book/",
        {"guide": "99999999999999999999999", "language": "xx", "minutes": "7", "day": "1.1.1000"},
    )

    assert response.status_code == 200 and response.context["times"] is None
    assert set(response.context["form"].errors) == {"guide", "language", "minutes", "day"}
    # A date picker takes only an ISO value: what was typed is not written back into it.
    assert 'value="1.1.1000"' not in response.content.decode()


def test_moving_offers_only_times_that_fit_the_whole_visit(client, now, library, guide):
    client.force_login(make_staff(library, permissions=["change_booking", "view_booking"]))
    booking = make_booking(
        slot=make_slot_run(
            count=2, guide=guide, library=library, starts_at=now + dt.timedelta(days=1)
        )[0],
        slot_count=2,
    )
    short = make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))
    other = make_guide(libraries=[library])
    fits = make_slot_run(
        count=2, guide=other, library=library, starts_at=now + dt.timedelta(days=3)
    )

    response = client.get(f"/en/staff/bookings/{booking.pk}/move/")

    offered = [time.slot for _d, times in response.context["times"].days for time in times]
    assert short not in offered and offered == [fits[0]]

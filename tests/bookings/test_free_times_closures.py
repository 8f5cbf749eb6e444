"""The free-times page says a closure in its place among the days (its reason, its days and "no
times") instead of leaving a silent gap, and puts "today" and "tomorrow" beside those days'
dates; the cached page stays right when a closure comes or goes, and at midnight."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.utils import timezone, translation

from bookings import services
from bookings.availability_cache import free_times_html
from bookings.templatetags.day_ranges import day_range
from tests.factories import make_closure, make_guide, make_slot

pytestmark = pytest.mark.django_db


def on(days: int, hour: int = 14) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def day_of(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def short(day: dt.date) -> str:
    return f"{day.day}.{day.month}."


def headings(page: str | bytes) -> list[str]:
    text = page.decode() if isinstance(page, bytes) else page
    return [
        html.unescape(heading)
        for heading in re.findall(r'<h2 class="day-heading[^"]*" id="[^"]+">(.*?)</h2>', text)
    ]


def close(library, first: int, last: int, reason: str = "Joululoma", **fields):
    """A closure saved as the admin saves one (its free slots removed, the page told)."""
    closure = make_closure(
        library=library, starts_on=day_of(first), ends_on=day_of(last), reason=reason, **fields
    )
    services.closure_apply(closure=closure)
    return closure


def test_a_closure_shows_in_its_place_among_the_days(client, library, guide):
    make_slot(guide=guide, library=library, starts_at=on(2))
    make_slot(guide=guide, library=library, starts_at=on(10))
    close(library, 4, 8)

    page = client.get(f"/libraries/{library.slug}/")

    shown = headings(page.content)
    assert len(shown) == 3
    assert shown[1] == f"Joululoma {short(day_of(4))}–{short(day_of(8))}: ei aikoja"
    assert shown[0].endswith(short(day_of(2))) and shown[2].endswith(short(day_of(10)))


def test_a_one_day_closure_reads_as_that_day_in_swedish_too(client, library, guide):
    make_slot(guide=guide, library=library, starts_at=on(2))
    close(library, 5, 5, reason="Remontti")

    page = client.get(f"/sv/libraries/{library.slug}/").content.decode()

    assert f"Remontti {short(day_of(5))}: inga tider" in headings(page)
    assert f"{short(day_of(5))}–" not in page


def test_only_the_whole_librarys_closures_from_today_to_the_horizon_are_shown(
    client, library, guide
):
    make_slot(guide=guide, library=library, starts_at=on(9))
    close(library, -3, 1, reason="Inventaario")  # began before today: first, with its days
    close(library, -9, -2, reason="Mennyt")  # over
    close(library, 3, 3, reason="Koulutus", guide=guide)  # one guide's: none of the patrons'
    close(library, 7 * library.booking_horizon_weeks + 1, 7 * 8, reason="Kesä")  # beyond

    shown = headings(client.get(f"/en/libraries/{library.slug}/").content)

    assert shown[0] == f"Inventaario {short(day_of(-3))}–{short(day_of(1))}: no times"
    assert len(shown) == 2 and shown[1].endswith(short(day_of(9)))


def test_a_library_with_no_free_times_still_says_why(client, library):
    close(library, 0, 13)

    page = client.get(f"/en/libraries/{library.slug}/").content.decode()

    assert "There are no free times online right now." in page
    assert headings(page) == [f"Joululoma {short(day_of(0))}–{short(day_of(13))}: no times"]
    assert "First free time" not in page


def test_today_and_tomorrow_are_words_beside_their_dates(client, library, guide):
    for days in (0, 1, 2):  # the clock starts at 8.00: today's 14.00 is bookable online
        make_slot(guide=guide, library=library, starts_at=on(days))

    page = client.get(f"/libraries/{library.slug}/").content.decode()

    shown = headings(page)
    assert shown[0].startswith("Tänään, ") and shown[0].endswith(short(day_of(0)))
    assert shown[1].startswith("Huomenna, ") and shown[1].endswith(short(day_of(1)))
    assert not shown[2].startswith(("Tänään", "Huomenna"))
    assert re.search(r'<p class="mb-2">Tänään, \w+ ' + re.escape(short(day_of(0))), page)


def test_the_words_move_on_at_midnight_though_nothing_changed(client, library, guide):
    for days in (1, 2):
        make_slot(guide=guide, library=library, starts_at=on(days))
    url = f"/en/libraries/{library.slug}/"
    assert headings(client.get(url).content)[0].startswith("Tomorrow, ")

    with time_machine.travel(timezone.localtime(on(1, 0)) + dt.timedelta(minutes=1)):
        shown = headings(client.get(url).content)

    assert shown[0].startswith("Today, ") and shown[1].startswith("Tomorrow, ")


def test_a_closure_added_changed_or_removed_in_the_admin_shows_at_once(
    admin_client, client, library, guide
):
    make_slot(guide=guide, library=library, starts_at=on(2))
    url = f"/en/libraries/{library.slug}/"
    assert len(headings(client.get(url).content)) == 1  # the page is in the cache now
    closure = {"library": library.pk, "starts_on": day_of(5), "ends_on": day_of(5)}

    admin_client.post("/en/admin/bookings/closure/add/", closure | {"reason_fi": "Remontti"})
    assert f"Remontti {short(day_of(5))}: no times" in headings(client.get(url).content)

    added = library.closures.get()
    change = f"/en/admin/bookings/closure/{added.pk}/change/"
    admin_client.post(change, closure | {"reason_fi": "Muutto"})
    assert f"Muutto {short(day_of(5))}: no times" in headings(client.get(url).content)

    admin_client.post(f"/en/admin/bookings/closure/{added.pk}/delete/", {"post": "yes"})
    assert len(headings(client.get(url).content)) == 1


def test_a_closure_removed_from_the_list_or_moved_away_goes_from_the_page(
    admin_client, client, library, guide
):
    other = make_guide().libraries.get()
    make_slot(guide=guide, library=library, starts_at=on(2))
    url = f"/en/libraries/{library.slug}/"
    moved, removed = close(library, 4, 4, reason="Muutto"), close(library, 6, 6)
    assert len(headings(client.get(url).content)) == 3

    data = {"starts_on": day_of(4), "ends_on": day_of(4), "reason_fi": "Muutto"}
    admin_client.post(
        f"/en/admin/bookings/closure/{moved.pk}/change/", data | {"library": other.pk}
    )
    admin_client.post(
        "/en/admin/bookings/closure/",
        {"action": "delete_selected", "_selected_action": [removed.pk], "post": "yes"},
    )

    assert len(headings(client.get(url).content)) == 1


def test_the_page_runs_three_queries_however_many_closures(
    client, library, guide, django_assert_num_queries
):
    make_slot(guide=guide, library=library, starts_at=on(2))
    for days in (3, 5, 7, 9):
        close(library, days, days)

    # 1: the library; 2: its bookable times; 3: its closures ahead.
    with django_assert_num_queries(3):
        page = client.get(f"/libraries/{library.slug}/")

    assert len(headings(page.content)) == 5


def test_each_language_gets_the_closure_in_its_own_words(library, guide):
    make_slot(guide=guide, library=library, starts_at=on(2))
    close(library, 4, 4)
    now = timezone.now()

    words = {}
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            words[language] = headings(free_times_html(library, now=now))[1]

    day = short(day_of(4))
    assert words == {
        "fi": f"Joululoma {day}: ei aikoja",
        "sv": f"Joululoma {day}: inga tider",
        "en": f"Joululoma {day}: no times",
    }


def test_days_are_written_as_in_finland_and_one_day_never_as_a_range():
    christmas, epiphany = dt.date(2026, 12, 21), dt.date(2027, 1, 6)

    assert day_range(christmas, epiphany) == "21.12.–6.1."
    assert day_range(christmas, epiphany, with_year=True) == "21.12.2026–6.1.2027"
    assert day_range(christmas, christmas) == "21.12."
    assert day_range(christmas, christmas, with_year=True) == "21.12.2026"

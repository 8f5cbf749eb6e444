"""A patron who wants guidance in Swedish or English finds those times on the free-times page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import make_guide, make_library, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_guides(now):
    library = make_library(name="Limingan kirjasto", slug="liminka")
    maria = make_guide(libraries=[library], display_name="Maria", languages=["fi", "en"])
    aki = make_guide(libraries=[library], display_name="Aki", languages=["fi", "sv"])
    day = timezone.localtime(now + dt.timedelta(days=2)).replace(hour=10, minute=0)
    times = {
        "maria": make_slot(guide=maria, library=library, starts_at=day),
        "aki": make_slot(guide=aki, library=library, starts_at=day + dt.timedelta(hours=2)),
    }
    return library, times


def language_choice(page: str) -> str:
    """The free-times page's choice of guidance language ("" where there is none)."""
    found = re.search(r'<nav class="guidance-languages.*?</nav>', page, re.S)
    return found[0] if found else ""


def offered(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="[^"]*/book/(\d+)/"', page)}


def test_the_page_offers_the_languages_the_guides_of_its_times_speak(client, two_guides):
    library, times = two_guides

    page = client.get(f"/sv/libraries/{library.slug}/").content.decode()

    assert 'aria-label="Handledningsspråk"' in page
    choice = language_choice(page)
    links = re.findall(r'href="/sv/libraries/liminka/(\?language=\w+)?"', choice)
    assert links == ["", "?language=fi", "?language=sv", "?language=en"]
    assert '<a href="/sv/libraries/liminka/?language=sv" lang="sv">svenska</a>' in choice
    assert offered(page) == {times["maria"].pk, times["aki"].pk}


def test_a_chosen_language_shows_only_its_guides_times(client, two_guides):
    library, times = two_guides

    swedish = client.get(f"/sv/libraries/{library.slug}/?language=sv").content.decode()
    english = client.get(f"/libraries/{library.slug}/?language=en").content.decode()

    assert offered(swedish) == {times["aki"].pk}
    assert 'href="/sv/libraries/liminka/?language=sv" lang="sv" aria-current="page"' in swedish
    assert offered(english) == {times["maria"].pk}


def test_a_language_no_free_time_has_says_so_and_leads_back(client, two_guides, now):
    library, times = two_guides
    times["aki"].delete()
    make_slot(guide=make_guide(libraries=[library], languages=["fi"]), library=library)

    page = client.get(f"/en/libraries/{library.slug}/?language=sv").content.decode()

    assert offered(page) == set()
    # Maria guides in Finnish and English, the other guide in Finnish: no Swedish on offer.
    choice = language_choice(page)
    assert '?language=sv"' not in choice and '?language=en"' in choice
    assert "No free times with guidance in svenska right now." in page
    assert 'href="/en/libraries/liminka/">Show all free times</a>' in page
    assert "There are no free times online right now." not in page


def test_one_language_among_the_guides_offers_no_choice(client, library, now):
    guide = make_guide(libraries=[library], languages=["fi"])
    make_slot(guide=guide, library=library, starts_at=now + dt.timedelta(days=2))

    page = client.get(f"/libraries/{library.slug}/").content.decode()

    assert language_choice(page) == ""
    assert "Opastuskieli" not in page


@pytest.mark.parametrize("asked", ["xx", "", "sv%00", "<script>"])
def test_any_other_language_asked_shows_every_time(client, two_guides, asked):
    library, times = two_guides

    response = client.get(f"/libraries/{library.slug}/", {"language": asked})

    assert response.status_code == 200
    assert offered(response.content.decode()) == {times["maria"].pk, times["aki"].pk}


def test_a_chosen_language_costs_the_queries_of_any_page_with_a_query(
    client, two_guides, django_assert_num_queries
):
    library, _times = two_guides

    # The library, its free times (with their guides' languages), its closures ahead.
    with django_assert_num_queries(3):
        client.get(f"/libraries/{library.slug}/?language=sv")

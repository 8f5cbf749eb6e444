import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bookings import services as booking_services
from bookings.models import FeedbackAnswer
from principles import services
from tests.factories import make_library
from tests.principles.factories import (
    make_draft,
    make_guideline,
    make_principle,
    make_published_page,
)

pytestmark = pytest.mark.django_db


def url_in(language: str) -> str:
    with translation.override(language):
        return reverse("principles:page")


def test_anonymous_visitors_see_the_published_version(client, now):
    make_published_page(now=now, title_fi="Palvelun periaatteet")

    response = client.get(reverse("principles:page"))

    assert response.status_code == 200
    assert "Palvelun periaatteet" in response.text


def test_draft_edits_stay_hidden_until_published(client, now):
    version = make_published_page(now=now)
    make_principle(page=version.page, name_fi="Salainen luonnos")

    response = client.get(reverse("principles:page"))

    assert "Salainen luonnos" not in response.text


def test_staff_also_see_only_the_published_version_on_the_public_page(client, now, coordinator):
    version = make_published_page(now=now)
    make_principle(page=version.page, name_fi="Salainen luonnos")
    client.force_login(coordinator)

    response = client.get(reverse("principles:page"))

    assert "Salainen luonnos" not in response.text


def test_a_draft_that_was_never_published_is_not_shown(client):
    make_draft(title_fi="Luonnoksen otsikko")

    response = client.get(reverse("principles:page"))

    assert response.status_code == 200
    assert "Luonnoksen otsikko" not in response.text
    assert "Kirjaston henkilökunta kirjoittaa periaatteita vielä." in response.text


def test_it_shows_a_friendly_page_when_nothing_is_published(client):
    response = client.get(url_in("en"))

    assert response.status_code == 200
    assert "Please come back a little later" in response.text
    assert response.text.count("<h1") == 1


def test_it_shows_the_visitors_language(client, now):
    version = make_published_page(now=now, title_en="Our principles")
    principle = version.page.principles.first()

    response = client.get(url_in("en"))

    assert '<h1 lang="en">Our principles</h1>' in response.text
    assert principle.name_en in response.text


def test_a_swedish_visitor_sees_finnish_where_the_swedish_text_is_empty(client, now):
    page = make_draft(principles=0, title_sv="Principer")
    principle = make_principle(page=page, name_fi="Ystävällisyys", name_sv="")
    make_guideline(principle=principle, text_fi="Kaikki ovat tervetulleita.", text_sv="")
    make_guideline(principle=principle, text_fi="Suomeksi", text_sv="Alla är välkomna.")
    services.page_publish(page=page, user=None, now=now)

    response = client.get(url_in("sv"))

    assert '<h1 lang="sv">Principer</h1>' in response.text
    # The Finnish fallback is marked as Finnish for screen readers.
    assert '<h3 id="principle-1" lang="fi">Ystävällisyys</h3>' in response.text
    assert '<li lang="fi">Kaikki ovat tervetulleita.</li>' in response.text
    assert '<li lang="sv">Alla är välkomna.</li>' in response.text
    assert "Suomeksi" not in response.text


def test_the_page_has_one_h1_and_links_to_the_poster(client, now):
    make_published_page(now=now)

    response = client.get(reverse("principles:page"))

    assert response.text.count("<h1") == 1
    assert f'href="{reverse("principles:poster")}"' in response.text


def test_every_public_page_links_to_the_principles_in_its_footer(client):
    response = client.get(reverse("bookings:home"))

    assert f'href="{reverse("principles:page")}"' in response.text


@pytest.mark.parametrize(("principles", "guidelines"), [(1, 1), (4, 3), (12, 10)])
def test_it_runs_two_queries_however_many_principles_and_guidelines(
    client, now, django_assert_num_queries, principles, guidelines
):
    make_published_page(now=now, principles=principles, guidelines=guidelines)

    # 1. the libraries' feedback averages ("What our patrons say"), 2. the current published
    # version, whose snapshot holds the whole page
    with django_assert_num_queries(2):
        response = client.get(reverse("principles:page"))

    assert response.text.count("<h3") == principles


def test_the_page_is_rendered_once_and_then_served_with_no_query(
    client, now, django_assert_num_queries
):
    make_published_page(now=now, title_fi="Palvelun periaatteet")
    first = client.get(reverse("principles:page"))

    with django_assert_num_queries(0):
        again = client.get(reverse("principles:page"))

    assert again.content == first.content
    assert "Palvelun periaatteet" in again.text


def test_publishing_shows_the_new_version_on_the_next_view(client, now):
    version = make_published_page(now=now, title_fi="Vanha otsikko")
    assert "Vanha otsikko" in client.get(reverse("principles:page")).text
    assert "Vanha otsikko" in client.get(reverse("principles:poster")).text
    page = version.page
    page.title_fi = "Uusi otsikko"
    page.save()

    services.page_publish(page=page, user=None, now=now)

    for url in (reverse("principles:page"), reverse("principles:poster")):
        text = client.get(url).text
        assert "Uusi otsikko" in text
        assert "Vanha otsikko" not in text


def test_each_language_is_cached_on_its_own(client, now):
    make_published_page(now=now, title_fi="Periaatteet", title_en="Our principles")

    assert '<h1 lang="fi">Periaatteet</h1>' in client.get(url_in("fi")).text
    assert '<h1 lang="en">Our principles</h1>' in client.get(url_in("en")).text
    assert '<h1 lang="fi">Periaatteet</h1>' in client.get(url_in("fi")).text


def test_a_library_renamed_in_the_admin_shows_renamed_in_the_averages(client, now, settings):
    make_published_page(now=now)
    library = make_library(name="Vanha kirjasto", shows_patron_feedback=True)
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(library=library, answered_on=now.date(), helped=5)
        for _ in range(settings.FEEDBACK_MIN_ANSWERS)
    )
    assert "Vanha kirjasto" in client.get(url_in("en")).text
    library.name = "Uusi kirjasto"
    library.save()

    booking_services.library_changed(library.pk)  # what the admin calls on saving a library

    assert "Uusi kirjasto" in client.get(url_in("en")).text


def test_a_visitor_with_a_session_gets_the_page_rendered_for_them(client, now, coordinator):
    make_published_page(now=now)
    client.get(reverse("principles:page"))
    client.force_login(coordinator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("principles:page"))

    assert response.status_code == 200
    assert any("principles_publishedversion" in query["sql"] for query in queries)

import pytest
from django.urls import reverse
from django.utils import translation

from tests.principles.factories import make_published_page

pytestmark = pytest.mark.django_db


def test_the_poster_shows_every_principle_side_by_side_with_its_guidelines(client, now):
    version = make_published_page(now=now, principles=4, guidelines=3)

    response = client.get(reverse("principles:poster"))

    assert response.status_code == 200
    assert response.text.count('class="poster-principle"') == 4
    for principle in version.page.principles.all():
        assert principle.name_fi in response.text
        for guideline in principle.guidelines.all():
            assert f'<li lang="fi">{guideline.text_fi}</li>' in response.text
    assert response.text.count("<h1") == 1


def test_the_poster_loads_its_own_print_stylesheet(client, now):
    make_published_page(now=now)

    response = client.get(reverse("principles:poster"))

    assert "css/poster.css" in response.text
    assert "css/poster.css" not in client.get(reverse("principles:page")).text


@pytest.mark.parametrize(("query", "paper"), [("", "a4"), ("?paper=a3", "a3"), ("?paper=x", "a4")])
def test_the_poster_prints_on_the_chosen_paper(client, now, query, paper):
    make_published_page(now=now)

    response = client.get(reverse("principles:poster") + query)

    assert f'class="poster poster-{paper}"' in response.text


@pytest.mark.parametrize(
    ("language", "come_back_later"),
    [
        ("fi", "Tervetuloa katsomaan hieman myöhemmin uudelleen."),
        ("en", "Please come back a little later."),
    ],
)
def test_the_poster_is_friendly_when_nothing_is_published(client, language, come_back_later):
    with translation.override(language):
        url = reverse("principles:poster")

    response = client.get(url)

    assert response.status_code == 200
    assert come_back_later in response.text


@pytest.mark.parametrize(("principles", "guidelines"), [(1, 1), (8, 6)])
def test_the_poster_runs_one_query(client, now, django_assert_num_queries, principles, guidelines):
    make_published_page(now=now, principles=principles, guidelines=guidelines)

    # 1. the current published version
    with django_assert_num_queries(1):
        client.get(reverse("principles:poster"))

import pytest
from django.urls import reverse

from principles import services
from tests.principles.factories import make_draft, make_principle, make_published_page

pytestmark = pytest.mark.django_db

PREVIEWS = ["principles:draft_preview", "principles:draft_poster_preview"]


@pytest.mark.parametrize("name", PREVIEWS)
def test_anonymous_visitors_are_sent_to_the_staff_login(client, name):
    make_draft()

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", PREVIEWS)
def test_a_logged_in_patron_cannot_see_the_draft(client, patron_account, name):
    make_draft(title_fi="Luonnoksen otsikko")
    client.force_login(patron_account)

    response = client.get(reverse(name))

    assert "Luonnoksen otsikko" not in response.text


@pytest.mark.parametrize("name", PREVIEWS)
def test_staff_preview_the_unpublished_draft(client, staff, now, name):
    version = make_published_page(now=now)
    make_principle(page=version.page, name_fi="Uusi periaate")
    client.force_login(staff)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "Uusi periaate" in response.text
    assert "Tämä on luonnoksen esikatselu." in response.text
    assert response.text.count("<h1") == 1


def test_the_preview_is_404_before_there_is_a_draft(client, staff):
    client.force_login(staff)

    assert client.get(reverse("principles:draft_preview")).status_code == 404


def test_the_draft_preview_runs_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    make_draft(principles=6, guidelines=5)
    client.force_login(staff)

    # 1. session, 2. user, 3. page, 4. principles, 5. their guidelines,
    # 6. statements, 7. encounter sentences
    with django_assert_num_queries(7):
        client.get(reverse("principles:draft_preview"))


def test_staff_look_at_an_earlier_version(client, staff, now):
    first = make_published_page(now=now, title_fi="Ensimmäinen")
    first.page.title_fi = "Toinen"
    first.page.save()
    services.page_publish(page=first.page, user=None, now=now)
    client.force_login(staff)

    response = client.get(reverse("principles:version_preview", args=[1]))

    assert "Ensimmäinen" in response.text
    assert "Tämä on versio 1," in response.text
    assert "Tämä versio ei nyt näy kävijöille." in response.text


def test_anonymous_visitors_cannot_look_at_earlier_versions(client, now):
    make_published_page(now=now)

    response = client.get(reverse("principles:version_preview", args=[1]))

    assert response.status_code == 302

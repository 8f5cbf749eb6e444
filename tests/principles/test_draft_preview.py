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
def test_a_coordinator_previews_the_unpublished_draft(client, coordinator, now, name):
    version = make_published_page(now=now)
    make_principle(page=version.page, name_fi="Uusi periaate")
    client.force_login(coordinator)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "Uusi periaate" in response.text
    assert "Tämä on luonnoksen esikatselu." in response.text
    assert response.text.count("<h1") == 1


def test_the_preview_is_404_before_there_is_a_draft(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("principles:draft_preview")).status_code == 404


def test_the_draft_preview_runs_a_fixed_number_of_queries(
    client, coordinator, django_assert_num_queries
):
    make_draft(principles=6, guidelines=5)
    client.force_login(coordinator)

    # 1. session, 2. user, 3. the user's permissions, 4. their groups' permissions, 5. page,
    # 6. principles, 7. their guidelines, 8. statements, 9. encounter sentences
    with django_assert_num_queries(9):
        client.get(reverse("principles:draft_preview"))


def test_a_coordinator_looks_at_an_earlier_version(client, coordinator, now):
    first = make_published_page(now=now, title_fi="Ensimmäinen")
    first.page.title_fi = "Toinen"
    first.page.save()
    services.page_publish(page=first.page, user=None, now=now)
    client.force_login(coordinator)

    response = client.get(reverse("principles:version_preview", args=[1]))

    assert "Ensimmäinen" in response.text
    assert "Tämä on versio 1," in response.text
    assert "Tämä versio ei nyt näy kävijöille." in response.text


def test_anonymous_visitors_cannot_look_at_earlier_versions(client, now):
    make_published_page(now=now)

    response = client.get(reverse("principles:version_preview", args=[1]))

    assert response.status_code == 302


PRIVATE_PAGES = [*PREVIEWS, "principles:version_preview"]


def private_url(name: str) -> str:
    return reverse(name, args=[1]) if name == "principles:version_preview" else reverse(name)


@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_staff_without_the_principles_permission_cannot_see_drafts_or_versions(
    client, staff, now, name
):
    version = make_published_page(now=now, title_fi="Sisäinen otsikko")
    make_principle(page=version.page, name_fi="Keskeneräinen periaate")
    client.force_login(staff)

    response = client.get(private_url(name))

    assert response.status_code == 403
    assert "Keskeneräinen periaate" not in response.text
    assert "Sisäinen otsikko" not in response.text


@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_drafts_and_versions_are_never_stored_or_framed(client, coordinator, now, name, settings):
    settings.FRAME_ANCESTORS = ["'self'", "https://www.kirjasto.fi"]
    make_published_page(now=now)
    client.force_login(coordinator)

    response = client.get(private_url(name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_production_mode_asks_a_password_only_session_for_the_code(
    client, coordinator, now, name, settings
):
    settings.STAFF_OTP_REQUIRED = True
    make_published_page(now=now)
    client.force_login(coordinator)  # signed in, but not with a code

    response = client.get(private_url(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

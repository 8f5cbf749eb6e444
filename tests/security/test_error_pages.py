"""Error pages say what happened and what to do next, in Finnish, Swedish and English."""

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from digiopas.error_pages import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "heading"),
    [
        ("", "Emme löytäneet tätä sivua"),
        ("/sv", "Vi hittade inte den här sidan"),
        ("/en", "We could not find this page"),
    ],
)
def test_a_missing_page_says_so_in_the_patrons_language(client, prefix, heading):
    response = client.get(f"{prefix}/libraries/no-such-library/")

    assert response.status_code == 404
    assert heading in response.content.decode()


def test_a_missing_page_tells_what_to_do_next(client):
    html = client.get("/en/no-such-page/").content.decode()

    assert "call your library" in html
    assert 'href="/en/"' in html


def test_an_unknown_host_gets_the_friendly_400_page(client):
    response = client.get("/en/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()


def test_an_expired_form_gets_the_friendly_403_page(library):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("bookings:waiting_list_join", args=[library.slug]), {})

    assert response.status_code == 403
    html = response.content.decode()
    assert "The form had expired" in html
    assert "reload the page and send the form again" in html


def test_staff_without_the_right_get_the_friendly_403_page(client, library):
    user = get_user_model().objects.create_user(username="no-rights", is_staff=True)
    client.force_login(user)

    response = client.get(reverse("staff:statistics_page"))

    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_an_unexpected_error_gets_the_friendly_500_page(library, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("bookings.patron.views.availability_cache.free_times", broken)
    client = Client(raise_request_exception=False)

    response = client.get(f"/sv/libraries/{library.slug}/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Något gick fel hos oss" in html
    assert "Traceback" not in html


def test_the_database_going_away_in_a_view_gets_the_503_page(library, monkeypatch):
    def database_gone(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr("bookings.patron.views.availability_cache.free_times", database_gone)

    response = Client().get(f"/en/libraries/{library.slug}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "The booking service is not available just now" in response.content.decode()


def test_the_500_handler_answers_503_when_the_database_is_the_cause(rf):
    """Errors outside views (in middleware) reach handler500 rather than the middleware."""
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = server_error(rf.get("/"))

    assert response.status_code == 503
    assert "The booking service is not available just now" in response.content.decode()

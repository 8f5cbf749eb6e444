"""The API is rate-limited per address like the other public reads, and open to any site's
scripts for reading (CORS), without cookies or credentials; the rest of the site is not."""

import pytest
from django.test import Client

from tests.api.conftest import API

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.kirjasto.example"


def test_too_many_requests_from_one_address_get_a_json_429(client, library, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"ip": "3/h"}}
    url = f"{API}/libraries/{library.slug}/free-times"
    for _ in range(3):
        assert client.get(url).status_code == 200

    refused = client.get(url, headers={"Accept-Language": "en"})
    elsewhere = Client(REMOTE_ADDR="198.51.100.7").get(url)

    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json() == {
        "detail": "Too many requests from this address. Please wait a minute and try again."
    }
    assert refused["Retry-After"] == "60"
    assert client.get(f"{API}/libraries?lang=fi").json()["detail"].startswith("Liian monta")
    assert elsewhere.status_code == 200


def test_any_site_may_read_it_from_a_browser_without_credentials(client, library):
    response = client.get(f"{API}/libraries/{library.slug}", headers={"Origin": ORIGIN})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert not response.cookies


def test_a_preflight_is_answered_for_get_only(client, library):
    response = client.options(
        f"{API}/libraries/{library.slug}/free-times",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept-language",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert "accept-language" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_errors_carry_the_cors_header_too(client):
    response = client.get(f"{API}/libraries/nope/free-times", headers={"Origin": ORIGIN})

    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_site_s_own_pages_are_not_opened_to_other_origins(client, library):
    for url in (f"/libraries/{library.slug}/", "/", "/admin/login/"):
        response = client.get(url, headers={"Origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in response, url


def test_it_writes_nothing(client, library):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method(f"{API}/libraries/{library.slug}/free-times")
        assert response.status_code == 405

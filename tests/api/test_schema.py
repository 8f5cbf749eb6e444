"""The API's OpenAPI schema is valid, and every answer matches it."""

import pytest
from openapi_spec_validator import validate

from bookings.waiting_list import waiting_list_join
from tests.api.conftest import API, check_against_schema, days_ahead
from tests.factories import make_booking, make_slot_run

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi(schema):
    validate(schema)
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) == {
        f"{API}/libraries",
        f"{API}/libraries/{{slug}}",
        f"{API}/libraries/{{slug}}/free-times",
    }


def test_every_answer_matches_the_schema(client, schema, library, guide, now):
    slots = make_slot_run(count=3, guide=guide, library=library, starts_at=days_ahead(2))
    make_booking(slot=slots[1])
    waiting_list_join(library=library, patron_name="Olli", phone="+358401112222", now=now)
    answers = [
        (f"{API}/libraries", "/libraries", 200),
        (f"{API}/libraries/{library.slug}", "/libraries/{slug}", 200),
        (f"{API}/libraries/nope", "/libraries/{slug}", 404),
        (f"{API}/libraries/{library.slug}/free-times", "/libraries/{slug}/free-times", 200),
        (
            f"{API}/libraries/{library.slug}/free-times?lang=sv&minutes=15&guidance_language=fi",
            "/libraries/{slug}/free-times",
            200,
        ),
        (
            f"{API}/libraries/{library.slug}/free-times?from=2026-13-01",
            "/libraries/{slug}/free-times",
            400,
        ),
        (f"{API}/libraries/nope/free-times", "/libraries/{slug}/free-times", 404),
    ]
    for url, path, status in answers:
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Type"].startswith("application/json")
        check_against_schema(schema, f"{API}{path}", status, response.json())


def test_too_many_requests_match_the_schema_too(client, schema, library, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"ip": "1/h"}}
    client.get(f"{API}/libraries")

    response = client.get(f"{API}/libraries/{library.slug}/free-times")

    assert response.status_code == 429
    check_against_schema(schema, f"{API}/libraries/{{slug}}/free-times", 429, response.json())

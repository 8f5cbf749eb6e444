"""Helpers for the public API's tests: the schema, and checking an answer against it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from openapi_schema_validator import OAS31Validator

API = "/api/v1"


def days_ahead(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def schema(db) -> dict:
    return Client().get(f"{API}/openapi.json").json()


def check_against_schema(schema: dict, path: str, status: int, body) -> None:
    """`body` matches what the schema says operation `path` answers with `status`."""
    answer = schema["paths"][path]["get"]["responses"][str(status)]
    shape = answer["content"]["application/json"]["schema"]
    # The schema's own "#/components/…" references resolve with the components beside it.
    validator = OAS31Validator(
        {**shape, "components": schema["components"]},
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    validator.validate(body)

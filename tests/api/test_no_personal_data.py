"""No personal data ever leaves through the API: a walk over every operation in the schema, in
every language, with a booked patron's details, a waiting patron's and the guide's own account
planted in the database."""

import re

import pytest
from django.utils import timezone

from bookings.waiting_list import waiting_list_join
from tests.api.conftest import API, days_ahead
from tests.factories import make_booking, make_schedule, make_slot_run

pytestmark = pytest.mark.django_db

# A key that names a person's details, or a booking's.
PERSONAL_KEY = re.compile(
    r"phone|e_?mail|patron|contact|note|need|surname|last_name|first_name|user|token|secret"
    r"|held|waiting|booked_by|customer|address_of|birth|ssn",
    re.IGNORECASE,
)

PLANTED = {
    "patron_name": "Ulla Salainen",
    "phone": "+358409876543",
    "email": "ulla.salainen@example.org",
    "need": "Pankkitunnusten tunnusluku 4711 unohtui",
}


def keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys(item)}
    return set()


def test_no_operation_answers_with_a_personal_key_or_value(client, schema, library, guide, now):
    guide.display_name = "Maria"
    guide.save()
    user = guide.user
    user.first_name, user.last_name = "Maria", "Virtanen-Yksityinen"
    user.email = "maria.virtanen@kirjasto.example"
    user.save()
    make_schedule(guide=guide, library=library)
    run = make_slot_run(count=3, guide=guide, library=library, starts_at=days_ahead(2))
    booking = make_booking(slot=run[1], **PLANTED)
    booking.staff_notes = "Muistiinpano: asiakas kuulee huonosti"
    booking.save()
    waiting_list_join(
        library=library, patron_name="Veikko Odottaja", phone="+358401112233", now=now
    )
    secrets = [
        *PLANTED.values(),
        "040 987 6543",
        "Virtanen-Yksityinen",
        "maria.virtanen@kirjasto.example",
        "kuulee huonosti",
        "Veikko Odottaja",
        "+358401112233",
        booking.token,
        booking.link_secret,
        user.username,
    ]
    day = timezone.localdate(run[0].starts_at).isoformat()
    queries = ["", "?lang=sv", "?lang=en", f"?from={day}&to={day}&minutes=15"]
    walked = 0

    for path, operations in schema["paths"].items():
        assert set(operations) == {"get"}, f"{path}: the API is read-only"
        url = path.replace("{slug}", library.slug)
        for query in queries:
            response = client.get(url + query)
            assert response.status_code == 200, url + query
            body = response.json()
            assert not {key for key in keys(body) if PERSONAL_KEY.search(key)}, url
            text = response.content.decode()
            assert not [secret for secret in secrets if secret in text], url
            walked += 1

    assert walked == len(schema["paths"]) * len(queries) == 12
    times = client.get(f"{API}/libraries/{library.slug}/free-times").json()["times"]
    assert [time["guide"] for time in times] == ["Maria", "Maria"]  # the booked one is not there

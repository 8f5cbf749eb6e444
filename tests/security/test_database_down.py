"""With the database unreachable, a production server answers 503 with a clear sentence.

Each case runs a fresh production-mode process whose database really cannot be reached: a
PostgreSQL address nobody listens on, or an SQLite file in a directory that does not exist.
"""

import json

import pytest

from tests.ports import free_port
from tests.security.conftest import production_env, run_python

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for path in ("/", "/sv/libraries/", "/en/booking/abc/", "/en/staff/day/", "/en/admin/"):
    response = client.get(path, secure=True)
    answers[path] = [response.status_code, response.content.decode()]
print(json.dumps(answers))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(lambda: f"postgres://postgres@127.0.0.1:{free_port()}/x", id="postgres"),
        pytest.param(lambda: "sqlite:////no/such/directory/db.sqlite3", id="sqlite"),
    ],
)
def test_pages_answer_503_without_a_traceback(database_url, collected_static):
    env = production_env(
        DJANGO_SETTINGS_MODULE="digiopas.settings",
        DATABASE_URL=database_url(),
        STATIC_ROOT=collected_static,
    )

    result = run_python("-c", PROBE, env=env)

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    for path, (status, html) in answers.items():
        # Pages that need no data still work: the staff pages send people to sign in.
        assert status in (503, 302), (path, status)
        assert "Traceback" not in html
    assert answers["/"][0] == 503
    assert "Ajanvaraus ei ole juuri nyt käytettävissä" in answers["/"][1]
    assert "Bokningstjänsten är inte tillgänglig just nu" in answers["/sv/libraries/"][1]
    assert "The booking service is not available just now" in answers["/en/booking/abc/"][1]

import os

import pytest
import time_machine
from django.conf import global_settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from bookings.api import free_times as api_free_times
from digiopas import settings as project_settings
from tests import factories


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_expected_one(django_db_setup, django_db_blocker):
    """CI sets EXPECT_DB_VENDOR so a run meant for PostgreSQL cannot quietly use SQLite."""
    expected = os.environ.get("EXPECT_DB_VENDOR")
    if expected:
        assert connection.vendor == expected, f"tests ran on {connection.vendor}, not {expected}"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level messages are asserted in English; requests pick their own language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """One process, one local-memory cache, emptied for each test (rendered free times are
    cached per library; SQLite reuses ids between tests), so query counts measure the data.
    The default shared cache, a table in the database, has tests of its own
    (tests/bookings/test_free_times_across_processes.py, test_patron_flow.py)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    api_free_times._local.entries.clear()  # the API's copies in this process, likewise


@pytest.fixture
def default_cache(settings):
    """The cache as configured (without CACHE_URL: the database table every process shares)."""
    settings.CACHES = project_settings.CACHES
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(request, settings):
    """MD5 for the suite, as healthchecks does: every signed-in client would otherwise pay a full
    PBKDF2 run. Django's own hashers stay after it, so a password hashed before still checks.
    The reliability suite's app servers are other processes with the production settings."""
    if not request.node.get_closest_marker("reliability"):
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *global_settings.PASSWORD_HASHERS,
        ]


@pytest.fixture(autouse=True)
def _forms_may_be_sent_at_once(settings):
    """Tests post forms instantly; the minimum fill time has tests of its own."""
    settings.FORM_MIN_FILL_SECONDS = 0


@pytest.fixture
def now():
    """A fixed Tuesday morning in winter, Helsinki time."""
    return factories.helsinki(2026, 12, 1, 8, 0)


@pytest.fixture(autouse=True)
def _clock_starts_at_now(request):
    """Every test runs with the clock started at its `now` and running on from there, so what
    the views read from `timezone.now()` agrees with the data built from `now`, on any real
    date (CI runs the suite with the real clock moved, too). The browser and reliability tests
    keep the real clock: a real Chromium would drop cookies that a clock in the past set to
    expire, and the app servers they race are other processes; they build their data from the
    real `timezone.now()` instead.
    """
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("reliability"):
        yield
        return
    with time_machine.travel(request.getfixturevalue("now"), tick=True):
        yield


@pytest.fixture
def library(db):
    return factories.make_library()


@pytest.fixture
def guide(library):
    return factories.make_guide(libraries=[library])


@pytest.fixture
def device(db):
    return factories.make_device()


@pytest.fixture(autouse=True)
def smsoutbox(settings):
    """Text messages go to the locmem backend; the list of those sent, like `mailoutbox`."""
    from bookings import sms

    settings.SMS_BACKEND = "bookings.sms.backends.locmem.SmsBackend"
    sms.outbox.clear()
    return sms.outbox

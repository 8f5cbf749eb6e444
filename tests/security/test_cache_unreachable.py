"""With Redis unreachable, patrons can still see free times and book (digiopas/cache.py)."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.utils import timezone

from bookings.abuse import over_limit
from bookings.models import Booking
from tests.bookings.test_public_booking_flow import booking_data
from tests.factories import make_slot
from tests.ports import free_port
from tests.security.conftest import production_env, run_python

pytestmark = pytest.mark.django_db

RESILIENT = "digiopas.cache.ResilientRedisCache"


def redis_cache(location: str) -> dict:
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
    return {"default": {"BACKEND": RESILIENT, "LOCATION": location, "OPTIONS": options}}


@pytest.fixture
def redis_down(settings):
    """A Redis address on this machine where nothing listens (the port was free a moment ago)."""
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")


def test_free_times_and_a_booking_go_on_without_the_cache(
    client, library, guide, redis_down, caplog
):
    day = timezone.localdate() + dt.timedelta(days=3)
    slot = make_slot(
        guide=guide,
        library=library,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
    )

    landing = client.get("/en/")
    free_times = client.get(f"/en/libraries/{library.slug}/")
    booked = client.post(f"/en/libraries/{library.slug}/book/{slot.pk}/", booking_data())

    assert landing.status_code == free_times.status_code == 200
    assert f"/book/{slot.pk}/" in free_times.content.decode()
    assert "Your guidance time is booked" in booked.content.decode()
    assert Booking.objects.get().slots.get() == slot
    assert "Redis unreachable" in caplog.text
    # The page rendered without the cache already shows the time as taken.
    assert f"/book/{slot.pk}/" not in client.get(f"/en/libraries/{library.slug}/").content.decode()


def test_rate_limits_let_requests_through_while_they_cannot_be_counted(rf, settings, redis_down):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": {"ip": "1/h"}}
    request = rf.post("/", REMOTE_ADDR="192.0.2.9")

    assert [over_limit(request, "booking") for _ in range(3)] == [False, False, False]


def test_with_redis_up_the_cache_works_as_django_s_own(settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/15")
    cache = caches["default"]
    cache.clear()

    cache.set("page", "html")
    assert cache.get("page") == "html"
    assert cache.add("page", "other") is False
    assert cache.add("version", 1) is True
    assert cache.incr("version") == 2
    with pytest.raises(ValueError):
        cache.incr("never-set")
    assert cache.get_many(["page", "version"]) == {"page": "html", "version": 2}
    assert cache.delete("page") is True
    assert cache.get("page", "gone") == "gone"
    cache.clear()


def test_a_redis_cache_url_gets_the_resilient_backend_and_a_timeout():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "c = s.CACHES['default']; o = c['OPTIONS']; "
        "print(c['BACKEND'], o['socket_connect_timeout'], o['socket_timeout'], "
        "s.RATELIMIT_FAIL_OPEN)"
    )
    env = production_env(
        DJANGO_SETTINGS_MODULE="digiopas.settings",
        CACHE_URL="redis://redis.internal:6379/1",
        REDIS_TIMEOUT="0.3",
    )

    result = run_python("-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [RESILIENT, "0.3", "0.3", "True"]

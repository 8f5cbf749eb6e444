"""Every process sees the same free times and counts the same limits, in the default configuration.

gunicorn runs several workers and cron runs `process_waiting_list` in a process of its own: a
time booked or held in one must be gone from the very next page any other serves. Each test
here runs part of its work "in another process": with that process's own cache connections, its
own local memory and its own copies of served pages, as a second gunicorn worker would have.
"""

import contextlib
import datetime as dt
import re
import sqlite3
from unittest import mock

import pytest
from asgiref.local import Local
from django.core.cache import cache, caches
from django.core.cache.backends import locmem
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bookings import availability_cache
from bookings.abuse import over_limit
from bookings.waiting_list import waiting_list_join
from tests.bookings.test_public_booking_flow import booking_data
from tests.factories import make_slot_run
from tests.security.conftest import production_env, run_python

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_cache")]


@contextlib.contextmanager
def another_process():
    """What a second gunicorn worker, or the cron job, has of its own: cache connections (with a
    local-memory cache, the memory itself) and the copies of pages it served."""
    with (
        mock.patch.object(caches, "_connections", Local()),
        mock.patch.object(locmem, "_caches", {}),
        mock.patch.object(locmem, "_expire_info", {}),
        mock.patch.object(locmem, "_locks", {}),
        mock.patch.object(availability_cache, "_local", availability_cache._LocalCopies(2**20)),
    ):
        yield


def offered(client, library) -> set[int]:
    page = client.get(reverse("bookings:free_times", args=[library.slug])).content.decode()
    return {int(pk) for pk in re.findall(r'/book/(\d+)/"', page)}


@pytest.fixture
def slots(library, guide):
    day = timezone.localdate() + dt.timedelta(days=2)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return make_slot_run(count=3, guide=guide, library=library, starts_at=start)


def test_a_time_booked_in_another_worker_is_gone_from_the_next_page_here(client, library, slots):
    assert offered(client, library) == {slot.pk for slot in slots}  # now cached here

    with another_process():
        booked = client.post(
            reverse("bookings:book", args=[library.slug, slots[0].pk]), booking_data()
        )
        assert "Your guidance time is booked" in booked.content.decode()

    assert offered(client, library) == {slots[1].pk, slots[2].pk}


def test_a_time_the_cron_job_holds_for_the_waiting_list_is_gone_at_once(client, library, slots):
    waiting_list_join(
        library=library, patron_name="Olli", phone="+358401112222", now=timezone.now()
    )
    assert offered(client, library) == {slot.pk for slot in slots}

    with another_process():
        call_command("process_waiting_list", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert len(offered(client, library)) == 2


def test_rate_limits_are_counted_together_by_all_workers(rf, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking": {"ip": "2/h"}}
    request = rf.post("/", REMOTE_ADDR="192.0.2.7")

    assert over_limit(request, "booking") is False
    with another_process():
        assert over_limit(request, "booking") is False

    assert over_limit(request, "booking") is True


def test_a_counter_keeps_the_hour_it_was_started_for():
    """Django's own database cache sets a counter again with the default 5 minutes: an hourly
    rate limit would forget its count 5 minutes after the last attempt."""
    cache.add("attempts", 1, timeout=3600)

    assert cache.incr("attempts") == 2
    assert cache.incr("attempts", 5) == 7

    ten_minutes_later = timezone.now() + dt.timedelta(minutes=10)
    with mock.patch("django.core.cache.backends.db.tz_now", return_value=ten_minutes_later):
        assert cache.get("attempts") == 7
    with pytest.raises(ValueError):
        cache.incr("never-started")


def test_the_default_cache_is_the_database_shared_by_every_process():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "c = s.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="digiopas.settings")
    env.pop("CACHE_URL", None)

    result = run_python("-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["digiopas.cache.DatabaseCache", "digiopas_cache"]


def test_migrate_alone_makes_a_fresh_database_ready_for_the_default_cache(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{database}")
    env.pop("CACHE_URL", None)

    result = run_python("manage.py", "migrate", "--noinput", "-v0", env=env)

    assert result.returncode == 0, result.stderr
    with contextlib.closing(sqlite3.connect(database)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "digiopas_cache" in tables

"""The Django side of `make bench`: what to load, how many queries each page runs, checks after.

Run by bench/run.py with DJANGO_SETTINGS_MODULE=bench.settings and the bench database:

    python -m bench.fixtures prepare OUT.json   # pages, slots to book, staff cookie, queries
    python -m bench.fixtures verify SINCE       # bookings made by the load: none twice
    python -m bench.fixtures timings            # slot generation and statistics, timed
"""

import datetime as dt
import json
import re
import sys
import time

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.db.models.functions import TruncDate  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from bookings import services  # noqa: E402
from bookings.availability import bookable_slots  # noqa: E402
from bookings.models import Booking, DeviceType, Library, Slot  # noqa: E402
from bookings.staff import statistics  # noqa: E402

BENCH_PATRON = "Bench Patron"
STAFF_USERNAME = "bench-coordinator"
# Booked by the load generator, one each; more than a 10-second run can use up.
SLOTS_TO_BOOK = 30_000


def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def busiest_library() -> Library:
    return Library.objects.annotate(guide_count=Count("guides")).order_by("-guide_count", "pk")[0]


def typical_library() -> Library:
    libraries = list(Library.objects.annotate(guide_count=Count("guides")).order_by("guide_count"))
    return libraries[len(libraries) // 2]


def bookable(now: dt.datetime):
    """Free times far enough ahead that the online notice never gets in the way, offered at
    the library: the load generator sends way=library with every form (a time offering more
    than one way asks the patron to choose, and would answer without it with the form again)."""
    return (
        Slot.objects.bookable(now=now, notice=dt.timedelta(days=1))
        .filter(library__is_active=True, at_library=True)
        .select_related("library")
    )


def staff_cookie(library: Library) -> str:
    """A coordinator of `library`, signed in: the session cookie the load generator sends."""
    user, _ = get_user_model().objects.get_or_create(
        username=STAFF_USERNAME, defaults={"is_staff": True, "first_name": "Bench"}
    )
    user.groups.add(Group.objects.get(name="Coordinator"))
    library.staff.add(user)
    staff = client()
    staff.force_login(user)
    return f"sessionid={staff.cookies['sessionid'].value}"


def busy_day(library: Library, now: dt.datetime) -> dt.date:
    """The library's day with the most bookings in the last four weeks (today if none)."""
    row = (
        Booking.objects.filter(
            library=library, starts_at__gte=now - dt.timedelta(weeks=4), starts_at__lt=now
        )
        .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("-count", "day")
        .first()
    )
    return row["day"] if row else timezone.localdate(now)


def count_queries(url: str, *, cookie: str = "") -> tuple[int, int]:
    """The page's status and number of queries, with a warm cache like the server's."""
    visitor = client()
    if cookie:
        name, value = cookie.split("=", 1)
        visitor.cookies[name] = value
    visitor.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get(url)
    return response.status_code, len(queries)


def prepare(out: str) -> None:
    now = timezone.now()
    call_command("seed_principles", verbosity=0)  # safe to repeat
    # The booking POST run books thousands of random free times, most of them further ahead
    # than a library lets patrons book online (6 weeks by default, a rule the service
    # enforces): the bench's libraries open the whole of their slots for online booking.
    horizon_weeks = 1 + (Slot.objects.order_by("-starts_at").first().starts_at - now).days // 7
    Library.objects.update(booking_horizon_weeks=max(horizon_weeks, 6))
    busiest, typical = busiest_library(), typical_library()
    free = list(bookable(now).order_by("?")[: SLOTS_TO_BOOK + 3])
    form_slot, post_slot, explain_slot = free.pop(), free.pop(), free.pop()
    booking = (
        Booking.objects.filter(library=busiest, status=Booking.Status.BOOKED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    ) or Booking.objects.filter(status=Booking.Status.BOOKED).order_by("-starts_at").first()
    cookie = staff_cookie(busiest)
    day = busy_day(busiest, now)
    year = timezone.localdate(now).year
    statistics_query = f"library={busiest.pk}&period=year&year={year}"
    free_counts = {
        library.slug: bookable_slots(library, now=now).count() for library in (busiest, typical)
    }
    pages = [
        ("baseline /healthz", "/healthz", ""),
        ("landing", reverse("bookings:home"), ""),
        (
            f"free times, busiest ({free_counts[busiest.slug]} times)",
            reverse("bookings:free_times", args=[busiest.slug]),
            "",
        ),
        (
            f"free times, typical ({free_counts[typical.slug]} times)",
            reverse("bookings:free_times", args=[typical.slug]),
            "",
        ),
        (
            f"API free times, busiest ({free_counts[busiest.slug]} times)",
            reverse("api-v1:library_free_times", args=[busiest.slug]),
            "",
        ),
        (
            f"API free times, typical ({free_counts[typical.slug]} times)",
            reverse("api-v1:library_free_times", args=[typical.slug]),
            "",
        ),
        ("booking form", reverse("bookings:book", args=[form_slot.library.slug, form_slot.pk]), ""),
        ("own booking page", reverse("bookings:booking_detail", args=[booking.token]), ""),
        (
            "printed day (staff)",
            f"{reverse('staff:library_day', args=[busiest.slug])}?day={day.isoformat()}",
            cookie,
        ),
        (
            f"statistics, a year ({busiest.guides.count()} guides)",
            f"{reverse('staff:statistics_page')}?{statistics_query}",
            cookie,
        ),
        ("principles", reverse("principles:page"), ""),
    ]
    rows = []
    for name, url, page_cookie in pages:
        status, queries = count_queries(url, cookie=page_cookie)
        if status != 200:
            raise SystemExit(f"{name}: {url} answered {status}, not 200")
        rows.append({"name": name, "path": url, "cookie": page_cookie, "queries": queries})
    data = {
        "pages": rows,
        "book_paths": [reverse("bookings:book", args=[s.library.slug, s.pk]) for s in free],
        "form_path": reverse("bookings:book", args=[form_slot.library.slug, form_slot.pk]),
        "device": DeviceType.objects.order_by("position", "pk").values_list("pk", flat=True)[0],
        "post_queries": post_queries(post_slot),
        "explain_slot": explain_slot.pk,
        "counts": {
            "libraries": Library.objects.count(),
            "slots": Slot.objects.count(),
            "bookings": Booking.objects.count(),
        },
        "since": now.isoformat(),
    }
    with open(out, "w") as file:
        json.dump(data, file)


def post_queries(slot: Slot) -> int:
    """Queries of one booking POST (that slot is then booked, and left out of the load)."""
    visitor = client()
    path = reverse("bookings:book", args=[slot.library.slug, slot.pk])
    form = visitor.get(path).content.decode()
    data = {
        "minutes": "15",
        "patron_name": BENCH_PATRON,
        "phone": f"+35840{time.time_ns() // 1000 % 10**7:07d}",  # a new patron each run
        "device": str(DeviceType.objects.values_list("pk", flat=True)[0]),
        "way": "library",
        "consent": "on",
        "started": re.search(r'name="started" value="([^"]+)"', form)[1],
    }
    with CaptureQueriesContext(connection) as queries:
        response = visitor.post(path, data)
    if response.status_code != 200 or b"data-address=" not in response.content:
        raise SystemExit(f"booking POST answered {response.status_code}, not the confirmation")
    return len(queries)


def verify(since: str) -> None:
    """Every booking the load made holds exactly its one slot, and no time is booked twice."""
    made = Booking.objects.filter(patron_name=BENCH_PATRON, created_at__gte=since)
    wrong_size = made.annotate(slot_count=Count("slots")).exclude(slot_count=1).count()
    kept = Booking.objects.exclude(status=Booking.Status.CANCELLED)
    overlapping = (
        made.filter(
            Q(guide__bookings__starts_at__lt=F("ends_at"))
            & Q(guide__bookings__ends_at__gt=F("starts_at"))
            & ~Q(guide__bookings__pk=F("pk"))
            & Q(guide__bookings__in=kept)
        )
        .distinct()
        .count()
    )
    # Sent by the worker (TASKS_BACKEND in bench.settings); those over a library's monthly
    # text-message cap go on the staff's call list instead, with no task.
    messages = DBTaskResult.objects.filter(enqueued_at__gte=since).count()
    counts = {"made": made.count(), "wrong_size": wrong_size, "overlapping": overlapping}
    print(json.dumps({**counts, "messages": messages}))


def timings() -> None:
    """Slot generation for every guide four weeks past the last slot, and a year's statistics."""
    last = Slot.objects.order_by("-starts_at").values_list("starts_at", flat=True).first()
    start_on = timezone.localdate(last) + dt.timedelta(days=1)
    with transaction.atomic():
        started = time.perf_counter()
        made = services.slots_generate(start_on=start_on, weeks=4)
        generate_seconds = time.perf_counter() - started
        transaction.set_rollback(True)  # measured, not kept
    started = time.perf_counter()
    nightly = services.slots_generate(start_on=timezone.localdate(), weeks=6)
    nightly_seconds = time.perf_counter() - started
    busiest = busiest_library()
    year = timezone.localdate().year
    started = time.perf_counter()
    statistics.figures_for(
        libraries=Library.objects.filter(pk=busiest.pk), period=statistics.Period.year(year)
    )
    print(
        json.dumps(
            {
                "generate_4_weeks_slots": made,
                "generate_4_weeks_seconds": round(generate_seconds, 2),
                "nightly_6_weeks_new_slots": nightly,
                "nightly_6_weeks_seconds": round(nightly_seconds, 2),
                "statistics_year_seconds": round(time.perf_counter() - started, 3),
            }
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"prepare": prepare, "verify": verify, "timings": timings}[command](*args)

"""Many people press the button for the same time at once, on two app servers.

For each scenario and each of 20 times, 64 requests (a change of time, a longer booking and the
waiting list's hold: 10) race over real HTTP (CSRF included) to two
gunicorn servers of 4 workers each on one PostgreSQL database: exactly one may win the time,
no request may fail with a 5xx, and everyone else must get the friendly "just taken" answer.
"""

import datetime as dt
import html
import itertools
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bookings import services, waiting_list
from bookings.models import Booking, Slot, WaitingListEntry
from tests.factories import make_device, make_guide, make_library, make_slot
from tests.reliability.conftest import FORM_MIN_FILL_SECONDS

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

SLOTS = 20
RACERS = 64
PASSWORD = "reliability-staff-password-7"
TAKEN_PAGE = "That time was just taken"  # the slot_taken page patrons get (status 409)
TAKEN_MESSAGE = "just taken"  # the message on the page a moved or desk booking returns to
BOOKED_PAGE = "Your guidance time is booked"  # the confirmation, the booking form's answer
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_INPUT = re.compile(r'name="started" value="([^"]+)"')
_addresses = itertools.count(1)
_phones = itertools.count(1_000_000)
RESULTS: list["Tally"] = []


@dataclass
class Tally:
    scenario: str
    attempts: int = 0
    wins: int = 0
    friendly_losers: int = 0
    server_errors: int = 0
    other: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, detail: str = "") -> None:
        with self.lock:
            self.attempts += 1
            if outcome == "win":
                self.wins += 1
            elif outcome == "friendly":
                self.friendly_losers += 1
            elif outcome == "5xx":
                self.server_errors += 1
                self.other.append(detail)
            else:
                self.other.append(detail)


class Person:
    """One browser: its own cookies and, behind the load balancer, its own address."""

    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self.http = http
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        n = next(_addresses)
        # TEST-NET addresses only as header values: the load balancer's X-Forwarded-For.
        self.address = f"198.18.{n // 250}.{n % 250 + 1}"

    def request(self, method: str, path: str, data: dict | None = None) -> httpx.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Origin": "https://" + self.base_url.removeprefix("http://"),
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, self.base_url + path, data=data, headers=headers)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> httpx.Response:
        return self.request("POST", path, data)

    def open_form(self, path: str) -> dict:
        """GET a form page: the CSRF cookie, the form's token and its start time."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        fields = {"csrfmiddlewaretoken": CSRF_INPUT.search(page.text).group(1)}
        if started := STARTED_INPUT.search(page.text):
            fields["started"] = html.unescape(started.group(1))
        return fields


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=2 * RACERS)) as client:
        yield client


@pytest.fixture(scope="module", autouse=True)
def _print_the_table():
    yield
    print("\n\nRaces across 2 app servers x 4 workers, PostgreSQL, 64 requests per time:")
    print(f"{'scenario':<34}{'attempts':>9}{'wins':>6}{'friendly':>9}{'5xx':>5}{'other':>6}")
    for t in RESULTS:
        print(
            f"{t.scenario:<34}{t.attempts:>9}{t.wins:>6}{t.friendly_losers:>9}"
            f"{t.server_errors:>5}{len(t.other):>6}"
        )


@pytest.fixture
def place(db):
    """A library whose guides each open a run of future times; nothing is booked yet."""
    library = make_library(max_active_bookings=50)
    return {"library": library, "device": make_device()}


def future_runs(library, *, count: int, length: int) -> list[list[Slot]]:
    """`count` runs of `length` back-to-back 15-minute times, each run its own guide."""
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=3)
    runs = []
    for n in range(count):
        guide = make_guide(libraries=[library])
        first = start + dt.timedelta(days=n % 5, hours=n // 5)
        runs.append(
            [
                make_slot(
                    guide=guide, library=library, starts_at=first + dt.timedelta(minutes=15 * k)
                )
                for k in range(length)
            ]
        )
    return runs


def patron_data(form: dict, device_id: int) -> dict:
    return {
        **form,
        "minutes": "15",
        "patron_name": "Race Patron",
        "phone": f"040{next(_phones)}",
        "email": "",
        "device": str(device_id),
        "consent": "on",
        "website": "",
    }


def race(attempts: list[Callable[[], None]]) -> None:
    """Run all attempts at once: every thread waits at the barrier, then all post together."""
    barrier = threading.Barrier(len(attempts))

    def run(attempt: Callable[[], None]) -> None:
        barrier.wait()
        attempt()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        for future in [pool.submit(run, attempt) for attempt in attempts]:
            future.result()


def wait_out_the_fill_time(opened_at: float) -> None:
    """The public form refuses what is sent faster than a person types (FORM_MIN_FILL_SECONDS)."""
    time.sleep(max(0.0, opened_at + FORM_MIN_FILL_SECONDS + 0.5 - time.monotonic()))


def patron_books(tally: Tally, person: Person, path: str, data: dict) -> Callable[[], None]:
    def attempt() -> None:
        response = person.post(path, data)
        if response.status_code >= 500:
            tally.add("5xx", f"{response.status_code} {path}")
        elif response.status_code == 200 and BOOKED_PAGE in response.text:
            tally.add("win")
        elif response.status_code == 409 and TAKEN_PAGE in response.text:
            tally.add("friendly")
        else:
            tally.add("other", f"{response.status_code} {path} {response.text[:300]}")

    return attempt


def in_parallel(function: Callable, items: list) -> list:
    """Open many forms at once (16 at a time), as the race needs them all before it starts."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(function, items))


def open_patron_forms(servers, http, library, slots, device_id):
    """GET the booking form for each racer first, spread over both servers."""
    opened_at = time.monotonic()

    def open_one(item: tuple[Person, str]) -> tuple[Person, str, dict]:
        person, path = item
        return person, path, patron_data(person.open_form(path), device_id)

    # Paths are made here: the URL's language prefix follows this thread's active language.
    paths = [reverse("bookings:book", args=[library.slug, slot.pk]) for slot in slots]
    people = [(Person(http, servers[n % 2]), path) for path in paths for n in range(RACERS)]
    racers = in_parallel(open_one, people)
    forms = {slot.pk: racers[i * RACERS : (i + 1) * RACERS] for i, slot in enumerate(slots)}
    return forms, opened_at


def assert_one_winner_each(tally: Tally, slots: list[Slot]) -> None:
    RESULTS.append(tally)
    assert tally.server_errors == 0, tally.other
    assert not tally.other, tally.other[:5]
    assert tally.attempts == RACERS * len(slots)
    assert tally.wins == len(slots)
    assert tally.friendly_losers == tally.attempts - tally.wins
    for slot in slots:
        slot.refresh_from_db()
        assert slot.booking_id is not None


def test_64_patrons_booking_the_same_time_on_two_servers(app_servers, http, place):
    library = place["library"]
    slots = [run[0] for run in future_runs(library, count=SLOTS, length=1)]
    forms, opened_at = open_patron_forms(app_servers, http, library, slots, place["device"].pk)
    wait_out_the_fill_time(opened_at)
    tally = Tally("book (patrons)")

    for slot in slots:
        race([patron_books(tally, *racer) for racer in forms[slot.pk]])

    assert_one_winner_each(tally, slots)
    assert Booking.objects.count() == SLOTS


def existing_booking(slot: Slot, n: int) -> Booking:
    with override("en"):
        return services.booking_create(
            slot=slot,
            patron_name=f"Booked {n}",
            phone=f"+35850{next(_phones)}",
            now=timezone.now(),
        )


def test_extending_a_booking_races_patrons_booking_the_next_time(app_servers, http, place):
    """The owner of 10:00 makes it 30 minutes while 63 others book 10:15."""
    library = place["library"]
    runs = future_runs(library, count=SLOTS, length=2)
    owners = {run[1].pk: existing_booking(run[0], n) for n, run in enumerate(runs)}
    targets = [run[1] for run in runs]
    forms, opened_at = open_patron_forms(app_servers, http, library, targets, place["device"].pk)
    extenders = {}
    for slot in targets:
        booking = owners[slot.pk]
        owner = Person(http, app_servers[slot.pk % 2])
        form = owner.open_form(reverse("bookings:booking_detail", args=[booking.token]))
        extenders[slot.pk] = (owner, booking, form)
    wait_out_the_fill_time(opened_at)
    tally = Tally("extend (owner vs 63 patrons)")

    def extend(slot: Slot) -> Callable[[], None]:
        owner, booking, form = extenders[slot.pk]
        detail = reverse("bookings:booking_detail", args=[booking.token])
        resize = reverse("bookings:booking_resize", args=[booking.token])

        def attempt() -> None:
            response = owner.post(resize, {**form, "slot_count": "2"})
            if response.status_code >= 500:
                tally.add("5xx", f"{response.status_code} resize")
                return
            page = owner.get(detail)  # where the redirect leads, with its message
            if "length of your booking is changed" in page.text:
                tally.add("win")
            elif TAKEN_MESSAGE in page.text:
                tally.add("friendly")
            else:
                tally.add("other", f"resize {response.status_code} {page.text[:300]}")

        return attempt

    for slot in targets:
        patrons = [patron_books(tally, *racer) for racer in forms[slot.pk][: RACERS - 1]]
        race([extend(slot), *patrons])

    assert_one_winner_each(tally, targets)
    for slot in targets:
        owner_booking = owners[slot.pk]
        owner_booking.refresh_from_db()
        extended = slot.booking_id == owner_booking.pk
        assert owner_booking.slots.count() == (2 if extended else 1)


def test_moving_bookings_races_patrons_for_the_same_time(app_servers, http, place):
    """32 patrons move their booking to the time 32 others are booking."""
    library = place["library"]
    targets = [run[0] for run in future_runs(library, count=SLOTS, length=1)]
    # The movers' own times: 16 guides with 40 back-to-back times each.
    own_times = future_runs(library, count=16, length=SLOTS * RACERS // 2 // 16)
    elsewhere = iter(slot for run in own_times for slot in run)
    forms, opened_at = open_patron_forms(app_servers, http, library, targets, place["device"].pk)
    movers = {}
    for slot in targets:
        people = []
        for n in range(RACERS // 2):
            booking = existing_booking(next(elsewhere), n)
            path = reverse("bookings:booking_change_to", args=[booking.token, slot.pk])
            people.append((Person(http, app_servers[n % 2]), booking, path))
        movers[slot.pk] = in_parallel(lambda m: (*m, m[0].open_form(m[2])), people)
    wait_out_the_fill_time(opened_at)
    tally = Tally("change time (32 movers, 32 patrons)")

    def move(person: Person, booking: Booking, path: str, form: dict) -> Callable[[], None]:
        def attempt() -> None:
            response = person.post(path, form)
            if response.status_code >= 500:
                tally.add("5xx", f"{response.status_code} {path}")
            elif response.status_code == 302:
                page = person.get(response.headers["location"])
                if "Your time is changed" in page.text:
                    tally.add("win")
                else:
                    tally.add("other", f"move 302 {page.text[:300]}")
            elif response.status_code == 409 and TAKEN_PAGE in response.text:
                tally.add("friendly")
            else:
                tally.add("other", f"move {response.status_code} {response.text[:300]}")

        return attempt

    for slot in targets:
        attempts = [move(*mover) for mover in movers[slot.pk]]
        attempts += [patron_books(tally, *racer) for racer in forms[slot.pk][: RACERS // 2]]
        race(attempts)

    assert_one_winner_each(tally, targets)
    mover_ids = {booking.pk for racers in movers.values() for _, booking, _, _ in racers}
    new_bookings = sum(1 for slot in targets if slot.booking_id not in mover_ids)
    booked = Booking.objects.filter(status=Booking.Status.BOOKED)
    assert booked.count() == len(mover_ids) + new_bookings
    # Every mover still holds exactly one time: the new one if it won, else its old one.
    assert all(booking.slots.count() == 1 for booking in booked)


def signed_in_staff(servers, http, library) -> dict[str, str]:
    """Sign in over HTTP as production staff do: password and authenticator code."""
    user = get_user_model().objects.create_user(
        username="desk-racer", password=PASSWORD, is_staff=True, is_superuser=True
    )
    library.staff.add(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    person = Person(http, servers[0])
    form = person.open_form(reverse("admin:login"))
    response = person.post(
        reverse("admin:login"),
        {
            **form,
            "username": user.username,
            "password": PASSWORD,
            "otp_token": f"{totp(device.bin_key):06d}",
            "next": reverse("admin:index"),
        },
    )
    assert response.status_code == 302, response.text[:1000]
    return person.cookies


def test_staff_phone_bookings_race_patrons_for_the_same_time(app_servers, http, place):
    """16 desk bookings (signed-in staff on the phone) and 48 patrons online, per time."""
    library = place["library"]
    targets = [run[0] for run in future_runs(library, count=SLOTS, length=1)]
    staff_cookies = signed_in_staff(app_servers, http, library)
    forms, opened_at = open_patron_forms(app_servers, http, library, targets, place["device"].pk)
    desks = {}

    def open_desk_form(item: tuple[Person, str]) -> tuple[Person, str, dict]:
        person, path = item
        data = {
            **person.open_form(path),
            "minutes": "15",
            "patron_name": "Phone Patron",
            "phone": f"044{next(_phones)}",
            "channel": "phone",
            "language": "fi",
            "device": str(place["device"].pk),
            "consent": "on",
        }
        return person, path, data

    for slot in targets:
        path = reverse("staff:desk_book", args=[slot.pk])
        people = []
        for n in range(RACERS // 4):
            person = Person(http, app_servers[n % 2])
            person.cookies = dict(staff_cookies)
            people.append((person, path))
        desks[slot.pk] = in_parallel(open_desk_form, people)
    wait_out_the_fill_time(opened_at)
    tally = Tally("staff desk (16) vs patrons (48)")

    def desk_book(person: Person, path: str, data: dict) -> Callable[[], None]:
        def attempt() -> None:
            response = person.post(path, data)
            location = response.headers.get("location", "")
            if response.status_code >= 500:
                tally.add("5xx", f"{response.status_code} {path}")
            elif response.status_code == 302 and "/slip/" in location:
                tally.add("win")
            elif response.status_code == 302 and TAKEN_MESSAGE in person.get(location).text:
                tally.add("friendly")
            else:
                tally.add("other", f"desk {response.status_code} {response.text[:300]}")

        return attempt

    for slot in targets:
        attempts = [desk_book(*desk) for desk in desks[slot.pk]]
        attempts += [patron_books(tally, *racer) for racer in forms[slot.pk][: RACERS * 3 // 4]]
        race(attempts)

    assert_one_winner_each(tally, targets)
    assert Booking.objects.count() == SLOTS


HELD_MESSAGE = "kept for a patron on the waiting list"
MOVERS_PER_TIME = 8


def test_a_change_and_a_longer_booking_race_a_waiting_list_hold(app_servers, http):
    """For each of 20 times: the owner of the time before makes it longer, 8 patrons move their
    booking there, and the waiting list offers it to the patron first in line, all at once.

    Each time ends up either booked by one of them or held for the waiting patron, never both;
    a held time stays free for the patron it is offered to, who can then book it. Each time is
    the only free one of its own library when the race starts; a mover who wins leaves a time
    free, which the offer may take instead, and that one must be bookable by the patron too.
    """
    tally = Tally("change + longer vs waiting list")
    outcomes = [
        race_for_a_time_the_waiting_list_wants(n, app_servers, http, tally) for n in range(SLOTS)
    ]
    RESULTS.append(tally)
    held, booked = outcomes.count("held"), outcomes.count("booked")
    left_held = outcomes.count("booked, the time left held")
    print(
        f"\n{tally.scenario}: {held} times held for the waiting patron, {booked} booked,"
        f" {left_held} booked by a mover whose old time was then held"
    )
    assert tally.server_errors == 0, tally.other
    assert not tally.other, tally.other[:5]
    assert tally.attempts == SLOTS * (MOVERS_PER_TIME + 2)
    # One winner per time (a hold, a longer booking or a move), and one more win for the offer
    # in each round where it took the time a winning mover left.
    assert tally.wins == SLOTS + left_held


def race_for_a_time_the_waiting_list_wants(n: int, app_servers, http, tally: Tally) -> str:
    """One round of the race above; what became of the time: "held", "booked", or "booked, the
    time left held" (a mover won it and the offer took the mover's old time)."""
    library = make_library(max_active_bookings=50)
    before, target = future_runs(library, count=1, length=2)[0]
    owner_booking = existing_booking(before, n)
    # The movers' own times: another guide's, all booked, so `target` is the only free time.
    own = future_runs(library, count=1, length=MOVERS_PER_TIME)[0]
    mover_bookings = [existing_booking(slot, n) for slot in own]
    entry = waiting_list.waiting_list_join(
        library=library, patron_name="Waiting Patron", phone="+358401110000", now=now()
    )

    owner = Person(http, app_servers[n % 2])
    detail = reverse("bookings:booking_detail", args=[owner_booking.token])
    owner_form = owner.open_form(detail)
    movers = []
    for k, booking in enumerate(mover_bookings):
        person = Person(http, app_servers[k % 2])
        path = reverse("bookings:booking_change_to", args=[booking.token, target.pk])
        movers.append((person, path, person.open_form(path)))

    # Paths are made here: a racing thread would make them in the default language, Finnish.
    resize = reverse("bookings:booking_resize", args=[owner_booking.token])

    def extend() -> None:
        response = owner.post(resize, {**owner_form, "slot_count": "2"})
        if response.status_code >= 500:
            tally.add("5xx", f"{response.status_code} resize")
            return
        page = owner.get(detail)
        if "length of your booking is changed" in page.text:
            tally.add("win")
        elif TAKEN_MESSAGE in page.text or HELD_MESSAGE in page.text:
            tally.add("friendly")
        else:
            alerts = re.findall(r'role="status">(.*?)</div>', page.text)
            tally.add("other", f"resize {response.status_code} {alerts}")

    def move(person: Person, path: str, form: dict) -> Callable[[], None]:
        def attempt() -> None:
            response = person.post(path, form)
            text = response.text
            if response.status_code == 302:
                text = person.get(response.headers["location"]).text
            if response.status_code >= 500:
                tally.add("5xx", f"{response.status_code} {path}")
            elif "Your time is changed" in text:
                tally.add("win")
            elif TAKEN_PAGE in text or TAKEN_MESSAGE in text or HELD_MESSAGE in text:
                tally.add("friendly")
            else:
                tally.add("other", f"move {response.status_code} {text[:300]}")

        return attempt

    def offer() -> None:
        # The cron job's work, in this process, on its own database connection.
        try:
            offered = waiting_list.waiting_list_offer(library=library, now=now())
        finally:
            connections.close_all()
        tally.add("win" if offered else "friendly")

    race([extend, offer, *(move(*mover) for mover in movers)])

    target.refresh_from_db()
    entry.refresh_from_db()
    held = target.held_for_id == entry.pk
    assert held != (target.booking_id is not None), (n, target.booking_id, entry.status)
    if entry.status == WaitingListEntry.Status.OFFERED:
        # The target, or the time a winning mover left: either is held for this patron alone,
        # and the patron can book it.
        offered = Slot.objects.get(pk=entry.offered_slot_id)
        assert offered.held_for_id == entry.pk and offered.booking_id is None
        booking = services.waiting_list_offer_accept(entry=entry, now=now())
        assert list(booking.slots.all()) == [offered]
        if offered.pk != target.pk:
            assert target.booking_id is not None
            return "booked, the time left held"
    else:
        assert entry.status == WaitingListEntry.Status.WAITING and not held
    return "held" if held else "booked"


def now():
    return timezone.now()

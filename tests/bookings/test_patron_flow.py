"""What booking costs a patron: requests from the landing page to the confirmation, and queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking
from tests.factories import form_started, make_device, make_library, make_slot_run, make_topic

# What it costs in the default configuration: the cache is a table in the database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_cache")]

# Transaction control (BEGIN, COMMIT, savepoints) is not a query of data.
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)", re.I)
# The shared cache's table (the default CACHE_URL): counted apart from the data.
CACHE_TABLE = '"digiopas_cache"'


class Patron:
    """A person with a browser: follows links, sends forms; counts requests and queries."""

    def __init__(self, client) -> None:
        self.client = client
        self.requests = 0
        self.queries = 0
        self.cache_queries = 0

    def _count(self, send):
        with CaptureQueriesContext(connection) as captured:
            response = send()
        self.requests += 1
        queries = [
            query["sql"]
            for query in captured.captured_queries
            if not TRANSACTION_CONTROL.match(query["sql"])
        ]
        self.cache_queries += sum(1 for sql in queries if CACHE_TABLE in sql)
        self.queries += sum(1 for sql in queries if CACHE_TABLE not in sql)
        return response

    def open(self, url: str):
        response = self._count(lambda: self.client.get(url))
        assert response.status_code == 200, url
        return response.content.decode()

    def send(self, url: str, data: dict) -> str:
        """Send the form; its answer is the next page (no redirect to follow)."""
        response = self._count(lambda: self.client.post(url, data))
        assert response.status_code == 200
        return response.content.decode()


def link(page: str, pattern: str) -> str:
    return re.search(rf'href="({pattern})"', page)[1]


@pytest.fixture
def bookable(library, guide):
    make_library()  # a consortium: the landing page lists the libraries
    day = timezone.localdate() + dt.timedelta(days=3)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return make_slot_run(count=3, guide=guide, library=library, starts_at=start)


def book(patron: Patron, free_times_page: str) -> str:
    form_url = link(free_times_page, r"/en/libraries/[^/]+/book/\d+/")
    form = patron.open(form_url)
    data = {
        "minutes": "30",
        "patron_name": "Aino Asiakas",
        "phone": "040 123 4567",
        "device": str(make_device().pk),
        "topics": [str(make_topic().pk)],
        "consent": "on",
        "started": form_started(),
    }
    assert 'name="started"' in form
    return patron.send(form_url, data)


def test_from_the_landing_page_to_the_confirmation_in_four_steps_and_21_queries(
    client, library, bookable
):
    patron = Patron(client)

    landing = patron.open("/en/")
    free_times = patron.open(link(landing, rf"/en/libraries/{library.slug}/"))
    confirmation = book(patron, free_times)

    assert "Your guidance time is booked" in confirmation
    assert Booking.objects.get().slots.count() == 2
    # Landing, free times, the form, and sending it: the confirmation is the form's answer.
    assert patron.requests == 4
    # The landing page 1 (the libraries, for its cached list) and then as from a library's own
    # page (below): 20.
    assert patron.queries == 21
    # The default cache is a table in the database (shared by every process), so its reads and
    # writes are queries too. From cold: the landing page 9 (the libraries' version made: a
    # read, an add of 3, a read again; the list read, then stored: a count, a read, an insert;
    # in a running site the version exists from the first page on), the free times 13
    # (the page read; the library's version made: a read, an add of 3, a read again; the list
    # read and stored, 4; the page stored, 3), the form 0, sending it 9 (two rate-limit counters
    # started, 3 each; the library's version bumped: lock, read, write). Warm, the landing page
    # costs 2 and the free times 1.
    assert patron.cache_queries == 31


def test_from_a_librarys_own_page_it_takes_three_requests(client, library, bookable):
    patron = Patron(client)

    free_times = patron.open(f"/en/libraries/{library.slug}/")
    confirmation = book(patron, free_times)

    assert "Your guidance time is booked" in confirmation
    assert patron.requests == 3
    # The free times 3: the library, its bookable times, its closures ahead. The form 3: the
    # slot with the guide's next ones (library, guide and user joined), the devices, the
    # topics. Sending it 14: the slot run, devices and topics again (the form is bound), the
    # contact's upcoming bookings (the limit), the slots locked, the booking inserted, its slots
    # taken (one UPDATE), its topics read and added, the month's text messages counted (a
    # phone-only patron), the confirmation's message inserted, the topics for the page, the
    # guide's slots for "make it longer", and the confirmation's message again (where it went,
    # for the page).
    assert patron.queries == 20
    # The free times 13, the form 0, sending it 9 (as above).
    assert patron.cache_queries == 22


def test_with_one_library_the_landing_page_leads_straight_to_its_free_times(client, library):
    page = client.get("/en/").content.decode()

    assert f'href="/en/libraries/{library.slug}/">See free times and book' in page

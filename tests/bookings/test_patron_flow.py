"""What booking costs a patron: requests from the landing page to the confirmation, and queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking
from tests.factories import form_started, make_device, make_library, make_slot_run, make_topic

pytestmark = pytest.mark.django_db

# Transaction control (BEGIN, COMMIT, savepoints) is not a query of data.
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)", re.I)


class Patron:
    """A person with a browser: follows links, sends forms; counts requests and queries."""

    def __init__(self, client) -> None:
        self.client = client
        self.requests = 0
        self.queries = 0

    def _count(self, send):
        with CaptureQueriesContext(connection) as captured:
            response = send()
        self.requests += 1
        self.queries += sum(
            1 for query in captured.captured_queries if not TRANSACTION_CONTROL.match(query["sql"])
        )
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


def test_from_the_landing_page_to_the_confirmation_in_four_steps_and_twenty_queries(
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
    assert patron.queries <= 20


def test_from_a_librarys_own_page_it_takes_three_requests(client, library, bookable):
    patron = Patron(client)

    free_times = patron.open(f"/en/libraries/{library.slug}/")
    confirmation = book(patron, free_times)

    assert "Your guidance time is booked" in confirmation
    assert patron.requests == 3
    assert patron.queries <= 20


def test_with_one_library_the_landing_page_leads_straight_to_its_free_times(client, library):
    page = client.get("/en/").content.decode()

    assert f'href="/en/libraries/{library.slug}/">See free times and book' in page

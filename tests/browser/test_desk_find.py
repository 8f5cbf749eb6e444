"""A caller booked at the desk from the next free times, found again by the number they say,
their visit moved and the slip reprinted, without opening the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.browser.scenario import make_public_site
from tests.browser.survey import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"


def hhmm(slot) -> str:
    return timezone.localtime(slot.starts_at).strftime("%H.%M")


def test_the_desk_books_for_a_caller_finds_them_by_number_moves_and_reprints(page: Page):
    site = make_public_site()
    get_user_model().objects.create_superuser("neuvonta", password=PASSWORD)
    sign_in(page, "neuvonta", PASSWORD)

    # Booked from the next free times, for a caller giving their number as people say it.
    page.goto("/en/staff/book/")
    page.get_by_role("link", name=hhmm(site.free_slot)).first.click()
    page.get_by_label("Patron's name").fill("Kalle Soittaja")
    page.get_by_role("textbox", name="Phone number").fill("040 765 4321")
    page.get_by_label("Älypuhelin").check()
    page.get_by_label("I told the patron how the library keeps these details.").check()
    page.get_by_role("button", name="Book and print the slip").click()
    expect(page.locator("main")).to_contain_text("Kalle Soittaja")
    # The slip is in the patron's language (Finnish here) and says where the details went.
    expect(page.locator("main")).to_contain_text("tekstiviestinä numeroon 040 765 4321")
    booking = Booking.objects.get(patron_name="Kalle Soittaja")
    assert booking.starts_at == site.free_slot.starts_at

    page.goto("/en/staff/book/")
    page.get_by_label("Find a patron: phone number or name").fill("040 765 4321")
    page.get_by_role("button", name="Find").click()
    visit = page.locator("li.card", has_text="Kalle Soittaja").first
    expect(visit).to_contain_text("040 765 4321")
    visit.get_by_role("link", name="Move").click()
    page.get_by_role("button", name=hhmm(site.later_free_slot)).first.click()
    expect(page.get_by_text("The booking is moved and the patron is told.")).to_be_visible()

    page.goto("/en/staff/book/find/?q=0407654321")
    visit = page.locator("li.card", has_text="Kalle Soittaja").first
    expect(visit).to_contain_text(hhmm(site.later_free_slot))
    visit.get_by_role("link", name="Reprint the slip").click()
    expect(page.locator("main")).to_contain_text("Kalle Soittaja")
    expect(page.locator("main")).to_contain_text(hhmm(site.later_free_slot))
    booking.refresh_from_db()
    assert booking.starts_at == site.later_free_slot.starts_at
    assert "/admin/" not in page.url

"""A caller found at the desk by the number they say, their visit moved and the slip reprinted,
without opening the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.scenario import make_public_site
from tests.browser.survey import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"


def test_the_desk_finds_a_caller_by_number_moves_their_visit_and_reprints_the_slip(page: Page):
    site = make_public_site()
    get_user_model().objects.create_superuser("neuvonta", password=PASSWORD)
    sign_in(page, "neuvonta", PASSWORD)
    new_time = timezone.localtime(site.free_slot.starts_at).strftime("%H.%M")

    page.goto("/en/staff/book/")
    page.get_by_label("Find a patron: phone number or name").fill("040 123 4567")
    page.get_by_role("button", name="Find").click()

    visit = page.locator("li.card", has_text="Aino Asiakas").first
    expect(visit).to_contain_text("040 123 4567")
    visit.get_by_role("link", name="Move").click()
    page.get_by_role("button", name=new_time).first.click()

    expect(page.get_by_text("The booking is moved and the patron is told.")).to_be_visible()
    page.goto("/en/staff/book/find/?q=0401234567")
    visit = page.locator("li.card", has_text="Aino Asiakas").first
    expect(visit).to_contain_text(new_time)
    visit.get_by_role("link", name="Reprint the slip").click()
    expect(page.locator("main")).to_contain_text("Aino Asiakas")
    expect(page.locator("main")).to_contain_text(new_time)
    assert "/admin/" not in page.url

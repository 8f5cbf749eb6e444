"""Staff sign in and print the day: the paper shows the times and leaves out menus and buttons."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.scenario import make_public_site

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"


def test_staff_sign_in_open_the_day_and_print_it_without_menus_or_buttons(page: Page):
    site = make_public_site()
    get_user_model().objects.create_superuser("kirjastonhoitaja", password=PASSWORD)
    day = timezone.localtime(site.booking.starts_at).date()
    day_url = f"/en/staff/day/{site.library_slug}/?day={day:%Y-%m-%d}"

    page.goto(day_url)
    page.get_by_label("Username").fill("kirjastonhoitaja")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    assert page.url.endswith(day_url)
    table = page.locator("table.day-table")
    expect(table).to_contain_text("Aino Asiakas")
    expect(page.get_by_role("button", name="Came", exact=True).first).to_be_visible()

    page.emulate_media(media="print")
    expect(table).to_be_visible()
    expect(table).to_contain_text("Aino Asiakas")
    for hidden in ("header", "footer", "nav", ".skip-link", "details", ".attendance-row"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    for control in page.locator("button, input:not([type=hidden]), select, textarea").all():
        expect(control).to_be_hidden()

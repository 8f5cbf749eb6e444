"""The printed day and a guide's week read on a 390 px phone: cards and day lists, nothing that
runs off the side; the attendance buttons say what they do."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.staff.daily_schedule import week_param
from tests import factories
from tests.browser.scenario import make_public_site

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"
PHONE = {"width": 390, "height": 844}
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def sign_in(page: Page, url: str) -> None:
    get_user_model().objects.create_superuser("kirjastonhoitaja", password=PASSWORD)
    page.goto(url)
    page.locator("#id_username").fill("kirjastonhoitaja")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("[type=submit]").click()


@pytest.fixture
def site():
    site = make_public_site()
    # A long visit in Swedish, with a long e-mail address: the widest card the day has.
    slots = factories.make_slot_run(
        count=3,
        guide=site.booking.guide,
        starts_at=site.booking.ends_at + dt.timedelta(hours=1),
    )
    factories.make_booking(
        slot=slots[0],
        slot_count=3,
        patron_name="Birgitta Andersson-Lindqvist",
        phone="",
        email="birgitta.andersson-lindqvist.pensionar@exempel-kommun.example.com",
        language="sv",
        need="Jag vill lära mig att använda BankID och Kela-appen på min nya surfplatta.",
    )
    return site


def test_the_day_on_a_phone_has_no_sideways_scroll_and_says_what_each_button_does(page: Page, site):
    day = timezone.localtime(site.booking.starts_at).date()
    page.set_viewport_size(PHONE)
    sign_in(page, f"/staff/day/{site.library_slug}/?day={day:%Y-%m-%d}")

    expect(page.locator("table.day-table").first).to_contain_text("Aino Asiakas")
    assert page.evaluate(SIDEWAYS) <= 0
    card = page.locator("tr.row-booked", has_text="Birgitta")
    expect(card).to_contain_text("Asiakkaan kieli: ruotsi")
    expect(card).to_contain_text("Pidempi käynti: 45 minuuttia")
    assert card.bounding_box()["width"] <= PHONE["width"]
    expect(page.get_by_role("button", name="Saapui", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Ei saapunut", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Tulosta päivä")).to_be_visible()

    page.goto(f"/sv/staff/day/{site.library_slug}/?day={day:%Y-%m-%d}")
    assert page.evaluate(SIDEWAYS) <= 0
    expect(page.get_by_role("button", name="Kom", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Kom inte", exact=True).first).to_be_visible()


def test_the_day_prints_as_a_compact_table_even_from_a_phone(page: Page, site):
    day = timezone.localtime(site.booking.starts_at).date()
    page.set_viewport_size(PHONE)
    sign_in(page, f"/staff/day/{site.library_slug}/?day={day:%Y-%m-%d}")

    page.emulate_media(media="print")
    table = page.locator("table.day-table").first
    assert table.evaluate("table => getComputedStyle(table).display") == "table"
    expect(table.locator("thead")).to_be_visible()
    # The guide's name and the library on paper keep the space between them.
    heading = page.locator(".guide-heading").first.inner_text()
    assert f"{site.booking.guide.display_name} · " in heading
    label = page.locator(".booking-label").first
    assert label.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"


def test_the_week_on_a_phone_reads_day_by_day_without_sideways_scroll(page: Page, site):
    guide = site.booking.guide
    week = week_param(timezone.localtime(site.booking.starts_at).date())
    page.set_viewport_size(PHONE)
    sign_in(page, f"/staff/week/{site.library_slug}/{guide.pk}/?week={week}")

    assert page.evaluate(SIDEWAYS) <= 0
    expect(page.locator(".week-days")).to_be_visible()
    expect(page.locator(".week-grid")).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".week-grid")).to_be_visible()
    expect(page.locator(".week-days")).to_be_hidden()

"""A patron books, changes and cancels a time with the keyboard alone (Tab, Enter and Space, and
typing into the fields), in Finnish, Swedish and English."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.browser.keyboard import activate, tab_to
from tests.browser.scenario import LANGUAGES, make_public_site, prefix

pytestmark = pytest.mark.browser


def in_language(language: str):
    """The page's own words, as the catalogue gives them."""

    def translate(text: str) -> str:
        with translation.override(language):
            return gettext(text)

    return translate


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_patron_books_changes_and_cancels_a_time_by_keyboard_alone(page: Page, language):
    site = make_public_site()
    t = in_language(language)
    page.goto(f"{prefix(language)}/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    activate(page, page.get_by_role("link", name=t("See free times and book")))
    activate(page, page.get_by_role("link", name="Limingan kirjasto"))
    activate(page, page.locator(f'main a[href$="/book/{site.free_slot.pk}/"]').first)

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Book a guidance time"))
    tab_to(page, page.get_by_label(t("Your name")))
    page.keyboard.type("Kaisa Näppäimistö")
    tab_to(page, page.get_by_label(t("Phone number")))
    page.keyboard.type("040 765 4321")
    # Tab enters a group of radio buttons at its first choice; Space picks it.
    tab_to(page, page.locator("input[name=device]").first)
    page.keyboard.press("Space")
    tab_to(page, page.locator("#id_consent"))
    page.keyboard.press("Space")
    activate(page, page.get_by_role("button", name=t("Book this time")))

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your guidance time is booked"))
    booking = Booking.objects.get(patron_name="Kaisa Näppäimistö")
    assert booking.language == language
    assert booking.slots.get() == site.free_slot
    # The confirmation answered the form itself; the address bar shows the private link, and
    # reloading reads the booking again rather than sending the form a second time.
    expect(page).to_have_url(re.compile(rf"/booking/{booking.token}/\?new=1$"))
    reloaded = page.reload()
    assert reloaded.request.method == "GET" and reloaded.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your guidance time is booked"))
    assert Booking.objects.filter(patron_name="Kaisa Näppäimistö").count() == 1

    activate(page, page.locator(".private-link a"))
    assert "new=1" not in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your guidance time"))

    activate(page, page.get_by_role("link", name=t("Change the time")))
    activate(page, page.locator(f'main a[href$="/change/{site.later_free_slot.pk}/"]'))
    activate(page, page.get_by_role("button", name=t("Change to the new time")))
    expect(page.get_by_role("status")).to_contain_text(
        t("Your time is changed. We have sent you the new details.")
    )
    assert booking.slots.get() == site.later_free_slot

    activate(page, page.get_by_role("link", name=t("Cancel the booking")))
    activate(page, page.get_by_role("button", name=t("Yes, cancel my time")), key="Space")
    expect(page.get_by_role("status")).to_contain_text(
        t("Your booking is cancelled. The time is now free for others.")
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_the_language_switcher_changes_the_language_and_the_choice_sticks(page: Page):
    make_public_site()
    fi, sv = in_language("fi"), in_language("sv")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    switcher = page.get_by_role("navigation", name=fi("Language"))
    activate(page, switcher.get_by_role("link", name="Svenska"))

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert page.url.endswith("/sv/")
    activate(page, page.locator("footer").get_by_role("link", name=sv("Accessibility statement")))
    assert page.url.endswith("/sv/accessibility/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsutlåtande")


def test_the_booking_form_says_what_to_autofill_and_its_error_summary_leads_to_each_field(
    page: Page,
):
    site = make_public_site()
    page.goto(f"/en/libraries/{site.library_slug}/book/{site.free_slot.pk}/")
    assert page.get_by_label("Your name").get_attribute("autocomplete") == "name"
    assert page.get_by_label("Phone number").get_attribute("autocomplete") == "tel"
    assert page.get_by_label("E-mail address").get_attribute("autocomplete") == "email"

    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    activate(page, page.get_by_role("button", name="Book this time"))

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() >= 3
    for index in range(links.count()):
        link = links.nth(index)
        target = page.locator(link.get_attribute("href"))
        link.focus()
        page.keyboard.press("Enter")
        expect(target).to_be_focused()

"""The patron prints their booking: a real print button (shown by its script), and on paper a
QR code of the page's own address, without the buttons."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.scenario import make_public_site
from tests.qr_decoding import encodes

pytestmark = pytest.mark.browser


def test_the_print_button_prints_and_the_paper_carries_a_qr_code_of_the_private_link(page: Page):
    site = make_public_site()
    page.goto(f"/en/booking/{site.booking_token}/")
    code = page.get_by_role("img", name="QR code of this page's address")
    button = page.get_by_role("button", name="Print this page")

    expect(button).to_be_visible()
    expect(code).to_be_hidden()  # on screen the patron is on the page already
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed") is True

    page.emulate_media(media="print")
    expect(code).to_be_visible()
    expect(button).to_be_hidden()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    box = code.bounding_box()
    assert box["width"] >= 140 and box["width"] == box["height"]  # 4 cm square on paper
    assert encodes(code.evaluate("svg => svg.outerHTML"), page.url)

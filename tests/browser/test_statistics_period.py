"""The statistics page's period: only the inputs of the kind ticked show (a month, a year, or
a range of days), with no script (CSS :has)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

from tests import factories
from tests.browser.survey import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"
INPUTS = ("month", "year", "starts_on", "ends_on")


def test_only_the_chosen_kind_of_period_shows_its_inputs(page: Page):
    factories.make_library()
    get_user_model().objects.create_superuser("tilastot", password=PASSWORD)
    sign_in(page, "tilastot", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/staff/statistics/")

    def shown() -> set[str]:
        return {name for name in INPUTS if page.locator(f"#id_{name}").is_visible()}

    assert shown() == {"month"}
    page.get_by_label("A year").check()
    assert shown() == {"year"}
    page.get_by_label("From one day to another").check()
    assert shown() == {"starts_on", "ends_on"}

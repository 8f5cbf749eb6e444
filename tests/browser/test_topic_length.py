"""A topic that usually takes longer picks its length on the booking form, until the patron
picks a length themselves (static/js/topic-length.js)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.scenario import make_public_site

pytestmark = pytest.mark.browser


def test_a_topic_preselects_its_length_until_the_patron_chooses_one(page: Page):
    site = make_public_site()
    page.goto(site.urls("en")["booking_form"])
    length = {m: page.get_by_role("radio", name=f"{m} minutes") for m in (15, 30, 45)}
    expect(length[15]).to_be_checked()

    bank = page.get_by_label("Pankkitunnukset (usually 30 minutes)")
    bank.check()
    expect(length[30]).to_be_checked()
    bank.uncheck()
    expect(length[15]).to_be_checked()

    # Once the patron has chosen a length, the topics leave it alone.
    length[45].check()
    bank.check()
    expect(length[45]).to_be_checked()

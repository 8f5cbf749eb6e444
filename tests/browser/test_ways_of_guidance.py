"""Guidance where the patron is, in a real browser, in Finnish and Swedish: a patron books a
time by video and another by phone; the meeting link shows on the patron's own page and in the
calendar file, never on the public pages; the phone patron reads that the guide calls them."""

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar
from playwright.sync_api import Page, expect

from bookings.models import Booking, Way
from tests import factories
from tests.browser.scenario import guidance_day, prefix

pytestmark = pytest.mark.browser

LINK = "https://meet.jit.si/digiopas-browser-test"


def in_language(language: str):
    def t(text: str) -> str:
        with translation.override(language):
            return gettext(text)

    return t


@pytest.mark.parametrize("language", ["fi", "sv"])
@override_settings(FORM_MIN_FILL_SECONDS=0)
def test_a_video_and_a_phone_time_booked_and_how_each_patron_is_met(page: Page, language):
    t = in_language(language)
    library = factories.make_library(name="Limingan kirjasto", slug="liminka")
    aki = factories.make_guide(
        libraries=[library], display_name="Aki", languages=["fi", "sv"], video_link=LINK
    )
    ways = {"at_library": True, "by_phone": True, "by_video": True}
    video_time, phone_time = (
        factories.make_slot(guide=aki, library=library, starts_at=guidance_day(days, 12), **ways)
        for days in (2, 3)
    )
    factories.make_device(name="Älypuhelin")
    free_times = f"{prefix(language)}/libraries/liminka/"

    page.goto(free_times)
    expect(page.locator("main")).to_contain_text(t("By video"))
    assert LINK not in page.content()

    def book(slot, way_label: str, name: str) -> None:
        page.goto(f"{prefix(language)}/libraries/liminka/book/{slot.pk}/")
        assert LINK not in page.content()
        page.get_by_label(way_label).check()
        page.get_by_label(t("Your name")).fill(name)
        page.get_by_label(t("Phone number")).fill("040 123 4567")
        page.locator("input[name=device]").first.check()
        page.locator("#id_consent").check()
        page.get_by_role("button", name=t("Book this time")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Your guidance time is booked"))

    book(video_time, t("By video: you get a link to join on your own device"), "Vera Video")
    expect(page.get_by_role("link", name=LINK)).to_be_visible()
    video = Booking.objects.get(patron_name="Vera Video")
    assert video.way == Way.VIDEO and video.language == language
    ics = page.request.get(f"{prefix(language)}/booking/{video.token}/calendar.ics").body()
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == LINK

    book(phone_time, t("By phone: the guide calls you"), "Pentti Puhelin")
    main = page.locator("main")
    expect(main).to_contain_text(t("How you meet the guide"))
    expect(main).to_contain_text("040\N{NO-BREAK SPACE}123\N{NO-BREAK SPACE}4567")
    assert LINK not in page.content()
    assert Booking.objects.get(patron_name="Pentti Puhelin").way == Way.PHONE

    # Neither time is free any more, and the public page never showed the link.
    page.goto(free_times)
    content = page.content()
    assert LINK not in content
    assert f"/book/{video_time.pk}/" not in content and f"/book/{phone_time.pk}/" not in content

"""A guide who cannot come, handled on a 390 px phone: staff mark the day, move one visit to
another guide and cancel the rest; each patron is told in their own language, and the patrons
with only a phone stay on the call list after the cancelling."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests import factories
from tests.browser.scenario import guidance_day
from tests.browser.survey import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"
PHONE = {"width": 390, "height": 844}
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_a_guide_marked_absent_has_their_patrons_told_and_called(page: Page, mailoutbox, smsoutbox):
    library = factories.make_library(name="Limingan kirjasto", slug="liminka")
    maria = factories.make_guide(libraries=[library], display_name="Maria")
    ville = factories.make_guide(libraries=[library], display_name="Ville")
    start = guidance_day(3, 10)
    own = factories.make_slot_run(count=5, guide=maria, library=library, starts_at=start)
    factories.make_slot_run(count=4, guide=ville, library=library, starts_at=start)
    booked_at = timezone.now()
    svea = factories.make_booking(
        slot=own[0],
        now=booked_at,
        patron_name="Svea Svensson",
        email="svea.svensson.pensionar@exempel-kommun.example.com",
        language="sv",
    )
    factories.make_booking(
        slot=own[2],
        now=booked_at,
        patron_name="Matti Mobiili",
        phone="+358401112233",
        language="fi",
    )
    factories.make_booking(
        slot=own[3],
        now=booked_at,
        patron_name="Liisa Lankapuhelin",
        phone="+35885551234",
        language="fi",
    )
    mailoutbox.clear()
    smsoutbox.clear()
    get_user_model().objects.create_superuser("neuvonta", password=PASSWORD)
    page.set_viewport_size(PHONE)
    sign_in(page, "neuvonta", PASSWORD)

    page.goto("/staff/absence/")
    page.get_by_label("Kirjasto").select_option(label="Limingan kirjasto")
    page.get_by_label("Opastaja").select_option(label="Maria")
    day = timezone.localdate(start).isoformat()
    page.get_by_label("Ensimmäinen päivä").fill(day)
    page.get_by_label("Viimeinen päivä").fill(day)
    page.get_by_role("button", name="Merkitse poissaolevaksi ja näytä varaukset").click()

    expect(page.locator("main")).to_contain_text("Svea Svensson")
    assert page.evaluate(SIDEWAYS) <= 0
    # Svea's visit goes to Ville at the same time, the nearest one offered first.
    page.get_by_role("button", name="Siirrä ja kerro asiakkaalle").first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    svea.refresh_from_db()
    assert svea.guide == ville and svea.starts_at == start
    (moved,) = mailoutbox
    assert moved.to == [svea.email] and "Ville" in moved.body
    assert moved.subject == "Din tid för digistöd har ändrats"  # in Svea's language

    # The other two are cancelled: the mobile number gets a text message, the landline a call.
    page.get_by_label("Peru varaus: Matti Mobiili").check()
    page.get_by_label("Peru varaus: Liisa Lankapuhelin").check()
    page.get_by_role("button", name="Peru valitut varaukset ja ilmoita asiakkaille").click()
    expect(page.locator(".alert-success")).to_contain_text("2")
    assert Booking.objects.filter(status=Booking.Status.CANCELLED).count() == 2
    (text,) = smsoutbox
    assert text.to == "+358401112233" and "peru" in text.body.lower()  # "peruttu", in Finnish

    call_list = page.locator("table", has=page.locator("#call-list-caption"))
    expect(call_list).to_contain_text("Liisa Lankapuhelin")
    expect(call_list).to_contain_text("08 555 1234")
    # Matti had a text message too; with no e-mail, staff still call to be sure.
    expect(call_list).to_contain_text("040 111 2233")
    assert page.evaluate(SIDEWAYS) <= 0
    page.reload()
    expect(call_list).to_contain_text("Liisa Lankapuhelin")
    assert timezone.localdate(start) > timezone.localdate(booked_at) + dt.timedelta(days=1)

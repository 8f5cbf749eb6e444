"""A guide writes the memo of a visit with a shared instruction, and the patron reads it from
their private link and prints it on one A4 page, in Finnish and in Swedish."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.browser.scenario import (
    make_coordinator,
    make_public_site,
    make_published_instruction,
    prefix,
)
from tests.browser.survey import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password for tests"

WORDS = {
    "fi": {
        "memo_link": "Muistio Aino Asiakas",
        "what": "Mitä teimme",
        "next": "Seuraavat askeleet",
        "links": "Linkit",
        "save": "Tallenna muistio",
        "saved": "Muistio on tallennettu",
        "instruction": "Ottaa kuvakaappaus",
        "step": "Paina virtanäppäintä ja äänenvoimakkuuden alas-näppäintä yhtä aikaa.",
        "open": "Avaa pelkkä muistio tulostettavaksi",
        "print": "Tulosta muistio",
        "did": "Harjoittelimme kuvakaappauksen ottamista.",
    },
    "sv": {
        "memo_link": "Minneslapp Aino Asiakas",
        "what": "Vad vi gjorde",
        "next": "Nästa steg",
        "links": "Länkar",
        "save": "Spara minneslappen",
        "saved": "Minneslappen är sparad",
        "instruction": "Ta en skärmbild",
        "step": "Tryck samtidigt på strömknappen och volymknappen ned.",
        "open": "Öppna bara minneslappen för att skriva ut den",
        "print": "Skriv ut minneslappen",
        "did": "Vi övade på att ta en skärmbild.",
    },
}


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_guide_writes_a_memo_and_the_patron_reads_and_prints_it(page: Page, language):
    words = WORDS[language]
    site = make_public_site()
    Booking.objects.filter(pk=site.booking.pk).update(language=language)
    make_published_instruction(
        title=words["instruction"], language=language, steps=words["step"], links=""
    )
    guide = make_coordinator(username="opastaja", password=PASSWORD)
    site.booking.library.staff.add(guide)
    day = timezone.localtime(site.booking.starts_at).date()
    p = prefix(language)

    sign_in(page, "opastaja", PASSWORD)
    page.goto(f"{p}/staff/day/{site.library_slug}/?day={day:%Y-%m-%d}")
    page.get_by_role("link", name=re.compile(f"^{words['memo_link']}")).click()
    page.get_by_label(words["what"]).fill(words["did"])
    page.get_by_label(words["next"]).fill("1\n2")
    page.get_by_label(words["links"]).fill("https://www.suomi.fi Suomi.fi")
    page.get_by_label(re.compile(words["instruction"])).check()
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()

    page.goto(f"{p}/booking/{site.booking_token}/")
    memo = page.locator(".memo")
    expect(memo).to_contain_text(words["did"])
    expect(memo.get_by_role("heading", name=words["instruction"])).to_be_visible()
    expect(memo.get_by_role("link", name="Suomi.fi")).to_have_attribute(
        "href", "https://www.suomi.fi"
    )
    page.get_by_role("link", name=words["open"]).click()

    button = page.get_by_role("button", name=words["print"])
    expect(button).to_be_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_text(words["step"])).to_be_visible()
    expect(page.get_by_text("(https://www.suomi.fi)")).to_be_visible()  # the address on paper
    assert pdf_pages(page.pdf(format="A4")) == 1

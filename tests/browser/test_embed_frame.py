"""A library's next free times in a frame on another site (another origin): shown where
FRAME_ANCESTORS lists the site, refused by the browser (CSP frame-ancestors) where it does not,
and a time chosen in the frame opens the booking form in a new tab, where the booking succeeds.

Booking inside the frame is not offered: there, our SameSite=Lax session and CSRF cookies are
not sent, and the form's CSRF check would fail (docs/embed-and-feeds.md)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.browser.scenario import make_public_site

pytestmark = pytest.mark.browser


@contextmanager
def library_site(frame_src: str) -> Iterator[str]:
    """A library's own web page on another origin: a second server, on the other name of the
    loopback address than the live server's, with one page that frames `frame_src`."""
    body = (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Kirjasto</title>'
        f'</head><body><h1>Kirjaston sivu</h1><iframe src="{frame_src}" title="Vapaat ajat" '
        'width="600" height="500"></iframe></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    other_host = "127.0.0.1" if urlsplit(frame_src).hostname == "localhost" else "localhost"
    try:
        yield f"http://{other_host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def t(text: str) -> str:
    with translation.override("fi"):
        return gettext(text)


def frame_allowed(origin: str):
    """FRAME_ANCESTORS=self <origin>, as the settings make it from the environment."""
    return override_settings(
        FRAME_ANCESTORS=["'self'", origin],
        SECURE_CSP={**settings.SECURE_CSP, "frame-ancestors": ["'self'", origin]},
        FORM_MIN_FILL_SECONDS=0,
    )


def test_a_listed_site_frames_the_times_and_a_time_opens_a_booking_in_a_new_tab(
    page: Page, live_server
):
    site = make_public_site()
    embed = f"{live_server.url}/libraries/{site.library_slug}/embed/"
    with library_site(embed) as origin, frame_allowed(origin):
        page.goto(origin + "/")
        frame = page.frame_locator("iframe")
        heading = frame.get_by_role("heading", level=1)
        expect(heading).to_have_text(
            t("Next free times at %(library)s") % {"library": "Limingan kirjasto"}
        )
        times = frame.locator(f'a[href$="/book/{site.free_slot.pk}/"]')
        expect(times).to_have_attribute("target", "_blank")
        expect(times).to_contain_text(f"({t('opens in a new tab')})")

        with page.context.expect_page() as opened:
            times.click()
        form = opened.value
        form.wait_for_load_state()
        # A tab of its own, at the top: our cookies are first-party there.
        assert form.url == embed.replace("/embed/", f"/book/{site.free_slot.pk}/")
        expect(form.get_by_role("heading", level=1)).to_have_text(t("Book a guidance time"))
        form.get_by_label(t("Your name")).fill("Kerttu Kehyksestä")
        form.get_by_label(t("Phone number")).fill("040 765 4321")
        form.locator("input[name=device]").first.check()
        form.locator("#id_consent").check()
        form.get_by_role("button", name=t("Book this time")).click()
        expect(form.get_by_role("heading", level=1)).to_have_text(t("Your guidance time is booked"))
    booking = Booking.objects.get(patron_name="Kerttu Kehyksestä")
    assert booking.slots.get() == site.free_slot


def test_a_site_not_listed_gets_no_frame(page: Page, live_server):
    site = make_public_site()
    embed = f"{live_server.url}/libraries/{site.library_slug}/embed/"
    with library_site(embed) as origin:
        refused = []
        page.on("response", lambda r: refused.append(r) if "/embed/" in r.url else None)
        page.goto(origin + "/")
        expect(page.get_by_role("heading", name="Kirjaston sivu")).to_be_visible()
        page.wait_for_load_state("load")
        # The server answered, with a policy that names only itself; the browser showed nothing.
        assert refused and "frame-ancestors 'self'" in refused[0].headers["content-security-policy"]
        expect(page.frame_locator("iframe").get_by_role("heading", level=1)).to_have_count(0)
        # Chromium puts its own error page in the frame's place.
        (child,) = page.main_frame.child_frames
        assert child.url.startswith("chrome-error://")

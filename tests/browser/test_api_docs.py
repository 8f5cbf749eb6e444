"""The API's browsable docs (Swagger UI, from ninja's own static files) work under the site's
strict Content-Security-Policy: no inline script or style is refused, nothing loads from
another host, and the operations show."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_with_no_csp_error_and_nothing_from_elsewhere(page: Page, live_server):
    console, requests = [], []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.on("request", lambda request: requests.append(request.url))

    page.goto("/api/v1/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Digiopas")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/libraries/{slug}/free-times")).to_be_visible()
    page.locator(".opblock-summary").last.click()  # open an operation, as a reader would
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()
    page.wait_for_load_state("networkidle")
    refused = [line for line in console if "Content Security Policy" in line or "error" in line]
    assert refused == [], console
    assert all(url.startswith(live_server.url) for url in requests), requests

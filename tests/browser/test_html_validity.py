"""Every public and staff page's HTML, as the server sends it, is valid: the Nu HTML Checker
(vnu-jar, run once on all pages with the system Java) reports no errors."""

import pytest

from tests.browser.scenario import LANGUAGES
from tests.browser.survey import PAGE_NAMES, STAFF_PAGE_NAMES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES + STAFF_PAGE_NAMES)
def test_the_nu_html_checker_finds_no_errors(html_errors, name, language):
    errors = html_errors[name, language]
    assert errors == [], "\n".join(
        f"line {e.get('lastLine')}: {e['message']} ({e.get('extract', '').strip()})" for e in errors
    )

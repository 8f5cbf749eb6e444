"""Every public page, and every staff page signed in as a coordinator, in Finnish, Swedish and
English, meets what WCAG 2.1 AA asks of it that a browser can check: axe-core finds nothing, and
the survey's own checks pass (survey.py). The staff pages are an intranet of a public body, which
the EU Web Accessibility Directive covers too."""

import pytest

from tests.browser.scenario import LANGUAGES
from tests.browser.survey import EXPECTED_STATUS, PAGE_NAMES, STAFF_PAGE_NAMES

pytestmark = pytest.mark.browser


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES + STAFF_PAGE_NAMES)
def test_axe_finds_no_wcag_21_aa_violations(site_survey, name, language):
    page = site_survey[name, language]
    assert page.violations == [], f"{page.url}\n{describe(page.violations)}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES + STAFF_PAGE_NAMES)
def test_the_page_has_one_h1_its_language_a_skip_link_visible_focus_and_no_sideways_scroll(
    site_survey, name, language
):
    page = site_survey[name, language]
    assert page.status == EXPECTED_STATUS.get(name, 200), page.url
    assert page.h1_count == 1, page.url
    assert page.lang == language, page.url
    assert page.problems == [], page.url

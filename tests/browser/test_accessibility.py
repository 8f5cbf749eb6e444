"""Every public page, in Finnish, Swedish and English, meets what WCAG 2.1 AA asks of it that a
browser can check: axe-core finds nothing, and the survey's own checks pass (survey.py)."""

import pytest

from tests.browser.scenario import LANGUAGES
from tests.browser.survey import PAGE_NAMES

pytestmark = pytest.mark.browser


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_axe_finds_no_wcag_21_aa_violations(site_survey, name, language):
    page = site_survey[name, language]
    assert page.violations == [], f"{page.url}\n{describe(page.violations)}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_the_page_has_one_h1_its_language_a_skip_link_visible_focus_and_no_sideways_scroll(
    site_survey, name, language
):
    page = site_survey[name, language]
    assert page.status == (404 if name == "not_found" else 409 if name == "slot_taken" else 200)
    assert page.h1_count == 1, page.url
    assert page.lang == language, page.url
    assert page.problems == [], page.url

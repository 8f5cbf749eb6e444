"""Visit every public page, and signed in every staff page, in every language once and note
what the accessibility tests assert.

For each page: the raw HTML the server sent (for the Nu HTML Checker), axe-core's WCAG 2.1 A/AA
violations, and what axe cannot judge alone: one h1, the page's language, the skip link (first
on Tab, visible, moves focus to the content), a visible focus indicator on every Tab stop, a
focused error summary on a failed form, and no sideways scrolling at 320 and 640 CSS pixels
(a phone, and 200 % zoom of a 1280-pixel window). And WCAG 2.2's: focus never hidden under
another element (2.4.11), and every form control seen (3:1) and big enough to hit (24 pixels)
(form_controls.py). No text in thin type (under the normal weight, 400).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Page, Response

from tests.browser.form_controls import control_problems, measure
from tests.browser.scenario import LANGUAGES, STAFF_PASSWORD, PublicSite, StaffSite

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
DESKTOP = {"width": 1280, "height": 900}
NARROW_WIDTHS = (320, 640)
MAX_TAB_STOPS = 120

# What has focus after a Tab press, and whether a person can see that it has.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  const label = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  // WCAG 2.4.11: some of it shows, not covered by a sticky header or anything else. Points
  // inside its box and the window, as the browser scrolled it into view.
  const inside = (x, y) => [
    Math.min(Math.max(x, 0), innerWidth - 1), Math.min(Math.max(y, 0), innerHeight - 1),
  ];
  const points = [
    [box.left + box.width / 2, box.top + box.height / 2],
    [box.left + 1, box.top + 1],
    [box.right - 1, box.bottom - 1],
  ].map(([x, y]) => inside(x, y));
  const uncovered = points.some(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return hit && (el.contains(hit) || hit.contains(el));
  });
  return {
    key: el.outerHTML.slice(0, 200),
    name: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label.slice(0, 40)}"`,
    visible: Boolean(outline || shadow) && box.width > 0 && box.height > 0,
    skip: el.classList.contains("skip-link") && el.getAttribute("href") === "#main",
    obscured: box.width > 0 && box.height > 0 && !uncovered,
  };
}"""

# Text in thin type (Bootstrap's .lead is 300) is hard to read for older or tired eyes.
THIN_TEXT = """() => [...document.querySelectorAll("main *")]
  .filter(el => parseInt(getComputedStyle(el).fontWeight, 10) < 400)
  .filter(el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
  .map(el => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`)
"""

SUMMARY_BEFORE_FORM = """summary => {
  const field = document.querySelector("main form :is(input:not([type=hidden]), textarea)");
  if (!field) return true;
  return Boolean(summary.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


@dataclass
class PageFacts:
    name: str
    language: str
    url: str
    status: int
    html: str
    violations: list[dict] = field(default_factory=list)
    h1_count: int = 0
    lang: str = ""
    problems: list[str] = field(default_factory=list)
    controls_measured: int = 0
    control_problems: list[str] = field(default_factory=list)


def submit_empty(form_selector: str) -> Callable[[Page], Response]:
    """Send a form as it is, as a browser without validation would: the server's errors show."""

    def action(page: Page) -> Response:
        form = page.locator(form_selector)
        form.evaluate("form => { form.noValidate = true; }")
        with page.expect_navigation() as navigation:
            form.locator("[type=submit]").click()
        return navigation.value

    return action


ERROR_STATES = {
    "booking_form_errors": ("booking_form", submit_empty("main form")),
    "waiting_list_join_errors": ("waiting_list_join", submit_empty("main form")),
    "feedback_errors": ("feedback", submit_empty("main form")),
}
PAGE_NAMES = [
    "home",
    "choose_library",
    "free_times",
    "embed",
    "booking_form",
    "booking_form_errors",
    "booking_confirmation",
    "booking_cancel",
    "booking_change",
    "booking_change_confirm",
    "booking_cancelled",
    "booking_cancelled_by_library",
    "slot_taken",
    "booking_with_memo",
    "booking_memo",
    "waiting_list_join",
    "waiting_list_join_errors",
    "waiting_entry",
    "waiting_leave",
    "principles",
    "principles_poster",
    "feedback",
    "feedback_errors",
    "feedback_answered",
    "feedback_thanks",
    "accessibility",
    "privacy",
    "not_found",
]
STAFF_ERROR_STATES = {
    "desk_book_errors": ("desk_book", submit_empty("main form")),
    "guide_absent_errors": ("guide_absent", submit_empty("main form")),
    "staff_memo_errors": ("staff_memo_errors", submit_empty("main form[method=post]")),
}
# The printed day is reached through its entry (/staff/day/), which goes on to the library's day.
STAFF_PAGE_NAMES = [
    "printed_day",
    "guide_week",
    "guide_week_holiday",
    "guide_week_clock_change",
    "desk_today",
    "desk_day",
    "desk_day_errors",
    "desk_book",
    "desk_book_errors",
    "desk_slip",
    "desk_move",
    "desk_cancel",
    "desk_find",
    "desk_waiting_list",
    "closure_affected",
    "guide_absent",
    "guide_absent_errors",
    "statistics_month",
    "statistics_year",
    "statistics_report",
    "statistics_errors",
    "my_settings",
    "staff_memo",
    "staff_memo_errors",
]
EXPECTED_STATUS = {"not_found": 404, "slot_taken": 409}


def survey(page: Page, site: PublicSite) -> dict[tuple[str, str], PageFacts]:
    """The public pages, as a visitor: facts by (page name, language)."""
    # axe-core (bundled with axe-playwright-python) is in every document from its start.
    page.context.add_init_script(path=AXE_FILE_PATH)
    return _survey_pages(page, site.urls, PAGE_NAMES, ERROR_STATES)


def survey_staff(page: Page, staff: StaffSite) -> dict[tuple[str, str], PageFacts]:
    """The staff pages, signed in as a coordinator in the tab `survey` used."""
    sign_in(page, staff.username, STAFF_PASSWORD)
    return _survey_pages(page, staff.urls, STAFF_PAGE_NAMES, STAFF_ERROR_STATES)


def sign_in(page: Page, username: str, password: str) -> None:
    """Through the admin's sign-in form; the tests' settings ask for no authenticator code."""
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("[type=submit]").click()
    if "/admin/login/" in page.url:
        raise AssertionError(f"{username} could not sign in")


def _survey_pages(
    page: Page,
    urls_of: Callable[[str], dict[str, str]],
    names: list[str],
    error_states: dict[str, tuple[str, Callable[[Page], Response]]],
) -> dict[tuple[str, str], PageFacts]:
    facts = {}
    for language in LANGUAGES:
        urls = urls_of(language)
        for name in names:
            base, action = error_states.get(name, (name, None))
            page.set_viewport_size(DESKTOP)
            response = page.goto(urls[base])
            if action:
                response = action(page)
            facts[name, language] = _facts_of(page, response, name, language)
    return facts


def _facts_of(page: Page, response: Response, name: str, language: str) -> PageFacts:
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    facts = PageFacts(
        name=name,
        language=language,
        url=page.url,
        status=response.status,
        html=response.text(),
        violations=violations,
        h1_count=page.locator("h1").count(),
        lang=page.locator("html").get_attribute("lang") or "",
    )
    facts.problems += _error_summary_problems(page, name)
    facts.problems += _keyboard_problems(page, starts_at_summary=name.endswith("_errors"))
    facts.problems += _reflow_problems(page)
    facts.problems += [f"thin text: {text}" for text in page.evaluate(THIN_TEXT)]
    controls = measure(page)
    facts.controls_measured = len(controls["controls"])
    facts.control_problems = control_problems(controls)
    return facts


def _error_summary_problems(page: Page, name: str) -> list[str]:
    summary = page.locator("#error-summary")
    if not name.endswith("_errors"):
        return []
    if not summary.count():
        return ["the form with errors has no error summary"]
    problems = []
    if not summary.evaluate("el => el === document.activeElement"):
        problems.append("the error summary does not have focus when the page opens")
    if not summary.evaluate(SUMMARY_BEFORE_FORM):
        problems.append("the error summary does not come before the form's fields")
    for link in summary.locator("a").all():
        target = link.get_attribute("href") or ""
        if not target.startswith("#") or not page.locator(target).count():
            problems.append(f"error summary link {target!r} leads nowhere")
    return problems


def _keyboard_problems(page: Page, *, starts_at_summary: bool) -> list[str]:
    problems, seen = [], set()
    for stop in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["key"] in seen:
            break
        seen.add(focused["key"])
        if stop == 0 and not starts_at_summary and not focused["skip"]:
            problems.append(f"the first Tab stop is {focused['name']}, not the skip link")
        if not focused["visible"]:
            problems.append(f"no visible focus on {focused['name']}")
        if focused["obscured"]:
            problems.append(f"focus on {focused['name']} is hidden under another element")
    skip = page.locator("a.skip-link")
    if not skip.count():
        return [*problems, "no skip link"]
    skip.focus()
    page.keyboard.press("Enter")
    if not page.evaluate("() => document.activeElement.id === 'main'"):
        problems.append("the skip link does not move focus to the main content")
    return problems


def _reflow_problems(page: Page) -> list[str]:
    problems = []
    for width in NARROW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll_width, inner_width = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            problems.append(f"scrolls sideways at {width} px ({scroll_width} px wide)")
    page.set_viewport_size(DESKTOP)
    return problems

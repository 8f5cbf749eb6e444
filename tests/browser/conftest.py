"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

They run last (after every other test) with one browser for the whole session. Without
/usr/bin/chromium they are skipped, saying why, except under CI (`CI=true`), where they fail.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
NO_CHROMIUM = "/usr/bin/chromium is missing: apt-get install chromium"


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time when it shares the tests' in-memory
    SQLite connection. Its request threads all use that one connection: two requests at once
    (a page, and Chromium's own /favicon.ico for the page before) used it together and SQLite
    answered "bad parameter or other API misuse", a 503 in a CI run. On PostgreSQL each
    thread has its own connection and requests still run side by side."""

    lock = threading.Lock()

    def set_app(self, application) -> None:
        if not self.connections_override:
            return super().set_app(application)

        def one_at_a_time(environ, start_response):
            with self.lock:
                return application(environ, start_response)

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATime


def pytest_collection_modifyitems(config, items) -> None:
    browser = [item for item in items if item.get_closest_marker("browser")]
    if not browser:
        return
    # Last, so that their database flushes never touch the data other tests rely on.
    items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser
    if not CHROMIUM.exists() and not IN_CI:
        for item in browser:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"CI=true: the browser tests must run, but {NO_CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
        ],
    }


@pytest.fixture(scope="session")
def device(pytestconfig) -> str | None:
    """pytest-playwright's emulated device (`--device`), which the project's own `device`
    fixture (a device type) would otherwise shadow in these tests."""
    return pytestconfig.getoption("--device")


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """`page.goto("/sv/")` goes to the live server (pytest-base-url's fixture, overridden)."""
    return live_server.url


@pytest.fixture
def page(page):
    """Playwright's page, failing after 10 s rather than 30 when something never shows."""
    page.set_default_timeout(10_000)
    return page


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread, so Django would refuse
    the test's own ORM calls (SynchronousOnlyOperation). Nothing here is async."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The live server shares this process's cache; each test starts with no attempts counted."""
    cache.clear()


# --- Every public and staff page, surveyed once per session (tests/browser/survey.py) --------

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SURVEY = pytest.StashKey[dict]()
HTML_ERRORS = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def site_survey(browser, live_server, django_db_blocker, pytestconfig) -> dict:
    """Facts about every public page, then every staff page signed in as a coordinator, in fi,
    sv and en, gathered in one browser tab.

    The data is made outside any test's transaction, so the live server sees it; the first
    test that uses it flushes the database afterwards, as every live-server test does."""
    from django.test import override_settings

    from tests.browser.scenario import make_public_site, make_staff_site
    from tests.browser.survey import survey, survey_staff

    with django_db_blocker.unblock(), override_settings(FORM_MIN_FILL_SECONDS=0):
        cache.clear()
        site = make_public_site()
        # Reduced motion: Bootstrap scrolls smoothly otherwise, and a Tab stop would be judged
        # (focus not hidden, WCAG 2.4.11) while the page is still scrolling to it.
        context = browser.new_context(
            base_url=live_server.url, locale="fi-FI", reduced_motion="reduce"
        )
        try:
            page = context.new_page()
            facts = survey(page, site)
            facts |= survey_staff(page, make_staff_site(site))
        finally:
            context.close()
    pytestconfig.stash[SURVEY] = facts
    return facts


@pytest.fixture(scope="session")
def html_errors(site_survey, tmp_path_factory, pytestconfig) -> dict:
    """The Nu HTML Checker's errors for every surveyed page: all files in one Java run."""
    import json
    import shutil
    import subprocess

    if not VNU_JAR.exists() or not shutil.which("java"):
        missing = f"the Nu HTML Checker needs Java and {VNU_JAR.relative_to(ROOT)} (npm ci)"
        if IN_CI:
            pytest.fail(f"CI=true: {missing}")
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("html")
    files = {}
    for key, facts in site_survey.items():
        files[key] = folder / f"{facts.language}-{facts.name}.html"
        files[key].write_text(facts.html, encoding="utf-8")
    checked = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        + [str(path) for path in files.values()],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(checked.stdout)["messages"]
    errors = {key: [] for key in files}
    by_name = {path.name: key for key, path in files.items()}
    for message in messages:
        key = by_name.get(message.get("url", "").rsplit("/", 1)[-1])
        if key is None:
            pytest.fail(f"the Nu HTML Checker failed: {message}")
        errors[key].append(message)
    pytestconfig.stash[HTML_ERRORS] = errors
    return errors


def pytest_terminal_summary(terminalreporter, config) -> None:
    """Tables of every surveyed page, public and staff: axe violations / HTML errors / other
    problems, per language."""
    facts = config.stash.get(SURVEY, None)
    if not facts:
        return
    errors = config.stash.get(HTML_ERRORS, {})
    from tests.browser.scenario import LANGUAGES
    from tests.browser.survey import PAGE_NAMES, STAFF_PAGE_NAMES

    for title, names in (("public pages", PAGE_NAMES), ("staff pages", STAFF_PAGE_NAMES)):
        _write_summary_table(terminalreporter, title, names, LANGUAGES, facts, errors)


def _write_summary_table(terminalreporter, title, names, languages, facts, errors) -> None:
    write = terminalreporter.write_line
    terminalreporter.section(f"{title}: axe violations / HTML errors / other problems")
    write(f"{'page':<26}" + "".join(f"{language:>14}" for language in languages))
    for name in names:
        cells = []
        for language in languages:
            page = facts[name, language]
            html = len(errors[name, language]) if (name, language) in errors else "-"
            cells.append(f"{len(page.violations)} / {html} / {len(page.problems)}")
        write(f"{name:<26}" + "".join(f"{cell:>14}" for cell in cells))

"""Every form control a patron or staff member uses can be seen and hit (WCAG 2.2 AA): its border
stands out 3:1 from what is behind it, at rest, ticked or not and with focus; focus shows as a
clear ring; and it, like every button, is at least 24 by 24 pixels (form_controls.py).

The public and staff pages are measured by the survey, in each language (survey.py); the admin's
sign-in and the change forms staff use here, in its light and dark theme. axe-core checks none
of this."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from tests import factories
from tests.browser.form_controls import (
    WHITE,
    Colour,
    background,
    contrast,
    control_problems,
    measure,
)
from tests.browser.scenario import LANGUAGES, STAFF_PASSWORD, make_coordinator
from tests.browser.survey import FOCUSED, PAGE_NAMES, STAFF_PAGE_NAMES, THIN_TEXT, sign_in

pytestmark = pytest.mark.browser

# The pages whose forms have fields or choices (the rest have buttons only, or no form): the
# measurement must find them, or it would pass a page whose controls it could not see.
PAGES_WITH_CONTROLS = {
    "booking_form",
    "booking_form_errors",
    "waiting_list_join",
    "waiting_list_join_errors",
    "printed_day",
    "guide_week",
    "desk_today",
    "desk_day",
    "desk_day_errors",
    "desk_book",
    "desk_book_errors",
    "desk_find",
    "desk_waiting_list",
    "closure_affected",
    "statistics_month",
    "statistics_year",
    "statistics_errors",
    "my_settings",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES + STAFF_PAGE_NAMES)
def test_every_form_control_stands_out_3_to_1_shows_focus_and_is_24_pixels(
    site_survey, name, language
):
    page = site_survey[name, language]
    assert page.control_problems == [], f"{page.url}\n" + "\n".join(page.control_problems)
    if name in PAGES_WITH_CONTROLS:
        assert page.controls_measured > 0, f"{page.url}: no form control found to measure"


def test_the_admin_sign_in_and_change_forms_staff_use_pass_in_light_and_dark(
    page: Page, live_server
):
    now = timezone.now()
    library = factories.make_library(name="Limingan kirjasto")
    guide = factories.make_guide(libraries=[library], display_name="Maria")
    schedule = factories.make_schedule(guide=guide, library=library)
    today = timezone.localdate(now)
    closure = factories.make_closure(
        library=library,
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=22),
        reason="Loma",
    )
    slot = factories.make_slot(
        guide=guide, library=library, starts_at=now.replace(microsecond=0) + dt.timedelta(days=3)
    )
    factories.make_topic(name="Pankkitunnukset")
    booking = factories.make_booking(slot=slot, now=now)
    user = make_coordinator(username="koordinaattori", password=STAFF_PASSWORD)
    library.staff.add(user)
    admin = "/admin/bookings"
    forms = {
        "closure": f"{admin}/closure/{closure.pk}/change/",
        "library": f"{admin}/library/{library.pk}/change/",
        "guide": f"{admin}/guide/{guide.pk}/change/",
        "weekly schedule": f"{admin}/weeklyschedule/{schedule.pk}/change/",
        "booking": f"{admin}/booking/{booking.pk}/change/",
    }

    problems, measured = [], {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.context.clear_cookies()
        page.goto("/admin/login/")
        found = measure(page)
        measured["sign-in", scheme] = len(found["controls"])
        problems += [f"sign-in ({scheme}): {p}" for p in control_problems(found)]
        sign_in(page, user.username, STAFF_PASSWORD)
        for name, url in forms.items():
            # Each page's own late requests (its admin scripts' fetches) end before the next:
            # the live server's SQLite connection is one, shared by its threads.
            response = page.goto(url, wait_until="networkidle")
            assert response.status == 200, url
            found = measure(page)
            measured[name, scheme] = len(found["controls"])
            problems += [f"{name} ({scheme}): {p}" for p in control_problems(found)]

    assert problems == [], "\n".join(problems)
    assert all(count > 0 for count in measured.values()), measured


def test_the_survey_sees_focus_hidden_under_a_sticky_header_and_thin_text(page: Page):
    page.set_content(
        '<header style="position: fixed; top: 0; z-index: 10; height: 6rem; width: 100%; '
        'background: #fff">Menu</header><main><p style="font-weight: 300">Thin words</p>'
        '<input id="hidden" style="position: absolute; top: 1rem"></main>'
    )
    page.locator("#hidden").focus()

    assert page.evaluate(FOCUSED)["obscured"]
    assert page.evaluate(THIN_TEXT) == ['p "Thin words"']


# How the measurements are judged, with colours whose ratios are known.


def test_bootstraps_default_control_border_is_1_3_to_1_on_white():
    assert round(contrast(Colour.parse("rgb(222, 226, 230)"), WHITE), 2) == 1.3


def test_the_borders_used_now_are_over_3_to_1():
    assert contrast(Colour.parse("rgb(108, 117, 125)"), WHITE) > 4.6  # the site's #6c757d
    assert contrast(Colour.parse("rgb(108, 117, 125)"), Colour.parse("rgb(243, 246, 249)")) > 4.3
    assert contrast(Colour.parse("rgb(118, 118, 118)"), WHITE) > 4.5  # the admin's #767676


def test_a_see_through_background_is_painted_over_the_ones_below():
    assert str(background(["rgba(0, 0, 0, 0)", "rgb(243, 246, 249)"])) == "#f3f6f9"
    assert str(background(["rgba(0, 0, 0, 0.5)"])) == "#808080"  # over the white canvas


def test_a_faint_border_a_missing_ring_and_a_small_box_are_each_reported():
    faint = {"side": "top", "colour": "rgb(222, 226, 230)", "width": 1, "style": "solid"}
    control = {
        "name": 'input#id_name "Name"',
        "states": {
            "rest": {"borders": [faint]},
            "focused": {"borders": [faint], "outline": {"colour": "rgb(0, 0, 0)", "width": 0}},
        },
        "behind": ["rgb(255, 255, 255)"],
        "width": 200,
        "height": 18,
    }

    problems = control_problems({"controls": [control], "buttons": []})

    assert len(problems) == 3
    assert "1.30:1, under 3:1" in problems[0]
    assert "with focus" in problems[1]
    assert "200×18 px" in problems[2]

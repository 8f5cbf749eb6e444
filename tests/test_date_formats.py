"""Dates and times in each language's own form, with a 24-hour clock (digiopas/formats/)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.factories import helsinki

TUESDAY_AFTERNOON = helsinki(2026, 11, 24, 14, 15)


@pytest.mark.parametrize(
    ("language", "short", "long", "heading"),
    [
        ("fi", "ti 24.11. klo 14.15", "tiistai 24.11.2026 klo 14.15", "tiistai 24.11."),
        ("sv", "tis 24.11. kl. 14.15", "tisdag 24.11.2026 kl. 14.15", "tisdag 24.11."),
        ("en", "Tue 24.11. at 14.15", "Tuesday 24.11.2026, 14.15", "Tuesday 24.11."),
    ],
)
def test_each_language_writes_dates_its_own_way_on_a_24_hour_clock(language, short, long, heading):
    template = Template(
        '{{ at|date:"SHORT_DATETIME_FORMAT" }}|{{ at|date:"DATETIME_FORMAT" }}|'
        '{{ at|date:"MONTH_DAY_FORMAT" }}|{{ at|time }}|{{ at|date:"SHORT_DATE_FORMAT" }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"at": TUESDAY_AFTERNOON}))
    assert rendered.split("|") == [short, long, heading, "14.15", "24.11.2026"]

"""`{% day_range closure.starts_on closure.ends_on %}`: days as people in Finland write them,
one day as "8.12.", several joined by an en dash, with the year where the reader needs it
(`with_year=True`: "8.12.2026"). A single day is never written as a range from itself to
itself."""

import datetime as dt

from django import template

register = template.Library()


def _day(day: dt.date, *, with_year: bool) -> str:
    return f"{day.day}.{day.month}.{day.year if with_year else ''}"


@register.simple_tag
def day_range(first: dt.date, last: dt.date, with_year: bool = False) -> str:
    if first == last:
        return _day(first, with_year=with_year)
    return f"{_day(first, with_year=with_year)}–{_day(last, with_year=with_year)}"

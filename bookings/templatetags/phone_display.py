"""`{{ booking.phone|phone_as_written }}`: a stored number as people write it (040 123 4567)."""

from django import template

from bookings import phone_numbers

register = template.Library()


@register.filter
def phone_as_written(stored: str) -> str:
    return phone_numbers.phone_as_written(stored or "")


@register.filter
def phone_on_one_line(stored: str) -> str:
    """The number as people write it, its groups joined by no-break spaces: a sentence never
    breaks a number over two lines on a narrow phone."""
    return phone_as_written(stored).replace(" ", "\N{NO-BREAK SPACE}")

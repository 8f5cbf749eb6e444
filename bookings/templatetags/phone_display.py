"""`{{ booking.phone|phone_as_written }}`: a stored number as people write it (040 123 4567)."""

from django import template

from bookings import phone_numbers

register = template.Library()


@register.filter
def phone_as_written(stored: str) -> str:
    return phone_numbers.phone_as_written(stored or "")

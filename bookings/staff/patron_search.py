"""Finding a patron at the desk: by a phone number typed in any form, or by part of a name.

One read for the desk's search: the patron's bookings at the libraries the staff member sees,
the upcoming ones first (soonest first), then the recent past (latest first), at most
`RESULT_LIMIT` in all, in two queries whatever the database holds.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from bookings.forms import visible_text
from bookings.models import Booking, Library
from bookings.phone_numbers import phone_search_term

RESULT_LIMIT = 50
# Longer than any name or number; what is longer is cut, not refused.
TERM_MAX_LENGTH = 100
# A single letter would match half the patrons: a name search needs two characters.
NAME_MIN_LENGTH = 2


@dataclass
class PatronSearch:
    term: str
    upcoming: list[Booking] = field(default_factory=list)
    past: list[Booking] = field(default_factory=list)
    # More bookings matched than are shown: the desk should type more of the name or number.
    is_capped: bool = False
    by_phone: bool = False

    @property
    def found(self) -> bool:
        return bool(self.upcoming or self.past)

    @property
    def shown(self) -> int:
        return len(self.upcoming) + len(self.past)


def search_term_clean(raw: str) -> str:
    """What was typed, without invisible characters, runs of spaces or an endless tail."""
    return " ".join(visible_text(raw or "")[:TERM_MAX_LENGTH].split())


def patron_bookings(
    raw_term: str,
    *,
    libraries: QuerySet[Library],
    now: dt.datetime,
    limit: int = RESULT_LIMIT,
) -> PatronSearch:
    """The bookings of the patron whose phone number or name (part of it) is `raw_term`.

    A number matches the stored E.164 form exactly, however it was typed; a name matches when
    every word typed is part of the name, in any order and case. Erased bookings never match.
    """
    term = search_term_clean(raw_term)
    result = PatronSearch(term=term)
    e164 = phone_search_term(term)
    if e164:
        result.by_phone = True
        match = Q(phone=e164)
    elif len(term) >= NAME_MIN_LENGTH:
        match = Q()
        for word in term.split():
            match &= Q(patron_name__icontains=word)
    else:
        return result
    bookings = Booking.objects.filter(
        match, library__in=libraries, personal_data_erased_at__isnull=True
    ).select_related("library", "guide")
    # One more than shown tells whether there were more.
    upcoming = list(bookings.filter(ends_at__gte=now).order_by("starts_at", "pk")[: limit + 1])
    result.upcoming = upcoming[:limit]
    room = limit - len(result.upcoming)
    if len(upcoming) > limit:
        result.is_capped = True
        return result
    past = list(bookings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[: room + 1])
    result.past = past[:room]
    result.is_capped = len(past) > room
    return result

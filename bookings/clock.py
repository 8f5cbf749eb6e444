"""Local (Helsinki) wall-clock time: the zone, a wall-clock time on a day, a day's bounds.

Stored times are UTC; people think in local days and wall-clock times, which daylight saving
time shifts twice a year. Every conversion between the two goes through here.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def wall_clock(day: dt.date, time: dt.time) -> dt.datetime | None:
    """The aware local datetime for a wall-clock time, or None when the clock skips it (DST)."""
    zone = local_zone()
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


def local_midnight(day: dt.date) -> dt.datetime:
    """The aware moment `day` begins in local time (Finnish clocks never skip midnight)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes from local midnight of `first` to local midnight after `last`."""
    return local_midnight(first), local_midnight(last + dt.timedelta(days=1))

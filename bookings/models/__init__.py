from .access_log import AccessLogEntry
from .booking import Booking, BookingTopic
from .library import (
    WAY_FIELDS,
    Closure,
    DeviceType,
    Guide,
    Library,
    Topic,
    Way,
    Weekday,
    WeeklySchedule,
)
from .notification import Notification
from .slot import Slot, SlotQuerySet
from .waiting_list import PartOfDay, WaitingListEntry

__all__ = [
    "WAY_FIELDS",
    "AccessLogEntry",
    "Booking",
    "BookingTopic",
    "Closure",
    "DeviceType",
    "Guide",
    "Library",
    "Notification",
    "PartOfDay",
    "Slot",
    "SlotQuerySet",
    "Topic",
    "WaitingListEntry",
    "Way",
    "Weekday",
    "WeeklySchedule",
]

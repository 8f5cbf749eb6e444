from .booking import Booking
from .library import Closure, DeviceType, Guide, Library, Topic, Weekday, WeeklySchedule
from .notification import Notification
from .slot import Slot, SlotQuerySet

__all__ = [
    "Booking",
    "Closure",
    "DeviceType",
    "Guide",
    "Library",
    "Notification",
    "Slot",
    "SlotQuerySet",
    "Topic",
    "Weekday",
    "WeeklySchedule",
]

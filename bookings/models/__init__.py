from .access_log import AccessLogEntry
from .booking import Booking, BookingTopic
from .library import Closure, DeviceType, Guide, Library, Topic, Weekday, WeeklySchedule
from .memo import Instruction, Memo, MemoInstruction
from .notification import Notification
from .slot import Slot, SlotQuerySet
from .waiting_list import PartOfDay, WaitingListEntry

__all__ = [
    "AccessLogEntry",
    "Booking",
    "BookingTopic",
    "Closure",
    "DeviceType",
    "Guide",
    "Instruction",
    "Library",
    "Memo",
    "MemoInstruction",
    "Notification",
    "PartOfDay",
    "Slot",
    "SlotQuerySet",
    "Topic",
    "WaitingListEntry",
    "Weekday",
    "WeeklySchedule",
]

from .access_log import AccessLogEntry
from .booking import Booking, BookingTopic
from .feedback import FeedbackAnswer, FeedbackInvitation
from .library import (
    WAY_FIELDS,
    Closure,
    DeviceType,
    Guide,
    Library,
    Referral,
    Topic,
    Way,
    Weekday,
    WeeklySchedule,
)
from .memo import Instruction, Memo, MemoInstruction
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
    "FeedbackAnswer",
    "FeedbackInvitation",
    "Guide",
    "Instruction",
    "Library",
    "Memo",
    "MemoInstruction",
    "Notification",
    "PartOfDay",
    "Referral",
    "Slot",
    "SlotQuerySet",
    "Topic",
    "WaitingListEntry",
    "Way",
    "Weekday",
    "WeeklySchedule",
]

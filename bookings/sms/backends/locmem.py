"""Keeps text messages in `bookings.sms.outbox`, for tests (see the `smsoutbox` fixture)."""

from collections.abc import Sequence

from bookings import sms
from bookings.sms import SmsMessage
from bookings.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        messages = list(messages)
        sms.outbox.extend(messages)
        return len(messages)

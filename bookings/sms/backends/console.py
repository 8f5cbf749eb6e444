"""Writes text messages to a stream (standard output by default) instead of sending them."""

import sys
import threading
from collections.abc import Sequence

from bookings.sms import SmsMessage, SmsSendError
from bookings.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, fail_silently: bool = False, *, stream=None, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.stream = stream or sys.stdout
        # Messages written from several threads must not interleave.
        self._lock = threading.RLock()

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        sent = 0
        with self._lock:
            for message in messages:
                try:
                    self.stream.write(f"SMS to {message.to}\n\n{message.body}\n{'-' * 79}\n")
                    self.stream.flush()
                except OSError as error:
                    if not self.fail_silently:
                        raise SmsSendError(f"Could not write the text message: {error}") from error
                else:
                    sent += 1
        return sent

"""Text messages through a backend chosen by `settings.SMS_BACKEND`, shaped like Django's e-mail.

    send_sms("+358401234567", "Your guidance time is on Tuesday at 10.00.")

    with get_connection() as connection:  # one connection for many messages
        connection.send_messages([SmsMessage(to=..., body=...), ...])

Backends live in `bookings.sms.backends`: console (the default), locmem (tests; collects into
`outbox`) and http (a real gateway).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

__all__ = ["SmsMessage", "SmsSendError", "get_connection", "outbox", "send_sms"]

# E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
_E164 = re.compile(r"\+[1-9]\d{1,14}")

# The locmem backend appends here, as Django's locmem e-mail backend does to mail.outbox.
outbox: list["SmsMessage"] = []


class SmsSendError(Exception):
    """A text message could not be sent. `status` is the gateway's HTTP status, when it answered."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str

    def __post_init__(self) -> None:
        # Forms normalise numbers to E.164; anything else reaching here is a programming error.
        if not _E164.fullmatch(self.to):
            raise ValueError(f"{self.to!r} is not a phone number in E.164 form (+358…).")


def get_connection(backend: str | None = None, *, fail_silently: bool = False, **kwargs):
    """An instance of the backend at the dotted path `backend`, or of `settings.SMS_BACKEND`."""
    backend_class = import_string(backend or settings.SMS_BACKEND)
    return backend_class(fail_silently=fail_silently, **kwargs)


def send_sms(to: str, body: str, *, connection=None, fail_silently: bool = False) -> int:
    """Send one text message; return the number sent (0 or 1). Raises `SmsSendError`."""
    connection = connection or get_connection(fail_silently=fail_silently)
    messages: Sequence[SmsMessage] = [SmsMessage(to=to, body=body)]
    return connection.send_messages(messages)

from collections.abc import Sequence

from bookings.sms import SmsMessage


class BaseSmsBackend:
    """Base class for text message backends; subclasses implement at least `send_messages()`.

    `open()` and `close()` are also called by using a backend as a context manager:

        with get_connection() as connection:
            connection.send_messages(messages)

    A subclass takes its own options as keyword arguments and passes the rest on, so that a
    misspelt option is a TypeError rather than a silently ignored setting.
    """

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        if kwargs:
            names = ", ".join(sorted(kwargs))
            raise TypeError(f"{type(self).__qualname__} does not take the option(s) {names}.")
        self.fail_silently = fail_silently

    def open(self) -> None:
        """Open a network connection, for backends that keep one. Does nothing by default."""

    def close(self) -> None:
        """Close the network connection opened by `open()`. Does nothing by default."""

    def __enter__(self):
        try:
            self.open()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        self.close()

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send the messages and return how many were sent."""
        raise NotImplementedError("subclasses of BaseSmsBackend must override send_messages()")

"""Sends text messages through an HTTP gateway: one JSON POST per message, with Basic credentials.

Configured from the settings SMS_GATEWAY_URL, SMS_GATEWAY_USERNAME, SMS_GATEWAY_PASSWORD,
SMS_SENDER and SMS_GATEWAY_TIMEOUT; each can be overridden as a keyword argument. A gateway that
expects another JSON shape needs only a subclass that overrides `payload()`.
"""

import base64
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bookings.sms import SmsMessage, SmsSendError
from bookings.sms.backends.base import BaseSmsBackend

logger = logging.getLogger(__name__)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """urllib follows a redirected POST as a GET without the body, losing the message; a redirect
    becomes an HTTPError instead, like any other answer that is not 2xx."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class SmsBackend(BaseSmsBackend):
    def __init__(
        self,
        fail_silently: bool = False,
        *,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
        **kwargs,
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.url = settings.SMS_GATEWAY_URL if url is None else url
        self.username = settings.SMS_GATEWAY_USERNAME if username is None else username
        self.password = settings.SMS_GATEWAY_PASSWORD if password is None else password
        self.sender = settings.SMS_SENDER if sender is None else sender
        self.timeout = settings.SMS_GATEWAY_TIMEOUT if timeout is None else timeout
        # Also keeps urllib's file:// and ftp:// handlers out of reach of a mistyped setting.
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                "SMS_GATEWAY_URL must be an http:// or https:// address for the HTTP SMS backend."
            )
        self._opener = urllib.request.build_opener(_RefuseRedirects)

    def payload(self, message: SmsMessage) -> dict[str, str]:
        """The JSON object the gateway expects for one message."""
        return {"from": self.sender, "to": message.to, "text": message.body}

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.username or self.password:
            credentials = f"{self.username}:{self.password}".encode()
            headers["Authorization"] = f"Basic {base64.b64encode(credentials).decode('ascii')}"
        return headers

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        sent = 0
        for message in messages:
            try:
                self._post(message)
            except SmsSendError as error:
                if not self.fail_silently:
                    raise
                logger.warning("A text message was not sent: %s", error)
            else:
                sent += 1
        return sent

    def _post(self, message: SmsMessage) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(self.payload(message)).encode(),
            headers=self.headers(),
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            with error:
                detail = _read_detail(error)
            raise SmsSendError(
                f"The SMS gateway answered {error.code} {error.reason}: {detail}", status=error.code
            ) from error
        except urllib.error.URLError as error:
            # Connection refused, a name that does not resolve, a timeout while connecting.
            raise SmsSendError(f"Could not reach the SMS gateway: {error.reason}") from error
        except (OSError, http.client.HTTPException) as error:
            # A timeout while waiting for the answer, a dropped connection, a garbled answer.
            raise SmsSendError(f"The SMS gateway did not answer properly: {error!r}") from error


def _read_detail(error: urllib.error.HTTPError) -> str:
    """The start of the gateway's error body, which usually says what it did not like."""
    try:
        return error.read(300).decode(errors="replace").strip()
    except (OSError, http.client.HTTPException):
        return ""

"""Text message backends: console, locmem, and the HTTP gateway against a fake gateway run here
(tests/bookings/conftest.py)."""

import base64
import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from bookings.sms import SmsMessage, SmsSendError, get_connection, send_sms

CONSOLE = "bookings.sms.backends.console.SmsBackend"
HTTP = "bookings.sms.backends.http.SmsBackend"


def test_the_default_backend_prints_the_message(settings, capsys):
    settings.SMS_BACKEND = CONSOLE

    assert send_sms("+358401234567", "Ohjausaika tiistaina klo 10.00.") == 1

    out = capsys.readouterr().out
    assert "+358401234567" in out
    assert "Ohjausaika tiistaina klo 10.00." in out


def test_the_console_backend_writes_to_the_stream_it_is_given():
    stream = io.StringIO()
    connection = get_connection(CONSOLE, stream=stream)

    sent = connection.send_messages(
        [SmsMessage(to="+358401234567", body="Yksi"), SmsMessage(to="+358407654321", body="Kaksi")]
    )

    assert sent == 2
    assert "Yksi" in stream.getvalue()
    assert "Kaksi" in stream.getvalue()


def test_tests_collect_messages_in_the_outbox(smsoutbox):
    send_sms("+358401234567", "Muistutus: huomenna klo 10.00.")

    assert smsoutbox == [SmsMessage(to="+358401234567", body="Muistutus: huomenna klo 10.00.")]


def test_the_outbox_starts_empty_in_each_test(smsoutbox):
    assert smsoutbox == []


def test_a_number_not_in_international_form_is_refused():
    with pytest.raises(ValueError, match=r"E\.164"):
        SmsMessage(to="040 123 4567", body="Hei")


def test_a_misspelt_backend_option_is_an_error():
    with pytest.raises(TypeError, match="timout"):
        get_connection(CONSOLE, timout=5)


def test_the_gateway_receives_the_message_as_json_with_basic_credentials(gateway):
    sent = send_sms("+358401234567", "Tervetuloa digiopastukseen!", connection=get_connection(HTTP))

    assert sent == 1
    [request] = gateway.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Content-Type"] == "application/json"
    expected = base64.b64encode(b"digiopas:sala:sana").decode()
    assert request["headers"]["Authorization"] == f"Basic {expected}"
    assert json.loads(request["body"]) == {
        "from": "Kirjasto",
        "to": "+358401234567",
        "text": "Tervetuloa digiopastukseen!",
    }


def test_the_gateway_backend_is_chosen_by_the_setting(settings, gateway):
    settings.SMS_BACKEND = HTTP

    send_sms("+358401234567", "Hei")

    assert len(gateway.requests) == 1


def test_one_connection_sends_each_message_in_its_own_request(gateway):
    messages = [
        SmsMessage(to="+358401234567", body="Yksi"),
        SmsMessage(to="+46701234567", body="Två"),
    ]

    with get_connection(HTTP) as connection:
        sent = connection.send_messages(messages)

    assert sent == 2
    assert [json.loads(r["body"])["to"] for r in gateway.requests] == [
        "+358401234567",
        "+46701234567",
    ]


def test_a_gateway_error_raises_with_its_status(gateway):
    gateway.status = 500

    with pytest.raises(SmsSendError, match="500") as raised:
        send_sms("+358401234567", "Hei", connection=get_connection(HTTP))

    assert raised.value.status == 500
    assert "out of credit" in str(raised.value)


def test_a_redirect_is_not_taken_for_success(gateway):
    gateway.status = 302

    with pytest.raises(SmsSendError, match="302"):
        send_sms("+358401234567", "Hei", connection=get_connection(HTTP))


def test_a_gateway_that_is_not_there_raises(closed_port_url):
    connection = get_connection(HTTP, url=closed_port_url)

    with pytest.raises(SmsSendError, match="Could not reach"):
        send_sms("+358401234567", "Hei", connection=connection)


def test_a_gateway_that_does_not_answer_in_time_raises(gateway):
    gateway.stall.clear()

    with pytest.raises(SmsSendError):
        send_sms("+358401234567", "Hei", connection=get_connection(HTTP, timeout=0.2))


def test_fail_silently_returns_zero_instead_of_raising(gateway, closed_port_url):
    gateway.status = 500

    assert (
        send_sms("+358401234567", "Hei", connection=get_connection(HTTP, fail_silently=True)) == 0
    )
    unreachable = get_connection(HTTP, url=closed_port_url, fail_silently=True)
    assert send_sms("+358401234567", "Hei", connection=unreachable) == 0
    assert send_sms("+358401234567", "Hei", fail_silently=True) == 1  # locmem still works


def test_a_gateway_address_that_is_not_http_is_a_configuration_error(settings):
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"

    with pytest.raises(ImproperlyConfigured):
        get_connection(HTTP)

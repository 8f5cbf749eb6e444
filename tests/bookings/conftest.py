"""Fixtures for the bookings tests: a fake text-message gateway run in this process, and
running what a function queued after commit."""

import http.server
import threading

import pytest

from tests.ports import free_port


class FakeGateway(http.server.ThreadingHTTPServer):
    """Records each request and answers with `status`; `stall` holds answers back until set."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        self.requests: list[dict] = []
        self.status = 200
        self.stall = threading.Event()
        self.stall.set()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sms"


class _GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append({"path": self.path, "headers": self.headers, "body": body})
        self.server.stall.wait(timeout=5)
        answer = b'{"status": "queued"}' if self.server.status < 300 else b"out of credit"
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = FakeGateway()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_USERNAME = "digiopas"
    settings.SMS_GATEWAY_PASSWORD = "sala:sana"
    settings.SMS_SENDER = "Kirjasto"
    yield server
    server.stall.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port_url():
    """An address on this machine where nothing listens: the port was free a moment ago."""
    return f"http://127.0.0.1:{free_port()}/sms"


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run a function and then what it queued after commit, as a real request would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run

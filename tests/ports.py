"""Loopback ports for tests that start a server, or need an address where nothing listens."""

import socket


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago: nothing listens there until a server the
    test starts takes it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

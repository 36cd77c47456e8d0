"""The live test server runs requests one at a time only when they share one SQLite connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from tests.live_server import SharedConnectionSafeServer


@pytest.fixture
def make_server() -> Iterator:
    servers: list[SharedConnectionSafeServer] = []

    def make(connections_override: dict | None) -> SharedConnectionSafeServer:
        server = SharedConnectionSafeServer(
            ("127.0.0.1", 0), WSGIRequestHandler, connections_override=connections_override
        )
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.server_close()


def _most_at_once(server: SharedConnectionSafeServer, calls: int = 4) -> int:
    """Installs a slow app on ``server`` and calls it from ``calls`` threads at once; returns how many
    ran at the same time at most."""
    running, most = 0, 0
    guard = threading.Lock()

    def slow_app(environ, start_response):
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with guard:
            running -= 1
        return [b"ok"]

    server.set_app(slow_app)
    app = server.get_app()

    def serve() -> None:  # what a WSGI server does with a response: send the body, then close it
        result = app({}, lambda *args: None)
        list(result)
        getattr(result, "close", lambda: None)()

    threads = [threading.Thread(target=serve) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return most


def test_requests_on_a_shared_connection_run_one_at_a_time(make_server) -> None:
    server = make_server({"default": object()})
    assert _most_at_once(server) == 1


def test_requests_with_their_own_connections_still_run_in_parallel(make_server) -> None:
    server = make_server(None)
    assert _most_at_once(server) > 1


def test_the_live_server_uses_it(live_server) -> None:
    assert isinstance(live_server.thread.httpd, SharedConnectionSafeServer)

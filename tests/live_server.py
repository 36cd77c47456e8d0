"""A live test server that is safe on the in-memory SQLite test database.

With an in-memory SQLite database Django hands the live server the test's own connection, and its
threaded server then runs every request on that one connection at once. A browser loading a viewer
sends dozens of requests in parallel, and one request's commit can then meet another's unfinished
statement ("cannot commit transaction - SQL statements in progress"). Production servers give each
request its own connection, so the test server serialises requests only in that shared case; it
keeps its threads so that persistent browser connections still work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _HeldUntilClosed:
    """The response body, with the lock held until the server has sent it and closed it."""

    def __init__(self, body: Iterable[bytes], lock: threading.Lock) -> None:
        self._body = body
        self._lock = lock

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._lock.release()


class SharedConnectionSafeServer(ThreadedWSGIServer):
    def set_app(self, application: WsgiApp) -> None:
        if not self.connections_override:
            super().set_app(application)
            return
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            lock.acquire()
            try:
                return _HeldUntilClosed(application(environ, start_response), lock)
            except BaseException:
                lock.release()
                raise

        super().set_app(one_at_a_time)

"""A test HTTP server run in a thread for the length of a ``with`` block (loopback only)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(server: http.server.HTTPServer, poll_interval: float = 0.5) -> Iterator[None]:
    """Serve in a daemon thread; on the way out stop, close the socket and join the thread."""
    thread = threading.Thread(target=server.serve_forever, args=(poll_interval,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""Serving an ASGI app with uvicorn on loopback: a listening socket, and a background thread
that the caller stops (the mock in tests and the contract suite, the contract guard's proxy)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from ._errors import RstarError


def listen(host: str, port: int) -> socket.socket:
    try:
        # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say TCP,
        # and with Nagle on every answer waits out the client's delayed ACK (44 ms a request).
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        raise RstarError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def server(app: Any, access_log: bool = False) -> uvicorn.Server:
    config = uvicorn.Config(app, log_level="warning", access_log=access_log, lifespan="off")
    return uvicorn.Server(config)


@contextlib.contextmanager
def in_background(app: Any, what: str, timeout: float = 15.0) -> Iterator[str]:
    """app on a free 127.0.0.1 port in a daemon thread; yields `http://127.0.0.1:PORT`, stops it after."""
    sock = listen("127.0.0.1", 0)
    uv = server(app)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True, name=what)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not uv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RstarError(f"the {what} did not start within {timeout:.0f} s")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()

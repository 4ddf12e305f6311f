"""Serving the mock with uvicorn: in the foreground (`rstar-spec mock`) or in a
background thread on a free loopback port (tests, the contract suite)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn

from .._errors import RstarError
from ._app import MockApp, MockSettings


def _listen(host: str, port: int) -> socket.socket:
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


def _server(app: Any, access_log: bool = False) -> uvicorn.Server:
    config = uvicorn.Config(app, log_level="warning", access_log=access_log, lifespan="off")
    return uvicorn.Server(config)


def serve(doc: dict[str, Any], settings: MockSettings, host: str, port: int, access_log: bool = False) -> None:
    """Serve until interrupted."""
    mock = MockApp(doc, settings)
    sock = _listen(host, port)
    print(f"mock: serving {mock.base_path or '/'} on http://{host}:{sock.getsockname()[1]}{mock.base_path}", flush=True)
    _server(mock.app, access_log).run(sockets=[sock])


@contextlib.contextmanager
def running_mock(doc: dict[str, Any], settings: MockSettings | None = None, timeout: float = 15.0) -> Iterator[str]:
    """The mock on a free 127.0.0.1 port in a background thread; yields its base URL, stops it after."""
    mock = MockApp(doc, settings or MockSettings())
    sock = _listen("127.0.0.1", 0)
    server = _server(mock.app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}{mock.base_path}"
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RstarError(f"the mock did not start within {timeout:.0f} s")
            time.sleep(0.02)
        httpx.get(f"{base_url}/heart", timeout=5).raise_for_status()
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

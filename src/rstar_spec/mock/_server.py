"""Serving the mock with uvicorn: in the foreground (`rstar-spec mock`) or in a background thread
on a free loopback port (tests, the contract suite)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

from .._serve import in_background, listen, server
from ._app import MockApp, MockSettings


def serve(doc: dict[str, Any], settings: MockSettings, host: str, port: int, access_log: bool = False) -> None:
    """Serve until interrupted."""
    mock = MockApp(doc, settings)
    sock = listen(host, port)
    print(f"mock: serving {mock.base_path or '/'} on http://{host}:{sock.getsockname()[1]}{mock.base_path}", flush=True)
    server(mock.app, access_log).run(sockets=[sock])


@contextlib.contextmanager
def running_mock(doc: dict[str, Any], settings: MockSettings | None = None, timeout: float = 15.0) -> Iterator[str]:
    """The mock on a free 127.0.0.1 port in a background thread; yields its base URL, stops it after."""
    mock = MockApp(doc, settings or MockSettings())
    with in_background(mock.app, "mock", timeout) as origin:
        base_url = origin + mock.base_path
        httpx.get(f"{base_url}/heart", timeout=5).raise_for_status()
        yield base_url

"""Serving the mock with uvicorn: in the foreground (`rstar-spec mock`) or in a background thread
on a free loopback port (tests, the contract suite)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from ..core.limits import HEADER_TIMEOUT, MAX_CONNECTIONS
from ..core.serve import in_background, listen, server
from ._app import MockApp, MockSettings

HTTP = "httptools"  # requests parsed in C: with h11 the parsing was half of a small answer's time


def serve(
    doc: dict[str, Any], settings: MockSettings, host: str, port: int, access_log: bool = False, *,
    header_timeout: float = HEADER_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
    wrap: Callable[[Any], Any] | None = None,
) -> None:  # fmt: skip
    """Serve until interrupted. `wrap` puts an ASGI app around the mock's (`--record`)."""
    mock = MockApp(doc, settings)
    sock = listen(host, port)
    print(f"mock: serving {mock.base_path or '/'} on http://{host}:{sock.getsockname()[1]}{mock.base_path}", flush=True)
    app = wrap(mock.app) if wrap is not None else mock.app
    server(app, access_log, header_timeout=header_timeout, max_connections=max_connections, http=HTTP).run(
        sockets=[sock]
    )


@contextlib.contextmanager
def running_mock(
    doc: dict[str, Any], settings: MockSettings | None = None, timeout: float = 15.0,
    wrap: Callable[[Any], Any] | None = None, **bounds: Any,
) -> Iterator[str]:  # fmt: skip
    """The mock on a free 127.0.0.1 port in a background thread; yields its base URL, stops it after.
    `wrap`: an ASGI middleware around the app (the contract run's coverage observer); `bounds`: the
    server's header_timeout and max_connections."""
    mock = MockApp(doc, settings or MockSettings())
    with in_background(wrap(mock.app) if wrap else mock.app, "mock", timeout, http=HTTP, **bounds) as origin:
        base_url = origin + mock.base_path
        path = mock.readiness_path()
        answer = httpx.get(base_url + (path or "/"), timeout=5)
        if path is not None or answer.status_code >= 500:  # with no health check, a 404 is an answer too
            answer.raise_for_status()
        yield base_url

"""Exchanges captured as they pass through an ASGI app (the mock's `--record`), bounded: each body is kept
up to MAX_RECORDED_BODY bytes, the rest passes untouched and uncopied."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .har import MAX_RECORDED_BODY, Exchange, RecordedExchange

Scope = dict[str, Any]


class Capture:
    """The first `limit` bytes of a body, and how many bytes it had."""

    def __init__(self, limit: int = MAX_RECORDED_BODY) -> None:
        self.limit = limit
        self.kept = bytearray()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]


def request_url(scope: Scope) -> str:
    headers = dict(scope.get("headers") or ())
    host = headers.get(b"host", b"").decode("latin-1")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    raw_path = scope.get("raw_path") or scope.get("path", "/").encode()
    query = scope.get("query_string", b"")
    return f"{scope.get('scheme', 'http')}://{host}{raw_path.decode('latin-1')}" + (
        f"?{query.decode('latin-1')}" if query else ""
    )


def decode_headers(raw: Any) -> list[tuple[str, str]]:
    return [(bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in raw or ()]


def to_exchange(recorded: RecordedExchange, index: int) -> Exchange:
    """What the checker reads, from what passed (unredacted: the checker prints no value)."""
    return Exchange(
        index, recorded.method.upper(), recorded.url, tuple(recorded.request_headers), recorded.request_body,
        len(recorded.request_body) < recorded.request_body_size, recorded.status, tuple(recorded.response_headers),
        recorded.response_body, len(recorded.response_body) < recorded.response_body_size, recorded.started,
        recorded.elapsed_ms,
    )  # fmt: skip


class RecordingMiddleware:
    """An ASGI app around another: every HTTP exchange is handed to `on_exchange` once answered."""

    def __init__(self, app: Any, on_exchange: Callable[[RecordedExchange], None]) -> None:
        self.app = app
        self.on_exchange = on_exchange

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, t0 = datetime.now(UTC), time.perf_counter()
        request, response = Capture(), Capture()
        answer: dict[str, Any] = {}

        async def receive_and_keep() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                request.add(message.get("body", b""))
            return message

        async def send_and_keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer.update(status=message["status"], headers=decode_headers(message.get("headers")))
            elif message["type"] == "http.response.body":
                response.add(message.get("body", b""))
            await send(message)

        await self.app(scope, receive_and_keep, send_and_keep)
        if not answer:
            return
        self.on_exchange(RecordedExchange(
            scope["method"], request_url(scope), f"HTTP/{scope.get('http_version', '1.1')}",
            decode_headers(scope.get("headers")), bytes(request.kept), request.size, answer["status"], "",
            answer["headers"], bytes(response.kept), response.size, started, (time.perf_counter() - t0) * 1000,
        ))  # fmt: skip

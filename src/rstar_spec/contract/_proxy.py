"""The guard's proxy: every request of the schemathesis process goes through it to the server under test.

It forwards requests and answers unchanged (less hop-by-hop headers), so the suite judges the
server, not the proxy; the one change is the path of a write on a client the run deleted, sent to
the absent id (`Verdict.send_to`, _guard.py). What the answer created or deleted is in the ledger
before the answer is passed on. What `Guard.judge` refuses never leaves the machine: it is answered 418
with `X-Rstar-Guard: refused`, a status no operation documents, so the case fails loudly.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

from ..core.serve import in_background
from ._guard import GUARD_HEADER, Guard

_HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
    "transfer-encoding", "upgrade", "host", "content-length",
})  # fmt: skip


class GuardProxy:
    """An ASGI app: judge, forward to `upstream_origin`, record what the answer created or deleted."""

    def __init__(self, guard: Guard, upstream_origin: str, timeout: float = 30.0) -> None:
        self.guard = guard
        self.upstream_origin = upstream_origin.rstrip("/")
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self.forward(request)
        await response(scope, receive, send)

    async def forward(self, request: Request) -> Response:
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        verdict = self.guard.judge(request.method, raw_path)
        if not verdict.allowed:
            refusal = {"code": "refused_by_contract_guard", "message": f"not sent: {verdict.reason}"}
            return Response(json.dumps(refusal), 418, {GUARD_HEADER: "refused"}, media_type="application/json")
        if self._client is None:  # created on the server's own event loop
            self._client = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False)
        url = self.upstream_origin + (verdict.send_to or raw_path) + (f"?{query}" if query else "")
        headers = [(k, v) for k, v in request.headers.raw if k.decode("latin-1").lower() not in _HOP_BY_HOP]
        content = await request.body()
        try:
            upstream = await self._client.send(
                self._client.build_request(request.method, url, headers=headers, content=content), stream=True
            )
            try:
                body = b"".join([chunk async for chunk in upstream.aiter_raw()])  # still encoded, as sent
            finally:
                await upstream.aclose()
        except httpx.HTTPError as exc:
            self.guard.record(verdict, request.method, raw_path, None, b"")
            message = {"code": "contract_guard_upstream_error", "message": f"{type(exc).__name__}: {exc}"}
            return Response(json.dumps(message), 502, {GUARD_HEADER: "upstream-error"}, media_type="application/json")
        self.guard.record(verdict, request.method, raw_path, upstream.status_code, _decoded(upstream, body))
        response = Response(body, upstream.status_code)
        response.raw_headers = [
            (k, v) for k, v in upstream.headers.raw if k.decode("latin-1").lower() not in _HOP_BY_HOP
        ] + [(b"content-length", str(len(body)).encode())]
        return response


def _decoded(upstream: httpx.Response, raw: bytes) -> bytes:
    """The body as the server meant it (gzip and the like undone), for reading the created id."""
    if not upstream.headers.get("content-encoding"):
        return raw
    try:
        return httpx.Response(upstream.status_code, headers=upstream.headers, content=raw).read()
    except httpx.DecodingError:
        return b""


@contextlib.contextmanager
def running_proxy(guard: Guard, upstream_origin: str, wrap: Callable[[Any], Any] | None = None) -> Iterator[str]:
    """The proxy on a free loopback port; yields its origin (`http://127.0.0.1:PORT`). wrap: an ASGI middleware
    around it (the coverage's observer)."""
    app = GuardProxy(guard, upstream_origin)
    with in_background(wrap(app) if wrap else app, "contract guard") as origin:
        yield origin

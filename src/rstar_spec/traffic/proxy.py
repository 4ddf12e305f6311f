"""`rstar-spec proxy --upstream URL`: a reverse proxy that checks each exchange as it passes.

Forwarding is HTTP/1.1 over asyncio streams by h11 (_upstream.py). Requests and answers stream through unchanged (bytes, status, headers as received, less the hop-by-hop
headers a proxy must not forward, RFC 9110 7.6.1); a copy of each body, up to MAX_RECORDED_BODY bytes,
is kept for the checker and the recording. The check runs once the answer has been sent, so it never
delays the traffic; each finding is a line on stderr, `proxy#N METHOD PATH STATUS rule-id: message`.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from .. import __version__
from ..core.errors import RstarError
from ..core.serve import in_background, listen, server
from ..oas.secret_fields import secret_property_names
from ._upstream import Upstream, UpstreamError
from .checker import Checker, Finding, TrafficSession
from .har import HarRecorder, RecordedExchange
from .recording import Capture, decode_headers, request_url, to_exchange

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
    "transfer-encoding", "upgrade",
})  # fmt: skip
_HOP_BY_HOP_BYTES = frozenset(name.encode() for name in HOP_BY_HOP)


def upstream_origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RstarError(f"--upstream {url!r}: not an http(s) origin such as http://127.0.0.1:9000")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


class CheckingProxy:
    """An ASGI app: forward to upstream, stream the answer back, then check (and record) the exchange."""

    def __init__(
        self, checker: Checker, upstream: str, *, recorder: HarRecorder | None = None,
        report: Callable[[Finding], None] | None = None, timeout: float = 60.0,
    ) -> None:  # fmt: skip
        self.upstream = upstream_origin(upstream)
        self.session: TrafficSession = checker.session("proxy")
        self.recorder = recorder
        self.report = report or _to_stderr
        self.timeout = timeout
        self.exchanges = 0
        parts = urlsplit(self.upstream)
        self._prefix = parts.path
        self._upstream: Upstream | None = None
        self._origin = f"{parts.scheme}://{parts.netloc}"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if self._upstream is None:  # made on the server's own event loop
            self._upstream = Upstream(self._origin, self.timeout)
        started, t0 = datetime.now(UTC), time.perf_counter()
        headers = decode_headers(scope.get("headers"))
        sent_body, kept = Capture(), Capture()
        lowered = {name.lower() for name, _ in headers}
        has_body = "content-length" in lowered or "transfer-encoding" in lowered

        async def request_body() -> AsyncIterator[bytes]:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    raise UpstreamError("the client went away inside its request")
                chunk = message.get("body", b"")
                sent_body.add(chunk)
                if chunk:
                    yield chunk
                if not message.get("more_body"):
                    return

        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        target = self._prefix + raw_path + (f"?{query}" if query else "")
        forwarded = [
            (k, v) for k, v in scope.get("headers") or () if k.lower() not in _HOP_BY_HOP_BYTES and k.lower() != b"host"
        ]
        if "transfer-encoding" in lowered and "content-length" not in lowered:
            forwarded.append((b"transfer-encoding", b"chunked"))  # the body's framing, hop by hop: ours to the upstream
        try:
            upstream = await self._upstream.send(
                scope["method"], target, forwarded, request_body() if has_body else None
            )
        except UpstreamError as exc:
            print(f"proxy: {scope['method']} {scope['path']}: upstream: {exc}", file=sys.stderr)
            body = json.dumps({"code": "bad_gateway", "message": "The upstream server did not answer."}).encode()
            await send({"type": "http.response.start", "status": 502,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        answer_headers = [(k, v) for k, v in upstream.headers if k.lower() not in _HOP_BY_HOP_BYTES]
        await send({"type": "http.response.start", "status": upstream.status, "headers": answer_headers})
        async for chunk in upstream.body:
            kept.add(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        response_headers = decode_headers(upstream.headers)
        self._after(RecordedExchange(
            scope["method"], request_url(scope), f"HTTP/{scope.get('http_version', '1.1')}", headers,
            bytes(sent_body.kept), sent_body.size, upstream.status, upstream.reason, response_headers,
            *_decoded(upstream.status, response_headers, kept), started, (time.perf_counter() - t0) * 1000,
        ))  # fmt: skip

    def _after(self, recorded: RecordedExchange) -> None:
        index = self.exchanges
        self.exchanges += 1
        for found in self.session.observe(to_exchange(recorded, index)):
            self.report(found)
        if self.recorder is not None:
            self.recorder.record(recorded)


def _decoded(status: int, headers: list[tuple[str, str]], kept: Capture) -> tuple[bytes, int]:
    """The answer's body as the server meant it (Content-Encoding undone, by httpx's decoders) and its
    size: what a HAR holds."""
    raw = bytes(kept.kept)
    if not any(name.lower() == "content-encoding" for name, _ in headers):
        return raw, kept.size
    if not kept.whole:
        return b"", kept.size  # part of an encoded body cannot be decoded: recorded as cut short, not checked
    try:
        decoded = httpx.Response(status, headers=headers, content=raw).read()
    except httpx.DecodingError:
        return b"", max(kept.size, 1)
    return decoded, len(decoded)


def _to_stderr(found: Finding, stream: TextIO | None = None) -> None:
    print(found.line(), file=stream or sys.stderr, flush=True)


def _recorder(record: Path | None, checker: Checker) -> HarRecorder | None:
    """The recording, redacting the spec's own secret properties too."""
    if record is None:
        return None
    return HarRecorder(record, __version__, secret_names=secret_property_names(checker.spec.view.doc))


def serve_proxy(checker: Checker, upstream: str, host: str, port: int, record: Path | None) -> None:
    """Serve until interrupted."""
    recorder = _recorder(record, checker)
    proxy = CheckingProxy(checker, upstream, recorder=recorder)
    sock = listen(host, port)
    print(f"proxy: http://{host}:{sock.getsockname()[1]} -> {proxy.upstream}, checking every exchange", flush=True)
    try:
        server(proxy).run(sockets=[sock])
    finally:
        counts = proxy.session.counts
        print(counts.line(), file=sys.stderr)
        if recorder is not None:
            recorder.close()


@contextlib.contextmanager
def running_proxy(checker: Checker, upstream: str, record: Path | None = None,
                  report: Callable[[Finding], None] | None = None) -> Iterator[tuple[str, CheckingProxy]]:  # fmt: skip
    """The proxy on a free loopback port; yields (its origin, the proxy)."""
    recorder = _recorder(record, checker)
    proxy = CheckingProxy(checker, upstream, recorder=recorder, report=report)
    try:
        with in_background(proxy, "checking proxy") as origin:
            yield origin, proxy
    finally:
        if recorder is not None:
            recorder.close()

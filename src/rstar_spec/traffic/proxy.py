"""`rstar-spec proxy --upstream URL`: a reverse proxy that checks each exchange as it passes.

Forwarding is HTTP/1.1 over asyncio streams by h11 (_upstream.py). Requests and answers stream through
unchanged (bytes, status, headers as received, the upstream's Date and Server included, less the hop-by-hop
headers: those a proxy never forwards and those `Connection` names, RFC 9110 7.6.1); a copy of each body,
up to MAX_RECORDED_BODY bytes (decoded, _decoded.py), is kept for the checker and the recording, whose
URL is the upstream's. The check runs once the answer has been sent, so it never delays the traffic; each
finding is a line on stderr, `proxy#N METHOD PATH STATUS rule-id: message`.

What is not passed on: CONNECT (405: this is no tunnel), a target that is not a path and a Host that is
not a host (400), as nginx does; an upstream answer that switches protocols or frames its body two ways
(502). An answer the upstream gives before it has read the whole request (an early 413) is passed on
and recorded; one that breaks off inside its body cuts the client's short, as it was, with one line.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from .. import __version__
from ..core.errors import RstarError
from ..core.serve import ABORT, in_background, listen, server
from ..oas.secret_fields import secret_property_names
from ._decoded import DecodedCopy
from ._upstream import Upstream, UpstreamError
from .checker import Checker, Finding, TrafficSession
from .har import HarRecorder, RecordedExchange
from .recording import Capture, decode_headers, to_exchange

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
        refused = _refused(scope)
        if refused is not None:
            status, code, message, extra = refused
            print(f"proxy: {scope['method']} refused ({status}): {message}", file=sys.stderr)
            await _answer(send, status, code, message, extra)
            return
        if self._upstream is None:  # made on the server's own event loop
            self._upstream = Upstream(self._origin, self.timeout)
        started, t0 = datetime.now(UTC), time.perf_counter()
        headers = decode_headers(scope.get("headers"))
        sent_body = Capture()
        lowered = {name.lower() for name, _ in headers}
        has_body = "content-length" in lowered or "transfer-encoding" in lowered
        request_done = not has_body  # the whole request was read from the client

        async def request_body() -> AsyncIterator[bytes]:
            nonlocal request_done
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    raise UpstreamError("the client went away inside its request")
                chunk = message.get("body", b"")
                sent_body.add(chunk)
                request_done = not message.get("more_body")  # read whole, whether or not the rest is forwarded
                if chunk:
                    yield chunk
                if request_done:
                    return

        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")  # visible ASCII (h11)
        query = scope.get("query_string", b"").decode("latin-1")
        target = self._prefix + raw_path + (f"?{query}" if query else "")
        forwarded = [(k, v) for k, v in _end_to_end(scope.get("headers") or ()) if k.lower() != b"host"]
        if "transfer-encoding" in lowered and "content-length" not in lowered:
            forwarded.append((b"transfer-encoding", b"chunked"))  # the body's framing, hop by hop: ours to the upstream
        try:
            upstream = await self._upstream.send(
                scope["method"], target, forwarded, request_body() if has_body else None
            )
        except UpstreamError as exc:
            print(f"proxy: {scope['method']} {raw_path}: upstream: {exc}", file=sys.stderr)
            await _answer(send, 502, "bad_gateway", "The upstream server did not answer.")
            return
        await send({"type": "http.response.start", "status": upstream.status,
                    "headers": _end_to_end(upstream.headers)})  # fmt: skip
        response_headers = decode_headers(upstream.headers)
        copy = DecodedCopy(_header(response_headers, "content-encoding"))
        try:
            async for chunk in upstream.body:
                copy.add(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except UpstreamError as exc:  # the head has gone: the client can only see the answer cut short
            print(f"proxy: {scope['method']} {raw_path}: upstream: {exc}", file=sys.stderr)
            _abort(scope)
            answered = False
        else:
            await send({"type": "http.response.body", "body": b""})
            answered = True
        declared = _header(headers, "content-length")
        request_size = sent_body.size if request_done else max(sent_body.size + 1, _int(declared))
        self._after(RecordedExchange(
            scope["method"], self._origin + target, f"HTTP/{scope.get('http_version', '1.1')}", headers,
            bytes(sent_body.kept), request_size, upstream.status, upstream.reason, response_headers,
            *copy.result(answered, _int(_header(response_headers, "content-length"))), started,
            (time.perf_counter() - t0) * 1000,
        ))  # fmt: skip

    def _after(self, recorded: RecordedExchange) -> None:
        index = self.exchanges
        self.exchanges += 1
        try:
            findings = self.session.observe(to_exchange(recorded, index))
        except Exception as exc:  # a bug of the checker: the traffic and the recording go on, and it is said once
            print(f"proxy#{index} {recorded.method}: not checked: {type(exc).__name__} (a bug of rstar-spec)",
                  file=sys.stderr)  # fmt: skip
            findings = []
        for found in findings:
            self.report(found)
        if self.recorder is not None:
            self.recorder.record(recorded)


def _end_to_end(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """headers less the hop-by-hop ones: those a proxy never forwards, and those `Connection` names
    (RFC 9110 7.6.1)."""
    headers = list(headers)
    named = {
        token.strip().lower() for name, value in headers if name.lower() == b"connection" for token in value.split(b",")
    }
    return [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP_BYTES and k.lower() not in named]


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    return next((v for n, v in headers if n.lower() == name), None)


def _int(value: str | None) -> int:
    return int(value) if value is not None and value.strip().isdigit() and len(value) < 20 else 0


ALLOWED = b"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
"""What the proxy forwards: CONNECT would make it a tunnel to anywhere (405, as a reverse proxy answers)."""

_HOST = re.compile(r"(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::(?P<port>[0-9]{0,5}))?")
"""A Host header's value: uri-host [":" port] (RFC 9110 7.2, RFC 3986 3.2.2)."""


def _refused(scope: dict[str, Any]) -> tuple[int, str, str, list[tuple[bytes, bytes]]] | None:
    """(status, code, message, headers) of a request the proxy answers itself, never forwarding it."""
    if scope["method"] == "CONNECT":
        return (
            405,
            "method_not_allowed",
            "CONNECT is not forwarded: this is not a forward proxy.",
            [(b"allow", ALLOWED)],
        )
    raw_path = scope.get("raw_path") or scope["path"].encode()
    if not raw_path.startswith(b"/"):  # absolute-form, authority-form, asterisk-form (RFC 9112 3.2)
        return (
            400,
            "bad_request",
            "The request target must be a path (origin-form), not an absolute URL, `*` or host:port.",
            [],
        )
    hosts = [v for k, v in scope.get("headers") or () if k.lower() == b"host"]
    if hosts and not _valid_host(hosts[0].decode("latin-1")):
        return 400, "bad_request", "The Host header is not a host and port (RFC 9110 7.2).", []
    return None


def _valid_host(value: str) -> bool:
    match = _HOST.fullmatch(value)
    if match is None:
        return False
    ip6, port = match.group("ip6"), match.group("port")
    if ip6 is not None:
        try:
            ipaddress.IPv6Address(ip6)
        except ValueError:
            return False
    return port is None or port == "" or int(port) <= 65535


async def _answer(
    send: Any, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """An answer of the proxy's own (the server adds no Date of its own: RFC 9110 6.6.1 asks for one)."""
    body = json.dumps({"code": code, "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"date", formatdate(usegmt=True).encode()), *(extra or [])]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _abort(scope: dict[str, Any]) -> None:
    """Close the client's connection inside an answer (the server's hook, core/serve.py), so that it sees
    the answer cut short, as it was; under another server, uvicorn closes it and says so."""
    abort = scope.get("extensions", {}).get(ABORT)
    if abort is not None:
        abort()


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
        server(proxy, own_headers=False).run(sockets=[sock])
    finally:
        counts = proxy.session.counts
        print(counts.line(), file=sys.stderr)
        if recorder is not None:
            recorder.close()


@contextlib.contextmanager
def running_proxy(checker: Checker, upstream: str, record: Path | None = None,
                  report: Callable[[Finding], None] | None = None,
                  bounds: dict[str, float] | None = None) -> Iterator[tuple[str, CheckingProxy]]:  # fmt: skip
    """The proxy on a free loopback port; yields (its origin, the proxy). `bounds`: the server's
    header_timeout and max_connections."""
    recorder = _recorder(record, checker)
    proxy = CheckingProxy(checker, upstream, recorder=recorder, report=report)
    try:
        with in_background(proxy, "checking proxy", own_headers=False, **(bounds or {})) as origin:
            yield origin, proxy
    finally:
        if recorder is not None:
            recorder.close()

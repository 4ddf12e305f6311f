"""Reading an answer's body within bounds: at most `max_response_bytes`, and within the call's deadline.

httpx's read timeout is per chunk, so a server that drips a byte a second never trips it; and httpx
reads a body whole, however long it is. Every answer the clients' httpx clients receive (the token
endpoint's, a 401's, a redirect's included) passes `bound_answer` (an event hook): its raw stream is
counted and timed chunk by chunk. The answer a call returns is then read by `read_within`, which
bounds the decoded bytes too (a small gzip body may inflate a thousandfold).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ssl
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeAlias

import httpcore
import httpx
from attrs import define, field

from ._errors import ResponseTooLargeError

SOCKET_OPTION: TypeAlias = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]

DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""The largest body the client reads, by default (16 MiB: a page of 100 clients is about 60 KiB)."""
TOKEN_ANSWER_MAX_BYTES = 64 * 1024
"""The largest token answer the client reads (one is about 300 bytes)."""


@define(frozen=True)
class CallBounds:
    """The bounds of the call under way: the body's size, and the moment the call must end by; and, when
    the client records its traffic, every request it sent and every answer it got (token requests, 401s
    and redirects included), with their times."""

    max_bytes: int
    deadline: float | None  # time.monotonic(); None: no deadline
    recording: bool = False
    sent: list[tuple[httpx.Request, datetime, float]] = field(factory=list)
    answered: list[tuple[httpx.Response, float]] = field(factory=list)

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


# The call under way in this thread or task (a ContextVar: each asyncio task has its own).
current_bounds: contextvars.ContextVar[CallBounds | None] = contextvars.ContextVar("rstar_bounds", default=None)


def call_seconds(timeout: httpx.Timeout) -> float | None:
    """How long a call (one attempt: connect, send, wait, read the whole answer) may take: the largest of
    the timeout's values, or None when reads may take forever (``read=None``)."""
    if timeout.read is None:
        return None
    return max(v for v in (timeout.connect, timeout.read, timeout.write, timeout.pool) if v is not None)


def too_large(response: httpx.Response, max_bytes: int, seen: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the {response.status_code} answer is larger than max_response_bytes ({max_bytes} bytes; {seen}):"
        " not read further (raise max_response_bytes= on the client if it is expected)",
        response.status_code,
        response.headers,
    )


def deadline_passed(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("the call took longer than its timeout (the whole call, not one read)", request=request)


class _BoundedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An answer's raw stream, counted and timed chunk by chunk."""

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, response: httpx.Response,
                 bounds: CallBounds) -> None:  # fmt: skip
        self._stream = stream
        self._response = response
        self._bounds = bounds
        self._seen = 0

    def _count(self, chunk: bytes) -> None:
        self._seen += len(chunk)
        if self._seen > self._bounds.max_bytes:
            raise too_large(self._response, self._bounds.max_bytes, f"{self._seen} bytes received")
        if self._bounds.expired():
            raise deadline_passed(self._response.request)

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        for chunk in self._stream:
            self._count(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        async for chunk in self._stream:
            self._count(chunk)
            yield chunk

    def close(self) -> None:
        if isinstance(self._stream, httpx.SyncByteStream):
            self._stream.close()

    async def aclose(self) -> None:
        if isinstance(self._stream, httpx.AsyncByteStream):
            await self._stream.aclose()


def note_request(request: httpx.Request) -> None:
    """The event hook of every request: when recording, when it left."""
    bounds = current_bounds.get()
    if bounds is not None and bounds.recording:
        bounds.sent.append((request, datetime.now(UTC), time.monotonic()))


async def anote_request(request: httpx.Request) -> None:
    note_request(request)


def bound_answer(response: httpx.Response) -> None:
    """The event hook of every answer: refuse a declared length past the bound, count and time the rest,
    and let each read wait no longer than what is left of the call (httpcore reads the read timeout when
    the body's first chunk is read, which is after this hook)."""
    bounds = current_bounds.get()
    if bounds is None:
        return
    if bounds.recording:
        bounds.answered.append((response, time.monotonic()))
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > bounds.max_bytes:
        raise too_large(response, bounds.max_bytes, f"Content-Length {declared}")
    if bounds.expired():
        raise deadline_passed(response.request)
    left = bounds.remaining()
    if left is not None:
        timeouts = dict(response.request.extensions.get("timeout") or {})
        timeouts["read"] = left if timeouts.get("read") is None else min(timeouts["read"], left)
        response.request.extensions["timeout"] = timeouts
    response.stream = _BoundedStream(response.stream, response, bounds)


async def abound_answer(response: httpx.Response) -> None:
    bound_answer(response)


def read_within(response: httpx.Response, max_bytes: int) -> None:
    """Read the body of a streamed answer, refusing it past `max_bytes` decoded bytes."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            response.close()
            raise too_large(response, max_bytes, f"{size} bytes decoded")
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what response.read() would keep: .content, .json() work


async def aread_within(response: httpx.Response, max_bytes: int) -> None:
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            await response.aclose()
            raise too_large(response, max_bytes, f"{size} bytes decoded")
        chunks.append(chunk)
    response._content = b"".join(chunks)


def async_deadline(bounds: CallBounds) -> asyncio.Timeout:
    """The call's deadline for asyncio: everything in the block is cancelled at it (TimeoutError)."""
    return asyncio.timeout(bounds.remaining())


def sync_deadline(bounds: CallBounds) -> contextlib.nullcontext[None]:
    """The sync twin of async_deadline: a blocking read cannot be cancelled, so each socket operation
    waits no longer than what is left of the call (DeadlineBackend, on the transport the client makes),
    and the deadline is checked between the body's chunks (bound_answer) whatever the transport."""
    return contextlib.nullcontext()


def _within(timeout: float | None) -> float | None:
    """A socket operation's timeout, cut to what is left of the call under way (never 0: that would
    make the socket non-blocking, and a wait an error other than a timeout)."""
    bounds = current_bounds.get()
    left = None if bounds is None else bounds.remaining()
    if left is None:
        return timeout
    left = max(left, 0.001)
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _within(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync network backend, each connect, read and write cut to what is left of the call:
    httpx's timeouts are per operation, so a server that drips its status line and headers would
    otherwise keep a sync call going for as long as it likes."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(host, port, _within(timeout), local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, _within(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


_TRANSPORT_ARGS = ("verify", "cert", "trust_env", "http1", "http2", "limits")


def deadline_transport(httpx_args: Mapping[str, Any]) -> httpx.HTTPTransport:
    """The transport httpx.Client would make of these arguments, its sockets under DeadlineBackend.

    httpx has no public way to give its transport a network backend: the pool's is wrapped in place,
    and when httpx or httpcore no longer has it there, the transport is used as it is (the deadline is
    then checked between the body's chunks only)."""
    transport = httpx.HTTPTransport(**{k: v for k, v in httpx_args.items() if k in _TRANSPORT_ARGS})
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport

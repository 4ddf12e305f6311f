"""Serving an ASGI app with uvicorn on loopback: a listening socket, and a background thread
that the caller stops (the mock in tests and the contract suite, the contract guard's proxy).

HTTP/1.1 is read by h11 (pure Python, the default) or by httptools (llhttp, in C: the mock's, where
the parsing was half of a request's time); either way with the same bounds (header time, header
size, connections) and an answer's writes sent as one."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .errors import RstarError
from .limits import HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES


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


class _CoalescedWrites:
    """A transport whose writes within one turn of the event loop leave as one send(): uvicorn writes an
    answer's head and its body apart, two system calls where one will do (on a busy machine each send of a
    small answer cost as much as the answer took to make). Sent at the end of the turn, or before a close."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._parts:
            self._loop.call_soon(self._flush)
        self._parts.append(data)

    def _flush(self) -> None:
        parts, self._parts = self._parts, []
        if parts and not self._transport.is_closing():
            self._transport.write(b"".join(parts))

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with two bounds it does not have: past `max_connections`, the
    connection that has waited longest for its headers is closed to make room (or the new one, when
    all are being served), and one whose request headers have not all arrived `header_timeout`
    seconds after it opened or its last request began (slowloris) is closed. Subclassed, as
    uvicorn's `http=` option allows."""

    header_timeout: float = HEADER_TIMEOUT
    max_connections: int = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        self._waiting_since = time.monotonic()
        super().connection_made(_CoalescedWrites(transport, self.loop))  # type: ignore[arg-type]
        if len(self.connections) > self.max_connections and not _evict_the_slowest(self):
            transport.close()
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request of a kept-alive connection has begun
        super().data_received(data)
        if self._header_timer is not None and self.conn.their_state is not h11.IDLE:
            self._header_timer.cancel()  # its headers are complete
            self._header_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._waiting_since = time.monotonic()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def _evict_the_slowest(protocol: Any) -> bool:
    """At the cap, the connection that has waited longest for its headers makes room (a slowloris holds
    many such); one that is being served is never cut. False when none is waiting."""
    waiting = [c for c in protocol.connections if getattr(c, "_header_timer", None) is not None
               and c is not protocol and not c.transport.is_closing()]  # fmt: skip
    if not waiting:
        return False
    min(waiting, key=lambda c: c._waiting_since).transport.close()
    return True


class _BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the bounds of _BoundedH11Protocol, and one h11 has of itself:
    request headers (the request line included) past `max_header_bytes` are a 400 and the connection
    closes (llhttp reads headers of any length)."""

    header_timeout: float = HEADER_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    max_header_bytes: int = MAX_HEADER_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        self._waiting_since = time.monotonic()
        self._header_bytes = 0
        super().connection_made(_CoalescedWrites(transport, self.loop))  # type: ignore[arg-type]
        if len(self.connections) > self.max_connections and not _evict_the_slowest(self):
            transport.close()
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # the parser's callbacks arm (a request begins) and disarm (its headers end)
        if self._header_timer is not None:
            self._header_bytes += len(data)
            if self._header_bytes > self.max_header_bytes and not self.transport.is_closing():
                self._disarm()
                self.send_400_response("Request headers too large.")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:
            self._arm()  # the next request of a kept-alive connection has begun

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._waiting_since = time.monotonic()
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


class _Server(uvicorn.Server):
    """uvicorn's server, stopped as soon as it is told to: uvicorn looks at should_exit every 0.1 s, and
    after asking the open connections to close it pauses 0.1 s even when there are none. The test suite
    and each contract run start and stop many (the mock, the guard's proxy): 0.15 s a stop, idle."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    def stop(self) -> None:
        """From any thread: should_exit, and the main loop woken to see it."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has ended already
                loop.call_soon_threadsafe(wake.set)

    async def main_loop(self) -> None:
        """uvicorn's loop (on_tick every 0.1 s: the Date header, should_exit), waking early on stop()."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.server_state.connections or self.server_state.tasks:
            await super().shutdown(sockets)  # the graceful path: answers in flight are finished
            return
        for listening in self.servers:  # nothing open: uvicorn's steps, less its pause for connections
            listening.close()
        for sock in sockets or []:
            sock.close()
        for listening in self.servers:
            await listening.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


def server(
    app: Any,
    access_log: bool = False,
    *,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    http: str = "h11",
) -> _Server:
    """A server of app with the bounds; http: `h11` or `httptools` (the parser of requests)."""
    base = _BoundedHttpToolsProtocol if http == "httptools" else _BoundedH11Protocol
    protocol = type(base.__name__.lstrip("_"), (base,),
                    {"header_timeout": header_timeout, "max_connections": max_connections})  # fmt: skip
    config = uvicorn.Config(app, log_level="warning", access_log=access_log, lifespan="off", http=protocol,
                            limit_concurrency=max_connections, h11_max_incomplete_event_size=MAX_HEADER_BYTES)  # fmt: skip
    return _Server(config)


@contextlib.contextmanager
def in_background(app: Any, what: str, timeout: float = 15.0, **bounds: Any) -> Iterator[str]:
    """app on a free 127.0.0.1 port in a daemon thread; yields `http://127.0.0.1:PORT`, stops it after.
    `bounds` are server()'s header_timeout, max_connections and http."""
    sock = listen("127.0.0.1", 0)
    uv = server(app, **bounds)
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
        uv.stop()
        thread.join(timeout=10)
        sock.close()

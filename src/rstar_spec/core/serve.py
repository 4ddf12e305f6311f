"""Serving an ASGI app with uvicorn on loopback: a listening socket, and a background thread
that the caller stops (the mock in tests and the contract suite, the contract guard's proxy).

HTTP/1.1 is read by h11 (pure Python, the default) or by httptools (llhttp, in C: the mock's, where
the parsing was half of a request's time); either way with the same bounds (header time, header
size, connections), an answer's writes sent as one, and a lingering close."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

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


ABORT = "rstar.abort"
"""The key, in an HTTP scope's `extensions`, of a function that closes the connection inside an answer
(a proxy whose upstream broke off after the head was sent): the client sees the answer cut short, and
uvicorn logs nothing of an answer it was not let finish."""


LINGER_SECONDS = 5.0
"""How long a connection closed while its client is still sending is read (and the bytes dropped) before the
socket closes, as nginx's lingering_timeout (5 s)."""


class _LingeringTransport:
    """A connection's transport, closed as nginx's `lingering_close` does. When the answer goes while the
    client is still sending its request (an early 413, Connection: close), a socket closed at once holds
    unread bytes, so the kernel resets the connection, and a client still writing may lose the answer it had
    not read yet. Here the answer is followed by FIN, and what the client still sends is read and dropped
    until it closes its side (uvicorn's eof_received closes the socket) or LINGER_SECONDS pass."""

    def __init__(
        self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop, still_sending: Callable[[], bool]
    ) -> None:
        self._transport = transport
        self._loop = loop
        self._still_sending = still_sending  # the client has not sent its whole request yet
        self.lingering = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def close(self) -> None:
        transport = self._transport
        if self.lingering or not self._still_sending() or not transport.can_write_eof():
            transport.close()
            return
        self.lingering = True
        transport.write_eof()  # after what is buffered: the answer goes whole
        transport.resume_reading()
        self._loop.call_later(LINGER_SECONDS, transport.close)


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


class _Bounds:
    """The bounds uvicorn's HTTP/1.1 protocols do not have, for either parser: past `max_connections`, the
    connection that has waited longest for its headers is closed to make room (or the new one, when all are
    being served); one whose request headers have not all arrived `header_timeout` seconds after it opened or
    its last request began (slowloris) is closed; answers leave in one send, and a connection closed while its
    client still sends lingers (_LingeringTransport). Mixed in before the protocol class, as uvicorn's `http=`
    option allows subclasses; uvicorn's own limit (503 at `limit_concurrency`) is set one above ours, so
    that a slow head is evicted before a well-behaved request is refused."""

    header_timeout: float = HEADER_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    connections: set[Any]

    def _still_sending(self) -> bool:
        """Whether the client has not sent its whole request yet (the parser knows)."""
        raise NotImplementedError

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._header_timer: asyncio.TimerHandle | None = None
        self._waiting_since = time.monotonic()
        self._header_bytes = 0
        self._lingering = _LingeringTransport(cast(asyncio.Transport, transport), self.loop, self._still_sending)
        coalesced = cast(asyncio.Transport, _CoalescedWrites(cast(asyncio.Transport, self._lingering), self.loop))
        super().connection_made(coalesced)  # type: ignore[misc]
        if len(self.connections) > self.max_connections and not _evict_the_slowest(self):
            transport.close()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        self._waiting_since = time.monotonic()
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _waiting_for_head(self) -> bool:
        """Whether the connection is still between requests or inside a request's head."""
        return True

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self.transport.close()


class _BoundedH11Protocol(_Bounds, H11Protocol):
    """uvicorn's h11 protocol with the bounds, and ABORT for a proxy that must cut an answer short."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app = self.app

        async def with_abort(scope: Any, receive: Any, send: Any) -> None:
            scope.setdefault("extensions", {})[ABORT] = self._abort
            await app(scope, receive, send)

        self.app = with_abort

    def _abort(self) -> None:
        if self.cycle is not None:
            self.cycle.disconnected = True
        self.transport.close()

    def _still_sending(self) -> bool:
        return self.conn.their_state is h11.SEND_BODY

    def _waiting_for_head(self) -> bool:
        return self.conn.their_state is h11.IDLE

    def data_received(self, data: bytes) -> None:
        if self._lingering.lingering:
            return  # the rest of a request already answered: dropped
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request of a kept-alive connection has begun
        super().data_received(data)
        if self._header_timer is not None and self.conn.their_state is not h11.IDLE:
            self._disarm()  # its headers are complete


def _evict_the_slowest(protocol: Any) -> bool:
    """At the cap, the connection that has waited longest for its headers makes room (a slowloris holds
    many such); one that is being served is never cut. False when none is waiting."""
    waiting = [c for c in protocol.connections if getattr(c, "_header_timer", None) is not None
               and c is not protocol and not c.transport.is_closing()]  # fmt: skip
    if not waiting:
        return False
    oldest = min(waiting, key=lambda c: c._waiting_since)
    oldest.transport.close()
    protocol.connections.discard(oldest)  # now, not when the loop gets to its connection_lost
    return True


class _BoundedHttpToolsProtocol(_Bounds, HttpToolsProtocol):
    """uvicorn's httptools protocol with the bounds, and one h11 has of itself: request headers (the request
    line included) past `max_header_bytes` are a 400 and the connection closes (llhttp reads headers of any
    length)."""

    max_header_bytes: int = MAX_HEADER_BYTES

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._in_body = False  # between the end of a request's headers and the end of its body
        super().connection_made(transport)

    def _still_sending(self) -> bool:
        return self._in_body

    def data_received(self, data: bytes) -> None:
        if self._lingering.lingering:
            return  # the rest of a request already answered: dropped
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
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = False
        super().on_message_complete()


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
    own_headers: bool = True,
    http: str = "h11",
) -> _Server:
    """A server of app with the bounds; http: `h11` or `httptools` (the parser of requests); `own_headers`:
    uvicorn adds its Date and Server to every answer (a proxy passes its upstream's)."""
    base: type[Any] = _BoundedHttpToolsProtocol if http == "httptools" else _BoundedH11Protocol
    protocol = type(base.__name__.lstrip("_"), (base,),
                    {"header_timeout": header_timeout, "max_connections": max_connections})  # fmt: skip
    config = uvicorn.Config(app, log_level="warning", access_log=access_log, lifespan="off", http=protocol,
                            limit_concurrency=max_connections + 1, date_header=own_headers,
                            server_header=own_headers, h11_max_incomplete_event_size=MAX_HEADER_BYTES)  # fmt: skip
    return _Server(config)


@contextlib.contextmanager
def in_background(app: Any, what: str, timeout: float = 15.0, **options: Any) -> Iterator[str]:
    """app on a free 127.0.0.1 port in a daemon thread; yields `http://127.0.0.1:PORT`, stops it after.
    `options` are server()'s header_timeout, max_connections, own_headers and http."""
    sock = listen("127.0.0.1", 0)
    uv = server(app, **options)
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

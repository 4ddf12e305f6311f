"""The proxy's way to the upstream server: HTTP/1.1 by h11 (the protocol engine httpx itself runs on) over
asyncio streams, with a small pool of kept-alive connections.

Not httpx's AsyncClient: on loopback it spent 3-4 ms a request in its transport (0.25 ms for the same
exchange on a bare asyncio stream), which capped the proxy near 100 requests a second (bench/proxy_entry.py).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import h11

READ_SIZE = 64 * 1024
IDLE_SECONDS = 4.0
"""A kept-alive connection idle longer is not reused: servers close theirs after about 5 s (uvicorn's
default), and a request sent on a connection the server is closing is lost."""
MAX_IDLE = 64


class UpstreamError(Exception):
    """The upstream server could not be reached, or broke the exchange off."""


class Refused(UpstreamError):
    """The upstream server answered with something a proxy must not pass on; the message says what."""


def _refusal(method: str, answer: h11.Response) -> str | None:
    """Why an answer's head cannot be passed on, or None."""
    if method == "CONNECT" and 200 <= answer.status_code < 300:
        return "the server switched protocols (2xx to CONNECT)"
    names = {name for name, _ in answer.headers.raw_items()}
    if any(n.lower() == b"content-length" for n in names) and any(n.lower() == b"transfer-encoding" for n in names):
        # which one frames the body is what request smuggling and response splitting play on (RFC 9112 6.3)
        return "the answer has both Content-Length and Transfer-Encoding"
    return None


def _retrieved(task: asyncio.Task[None]) -> None:
    """A request body's sending may fail once the answer has come (the server closed): not an error."""
    if not task.cancelled():
        task.exception()


def _stop(task: asyncio.Future[Any] | None) -> None:
    if task is not None and not task.done():
        task.cancel()


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    h11: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    idle_since: float = 0.0

    def reusable(self) -> bool:
        return (not self.writer.is_closing() and not self.reader.at_eof()
                and time.monotonic() - self.idle_since < IDLE_SECONDS)  # fmt: skip


@dataclass
class Answer:
    status: int
    reason: str
    headers: list[tuple[bytes, bytes]]
    body: AsyncIterator[bytes]


class Upstream:
    """One origin (`http://127.0.0.1:9000`, `https://my.receptionstar.com`), reached by `send`."""

    def __init__(self, origin: str, timeout: float) -> None:
        parts = urlsplit(origin)
        self.tls = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.tls else 80)
        self.authority = parts.netloc.encode("latin-1")
        self.timeout = timeout
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if self.tls else None

    async def _connection(self) -> _Connection:
        while self._idle:
            connection = self._idle.pop()
            if connection.reusable():
                return connection
            connection.writer.close()
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(
                    self.host,
                    self.port,
                    ssl=self._ssl,
                    server_hostname=self.host if self.tls else None,
                    limit=READ_SIZE,
                )
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            raise UpstreamError(f"cannot connect: {type(exc).__name__}") from None
        return _Connection(reader, writer)

    def _release(self, connection: _Connection) -> None:
        state = connection.h11
        if state.our_state is h11.DONE and state.their_state is h11.DONE and len(self._idle) < MAX_IDLE:
            state.start_next_cycle()
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            connection.writer.close()

    async def send(
        self, method: str, target: str, headers: list[tuple[bytes, bytes]], body: AsyncIterator[bytes] | None
    ) -> Answer:
        """Send the request (its body streamed) and read the answer's head; the body follows as it comes.
        A server may answer before it has read the whole request (an early 413 or 401, then closing): the
        body goes on being sent while the answer is read, and the answer is what counts (RFC 9112 9.5)."""
        connection = await self._connection()
        state, writer = connection.h11, connection.writer
        sending: asyncio.Task[None] | None = None
        try:
            async with asyncio.timeout(self.timeout):
                writer.write(
                    state.send(h11.Request(method=method, target=target, headers=[(b"host", self.authority), *headers]))
                )
                if body is None:  # the whole request is written: only the answer to wait for
                    writer.write(state.send(h11.EndOfMessage()))
                    event = await self._final_head(connection)
                else:
                    sending = asyncio.ensure_future(self._send_body(connection, body))
                    sending.add_done_callback(_retrieved)
                    event = await self._head(connection, sending)
        except (OSError, TimeoutError, h11.ProtocolError, UpstreamError) as exc:
            _stop(sending)
            writer.close()
            message = str(exc) if isinstance(exc, UpstreamError) else f"the exchange broke off: {type(exc).__name__}"
            raise UpstreamError(message) from None
        except BaseException:
            _stop(sending)
            writer.close()
            raise
        refused = _refusal(method, event)
        if refused:
            _stop(sending)
            writer.close()
            raise UpstreamError(refused)
        return Answer(event.status_code, event.reason.decode("latin-1"), list(event.headers.raw_items()),
                      self._body(connection, sending))  # fmt: skip

    async def _send_body(self, connection: _Connection, body: AsyncIterator[bytes]) -> None:
        state, writer = connection.h11, connection.writer
        async for chunk in body:
            writer.write(state.send(h11.Data(data=chunk)))
            await writer.drain()
        writer.write(state.send(h11.EndOfMessage()))
        await writer.drain()

    async def _head(self, connection: _Connection, sending: asyncio.Task[None]) -> h11.Response:
        """The answer's head, read while the body is sent. A failure to send (the server stopped reading) is
        no failure when an answer follows; a client that went away inside its request is."""
        reading = asyncio.ensure_future(self._final_head(connection))
        try:
            await asyncio.wait((sending, reading), return_when=asyncio.FIRST_COMPLETED)
            if not reading.done() and not sending.cancelled():
                failure = sending.exception()
                if failure is not None and not isinstance(failure, OSError):
                    raise failure
            return await reading
        finally:
            _stop(reading)

    async def _final_head(self, connection: _Connection) -> h11.Response:
        event = await self._next(connection)
        while isinstance(event, h11.InformationalResponse):  # 100 Continue: not the answer
            if event.status_code == 101:
                raise Refused("the server switched protocols (101)")
            event = await self._next(connection)
        if not isinstance(event, h11.Response):
            raise Refused("the server closed the connection without an answer")
        return event

    async def _next(self, connection: _Connection) -> object:
        """The next h11 event (a Response, Data, EndOfMessage, ConnectionClosed...), reading as needed."""
        state = connection.h11
        while True:
            event = state.next_event()
            if event is h11.PAUSED:  # the connection became a tunnel (CONNECT, Upgrade): not HTTP any more
                raise Refused("the server switched protocols")
            if event is h11.NEED_DATA:
                # b"": the server closed; h11 says what that means (the end of a body framed by the close,
                # or ConnectionClosed, or a RemoteProtocolError)
                state.receive_data(await connection.reader.read(READ_SIZE))
                continue
            return event

    async def _body(self, connection: _Connection, sending: asyncio.Task[None] | None) -> AsyncIterator[bytes]:
        try:
            while True:
                async with asyncio.timeout(self.timeout):
                    event = await self._next(connection)
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    raise UpstreamError("the server closed the connection inside the answer")
        except (OSError, TimeoutError, h11.ProtocolError, UpstreamError) as exc:
            _stop(sending)
            connection.writer.close()
            raise UpstreamError(f"the answer broke off: {type(exc).__name__}") from None
        except BaseException:
            _stop(sending)
            connection.writer.close()
            raise
        _stop(sending)  # answered before the whole request was sent: the rest is not wanted
        self._release(connection)

    def close(self) -> None:
        for connection in self._idle:
            connection.writer.close()
        self._idle.clear()

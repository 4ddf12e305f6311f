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
from urllib.parse import urlsplit

import h11

READ_SIZE = 64 * 1024
IDLE_SECONDS = 4.0
"""A kept-alive connection idle longer is not reused: servers close theirs after about 5 s (uvicorn's
default), and a request sent on a connection the server is closing is lost."""
MAX_IDLE = 64


class UpstreamError(Exception):
    """The upstream server could not be reached, or broke the exchange off."""


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
        """Send the request (its body streamed) and read the answer's head; the body follows as it comes."""
        connection = await self._connection()
        state, writer = connection.h11, connection.writer
        try:
            async with asyncio.timeout(self.timeout):
                writer.write(
                    state.send(h11.Request(method=method, target=target, headers=[(b"host", self.authority), *headers]))
                )
                if body is not None:
                    async for chunk in body:
                        writer.write(state.send(h11.Data(data=chunk)))
                        await writer.drain()
                writer.write(state.send(h11.EndOfMessage()))
                await writer.drain()
                event = await self._next(connection)
                while isinstance(event, h11.InformationalResponse):  # 100 Continue: not the answer
                    event = await self._next(connection)
        except (OSError, TimeoutError, h11.ProtocolError, UpstreamError) as exc:
            writer.close()
            raise UpstreamError(f"the exchange broke off: {type(exc).__name__}") from None
        if not isinstance(event, h11.Response):
            writer.close()
            raise UpstreamError("the server closed the connection without an answer")
        return Answer(event.status_code, event.reason.decode("latin-1"), list(event.headers.raw_items()),
                      self._body(connection))  # fmt: skip

    async def _next(self, connection: _Connection) -> object:
        """The next h11 event (a Response, Data, EndOfMessage, ConnectionClosed...), reading as needed."""
        state = connection.h11
        while True:
            event = state.next_event()
            if event is h11.NEED_DATA:
                # b"": the server closed; h11 says what that means (the end of a body framed by the close,
                # or ConnectionClosed, or a RemoteProtocolError)
                state.receive_data(await connection.reader.read(READ_SIZE))
                continue
            return event

    async def _body(self, connection: _Connection) -> AsyncIterator[bytes]:
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
            connection.writer.close()
            raise UpstreamError(f"the answer broke off: {type(exc).__name__}") from None
        except BaseException:
            connection.writer.close()
            raise
        self._release(connection)

    def close(self) -> None:
        for connection in self._idle:
            connection.writer.close()
        self._idle.clear()

"""Issue 22, items 9 and 10: a call ends within its timeout however slowly the server drips its answer,
and an answer's body is bounded (max_response_bytes), read as a stream, never whole first.

The servers are real sockets on 127.0.0.1 (httpx's read timeout is per socket read, so a mock transport
would not show the fault). Their answers are finite, so that without the fix the test fails rather than
hangs: a drip that ends after several timeouts, a body of 64 MiB."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from reception_star import AsyncReceptionStar, ReceptionStar, errors

from python_client.fakeapi import API_KEY, FakeAPI, record

TOKEN_ANSWER = json.dumps({"token": "tok-1", "refresh_token": "ref-1", "expires_in": 10800}).encode()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer: Callable[[socket.socket, Server], None]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer = answer
        self.stopping = threading.Event()
        self.sent = 0  # body bytes the slow answers managed to send

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v3"


class Handler(socketserver.BaseRequestHandler):
    server: Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)  # fmt: skip
        while len(rest) < length:
            rest += sock.recv(65536)
        try:
            if head.startswith(b"POST /api/v3/auth "):
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(TOKEN_ANSWER), TOKEN_ANSWER))  # fmt: skip
                self.handle()  # the same connection, kept alive, carries the next request
            else:
                self.server.answer(sock, self.server)
        except OSError:  # the client hung up: what a bounded read does
            pass


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket, Server], None]], Server]]:
    started: list[tuple[Server, threading.Thread]] = []

    def start(answer: Callable[[socket.socket, Server], None]) -> Server:
        server = Server(answer)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"


def drip(sock: socket.socket, server: Server) -> None:
    """A valid client record, one byte every 0.25 s: about 40 s in all, each read well within 1 s."""
    sock.sendall(CHUNKED_HEAD)
    for byte in json.dumps(record(1)).encode():
        if server.stopping.wait(0.25):
            return
        sock.sendall(b"1\r\n%c\r\n" % byte)
        server.sent += 1
    sock.sendall(b"0\r\n\r\n")


def drip_head(sock: socket.socket, server: Server) -> None:
    """The status line and headers, one byte every 0.25 s: each read well within 1 s."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"p" * 200 + b"\r\n\r\n{}":
        if server.stopping.wait(0.25):
            return
        sock.sendall(bytes([byte]))
        server.sent += 1


def flood(sock: socket.socket, server: Server) -> None:
    """A chunked 200 of 64 MiB, as fast as the client takes it (an endless body, cut short for the test)."""
    sock.sendall(CHUNKED_HEAD + b"1\r\n[\r\n")
    chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
    for _ in range(1024):
        if server.stopping.is_set():
            return
        sock.sendall(chunk)
        server.sent += 0x10000
    sock.sendall(b"1\r\n]\r\n0\r\n\r\n")


def declared_huge(sock: socket.socket, server: Server) -> None:
    """Declares 100 MB, sends the first bytes, then waits for the client to hang up."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n[")
    server.stopping.wait(10)


def test_a_call_ends_at_its_timeout_when_the_server_drips_its_answer(serve: Any) -> None:
    server = serve(drip)
    with ReceptionStar(base_url=server.base_url, api_key=API_KEY, timeout=1, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(errors.APITimeoutError) as caught:
            client.clients.retrieve(1)
    took = time.monotonic() - started
    assert "timeout" in str(caught.value)
    assert server.sent < 20, (server.sent, took)  # the whole record would be 150 bytes: it stopped early


def test_an_async_call_ends_at_its_timeout_when_the_server_drips_its_answer(serve: Any) -> None:
    server = serve(drip)

    async def call() -> None:
        async with AsyncReceptionStar(base_url=server.base_url, api_key=API_KEY, timeout=1, max_retries=0) as client:
            await client.clients.retrieve(1)

    with pytest.raises(errors.APITimeoutError):
        asyncio.run(call())
    assert server.sent < 20, server.sent


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_call_ends_at_its_timeout_when_the_server_drips_its_headers(serve: Any, flavour: str) -> None:
    server = serve(drip_head)

    async def call_async() -> None:
        async with AsyncReceptionStar(base_url=server.base_url, api_key=API_KEY, timeout=1, max_retries=0) as client:
            await client.clients.retrieve(1)

    with pytest.raises(errors.APITimeoutError):
        if flavour == "async":
            asyncio.run(call_async())
        else:
            with ReceptionStar(base_url=server.base_url, api_key=API_KEY, timeout=1, max_retries=0) as client:
                client.clients.retrieve(1)
    assert server.sent < 20, server.sent  # the head is 250 bytes: it stopped at the deadline


def test_a_timeout_given_to_one_call_bounds_that_call_as_a_whole(serve: Any) -> None:
    server = serve(drip)
    client = ReceptionStar(base_url=server.base_url, api_key=API_KEY, max_retries=0)
    with client, pytest.raises(errors.APITimeoutError):
        client.clients.retrieve(1, timeout=1)
    assert server.sent < 20, server.sent


def test_an_endless_body_is_refused_past_max_response_bytes_without_reading_it_whole(serve: Any) -> None:
    server = serve(flood)
    client = ReceptionStar(base_url=server.base_url, api_key=API_KEY, max_response_bytes=1 << 20, max_retries=0)
    with client, pytest.raises(errors.ResponseTooLargeError) as caught:
        client.clients.list()
    assert caught.value.status_code == 200 and "max_response_bytes" in str(caught.value)
    assert server.sent < 32 << 20, server.sent  # it stopped reading; 64 MiB were on offer


def test_an_async_endless_body_is_refused_past_max_response_bytes(serve: Any) -> None:
    server = serve(flood)

    async def call() -> None:
        async with AsyncReceptionStar(base_url=server.base_url, api_key=API_KEY, max_response_bytes=1 << 20,
                                      max_retries=0) as client:  # fmt: skip
            await client.clients.list()

    with pytest.raises(errors.ResponseTooLargeError):
        asyncio.run(call())
    assert server.sent < 32 << 20, server.sent


def test_a_declared_length_past_the_default_bound_is_refused_before_the_body_is_read(serve: Any) -> None:
    server = serve(declared_huge)
    with ReceptionStar(base_url=server.base_url, api_key=API_KEY, max_retries=0) as client:
        assert client.max_response_bytes == 16 * 1024 * 1024  # the documented default
        with pytest.raises(errors.ResponseTooLargeError) as caught:
            client.clients.retrieve(1)
    assert "Content-Length 100000000" in str(caught.value)


def test_a_body_that_inflates_past_the_bound_is_refused() -> None:
    bomb = gzip.compress(b"[" + b" " * (4 << 20) + b"]")  # 4 MiB of JSON in about 4 KiB
    api = FakeAPI()
    api.script("GET", "/clients/1", httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"}))
    client = ReceptionStar(base_url="https://api.test/api/v3", api_key=API_KEY, max_response_bytes=1 << 20,
                           transport=httpx.MockTransport(api.handle))  # fmt: skip
    with pytest.raises(errors.ResponseTooLargeError):
        client.clients.retrieve(1)


def test_the_bound_can_be_raised_and_is_checked() -> None:
    api = FakeAPI()
    big = {**record(1), "notes": "n" * 2000}
    api.script("GET", "/clients/1", httpx.Response(200, json=big), httpx.Response(200, json=big))
    small = ReceptionStar(base_url="https://api.test/api/v3", api_key=API_KEY, max_response_bytes=1000,
                          transport=httpx.MockTransport(api.handle))  # fmt: skip
    with pytest.raises(errors.ResponseTooLargeError):
        small.clients.retrieve(1)
    assert small.with_options(max_retries=0).max_response_bytes == 1000
    roomy = ReceptionStar(base_url="https://api.test/api/v3", api_key=API_KEY, max_response_bytes=1 << 30,
                          transport=httpx.MockTransport(api.handle))  # fmt: skip
    assert roomy.clients.retrieve(1).notes == "n" * 2000
    with pytest.raises(errors.ConfigurationError):
        ReceptionStar(base_url="https://api.test/api/v3", api_key=API_KEY, max_response_bytes=0)


def test_a_token_answer_that_drips_is_bounded_by_the_call_too(serve: Any) -> None:
    def slow_token(sock: socket.socket, server: Server) -> None:  # never reached: /auth is answered first
        raise AssertionError

    server = serve(slow_token)
    server.RequestHandlerClass = DripToken
    client = ReceptionStar(base_url=server.base_url, api_key=API_KEY, timeout=1, max_retries=0)
    with client, pytest.raises(errors.APITimeoutError):
        client.clients.retrieve(1)
    assert server.sent < 20, server.sent


class DripToken(Handler):
    def handle(self) -> None:
        self.request.recv(65536)
        try:
            self.request.sendall(CHUNKED_HEAD)
            for byte in TOKEN_ANSWER:
                if self.server.stopping.wait(0.25):
                    return
                self.request.sendall(b"1\r\n%c\r\n" % byte)
                self.server.sent += 1
        except OSError:
            pass

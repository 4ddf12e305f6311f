"""Hostile input against `rstar-spec proxy` and the servers it shares with the mock (issue 27, B1-B4, B10,
B13, A5): hostile upstreams (a raw socket server on 127.0.0.1 that writes whatever bytes a test gives),
hostile clients (raw request heads), slow heads. Every probe is bounded: sockets time out, servers stop."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, target_doc
from rstar_spec.core.serve import in_background
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.oas.bundle import bundle
from rstar_spec.traffic import Checker, Finding, Spec, _items, read_har
from rstar_spec.traffic._upstream import Upstream, UpstreamError
from rstar_spec.traffic.har import MAX_RECORDED_BODY, Exchange
from rstar_spec.traffic.proxy import running_proxy

PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"
CREDS = Credentials(api_key="key-SECRET-27")
TIMEOUT = 5.0


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Spec.of(bundle(PUBLISHED).data))


# -- a hostile upstream -------------------------------------------------------------------------------------


class RawUpstream:
    """A server on a free 127.0.0.1 port that reads each request head and writes back `answer(head)` as it
    is, then closes the connection (or holds it open when `hold`). `heads` are the heads it received."""

    def __init__(self, answer: Callable[[bytes], bytes], hold: bool = False) -> None:
        self.answer = answer
        self.hold = hold
        self.heads: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True, name="raw upstream")
        self.origin = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping:
                sock.close()
                return
            sock.settimeout(TIMEOUT)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                self.heads.append(head)
                length = re.search(rb"(?im)^content-length: *([0-9]+)", head)
                body = len(head.partition(b"\r\n\r\n")[2])
                while length and body < int(length.group(1)) and (chunk := sock.recv(65536)):
                    body += len(chunk)  # read, as a server does before it answers
                sock.sendall(self.answer(head))
            if self.hold:
                self._held.append(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_WR)
                sock.close()

    def __enter__(self) -> RawUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        with contextlib.suppress(OSError), socket.create_connection(self._listener.getsockname()[:2], timeout=1):
            pass  # wakes accept(): closing the socket from another thread does not
        self._thread.join(timeout=TIMEOUT)
        self._listener.close()
        for sock in self._held:
            sock.close()


def ok(body: bytes = b"{}", extra: bytes = b"", status: bytes = b"200 OK") -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nConnection: close\r\n" + extra
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip


def raw_request(origin: str, request: bytes) -> bytes:
    """Send request bytes to origin, read until the server closes or TIMEOUT passes (then what came)."""
    url = httpx.URL(origin)
    answer = b""
    with socket.create_connection((url.host, url.port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        with contextlib.suppress(TimeoutError):
            while chunk := sock.recv(65536):
                answer += chunk
    return answer


class Logged:
    """What the proxy wrote on stderr, and what uvicorn logged (its loggers do not propagate)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.records: list[logging.LogRecord] = []
        self._handler = logging.Handler()
        self._handler.emit = self.records.append  # type: ignore[method-assign]

    def __enter__(self) -> Logged:
        logging.getLogger("uvicorn.error").addHandler(self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("uvicorn.error").removeHandler(self._handler)

    def lines(self) -> list[str]:
        err = self.capsys.readouterr().err
        return err.splitlines() + [r.getMessage() for r in self.records]


# -- B2: the state across exchanges stays flat ----------------------------------------------------------------


def _put(index: int, started: datetime) -> Exchange:
    body = json.dumps({"id": 21, "first_name": "Ada", "last_name": f"L{index}", "created_at": "2026-01-15T09:30:00Z",
                       "updated_at": "2026-01-15T09:30:00Z"}).encode()  # fmt: skip
    return Exchange(index, "PUT", "http://h/api/v3/clients/21", (("Authorization", "Bearer t"), ("Content-Type", "application/json")),
                    b'{"first_name": "Ada", "last_name": "L"}' + b" " * 10_000, False, 200,
                    (("Content-Type", "application/json"), ("ETag", f'"v{index}"')), body, False, started, 1.0)  # fmt: skip


def test_many_puts_on_one_item_keep_its_history_bounded_by_count_and_by_age(checker: Checker) -> None:
    session = checker.session("t")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for i in range(2000):
        session.observe(_put(i, start + timedelta(milliseconds=10 * i)))
    (item,) = session.items.by_key.values()
    assert len(item.etags) <= _items.MAX_ETAGS
    assert all(where.request_body is None and where.response_body is None for where in item.etags.values())
    # an hour later, one PUT on another item: the first, untouched since, is forgotten
    session.observe(replace(_put(5000, start + timedelta(hours=2)), url="http://h/api/v3/clients/22"))
    assert [key[1] for key in session.items.by_key] == [(("client_id", "22"),)]


# -- B4: slow heads never starve well-behaved clients ---------------------------------------------------------


CAP = 4


def _slow_heads(origin: str, count: int) -> list[socket.socket]:
    """Connections that send the start of a request head and then wait (a slowloris)."""
    url = httpx.URL(origin)
    held = []
    for i in range(count):
        sock = socket.create_connection((url.host, url.port), timeout=TIMEOUT)
        sock.sendall(f"GET /slow/{i} HTTP/1.1\r\nHost: x\r\n".encode())
        held.append(sock)
    time.sleep(0.2)  # the server has accepted them
    return held


@contextlib.contextmanager
def _capped_server(kind: str, checker: Checker) -> Iterator[str]:
    bounds = {"header_timeout": 30.0, "max_connections": CAP}
    if kind == "mock":
        with running_mock(target_doc("mock"), MockSettings(credentials=CREDS), **bounds) as base:
            yield base
    else:
        with (
            RawUpstream(lambda head: ok(b'{"status": "ok"}')) as upstream,
            running_proxy(checker, upstream.origin, bounds=bounds) as (origin, _),
        ):
            yield origin + "/api/v3"


@pytest.mark.parametrize("kind", ["mock", "proxy"])
def test_slow_heads_up_to_and_past_the_cap_never_starve_a_well_behaved_client(checker: Checker, kind: str) -> None:
    with _capped_server(kind, checker) as base:
        held = _slow_heads(base, CAP - 1)  # one fewer than the cap: uvicorn once answered 503 to everyone else
        try:
            assert [httpx.get(base + "/heart", timeout=TIMEOUT).status_code for _ in range(4)] == [200] * 4
            held += _slow_heads(base, 3)  # past the cap: the ones waiting longest make room
            assert [httpx.get(base + "/heart", timeout=TIMEOUT).status_code for _ in range(4)] == [200] * 4
        finally:
            for sock in held:
                sock.close()



# -- an early answer, then a lingering close ---------------------------------------------------------------


def test_an_early_answer_is_followed_by_a_lingering_close_not_a_reset() -> None:
    """The mock answers 413 to a 20 MB body before reading it, and closes: at once, the kernel resets the
    connection (unread data) and a client still sending (the proxy, on asyncio streams) loses the answer.
    As nginx's lingering_close, the rest is read and dropped first."""
    body = b"k" * (20 * 1024 * 1024)
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS)) as base:
        url = httpx.URL(base)
        head = (f"POST {url.path}/auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
        with socket.create_connection((url.host, url.port), timeout=TIMEOUT) as sock:
            sock.sendall(head + body)  # no ConnectionResetError
            assert sock.recv(100).startswith(b"HTTP/1.1 413 ")



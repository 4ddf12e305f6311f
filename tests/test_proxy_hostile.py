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


# -- B1: CONNECT, protocol switches, targets that are not paths ------------------------------------------


def _answers_connect(head: bytes) -> bytes:
    if head.startswith(b"CONNECT"):
        return b"HTTP/1.1 200 Connection established\r\n\r\n"
    return ok(b'{"status": "ok"}')


def test_connect_is_refused_405_before_going_upstream_and_the_proxy_goes_on(checker: Checker) -> None:
    with (
        RawUpstream(_answers_connect, hold=True) as upstream,
        running_proxy(checker, upstream.origin) as (origin, _),
    ):
        answer = raw_request(
            origin, b"CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n"
        )
        assert answer.startswith(b"HTTP/1.1 405 "), answer[:200]
        assert b"\r\nallow: " in answer.lower()
        assert upstream.heads == []
        assert httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT).status_code == 200


def test_a_protocol_switch_from_upstream_is_a_502(checker: Checker) -> None:
    switch = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
    with (
        RawUpstream(lambda head: switch, hold=True) as upstream,
        running_proxy(checker, upstream.origin) as (origin, _),
    ):
        assert httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT).status_code == 502


def test_the_upstream_side_refuses_a_2xx_to_connect_as_a_switch() -> None:
    import asyncio

    async def probe(origin: str) -> None:
        upstream = Upstream(origin, TIMEOUT)
        try:
            with pytest.raises(UpstreamError, match="switch"):
                await upstream.send("CONNECT", "evil.example:443", [], None)
        finally:
            upstream.close()

    with RawUpstream(_answers_connect, hold=True) as upstream:
        asyncio.run(asyncio.wait_for(probe(upstream.origin), TIMEOUT))


@pytest.mark.parametrize(
    "request_line",
    [b"GET http://evil.example:9999/api/v3/heart HTTP/1.1", b"OPTIONS * HTTP/1.1", b"GET evil.example:9999 HTTP/1.1"],
    ids=["absolute-form", "asterisk", "authority-form"],
)
def test_a_target_that_is_not_a_path_is_refused_400(checker: Checker, request_line: bytes) -> None:
    with RawUpstream(lambda head: ok()) as upstream, running_proxy(checker, upstream.origin) as (origin, _):
        answer = raw_request(origin, request_line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert upstream.heads == []


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
    for i in range(300):
        session.observe(_put(i, start + timedelta(milliseconds=10 * i)))
    (item,) = session.items.by_key.values()
    assert len(item.etags) <= _items.MAX_ETAGS
    assert all(where.request_body is None and where.response_body is None for where in item.etags.values())
    # an hour later, one PUT on another item: the first, untouched since, is forgotten
    session.observe(replace(_put(5000, start + timedelta(hours=2)), url="http://h/api/v3/clients/22"))
    assert [key[1] for key in session.items.by_key] == [(("client_id", "22"),)]


# -- B3: compressed answers are decoded up to the bound --------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_compressed_answer_is_decoded_no_further_than_the_body_bound(
    tmp_path: Path, checker: Checker, coding: str
) -> None:
    plain = b'{"notes": "' + b"x" * (8 * MAX_RECORDED_BODY) + b'"}'
    packed = gzip.compress(plain) if coding == "gzip" else zlib.compress(plain)
    answer = ok(packed, b"Content-Encoding: " + coding.encode() + b"\r\n")
    record = tmp_path / "bomb.har"
    with RawUpstream(lambda head: answer) as upstream, running_proxy(checker, upstream.origin, record) as (origin, _):
        passed = httpx.get(origin + "/api/v3/heart", headers={"Accept-Encoding": coding}, timeout=TIMEOUT)
        assert passed.content == plain  # the client gets the answer untouched
    (entry,) = json.loads(record.read_text())["log"]["entries"]
    content = entry["response"]["content"]
    assert len(content["text"]) == MAX_RECORDED_BODY and content["text"].startswith('{"notes": "xxx')
    assert content["comment"].startswith("Body truncated")
    assert read_har(record).exchanges[0].response_truncated


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


# -- B10: answers that break, framing that lies, hosts that are not, early answers --------------------------


def test_an_upstream_that_dies_inside_its_answer_is_a_clean_failure_and_one_line(
    checker: Checker, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b'{"status": "'
    with (
        RawUpstream(lambda head: cut if b"/heart" in head else ok()) as upstream,
        running_proxy(checker, upstream.origin, report=lambda found: None) as (origin, proxy),
        Logged(capsys) as logged,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT)
        assert httpx.get(origin + "/api/v3/clients", timeout=TIMEOUT).status_code == 200  # serving goes on
        time.sleep(0.1)
        lines = logged.lines()
        assert proxy.exchanges == 2
    assert len(lines) == 1 and "upstream" in lines[0] and "/api/v3/heart" in lines[0], lines


def test_an_answer_with_both_content_length_and_transfer_encoding_is_a_502(checker: Checker) -> None:
    both = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")  # fmt: skip
    with RawUpstream(lambda head: both) as upstream, running_proxy(checker, upstream.origin) as (origin, _):
        assert httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT).status_code == 502


@pytest.mark.parametrize("host", [b"[::1", b"a b", b"x:port", b"[::1]:99999"])
def test_a_host_that_is_not_one_is_a_400(checker: Checker, capsys: pytest.CaptureFixture[str], host: bytes) -> None:
    with (
        RawUpstream(lambda head: ok()) as upstream,
        running_proxy(checker, upstream.origin) as (origin, proxy),
        Logged(capsys) as logged,
    ):
        answer = raw_request(origin, b"GET /api/v3/heart HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert upstream.heads == [] and proxy.exchanges == 0
        assert not [line for line in logged.lines() if "Traceback" in line or "Exception" in line]


def test_a_lone_surrogate_body_that_breaks_its_schema_is_a_finding(
    checker: Checker, capsys: pytest.CaptureFixture[str]
) -> None:
    created = ok(
        b'{"id": 5, "first_name": "\\ud800", "last_name": 3}', b"Location: /api/v3/clients/5\r\n", b"201 Created"
    )
    found: list[Finding] = []
    with (
        RawUpstream(lambda head: created) as upstream,
        running_proxy(checker, upstream.origin, report=found.append) as (origin, proxy),
        Logged(capsys) as logged,
    ):
        body = b'{"first_name": "\\ud800", "last_name": 5}'
        answer = httpx.post(origin + "/api/v3/clients", content=body, timeout=TIMEOUT,
                            headers={"Content-Type": "application/json", "Authorization": "Bearer t"})  # fmt: skip
        assert answer.status_code == 201
        time.sleep(0.1)
        assert proxy.session.counts.checked == 1
        assert not [line for line in logged.lines() if "Traceback" in line or "Exception" in line]
    assert {"invalid-request-accepted", "response-body-schema"} <= {f.rule for f in found}, [f.line() for f in found]


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


def test_the_mocks_early_413_passes_through_and_is_recorded(tmp_path: Path, checker: Checker) -> None:
    record = tmp_path / "early.har"
    with (
        running_mock(target_doc("mock"), MockSettings(credentials=CREDS)) as base,
        running_proxy(checker, base.removesuffix("/api/v3"), record) as (origin, _),
    ):
        big = b'{"grant_type": "api_key", "api_key": "' + b"k" * (5 * 1024 * 1024) + b'"}'
        answer = httpx.post(origin + "/api/v3/auth", content=big, timeout=TIMEOUT * 2,
                            headers={"Content-Type": "application/json"})  # fmt: skip
        assert answer.status_code == 413, answer.text
        assert httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT).status_code == 200
    entries = json.loads(record.read_text())["log"]["entries"]
    assert [e["response"]["status"] for e in entries] == [413, 200]
    assert entries[0]["request"]["bodySize"] == len(big)  # what the client was sending, not what was read


# -- B13: hop-by-hop headers, the URL recorded -------------------------------------------------------------------


def test_headers_named_in_connection_are_not_forwarded_either_way(checker: Checker) -> None:
    answer = ok(b'{"status": "ok"}', b"Connection: X-Up-Hop\r\nX-Up-Hop: secret-up\r\nX-Kept: 1\r\n")
    with RawUpstream(lambda head: answer) as upstream, running_proxy(checker, upstream.origin) as (origin, _):
        passed = httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT,
                           headers={"Connection": "keep-alive, X-Hop", "X-Hop": "secret-down", "X-Also": "1"})  # fmt: skip
    (head,) = upstream.heads
    assert b"x-hop" not in head.lower() and b"secret-down" not in head and b"x-also: 1" in head.lower()
    assert "x-up-hop" not in passed.headers and passed.headers["x-kept"] == "1"


def test_the_recorded_url_is_the_upstream_reached_not_the_clients_host(tmp_path: Path, checker: Checker) -> None:
    record = tmp_path / "url.har"
    with (
        RawUpstream(lambda head: ok(b'{"status": "ok"}')) as upstream,
        running_proxy(checker, upstream.origin, record) as (origin, _),
    ):
        httpx.get(origin + "/api/v3/heart?x=1", timeout=TIMEOUT,
                  headers={"Host": "forged.example", "X-Forwarded-Proto": "https"})  # fmt: skip
    (entry,) = read_har(record).exchanges
    assert entry.url == upstream.origin + "/api/v3/heart?x=1"


# -- A5: one Date, one Server ---------------------------------------------------------------------------------


def test_the_proxy_forwards_the_upstreams_date_and_server_and_adds_none(checker: Checker) -> None:
    answer = ok(b'{"status": "ok"}', b"Date: Sun, 01 Mar 2026 10:00:00 GMT\r\nServer: upstream/1\r\n")
    with RawUpstream(lambda head: answer) as upstream, running_proxy(checker, upstream.origin) as (origin, _):
        passed = httpx.get(origin + "/api/v3/heart", timeout=TIMEOUT)
    assert passed.headers.get_list("date") == ["Sun, 01 Mar 2026 10:00:00 GMT"]
    assert passed.headers.get_list("server") == ["upstream/1"]


def test_in_background_serves_with_its_own_date_by_default() -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with in_background(app, "plain") as origin:
        assert len(httpx.get(origin, timeout=TIMEOUT).headers.get_list("date")) == 1

"""Floods against the mock: slow connections by the thousand, and a flood of token requests. Bounded in
count and time, on 127.0.0.1 only; `nox -s stress` runs them (too slow for `nox -s tests`)."""

from __future__ import annotations

import concurrent.futures
import resource
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from conftest import target_doc
from rstar_spec.core.serve import in_background
from rstar_spec.mock import Credentials, MockApp, MockSettings

pytestmark = pytest.mark.stress
CREDS = Credentials()
SLOW_CONNECTIONS = 2 * 2_000


@pytest.fixture
def more_file_descriptors() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16_384), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_thousands_of_slow_connections_do_not_stop_the_mock(more_file_descriptors: None) -> None:
    mock = MockApp(target_doc("mock"), MockSettings(credentials=CREDS))
    with in_background(mock.app, "mock", header_timeout=2.0, max_connections=1_000) as origin:
        host, port = "127.0.0.1", int(origin.rsplit(":", 1)[1])
        slow = []
        for i in range(SLOW_CONNECTIONS):
            try:
                sock = socket.create_connection((host, port), timeout=5)
                sock.sendall(b"GET /api/v3/heart HTTP/1.1\r\n")  # and never the rest of the headers
                slow.append(sock)
            except OSError:
                break
            if i % 500 == 0:  # the mock keeps answering while the flood goes on
                assert httpx.get(f"{origin}/api/v3/heart", timeout=10).status_code == 200  # never starved (issue 27 B4)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.5)
            open_ = 0
            for sock in slow:
                sock.setblocking(False)
                try:
                    open_ += sock.recv(1) != b""
                except BlockingIOError:
                    open_ += 1
                except OSError:
                    pass
            if open_ == 0:
                break
        for sock in slow:
            sock.close()
        assert open_ == 0, f"{open_} slow connections still open"
        assert httpx.get(f"{origin}/api/v3/heart", timeout=10).status_code == 200


def test_a_flood_of_token_requests_leaves_the_token_store_bounded() -> None:
    mock = MockApp(target_doc("mock"), MockSettings(credentials=CREDS))
    mock.state.max_tokens = 2_000
    with in_background(mock.app, "mock") as origin, httpx.Client(base_url=f"{origin}/api/v3", timeout=10) as http:

        def grant(_: int) -> int:
            return http.post("/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key}).status_code

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(grant, range(10_000)))
    assert statuses.count(200) == 10_000
    assert len(mock.state._tokens) <= 2_000 and len(mock.state._refresh) <= 2_000

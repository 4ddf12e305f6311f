"""The recorders: `rstar-spec mock --record FILE` and `rstar-spec proxy --upstream URL [--record FILE]`.
Recordings are HAR 1.2 with every secret redacted, valid after every entry, bounded; the proxy passes
traffic untouched and reports what breaks the spec as it passes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, SPEC_DIR, RunCli
from rstar_spec.core.errors import RstarError
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.oas.bundle import bundle
from rstar_spec.overlay.pipeline import build_target
from rstar_spec.traffic import Checker, Finding, HarRecorder, Spec, check_recordings, read_har
from rstar_spec.traffic.har import REDACTED, RecordedExchange, redact_body, redact_url
from rstar_spec.traffic.proxy import running_proxy

DOC = build_target(SPEC_DIR / "openapi.yaml", "mock", ROOT / "overlays")
PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"
SECRET_KEY = "key-SECRET-91c2"
SECRET_PASSWORD = "pass SECRET 1234"
CREDS = Credentials(api_key=SECRET_KEY, password=SECRET_PASSWORD)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Spec.of(bundle(PUBLISHED).data))


def a_session(base: str) -> list[str]:
    """A caller's day, through base: every operation, right and wrong; returns the secrets it saw."""
    with httpx.Client(base_url=base, timeout=10) as http:
        assert http.get("/heart").status_code == 200
        token = http.post("/auth", json={"grant_type": "api_key", "api_key": SECRET_KEY}).json()
        assert http.post("/auth", json={"grant_type": "password", "username": CREDS.username,
                                        "password": SECRET_PASSWORD}).status_code == 200  # fmt: skip
        assert http.post("/auth", json={"grant_type": "api_key", "api_key": "wrong"}).status_code == 401
        refreshed = http.post("/auth", json={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
        assert refreshed.status_code == 200
        auth = {"Authorization": f"Bearer {refreshed.json()['token']}"}
        assert http.get("/clients", params={"offset": 2, "limit": 5}, headers=auth).status_code == 200
        assert http.get("/clients", params={"limit": 0}, headers=auth).status_code == 400
        assert http.get("/clients").status_code == 401
        created = http.post(
            "/clients", json={"first_name": "Ada", "last_name": "L", "email": "a@example.com"}, headers=auth
        )
        assert created.status_code == 201
        item = f"/clients/{created.json()['id']}"
        etag = http.get(item, headers=auth).headers["etag"]
        assert http.get(item, headers={**auth, "If-None-Match": etag}).status_code == 304
        assert http.put(item, json={"first_name": "Ada", "last_name": "K"}, headers=auth).status_code == 200
        assert http.get(item, headers={**auth, "If-None-Match": etag}).status_code == 200
        assert http.put(item, json={"first_name": ""}, headers=auth).status_code == 400
        assert http.delete(item, headers=auth).status_code == 204
        assert http.get(item, headers=auth).status_code == 404
        return [token["token"], token["refresh_token"], refreshed.json()["token"], refreshed.json()["refresh_token"]]


def assert_redacted(path: Path, secrets: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in [SECRET_KEY, SECRET_PASSWORD, *secrets]:
        assert secret not in text
    assert REDACTED in text


@pytest.fixture
def mock_process(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    record = tmp_path / "mock.har"
    env = {**os.environ, "RSTAR_MOCK_API_KEY": SECRET_KEY, "RSTAR_MOCK_PASSWORD": SECRET_PASSWORD}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rstar_spec", "mock", "--port", "0", "--record", str(record), "--profile", "liberal"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("mock: serving"), line + (proc.stderr.read() if proc.stderr else "")
        yield line.split(" on ", 1)[1].strip(), record, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_mock_record_writes_a_redacted_har_that_checks_clean(
    mock_process: tuple[str, Path, subprocess.Popen[str]], checker: Checker
) -> None:
    base, record, proc = mock_process
    secrets = a_session(base)
    proc.send_signal(signal.SIGINT)  # by its PID: the server we started
    assert proc.wait(timeout=15) in (0, 130)  # 130: interrupted, as asked
    recording = read_har(record)
    assert len(recording.exchanges) == 16
    assert_redacted(record, secrets)
    findings, counts = check_recordings(checker, [record])
    assert [f.line() for f in findings] == [] and counts.checked == 16


def test_a_recording_reads_after_every_entry_and_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    recorder = HarRecorder(path, "test", max_bytes=3000)
    now = datetime.now(UTC)
    big = json.dumps({"notes": "x" * 3000}).encode()
    for i in range(3):
        recorder.record(RecordedExchange("GET", f"http://h/api/v3/clients/{i + 1}", "HTTP/1.1", [], b"", 0, 200, "OK",
                                         [("Content-Type", "application/json")], b'{"id": 1}', 9, now, 1.0))  # fmt: skip
        assert len(read_har(path).exchanges) == i + 1  # valid while recording
    recorder.record(
        RecordedExchange("POST", "http://h/x", "HTTP/1.1", [], big, len(big), 200, "", [], b"", 0, now, 1.0)
    )
    recorder.close()
    data = json.loads(path.read_text())
    assert len(data["log"]["entries"]) == 3 and "1 entries dropped" in data["log"]["comment"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # A body past the per-body bound is cut short, and the entry says so
    cut = tmp_path / "cut.har"
    recorder = HarRecorder(cut, "test")
    recorder.record(RecordedExchange("GET", "http://h/", "HTTP/1.1", [], b"", 0, 200, "", [], b"abc", 10, now, 1.0))
    recorder.close()
    assert read_har(cut).exchanges[0].response_truncated


def test_a_recorder_replaces_only_a_recording_of_its_own(tmp_path: Path) -> None:
    mine = tmp_path / "mine.har"
    HarRecorder(mine, "test").close()
    HarRecorder(mine, "test").close()  # its own: replaced
    theirs = tmp_path / "theirs.har"
    theirs.write_text('{"log": {"creator": {"name": "Chrome"}}}')
    link = tmp_path / "link.har"
    link.symlink_to(mine)
    device = tmp_path / "null"
    os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    for path in (theirs, tmp_path, link, device, tmp_path / "no" / "folder.har"):
        with pytest.raises(RstarError):
            HarRecorder(path, "test")
    assert theirs.read_text() == '{"log": {"creator": {"name": "Chrome"}}}'
    assert link.is_symlink() and stat.S_ISCHR(os.stat(device).st_mode)


def test_mock_record_refuses_a_path_it_does_not_own_in_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    theirs = tmp_path / "notes.txt"
    theirs.write_text("mine")
    code, _, err = run_cli("mock", "--port", "0", "--record", str(theirs))
    assert code == 2 and "not a recording of rstar-spec" in err and theirs.read_text() == "mine"


@pytest.mark.parametrize(
    ("body", "content_type", "kept"),
    [
        (b'{"grant_type":"password","username":"u","password":"p1"}', "application/json", b'"username":"u"'),
        (b'{"a":[{"refresh_token":"p1"}],"Token":"p1"}', "application/json", b'"a":[{'),
        (b"grant_type=password&password=p1&username=u", "application/x-www-form-urlencoded", b"username=u"),
    ],
)
def test_bodies_are_redacted_wherever_a_secret_hides(body: bytes, content_type: str, kept: bytes) -> None:
    redacted, readable = redact_body(body, content_type)
    assert readable and b"p1" not in redacted and kept in redacted


def test_a_body_that_may_hold_a_secret_and_cannot_be_read_is_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    recorder = HarRecorder(path, "test")
    body = b"password: hunter2 (not json)"
    recorder.record(RecordedExchange("POST", "http://h/api/v3/auth?api_key=k1&x=1", "HTTP/1.1",
                                     [("Authorization", "Bearer t1"), ("Cookie", "s=t2")], body, len(body), 200, "",
                                     [("Set-Cookie", "s=t3")], b"", 0, datetime.now(UTC), 1.0))  # fmt: skip
    recorder.close()
    text = path.read_text()
    for secret in ("hunter2", "k1", "t1", "t2", "t3"):
        assert secret not in text
    assert "x=1" in text
    assert redact_url("http://h/p?limit=5") == "http://h/p?limit=5"


# -- the proxy -------------------------------------------------------------------------------------------


def _through(origin: str, base_path: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, origin + base_path + path, timeout=10, **kwargs)


def test_the_proxy_passes_traffic_untouched_checks_it_and_records_it(tmp_path: Path, checker: Checker) -> None:
    found: list[Finding] = []
    record = tmp_path / "proxy.har"
    with running_mock(DOC, MockSettings(credentials=CREDS)) as base:
        upstream = base.removesuffix("/api/v3")
        with running_proxy(checker, upstream, record, report=found.append) as (origin, proxy):
            secrets = a_session(origin + "/api/v3")
            token = httpx.post(f"{base}/auth", json={"grant_type": "api_key", "api_key": SECRET_KEY}).json()["token"]
            auth = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
            for path in ("/clients/21", "/clients?limit=3", "/heart", "/nowhere"):
                direct = httpx.get(base + path, headers=auth)
                passed = httpx.get(origin + "/api/v3" + path, headers=auth)
                assert (passed.status_code, passed.content) == (direct.status_code, direct.content)
                strip = {"date", "server"}
                assert [h for h in passed.headers.multi_items() if h[0] not in strip] == [
                    h for h in direct.headers.multi_items() if h[0] not in strip
                ]
            counts = proxy.session.counts
    assert [f.line() for f in found] == []
    assert counts.checked == 16 + 3 and counts.skipped == 1
    assert len(read_har(record).exchanges) == 20
    assert_redacted(record, secrets)


@pytest.mark.parametrize(
    ("breakage", "rule"),
    [("wrong-location", "location-names-item"), ("put-merges", "put-drops-omitted"),
     ("delete-keeps", "deleted-stays-gone"), ("etag-ignored", "etag-not-modified"),
     ("offset-timestamps", "response-body-schema"), ("auth-ignored", "unauthenticated-accepted")],
)  # fmt: skip
def test_the_proxy_reports_a_server_that_breaks_the_contract_as_it_passes(
    checker: Checker, breakage: str, rule: str
) -> None:
    found: list[Finding] = []
    with (
        running_mock(DOC, MockSettings(credentials=CREDS, breakage=breakage)) as base,
        running_proxy(checker, base.removesuffix("/api/v3"), report=found.append) as (origin, _),
        contextlib.suppress(AssertionError),  # the broken server answers unlike a correct one; the proxy saw it
    ):
        a_session(origin + "/api/v3")
    assert rule in {f.rule for f in found}, [f.line() for f in found]
    assert all(f.source == "proxy" for f in found)


def test_the_proxy_answers_502_when_upstream_is_gone(checker: Checker) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with running_proxy(checker, f"http://127.0.0.1:{port}") as (origin, _):
        answer = httpx.get(origin + "/api/v3/heart", timeout=10)
    assert answer.status_code == 502 and answer.json()["code"] == "bad_gateway"


def test_proxy_refuses_a_bad_upstream_in_one_line(run_cli: RunCli) -> None:
    code, _, err = run_cli("proxy", "--upstream", "ftp://x")
    assert code == 2 and len(err.splitlines()) == 1 and "--upstream" in err


def test_redacted_credentials_still_tell_callers_apart_within_one_recording(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    recorder = HarRecorder(path, "test")
    now = datetime.now(UTC)
    for token in ("t-one-SECRET", "t-two-SECRET", "t-one-SECRET"):
        recorder.record(RecordedExchange("GET", "http://h/api/v3/clients/1", "HTTP/1.1", [("Authorization", f"Bearer {token}")],
                                         b"", 0, 404, "", [], b"", 0, now, 1.0))  # fmt: skip
    recorder.close()
    assert "SECRET" not in path.read_text()
    seen = [ex.request_header("authorization") for ex in read_har(path).exchanges]
    assert seen[0] == seen[2] != seen[1] and all(s and s.startswith(REDACTED) for s in seen)
    again = tmp_path / "again.har"
    recorder = HarRecorder(again, "test")
    recorder.record(RecordedExchange("GET", "http://h/", "HTTP/1.1", [("Authorization", "Bearer t-one-SECRET")], b"", 0,
                                     404, "", [], b"", 0, now, 1.0))  # fmt: skip
    recorder.close()
    assert read_har(again).exchanges[0].request_header("authorization") != seen[0]  # says nothing outside its recording


def _edge_upstream() -> Any:
    """A server that frames its answers every way HTTP/1.1 allows: chunked, gzip, closing the connection."""
    import gzip

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    quote = "The only true wisdom is in knowing you know nothing."

    async def heart(request: Request) -> Response:
        async def chunks() -> Any:
            for word in quote.split(" "):
                yield (word + " ").encode()

        return StreamingResponse(chunks(), media_type="text/plain")

    async def one(request: Request) -> Response:
        body = gzip.compress(json.dumps(CLIENT).encode())
        return Response(body, headers={"Content-Encoding": "gzip", "ETag": '"1"', "Connection": "close"},
                        media_type="application/json")  # fmt: skip

    async def create(request: Request) -> Response:
        sent = json.loads(await request.body())
        return Response(json.dumps({**CLIENT, "id": 51, "notes": sent["notes"]}), 201,
                        headers={"Location": "/api/v3/clients/51"}, media_type="application/json")  # fmt: skip

    return Starlette(routes=[Route("/api/v3/heart", heart), Route("/api/v3/clients/21", one),
                             Route("/api/v3/clients", create, methods=["POST"])])  # fmt: skip


CLIENT = {
    "id": 21,
    "first_name": "Ada",
    "last_name": "L",
    "created_at": "2026-01-15T09:30:00Z",
    "updated_at": "2026-01-15T09:30:00Z",
}


def test_the_proxy_streams_chunked_gzip_and_closing_answers_and_chunked_requests(
    tmp_path: Path, checker: Checker
) -> None:
    from rstar_spec.core.serve import in_background

    found: list[Finding] = []
    with (
        in_background(_edge_upstream(), "edge upstream") as upstream,
        running_proxy(checker, upstream, tmp_path / "edge.har", report=found.append) as (origin, proxy),
        httpx.Client(base_url=origin + "/api/v3", headers={"Authorization": "Bearer t"}, timeout=10) as http,
    ):
        for _ in range(3):  # again and again: kept-alive and closed connections are both reused or replaced
            heart = http.get("/heart")
            assert (heart.status_code, heart.headers.get("transfer-encoding")) == (200, "chunked")
            assert heart.text.startswith("The only true wisdom")
            one = http.get("/clients/21", headers={"Accept-Encoding": "gzip"})
            assert one.json() == CLIENT and one.headers["content-encoding"] == "gzip"

            def body() -> Iterator[bytes]:  # sent chunked: no Content-Length
                yield b'{"first_name": "Ada", "last_name": "L", "notes": "'
                yield from (b"x" * 100 for _ in range(19))
                yield b'"}'

            created = http.post("/clients", content=body(), headers={"Content-Type": "application/json"})
            assert created.status_code == 201 and created.json()["notes"] == "x" * 1900
        counts = proxy.session.counts
    assert [f.line() for f in found] == [] and counts.checked == 9
    entries = read_har(tmp_path / "edge.har").exchanges
    assert json.loads(entries[1].response_body or b"") == CLIENT  # recorded decoded
    assert entries[2].request_body is not None and len(entries[2].request_body) == 1952

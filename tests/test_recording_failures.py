"""Issue 27, B8: a failed write never destroys a recording. With the disk full (a file-size limit stands in:
RLIMIT_FSIZE in the recorder's process, SIGXFSZ ignored so a write past it fails with EFBIG as a full disk
fails with ENOSPC) the file stays valid JSON with the entries written so far, the failure is one line,
once, and serving goes on, unrecorded. A recording deleted or replaced mid-run is noticed the same way,
and never recreated."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SPEC_DIR
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.overlay.pipeline import build_target
from rstar_spec.traffic import HarRecorder, read_har
from rstar_spec.traffic.har import RecordedExchange

LIMIT = 24 * 1024  # bytes any file of the recorder's process may have
CREDS = Credentials()
REQUESTS = 60


def _limited() -> None:  # in the child, before exec: a file-size limit, and EFBIG rather than death by SIGXFSZ
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@contextlib.contextmanager
def limited_server(args: list[str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`rstar-spec ARGS --port 0` under the file-size limit; yields its origin and the process."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "rstar_spec", *args, "--port", "0"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_limited)  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        origin = next((w for w in line.split() if w.startswith("http://")), None)
        assert origin, line + (proc.stderr.read() if proc.stderr else "")
        yield origin.removesuffix("/api/v3"), proc
    finally:
        if proc.poll() is None:
            proc.kill()  # by its PID: the server this test started
        proc.wait(timeout=10)


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)  # by its PID
    _, err = proc.communicate(timeout=20)
    return err


def requests_answered(origin: str) -> int:
    with httpx.Client(base_url=origin + "/api/v3", timeout=10) as http:
        return sum(http.get("/heart", params={"n": i}).status_code == 200 for i in range(REQUESTS))


def assert_kept_so_far(path: Path, err: str) -> None:
    assert "Traceback" not in err, err[-3000:]
    said = [line for line in err.splitlines() if "recording" in line and "stopped" in line]
    assert len(said) == 1 and str(path.name) in said[0], err[-3000:]
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]  # still JSON
    assert 3 < len(entries) < REQUESTS
    assert path.stat().st_size <= LIMIT


def test_the_proxy_keeps_its_recording_when_the_disk_fills(tmp_path: Path) -> None:
    record = tmp_path / "proxy.har"
    doc = build_target(SPEC_DIR / "openapi.yaml", "mock", ROOT / "overlays")
    with running_mock(doc, MockSettings(credentials=CREDS)) as base:
        upstream = base.removesuffix("/api/v3")
        with limited_server(["proxy", "--upstream", upstream, "--record", str(record)]) as (origin, proc):
            assert requests_answered(origin) == REQUESTS  # serving goes on
            err = stop(proc)
    assert_kept_so_far(record, err)


def test_the_mock_keeps_its_recording_when_the_disk_fills(tmp_path: Path) -> None:
    record = tmp_path / "mock.har"
    with limited_server(["mock", "--record", str(record)]) as (origin, proc):
        assert requests_answered(origin) == REQUESTS
        err = stop(proc)
    assert_kept_so_far(record, err)


CLIENT_SCRIPT = textwrap.dedent("""
    import logging, resource, signal, sys
    import httpx
    from reception_star import ReceptionStar

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    def answer(request):
        if request.url.path.endswith("/auth"):
            return httpx.Response(200, json={{"token": "tok-1", "refresh_token": "ref-1", "expires_in": 3600}})
        return httpx.Response(200, json={{"id": 1, "first_name": "Ada", "last_name": "L", "notes": "n" * 300,
                                          "created_at": "2026-01-15T09:30:00Z", "updated_at": "2026-01-15T09:30:00Z"}})

    done = 0
    with ReceptionStar(api_key="key-1234", base_url="http://api.test/api/v3", transport=httpx.MockTransport(answer),
                       record=sys.argv[1]) as api:
        for _ in range({requests}):
            done += api.clients.retrieve(1).id == 1
    print(done)
""")


def test_the_client_keeps_its_recording_when_the_disk_fills(tmp_path: Path) -> None:
    record = tmp_path / "client.har"
    result = subprocess.run([sys.executable, "-c", CLIENT_SCRIPT.format(limit=LIMIT, requests=REQUESTS), str(record)],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == str(REQUESTS), result.stderr[-3000:]
    assert_kept_so_far(record, result.stderr)


# -- deleted or replaced mid-run -----------------------------------------------------------------------------


def _exchange(i: int) -> RecordedExchange:
    return RecordedExchange("GET", f"http://h/api/v3/clients/{i}", "HTTP/1.1", [], b"", 0, 404, "", [], b"", 0,
                            datetime.now(UTC), 1.0)  # fmt: skip


@pytest.mark.parametrize("change", ["deleted", "replaced"])
def test_a_server_recording_deleted_or_replaced_mid_run_is_noticed_and_not_recreated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    path = tmp_path / "r.har"
    recorder = HarRecorder(path, "test")
    recorder.record(_exchange(1))
    assert len(read_har(path).exchanges) == 1
    path.unlink()
    if change == "replaced":
        path.write_text("the user's own notes")
    for i in range(2, 5):
        recorder.record(_exchange(i))
    recorder.close()
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if "r.har" in line]) == 1, err
    assert change in err
    if change == "deleted":
        assert not path.exists()
    else:
        assert path.read_text() == "the user's own notes"


@pytest.mark.parametrize("change", ["deleted", "replaced"])
def test_a_client_recording_deleted_or_replaced_mid_run_is_noticed_and_not_recreated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, change: str
) -> None:
    from reception_star import ReceptionStar

    from python_client.fakeapi import API_KEY, BASE, FakeAPI

    api, path = FakeAPI(), tmp_path / "c.har"
    with ReceptionStar(api_key=API_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle),
                       record=path) as client:  # fmt: skip
        client.clients.retrieve(1)
        path.unlink()
        if change == "replaced":
            path.write_text("the user's own notes")
        for i in range(2, 5):
            client.clients.retrieve(i)
    said = [r.getMessage() for r in caplog.records if "c.har" in r.getMessage()]
    assert len(said) == 1 and change in said[0], said
    if change == "deleted":
        assert not path.exists()
    else:
        assert path.read_text() == "the user's own notes"

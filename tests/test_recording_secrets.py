"""Issue 27, B5: the servers' recorders (`proxy --record`, `mock --record`) redact what the client's recorder
redacts, from one list of secret names matched over camelCase, snake_case and kebab-case spellings: headers,
query parameters, JSON fields at any depth, form fields, and bodies sent gzip- or deflate-encoded."""

from __future__ import annotations

import base64
import gzip
import json
import os
import signal
import subprocess
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, SPEC_DIR
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.overlay.pipeline import build_target
from rstar_spec.traffic import Checker, HarRecorder, Spec, read_har
from rstar_spec.traffic.har import RecordedExchange
from rstar_spec.traffic.proxy import running_proxy

DOC = build_target(SPEC_DIR / "openapi.yaml", "mock", ROOT / "overlays")
CREDS = Credentials(api_key="key-SECRET-5a1e", password="pass-SECRET-77c1")

# Every secret the issue found kept, each a distinct value so that a leak names itself.
HEADERS = {"X-Auth-Token": "hdr-xauth-S1", "Api-Key": "hdr-apikey-S2", "X-Access-Token": "hdr-xaccess-S3"}
FIELDS = {"refreshToken": "fld-refresh-S4", "accessToken": "fld-access-S5", "clientSecret": "fld-csecret-S6",
          "passwd": "fld-passwd-S7", "private_key": "fld-pkey-S8", "pwd": "fld-pwd-S9"}  # fmt: skip
QUERY = {"key": "qry-key-S10", "api-key": "qry-apikey-S11", "sig": "qry-sig-S12", "auth": "qry-auth-S13"}
GZIP_PASSWORD = "gz-password-S14"
DEFLATE_SECRET = "df-secret-S15"
NESTED = "nested-token-S16"
FORM = "form-pwd-S17"
ALL = [*HEADERS.values(), *FIELDS.values(), *QUERY.values(), GZIP_PASSWORD, DEFLATE_SECRET, NESTED, FORM,
       CREDS.api_key, CREDS.password]  # fmt: skip


def hostile_session(base: str) -> None:
    """What a caller may send: secrets under every spelling the issue names, and encoded bodies."""
    with httpx.Client(base_url=base, timeout=10) as http:
        token = http.post("/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        grant = json.dumps({"grant_type": "password", "username": "ada", "password": GZIP_PASSWORD}).encode()
        http.post("/auth", content=gzip.compress(grant),
                  headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})  # fmt: skip
        body = json.dumps({"first_name": "Ada", "last_name": "L", "clientSecret": DEFLATE_SECRET}).encode()
        http.post("/clients", content=zlib.compress(body),
                  headers={**auth, "Content-Type": "application/json", "Content-Encoding": "deflate"})  # fmt: skip
        http.get("/clients", headers={**auth, **HEADERS})
        http.post("/clients", json={"first_name": "Ada", "last_name": "L", **FIELDS,
                                    "notes": [{"deep": {"x_refresh_token": NESTED}}]}, headers=auth)  # fmt: skip
        http.get("/clients", params=QUERY, headers=auth)
        http.post("/auth", data={"grant_type": "password", "username": "ada", "pwd": FORM})


def leaks(path: Path) -> list[str]:
    """Every secret found in the file, looking into base64 bodies and compressed ones too."""
    text = path.read_text(encoding="utf-8")
    found = [s for s in ALL if s in text]
    for entry in json.loads(text)["log"]["entries"]:
        for content in (entry["request"].get("postData") or {}, entry["response"].get("content") or {}):
            if content.get("encoding") == "base64":
                raw = base64.b64decode(content["text"])
                for decode in (gzip.decompress, zlib.decompress, bytes):
                    try:
                        raw = decode(raw)
                    except (OSError, zlib.error):
                        continue
                found += [s for s in ALL if s.encode() in raw]
    return found


def check_recording(path: Path) -> None:
    assert not leaks(path), leaks(path)
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    posts = [e["request"]["postData"] for e in entries if e["request"].get("postData")]
    decoded = [p for p in posts if "gzip" in p.get("comment", "") or "deflate" in p.get("comment", "")]
    assert len(decoded) == 2, posts  # recorded decoded, the encoding noted
    assert {"grant_type": "password", "username": "ada", "password": "[redacted]"} in [
        json.loads(p["text"]) for p in decoded
    ]
    assert all("encoding" not in p for p in decoded)
    listed = [e for e in entries if e["request"]["url"].endswith("/clients") and e["request"]["method"] == "GET"]
    for header in HEADERS:
        assert {"name": header.lower(), "value": "[redacted]"} in listed[0]["request"]["headers"]
    query = next(e for e in entries if "sig=" in e["request"]["url"])
    assert {q["name"]: q["value"] for q in query["request"]["queryString"]} == dict.fromkeys(QUERY, "[redacted]")


def test_the_proxy_redacts_every_spelling_and_encoded_bodies(tmp_path: Path) -> None:
    record = tmp_path / "proxy.har"
    checker = Checker(Spec.of(DOC))
    with (
        running_mock(DOC, MockSettings(credentials=CREDS)) as base,
        running_proxy(checker, base.removesuffix("/api/v3"), record, report=lambda found: None) as (origin, _),
    ):
        hostile_session(origin + "/api/v3")
    check_recording(record)


@pytest.fixture
def mock_process(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    record = tmp_path / "mock.har"
    env = {**os.environ, "RSTAR_MOCK_API_KEY": CREDS.api_key, "RSTAR_MOCK_PASSWORD": CREDS.password}
    proc = subprocess.Popen([sys.executable, "-m", "rstar_spec", "mock", "--port", "0", "--record", str(record)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("mock: serving"), line + (proc.stderr.read() if proc.stderr else "")
        yield line.split(" on ", 1)[1].strip(), record, proc
    finally:
        if proc.poll() is None:
            proc.kill()  # by its PID: the server this test started
        proc.wait(timeout=10)


def test_mock_record_redacts_every_spelling_and_encoded_bodies(
    mock_process: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    base, record, proc = mock_process
    hostile_session(base)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=15) in (0, 130)
    check_recording(record)


def _exchange(body: bytes, headers: list[tuple[str, str]], url: str = "http://h/api/v3/things") -> RecordedExchange:
    return RecordedExchange("POST", url, "HTTP/1.1", headers, body, len(body), 200, "", [], b"", 0,
                            datetime.now(UTC), 1.0)  # fmt: skip


def test_the_spec_s_own_secret_properties_are_redacted_too(tmp_path: Path) -> None:
    """A property the spec declares writeOnly or `format: password`, whatever its name, is a secret."""
    from rstar_spec.oas.secret_fields import secret_property_names

    doc: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {
        "schemas": {"Door": {"type": "object", "properties": {"entry_code": {"type": "string", "writeOnly": True},
                                                               "memo": {"type": "string", "format": "password"},
                                                               "label": {"type": "string"}}}}}}  # fmt: skip
    assert secret_property_names(doc) == {"entry_code", "memo"}
    path = tmp_path / "spec.har"
    recorder = HarRecorder(path, "test", secret_names=secret_property_names(doc))
    body = json.dumps({"entryCode": "door-S18", "memo": "memo-S19", "label": "front"}).encode()
    recorder.record(_exchange(body, [("Content-Type", "application/json")], "http://h/x?entry-code=door-S20"))
    recorder.close()
    text = path.read_text(encoding="utf-8")
    assert "S18" not in text and "S19" not in text and "S20" not in text and "front" in text
    assert len(read_har(path).exchanges) == 1


def test_a_body_in_an_encoding_that_cannot_be_read_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "br.har"
    recorder = HarRecorder(path, "test")
    recorder.record(_exchange(b"\x8b\x02\x80opaque password=x", [("Content-Encoding", "br")]))
    cut = gzip.compress(json.dumps({"password": "cut-S21", "pad": "x" * 4_000_000}).encode())[:2000]
    recorder.record(_exchange(cut, [("Content-Encoding", "gzip"), ("Content-Type", "application/json")]))
    bomb = gzip.compress(b'{"a": "' + b"x" * 5_000_000 + b'"}')  # 5 MB decoded: kept to the bound, cut
    recorder.record(_exchange(bomb, [("Content-Encoding", "gzip"), ("Content-Type", "text/plain")]))
    recorder.close()
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert "text" not in entries[0]["request"]["postData"] and "br" in entries[0]["request"]["postData"]["comment"]
    assert "cut-S21" not in path.read_text(encoding="utf-8")
    assert "text" not in entries[1]["request"]["postData"]  # cut short: it cannot be read to redact it
    kept = entries[2]["request"]["postData"]
    assert len(kept["text"]) <= 1024 * 1024 and kept["comment"].startswith("Body truncated")
    assert path.stat().st_size < 3 * 1024 * 1024


def test_a_secret_value_is_masked_wherever_else_its_exchange_holds_it(tmp_path: Path) -> None:
    """A server quoting a secret it was sent (in an error message, in a binary body) does not undo the redaction;
    a binary body stays the bytes it was, less the secret."""
    path = tmp_path / "echo.har"
    recorder = HarRecorder(path, "test")
    sent = json.dumps({"password": "echoed-S22"}).encode()
    echoed = b"\xff\xfe binary: echoed-S22 and t-echoed-S23 \x00"
    recorder.record(RecordedExchange(
        "POST", "http://h/api/v3/auth", "HTTP/1.1", [("Content-Type", "application/json"),
                                                     ("Authorization", "Bearer t-echoed-S23")], sent, len(sent),
        400, "", [("Content-Type", "application/octet-stream")], echoed, len(echoed), datetime.now(UTC), 1.0))  # fmt: skip
    recorder.close()
    text = path.read_text(encoding="utf-8")
    assert "S22" not in text and "S23" not in text
    body = read_har(path).exchanges[0].response_body
    assert body == b"\xff\xfe binary: [redacted] and [redacted] \x00"

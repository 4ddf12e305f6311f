"""Issue 27, B7: `contract --base-url` prints and writes no secret a server echoes. A server on 127.0.0.1
answers the suite's requests to list the clients with a 500 whose body quotes the API key, the read-only key and every bearer
token it was sent (the guard's and the suite's: tokens issued during the run): the failure report, the
coverage files and the junit report show them masked."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from conftest import ROOT, SPEC_DIR, target_doc
from rstar_spec.contract import ContractOptions, run_contract
from rstar_spec.contract._coverage import coverage_options
from rstar_spec.mock import Credentials, MockSettings, running_mock

pytestmark = pytest.mark.usefixtures("hypothesis_home")

CREDS = Credentials(api_key="key-ECHOED-4f1c/+=", readonly_api_key="ro-ECHOED-9a2b")


class Echo:
    """ASGI middleware: the suite's requests (they carry X-Schemathesis-TestCaseId) to GET /clients are
    answered 500, quoting every credential the server was ever sent, as a careless server's debug page would."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bearers: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or ()}
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if bearer and bearer not in self.bearers:
            self.bearers.append(bearer)
        if scope["path"].endswith("/clients") and scope["method"] == "GET" and "x-schemathesis-testcaseid" in headers:
            quoted = [CREDS.api_key, CREDS.readonly_api_key, *self.bearers]
            body = json.dumps({"debug": {"keys": quoted, "url": [quote(s, safe="") for s in quoted]}}).encode()
            body += ("\n" + "\n".join(quoted)).encode()
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def test_a_guarded_run_masks_every_secret_a_server_echoes(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RSTAR_API_KEY", CREDS.api_key)
    monkeypatch.setenv("RSTAR_READONLY_API_KEY", CREDS.readonly_api_key)
    monkeypatch.chdir(tmp_path)
    echo: list[Echo] = []

    def wrap(app: Any) -> Echo:
        echo.append(Echo(app))
        return echo[0]

    junit, coverage_json, coverage_html = tmp_path / "junit.xml", tmp_path / "cov.json", tmp_path / "cov.html"
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS), wrap=wrap) as base_url:
        options = ContractOptions(
            base_url=base_url, max_examples=2, seed=1, phases=("examples", "coverage"), junit=junit,
            extra=["--include-operation-id", "list_clients"],
            coverage=coverage_options(coverage_json, coverage_html, False, None, os.environ),
        )  # fmt: skip
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
    out, err = capfd.readouterr()
    assert code == 1 and "Server error" in out, out[-3000:] + err[-2000:]
    assert "[redacted]" in out  # the echo was printed, masked
    secrets = [CREDS.api_key, CREDS.readonly_api_key, *echo[0].bearers]
    assert len(echo[0].bearers) >= 2  # the guard's token and the suite's
    spelled = [form for s in secrets for form in (s, quote(s, safe=""), base64.b64encode(s.encode()).decode())]
    for name, text in [("stdout", out), ("stderr", err), *[(p.name, p.read_text()) for p in
                                                           (junit, coverage_json, coverage_html)]]:  # fmt: skip
        leaked = [s for s in spelled if s in text]
        assert not leaked, (name, leaked)

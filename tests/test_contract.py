"""The contract suite passes against the mock (both profiles), and fails against every deliberately
broken variant; against a server it does not run (--base-url) it leaves the account as it found it.

Each variant is caught by the check meant for it: a built-in schemathesis check or one of ours
(src/rstar_spec/contract/checks.py). Servers run on 127.0.0.1, on a free port, and stop after.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SPEC_DIR, RunCli, target_doc, write_operations_of
from rstar_spec.contract import ContractOptions, run_contract, run_schemathesis
from rstar_spec.contract._guard import Ledger
from rstar_spec.mock import BREAKAGES, Credentials, MockSettings, _state, running_mock

pytestmark = pytest.mark.usefixtures("hypothesis_home")  # each schemathesis run's own storage

CREDS = Credentials()
SECRETS = (CREDS.api_key, CREDS.readonly_api_key, CREDS.password, "rs_tok_", "rs_ref_")

# variant -> what in the suite's output says it was caught (by which check), and the operations the run
# is narrowed to: the ones the defect shows on, so each run proves its check without testing the rest again.
CAUGHT_BY = {
    "undocumented-status": ("Undocumented status code", ["create_client"]),
    "missing-required-field": ("Response violates schema", ["get_client"]),
    "auth-ignored": ("API accepts requests without authentication", ["list_clients"]),
    "500-on-bad-input": ("Server error", ["create_client"]),
    "accepts-invalid-input": ("Schema-violating request accepted", ["create_client"]),
    "limit-ignored": ("Custom check failed: `pages_cover_total`", ["list_clients"]),
    "offset-timestamps": ("Custom check failed: `timestamps_in_utc`", ["get_client"]),
    "etag-ignored": ("Custom check failed: `etag_answers_not_modified`", ["get_client"]),
    "put-merges": ("Custom check failed: `put_removes_omitted_fields`", ["replace_client"]),
    "wrong-location": ("Custom check failed: `location_leads_to_created_item`", ["create_client"]),
    "pages-overlap": ("Custom check failed: `pages_cover_total`", ["list_clients"]),
    "delete-keeps": ("Custom check failed: `deleted_item_is_gone`", ["delete_client"]),
    "no-retry-after": ("Custom check failed: `rate_limit_says_when`", ["list_clients"]),
    "readonly-writes": ("Custom check failed: `readonly_key_cannot_write`", ["create_client"]),
    "wrong-error-body": ("Response violates schema", ["get_client"]),
}


def schemathesis_report(out: str) -> str:
    """schemathesis's own report (its failures), without the coverage table the run prints after it."""
    return out.split("\ncoverage: ", 1)[0][-4000:]


@pytest.fixture
def suite_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("RSTAR_API_KEY", CREDS.api_key)
    monkeypatch.setenv("RSTAR_READONLY_API_KEY", CREDS.readonly_api_key)
    return dict(os.environ)


def test_every_breakage_has_its_detector() -> None:
    assert set(CAUGHT_BY) == set(BREAKAGES)


@pytest.mark.parametrize("profile", ["reference", "liberal"])
def test_suite_passes_against_the_mock_and_prints_no_secret(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], profile: str
) -> None:
    junit = tmp_path / "contract.xml"
    options = ContractOptions(max_examples=15, junit=junit, mock_profile=profile)
    code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
    out, err = capfd.readouterr()
    assert f"({profile} profile)" in err
    assert code == 0, schemathesis_report(out)
    assert "No issues found" in out and "Selected: 7/7" in out
    assert "<testsuite" in junit.read_text()
    # what needs a person's attention only (issue 27 A8): no probes, no uvicorn warning, no banner
    for noise in ("(no such operation)", "(no path)", "Invalid HTTP request received", "Schemathesis v"):
        assert noise not in out + err, noise
    assert len((out + err).splitlines()) <= 12, out + err
    for text in (out, err, junit.read_text()):
        assert not [s for s in SECRETS if s in text]


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_variant_is_caught(breakage: str, suite_env: dict[str, str], capfd: pytest.CaptureFixture[str]) -> None:
    settings = MockSettings(
        credentials=CREDS, breakage=breakage, rate_limit=5 if breakage == "no-retry-after" else None
    )
    caught_by, operations = CAUGHT_BY[breakage]
    narrowed = [arg for op in operations for arg in ("--include-operation-id", op)]
    options = ContractOptions(max_examples=10, max_failures=1, seed=1, extra=narrowed)
    with running_mock(target_doc("mock"), settings) as base_url:
        code = run_schemathesis(target_doc("mock"), base_url, options, suite_env)
    out, _ = capfd.readouterr()
    assert code != 0, f"{breakage} ({BREAKAGES[breakage].description}) was not caught"
    assert caught_by in out, out[-3000:]
    assert f"Selected: {len(operations)}/" in out  # narrowed as said


# -- against a server we do not run: a real account survives the run --------------------------------------


def snapshot(base_url: str) -> dict[int, tuple[str, bytes]]:
    """Every client of the account: its ETag and the exact bytes of GET /clients/{id}."""
    with httpx.Client(base_url=base_url, timeout=10) as http:
        token = http.post("/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key}).json()["token"]
        http.headers["Authorization"] = f"Bearer {token}"
        ids, offset, total = [], 0, 1
        while offset < total:
            page = http.get("/clients", params={"offset": offset, "limit": 100}).json()
            ids += [c["id"] for c in page["data"]]
            offset, total = offset + 100, page["total"]
        answers = {i: http.get(f"/clients/{i}") for i in ids}
    return {i: (a.headers["ETag"], a.content) for i, a in answers.items()}


def guard_figures(err: str) -> dict[str, int]:
    """`guard: ... writes on items: 3 DELETE absent, 5 PUT own; 0 refused` as {"DELETE absent": 3, ...}."""
    line = next(line for line in err.splitlines() if line.startswith("contract: guard:"))
    created = int(re.search(r"(\d+) items created by cases", line).group(1))  # type: ignore[union-attr]
    return {"created": created, **{kind: int(n) for n, kind in re.findall(r"(\d+) (\w+ \w+)[,;]", line)}}


@pytest.mark.parametrize("profile", ["reference", "liberal"])
def test_a_full_run_with_base_url_leaves_every_client_as_it_was(
    suite_env: dict[str, str], capfd: pytest.CaptureFixture[str], profile: str
) -> None:
    """All phases against a seeded account: every seeded client byte for byte the same, the count back to the
    seed's, and yet every kind of write was exercised on the run's own clients."""
    with running_mock(
        target_doc("mock"), MockSettings(credentials=CREDS, profile=profile, validate_responses=True)
    ) as base_url:
        before = snapshot(base_url)
        options = ContractOptions(base_url=base_url, max_examples=10, seed=7)
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
        after = snapshot(base_url)
    out, err = capfd.readouterr()
    assert code == 0, schemathesis_report(out) + err[-2000:]
    assert "embedded mock" not in err  # it tested the server it was given
    assert len(before) == 36 and after == before
    figures = guard_figures(err)
    assert figures["created"] > 0 and figures["PUT own"] > 0 and figures["DELETE own"] > 0, figures
    assert figures["PUT absent"] > 0 and figures["DELETE absent"] > 0, figures  # the 404 paths too
    assert "0 refused" in err and f"deleted the {figures['created'] + 2} items this run created" in err
    for text in (out, err):
        assert not [s for s in SECRETS if s in text]


# The write defects, each caught in a guarded run too; DELETE needs the run's own clients to delete.
WRITE_CHECKS = {
    "put-merges": CAUGHT_BY["put-merges"],
    "delete-keeps": (CAUGHT_BY["delete-keeps"][0], ["create_client", "delete_client"]),
    "wrong-location": CAUGHT_BY["wrong-location"],
    "readonly-writes": CAUGHT_BY["readonly-writes"],
}


@pytest.mark.parametrize("breakage", sorted(WRITE_CHECKS))
def test_a_guarded_run_keeps_the_power_of_the_write_checks(
    breakage: str, suite_env: dict[str, str], capfd: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # where an unfinished cleanup's ledger is kept
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS, breakage=breakage)) as base_url:
        before = snapshot(base_url)
        caught_by, operations = WRITE_CHECKS[breakage]
        narrowed = [arg for op in operations for arg in ("--include-operation-id", op)]
        options = ContractOptions(base_url=base_url, max_examples=10, max_failures=1, seed=1, extra=narrowed)
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
        after = snapshot(base_url)
    out, err = capfd.readouterr()
    assert code != 0 and caught_by in out, out[-3000:]
    if breakage == "delete-keeps":  # a DELETE that deletes nothing: the cleanup says what is left, by id
        assert re.search(r"could not delete \d+ of the \d+ items this run created: \d+ \(still answers 200", err)
        assert {i: v for i, v in after.items() if i in before} == before
        kept = list(tmp_path.glob("rstar-contract-*.ledger.jsonl"))  # the temporary ledger, kept to finish later
        assert len(kept) == 1 and f"--cleanup {kept[0]}" in err, err[-2000:]
    else:
        assert after == before, err[-2000:]


def test_read_only_sends_nothing_but_reads_and_the_token(
    suite_env: dict[str, str], capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS)) as base_url:
        before = snapshot(base_url)
        options = ContractOptions(base_url=base_url, max_examples=5, read_only=True, ledger=ledger)
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
        after = snapshot(base_url)
    out, err = capfd.readouterr()
    assert code == 0, schemathesis_report(out)
    assert after == before and Ledger(ledger).created() == []
    assert "read-only" in err and "0 refused" in err
    suite_out = out.split("\ncoverage: ")[0]  # schemathesis's output, less the coverage table
    writes = [label for _, label in write_operations_of(target_doc("mock"))]
    assert "POST /clients" in writes and not [label for label in writes if label in suite_out]
    assert f"{len(writes)} operations left out" in out


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_an_interrupted_run_deletes_what_it_created(suite_env: dict[str, str], tmp_path: Path, stop: str) -> None:
    """Stopped half-way, by Ctrl-C (SIGINT to the process group, as a terminal sends it) or by SIGTERM to
    rstar-spec alone (a cancelled CI job): the clients it created are deleted, exit 130."""
    ledger = tmp_path / "ledger.jsonl"
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS)) as base_url:
        before = snapshot(base_url)
        run = subprocess.Popen(
            [sys.executable, "-m", "rstar_spec.cli", "contract", "--base-url", base_url, "--ledger", str(ledger),
             "--max-examples", "50", "--phases", "fuzzing,stateful"],
            cwd=ROOT, env=suite_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while len(Ledger(ledger).created()) < 5 and time.monotonic() < deadline and run.poll() is None:
                time.sleep(0.05)
            assert run.poll() is None, "the run ended before it could be interrupted"
            if stop == "ctrl-c":
                os.killpg(run.pid, signal.SIGINT)
            else:
                run.send_signal(signal.SIGTERM)
            _, err = run.communicate(timeout=60)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
        after = snapshot(base_url)
    said = err.decode()
    created = Ledger(ledger).created()
    assert run.returncode == 130, said[-2000:]
    assert len(created) >= 5 and "interrupted" in said and f"deleted the {len(created)} items" in said, said[-2000:]
    assert after == before


def test_base_url_needs_the_api_key_from_the_environment(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RSTAR_API_KEY", raising=False)
    code, out, err = run_cli("contract", "--base-url", "http://127.0.0.1:9/api/v3")
    assert code == 2 and out == "" and "RSTAR_API_KEY is not set" in err and len(err.splitlines()) == 1


def test_unknown_phase_is_one_line(run_cli: RunCli) -> None:
    code, _, err = run_cli("contract", "--phases", "examples,warp")
    assert code == 2 and "unknown phase 'warp'" in err


@pytest.mark.parametrize(
    ("args", "key", "message"),
    [
        (["--base-url", "http://127.0.0.1:9/api/v3"], CREDS.api_key, "cannot reach http://127.0.0.1:9/api/v3"),
        (["--base-url", "ftp://example.test/api"], CREDS.api_key, "is not an http(s) URL"),
        (["--base-url", "{mock}"], "not-the-key", "POST /auth with RSTAR_API_KEY answered 401"),
        (["--base-url", "{mock}"], CREDS.readonly_api_key, "answered 403 (a read-only key? use --read-only)"),
        (["--read-only"], CREDS.api_key, "--read-only is for --base-url runs"),
        (["--base-url", "{mock}", "--ledger", "{old_ledger}"], CREDS.api_key, "holds an earlier run's record"),
    ],
)
def test_a_run_that_cannot_start_is_one_line_and_exit_2(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], key: str, message: str
) -> None:
    monkeypatch.setenv("RSTAR_API_KEY", key)
    old_ledger = tmp_path / "earlier.jsonl"
    old_ledger.write_text('{"collection": "/clients", "event": "created", "id": "3"}\n', encoding="utf-8")
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS)) as base_url:
        before = snapshot(base_url)
        args = [a.replace("{mock}", base_url).replace("{old_ledger}", str(old_ledger)) for a in args]
        code, out, err = run_cli("contract", *args)
        after = snapshot(base_url)
    assert (code, out) == (2, "") and message in err and len(err.splitlines()) == 1, err
    assert key not in err and after == before


def _next_number_reusing_ids(self: _state.Collection) -> int:
    """The next id is the largest in use plus one, as SQLite's rowid: a deleted newest client's id is given again
    (the contract page does not promise ids are never reused)."""
    return int(max(self.items, default=0)) + 1


def test_a_correct_server_that_gives_deleted_ids_again_passes_a_guarded_run(
    suite_env: dict[str, str], capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19's false `ST302 Created resource not found`: schemathesis deletes the client a POST made, the next
    POST gets the same id back, and the guard pointed the link's DELETE at the absent id (seed 1 failed so)."""
    monkeypatch.setattr(_state.Collection, "next_number", _next_number_reusing_ids)
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS, profile="liberal")) as base_url:
        before = snapshot(base_url)
        options = ContractOptions(base_url=base_url, max_examples=10, seed=1, phases=("stateful",))
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
        after = snapshot(base_url)
    out, err = capfd.readouterr()
    assert code == 0, schemathesis_report(out) + err[-2000:]
    assert after == before and "0 refused" in err


# -- finishing a cleanup later: rstar-spec contract --cleanup LEDGER ------------------------------------------


def test_cleanup_finishes_an_earlier_run_s_cleanup_from_its_ledger(
    run_cli: RunCli, suite_env: dict[str, str], tmp_path: Path
) -> None:
    """The clients the ledger names (one only by the name of a creation whose answer never came) are deleted;
    a client the ledger says the run deleted, and every seeded client, are left alone."""
    ledger = Ledger(tmp_path / "ledger.jsonl")
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS)) as base_url:
        before = snapshot(base_url)
        with httpx.Client(base_url=base_url, timeout=10) as http:
            token = http.post("/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key}).json()["token"]
            http.headers["Authorization"] = f"Bearer {token}"
            made = [http.post("/clients", json={"first_name": "x", "last_name": "y"}).json() for _ in range(2)]
            lost = http.post("/clients", json={"first_name": "rstar-contract", "last_name": "run R9 #1"}).json()
        for client in made:
            ledger.write("created", "/clients", str(client["id"]), stamps={"created_at": client["created_at"]})
        ledger.write("creating", "/clients", "", name="run R9 #1")  # an earlier version's record: no mark
        ledger.write("creating", "/clients", "", name="run R9 #2")  # never made
        ledger.write("created", "/clients", "3", created_at="2026-12-01T08:00:00Z")  # the run had id 3 once ...
        ledger.write("deleted", "/clients", "3")  # ... and deleted it: the seeded client 3 is not the run's
        code, out, err = run_cli("contract", "--base-url", base_url, "--cleanup", str(ledger.path))
        after = snapshot(base_url)
        again = run_cli("contract", "--base-url", base_url, "--ledger", str(ledger.path))
    assert (code, out) == (0, ""), err
    assert "none of its 4 items is left" in err and len(err.splitlines()) == 1
    assert after == before and lost["id"] not in after
    assert ledger.marked("cleaned") == {("/clients", str(c["id"])) for c in [*made, lost]}
    assert again[0] == 2 and "holds an earlier run's record" in again[2]  # a new run still refuses it


def test_cleanup_of_a_server_that_never_answers_gives_up_at_its_bound(
    suite_env: dict[str, str], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Issue 22 item 4: a bound in total time (0.5 s here, 60 s by default), then the command that finishes it."""
    from rstar_spec.core.serve import listen

    ledger = Ledger(tmp_path / "ledger.jsonl")
    for i in range(100, 110):
        ledger.write("created", "/clients", str(i), stamps={"created_at": "s"})
    silent = listen("127.0.0.1", 0)  # connections are taken by the kernel and never answered
    try:
        base_url = f"http://127.0.0.1:{silent.getsockname()[1]}/api/v3"
        options = ContractOptions(base_url=base_url, cleanup=ledger.path, cleanup_budget=0.5)
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
    finally:
        silent.close()
    _, err = capfd.readouterr()
    assert code == 1 and "could not delete 10 of the 10 items" in err and "not done" in err, err
    assert f"finish the cleanup later: rstar-spec contract --base-url {base_url} --cleanup {ledger.path}" in err
    assert ledger.marked("cleaned") == set()


@pytest.mark.parametrize(
    ("args", "text", "message"),
    [
        (["--cleanup", "{ledger}"], '{"event": "created", "collection": "/clients", "id": "1"}\n', "needs --base-url"),
        (["--base-url", "http://127.0.0.1:9/api/v3", "--cleanup", "{ledger}"], "not json\n", "line 1 is not a record"),
        (["--base-url", "http://127.0.0.1:9/api/v3", "--cleanup", "{ledger}"], '{"event": "x"}\n{}\n', "line 1"),
        (["--base-url", "http://127.0.0.1:9/api/v3", "--cleanup", "{missing}"], "", "cannot read it"),
    ],
)
def test_cleanup_of_what_is_not_a_ledger_is_one_line_and_exit_2(
    run_cli: RunCli, suite_env: dict[str, str], tmp_path: Path, args: list[str], text: str, message: str
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(text, encoding="utf-8")
    args = [a.replace("{ledger}", str(ledger)).replace("{missing}", str(tmp_path / "none")) for a in args]
    code, out, err = run_cli("contract", *args)
    assert (code, out) == (2, "") and message in err and len(err.splitlines()) == 1, err


class _StoppedChild:
    """A schemathesis process as _wait sees it: the first wait is interrupted, the child stops at SIGINT."""

    def __init__(self, interrupt: BaseException) -> None:
        self.interrupt = interrupt
        self.calls: list[tuple[str, object]] = []
        self.code: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        self.calls.append(("wait", timeout))
        if len(self.calls) == 1:
            raise self.interrupt
        if self.code is None:
            raise subprocess.TimeoutExpired("schemathesis", timeout or 0)
        return self.code

    def poll(self) -> int | None:
        return self.code

    def send_signal(self, sig: int) -> None:
        self.calls.append(("signal", sig))
        self.code = -sig


@pytest.mark.parametrize(
    ("how", "first"),
    [("ctrl-c", ("wait", 3.0)), ("sigterm", ("signal", signal.SIGINT))],
)
def test_an_interrupted_run_stops_schemathesis_at_once_unless_a_terminal_told_it_too(how: str, first: object) -> None:
    """Ctrl-C from a terminal reaches the whole process group: schemathesis gets a moment to stop on its own.
    SIGTERM reaches rstar-spec alone: schemathesis is told to stop (SIGINT) at once, not after that moment."""
    from rstar_spec.contract import _runner

    interrupt = KeyboardInterrupt() if how == "ctrl-c" else _runner._Terminated()
    child = _StoppedChild(interrupt)
    with pytest.raises(KeyboardInterrupt):
        _runner._wait(child)  # type: ignore[arg-type]
    assert child.calls[1] == first, child.calls

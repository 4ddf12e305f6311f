"""The contract suite passes against the mock, and fails against every deliberately broken variant.

Each variant is caught by the check meant for it: a built-in schemathesis check or one of ours
(src/rstar_spec/contract/checks.py). Servers run on 127.0.0.1, on a free port, and stop after.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT, SPEC_DIR, RunCli
from rstar_spec.contract import ContractOptions, run_contract, run_schemathesis
from rstar_spec.mock import BREAKAGES, Credentials, MockSettings, running_mock
from rstar_spec.pipeline import build_target

DOC = build_target(SPEC_DIR / "openapi.yaml", "mock", ROOT / "overlays")
CREDS = Credentials()
SECRETS = (CREDS.api_key, CREDS.readonly_api_key, CREDS.password, "rs_tok_", "rs_ref_")

# variant -> what in the suite's output says it was caught, and by which check
CAUGHT_BY = {
    "undocumented-status": "Undocumented status code",
    "missing-required-field": "Response violates schema",
    "auth-ignored": "API accepts requests without authentication",
    "500-on-bad-input": "Server error",
    "accepts-invalid-input": "Schema-violating request accepted",
    "limit-ignored": "Custom check failed: `pages_cover_total`",
    "offset-timestamps": "Custom check failed: `timestamps_in_utc`",
    "etag-ignored": "Custom check failed: `etag_answers_not_modified`",
    "put-merges": "Custom check failed: `put_removes_omitted_fields`",
    "wrong-location": "Custom check failed: `location_leads_to_created_client`",
    "pages-overlap": "Custom check failed: `pages_cover_total`",
    "delete-keeps": "Custom check failed: `deleted_client_is_gone`",
    "no-retry-after": "Custom check failed: `rate_limit_says_when`",
    "readonly-writes": "Custom check failed: `readonly_key_cannot_write`",
    "wrong-error-body": "Response violates schema",
}


@pytest.fixture
def suite_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("RSTAR_API_KEY", CREDS.api_key)
    monkeypatch.setenv("RSTAR_READONLY_API_KEY", CREDS.readonly_api_key)
    return dict(os.environ)


def test_every_breakage_has_its_detector() -> None:
    assert set(CAUGHT_BY) == set(BREAKAGES)


def test_suite_passes_against_the_mock_and_prints_no_secret(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "contract.xml"
    code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", ContractOptions(max_examples=15, junit=junit))
    out, err = capfd.readouterr()
    assert code == 0, out[-3000:]
    assert "No issues found" in out and "Stateful" in out
    assert "<testsuite" in junit.read_text()
    for text in (out, err, junit.read_text()):
        assert not [s for s in SECRETS if s in text]


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_variant_is_caught(breakage: str, suite_env: dict[str, str], capfd: pytest.CaptureFixture[str]) -> None:
    settings = MockSettings(
        credentials=CREDS, breakage=breakage, rate_limit=5 if breakage == "no-retry-after" else None
    )
    with running_mock(DOC, settings) as base_url:
        code = run_schemathesis(DOC, base_url, ContractOptions(max_examples=10, max_failures=1, seed=1), suite_env)
    out, _ = capfd.readouterr()
    assert code != 0, f"{breakage} ({BREAKAGES[breakage]}) was not caught"
    assert CAUGHT_BY[breakage] in out, out[-3000:]


def test_base_url_runs_the_same_suite_against_any_server(
    suite_env: dict[str, str], capfd: pytest.CaptureFixture[str]
) -> None:
    with running_mock(DOC, MockSettings(credentials=CREDS)) as base_url:
        options = ContractOptions(base_url=base_url, phases=("examples", "stateful"), max_examples=5)
        code = run_contract(SPEC_DIR / "openapi.yaml", ROOT / "overlays", options)
    out, err = capfd.readouterr()
    assert code == 0, out[-2000:]
    assert "embedded mock" not in err  # it tested the server it was given


def test_base_url_needs_the_api_key_from_the_environment(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RSTAR_API_KEY", raising=False)
    code, out, err = run_cli("contract", "--base-url", "http://127.0.0.1:9/api/v3")
    assert code == 2 and out == "" and "RSTAR_API_KEY is not set" in err and len(err.splitlines()) == 1


def test_unknown_phase_is_one_line(run_cli: RunCli) -> None:
    code, _, err = run_cli("contract", "--phases", "examples,warp")
    assert code == 2 and "unknown phase 'warp'" in err

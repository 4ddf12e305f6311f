"""The CI recipes shipped with the repository: actionlint passes them, and they do what the README says
(the main job and the tests on pull requests; the live contract run read-only unless the repository
opts in to writes, credentials from secrets only, the report uploaded)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in doc["jobs"].values() for step in job["steps"]]


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT, "actionlint is a test dependency (pyproject.toml [test])"
    return subprocess.run([ACTIONLINT, "-no-color", *map(str, paths)], capture_output=True, text=True, check=False)


def test_actionlint_passes_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["ci.yml", "contract-live.yml"]
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "ci.yml"
    broken.parent.mkdir(parents=True)
    text = (
        (WORKFLOWS / "ci.yml").read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")
    )
    broken.write_text(text.replace("${{ github.ref }}", "${{ github.reff }}"), encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1 and '"runs-on" section is missing' in result.stdout and "reff" in result.stdout


def test_pull_requests_run_the_main_job_then_the_tests_as_the_readme_says() -> None:
    doc = workflow("ci.yml")
    assert "pull_request" in doc[True]  # yaml reads the key `on` as True
    runs = [step["run"] for step in steps(doc) if "run" in step]
    assert runs[-2:] == ["nox", "nox -s tests"]
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("nox -s tests")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nox                     # the main job" in readme and "nox -s tests            # the test suite" in readme


def test_the_live_run_is_read_only_unless_the_repository_opts_in_and_keeps_secrets_off_command_lines() -> None:
    doc = workflow("contract-live.yml")
    assert set(doc[True]) == {"schedule", "workflow_dispatch"}
    job = doc["jobs"]["contract"]
    assert job["if"] == "vars.RSTAR_CONTRACT_LIVE == 'true'"
    contract = _step("Contract suite against the live API")
    script = contract["run"]
    assert contract["env"]["RSTAR_API_KEY"] == "${{ secrets.RSTAR_API_KEY }}"
    assert "secrets." not in script  # secrets reach the step through env, never its text
    assert [line.strip() for line in script.splitlines() if "RSTAR_API_KEY" in line] == [
        'if [ -z "$RSTAR_API_KEY" ]; then',  # the only use: is it set?
        'echo "::error::the RSTAR_API_KEY secret is not set"',
    ]
    assert 'if [ "$WRITES_ALLOWED" != "true" ] || [ "$MODE" != "writes" ]; then\n  args+=(--read-only)' in script
    assert contract["env"]["WRITES_ALLOWED"] == "${{ vars.RSTAR_CONTRACT_WRITES }}"
    upload = job["steps"][-1]
    assert upload["if"] == "always()" and "contract.xml" in upload["with"]["path"]


def _step(name: str) -> dict[str, Any]:
    (step,) = [s for s in steps(workflow("contract-live.yml")) if s.get("name") == name]
    return step


def test_a_failed_live_run_tries_its_cleanup_once_more_from_the_ledger_with_the_key_in_env() -> None:
    contract, cleanup = (
        _step("Contract suite against the live API"),
        _step("Finish the cleanup (a run that could not delete all it created leaves its ledger)"),
    )
    assert "--ledger contract-ledger.jsonl" in contract["run"]
    assert cleanup["if"] == "failure() && hashFiles('contract-ledger.jsonl') != ''"
    assert "--cleanup contract-ledger.jsonl" in cleanup["run"] and "secrets." not in cleanup["run"]
    assert cleanup["env"]["RSTAR_API_KEY"] == "${{ secrets.RSTAR_API_KEY }}"
    upload = steps(workflow("contract-live.yml"))[-1]
    assert "contract-ledger.jsonl" in upload["with"]["path"] and "contract-coverage.json" in upload["with"]["path"]


@pytest.mark.parametrize(("writes_allowed", "mode", "read_only"), [("", "writes", True), ("true", "read-only", True),
                                                                      ("false", "writes", True), ("true", "writes", False)])  # fmt: skip
def test_the_live_run_s_script_chooses_read_only_as_documented(
    tmp_path: Path, writes_allowed: str, mode: str, read_only: bool
) -> None:
    """The step's own bash, with `nox` replaced by a stub that prints its arguments."""
    contract = _step("Contract suite against the live API")
    stub = tmp_path / "nox"
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "RSTAR_API_KEY": "k", "BASE_URL": "https://example.test/api/v3",
           "WRITES_ALLOWED": writes_allowed, "MODE": mode}  # fmt: skip
    result = subprocess.run(["bash", "-e", "-c", contract["run"]], env=env, capture_output=True, text=True, check=True)
    args = result.stdout.split()
    assert args[:5] == ["-s", "contract", "--", "--base-url", "https://example.test/api/v3"]
    assert ("--read-only" in args) is read_only and "k" not in args


def test_the_pre_commit_hooks_are_lint_and_the_drift_check() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {h["entry"] for h in hooks.values()} == {"nox -s lint", "nox -s drift"}
    assert all(h["pass_filenames"] is False and h["language"] == "python" for h in hooks.values())
    assert all(any(d.startswith("nox[uv]==") for d in h["additional_dependencies"]) for h in hooks.values())


class _Session:
    """What the noxfile's helpers call on a nox session."""

    def __init__(self) -> None:
        self.logged: list[str] = []

    def error(self, message: str) -> None:
        raise RuntimeError(message)

    def log(self, message: str) -> None:
        self.logged.append(message)


def test_a_tool_that_exits_0_without_writing_fails_the_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openapi2postmanv2 prints `Could not write to file` and exits 0: the session judges by what was written."""
    import importlib.util
    import types

    fake_nox = types.ModuleType("nox")  # the noxfile, read without nox installed (the tests' venv has none)
    fake_nox.options = types.SimpleNamespace()  # type: ignore[attr-defined]
    fake_nox.Session = object  # type: ignore[attr-defined]
    fake_nox.session = lambda *a, **k: a[0] if a and callable(a[0]) else (lambda f: f)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nox", fake_nox)
    spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
    assert spec is not None and spec.loader is not None
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)
    session = _Session()
    missing = tmp_path / "dist" / "postman" / "collection.json"
    with pytest.raises(RuntimeError, match=r"collection\.json: a Postman collection was not written"):
        noxfile._check_written(session, str(missing), lambda text: True, "a Postman collection")
    empty = tmp_path / "empty.json"
    empty.write_text('{"item": []}', encoding="utf-8")
    with pytest.raises(RuntimeError, match="not written"):
        noxfile._check_written(session, str(empty), lambda text: len(__import__("json").loads(text)["item"]) > 0, "x")
    good = tmp_path / "good.json"
    good.write_text('{"item": [1]}', encoding="utf-8")
    noxfile._check_written(session, str(good), lambda text: True, "a Postman collection")
    assert session.logged == [f"wrote {good} (a Postman collection, 13 bytes)"]


def test_the_generate_session_rewrites_everything_that_derives_from_the_spec() -> None:
    """One command after a spec edit: the client, the published files, the runtime's sync flows."""
    text = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    body = text[text.index("def generate(") : text.index("\n@nox.session", text.index("def generate("))]
    for command in ('"unasync"', '"generate"', '"publish"'):
        assert command in body, command


def test_every_session_s_first_docstring_line_is_a_whole_sentence() -> None:
    """`nox -l` shows only the first line of a session's docstring: it must not stop mid-sentence."""
    import ast

    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    sessions = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("session" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]
    assert len(sessions) > 10
    for node in sessions:
        doc = ast.get_docstring(node, clean=False) or ""
        first = doc.splitlines()[0].strip() if doc else ""
        assert first.endswith((".", ".)", ")")) and first.count("(") == first.count(")"), f"{node.name}: {first}"


def test_the_readme_is_ordered_for_a_newcomer_and_lists_every_session() -> None:
    """Quick start, the three jobs, traffic, the client, then the reference; every nox session in its table."""
    import ast
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^## (.+)$", readme)
    order = ["Quick start", "Job 1", "Job 2", "Job 3", "Traffic", "The Python client", "Reference"]
    found = [next((i for i, h in enumerate(headings) if h.startswith(name)), -1) for name in order]
    assert -1 not in found and found == sorted(found), headings
    quick = readme[readme.index("## Quick start") : readme.index("## Job 1")]
    assert "pip install ./generated/python" in quick and "nox -s mock" in quick and "RSTAR_BASE_URL" in quick
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        for decorator in node.decorator_list if isinstance(node, ast.FunctionDef) else []:
            text = ast.unparse(decorator)
            if "nox.session" in text:
                named = re.search(r"name='([^']+)'", text)
                names.append(named.group(1) if named else node.name)
    table = readme[readme.index("| session | what it does |") :].split("\n\n", 1)[0]
    assert names and all(f"`nox -s {name}`" in table for name in names), [n for n in names if n not in table]

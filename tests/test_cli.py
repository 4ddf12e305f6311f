"""Bad input end to end: one line naming the place, a non-zero exit, nothing written, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SPEC_DIR, RunCli, SpecCopy


def test_bundle_to_stdout_and_to_file(tmp_path: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli("bundle")
    assert (code, err) == (0, "")
    assert out.startswith("openapi: 3.1.0\n")
    target = tmp_path / "bundle.json"  # in a folder that exists: -o makes no folders
    code, out, _ = run_cli("bundle", "-o", str(target))
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith('{\n  "openapi": "3.1.0"')


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("paths/heart.yaml", "  tags: [health]\n", "  tags: [health\n"), "invalid YAML"),
        (
            ("paths/heart.yaml", "  operationId: get_heart\n", "  operationId: get_heart\n  operationId: again\n"),
            "duplicate key 'operationId'",
        ),
        (("paths/auth.yaml", "#/Token\n", "#/Tokn\n"), "points nowhere"),
        (
            ("paths/auth.yaml", "$ref: ../components/schemas.yaml#/Token\n", "$ref: http://x.test/s.yaml#/Token\n"),
            "is a URL",
        ),
    ],
)
@pytest.mark.parametrize("command", ["bundle", "validate", "lint"])
def test_broken_spec_is_one_line_and_exit_2(
    spec_copy: SpecCopy, run_cli: RunCli, command: str, edit: tuple[str, str, str], message: str
) -> None:
    spec_copy.edit(*edit)
    args = ["--spec", "spec/openapi.yaml", command]
    target = spec_copy.dir.parent / "bundle.yaml"
    target.write_text("previous\n", encoding="utf-8")
    if command == "bundle":
        args += ["-o", str(target)]
    code, out, err = run_cli(*args, cwd=spec_copy.dir.parent)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"spec/{edit[0]}:") and ": error: " in err and message in err
    assert target.read_text(encoding="utf-8") == "previous\n"  # nothing half-written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bundel"], "invalid choice: 'bundel'"),
        (["lint", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["lint", "--format", "xml"], "invalid choice: 'xml'"),
        (["lint", "--rule", "no-such-rule"], "unknown lint rule 'no-such-rule'"),
        (["--spec", "missing/openapi.yaml", "bundle"], "missing/openapi.yaml:1:1: error: file not found"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_wrong_arguments_are_one_line(run_cli: RunCli, args: list[str], message: str) -> None:
    code, out, err = run_cli(*args)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and message in err


def test_validate_reports_a_bad_example_at_its_line(spec_copy: SpecCopy, run_cli: RunCli) -> None:
    spec_copy.edit("paths/auth.yaml", "expires_in: 10800", "expires_in: soon")
    code, out, _ = run_cli("--spec", "spec/openapi.yaml", "validate", cwd=spec_copy.dir.parent)
    assert code == 1
    line = spec_copy.line_of("paths/auth.yaml", "expires_in: soon")
    assert (
        out
        == f'spec/paths/auth.yaml:{line}:17: example does not match its schema at /expires_in: "soon" is not of type "integer"\n'
    )


def test_validate_passes_on_the_project_spec(run_cli: RunCli) -> None:
    code, out, err = run_cli("validate")
    assert (code, out) == (0, "")
    assert "valid OpenAPI 3.1.0" in err


def test_installed_command_never_prints_a_traceback(spec_copy: SpecCopy) -> None:
    spec_copy.path("components/schemas.yaml").write_bytes(b"Client:\n  description: caf\xe9\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "rstar_spec", "--spec", str(spec_copy.root), "lint"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith("error: not UTF-8: byte 0xe9 cannot be decoded")
    assert SPEC_DIR.exists()

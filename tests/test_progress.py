"""Progress on stderr: shown on a terminal (a pty here) once a command runs past the delay, wiped before the
command's own lines; nothing at all when stderr is a pipe or a file."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from rstar_spec.core import progress


def _read_until(fd: int, wanted: bytes, seen: bytearray) -> None:
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], 10)
        assert ready, f"no {wanted!r} on the terminal within 10 s; saw {bytes(seen)!r}"
        seen += os.read(fd, 4096)


def test_a_long_step_is_shown_on_a_terminal_and_wiped_before_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    master, slave = os.openpty()
    seen = bytearray()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        with progress.showing_progress("lint", stream=terminal):
            progress.step("rule example-valid")
            _read_until(master, b"rstar-spec lint: rule example-valid (", seen)
            progress.finish()  # what the command's first own line does
            terminal.write("lint: 33 rules\n")
            terminal.flush()
        _read_until(master, b"lint: 33 rules", seen)
    os.close(master)
    last_progress = seen.rindex(b"rstar-spec lint: rule example-valid (")
    assert seen.index(b"\r\x1b[K", last_progress) < seen.index(b"lint: 33 rules")
    assert seen.rstrip().endswith(b"lint: 33 rules")


def test_the_first_own_line_of_a_command_ends_the_progress_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    master, slave = os.openpty()
    seen = bytearray()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        with progress.showing_progress("publish"):
            _read_until(master, b"rstar-spec publish (", seen)
            print("publish: wrote 6 files", file=sys.stderr)
            sys.stderr.flush()
            _read_until(master, b"publish: wrote 6 files", seen)
    os.close(master)
    last_progress = seen.rindex(b"rstar-spec publish (")
    wiped = seen.index(b"\r\x1b[K", last_progress)
    assert wiped < seen.index(b"publish: wrote 6 files")


def test_nothing_is_shown_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    captured = io.StringIO()
    with progress.showing_progress("lint", stream=captured):
        progress.step("rule example-valid")
    assert captured.getvalue() == ""


def test_a_command_on_a_pipe_writes_only_its_own_lines(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "rstar_spec", "--spec", str(ROOT / "spec" / "openapi.yaml"), "lint"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "rstar-spec lint:" not in proc.stderr
    assert proc.stderr.startswith("lint: ")

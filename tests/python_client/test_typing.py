"""The client's types, as mypy --strict sees a user's code: every method, option and page method
typechecks (typing/usage.py), and misuse is refused, each line of typing/misuse.py with its error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "typing"
MYPY = [str(Path(sys.executable).parent / "mypy"), "--strict", "--no-incremental", "--cache-dir", os.devnull]


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MYPY, str(path)], capture_output=True, text=True, check=False)


def test_the_whole_surface_typechecks() -> None:
    result = mypy(HERE / "usage.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_misuse_is_refused_line_by_line() -> None:
    result = mypy(HERE / "misuse.py")
    assert result.returncode == 1
    flagged = {int(m.group(1)) for m in re.finditer(r"misuse\.py:(\d+): error", result.stdout)}
    lines = (HERE / "misuse.py").read_text(encoding="utf-8").splitlines()
    expected = {i for i, line in enumerate(lines, 1) if line.startswith("api.")}
    assert flagged == expected, result.stdout

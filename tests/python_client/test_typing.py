"""The client's types, as mypy --strict sees a user's code: every method, option and page method
typechecks (typing/usage.py), and misuse is refused, each line of typing/misuse.py with its error."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent / "typing"


def test_the_whole_surface_typechecks(mypy_strict: list[str]) -> None:
    result = subprocess.run([*mypy_strict, str(HERE / "usage.py")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misuse_is_refused_line_by_line(mypy_strict: list[str]) -> None:
    result = subprocess.run([*mypy_strict, str(HERE / "misuse.py")], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    flagged = {int(m.group(1)) for m in re.finditer(r"misuse\.py:(\d+): error", result.stdout)}
    lines = (HERE / "misuse.py").read_text(encoding="utf-8").splitlines()
    expected = {i for i, line in enumerate(lines, 1) if line.startswith("api.")}
    assert flagged == expected, result.stdout

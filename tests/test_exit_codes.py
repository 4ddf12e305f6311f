"""One meaning per exit code, for every command of cli.py: 1 = findings (breaking changes, lint errors, stale
files), 2 = bad input or usage (issue 27, A6). The README's exit column says the same."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from conftest import ROOT, RunCli
from rstar_spec import cli

BROKEN = "openapi: 3.1.0\ninfo: [unclosed\n"


def _commands() -> set[str]:
    """Every command path of the parser ("bundle", "overlay apply", ...)."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    path = f"{prefix} {name}".strip()
                    before = len(found)
                    walk(sub, path)
                    if len(found) == before:
                        found.add(path)

    walk(cli._build_parser(), "")
    return found


# Each command on bad input: a broken spec, a file that is not what it should be, or a wrong flag.
BAD_INPUT = {
    "bundle": ["--spec", "{broken}", "bundle"],
    "validate": ["--spec", "{broken}", "validate"],
    "lint": ["--spec", "{broken}", "lint"],
    "publish": ["--spec", "{broken}", "publish", "--check"],
    "generate": ["--spec", "{broken}", "generate", "--check"],
    "unasync": ["unasync", "--no-such-flag"],
    "diff": ["diff", "{broken}", str(ROOT / "spec" / "openapi.yaml")],
    "breaking": ["--spec", "{broken}", "breaking"],
    "mock": ["--spec", "{broken}", "mock", "--port", "0"],
    "contract": ["contract", "--phases", "nonsense"],
    "overlay apply": ["overlay", "apply", "{broken}", str(ROOT / "overlays" / "publish.yaml")],
    "overlay lint": ["--spec", "{broken}", "overlay", "lint", str(ROOT / "overlays" / "publish.yaml")],
    "traffic check": ["traffic", "check", "{broken}", "--spec", str(ROOT / "spec" / "openapi.yaml")],
    "traffic rules": ["traffic", "rules", "--no-such-flag"],
    "proxy": ["proxy", "--upstream", "http://127.0.0.1:9", "--port", "0", "--spec", "{broken}"],
}


def test_every_command_has_a_bad_input_case() -> None:
    assert set(BAD_INPUT) == _commands()


@pytest.mark.parametrize("command", sorted(BAD_INPUT))
def test_bad_input_exits_2_in_one_line(tmp_path: Path, run_cli: RunCli, command: str) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    code, _, err = run_cli(*(arg.format(broken=broken) for arg in BAD_INPUT[command]), cwd=tmp_path)
    assert code == 2, (command, err)
    assert "Traceback" not in err and "error" in err


def test_the_readme_exit_column_gives_one_meaning_per_code() -> None:
    """Every row of the command table: 1 only for findings, 2 only for bad input."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| command | what it does | exit |") :].split("\n\n", 1)[0]
    rows = [line.rsplit("|", 2)[1].strip() for line in table.splitlines()[2:]]
    assert rows and all("2 on bad input" in exit_ for exit_ in rows), rows
    assert not [exit_ for exit_ in rows if re.search(r"\b1 on (bad|unreadable)|\b2 on (breaking|finding|stale)", exit_)]


_CONSOLE = """
import atexit, sys, threading, time
atexit.register(lambda: print("torn down", file=sys.stderr))
if sys.argv[1] == "thread":
    threading.Thread(target=time.sleep, args=(0.3,)).start()
from rstar_spec.cli import main, run
how, sys.argv = sys.argv[2], ["rstar-spec", *sys.argv[3:]]
run() if how == "run" else sys.exit(main())
"""


@pytest.mark.parametrize(
    ("thread", "args", "torn_down"),
    [
        ("none", ["lint"], False),  # a big document's heap is left to the OS: every line still out, the code kept
        ("none", ["validate"], False),
        ("thread", ["lint"], True),  # another thread still running: the usual way out waits for it
        ("none", ["overlay", "lint"], True),  # a command not known to have nothing left to do
    ],
)
def test_the_console_script_leaves_at_once_only_when_nothing_is_left(
    tmp_path: Path, thread: str, args: list[str], torn_down: bool
) -> None:
    import subprocess
    import sys

    spec = tmp_path / "s.yaml"  # findings on stdout, a summary on stderr, exit 1
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/:\n    get:\n      responses:\n"
        "        '200': {description: ok}\n",
        encoding="utf-8",
    )
    done = {
        how: subprocess.run(
            [sys.executable, "-c", _CONSOLE, thread, how, "--spec", str(spec), *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
        for how in ("run", "main")
    }
    assert ("torn down" in done["run"].stderr) is torn_down, done["run"].stderr
    assert "torn down" in done["main"].stderr
    assert done["run"].returncode == done["main"].returncode
    assert done["run"].stdout == done["main"].stdout
    assert done["run"].stdout.count("\n") > 1 or args != ["lint"]
    assert done["run"].stderr.replace("torn down\n", "") == done["main"].stderr.replace("torn down\n", "")

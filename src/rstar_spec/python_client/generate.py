"""The Python client: bundle -> python-client overlay -> openapi-python-client with templates/.

The runner: the facts (generate_facts.py) go to the templates as one more template,
`rstar_facts.jinja`, beside a copy of templates/ in a staging folder; the generator runs
unmodified, as a subprocess, with `--fail-on-warning`; the client runtime
(client_runtime/, plain Python) is added to the package as `_runtime/`.

Its post hooks (templates/config.yaml) run ruff, found first on PATH in this
environment's bin folder: the pinned ruff, so the output is the same bytes on every
machine. The package is generated into a staging folder and swapped in whole
(_tree.py), so a failed run leaves generated/python/ as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.errors import GenerateError, display_path, shorten
from ..core.outputs import read_tree, replace_tree, stale_files
from ..core.pointer import to_string
from ..oas.validate import shape_problems
from ..overlay.pipeline import build_target
from ._generator_run import FACTS_REFUSED
from .unasync import RUNTIME

TARGET = "python-client"
DEFAULT_TEMPLATES = Path("templates")
DEFAULT_OUTPUT = Path("generated/python")
CONFIG_NAME = "config.yaml"
RUNTIME_PACKAGE = "_runtime"

__all__ = ["GenerateError", "check", "generate", "runtime_files", "write"]


def _generator_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["RUFF_NO_CACHE"] = "true"  # else .ruff_cache/ lands in the package
    env["NO_COLOR"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["_TYPER_STANDARD_TRACEBACK"] = "1"  # a plain traceback, which _generator_failure can read
    return env


_FRAME = re.compile(r'File "(?P<file>[^"]+\.jinja)", line (?P<line>\d+)')


def _generator_failure(output: str, staged: Path, templates_dir: Path) -> str:
    """The generator's own words, cut to what went wrong and where.

    A template error arrives as a Python traceback: its last line says what, its
    last frame in a .jinja file says where (in the staging copy, so the place is
    given back in templates/).
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        frames = [m for line in lines if (m := _FRAME.search(line))]
        where = ""
        if frames:
            file = Path(frames[-1]["file"])
            if file.is_relative_to(staged):
                file = templates_dir / file.relative_to(staged)
            where = f"{display_path(file)}:{frames[-1]['line']}: "
        return where + shorten(lines[-1].removeprefix("jinja2.exceptions."), 300)
    interesting = [
        line
        for line in lines
        if not line.startswith(("Generating ", "Warning(s) encountered", "Error(s) encountered", "If you believe"))
    ]
    return shorten(" ".join(interesting[:4]) or "no output", 400)


def generate(root_file: Path, overlays_dir: Path, templates_dir: Path = DEFAULT_TEMPLATES) -> dict[str, bytes]:
    """The files of the generated package, by relative path; nothing is written outside a temporary folder."""
    config = templates_dir / CONFIG_NAME
    if not config.is_file():
        raise GenerateError(f"{display_path(config)}: the generator's config is missing")
    doc = build_target(root_file, TARGET, overlays_dir)
    problems = shape_problems(doc)  # the facts walk the shapes OpenAPI holds a document to
    if problems:
        where = to_string(problems[0].pointer) or "/"
        raise GenerateError(f"the {TARGET} target is not valid OpenAPI at {where}: {shorten(problems[0].message)}")
    with tempfile.TemporaryDirectory(prefix="rstar-generate-") as tmp:
        work = Path(tmp)
        staged = work / "templates"
        shutil.copytree(templates_dir, staged, ignore=shutil.ignore_patterns("__pycache__"))
        document = work / "openapi.json"
        document.write_text(json.dumps(doc), encoding="utf-8")
        output = work / "out"
        # The facts are computed in the generator's process (_generator_run.py), which writes them
        # into the staged templates as rstar_facts.jinja before openapi-python-client runs.
        command = [
            sys.executable,
            "-m",
            "rstar_spec.python_client._generator_run",
            str(work),
            str(config.resolve()),
            "generate",
            "--path",
            str(document),
            "--config",
            str(config.resolve()),
            "--custom-template-path",
            str(staged),
            "--meta",
            "uv",
            "--output-path",
            str(output),
            "--fail-on-warning",
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=_generator_env(), check=False)
        refused = [line for line in result.stderr.splitlines() if line.startswith(FACTS_REFUSED)]
        if refused:
            raise GenerateError(refused[-1].removeprefix(FACTS_REFUSED))
        if result.returncode != 0 or not output.is_dir():
            failure = _generator_failure(result.stdout + result.stderr, staged, templates_dir)
            raise GenerateError(f"openapi-python-client failed: {failure}")
        files = read_tree(output)
    package = _package_of(files)
    return {**files, **{f"{package}/{RUNTIME_PACKAGE}/{name}": data for name, data in runtime_files().items()}}


def _package_of(files: dict[str, bytes]) -> str:
    packages = sorted({name.split("/")[0] for name in files if name.endswith("/__init__.py") and name.count("/") == 1})
    if len(packages) != 1:
        raise GenerateError(f"openapi-python-client wrote {len(packages)} packages, expected one")
    return packages[0]


def runtime_files() -> dict[str, bytes]:
    """The runtime's modules as the package gets them, by path inside `_runtime/`."""
    return {
        path.relative_to(RUNTIME).as_posix(): path.read_bytes()
        for path in sorted(RUNTIME.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def write(files: dict[str, bytes], output: Path) -> None:
    replace_tree(files, output, by="generate")


def check(files: dict[str, bytes], output: Path) -> list[str]:
    return stale_files(files, output)

"""The Python client: bundle -> python-client overlay -> openapi-python-client with templates/.

The runner: the facts (facts.py) reach templates/ as the Jinja global `rstar`
(_generator_run.py); the generator runs unmodified, as a subprocess, with
`--fail-on-warning`; the client runtime (runtime/, plain Python) is added to the package
as `_runtime/`.

Its post hooks (templates/config.yaml) run ruff, found first on PATH in this
environment's bin folder: the pinned ruff, so the output is the same bytes on every
machine. The generator writes the package into a staging folder beside the output, swapped
in whole when complete (core/outputs.swap_in), so a failed run leaves generated/python/ as it
was; `--check` generates into a temporary folder and compares.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..core.errors import GenerateError, display_path, shorten
from ..core.outputs import CACHES, check_output_folder, read_tree, staging_folder, stale_files, swap_in_owned
from ..core.pointer import to_string
from ..oas.validate import shape_problems
from ..overlay.pipeline import build_target
from ._generator_run import DOCUMENT, FACTS_REFUSED
from .unasync import RUNTIME

TARGET = "python-client"
DEFAULT_TEMPLATES = Path("templates")
CONFIG_NAME = "config.yaml"
RUNTIME_PACKAGE = "_runtime"

__all__ = ["GenerateError", "check", "generate", "generate_into", "runtime_files"]


def _generator_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["RUFF_NO_CACHE"] = "true"  # else .ruff_cache/ lands in the package
    env["NO_COLOR"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["_TYPER_STANDARD_TRACEBACK"] = "1"  # a plain traceback, which _generator_failure can read
    return env


_FRAME = re.compile(r'File "(?P<file>[^"]+\.jinja)", line (?P<line>\d+)')


def _generator_failure(output: str) -> str:
    """The generator's own words, cut to what went wrong and where.

    A template error arrives as a Python traceback: its last line says what, its
    last frame in a .jinja file says where.
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        frames = [m for line in lines if (m := _FRAME.search(line))]
        where = ""
        if frames:
            where = f"{display_path(Path(frames[-1]['file']))}:{frames[-1]['line']}: "
        return where + shorten(lines[-1].removeprefix("jinja2.exceptions."), 300)
    interesting = [
        line
        for line in lines
        if not line.startswith(("Generating ", "Warning(s) encountered", "Error(s) encountered", "If you believe"))
    ]
    return shorten(" ".join(interesting[:4]) or "no output", 400)


def generate(root_file: Path, overlays_dir: Path, templates_dir: Path = DEFAULT_TEMPLATES) -> dict[str, bytes]:
    """The files of the generated package, by relative path; nothing is written outside a temporary folder."""
    config = _config(templates_dir)
    with tempfile.TemporaryDirectory(prefix="rstar-generate-") as tmp:
        output = Path(tmp) / "out"
        _run_generator(root_file, overlays_dir, templates_dir, config, output)
        files = read_tree(output)
    package = _package_of(files)
    return {**files, **{f"{package}/{RUNTIME_PACKAGE}/{name}": data for name, data in runtime_files().items()}}


def generate_into(root_file: Path, overlays_dir: Path, templates_dir: Path, output: Path) -> int:
    """Generate the package into output, replacing it whole (as core.outputs.replace_tree does); the
    number of files. The generator writes into a sibling staging folder, swapped in when complete:
    the files are written once, not read back and written again."""
    check_output_folder(output)  # before any work: a file, a link, a device, `.` or home is never replaced
    config = _config(templates_dir)
    staging = staging_folder(output)
    try:
        made = staging / output.name
        _run_generator(root_file, overlays_dir, templates_dir, config, made)
        for cache in [p for p in made.rglob("*") if p.name in CACHES]:  # what read_tree would leave out
            shutil.rmtree(cache, ignore_errors=True)
        package = _package_of(p.relative_to(made).as_posix() for p in made.glob("*/__init__.py"))
        for name, data in runtime_files().items():
            path = made / package / RUNTIME_PACKAGE / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        count = swap_in_owned(made, output, by="generate")  # refused when output holds what generate did not write
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _config(templates_dir: Path) -> Path:
    config = templates_dir / CONFIG_NAME
    if not config.is_file():
        raise GenerateError(f"{display_path(config)}: the generator's config is missing")
    return config


def _target(root_file: Path, overlays_dir: Path) -> str:
    """The python-client target as the generator reads it; refused when its shapes are not OpenAPI's."""
    doc = build_target(root_file, TARGET, overlays_dir, needs_31="generate")
    problems = shape_problems(doc)  # the facts walk the shapes OpenAPI holds a document to
    if problems:
        where = to_string(problems[0].pointer) or "/"
        raise GenerateError(f"the {TARGET} target is not valid OpenAPI at {where}: {shorten(problems[0].message)}")
    return json.dumps(doc)


def _run_generator(root_file: Path, overlays_dir: Path, templates_dir: Path, config: Path, output: Path) -> None:
    """openapi-python-client with the templates and the facts, writing the package into output (which it makes)."""
    with tempfile.TemporaryDirectory(prefix="rstar-generate-") as tmp:
        work = Path(tmp)
        # The generator's process (_generator_run.py) starts first: it imports openapi-python-client
        # while this one bundles and overlays the spec, then reads the document from its stdin, works
        # out the facts and gives them to the templates as the Jinja global `rstar`.
        command = [
            sys.executable,
            "-m",
            "rstar_spec.python_client._generator_run",
            str(work),
            str(config.resolve()),
            "generate",
            "--path",
            str(work / DOCUMENT),
            "--config",
            str(config.resolve()),
            "--custom-template-path",
            str(templates_dir.resolve()),
            "--meta",
            "uv",
            "--output-path",
            str(output),
            "--fail-on-warning",
        ]
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=_generator_env(),
        )
        try:
            stdout, stderr = process.communicate(_target(root_file, overlays_dir))
        except BaseException:  # the spec cannot be read (or an interrupt): the generator is not needed
            process.kill()  # by its PID
            process.communicate()
            raise
        refused = [line for line in stderr.splitlines() if line.startswith(FACTS_REFUSED)]
        if refused:
            raise GenerateError(refused[-1].removeprefix(FACTS_REFUSED))
        if process.returncode != 0 or not output.is_dir():
            failure = _generator_failure(stdout + stderr)
            raise GenerateError(f"openapi-python-client failed: {failure}")


def _package_of(names: Iterable[str]) -> str:
    packages = sorted({name.split("/")[0] for name in names if name.endswith("/__init__.py") and name.count("/") == 1})
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


def check(files: dict[str, bytes], output: Path) -> list[str]:
    return stale_files(files, output)

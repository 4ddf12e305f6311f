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

from ._errors import display_path, shorten
from ._tree import read_tree, replace_tree, stale_files
from .generate_facts import Facts, GenerateError, generator_facts
from .pipeline import build_target
from .runtime_sync import RUNTIME

TARGET = "python-client"
DEFAULT_TEMPLATES = Path("templates")
DEFAULT_OUTPUT = Path("generated/python")
CONFIG_NAME = "config.yaml"
FACTS_TEMPLATE = "rstar_facts.jinja"
RUNTIME_PACKAGE = "_runtime"

__all__ = ["GenerateError", "check", "facts_template", "generate", "runtime_files", "write"]


def facts_template(facts: Facts) -> str:
    """The facts as a Jinja template: `{% import "rstar_facts.jinja" as rstar %}` gives `rstar.facts`.

    The value is written as JSON, which is a Jinja literal too once true, false and
    null are spelled the way Jinja spells them.
    """
    literal = json.dumps(facts.as_json(), indent=2, sort_keys=True, ensure_ascii=True)
    literal = re.sub(r'("(?:[^"\\]|\\.)*")|\btrue\b|\bfalse\b|\bnull\b', _jinja_constant, literal)
    return f"{{# Written by rstar-spec generate from the overlaid spec; not a source file. #}}\n{{% set facts = {literal} %}}\n"


def _jinja_constant(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1)
    return {"true": "True", "false": "False", "null": "None"}[match.group(0)]


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
    facts = generator_facts(doc, config)
    with tempfile.TemporaryDirectory(prefix="rstar-generate-") as tmp:
        work = Path(tmp)
        staged = work / "templates"
        shutil.copytree(templates_dir, staged, ignore=shutil.ignore_patterns("__pycache__"))
        (staged / FACTS_TEMPLATE).write_text(facts_template(facts), encoding="utf-8")
        document = work / "openapi.json"
        document.write_text(json.dumps(doc), encoding="utf-8")
        output = work / "out"
        command = [
            sys.executable,
            "-m",
            "openapi_python_client",
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
    replace_tree(files, output)


def check(files: dict[str, bytes], output: Path) -> list[str]:
    return stale_files(files, output)

from __future__ import annotations

import os

os.environ.setdefault(
    "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema"
)  # the oracle stays pure Python: independent of jsonschema-rs

import functools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rstar_spec import bundle, cli
from rstar_spec.overlay.pipeline import build_target

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: half again as many workers as cores. A third of the suite's time is spent waiting (servers
    that answer slowly on purpose, timeouts, Retry-After, servers stopping), which another worker fills."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + (cores + 1) // 2


# Documents are built on first use, not when a test module is imported: a spec that does not build fails
# the tests that read it, and collecting (each xdist worker does) builds nothing. Shared: do not mutate.
@functools.cache
def project_doc() -> dict[str, Any]:
    """The project's spec, bundled."""
    return bundle(SPEC_DIR / "openapi.yaml").data


@functools.cache
def target_doc(target: str) -> dict[str, Any]:
    """The project's spec as a target builds it (mock, publish, python-client)."""
    return build_target(SPEC_DIR / "openapi.yaml", target, ROOT / "overlays")


def write_operations_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(operationId, `METHOD /path`) of every operation of doc that may change data: all but the reads (safe
    methods, a POST the spec places as a read) and the token request. Read from the spec it runs against,
    as it grows (an action below an item is a write)."""
    from rstar_spec.oas.view import DocumentView

    view = DocumentView.of(doc)
    found = []
    for operation in view.operations:
        placement = view.resources.placement(operation)
        if operation.method not in ("get", "head", "options") and (
            placement is None or placement.role not in ("read", "token")
        ):
            found.append((str(operation.operation_id), operation.label))
    return found


class SpecCopy:
    """A copy of the project spec in a temporary folder, to break on purpose, with the contract page its
    promises quote where the root file names it (../docs/)."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "spec"
        shutil.copytree(SPEC_DIR, self.dir)
        self.root = self.dir / "openapi.yaml"
        (base / "docs").mkdir()
        shutil.copy2(ROOT / "docs" / "reception-star-api.md", base / "docs")

    def path(self, name: str) -> Path:
        return self.dir / name

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace the first occurrence of old (which must occur) with new."""
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def write(self, name: str, text: str) -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def line_of(self, name: str, text: str, after: str | None = None) -> int:
        """1-based number of the first line starting (stripped) with text, after the line starting with after."""
        lines = self.path(name).read_text(encoding="utf-8").splitlines()
        start = 0
        if after is not None:
            start = next(i for i, line in enumerate(lines) if line.strip().startswith(after)) + 1
        return next(i for i in range(start, len(lines)) if lines[i].strip().startswith(text)) + 1


@pytest.fixture
def spec_copy(tmp_path: Path) -> SpecCopy:
    return SpecCopy(tmp_path)


@pytest.fixture(scope="session")
def _unicode_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for hypothesis's Unicode tables, shared by the session's workers (written atomically)."""
    session = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        session = session.parent  # the workers' folders are in the session's
    tables = session / "hypothesis-unicode-data"
    tables.mkdir(exist_ok=True)
    return tables


@pytest.fixture
def hypothesis_home(
    tmp_path_factory: pytest.TempPathFactory, _unicode_tables: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """HYPOTHESIS_STORAGE_DIRECTORY for the schemathesis processes a test starts: the test's own (its example
    database and constants are seen by no other test), with the Unicode tables shared. Each schemathesis run
    in a folder of its own otherwise computes the utf-8 codec's table again: 0.9 s of a 1.5 s run."""
    home = tmp_path_factory.mktemp("hypothesis")
    (home / "unicode_data").symlink_to(_unicode_tables, target_is_directory=True)
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(home))
    return home


@pytest.fixture(scope="session")
def mypy_strict(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """`mypy --strict` with a cache of this worker's own: the standard library is analysed once per worker,
    not in every run (1.1 s of a 1.3 s run). Never shared between workers: concurrent runs race on a cache."""
    import sys

    cache = tmp_path_factory.mktemp("mypy-cache")
    return [str(Path(sys.executable).parent / "mypy"), "--strict", "--cache-dir", str(cache)]


RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run `rstar-spec ARGS` in-process from a working directory; (exit code, stdout, stderr)."""

    def run(*args: str, cwd: Path = ROOT) -> tuple[int, str, str]:
        monkeypatch.chdir(cwd)
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


# Scalars that YAML 1.1 and 1.2, PyYAML and rapidyaml, read in different ways, and some that they agree on.
TRICKY = [
    "yes", "No", "on", "OFF", "y", "~", "null", "Null", "true", "True", "1", "-1", "+1", "01", "017", "0o17",
    "0x1F", "1_000", "1e3", "1.5e3", "1.5e+3", "1.0", "1.", ".5", ".inf", "-.inf", ".nan", "1:30", "2026-01-15",
    "2026-01-15T09:30:00Z", "", " ", "=", "<<", "*a", "&a", "!x", "a: b", "#c", "- x", "'q'", '"d"', "é", "\\u00e9",
    "line\nbreak", "tab\there", "trailing ", "12345678901234567890", "-0", "0.0", "3.14", "@at", "%pc", "`tick",
    "{a}", "[b]", "?", ":", "a #b", "\t", "\r\n",
    # YAML 1.2 core schema against 1.1 and against rapidyaml's JSON
    "18:00", "NO", "n", "0o7", "0o8", "-0o7", "0x", "-0x1F", "0b11", "0E3", "-0e-1", "1E3", "1.e3", ".5e1", "+.5",
    "inf", "-inf", "nan", "Infinity", "infinity", ".NaN", "+.INF", ":x", "x:y", "TRUE", "FALSE",
]  # fmt: skip


def json_values(texts: Any, keys: Any, *, biggest: int = 10**20, max_leaves: int = 20) -> Any:
    """A hypothesis strategy of JSON-compatible values: texts, integers up to `biggest`, finite floats,
    booleans, null, in lists and mappings with `keys` (the YAML reader's and writer's property tests)."""
    from hypothesis import strategies as st

    scalars = st.one_of(
        texts,
        st.integers(min_value=-biggest, max_value=biggest),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
        max_leaves=max_leaves,
    )

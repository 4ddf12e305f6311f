"""Every command on a mutated spec: exit 0, 1 or 2 and never a traceback (issue 22, item 13).

The project's spec is bundled into one JSON document; hypothesis puts wrong things at random
places in it (a value of another type, a list for a map and a map for a list, NUL bytes, `$ref`s
that lead nowhere or hold a NUL) and runs one command on it in-process. Anything but an exit code
is a crash: cli.main lets only RstarError become one line and exit 2.

Bounded (120 examples) and deterministic (derandomize): RSTAR_FUZZ_EXAMPLES=2000 runs more, RSTAR_FUZZ_SEED=N a
random walk of its own, to look for new crashes by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conftest import ROOT, SPEC_DIR
from rstar_spec import cli
from rstar_spec.core.yaml_io import dump_json
from rstar_spec.oas.bundle import bundle

EXAMPLES = int(os.environ.get("RSTAR_FUZZ_EXAMPLES", "120"))
SEED = os.environ.get("RSTAR_FUZZ_SEED")
OVERLAYS = ROOT / "overlays"
ORIGINAL = bundle(SPEC_DIR / "openapi.yaml").data


def _pointers(node: Any, here: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _pointers(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _pointers(value, (*here, i))


POINTERS = list(_pointers(ORIGINAL))[1:]  # the root stays a mapping (else every command stops at once)
REFS = [
    "#/components/schemas/Client\x00",
    "x\x00.yaml#/a",
    "\x00",
    "#/components/schemas/Nope",
    "#/paths/~1clients/get",
    "#",
    "#/components/schemas",
    "other.yaml",
    "https://example.com/x.yaml",
    "#/%ZZ",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8"), max_size=6),
    st.sampled_from(["", "\x00", "a\x00b", "{id}", "~1", "#/", "3.1.0", "200", "x-", "$ref"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6,
)
COMMANDS = [
    ["bundle"],
    ["bundle", "--target", "mock"],
    ["bundle", "--target", "python-client"],
    ["bundle", "--target", "publish"],
    ["validate"],
    ["lint"],
    ["diff", "{original}", "{spec}"],
    ["diff", "{spec}", "{original}"],
    ["overlay", "apply", "{spec}", str(OVERLAYS / "publish.yaml")],
    ["publish", "-o", "{out}"],
]


@st.composite
def mutation(draw: st.DrawFn) -> tuple[tuple[str | int, ...], str, Any]:
    pointer = draw(st.sampled_from(POINTERS))
    how = draw(st.sampled_from(["replace", "replace", "flip", "ref", "delete", "add-key"]))
    if how == "ref":
        return pointer, "replace", {"$ref": draw(st.sampled_from(REFS))}
    if how == "add-key":
        return pointer, how, (draw(st.sampled_from(["$ref", "required", "type", "\x00", "x-a"])), draw(VALUES))
    return pointer, how, draw(VALUES)


def _apply(doc: Any, pointer: tuple[str | int, ...], how: str, value: Any) -> None:
    parent = doc
    for part in pointer[:-1]:
        parent = parent[part]
    key = pointer[-1]
    current = parent[key]  # type: ignore[index]
    if how == "delete":
        del parent[key]  # type: ignore[arg-type]
    elif how == "flip":  # a list for a map, a map for a list, a one-item list for a scalar
        if isinstance(current, dict):
            parent[key] = list(current.values())  # type: ignore[index]
        elif isinstance(current, list):
            parent[key] = {str(i): item for i, item in enumerate(current)}  # type: ignore[index]
        else:
            parent[key] = [current]  # type: ignore[index]
    elif how == "add-key":
        if isinstance(current, dict):
            current[value[0]] = value[1]
        else:
            parent[key] = {value[0]: value[1]}  # type: ignore[index]
    else:
        parent[key] = value  # type: ignore[index]


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="rstar-fuzz-"))
    try:
        (folder / "spec").mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, err.getvalue()


def _fuzz(work: Path, command: list[str], mutations: list[tuple[tuple[str | int, ...], str, Any]]) -> None:
    doc = dump_json(ORIGINAL)
    import json

    data = json.loads(doc)
    for pointer, how, value in mutations:
        try:
            _apply(data, pointer, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation took this place away
    spec = work / "spec" / "openapi.json"
    spec.write_text(dump_json(data), encoding="utf-8")
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    names = {"spec": str(spec), "original": str(SPEC_DIR / "openapi.yaml"), "out": str(out)}
    args = ["--spec", str(spec), "--overlays", str(OVERLAYS), *(part.format(**names) for part in command)]
    code, err = _run(args)
    assert code in (0, 1, 2), (code, err[-2000:])
    assert "Traceback" not in err, err[-2000:]
    if code == 2:
        assert len(err.strip().splitlines()) >= 1 and "error: " in err.strip().splitlines()[-1], err[-2000:]


def _settings(test: Any) -> Any:
    configured = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )(test)
    return seed(int(SEED))(configured) if SEED is not None else configured


@_settings
@given(command=st.sampled_from(COMMANDS), mutations=st.lists(mutation(), min_size=1, max_size=3))
def test_every_command_on_a_mutated_spec_exits_0_1_or_2(
    work: Path, command: list[str], mutations: list[tuple[tuple[str | int, ...], str, Any]]
) -> None:
    _fuzz(work, command, mutations)

"""The TypeScript client generated from the published spec talks to the API (nox -s other-languages).

Builds once: openapi-typescript turns generated/openapi/reception-star.openapi.yaml into
types, `tsc --strict` compiles e2e.ts against them and openapi-fetch. Then the program runs
under Node against `rstar-spec mock` on a free 127.0.0.1 port, with the API key in its
environment: it must pass against both mock profiles, and fail, naming the step, against
broken variants of the mock. Needs Node and `npm ci --prefix tools/npm` (the session does it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, target_doc
from rstar_spec.mock import Credentials, MockSettings, running_mock

pytestmark = pytest.mark.other_languages

NPM = ROOT / "tools" / "npm"
BIN = NPM / "node_modules" / ".bin"
PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"
HERE = Path(__file__).resolve().parent
CREDS = Credentials()


@pytest.fixture(scope="module")
def program() -> Iterator[Path]:
    if shutil.which("node") is None or not (BIN / "tsc").exists():
        pytest.fail("needs Node and the npm tools: npm ci --prefix tools/npm (nox -s other-languages does it)")
    build = ROOT / "dist" / "ts" / "e2e"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    (build / "node_modules").symlink_to(NPM / "node_modules", target_is_directory=True)
    (build / "package.json").write_text('{"private": true, "type": "module"}\n', encoding="utf-8")
    shutil.copy(HERE / "e2e.ts", build / "e2e.ts")
    shutil.copy(HERE / "e2e.tsconfig.json", build / "tsconfig.json")
    subprocess.run([str(BIN / "openapi-typescript"), str(PUBLISHED), "-o", str(build / "schema.d.ts")],
                   check=True, capture_output=True)  # fmt: skip
    compiled = subprocess.run([str(BIN / "tsc"), "-p", str(build)], capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    yield build / "out" / "e2e.js"


def run_program(program: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RSTAR_BASE_URL": base_url, "RSTAR_API_KEY": CREDS.api_key}
    return subprocess.run(["node", str(program)], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("profile", ["reference", "liberal"])
def test_the_typescript_program_passes_against_the_mock(program: Path, profile: str) -> None:
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS, profile=profile)) as base_url:
        done = run_program(program, base_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok: token, create") and "404 not_found" in done.stdout
    assert CREDS.api_key not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("breakage", "step"),
    [
        ("wrong-location", "FAIL create: Location names"),
        ("pages-overlap", "FAIL list:"),
        ("etag-ignored", "FAIL get with If-None-Match"),
        ("put-merges", "FAIL replace: PUT kept the email"),
        ("delete-keeps", "FAIL 404:"),
    ],
)
def test_a_broken_mock_makes_the_program_fail_at_its_step(program: Path, breakage: str, step: str) -> None:
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS, breakage=breakage)) as base_url:
        done = run_program(program, base_url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert step in done.stderr, done.stderr

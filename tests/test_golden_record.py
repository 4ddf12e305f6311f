"""Golden records of the templates (openapi-python-client's end_to_end_tests style): the Python client
generated from small specs that take the branches the project's spec never takes, committed and
compared file by file, so those branches are still rendered, linted and type-checked.

Regenerate after a deliberate change with `RSTAR_UPDATE_GOLDEN=1 nox -s tests -- tests/test_golden_record.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from rstar_spec.core.outputs import replace_tree, stale_files
from rstar_spec.python_client.generate import generate

GOLDEN = ROOT / "tests" / "golden"
RECORDS = sorted(p.name for p in GOLDEN.iterdir() if (p / "spec" / "openapi.yaml").is_file())
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("record", RECORDS)
def test_the_templates_render_the_golden_record(record: str) -> None:
    here = GOLDEN / record
    files = generate(here / "spec" / "openapi.yaml", here / "overlays", ROOT / "templates")
    if os.environ.get("RSTAR_UPDATE_GOLDEN"):
        replace_tree(files, here / "expected", by="generate")
    assert stale_files(files, here / "expected") == [], "regenerate with RSTAR_UPDATE_GOLDEN=1 if this is meant"


@pytest.mark.parametrize("record", RECORDS)
def test_the_golden_record_passes_ruff_and_mypy_strict(record: str, mypy_strict: list[str]) -> None:
    expected = GOLDEN / record / "expected"
    for command in (
        [str(BIN / "ruff"), "check", "--no-cache", "."],
        [*mypy_strict, "reception_star"],
    ):
        result = subprocess.run(command, cwd=expected, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_minimal_record_has_the_branches_it_is_for() -> None:
    package = GOLDEN / "minimal" / "expected" / "reception_star"
    client = (package / "client.py").read_text(encoding="utf-8")
    assert "TOKEN_ENDPOINT" not in client and "class TokenAuth" not in client  # no token endpoint
    assert "token_auth = " not in client  # AuthenticatedClient takes token= or auth= (the runtime says so)
    resource = (package / "api" / "default" / "__init__.py").read_text(encoding="utf-8")
    assert "SyncPage" not in resource and "pages_raw" not in resource  # no pagination
    assert "from ...types import UNSET, Unset" in resource  # an optional argument with no default
    get_note = (package / "api" / "default" / "get_note.py").read_text(encoding="utf-8")
    assert "If-None-Match" not in get_note and "CachedAnswer" not in get_note  # no ETag cache
    note = (package / "models" / "note.py").read_text(encoding="utf-8")
    assert "secret: str | Unset = _attrs_field(default=UNSET, repr=False)" in note  # format: password

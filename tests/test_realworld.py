"""Every public description in shared/realworld/ is validated, linted and bundled without a crash.

Exit 0, or 1 with findings (these are other people's descriptions, and our lint's house rules are ours);
never 2 (they are all readable OpenAPI) and never a traceback. The files are read where they are, never
copied into the repository; without shared/ beside the clone (RSTAR_SHARED_DIR names it elsewhere) the
test is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT, RunCli

REALWORLD = Path(os.environ.get("RSTAR_SHARED_DIR", ROOT.parent / "shared")) / "realworld"
DESCRIPTIONS = sorted(p.name for p in REALWORLD.glob("*.yaml")) if REALWORLD.is_dir() else []


@pytest.mark.skipif(not DESCRIPTIONS, reason="no shared/realworld/ beside this clone")
@pytest.mark.parametrize("name", DESCRIPTIONS or ["none"])
def test_validate_lint_and_bundle_take_every_public_description(name: str, run_cli: RunCli, tmp_path: Path) -> None:
    spec = str(REALWORLD / name)
    for command in (["validate"], ["lint"], ["bundle", "-o", str(tmp_path / "out.yaml")]):
        code, out, err = run_cli("--spec", spec, *command)  # an exception would end the test here
        assert code in (0, 1), f"{name} {command[0]}: exit {code}: {err.strip()[:300]}"
        if code == 1:
            assert out.strip(), f"{name} {command[0]}: exit 1 without a finding"
    assert (tmp_path / "out.yaml").stat().st_size > 0

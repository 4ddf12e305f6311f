"""The benchmark's synthetic specs are real work: the size asked for, and clean under every rule."""

import sys
from pathlib import Path

from conftest import ROOT
from rstar_spec import bundle, run_rules
from rstar_spec.oas.walk import iter_operations

sys.path.insert(0, str(ROOT / "bench"))
from synth import write_synthetic_spec


def test_synthetic_spec_has_the_operations_asked_for_and_lints_clean(tmp_path: Path) -> None:
    result = bundle(write_synthetic_spec(tmp_path, 50))
    assert sum(1 for _ in iter_operations(result.data)) == 50
    assert len(result.data["components"]["schemas"]) == 2 + 3 * 10
    assert [str(f) for f in run_rules(result)] == []

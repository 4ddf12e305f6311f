"""The rendered reference docs list every operation (nox -s docs; needs Debian's chromium).

Runs only under `-m docs`: the docs session builds dist/docs/index.html with Redocly first.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SPEC_DIR
from rstar_spec import bundle
from rstar_spec.oas.walk import iter_operations

pytestmark = pytest.mark.docs
DOCS = ROOT / "dist" / "docs" / "index.html"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=10000",
]  # fmt: skip


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is not installed: apt-get install chromium (nox -s docs does it when root)")
    if not DOCS.exists():
        pytest.fail(f"{DOCS} is missing: run nox -s docs")
    cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, DOCS.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def test_every_operation_is_listed(tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom").stdout
    summaries = [op["summary"] for _, _, _, op in iter_operations(bundle(SPEC_DIR / "openapi.yaml").data)]
    assert len(summaries) == 7
    missing = [s for s in summaries if s not in dom]
    assert not missing, f"not in the rendered docs: {missing}"
    assert "Reception Star API" in dom


def test_screenshot(tmp_path: Path) -> None:
    shot = ROOT / "dist" / "docs" / "screenshot.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600")
    assert shot.stat().st_size > 10_000  # a page, not a blank

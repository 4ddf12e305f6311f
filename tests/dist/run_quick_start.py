"""Run the generated README's quick start with a Python that has only the built wheel (nox -s dist).

Usage: python tests/dist/run_quick_start.py PYTHON. The mock runs here, on a free 127.0.0.1 port, in
this process; PYTHON (a fresh venv with the wheel installed, nothing of this repository) runs every
```python block of generated/python/README.md as a user would, with RSTAR_BASE_URL and RSTAR_API_KEY
in its environment. Exit code 0 when every block ran and printed what the README says it prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.overlay.pipeline import build_target

ROOT = Path(__file__).resolve().parents[2]


def main(python: str) -> int:
    python = str(Path(python).absolute())
    readme = (ROOT / "generated" / "python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    if len(blocks) < 2:
        print("dist: the README has no quick start to run", file=sys.stderr)
        return 1
    creds = Credentials()
    doc = build_target(ROOT / "spec" / "openapi.yaml", "mock", ROOT / "overlays")
    with running_mock(doc, MockSettings(credentials=creds)) as base_url:
        env = {**os.environ, "RSTAR_BASE_URL": base_url, "RSTAR_API_KEY": creds.api_key, "PYTHONPATH": ""}
        # -I: the installed wheel only, not this checkout (no cwd, no user site, no PYTHONPATH)
        done = subprocess.run([python, "-I", "-c", "\n\n".join(blocks)], env=env, capture_output=True, text=True,
                              cwd=Path(python).resolve().parent, timeout=120)  # fmt: skip
    printed = done.stdout
    if done.returncode != 0:
        print(f"dist: the quick start failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return 1
    listed = len(re.findall(r"^\d+ \w+ \w+$", printed, flags=re.MULTILINE))
    if "404 not_found" not in printed or listed < 30 or creds.api_key in printed + done.stderr:
        print(f"dist: the quick start printed what the README does not say:\n{printed[-2000:]}", file=sys.stderr)
        return 1
    print(f"dist: the README's quick start ran with the wheel alone ({listed} clients listed, 404 not_found)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: run_quick_start.py PYTHON")
    raise SystemExit(main(sys.argv[1]))

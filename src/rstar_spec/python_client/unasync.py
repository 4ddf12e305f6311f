"""The client runtime's sync flows, made from its async ones: `client_runtime/_async/` is the
source, `client_runtime/_sync/` is unasync's output (formatted by the pinned ruff), as httpcore does.

`rstar-spec unasync` writes `_sync/`; `rstar-spec unasync --check` (in `nox -s drift` and the tests)
fails when it no longer matches `_async/`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.errors import RstarError

RUNTIME = Path(__file__).resolve().parent / "runtime"
# Beyond unasync's own (async def, await, async with/for, AsyncIterator, __aenter__, Async* classes):
# the names of this runtime that have a sync twin.
REPLACEMENTS = {
    "asend": "send",
    "async_auth_flow": "sync_auth_flow",
    "aread": "read",
    "aclose": "close",
    "async_sleep": "sleep",
    "_async_httpx_client": "_sync_httpx_client",
    "_async_lock": "_sync_lock",
    "AsyncClient": "Client",
    "aread_within": "read_within",
    "async_deadline": "sync_deadline",
}


def render_sync(runtime: Path = RUNTIME) -> dict[str, str]:
    """The files of `_sync/` as unasync makes them from `_async/`, by name."""
    import unasync

    with tempfile.TemporaryDirectory(prefix="rstar-unasync-") as tmp:
        work = Path(tmp) / "runtime"
        shutil.copytree(runtime / "_async", work / "_async", ignore=shutil.ignore_patterns("__pycache__"))
        sources = sorted(str(p) for p in (work / "_async").glob("*.py"))
        unasync.unasync_files(sources, [unasync.Rule("/_async/", "/_sync/", additional_replacements=REPLACEMENTS)])
        made = work / "_sync"
        ruff = Path(sys.executable).parent / "ruff"
        command = [str(ruff) if ruff.exists() else "ruff", "format", "--quiet", "--no-cache", "--isolated",
                   "--line-length", "120", "--target-version", "py311", str(made)]  # fmt: skip
        if subprocess.run(command, check=False).returncode != 0:
            raise RstarError(f"ruff could not format the sync flows made from {runtime / '_async'}")
        files = {p.name: p.read_text(encoding="utf-8") for p in sorted(made.glob("*.py"))}
    files["__init__.py"] = '"""The sync flows: made from _async/ by unasync (`rstar-spec unasync`); do not edit."""\n'
    return files


def stale(runtime: Path = RUNTIME) -> list[str]:
    """The files of `_sync/` that differ from what `_async/` makes (missing and extra ones included)."""
    wanted = render_sync(runtime)
    present = {p.name: p.read_text(encoding="utf-8") for p in (runtime / "_sync").glob("*.py")}
    return sorted(name for name in set(wanted) | set(present) if wanted.get(name) != present.get(name))


def write(runtime: Path = RUNTIME) -> list[str]:
    """Write the files of `_sync/` that differ from what `_async/` makes; the names written or removed."""
    wanted = render_sync(runtime)
    target = runtime / "_sync"
    target.mkdir(exist_ok=True)
    changed = []
    for extra in set(p.name for p in target.glob("*.py")) - set(wanted):
        (target / extra).unlink()
        changed.append(extra)
    for name, text in wanted.items():
        path = target / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return sorted(changed)

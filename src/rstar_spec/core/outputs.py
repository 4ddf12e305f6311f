"""Folders of generated files, replaced as a whole and compared file by file.

Both generated/ folders (the published spec, the Python client) are written the
same way: into a sibling staging folder first, then swapped in with two renames,
so a failed run leaves the previous folder untouched and a reader never sees half
of one run and half of another.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

Files = Mapping[str, bytes]  # POSIX path relative to the folder -> content

# What Python and the linters leave in a folder they read: not part of it.
CACHES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative POSIX path, but caches."""
    if not folder.is_dir():
        return {}
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not CACHES.intersection(relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files


def umask() -> int:
    """The process's umask (read by setting it and setting it back: the only way there is)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def replace_tree(files: Files, output: Path) -> None:
    """Make output hold exactly files; a failed run leaves the previous folder. Modes are what any tool
    would make under the umask (mkdtemp's 0700 is for the staging, not for what it becomes)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    os.chmod(staging, 0o777 & ~umask())
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def swap_in(staging: Path, output: Path) -> None:
    """Put the folder staging (a sibling of output, complete) in output's place, with two renames; the
    previous output is removed after. For a writer that fills its staging folder itself."""
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old.", dir=output.parent))
        os.replace(output, retired / output.name)
        os.replace(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, output)


def stale_files(files: Files, output: Path) -> list[str]:
    """The files of output that differ from files: missing, changed, or extra."""
    present = read_tree(output)
    stale = []
    for name in sorted(present.keys() | files.keys()):
        if name not in files:
            stale.append(f"{name} (not generated any more)")
        elif name not in present:
            stale.append(f"{name} (missing)")
        elif present[name] != files[name]:
            stale.append(f"{name} (differs)")
    return stale

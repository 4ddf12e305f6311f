"""The spec as it was at a git commit, for the breaking-change gate."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from ..core.errors import GitError


def _git(repo: Path, *args: str) -> bytes:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return proc.stdout


def repo_root(path: Path) -> Path:
    return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())


def last_spec_commit(repo: Path, spec_dir: str, branch: str = "main") -> str | None:
    """The last commit of branch (HEAD when there is no such branch) that changed spec_dir."""
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return None  # no commit yet
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", branch)
    except GitError:
        branch = "HEAD"
    out = _git(repo, "log", "-1", "--format=%H", branch, "--", spec_dir).decode().strip()
    return out or None


def parent(repo: Path, ref: str) -> str | None:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^").decode().strip() or None
    except GitError:
        return None


def extract(repo: Path, ref: str, spec_dir: str, into: Path) -> Path | None:
    """spec_dir as it was at ref, written below into; None when ref has no such folder."""
    try:
        data = _git(repo, "archive", "--format=tar", ref, "--", spec_dir)
    except GitError as exc:
        if "did not match any files" in exc.message or "pathspec" in exc.message:
            return None
        raise
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into, filter=tarfile.data_filter)
    return into / spec_dir


def has_ref(repo: Path, ref: str) -> bool:
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        return False
    return True

"""The breaking-change gate: the working spec against the spec at a git commit.

The baseline is --ref, or the last commit on main that changed spec/; when the
working spec is exactly that commit's, the commit before it, so that the gate
always judges the latest change of the spec (on a developer's machine with edits
in progress, and in CI on a clean checkout alike). A breaking change passes only
with a new major info.version. When info.version changed, CHANGELOG.md gets the
section of the new version, generated from the diff.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import gitref
from ._errors import RstarError
from .bundle import Bundle, bundle
from .changelog import changelog_section, update_changelog
from .diff import Change, diff, major


@dataclass(frozen=True)
class GateResult:
    ref: str | None  # None: no earlier spec in the history, nothing compared
    changes: tuple[Change, ...] = ()
    old_version: str = ""
    new_version: str = ""

    @property
    def breaking(self) -> int:
        return sum(c.breaking for c in self.changes)

    @property
    def passes(self) -> bool:
        old_major, new_major = major(self.old_version), major(self.new_version)
        return not self.breaking or (old_major is not None and new_major is not None and new_major > old_major)


def _version(doc: Bundle) -> str:
    return str(doc.data.get("info", {}).get("version"))


def write_changelog(path: Path, old_version: str, new_version: str, changes: list[Change]) -> None:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    update_changelog(path, new_version, changelog_section(new_version, changes, old_version, today))


def check(root_file: Path, ref: str | None = None) -> GateResult:
    new = bundle(root_file)
    repo = gitref.repo_root(root_file.resolve().parent)
    spec_dir = str(root_file.resolve().parent.relative_to(repo))
    with tempfile.TemporaryDirectory() as tmp:
        base = ref or gitref.last_spec_commit(repo, spec_dir)
        old_dir = gitref.extract(repo, base, spec_dir, Path(tmp) / "at-ref") if base else None
        if base and old_dir is not None and ref is None and bundle(old_dir / root_file.name).dump() == new.dump():
            base = gitref.parent(repo, base)  # the working spec is that commit's: judge that commit's change
            old_dir = gitref.extract(repo, base, spec_dir, Path(tmp) / "before") if base else None
        if old_dir is None:
            return GateResult(None)
        old = bundle(old_dir / root_file.name)
    return GateResult(base, tuple(diff(old, new)), _version(old), _version(new))


def refusal(result: GateResult) -> RstarError:
    return RstarError(
        f"{result.breaking} breaking changes need a new major info.version "
        f"(it is {result.new_version}, was {result.old_version})"
    )

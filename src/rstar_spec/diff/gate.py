"""The breaking-change gate: the working spec against the spec at a git commit.

The baseline is --ref, or the last commit on main that changed spec/; when the
working spec is exactly that commit's, the commit before it, so that the gate
always judges the latest change of the spec (on a developer's machine with edits
in progress, and in CI on a clean checkout alike). A breaking change passes only
with a new major info.version. When info.version changed, CHANGELOG.md gets the
section of the new version, generated from the diff.

The gate also keeps releases immutable: a file of a release that the baseline
or HEAD has in generated/openapi/ (``reception-star.<version>.openapi...``) must
be there still, byte for byte. A change to what a release says needs a new info.version.
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Location, RstarError
from ..oas.bundle import Bundle, bundle
from . import gitref
from .changelog import changelog_section, update_changelog
from .changes import Change, diff, major


@dataclass(frozen=True)
class GateResult:
    ref: str | None  # None: no earlier spec in the history, nothing compared
    changes: tuple[Change, ...] = ()
    old_version: str = ""
    new_version: str = ""
    changed_releases: tuple[str, ...] = ()  # released files that are gone or differ from the baseline's

    @property
    def breaking(self) -> int:
        return sum(c.breaking for c in self.changes)

    @property
    def passes(self) -> bool:
        old_major, new_major = major(self.old_version), major(self.new_version)
        if self.changed_releases:
            return False
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
        extracted = Path(tmp) / "at-ref"
        old_dir = gitref.extract(repo, base, spec_dir, extracted) if base else None
        if base and old_dir is not None and ref is None and bundle(old_dir / root_file.name).dump() == new.dump():
            base = gitref.parent(repo, base)  # the working spec is that commit's: judge that commit's change
            extracted = Path(tmp) / "before"
            old_dir = gitref.extract(repo, base, spec_dir, extracted) if base else None
        if base is None or old_dir is None:
            return GateResult(None)
        label = ref or base[:12]  # what the user named, else the commit: `git show LABEL:PATH` opens the file
        try:
            old = bundle(old_dir / root_file.name)
            changes = tuple(_at_ref(change, extracted, label) for change in diff(old, new))
        except RstarError as exc:
            exc.location = _location_at_ref(exc.location, extracted, label)
            raise
        # Releases as the baseline had them (the change judged) and as HEAD has them (edits in progress).
        refs = {ref for ref in (base, "HEAD") if ref}
        changed = tuple(sorted({name for at in refs for name in _changed_releases(repo, at, Path(tmp) / f"r-{at}")}))
    return GateResult(base, changes, _version(old), _version(new), changed)


def _location_at_ref(location: Location | None, extracted: Path, label: str) -> Location | None:
    """A place in the baseline's files, named `LABEL:path/in/repo:line:col` rather than by the temporary folder
    they were read from (deleted when the gate returns)."""
    for folder in (extracted, extracted.resolve()):
        if location is not None and location.file.is_relative_to(folder):
            return dataclasses.replace(location, file=Path(f"{label}:{location.file.relative_to(folder).as_posix()}"))
    return location


def _at_ref(change: Change, extracted: Path, label: str) -> Change:
    return dataclasses.replace(change, location=_location_at_ref(change.location, extracted, label))


def _changed_releases(repo: Path, base: str, into: Path) -> tuple[str, ...]:
    """The released files of the baseline's generated/openapi/ that the working tree no longer has as they were."""
    from ..publish.releases import DEFAULT_OUTPUT, released_versions

    released_dir = gitref.extract(repo, base, str(DEFAULT_OUTPUT), into)
    if released_dir is None:
        return ()
    changed = []
    for files in released_versions(released_dir).values():
        for name, data in files.items():
            current = repo / DEFAULT_OUTPUT / name
            if not current.is_file() or current.read_bytes() != data:
                changed.append(name)
    return tuple(sorted(changed))


def refusal(result: GateResult) -> str:
    """Why the gate refuses the change: a finding (exit 1), not bad input."""
    if result.changed_releases:
        return (
            f"released {result.changed_releases[0]} would change (or go): a release never changes once "
            f"published; give the spec a new info.version (it is {result.new_version})"
        )
    return (
        f"{result.breaking} breaking changes need a new major info.version "
        f"(it is {result.new_version}, was {result.old_version})"
    )

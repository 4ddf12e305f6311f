"""Which release files are published, and which a new publication would change.

A release is published once its files are committed on the release branch (`main`, else HEAD): from then on
a consumer may have pinned `reception-star.<version>.openapi.*`, and those bytes never change. Files of a
version that only this working tree (or this branch) has are a release in the making, and may be rewritten.
`rstar-spec publish` and `rstar-spec breaking` both ask here, so the order that works is the one the tools
allow: edit the spec, give it a new `info.version`, then publish.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..core.errors import GitError, PublishError, display_path
from ..publish.releases import released_versions
from ..publish.render import Publication
from . import gitref

RELEASE_BRANCH = "main"


def committed_releases(output: Path) -> dict[str, bytes] | None:
    """The release files of `output` as the release branch has them, by name; None outside a git checkout."""
    folder = output.resolve()
    probe = folder if folder.is_dir() else folder.parent
    while not probe.is_dir():
        probe = probe.parent
    try:
        repo = gitref.repo_root(probe)
        relative = folder.relative_to(repo)
    except (GitError, ValueError):
        return None
    branch = RELEASE_BRANCH if gitref.has_ref(repo, RELEASE_BRANCH) else "HEAD"
    if not gitref.has_ref(repo, branch):
        return {}  # no commit yet: nothing is released
    with tempfile.TemporaryDirectory() as tmp:
        extracted = gitref.extract(repo, branch, relative.as_posix(), Path(tmp))
        if extracted is None:
            return {}
        return {name: data for files in released_versions(extracted).values() for name, data in files.items()}


def changed_releases(publication: Publication, output: Path, committed: dict[str, bytes] | None = None) -> list[str]:
    """The committed release files the publication would change or drop, sorted (committed: what
    committed_releases(output) gives, when the caller has it already)."""
    committed = committed_releases(output) if committed is None else committed
    if not committed:
        return []
    wanted = {name: text.encode("utf-8") for name, text in publication.files.items()}
    return sorted(name for name, data in committed.items() if wanted.get(name) != data)


def refusal(changed: list[str], output: Path, version: str, spec: Path) -> PublishError:
    return PublishError(
        f"{display_path(output / changed[0])}: released {version} would change ({len(changed)} files): a published "
        f"release never changes; give {display_path(spec)} a new info.version first "
        f"(`nox -s breaking` says whether it must be a new major), then publish"
    )

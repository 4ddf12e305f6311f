"""Release naming: the files of a release under pinnable names, and earlier releases kept as they were published."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render import Publication

API_NAME = "reception-star"
BASENAME = f"{API_NAME}.openapi"
DEFAULT_OUTPUT = Path("generated/openapi")
# A release's version in file names: semantic versioning, nothing a file system or a URL would mangle.
RELEASE_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.]+)?")
_RELEASED = re.compile(
    rf"{re.escape(API_NAME)}\.(?P<version>{RELEASE_VERSION.pattern})\.openapi(?:\.[a-z0-9.]+)?\.(?:yaml|json)"
)
RENDERING_SUFFIXES = ("", ".dereferenced", ".3.0")


def versioned_stem(version: str, suffix: str = "") -> str:
    """reception-star.4.0.0.openapi.dereferenced: the name a consumer pins."""
    return f"{API_NAME}.{version}.openapi{suffix}"


def release_version(name: str) -> str | None:
    """The version a release file's name carries: reception-star.4.0.0.openapi.yaml -> 4.0.0."""
    found = _RELEASED.fullmatch(name)
    return found.group("version") if found else None


def released_versions(output: Path) -> dict[str, dict[str, bytes]]:
    """The files of each release already in the output folder, by version."""
    releases: dict[str, dict[str, bytes]] = {}
    if output.is_dir():
        for path in sorted(output.iterdir()):
            found = _RELEASED.fullmatch(path.name)
            if found and path.is_file():
                releases.setdefault(found.group("version"), {})[path.name] = path.read_bytes()
    return releases


def carry_releases(publication: Publication, output: Path) -> None:
    """Keep the files of earlier releases as they are: a consumer may have pinned one."""
    current = {name for name in publication.files if _RELEASED.fullmatch(name)}
    for files in released_versions(output).values():
        for name, data in files.items():
            if name not in current:
                publication.files[name] = data.decode("utf-8")

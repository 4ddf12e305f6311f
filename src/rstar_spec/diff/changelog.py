"""Reports of a diff: text lines, a markdown section, and CHANGELOG.md upkeep."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.errors import display_path
from ..core.yaml_io import write_atomic
from .changes import Change

TITLE = "# Changelog"
INTRO = "One section per `info.version` of the spec, generated from `rstar-spec diff` (`nox -s breaking`)."


def format_text(changes: list[Change]) -> str:
    lines = []
    files: dict[Path, str] = {}  # display_path once per file: a big diff names a few files many times
    for change in changes:
        kind = "BREAKING" if change.breaking else "warning" if change.warning else "ok"
        place = ""
        if change.location is not None:
            loc = change.location
            name = files.get(loc.file) or files.setdefault(loc.file, display_path(loc.file))
            place = f"  ({name}:{loc.line}:{loc.col})"
        lines.append(f"{kind:<8} {change.rule:<36} {change.where}: {change.message}{place}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def format_markdown(changes: list[Change], old_version: str, new_version: str) -> str:
    breaking = [c for c in changes if c.breaking]
    warnings = [c for c in changes if c.warning and not c.breaking]
    other = [c for c in changes if not c.breaking and not c.warning]
    counts = f"{len(breaking)} breaking, " + (f"{len(warnings)} warnings (may break a client), " if warnings else "")
    lines = [f"Changes from {old_version} to {new_version}: {counts}{len(other)} other.", ""]
    for title, group in (("Breaking", breaking), ("Warnings", warnings), ("Other", other)):
        if not group:
            continue
        lines += [f"### {title}", "", "| rule | operation | change | where |", "|---|---|---|---|"]
        lines += [
            f"| `{c.rule}` | `{_escape(c.where)}` | {_escape(c.message)} | {_escape(display_path(c.location.file)) + f':{c.location.line}' if c.location else ''} |"
            for c in group
        ]
        lines.append("")
    return "\n".join(lines)


def changelog_section(version: str, changes: list[Change], old_version: str, date: str) -> str:
    body = format_markdown(changes, old_version, version) if changes else "No change to the API.\n"
    return f"## {version} ({date})\n\n{body.rstrip()}\n"


_SECTION = re.compile(r"^## (\S+)", re.MULTILINE)


def update_changelog(path: Path, version: str, section: str) -> None:
    """Put section in CHANGELOG.md: it replaces the section of the same version, else goes on top."""
    text = path.read_text(encoding="utf-8") if path.exists() else f"{TITLE}\n\n{INTRO}\n"
    starts = [(m.start(), m.group(1)) for m in _SECTION.finditer(text)]
    sections = {
        ver: (start, starts[i + 1][0] if i + 1 < len(starts) else len(text)) for i, (start, ver) in enumerate(starts)
    }
    if version in sections:
        start, end = sections[version]
        text = text[:start] + section + ("\n" if end < len(text) else "") + text[end:]
    else:
        first = starts[0][0] if starts else len(text)
        head = text[:first].rstrip("\n") + "\n\n"
        text = head + section + ("\n" + text[first:] if starts else "")
    write_atomic(path, text.rstrip("\n") + "\n")

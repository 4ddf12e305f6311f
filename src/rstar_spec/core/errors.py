"""Errors of rstar-spec, carried as values with the place they are about.

Every error the tool reports for bad input is an ``RstarError``; the CLI prints
``str(error)``, one line that starts with the place (``file:line:col``), and exits
non-zero. Anything else escaping is a bug.

    RstarError
    ├── SpecLoadError      a file that cannot be read: not found, not UTF-8, not YAML,
    │                      a duplicate key, not the shape it must have
    ├── RefError           a $ref that is a URL, leaves spec/, or points nowhere
    ├── BundleError        a component file or component name that cannot be bundled
    ├── OverlayError       an overlay that is invalid or cannot be applied (overlay/)
    ├── PublishError       a rendering that would not be valid, an output that cannot be written (publish/)
    ├── GenerateError      a spec the client generator cannot turn into the client (python_client/)
    ├── GitError           git could not answer: no repository, an unknown ref (diff/gitref.py)
    └── UsageError         arguments that make no sense together

Every class is defined here; the layers that raise one re-export it under their own name.
Not errors of the tool, so not here: ``TemplateError`` and ``SchemaRefError`` (oas/, ValueErrors
their callers turn into problems) and the generated client's runtime errors (python_client/runtime/,
shipped inside the client).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based."""

    file: Path
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}:{self.col}"


def display_path(path: Path | str) -> str:
    """The path relative to the working directory when it is below it, else absolute."""
    return _display_path(str(path), os.getcwd())


@functools.lru_cache(maxsize=256)  # a lint of a big spec prints thousands of places in a few files
def _display_path(path: str, cwd: str) -> str:
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(Path(path))
    return str(Path(path)) if rel.startswith("..") else rel


def shorten(text: str, limit: int = 200) -> str:
    """One line of at most limit characters: schema messages quote whole instances."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class RstarError(Exception):
    """Bad input, reported as one line naming the place."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class SpecLoadError(RstarError):
    """A file cannot be read or parsed."""


class RefError(RstarError):
    """A $ref that cannot be followed within spec/."""


class BundleError(RstarError):
    """A component file or name that cannot be bundled."""


class OverlayError(RstarError):
    """An overlay that is invalid, or that cannot be applied to the document."""


class GitError(RstarError):
    """git could not answer (no repository, unknown ref)."""


class GenerateError(RstarError):
    """A spec the client generator cannot turn into the client, or a generator that failed."""


class UsageError(RstarError):
    """Arguments that make no sense together."""


class PublishError(RstarError):
    """A rendering that would not be valid, or an output that cannot be written."""

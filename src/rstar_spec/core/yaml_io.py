"""YAML in and out: loading with the position of every node, deterministic dumping.

Two loaders give the same data:

- the *positional* loader (``_positional.py``, PyYAML imported only for it) composes with libyaml and then builds plain
  JSON-compatible data itself, so that it can record ``pointer -> (line, col)``
  for every node and refuse what JSON cannot say: duplicate keys, non-string
  keys, merge keys, recursive aliases. Plain scalars resolve as the YAML 1.2
  core schema says (10.3.2), the YAML of OpenAPI 3.1 and of JSON: `18:00`,
  `no`, `1_000` and `2026-01-15` are strings, `017` is 17 and `1e3` a float
  (YAML 1.1, PyYAML's default, reads 1080, False, 1000, a date, 15 and a
  string). It is the definition: what it refuses is refused, with its place.
- the *native* loader (``_native.py``: rapidyaml, C++) turns the text into JSON
  in C++ and lets ``json`` build the data, 20 to 30 times faster. It answers
  only where the positional loader would answer the same (no anchors, aliases
  or tags, no scalar PyYAML would read differently) and steps aside otherwise.

A file is read natively when it can be; its positions are computed only when a
finding needs one (``YamlDoc.marks`` is lazy), so a clean run never pays for
them.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ._native import NOT_NATIVE, Parsed, native_reading
from ._native_marks import NativeMarks, Unsure
from ._yaml_emit import emit_yaml
from .errors import Location, SpecLoadError, UsageError, display_path
from .limits import MAX_INPUT_BYTES
from .outputs import output_file, umask
from .pointer import Pointer
from .progress import step


@dataclass
class YamlDoc:
    """A parsed file: its data and the 1-based (line, col) of each node by pointer.

    When the file was read natively, places are found on demand in rapidyaml's tree of `text`
    (``_native_marks.py``); `marks`, every place at once, is computed the positional way on first use."""

    path: Path
    data: Any
    _marks: dict[Pointer, tuple[int, int]] | None = field(default=None, repr=False)
    text: str | None = field(default=None, repr=False)
    _native_marks: NativeMarks | None = field(default=None, repr=False)
    _aliases: bool = field(default=True, repr=False)  # False: the native reader saw none (places skip them)
    refs: frozenset[str] | None = field(default=None, repr=False)  # every $ref string, when the reader says
    _parsed: Parsed | None = field(default=None, repr=False)  # the reader's tree of text, for the places

    @property
    def marks(self) -> dict[Pointer, tuple[int, int]]:
        if self._marks is None:
            try:
                self._marks = _positional(self.text or "", self.path).marks
            except SpecLoadError:  # read natively past a bound of the positional loader (MAX_NODES): no places
                self._marks = {}
            self.text = None
            self._native_marks = self._parsed = None
        return self._marks

    def _mark(self, pointer: Pointer) -> tuple[int, int] | None:
        if self._marks is None and self.text is not None:
            if self._native_marks is None:
                self._native_marks = NativeMarks(self.text, aliases=self._aliases, parsed=self._parsed)
                self._parsed = None
            try:
                return self._native_marks.mark(pointer)
            except Unsure:
                pass
        return self.marks.get(pointer)

    def location(self, pointer: Pointer) -> Location:
        """The location of the node at pointer, or of its nearest ancestor that has one."""
        for end in range(len(pointer), -1, -1):
            mark = self._mark(pointer[:end])
            if mark is not None:
                return Location(self.path, *mark)
        return Location(self.path)


def load_yaml(path: Path) -> YamlDoc:
    """Load one YAML (or JSON) file of at most MAX_INPUT_BYTES. Raises SpecLoadError with the place of the problem."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)  # a device or a FIFO may never end: read no further
    except FileNotFoundError:
        raise SpecLoadError("file not found", Location(path)) from None
    except OSError as exc:
        raise SpecLoadError(f"cannot read file: {exc.strerror}", Location(path)) from None
    except ValueError:  # a path holding a NUL byte
        raise SpecLoadError("cannot read file: its name holds a NUL byte", Location(path)) from None
    return load_bytes(raw, path)


def load_stream(stream: BinaryIO | TextIO, path: Path) -> YamlDoc:
    """Load YAML (or JSON) from an open stream (stdin) under the same bound as a file; path names it in errors."""
    try:
        raw = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise SpecLoadError(f"cannot read: {exc.strerror}", Location(path)) from None
    except UnicodeDecodeError:  # a text stream that is not UTF-8
        raise SpecLoadError("not UTF-8", Location(path)) from None
    if isinstance(raw, str):  # a text stream (stdin replaced in-process): bounded in characters, then in bytes
        raw = raw.encode("utf-8", "surrogateescape")
    return load_bytes(raw, path)


def load_bytes(raw: bytes, path: Path) -> YamlDoc:
    if len(raw) > MAX_INPUT_BYTES:
        raise SpecLoadError(f"more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB: not read further", Location(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecLoadError(f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded", Location(path, line)) from None
    return parse_yaml(text, path, raw)


def parse_yaml(text: str, path: Path, raw: bytes | None = None) -> YamlDoc:
    """The document of text (raw: its UTF-8 bytes, when the caller has them: not encoded again)."""
    step(f"reading {path.name}")
    reading = native_reading(text, raw)
    if reading.data is not NOT_NATIVE:
        return YamlDoc(
            path, reading.data, text=text, _aliases=reading.aliases, refs=reading.refs, _parsed=reading.parsed
        )
    return _positional(text, path)


def _positional(text: str, path: Path) -> YamlDoc:
    """The positional loader's reading of text (``_positional.py``: PyYAML, imported only when a file needs it)."""
    from ._positional import read_positionally

    data, marks = read_positionally(text, path)
    return YamlDoc(path, data, marks)


def dump_yaml(data: Any) -> str:
    """Block-style YAML that YAML 1.1 and 1.2 readers read back the same (``_yaml_emit.py``)."""
    return emit_yaml(data)


def dump_json(data: Any) -> str:
    """Two-space JSON, UTF-8 as is. orjson writes it in Rust (json's indenting encoder is pure Python: 1.2 s for
    the 14 MB dereferenced rendering at 2,000 operations); an integer past 64 bits falls back to json."""
    import orjson  # imported here: it brings uuid, datetime and platform, which reading never needs

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def dump_for(path: Path | None, data: Any) -> str:
    """JSON for a `.json` path, YAML otherwise."""
    if path is not None and path.suffix.lower() == ".json":
        return dump_json(data)
    return dump_yaml(data)


def write_atomic(path: Path, text: str) -> None:
    """Write all or nothing: a temporary file beside the target, then a rename. The target is a regular file
    or absent, in a folder that exists; a symbolic link to a regular file is written through (the link stays,
    its file gets the text). Anything else (a folder, a device, a FIFO, a dangling link, a missing folder) is
    refused with a UsageError naming the path, untouched."""
    target = output_file(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {display_path(path)}: {exc.strerror}") from None
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600: a new file is as any tool makes it, an old one keeps its mode
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {display_path(path)}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""YAML in and out: loading with the position of every node, deterministic dumping.

Two loaders give the same data:

- the *positional* loader composes with libyaml and then builds plain
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
import math
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import orjson
import yaml
from yaml.constructor import SafeConstructor

from ._native import NOT_NATIVE, native_data
from ._native_marks import NativeMarks, Unsure
from ._yaml_emit import emit_yaml
from .errors import Location, SpecLoadError, UsageError, display_path
from .limits import MAX_DEPTH, MAX_INPUT_BYTES, MAX_INT_DIGITS, MAX_NODES
from .outputs import output_file, umask
from .pointer import Pointer
from .progress import step

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _CoreLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser with the tag resolution of the YAML 1.2 core schema (10.3.2) instead of YAML 1.1's.
    `<<` stays a merge key, only so that it is refused: a YAML 1.1 reader would merge it."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class-level table, filled below


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    (_INT, r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),  # before float: `1` is an int
    (
        _FLOAT,
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+.0123456789",
    ),
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    (_MERGE, r"<<", "<"),
):
    _CoreLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


def _core_int(text: str) -> int:
    """An int of the core schema: decimal with leading zeros and a sign, 0o octal, 0x hex (YAML 1.1 reads 017
    as octal 15)."""
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _core_float(text: str) -> float:
    """A float of the core schema; `.inf` and `.nan` are floats JSON cannot say (refused by the caller)."""
    special = text.lstrip("-+").lower()
    if special in (".inf", ".nan"):
        return float(text.replace(special, special[1:]))
    return float(text)


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

    @property
    def marks(self) -> dict[Pointer, tuple[int, int]]:
        if self._marks is None:
            try:
                self._marks = _positional(self.text or "", self.path).marks
            except SpecLoadError:  # read natively past a bound of the positional loader (MAX_NODES): no places
                self._marks = {}
            self.text = None
            self._native_marks = None
        return self._marks

    def _mark(self, pointer: Pointer) -> tuple[int, int] | None:
        if self._marks is None and self.text is not None:
            if self._native_marks is None:
                self._native_marks = NativeMarks(self.text)
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
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> YamlDoc:
    step(f"reading {path.name}")
    data = native_data(text)
    if data is not NOT_NATIVE:
        return YamlDoc(path, data, text=text)
    return _positional(text, path)


def _positional(text: str, path: Path) -> YamlDoc:
    try:
        node = yaml.compose(text, Loader=_CoreLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        what = exc.problem or exc.context or "invalid YAML"
        raise SpecLoadError(f"invalid YAML: {what}", where) from None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        raise SpecLoadError(f"invalid YAML: {str(exc).splitlines()[0]}", Location(path)) from None
    marks: dict[Pointer, tuple[int, int]] = {}
    if node is None:
        return YamlDoc(path, None, marks)
    _check_shape(node, path)
    builder = _Builder(path, marks)
    data = builder.build(node, (), (node.start_mark.line + 1, node.start_mark.column + 1))
    return YamlDoc(path, data, marks)


def _check_shape(root: yaml.Node, path: Path) -> None:
    """Refuse, before building anything, a document nested deeper than MAX_DEPTH or expanding (YAML
    aliases repeat a node wherever they stand) to more than MAX_NODES values. Sizes are computed once
    per composed node, so an alias bomb costs what its text costs, not what it would expand to."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            size[key] = min(1 + sum(size.get(id(c), 1) for c in children), MAX_NODES + 1)
            continue
        if key in size:
            continue
        if key in on_path:
            raise SpecLoadError("recursive YAML alias", _mark(node, path))
        if depth > MAX_DEPTH:
            raise SpecLoadError(f"nested deeper than {MAX_DEPTH} levels", _mark(node, path))
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))
    if size[id(root)] > MAX_NODES:
        raise SpecLoadError(
            f"expands to more than {MAX_NODES:,} values (YAML aliases repeated over and over?)", Location(path)
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _mark(node: yaml.Node, path: Path) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, path: Path, marks: dict[Pointer, tuple[int, int]]) -> None:
        self.path = path
        self.marks = marks
        self.constructor = SafeConstructor()
        self.active: set[int] = set()

    def _error(self, message: str, node: yaml.Node) -> SpecLoadError:
        return SpecLoadError(message, Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1))

    def build(self, node: yaml.Node, pointer: Pointer, mark: tuple[int, int]) -> Any:
        self.marks[pointer] = mark
        if isinstance(node, yaml.ScalarNode):
            if node.tag in (_STR, _TIMESTAMP):
                return node.value
            if node.tag == _INT and len(node.value) > MAX_INT_DIGITS:
                raise self._error(f"an integer of more than {MAX_INT_DIGITS} digits", node)
            value: Any
            try:
                if node.tag == _INT:
                    value = _core_int(node.value)
                elif node.tag == _FLOAT:
                    value = _core_float(node.value)
                else:
                    value = self.constructor.construct_object(node)
            except (ValueError, yaml.YAMLError) as exc:
                raise self._error(f"not a value JSON can say: {str(exc).splitlines()[0][:120]}", node) from None
            if isinstance(value, float) and not math.isfinite(value):
                raise self._error(f"{node.value!r} is not a number JSON can say (no Infinity, no NaN)", node)
            return value
        if id(node) in self.active:
            raise self._error("recursive YAML alias", node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [
                    self.build(item, (*pointer, str(i)), (item.start_mark.line + 1, item.start_mark.column + 1))
                    for i, item in enumerate(node.value)
                ]
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    raise self._error("YAML merge keys (<<) are not allowed: JSON cannot say them", key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self._error("a mapping key must be a string", key_node)
                key = key_node.value
                if key in result:
                    raise self._error(f"duplicate key {key!r}", key_node)
                key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, (*pointer, key), key_mark)
            return result
        finally:
            self.active.discard(id(node))


def dump_yaml(data: Any) -> str:
    """Block-style YAML that YAML 1.1 and 1.2 readers read back the same (``_yaml_emit.py``)."""
    return emit_yaml(data)


def dump_json(data: Any) -> str:
    """Two-space JSON, UTF-8 as is. orjson writes it in Rust (json's indenting encoder is pure Python: 1.2 s for
    the 14 MB dereferenced rendering at 2,000 operations); an integer past 64 bits falls back to json."""
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

"""The positional loader: YAML read with libyaml, every node's place recorded, the YAML 1.2 core schema.

It composes with libyaml and then builds plain JSON-compatible data itself, so that it can record
``pointer -> (line, col)`` for every node and refuse what JSON cannot say: duplicate keys, non-string
keys, merge keys, recursive aliases. Plain scalars resolve as the YAML 1.2 core schema says (10.3.2).
It is the definition ``yaml_io.py`` reads by; its own module, so that PyYAML is imported only when a file
is read this way (a file the native reader steps aside from, or the places of a finding).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import Location, SpecLoadError
from .limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES
from .pointer import Pointer

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


def read_positionally(text: str, path: Path) -> tuple[Any, dict[Pointer, tuple[int, int]]]:
    """The data of text and the (line, col) of every node by pointer; raises SpecLoadError at its place."""
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
        return None, marks
    _check_shape(node, path)
    builder = _Builder(path, marks)
    data = builder.build(node, (), (node.start_mark.line + 1, node.start_mark.column + 1))
    return data, marks


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
            except (ValueError, LookupError, yaml.YAMLError) as exc:  # (`!!bool maybe`: PyYAML's table has no such key)
                tag = node.tag.replace("tag:yaml.org,2002:", "!!")
                why = (
                    f"{node.value[:40]!r} is not a {tag}"
                    if isinstance(exc, LookupError)
                    else str(exc).splitlines()[0][:120]
                )
                raise self._error(f"not a value JSON can say: {why}", node) from None
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

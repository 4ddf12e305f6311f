"""OpenAPI Overlay 1.0 and 1.1, applied as the specification text says.

- An overlay document is validated against the official JSON Schema of its
  version (shipped in overlay_schemas/) and every JSONPath in it is compiled
  (RFC 9535, strict) before any action is applied; nothing is written when
  anything fails.
- Actions apply in order, each to the result of the one before; several
  overlays apply in the order given.
- ``remove: true`` removes every selected node from its map or array (array
  indexes are resolved before any removal, so removing several elements of one
  array removes the right ones); it wins over ``update`` and ``copy``.
- ``update`` merges into objects (recursively: primitives replace, arrays
  concatenate, objects merge, anything else is an error), concatenates an
  array onto arrays or appends anything else to them, and replaces primitives.
- ``copy`` (1.1) takes the value of the single node its JSONPath selects and
  applies it like ``update``.
- A target that selects nothing changes nothing; in strict mode it is an error,
  unless the action says ``x-rstar-optional: true`` (our extension, for actions
  that only tidy up, such as stripping an extension that may be absent).

Interpretations where the text is open (also in the closing note of the issue):
an action with both ``update`` and ``copy`` is an error (the text makes each
void the other); a node selected twice by one target is changed once; an
action with neither ``update``, ``copy`` nor ``remove`` changes nothing (an
error in strict mode).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonpath
import jsonschema
import yaml
from jsonpath.segments import JSONPathRecursiveDescentSegment
from jsonpath.selectors import NameSelector

from ..core.errors import Location, OverlayError, shorten
from ..core.limits import (
    GROWTH_FLOOR,
    MAX_DEPTH,
    MAX_GROWTH,
    MAX_JSONPATH_LENGTH,
    MAX_JSONPATH_SEGMENTS,
    count_nodes,
    depth,
)
from ..core.yaml_io import YamlDoc, load_yaml
from . import _iregexp

OPTIONAL_KEY = "x-rstar-optional"
_ENV = jsonpath.JSONPathEnvironment(strict=True)
_ENV.function_extensions["match"] = _iregexp.Match()  # linear time: RE2, not re's backtracking
_ENV.function_extensions["search"] = _iregexp.Search()
_SCHEMAS = {"1.0": "schema-v1.0.yaml", "1.1": "schema-v1.1.yaml"}


@dataclass(frozen=True)
class Action:
    index: int
    raw: dict[str, Any]
    target: jsonpath.JSONPath
    copy_from: jsonpath.JSONPath | None
    location: Location

    @property
    def label(self) -> str:
        return f"actions[{self.index}] (target {shorten(str(self.raw['target']), 80)})"


@dataclass(frozen=True)
class Overlay:
    path: Path
    version: str  # major.minor
    actions: tuple[Action, ...]
    doc: YamlDoc


def _canonical(value: Any) -> Any:
    """A hashable form under JSON equality: 1 == 1.0, true != 1, key order ignored."""
    if isinstance(value, dict):
        return ("object", frozenset((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_canonical(v) for v in value))
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, float) and value.is_integer():
        return ("number", int(value))
    return (type(value).__name__ if not isinstance(value, (int, float)) else "number", value)


def _unique_items(validator: Any, unique: bool, instance: Any, schema: Any) -> Any:
    """uniqueItems in linear time (jsonschema compares every pair: 17 s for 5,000 actions)."""
    if unique and validator.is_type(instance, "array"):
        seen: set[Any] = set()
        for item in instance:
            key = _canonical(item)
            if key in seen:
                yield jsonschema.ValidationError(f"{shorten(repr(instance))} has non-unique elements")
                return
            seen.add(key)


_OverlaySchemaValidator: type[jsonschema.protocols.Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"uniqueItems": _unique_items}
)


@cache
def _schema_validator(version: str) -> jsonschema.protocols.Validator:
    text = resources.files(__package__).joinpath("overlay_schemas", _SCHEMAS[version]).read_text(encoding="utf-8")
    return _OverlaySchemaValidator(yaml.safe_load(text))


@cache
def _compile(expression: str) -> jsonpath.JSONPath:
    if len(expression) > MAX_JSONPATH_LENGTH:
        raise ValueError(f"longer than {MAX_JSONPATH_LENGTH} characters")
    try:
        compiled = _ENV.compile(expression)
    except RecursionError:
        raise ValueError("nested too deep to parse") from None
    if isinstance(compiled, jsonpath.JSONPath) and len(compiled.segments) > MAX_JSONPATH_SEGMENTS:
        raise ValueError(f"more than {MAX_JSONPATH_SEGMENTS} segments (a document nests at most {MAX_DEPTH})")
    if not isinstance(compiled, jsonpath.JSONPath):  # a compound (union) path: not RFC 9535
        raise ValueError("not an RFC 9535 query")
    return compiled


def _jsonpath_problem(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return first


def load_overlay(path: Path) -> Overlay:
    """Read, check against its version's schema, and compile an overlay. Raises OverlayError."""
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict):
        raise OverlayError("an overlay document must be a mapping", doc.location(()))
    version = data.get("overlay")
    major_minor = ".".join(str(version).split(".")[:2]) if isinstance(version, str) else None
    if major_minor not in _SCHEMAS:
        raise OverlayError(
            f"unsupported Overlay version {version!r}: this tool applies 1.0.x and 1.1.x",
            doc.location(("overlay",)),
        )
    errors = sorted(
        _schema_validator(major_minor).iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    if errors:
        error = errors[0]
        pointer = tuple(str(p) for p in error.absolute_path)
        where = f" at {'/'.join(pointer)}" if pointer else ""
        instance = error.instance
        duplicated = error.validator == "uniqueItems" and isinstance(instance, list)
        message = _duplicate_items(instance) if duplicated and isinstance(instance, list) else shorten(error.message)
        raise OverlayError(f"not a valid Overlay {major_minor} document{where}: {message}", doc.location(pointer))
    actions = []
    for i, raw in enumerate(data["actions"]):
        location = doc.location(("actions", str(i)))
        label = f"actions[{i}] (target {shorten(str(raw['target']), 80)})"
        if "update" in raw and "copy" in raw:
            raise OverlayError(f"{label}: an action takes update or copy, not both", location)
        compiled: dict[str, jsonpath.JSONPath] = {}
        for key in ("target", "copy"):
            if key in raw:
                try:
                    compiled[key] = _compile(raw[key])
                except (jsonpath.JSONPathError, ValueError) as exc:
                    raise OverlayError(
                        f"{label}: invalid JSONPath in {key} {shorten(repr(raw[key]), 80)}: {_jsonpath_problem(exc)}",
                        doc.location(("actions", str(i), key)),
                    ) from None
        actions.append(Action(i, raw, compiled["target"], compiled.get("copy"), location))
    return Overlay(path, major_minor, tuple(actions), doc)


def _duplicate_items(items: list[Any]) -> str:
    for j, item in enumerate(items):
        for i in range(j):
            if items[i] == item:
                return f"actions must be unique: [{j}] repeats [{i}]"
    return "items must be unique"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "primitive"


def _merge(target: dict[str, Any], update: dict[str, Any], where: str) -> None:
    for key, value in update.items():
        if key not in target:
            target[key] = copy.deepcopy(value)
            continue
        current, path = target[key], f"{where}[{key!r}]"
        kinds = (_kind(current), _kind(value))
        if kinds == ("object", "object"):
            _merge(current, value, path)
        elif kinds == ("array", "array"):
            current.extend(copy.deepcopy(value))
        elif kinds == ("primitive", "primitive"):
            target[key] = value
        else:
            raise _Incompatible(f"cannot merge {_article(kinds[1])} into {_article(kinds[0])} at {path}")


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class _Incompatible(Exception):
    pass


def _last_names(path: jsonpath.JSONPath) -> frozenset[str] | None:
    """The member names a query's last segment selects, when it selects only by name (`['x-lint-ignore']`)."""
    last = path.segments[-1] if path.segments else None
    selectors = last.selectors if last is not None else ()
    names = [s.name for s in selectors if isinstance(s, NameSelector)]
    return frozenset(names) if names and len(names) == len(selectors) else None


def _has_member(document: Any, names: frozenset[str]) -> bool:
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not names.isdisjoint(node):
                return True
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return False


def _matches(path: jsonpath.JSONPath, document: Any) -> list[jsonpath.JSONPathMatch]:
    """The nodes a query selects, each once, in document order.

    A query that ends by selecting members by name selects nothing where no object has such a member: that is
    looked up first, in one plain walk (a descendant query over a 2,000-operation spec took 1 to 5 s in
    python-jsonpath's general walk, for the publish overlay's `$..[?@['x-lint-ignore']]['x-lint-ignore']`)."""
    names = _last_names(path) if any(isinstance(s, JSONPathRecursiveDescentSegment) for s in path.segments) else None
    if names is not None and not _has_member(document, names):  # only where the query walks everything anyway
        return []
    seen: set[tuple[Any, ...]] = set()
    found = []
    for match in path.finditer(document):
        if match.parts not in seen:
            seen.add(match.parts)
            found.append(match)
    return found


def _parent(document: Any, parts: tuple[Any, ...]) -> Any:
    node = document
    for part in parts[:-1]:
        node = node[part]
    return node


def apply_overlay(document: Any, overlay: Overlay, *, strict: bool = False, budget: _Budget | None = None) -> Any:
    """The document with every action applied, in order. The document is changed in place."""
    budget = budget or _Budget.for_document(document)
    for action in overlay.actions:
        try:
            document = _apply_action(document, action, strict, budget)
        except _Incompatible as exc:
            raise OverlayError(f"{action.label}: {exc}", action.location) from None
        except RecursionError:
            raise OverlayError(f"{action.label}: the document nests too deep to apply it", action.location) from None
    return document


def apply_overlays(document: Any, overlays: list[Overlay], *, strict: bool = False) -> Any:
    """Every overlay in order. The document may grow MAX_GROWTH times its size (plus GROWTH_FLOOR
    values) and nest MAX_DEPTH levels; past either, the action that would do it is refused."""
    budget = _Budget.for_document(document)
    for overlay in overlays:
        document = apply_overlay(document, overlay, strict=strict, budget=budget)
    return document


class _Budget:
    """The values a set of overlays may still add to the document."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed

    @classmethod
    def for_document(cls, document: Any) -> _Budget:
        return cls(int(count_nodes(document) * MAX_GROWTH) + GROWTH_FLOOR)

    def spend(self, value: Any, times: int, action: Action) -> None:
        added = count_nodes(value, stop_after=self.allowed) * times
        if added > self.allowed:
            raise OverlayError(
                f"{action.label}: would grow the document past its bound ({MAX_GROWTH:g} times its size, "
                f"plus {GROWTH_FLOOR:,} values)",
                action.location,
            )
        self.allowed -= added


def _apply_action(document: Any, action: Action, strict: bool, budget: _Budget) -> Any:
    raw = action.raw
    targets = _matches(action.target, document)
    if not targets:
        if strict and raw.get(OPTIONAL_KEY) is not True:
            raise OverlayError(f"{action.label}: selects nothing (strict mode)", action.location)
        return document
    if raw.get("remove") is True:
        return _remove(document, action, targets)
    if action.copy_from is not None:
        sources = _matches(action.copy_from, document)
        if len(sources) != 1:
            raise OverlayError(
                f"{action.label}: copy {raw['copy']!r} selects {len(sources)} nodes; it must select exactly one",
                action.location,
            )
        budget.spend(sources[0].obj, len(targets), action)  # before the copy is made
        value = copy.deepcopy(sources[0].obj)
    elif "update" in raw:
        value = raw["update"]
        budget.spend(value, len(targets), action)
    else:
        if strict:
            raise OverlayError(f"{action.label}: has no update, copy or remove (strict mode)", action.location)
        return document
    deepest = max(len(m.parts) for m in targets) + depth(value)
    if deepest > MAX_DEPTH:
        raise OverlayError(
            f"{action.label}: would make the document nest {deepest} levels (at most {MAX_DEPTH})", action.location
        )
    kinds = {_kind(m.obj) for m in targets}
    if len(kinds) > 1:
        raise OverlayError(
            f"{action.label}: selects a mix of {', '.join(sorted(kinds))} nodes; they must be all of one kind",
            action.location,
        )
    for match in targets:
        node, where = match.obj, match.path
        if isinstance(node, dict):
            if not isinstance(value, dict):
                raise _Incompatible(f"cannot merge {_article(_kind(value))} into an object at {where}")
            _merge(node, value, where)
        elif isinstance(node, list):
            node.extend(copy.deepcopy(value)) if isinstance(value, list) else node.append(copy.deepcopy(value))
        else:
            if isinstance(value, (dict, list)):
                raise _Incompatible(f"cannot replace a primitive with {_article(_kind(value))} at {where}")
            if not match.parts:
                return value
            _parent(document, match.parts)[match.parts[-1]] = value
    return document


def _remove(document: Any, action: Action, targets: list[jsonpath.JSONPathMatch]) -> Any:
    if any(not m.parts for m in targets):
        raise OverlayError(f"{action.label}: cannot remove the root of the document", action.location)
    # Resolve every parent before removing anything, then remove array elements from the
    # highest index down, so that removing one does not shift the next.
    located = [(_parent(document, m.parts), m.parts[-1]) for m in targets]
    for parent, key in sorted(located, key=lambda pk: pk[1] if isinstance(pk[1], int) else -1, reverse=True):
        if isinstance(parent, list) and isinstance(key, int):
            del parent[key]
        else:
            parent.pop(key, None)
    return document

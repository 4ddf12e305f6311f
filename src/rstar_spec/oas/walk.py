"""OpenAPI-aware walks over a bundled document, each yielding (pointer, node).

Walks know where OpenAPI puts things (operations, responses, media types,
schemas), so a schema property that happens to be called ``content`` is never
mistaken for a media-type map.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..core.pointer import Pointer, from_fragment, get

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
WRITE_METHODS = ("post", "put", "patch", "delete")

Walk = Iterator[tuple[Pointer, Any]]


def resolve(doc: dict[str, Any], node: Any, pointer: Pointer) -> tuple[Pointer, Any]:
    """Follow internal $refs from node; returns where the chain ends (itself if no ref)."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        ref = node["$ref"]
        if ref in seen:
            break
        seen.add(ref)
        try:
            pointer = from_fragment(ref[1:])
        except ValueError:
            break
        node = get(doc, pointer, None)
        if node is None:
            return pointer, None
    return pointer, node


def iter_path_items(doc: dict[str, Any]) -> Walk:
    paths = doc.get("paths")
    if isinstance(paths, dict):
        for path, item in paths.items():
            if isinstance(item, dict):
                yield ("paths", path), item


def item_operations(item: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(method, operation) for every operation of a Path Item, in HTTP_METHODS order."""
    if isinstance(item, dict):
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield method, op


def iter_operations(doc: dict[str, Any]) -> Iterator[tuple[Pointer, str, str, dict[str, Any]]]:
    """(pointer, path, method, operation) for every operation under paths."""
    if _kept is None:
        return _operations(doc)
    return _kept_walk(("operations", id(doc)), doc, lambda: _operations(doc))


def _operations(doc: dict[str, Any]) -> Iterator[tuple[Pointer, str, str, dict[str, Any]]]:
    for pointer, item in iter_path_items(doc):
        for method, op in item_operations(item):
            yield (*pointer, method), pointer[1], method, op


@dataclass(frozen=True)
class Parameter:
    """A parameter of an operation, as it applies: `written` where the list holds it, `pointer` where
    its $ref chain ends (the same when it has none), `ref` its $ref, `param` the resolved object."""

    written: Pointer
    pointer: Pointer
    ref: str | None
    param: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        """(in, name): header names compare without case."""
        where, name = str(self.param.get("in")), str(self.param.get("name"))
        return where, name.lower() if where == "header" else name


def effective_parameters(doc: dict[str, Any], op_pointer: Pointer) -> list[Parameter]:
    """The parameters of the operation at ("paths", path, method): the path item's and its own, resolved,
    an operation's parameter replacing the path item's of the same `in` and `name` (OpenAPI 3.1, 4.8.9).
    Entries that resolve to no object are left out (lint reports them)."""
    item = get(doc, op_pointer[:2], {})
    op = get(doc, op_pointer, {})
    found: dict[tuple[str, str], Parameter] = {}
    for owner, owner_pointer in ((item, op_pointer[:2]), (op, op_pointer)):
        params = owner.get("parameters") if isinstance(owner, dict) else None
        for i, param in enumerate(params if isinstance(params, list) else []):
            written = (*owner_pointer, "parameters", str(i))
            pointer, resolved = resolve(doc, param, written)
            if isinstance(resolved, dict):
                ref = param.get("$ref") if isinstance(param, dict) and isinstance(param.get("$ref"), str) else None
                parameter = Parameter(written, pointer, ref, resolved)
                found.pop(parameter.key, None)  # the operation's comes after, in its own order
                found[parameter.key] = parameter
    return list(found.values())


def child_objects(node: Any, pointer: Pointer) -> Walk:
    """The objects (dicts) directly inside a mapping or a list, with their pointers."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict):
                yield (*pointer, key), value
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict):
                yield (*pointer, str(i)), value


def _map_items(node: Any, pointer: Pointer) -> Walk:
    return child_objects(node, pointer) if isinstance(node, dict) else iter(())


def _list_items(node: Any, pointer: Pointer) -> Walk:
    return child_objects(node, pointer) if isinstance(node, list) else iter(())


def iter_parameters(doc: dict[str, Any]) -> Walk:
    """Every parameter object as written (a $ref is yielded as is), components first."""
    yield from _map_items(doc.get("components", {}).get("parameters"), ("components", "parameters"))
    for pointer, item in iter_path_items(doc):
        yield from _list_items(item.get("parameters"), (*pointer, "parameters"))
        for method, op in item_operations(item):
            yield from _list_items(op.get("parameters"), (*pointer, method, "parameters"))


def iter_request_bodies(doc: dict[str, Any]) -> Walk:
    yield from _map_items(doc.get("components", {}).get("requestBodies"), ("components", "requestBodies"))
    for pointer, _, _, op in iter_operations(doc):
        body = op.get("requestBody")
        if isinstance(body, dict):
            yield (*pointer, "requestBody"), body


def iter_responses(doc: dict[str, Any]) -> Iterator[tuple[Pointer, str | None, Any]]:
    """(pointer, status or None for a component, response) for every response as written."""
    components = doc.get("components", {}).get("responses")
    for pointer, response in _map_items(components, ("components", "responses")):
        yield pointer, None, response
    for pointer, _, _, op in iter_operations(doc):
        responses = op.get("responses")
        for rpointer, response in _map_items(responses, (*pointer, "responses")):
            yield rpointer, rpointer[-1], response


def iter_headers(doc: dict[str, Any]) -> Walk:
    yield from _map_items(doc.get("components", {}).get("headers"), ("components", "headers"))
    for pointer, _, response in iter_responses(doc):
        yield from _map_items(response.get("headers"), (*pointer, "headers"))


def iter_media_types(doc: dict[str, Any]) -> Walk:
    """Every media type object of request bodies, responses, parameters and headers."""
    owners = [
        *iter_request_bodies(doc),
        *((p, r) for p, _, r in iter_responses(doc)),
        *iter_parameters(doc),
        *iter_headers(doc),
    ]
    for pointer, owner in owners:
        yield from _map_items(owner.get("content"), (*pointer, "content"))


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONES = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)


def child_schemas(schema: Any, pointer: Pointer) -> Walk:
    """The schemas written directly inside a schema (properties, items, allOf branches...), not deeper."""
    if not isinstance(schema, dict):
        return
    for key in _SCHEMA_MAPS:
        yield from _map_items(schema.get(key), (*pointer, key))
    for key in _SCHEMA_LISTS:
        yield from _list_items(schema.get(key), (*pointer, key))
    for key in _SCHEMA_ONES:
        if isinstance(schema.get(key), dict):
            yield (*pointer, key), schema[key]


_SUBSCHEMA_KEYS = frozenset((*_SCHEMA_MAPS, *_SCHEMA_LISTS, *_SCHEMA_ONES))


# While `walks_kept()` is open: each walk made once, under its key (what it walked, by id, and how), with the
# object walked (held, so that its id is not reused by another while the walk is kept)
_kept: dict[tuple[Any, ...], tuple[Any, list[Any]]] | None = None


@contextlib.contextmanager
def walks_kept() -> Iterator[None]:
    """Keep each walk of `iter_subschemas` and `iter_operations` while the document does not change: lint walks
    every schema three times (its index, the examples, the structure's defaults), 0.02 s each on Stripe's
    description, and its operations fourteen times."""
    global _kept
    saved, _kept = _kept, {}
    try:
        yield
    finally:
        _kept = saved


def _kept_walk(key: tuple[Any, ...], walked: Any, walk: Callable[[], Iterable[Any]]) -> Iterator[Any]:
    """The walk kept under key (made now when it is not, or was of another object of the same id)."""
    assert _kept is not None
    kept = _kept.get(key)
    if kept is None or kept[0] is not walked:
        kept = _kept[key] = (walked, list(walk()))
    return iter(kept[1])


def iter_subschemas(schema: Any, pointer: Pointer, *, ref_siblings: bool = True) -> Walk:
    """The schema and every schema inside it (depth first); $ref nodes are yielded, not followed, and without
    ref_siblings (OpenAPI 3.0, where they are ignored) not entered either."""
    if _kept is None:
        return _subschemas(schema, pointer, ref_siblings)
    if ref_siblings:
        return _kept_walk(("schemas", id(schema), pointer, True), schema, lambda: _subschemas(schema, pointer, True))
    # the walk into $ref siblings, without them (lint's index walks into them, 3.0's checks not)
    return _kept_walk(
        ("schemas", id(schema), pointer, False),
        schema,
        lambda: _without_ref_siblings(iter_subschemas(schema, pointer, ref_siblings=True)),
    )


def _without_ref_siblings(walk: Walk) -> Walk:
    """A depth-first walk less what lies inside a node that holds a $ref (contiguous after it, below its
    pointer)."""
    inside: Pointer | None = None
    for pointer, node in walk:
        if inside is not None and len(pointer) > len(inside) and pointer[: len(inside)] == inside:
            continue
        inside = pointer if "$ref" in node else None
        yield pointer, node


def _subschemas(schema: Any, pointer: Pointer, ref_siblings: bool) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    """A stack, not recursion: a chain of `yield from` costs each node the depth it sits at, and a leaf (most
    schemas are) is told apart by one set intersection."""
    if not isinstance(schema, dict):
        return
    stack: list[tuple[Pointer, dict[str, Any]]] = [(pointer, schema)]
    keys = _SUBSCHEMA_KEYS
    while stack:
        pointer, node = stack.pop()
        yield pointer, node
        present = keys.intersection(node)
        if not present or (not ref_siblings and "$ref" in node):
            continue
        children: list[tuple[Pointer, dict[str, Any]]] = []
        for key in _SCHEMA_MAPS:
            if key in present and isinstance(node[key], dict):
                children += [((*pointer, key, k), v) for k, v in node[key].items() if isinstance(v, dict)]
        for key in _SCHEMA_LISTS:
            if key in present and isinstance(node[key], list):
                children += [((*pointer, key, str(i)), v) for i, v in enumerate(node[key]) if isinstance(v, dict)]
        for key in _SCHEMA_ONES:
            if key in present and isinstance(node[key], dict):
                children.append(((*pointer, key), node[key]))
        stack.extend(reversed(children))


def iter_schemas(doc: dict[str, Any], *, ref_siblings: bool = True) -> Walk:
    """Every schema object of the document, nested ones included (ref_siblings: see iter_subschemas)."""
    for pointer, schema in _map_items(doc.get("components", {}).get("schemas"), ("components", "schemas")):
        yield from iter_subschemas(schema, pointer, ref_siblings=ref_siblings)
    for pointer, owner in [*iter_media_types(doc), *iter_parameters(doc), *iter_headers(doc)]:
        if isinstance(owner.get("schema"), dict):
            yield from iter_subschemas(owner["schema"], (*pointer, "schema"), ref_siblings=ref_siblings)


# Keys under which a document holds data, not OpenAPI: a "$ref" there is a value like any other.
_DATA_KEYS = frozenset({"example", "default", "const", "enum", "value"})
# Maps whose keys are names (a property called "default", the `default` response): never data keys.
_NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "paths", "webhooks",
        "responses", "content", "headers", "links", "callbacks", "examples", "encoding", "schemas", "parameters",
        "requestBodies", "securitySchemes", "pathItems", "variables", "mapping",
    }
)  # fmt: skip


def iter_refs(node: Any, pointer: Pointer = (), *, data: bool = True) -> Iterator[tuple[Pointer, str]]:
    """(pointer of the $ref key, ref) for every $ref string below node, in document order; with data=False
    not under what holds data rather than OpenAPI (examples, defaults, enums, x- extensions). Recursive:
    what is read is at most core.limits.MAX_DEPTH deep."""
    if isinstance(node, dict):
        names = data or (bool(pointer) and pointer[-1] in _NAME_MAPS)
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield (*pointer, key), value
            elif isinstance(value, (dict, list)) and (
                names
                or not (key in _DATA_KEYS or key.startswith("x-") or (key == "examples" and isinstance(value, list)))
            ):
                yield from iter_refs(value, (*pointer, key), data=data)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (dict, list)):
                yield from iter_refs(value, (*pointer, str(i)), data=data)


def effective_security(doc: dict[str, Any], op: dict[str, Any]) -> list[Any]:
    security = op.get("security", doc.get("security", []))
    return security if isinstance(security, list) else []


def is_authenticated(doc: dict[str, Any], op: dict[str, Any]) -> bool:
    """True when every way to call the operation needs credentials (no `{}` requirement)."""
    security = effective_security(doc, op)
    return bool(security) and all(isinstance(req, dict) and req for req in security)

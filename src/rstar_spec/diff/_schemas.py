"""Schema Objects as diff compares them: with 3.1 meaning, allOf folded in, each part where it is written.

A view is built once per place of a document. A 3.0 schema is read with 3.0 semantics and given its 3.1
meaning here, so that the comparison knows one dialect: ``nullable: true`` adds ``null`` to the types (or a
``{type: null}`` branch to a oneOf/anyOf), a boolean ``exclusiveMinimum``/``exclusiveMaximum`` turns its
``minimum``/``maximum`` into the 3.1 number, ``example`` becomes ``examples``. A 3.1 ``$ref`` with
constraints beside it (3.1 applies both) reads as an ``allOf`` of the target and those constraints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.pointer import Pointer
from ..oas.schemas import mapping_of, names_of
from ..oas.walk import resolve

Node = dict[str, Any]
Types = frozenset[str]

# What a $ref's siblings may say without constraining a value: they do not make a new schema of it.
_ANNOTATIONS = frozenset(
    {"description", "summary", "title", "example", "examples", "deprecated", "$comment", "readOnly", "writeOnly"}
)
# What an allOf part gives the whole when the schema does not say it itself.
_INHERITED = (
    "type", "enum", "const", "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "default",
)  # fmt: skip
_NULL_BRANCH: Node = {"type": "null"}


@dataclass
class View:
    """One schema, merged: `pointer` is its identity (where its $ref chain ends); `schema` its keywords with
    allOf folded in; `places` where each property, `items` and `additionalProperties` is written (in the
    schema or in an allOf part); `branches` its oneOf/anyOf variants as (pointer, node)."""

    pointer: Pointer
    schema: Node
    places: dict[tuple[str, ...], Pointer] = field(default_factory=dict)
    branches: list[tuple[Pointer, Any]] | None = None
    exclusive: bool = False  # oneOf: a value must match exactly one branch
    types: Types | None = None  # filled in by Schemas.types: None = not worked out or any type
    types_known: bool = False

    @property
    def name(self) -> str | None:
        """The component's name when the schema is one (#/components/schemas/NAME)."""
        if len(self.pointer) == 3 and self.pointer[:2] == ("components", "schemas"):
            return self.pointer[2]
        return None

    def place(self, *key: str) -> Pointer:
        return self.places.get(key, (*self.pointer, *key))


class Schemas:
    """The views of one document, each built once."""

    def __init__(self, doc: Node, version: str) -> None:
        self.doc = doc
        self.v30 = version == "3.0"
        self._views: dict[Pointer, View | None] = {}
        self._building: set[Pointer] = set()
        self._typing: set[Pointer] = set()

    def view(self, node: Any, pointer: Pointer) -> View | None:
        """The view of the schema written at pointer (node, as written there); None for what is not a schema
        object (a boolean schema, a broken $ref) or a $ref cycle."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            siblings = {k: v for k, v in node.items() if k != "$ref" and k not in _ANNOTATIONS}
            if siblings and not self.v30:  # 3.0 ignores a $ref's siblings; 3.1 applies both
                node = {"allOf": [{"$ref": node["$ref"]}], **siblings}
            else:
                pointer, node = resolve(self.doc, node, pointer)
        if pointer in self._views:
            return self._views[pointer]
        if not isinstance(node, dict) or pointer in self._building:
            return None
        self._building.add(pointer)
        try:
            built = self._build(node, pointer)
        finally:
            self._building.discard(pointer)
        self._views[pointer] = built
        return built

    def _build(self, node: Node, pointer: Pointer) -> View:
        merged = dict(node)
        view = View(pointer, merged)
        for name in mapping_of(node.get("properties")):
            view.places[("properties", name)] = (*pointer, "properties", name)
        properties = dict(mapping_of(node.get("properties")))
        required = set(names_of(node.get("required")))
        self._take_branches(view, node, pointer)
        parts = node.get("allOf")
        for i, part in enumerate(parts if isinstance(parts, list) else []):
            sub = self.view(part, (*pointer, "allOf", str(i)))
            if sub is None:
                continue
            for name, prop in mapping_of(sub.schema.get("properties")).items():
                if name not in properties:
                    properties[name] = prop
                    view.places[("properties", name)] = sub.place("properties", name)
            required |= names_of(sub.schema.get("required"))
            for key in (*_INHERITED, "items", "additionalProperties"):
                if key in sub.schema and key not in merged:
                    merged[key] = sub.schema[key]
                    if key in ("items", "additionalProperties"):
                        view.places[(key,)] = sub.place(key)
            if view.branches is None and sub.branches is not None:
                view.branches, view.exclusive = sub.branches, sub.exclusive
        if properties or "properties" in node:
            merged["properties"] = properties
        if required or "required" in node:
            merged["required"] = sorted(required)
        if self.v30:
            self._as_31(view)
        return view

    def _take_branches(self, view: View, node: Node, pointer: Pointer) -> None:
        for key in ("oneOf", "anyOf"):
            variants = node.get(key)
            if isinstance(variants, list) and variants:
                view.branches = [((*pointer, key, str(i)), v) for i, v in enumerate(variants)]
                view.exclusive = key == "oneOf"
                return

    def _as_31(self, view: View) -> None:
        """A 3.0 schema's keywords with their 3.1 meaning (OpenAPI 3.0.3 4.7.24; 3.1 appendix on nullable)."""
        schema = view.schema
        if schema.get("nullable") is True:
            kind = schema.get("type")
            if isinstance(kind, str):
                schema["type"] = [kind, "null"]
            elif isinstance(kind, list):
                schema["type"] = [*kind, *(["null"] if "null" not in kind else [])]
            elif view.branches is not None:
                view.branches = [*view.branches, ((*view.pointer, "nullable"), _NULL_BRANCH)]
        for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if isinstance(schema.get(exclusive), bool) and schema.pop(exclusive) and bound in schema:
                schema[exclusive] = schema.pop(bound)  # true: the bound is exclusive; false: it is inclusive
        if "example" in schema and "examples" not in schema:
            schema["examples"] = [schema.pop("example")]

    def branch_views(self, view: View) -> list[tuple[Pointer, View | None]]:
        return [(pointer, self.view(node, pointer)) for pointer, node in view.branches or []]

    def types(self, view: View) -> Types | None:
        """The JSON types a value of the schema may have: its `type`, narrowed to what its oneOf/anyOf
        branches allow; None when nothing says (any type)."""
        if view.types_known:
            return view.types
        if view.pointer in self._typing:
            return None  # a branch that is the schema itself: says nothing more
        self._typing.add(view.pointer)
        try:
            own = _type_set(view.schema.get("type"))
            union: set[str] | None = None
            if view.branches is not None:
                union = set()
                for _, branch in self.branch_views(view):
                    sub = self.types(branch) if branch is not None else None
                    if sub is None:
                        union = None
                        break
                    union |= sub
            if own is not None and union is not None:
                both = (own & union) | ({"integer"} if "integer" in union and "number" in own else set())
                result: Types | None = frozenset(both)
            else:
                result = own if own is not None else (frozenset(union) if union is not None else None)
        finally:
            self._typing.discard(view.pointer)
        view.types, view.types_known = result, True
        return result


def flag(written: Any, view: View | None, key: str) -> bool:
    """readOnly/writeOnly as the place that uses a schema says it, or the schema itself."""
    return (isinstance(written, dict) and written.get(key) is True) or (
        view is not None and view.schema.get(key) is True
    )


def _type_set(kind: Any) -> Types | None:
    if isinstance(kind, str):
        return frozenset({kind})
    if isinstance(kind, list) and kind:
        return frozenset(str(k) for k in kind)
    return None

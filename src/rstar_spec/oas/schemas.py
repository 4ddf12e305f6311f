"""Schema Objects as the tools read them: where components live, and an object schema with its allOf merged.

diff compares merged schemas (a property an ``allOf`` part adds is a property of the whole); lint asks
a merged schema what an answer requires (the page envelope, the Error object). Both ask here.
"""

from __future__ import annotations

from typing import Any

from ..core.pointer import Pointer
from .walk import resolve

SCHEMA_REF_PREFIX = "#/components/schemas/"  # a $ref to a named model: SCHEMA_REF_PREFIX + name


def merged_object(
    doc: dict[str, Any], schema: Any, pointer: Pointer, _seen: frozenset[Pointer] = frozenset()
) -> tuple[Pointer, dict[str, Any]]:
    """(where the schema's $ref chain ends, the schema with its allOf parts folded in): properties and
    required of every part; type, enum, items and additionalProperties where the schema has none.
    A part the schema also defines keeps the schema's own. {} for what is not a schema object."""
    pointer, schema = resolve(doc, schema, pointer)
    if not isinstance(schema, dict) or pointer in _seen:
        return pointer, {}
    seen = _seen | {pointer}
    merged = dict(schema)
    parts = schema.get("allOf")
    for i, part in enumerate(parts if isinstance(parts, list) else []):
        _, sub = merged_object(doc, part, (*pointer, "allOf", str(i)), seen)
        merged["properties"] = {**mapping_of(sub.get("properties")), **mapping_of(merged.get("properties"))}
        merged["required"] = sorted(names_of(merged.get("required")) | names_of(sub.get("required")))
        for key in ("type", "enum", "items", "additionalProperties"):
            if key in sub and key not in merged:
                merged[key] = sub[key]
    return pointer, merged


def mapping_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def names_of(value: Any) -> set[str]:
    return {name for name in value if isinstance(name, str)} if isinstance(value, list) else set()

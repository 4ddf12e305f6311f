"""OpenAPI 3.0 read with 3.0 meaning: which version a document is, and its Schema Objects in 2020-12.

A 3.0 Schema Object is an extended subset of JSON Schema draft 4 with words of its own (OpenAPI 3.0.3,
4.7.24): `nullable: true` adds null to the `type` of the same object and to nothing else (`enum` still
decides, and without a `type` it does nothing), `exclusiveMinimum: true` makes `minimum` exclusive, and the
siblings of a `$ref` are ignored. The one schema engine speaks JSON Schema 2020-12 (OpenAPI 3.1's dialect),
so a 3.0 document's Schema Objects are translated once, in a copy that keeps every pointer, and validated as
that: ``publish/downconvert.py`` (3.1 -> 3.0.3) read backwards, for what validation needs. Everything else of
a 3.0 document (paths, parameters, responses) reads as 3.1's does.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.pointer import Pointer
from .walk import iter_headers, iter_media_types, iter_parameters

_VERSION_30 = re.compile(r"3\.0(?:\.|$)")
_SUBSCHEMA_ONES = ("items", "not", "additionalProperties")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def version_of(doc: Any) -> str:
    """ "3.0" for a document whose `openapi` is 3.0.x; "3.1" for any other (the 3.1 structure check names a
    value that is neither)."""
    found = doc.get("openapi") if isinstance(doc, dict) else None
    return "3.0" if isinstance(found, str) and _VERSION_30.match(found) else "3.1"


def schema_2020(schema: Any) -> Any:
    """A 3.0 Schema Object as the JSON Schema 2020-12 that means the same. The input is not changed."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:  # a Reference Object: its siblings are ignored (3.0.3, 4.7.24, 4.7.26)
        return {"$ref": schema["$ref"]}
    out = dict(schema)
    kind = out.get("type")
    if out.get("nullable") is True and isinstance(kind, str):
        out["type"] = [kind, "null"]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        exclusive = out.get(bound)
        if isinstance(exclusive, bool):  # a number here is no 3.0: the structure check says so
            del out[bound]
            if exclusive and limit in out:
                out[bound] = out.pop(limit)
    properties = out.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {name: schema_2020(sub) for name, sub in properties.items()}
    for key in _SUBSCHEMA_ONES:
        if isinstance(out.get(key), dict):
            out[key] = schema_2020(out[key])
    for key in _SUBSCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [schema_2020(sub) for sub in out[key]]
    return out


def with_2020_schemas(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every Schema Object in 2020-12 when it is a 3.0 one, else the document itself.

    Only the containers on the way to a schema are copied; the rest (descriptions, examples) is shared."""
    if version_of(doc) != "3.0":
        return doc
    out = dict(doc)
    copied = {id(out)}

    def put(pointer: Pointer, value: Any) -> None:
        node: Any = out
        for token in pointer[:-1]:
            key: Any = int(token) if isinstance(node, list) else token
            child = node[key]
            if id(child) not in copied:
                child = dict(child) if isinstance(child, dict) else list(child)
                copied.add(id(child))
                node[key] = child
            node = child
        node[int(pointer[-1]) if isinstance(node, list) else pointer[-1]] = value

    components = doc.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if isinstance(schemas, dict):
        for name, schema in schemas.items():
            put(("components", "schemas", name), schema_2020(schema))
    for pointer, owner in [*iter_media_types(doc), *iter_parameters(doc), *iter_headers(doc)]:
        if isinstance(owner, dict) and "schema" in owner:
            put((*pointer, "schema"), schema_2020(owner["schema"]))
    return out

"""Validation of a bundle: its structure (``structure.py``) and its examples.

Examples are validated with JSON Schema 2020-12 (the dialect of OpenAPI 3.1;
a 3.0 document's schemas with 3.0 meaning, translated) against the schema they illustrate, with formats checked, $refs resolved inside
the bundle, by the one schema engine (``schema_engine.BundleSchemas``). Problems
are values that carry a bundle pointer; the caller turns the pointer into a
source location through the bundle's source map.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..core.errors import RstarError, shorten
from ..core.pointer import Pointer, to_string
from .bundle import Bundle
from .openapi30 import version_of
from .schema_engine import BundleSchemas, SchemaRefError
from .structure import Problem, check_structure
from .walk import iter_headers, iter_media_types, iter_parameters, iter_schemas, resolve

__all__ = [
    "Problem",
    "iter_examples",
    "require_structure",
    "shape_problems",
    "validate",
    "validate_examples",
    "validate_structure",
]


def validate_structure(
    doc: dict[str, Any],
    version: str | None = None,
    *,
    operations: bool = True,
    shapes: list[Problem] | None = None,
    refs_resolved: bool = False,
) -> list[Problem]:
    """Every structural problem of the document, as OpenAPI `version` ("3.1" or "3.0"; by default the one its
    `openapi` field names) says (operations, shapes, refs_resolved: see ``check_structure``)."""
    return check_structure(doc, version, operations=operations, shapes=shapes, refs_resolved=refs_resolved)


def shape_problems(doc: dict[str, Any]) -> list[Problem]:
    """The structural problems a walk of the document trips on: its shapes, not what no schema says (a
    duplicate operationId, a path parameter never declared), which the walks cope with."""
    return check_structure(doc, semantic=False)


def require_structure(bundle: Bundle, label: str = "the spec") -> None:
    """Refuse, as bad input (one line at its place), a bundle whose shapes are not valid OpenAPI: whatever walks
    a document (diff, the lint rules) assumes the shapes the structure check holds it to."""
    problems = shape_problems(bundle.data)
    if problems:
        first = problems[0]
        raise RstarError(
            f"{label} is not valid OpenAPI at {to_string(first.pointer) or '/'}: {shorten(first.message)}",
            bundle.locate(first.pointer),
        )


def iter_examples(doc: dict[str, Any]) -> Iterator[tuple[Pointer, Pointer, Any]]:
    """(pointer of the example value, pointer of its schema, value) for every example."""
    for pointer, owner in [*iter_media_types(doc), *iter_parameters(doc), *iter_headers(doc)]:
        if "$ref" in owner or not isinstance(owner.get("schema"), dict):
            continue
        schema_pointer = (*pointer, "schema")
        if "example" in owner:
            yield (*pointer, "example"), schema_pointer, owner["example"]
        examples = owner.get("examples")
        if isinstance(examples, dict):
            for name, example in examples.items():
                example_pointer, resolved = resolve(doc, example, (*pointer, "examples", name))
                if isinstance(resolved, dict) and "value" in resolved:
                    yield (*example_pointer, "value"), schema_pointer, resolved["value"]
    is_30 = version_of(doc) == "3.0"
    for pointer, schema in iter_schemas(doc, ref_siblings=not is_30):
        if is_30 and "$ref" in schema:  # 3.0 ignores what stands beside a $ref, an example too
            continue
        if isinstance(schema.get("examples"), list):
            for i, value in enumerate(schema["examples"]):
                yield (*pointer, "examples", str(i)), pointer, value
        if "example" in schema:
            yield (*pointer, "example"), pointer, schema["example"]


def _schemas_only(doc: dict[str, Any], schema_pointers: Iterable[Pointer]) -> dict[str, Any]:
    """The document cut down to its component schemas and the schemas at schema_pointers, each in its place (lists
    keep their length): what the schema engine copies into Rust, instead of every example and description."""
    skeleton: dict[str, Any] = {"openapi": doc["openapi"]} if "openapi" in doc else {}  # the schemas' meaning
    schemas = doc.get("components", {}).get("schemas") if isinstance(doc.get("components"), dict) else None
    if schemas is not None:
        skeleton["components"] = {"schemas": schemas}
    for pointer in schema_pointers:
        source: Any = doc
        target: Any = skeleton
        for depth, token in enumerate(pointer):
            if target is source:  # inside a schema already taken whole
                break
            key: Any = int(token) if isinstance(source, list) else token
            child = source[key]
            existing = target[key] if isinstance(target, list) else target.get(key)
            if depth == len(pointer) - 1:
                target[key] = child
            elif existing is None:
                target[key] = [None] * len(child) if isinstance(child, list) else {}
            source, target = child, target[key]
    return skeleton


def validate_examples(doc: dict[str, Any]) -> list[Problem]:
    """Every example that does not match its schema, one problem per example (the first error).

    The schema engine reads a copy of the document cut down to its schemas (a third of a spec's size); a schema
    whose $ref leads elsewhere is compiled against the whole document, as before."""
    examples = list(iter_examples(doc))
    by_schema: dict[Pointer, list[int]] = {}
    seen: set[tuple[Pointer, Pointer]] = set()
    for i, (value_pointer, schema_pointer, _) in enumerate(examples):
        if (value_pointer, schema_pointer) in seen:  # a shared example component is checked once per schema
            continue
        seen.add((value_pointer, schema_pointer))
        by_schema.setdefault(schema_pointer, []).append(i)
    schemas = BundleSchemas(_schemas_only(doc, sorted(by_schema, key=len)))
    whole: BundleSchemas | None = None
    found: dict[int, Problem] = {}
    # one schema at a time, its validator dropped after its examples: memory stays that of one, not of thousands
    for schema_pointer, indexes in by_schema.items():
        for i in indexes:
            value_pointer, _, value = examples[i]
            try:
                try:
                    error = schemas.first_error(schema_pointer, value)
                except SchemaRefError:
                    whole = whole or BundleSchemas(doc)
                    error = whole.first_error(schema_pointer, value)
            except SchemaRefError as exc:
                found[i] = Problem(schema_pointer, f"schema cannot be compiled: {exc}")
                continue
            if error is not None:
                where = "".join(f"/{p}" for p in error.path) or "/"
                found[i] = Problem(
                    (*value_pointer, *error.path),
                    f"example does not match its schema at {where}: {shorten(error.message)}",
                )
        schemas.forget(schema_pointer)
        if whole is not None:
            whole.forget(schema_pointer)
    return [found[i] for i in sorted(found)]


def validate(doc: dict[str, Any], *, refs_resolved: bool = False) -> list[Problem]:
    """Structure first; examples only when the structure is sound enough to walk. refs_resolved: the document is
    a bundle, whose internal $refs the bundler has resolved already."""
    problems = validate_structure(doc, refs_resolved=refs_resolved)
    return problems or validate_examples(doc)

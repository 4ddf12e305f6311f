"""Is the document OpenAPI? The structural check, at native speed.

Three layers, every problem reported (not only the first), each at a bundle
pointer the caller turns into ``file:line:col``:

1. the OpenAPI Initiative's JSON Schema of the document (3.1 or 3.0), compiled
   once by jsonschema-rs;
2. every Schema Object against its dialect (3.1: the OAS base dialect, JSON
   Schema 2020-12 with ``format: regex`` checked): the 3.1 document schema says
   only "an object or a boolean" there;
3. what no schema can say: unique operationIds, tag names and parameters, path
   templates and path parameters that match, internal ``$ref``s that resolve,
   ``required`` names that an ``allOf`` defines, ``default`` values their schema
   accepts.

openapi-spec-validator did this in pure Python (about 70 % of lint's time at
2,000 operations); it stays as the oracle of ``tests/test_structure_differential.py``,
which holds these verdicts to its verdicts.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jsonschema_rs

from ..core.errors import shorten
from ..core.pointer import Pointer, from_fragment, get, to_string
from .openapi30 import version_of
from .paths import template_names
from .schema_engine import BundleSchemas, SchemaRefError
from .walk import (
    item_operations,
    iter_headers,
    iter_media_types,
    iter_operations,
    iter_parameters,
    iter_path_items,
    iter_refs,
    iter_subschemas,
    resolve,
)

DIALECT_31 = "https://spec.openapis.org/oas/3.1/dialect/base"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_DOCUMENT_SCHEMAS = {"3.1": "oas-3.1-schema-2022-10-07.json", "3.0": "oas-3.0-schema-2021-09-28.json"}
_VOCABULARIES = {
    DIALECT_31: "oas-3.1-dialect-base.json",
    "https://spec.openapis.org/oas/3.1/meta/base": "oas-3.1-meta-base.json",
}
_COMBINATORS = ("AnyOf", "OneOfNotValid", "OneOfMultipleValid", "Not", "FalseSchema")


@dataclass(frozen=True)
class Problem:
    """Something wrong at a pointer of the bundle."""

    pointer: Pointer
    message: str


def _load(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("oas_schemas", name).read_text(encoding="utf-8"))


@functools.cache
def _document_validator(version: str) -> Any:
    return jsonschema_rs.validator_for(_load(_DOCUMENT_SCHEMAS[version]), validate_formats=False)


@functools.cache
def _dialect_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry([(uri, _load(name)) for uri, name in _VOCABULARIES.items()])


@functools.cache
def _schema_object_validator(dialect: str) -> Any:
    """A validator of Schema Objects written in dialect (its meta-schema), formats checked (`pattern` is a regex)."""
    return jsonschema_rs.validator_for({"$ref": dialect}, registry=_dialect_registry(), validate_formats=True)


def check_structure(
    doc: Any,
    version: str | None = None,
    *,
    operations: bool = True,
    semantic: bool = True,
    shapes: list[Problem] | None = None,
    refs_resolved: bool = False,
) -> list[Problem]:
    """Every structural problem of the document (an OpenAPI `version` of "3.1" or "3.0"; by default the one
    its `openapi` field names: 3.0.x is checked by the 3.0 rules, anything else by 3.1's). With
    operations=False, without the operation checks (duplicate_operation_ids, duplicate_parameters,
    path_parameter_problems): lint reports those under rules of their own. With semantic=False only its
    shapes (the document and Schema Objects against their schemas): what a walk of it relies on; `shapes`
    gives those when the caller has them already (lint checks them first); refs_resolved says that every
    internal $ref is known to point somewhere (a bundle's: the bundler refused any other)."""
    if not isinstance(doc, dict):
        return [Problem((), "an OpenAPI document is a mapping")]
    version = version or version_of(doc)
    if shapes is not None:
        problems = list(shapes)
    else:
        problems = list(_document_problems(doc, version))
        if version == "3.1":  # 3.0's document schema describes Schema Objects itself
            problems += _schema_object_problems(doc)
    if semantic:
        problems += _semantic_problems(doc, operations, version, refs_resolved)
    return sorted(set(problems), key=lambda p: (p.pointer, p.message))


# -- 1. the document schema --------------------------------------------------------------------------------
def _document_problems(doc: dict[str, Any], version: str) -> Iterator[Problem]:
    errors = list(_document_validator(version).iter_errors(doc))
    paths = [tuple(str(p) for p in e.instance_path) for e in errors]
    precise = _schema_30_problems(doc, errors, paths) if version == "3.0" else {}
    for error, path in zip(errors, paths, strict=True):
        # "valid under none of oneOf" over a node that has a deeper, more precise error: the deeper one says it
        if _is_combinator(error) and any(len(other) > len(path) and other[: len(path)] == path for other in paths):
            continue
        if path in precise:
            yield from precise[path]
            continue
        yield Problem(path, shorten(error.message))


def _is_combinator(error: Any) -> bool:
    return type(error.kind).__name__ in _COMBINATORS


@functools.cache
def _schema_30_validator() -> Any:
    """The 3.0 document schema's own definition of a Schema Object (draft 4: the siblings of $ref are ignored)."""
    document = _load(_DOCUMENT_SCHEMAS["3.0"])
    return jsonschema_rs.validator_for(
        {"$schema": document["$schema"], "definitions": document["definitions"], "$ref": "#/definitions/Schema"},
        validate_formats=False,
    )


def _schema_30_problems(doc: dict[str, Any], errors: list[Any], paths: list[Pointer]) -> dict[Pointer, list[Problem]]:
    """For a 3.0 document, what "valid under none of [Schema, Reference]" means at a Schema Object: each
    Schema Object in it checked on its own against the Schema definition, so the problem is named where it is.
    Only a broken document pays for this."""
    if not any(_is_combinator(error) for error in errors):
        return {}
    roots = {pointer: schema for pointer, schema in _schema_roots(doc) if isinstance(schema, dict)}
    found: dict[Pointer, list[Problem]] = {}
    for error, path in zip(errors, paths, strict=True):
        if not _is_combinator(error):
            continue
        root = next((r for r in roots if path[: len(r)] == r), None)
        node = get(doc, path, None)
        if root is None or not isinstance(node, dict) or "$ref" in node:
            continue
        problems = []
        for sub_pointer, sub in iter_subschemas(node, path, ref_siblings=False):
            if "$ref" in sub:
                continue
            for sub_error in _schema_30_validator().iter_errors(sub):
                where = tuple(str(p) for p in sub_error.instance_path)
                inner = get(sub, where, None)
                if _is_combinator(sub_error) and isinstance(inner, dict) and "$ref" not in inner:
                    continue  # a Schema Object inside: checked on its own, in this loop
                problems.append(Problem((*sub_pointer, *where), f"not a valid schema: {shorten(sub_error.message)}"))
        if problems:
            found[path] = problems
    return found


# -- 2. Schema Objects against their dialect ---------------------------------------------------------------
def _schema_roots(doc: dict[str, Any]) -> Iterator[tuple[Pointer, Any]]:
    """Every Schema Object that is not inside another (the dialect check covers what nests)."""
    schemas = get(doc, ("components", "schemas"), None)
    if isinstance(schemas, dict):
        for name, schema in schemas.items():
            yield ("components", "schemas", name), schema
    for pointer, owner in [*iter_media_types(doc), *iter_parameters(doc), *iter_headers(doc)]:
        if isinstance(owner, dict) and "schema" in owner and "$ref" not in owner:
            yield (*pointer, "schema"), owner["schema"]


def _known_dialect(dialect: Any) -> bool:
    if dialect in (DIALECT_31, DRAFT_2020_12):
        return True
    try:
        jsonschema_rs.meta.validate({"$schema": dialect})
    except jsonschema_rs.ReferencingError:
        return False
    except (jsonschema_rs.ValidationError, ValueError, TypeError):
        return False
    return True


def _schema_object_problems(doc: dict[str, Any]) -> Iterator[Problem]:
    default_dialect = doc.get("jsonSchemaDialect", DIALECT_31)
    if not _known_dialect(default_dialect):  # said once, where it is declared, not at every schema
        yield Problem(("jsonSchemaDialect",), f"unknown JSON Schema dialect {default_dialect!r}")
        return
    for pointer, schema in _schema_roots(doc):
        if not isinstance(schema, (dict, bool)):
            yield Problem(pointer, f"a Schema Object is an object or a boolean, not {type(schema).__name__}")
            continue
        dialect = schema.get("$schema", default_dialect) if isinstance(schema, dict) else default_dialect
        if dialect in (DIALECT_31, DRAFT_2020_12):
            validator = _schema_object_validator(dialect)
            for error in validator.iter_errors(schema):
                yield Problem(
                    (*pointer, *map(str, error.instance_path)), f"not a valid schema: {shorten(error.message)}"
                )
            continue
        try:  # another JSON Schema draft, named by $schema: its own meta-schema
            jsonschema_rs.meta.validate({**schema, "$schema": dialect} if isinstance(schema, dict) else schema)
        except jsonschema_rs.ReferencingError:
            yield Problem(pointer, f"unknown JSON Schema dialect {dialect!r}")
        except jsonschema_rs.ValidationError as exc:
            yield Problem((*pointer, *map(str, exc.instance_path)), f"not a valid schema: {shorten(exc.message)}")


# -- 3. what no schema says --------------------------------------------------------------------------------
def _semantic_problems(doc: dict[str, Any], operations: bool, version: str, refs_resolved: bool) -> list[Problem]:
    problems: list[Problem] = []
    problems += _duplicate_tags(doc)
    if operations:
        problems += duplicate_operation_ids(doc)
        problems += duplicate_parameters(doc)
        problems += path_parameter_problems(doc)
    if not refs_resolved:
        problems += _unresolved_refs(doc)
    problems += _schema_value_problems(doc, version)
    return problems


def _duplicate_tags(doc: dict[str, Any]) -> Iterator[Problem]:
    seen: set[Any] = set()
    tags = doc.get("tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        name = tag.get("name") if isinstance(tag, dict) else None
        if not isinstance(name, str):  # not a name at all: the document schema says so
            continue
        if name in seen:
            yield Problem(("tags", str(i), "name"), f"tag {name!r} is declared twice")
        seen.add(name)


def duplicate_operation_ids(doc: dict[str, Any]) -> Iterator[Problem]:
    """An operationId used by an earlier operation, at the later one."""
    operation_ids: dict[Any, Pointer] = {}
    for op_pointer, _, _, op in iter_operations(doc):
        op_id = op.get("operationId")
        if not isinstance(op_id, str):  # absent, or not a name (the document schema says so)
            continue
        if op_id in operation_ids:
            yield Problem(
                (*op_pointer, "operationId"),
                f"operationId {op_id!r} is not unique (also at {to_string(operation_ids[op_id])})",
            )
        else:
            operation_ids[op_id] = op_pointer


def _parameter_lists(doc: dict[str, Any]) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, list) of every parameters list of a path item or an operation."""
    for item_pointer, item in iter_path_items(doc):
        if "parameters" in item:
            yield (*item_pointer, "parameters"), item["parameters"]
        for method, op in item_operations(item):
            if "parameters" in op:
                yield (*item_pointer, method, "parameters"), op["parameters"]


def duplicate_parameters(doc: dict[str, Any]) -> Iterator[Problem]:
    """A parameter listed twice (same `in` and name; header names without case) in one parameters list."""
    for pointer, params in _parameter_lists(doc):
        seen: set[tuple[str, str]] = set()
        for i, param in enumerate(params if isinstance(params, list) else []):
            _, resolved = resolve(doc, param, (*pointer, str(i)))
            if not isinstance(resolved, dict):
                continue
            name, where = str(resolved.get("name")), str(resolved.get("in"))
            key = (name.lower() if where == "header" else name, where)
            if key in seen:
                yield Problem((*pointer, str(i)), f"parameter {name!r} in {where} is declared twice")
            seen.add(key)


def path_parameters(doc: dict[str, Any], params: Any, pointer: Pointer) -> dict[str, tuple[Pointer, dict[str, Any]]]:
    """The path parameters of one parameters list by name: (pointer as written, the resolved parameter)."""
    found = {}
    for i, param in enumerate(params if isinstance(params, list) else []):
        _, resolved = resolve(doc, param, (*pointer, str(i)))
        if isinstance(resolved, dict) and resolved.get("in") == "path" and isinstance(resolved.get("name"), str):
            found[resolved["name"]] = ((*pointer, str(i)), resolved)
    return found


def path_parameter_problems(doc: dict[str, Any]) -> Iterator[Problem]:
    """Every {name} of a path is a path parameter of each of its operations, and every path parameter
    names a {name} of its path: the missing one at the operation, the stray one where it is declared."""
    for item_pointer, item in iter_path_items(doc):
        path = item_pointer[1]
        names = [name for name in template_names(path) if name]
        shared = path_parameters(doc, item.get("parameters"), (*item_pointer, "parameters"))
        for method, op in item_operations(item):
            op_pointer = (*item_pointer, method)
            declared = {**shared, **path_parameters(doc, op.get("parameters"), (*op_pointer, "parameters"))}
            for name in names:
                if name not in declared:
                    yield Problem(
                        op_pointer, f"path parameter {{{name}}} of {path} is not declared for {method.upper()}"
                    )
            for name, (param_pointer, _) in declared.items():
                if name not in names:
                    yield Problem(param_pointer, f"path parameter {name!r} is not in the path {path}")


def _unresolved_refs(doc: dict[str, Any]) -> Iterator[Problem]:
    for pointer, ref in iter_refs(doc, data=False):
        if not ref.startswith("#"):
            continue  # a bundle holds internal refs only; another tool's document may point elsewhere
        try:
            target = from_fragment(ref[1:])
        except ValueError as exc:
            yield Problem(pointer, f"$ref {ref!r}: {exc}")
            continue
        if get(doc, target, _MISSING) is _MISSING:
            yield Problem(pointer, f"$ref {ref!r} points nowhere")


_MISSING = object()
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9._-]+")
_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


def _mapping_problems(doc: dict[str, Any], schema: dict[str, Any], pointer: Pointer) -> Iterator[Problem]:
    """A discriminator mapping value is a schema name or a reference (OpenAPI 3.1, 4.8.25): a name must name a
    schema of components.schemas, an internal reference must point at something; another document's is not
    looked at (as a $ref to one is not)."""
    discriminator = schema.get("discriminator")
    mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
    for key, value in mapping.items() if isinstance(mapping, dict) else ():
        where = (*pointer, "discriminator", "mapping", key)
        if not isinstance(value, str):
            continue  # the document schema says so
        if value.startswith("#"):
            try:
                found = get(doc, from_fragment(value[1:]), _MISSING) is not _MISSING
            except ValueError:
                found = False
            if not found:
                yield Problem(where, f"discriminator mapping {value!r} points nowhere")
        elif (
            _COMPONENT_NAME.fullmatch(value)
            and not value.endswith(_DOCUMENT_SUFFIXES)
            and get(doc, ("components", "schemas", value), _MISSING) is _MISSING
        ):
            yield Problem(where, f"discriminator mapping {value!r} names no schema of components.schemas")


def _collected_properties(doc: dict[str, Any], schema: Any, seen: frozenset[int] = frozenset()) -> set[str]:
    """The property names a schema defines, through allOf/anyOf/oneOf/items/not and $refs."""
    _, schema = resolve(doc, schema, ())
    if not isinstance(schema, dict) or id(schema) in seen:
        return set()
    seen = seen | {id(schema)}
    names = set(schema["properties"]) if isinstance(schema.get("properties"), dict) else set()
    for key in ("allOf", "anyOf", "oneOf"):
        subs = schema.get(key)
        for sub in subs if isinstance(subs, list) else []:
            names |= _collected_properties(doc, sub, seen)
    for key in ("items", "not"):
        if key in schema:
            names |= _collected_properties(doc, schema[key], seen)
    return names


def _bounds_30(schema: dict[str, Any], pointer: Pointer) -> Iterator[Problem]:
    """A 3.0 boolean exclusiveMinimum/Maximum qualifies a minimum/maximum: without one it says nothing (draft 4's
    meta-schema makes it a dependency; the 3.0 document schema does not say so)."""
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if bound in schema and limit not in schema:
            yield Problem((*pointer, bound), f"{bound} without {limit}: it qualifies {limit}")


def _schema_value_problems(doc: dict[str, Any], version: str) -> Iterator[Problem]:
    engine = BundleSchemas(doc)
    for root_pointer, root in _schema_roots(doc):
        pointer, schema = resolve(doc, root, root_pointer)
        if (
            isinstance(schema, dict)
            and isinstance(schema.get("allOf"), list)
            and isinstance(schema.get("required"), list)
        ):
            defined = _collected_properties(doc, schema)
            missing = sorted(n for n in schema["required"] if isinstance(n, str) and n not in defined)
            if missing:
                yield Problem(
                    (*pointer, "required"), f"required names properties no part of the schema defines: {missing}"
                )
        # in 3.0 what stands beside a $ref is ignored, defaults inside it too
        for sub_pointer, sub in iter_subschemas(root, root_pointer, ref_siblings=version != "3.0"):
            if "discriminator" in sub:
                yield from _mapping_problems(doc, sub, sub_pointer)
            if version == "3.0" and "$ref" not in sub:
                yield from _bounds_30(sub, sub_pointer)
            if "default" not in sub or (version == "3.0" and "$ref" in sub):
                continue
            try:
                error = engine.first_error(sub_pointer, sub["default"])
            except SchemaRefError as exc:
                yield Problem(sub_pointer, f"schema cannot be compiled: {exc}")
                continue
            if error is not None:
                where = "/" + "/".join(error.path)
                yield Problem(
                    (*sub_pointer, "default"), f"default does not match its schema at {where}: {shorten(error.message)}"
                )

"""Validation of a bundle: its structure (openapi-spec-validator) and its examples.

Examples are validated with JSON Schema 2020-12 (the dialect of OpenAPI 3.1)
against the schema they illustrate, with formats checked, $refs resolved inside
the bundle. Problems are values that carry a bundle pointer; the caller turns
the pointer into a source location through the bundle's source map.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema

from ._errors import shorten
from ._pointer import Pointer, escape_token
from ._walk import iter_headers, iter_media_types, iter_parameters, iter_schemas, resolve

_BUNDLE_URI = "urn:rstar-spec:bundle"
_FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


@dataclass(frozen=True)
class Problem:
    """Something wrong at a pointer of the bundle."""

    pointer: Pointer
    message: str


def validate_structure(doc: dict[str, Any], validator: type | None = None) -> list[Problem]:
    """What openapi-spec-validator (3.1 unless told otherwise) finds wrong with the document."""
    if validator is None:
        # Imported here: it takes a third of a second, and generate needs only ExampleValidator.
        from openapi_spec_validator import OpenAPIV31SpecValidator

        validator = OpenAPIV31SpecValidator
    try:
        errors = list(validator(doc).iter_errors())
    except Exception as exc:  # the validator raises on what it cannot resolve; report it, do not crash
        return [Problem((), f"OpenAPI validation could not finish: {exc.__class__.__name__}: {_first_line(str(exc))}")]
    problems = []
    for error in errors:
        pointer = tuple(str(p) for p in getattr(error, "absolute_path", ()) or ())
        message = shorten(_first_line(getattr(error, "message", None) or str(error)))
        if not pointer:
            pointer = _pointer_from_message(message)
        problems.append(Problem(pointer, message))
    return problems


_OPERATION_IN_MESSAGE = re.compile(r"for '(\w+)'(?: operation)? in '([^']+)'")


def _pointer_from_message(message: str) -> Pointer:
    """Semantic errors of the validator name the operation only in their text."""
    match = _OPERATION_IN_MESSAGE.search(message)
    return ("paths", match.group(2), match.group(1)) if match else ()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class ExampleValidator:
    """Validates values against schemas of one bundle, by the schema's pointer."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        resource = referencing.jsonschema.DRAFT202012.create_resource(doc)
        self.registry: referencing.Registry[Any] = referencing.Registry().with_resource(_BUNDLE_URI, resource)
        self._validators: dict[Pointer, jsonschema.protocols.Validator] = {}

    def errors(self, schema_pointer: Pointer, value: Any) -> Iterator[jsonschema.ValidationError]:
        validator = self._validators.get(schema_pointer)
        if validator is None:
            ref = _BUNDLE_URI + "#" + "".join("/" + escape_token(t) for t in schema_pointer)
            validator = jsonschema.Draft202012Validator(
                {"$ref": ref}, registry=self.registry, format_checker=_FORMAT_CHECKER
            )
            self._validators[schema_pointer] = validator
        return validator.iter_errors(value)


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
    for pointer, schema in iter_schemas(doc):
        if isinstance(schema.get("examples"), list):
            for i, value in enumerate(schema["examples"]):
                yield (*pointer, "examples", str(i)), pointer, value
        if "example" in schema:
            yield (*pointer, "example"), pointer, schema["example"]


def validate_examples(doc: dict[str, Any]) -> list[Problem]:
    """Every example that does not match its schema, one problem per example (the first error)."""
    validator = ExampleValidator(doc)
    problems = []
    seen: set[tuple[Pointer, Pointer]] = set()
    for value_pointer, schema_pointer, value in iter_examples(doc):
        if (value_pointer, schema_pointer) in seen:  # a shared example component is checked once per schema
            continue
        seen.add((value_pointer, schema_pointer))
        try:
            error = next(iter(sorted(validator.errors(schema_pointer, value), key=_error_order)), None)
        except referencing.exceptions.Unresolvable as exc:
            problems.append(Problem(schema_pointer, f"schema has an unresolvable $ref: {exc}"))
            continue
        if error is not None:
            where = "".join(f"/{p}" for p in error.absolute_path) or "/"
            problems.append(
                Problem(
                    (*value_pointer, *map(str, error.absolute_path)),
                    f"example does not match its schema at {where}: {shorten(error.message)}",
                )
            )
    return problems


def _error_order(error: jsonschema.ValidationError) -> tuple[int, str]:
    return (-len(error.absolute_path), error.message)


def validate(doc: dict[str, Any]) -> list[Problem]:
    """Structure first; examples only when the structure is sound enough to walk."""
    problems = validate_structure(doc)
    return problems + validate_examples(doc)

"""The one JSON Schema engine of the tooling: jsonschema-rs (Rust), behind a small seam.

``BundleSchemas`` validates values against the schemas of one bundle, by the
schema's pointer, each schema compiled once and kept. It serves every place that
checks a value against the spec: examples (``validate``, lint's
``example-valid``), the mock's requests and answers, and the generator's hints.
Formats are checked (``date-time``, ``date``, ``email``, ``uri-reference``...)
and ``$ref`` resolves inside the bundle. A 3.0 document's schemas are read with
3.0 meaning (``openapi30.py``: translated to 2020-12 once, pointers kept).

Errors are values (``SchemaError``) that say where in the value, which keyword
failed and, for ``required`` and ``additionalProperties``, which property: the
callers never parse a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from ..core.pointer import Pointer, escape_token
from .openapi30 import with_2020_schemas

BUNDLE_URI = "urn:rstar-spec:bundle"
_FRAGMENT_SAFE = "~!$&'()*+,;=:@/?"


@dataclass(frozen=True)
class SchemaError:
    """One way a value fails a schema."""

    path: tuple[str, ...]  # where in the value, as JSON Pointer tokens
    message: str
    keyword: str  # the schema keyword that failed: type, required, additionalProperties, format...
    names: tuple[str, ...] = ()  # the property a `required` misses, or those `additionalProperties` refuses
    expected: Any = None  # what the keyword asks, from the schema (never the value): ["integer"], "email", 100

    @property
    def field(self) -> str:
        """The dotted path of the field at fault, the missing or unexpected property included."""
        return ".".join((*self.path, *self.names[:1]))


class SchemaRefError(ValueError):
    """A schema of the bundle cannot be compiled (an unresolvable $ref, a pattern no engine reads)."""


def _keyword(error: jsonschema_rs.ValidationError) -> str:
    path = [str(p) for p in error.schema_path]
    return path[-1] if path else ""


def _names(error: jsonschema_rs.ValidationError) -> tuple[str, ...]:
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return (str(kind.property),)
    if isinstance(
        kind,
        (
            jsonschema_rs.ValidationErrorKind.AdditionalProperties,
            jsonschema_rs.ValidationErrorKind.UnevaluatedProperties,
        ),
    ):
        return tuple(str(name) for name in kind.unexpected)
    return ()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    """value with each lone surrogate in its strings and keys replaced by U+FFFD (one character for one)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


_EXPECTING = frozenset({
    "type", "format", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "minProperties", "maxProperties",
})  # fmt: skip


def _expected(error: jsonschema_rs.ValidationError) -> Any:
    kind = error.kind
    return kind.value if kind.name in _EXPECTING else None


def _to_schema_error(error: jsonschema_rs.ValidationError) -> SchemaError:
    return SchemaError(tuple(str(p) for p in error.instance_path), error.message, _keyword(error), _names(error),
                       _expected(error))  # fmt: skip


def _error_order(error: SchemaError) -> tuple[int, tuple[str, ...], str]:
    """Deepest first, then by place and text: the most specific problem leads, and the order is stable."""
    return (-len(error.path), error.path, error.message)


class BundleSchemas:
    """The schemas of one bundle, each compiled once, validating values by the schema's pointer."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self._registry: jsonschema_rs.Registry | None = None
        self._compiled: dict[Pointer, Any] = {}

    @property
    def registry(self) -> jsonschema_rs.Registry:
        if self._registry is None:  # built on first use: generate may never validate anything
            # a 3.0 document's Schema Objects mean what 3.0 says (nullable, boolean exclusiveMinimum): in 2020-12
            self._registry = jsonschema_rs.Registry([(BUNDLE_URI, with_2020_schemas(self.doc))])
        return self._registry

    def compiled(self, schema_pointer: Pointer) -> Any:
        validator = self._compiled.get(schema_pointer)
        if validator is None:
            # A JSON Pointer in a URI fragment: `{thing_id}` in a path key is percent-encoded (RFC 6901, 6)
            ref = BUNDLE_URI + "#" + "".join("/" + quote(escape_token(t), safe=_FRAGMENT_SAFE) for t in schema_pointer)
            try:
                validator = jsonschema_rs.validator_for({"$ref": ref}, registry=self.registry, validate_formats=True)
            except (jsonschema_rs.ReferencingError, jsonschema_rs.ValidationError, ValueError) as exc:
                raise SchemaRefError(str(exc).splitlines()[0]) from None
            self._compiled[schema_pointer] = validator
        return validator

    def forget(self, schema_pointer: Pointer) -> None:
        """Drop the compiled validator of schema_pointer: a caller that is done with it keeps memory flat."""
        self._compiled.pop(schema_pointer, None)

    def errors(self, schema_pointer: Pointer, value: Any) -> list[SchemaError]:
        """Every error, most specific first; empty when the value is valid (checked first, which is cheap)."""
        validator = self.compiled(schema_pointer)
        if validator.is_valid(value):
            return []
        try:
            found = [_to_schema_error(e) for e in validator.iter_errors(value)]
        except UnicodeEncodeError:  # a lone surrogate (JSON can escape one): the engine's messages are UTF-8
            found = [_to_schema_error(e) for e in validator.iter_errors(_without_surrogates(value))]
        return sorted(found, key=_error_order)

    def first_error(self, schema_pointer: Pointer, value: Any) -> SchemaError | None:
        found = self.errors(schema_pointer, value)
        return found[0] if found else None

"""The items a guarded run creates to work on, made from the create request's schema.

A fixture holds the required writable fields only, each valid by the schema: the spec's own examples
first (the request body's examples, then the property's `examples`, `example`, `default`), else the
simplest value each JSON Schema keyword allows (`simplest`). The first required plain string field
carries the run's mark (`rstar-contract run <id> #<n>`), so that an item whose creation answer was
lost is found again by it (and by the cleanup of a later `--cleanup LEDGER`).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..core.errors import RstarError
from ..core.pointer import Pointer, get
from ..oas.resources import Resource
from ..oas.schema_engine import BundleSchemas
from ..oas.schemas import merged_object
from ..oas.walk import resolve

FIXTURE_MARK = "rstar-contract"
_MAX_DEPTH = 16
_FORMATS = {
    "email": "rstar-contract@example.com",
    "idn-email": "rstar-contract@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "/",
    "iri-reference": "/",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "time": "09:00:00Z",
    "duration": "PT1H",
    "json-pointer": "",
    "regex": ".*",
}


def mark(name: str, max_length: int | None = None) -> str | None:
    """The text that marks a fixture named `name` (`run <id> #<n>`), within max_length; None when none fits."""
    text = f"{FIXTURE_MARK} {name}"
    if max_length is None or len(text) <= max_length:
        return text
    if max_length < 12:
        return None
    return "rc-" + hashlib.sha256(name.encode()).hexdigest()[: max_length - 3]


def simplest(doc: dict[str, Any], schema: Any, _depth: int = 0) -> Any:
    """The simplest value valid by schema: const, enum, an example, else built from its keywords."""
    _, schema = resolve(doc, schema, ())
    if not isinstance(schema, dict) or _depth > _MAX_DEPTH:
        return None
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    for key in ("enum", "examples"):
        if isinstance(schema.get(key), list) and schema[key]:
            return schema[key][0]
    if "example" in schema:
        return schema["example"]
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return simplest(doc, schema[key][0], _depth + 1)
    kind = _type(doc, schema)
    if kind == "object":
        _, merged = merged_object(doc, schema, ())
        properties = merged.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = [n for n in merged.get("required") or [] if isinstance(n, str)]
        return {n: simplest(doc, properties.get(n, {}), _depth + 1) for n in required}
    if kind == "array":
        count = schema.get("minItems")
        count = count if isinstance(count, int) else 0
        return [simplest(doc, schema.get("items", {}), _depth + 1) for _ in range(count)]
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, kind == "integer")
    if kind == "boolean":
        return False
    return None


def _type(doc: dict[str, Any], schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if isinstance(schema.get("allOf"), list):
        for part in schema["allOf"]:
            found = _type(doc, resolve(doc, part, ())[1] if isinstance(part, dict) else {})
            if found:
                return found
    for keys, name in ((("properties", "required"), "object"), (("items", "minItems"), "array"),
                       (("minLength", "maxLength", "format", "pattern"), "string"),
                       (("minimum", "maximum", "multipleOf"), "number")):  # fmt: skip
        if any(k in schema for k in keys):
            return name
    return None


def _string(schema: dict[str, Any]) -> str:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    formats = {**_FORMATS, "date-time": tomorrow.strftime("%Y-%m-%dT09:00:00Z"), "date": tomorrow.strftime("%Y-%m-%d"),
               "uuid": str(uuid.uuid4())}  # fmt: skip
    text = formats.get(str(schema.get("format")), "x")
    low, high = schema.get("minLength"), schema.get("maxLength")
    low = low if isinstance(low, int) else 0
    high = high if isinstance(high, int) else None
    text = text + "x" * max(low - len(text), 0)
    return text[:high] if high is not None else text


def _number(schema: dict[str, Any], integer: bool) -> int | float:
    def bound(key: str) -> float | None:
        value = schema.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    low, high = bound("minimum"), bound("maximum")
    ex_low, ex_high = bound("exclusiveMinimum"), bound("exclusiveMaximum")
    step = bound("multipleOf") or (1.0 if integer else None)
    value = 0.0
    if low is not None and value < low:
        value = low
    if ex_low is not None and value <= ex_low:
        value = ex_low + (step or 1.0)
    if high is not None and value > high:
        value = high
    if ex_high is not None and value >= ex_high:
        value = ex_high - (step or 1.0)
    if step:
        value = math.ceil(value / step) * step
    return int(value) if integer else value


@dataclass(frozen=True)
class Fixture:
    body: dict[str, Any]
    mark: dict[str, str]  # {field: its marked text}, empty when no field can carry a mark


def marker_field(doc: dict[str, Any], resource: Resource) -> tuple[str, int | None] | None:
    """(the first required writable plain string field, its maxLength): where a fixture carries its mark."""
    properties = _input_properties(doc, resource)
    for name in resource.required_writable:
        schema = resolve(doc, properties.get(name), ())[1]
        if not isinstance(schema, dict) or _type(doc, schema) != "string":
            continue
        if any(k in schema for k in ("format", "pattern", "enum", "const")):
            continue
        high = schema.get("maxLength")
        return name, high if isinstance(high, int) else None
    return None


def _input_properties(doc: dict[str, Any], resource: Resource) -> dict[str, Any]:
    if resource.input_schema is None:
        return {}
    _, merged = merged_object(doc, get(doc, resource.input_schema, None), resource.input_schema)
    properties = merged.get("properties")
    return properties if isinstance(properties, dict) else {}


def _request_examples(doc: dict[str, Any], resource: Resource) -> list[dict[str, Any]]:
    """The create request body's examples as the spec writes them (the media type's `example` and `examples`)."""
    create = resource.op("create")
    body = create.request_body if create is not None else None
    found: list[dict[str, Any]] = []
    for media in body.content.values() if body is not None else ():
        if not media.is_json:
            continue
        node = get(doc, media.pointer, {})
        if isinstance(node.get("example"), dict):
            found.append(node["example"])
        for example in (node.get("examples") or {}).values() if isinstance(node.get("examples"), dict) else ():
            value = resolve(doc, example, ())[1]
            if isinstance(value, dict) and isinstance(value.get("value"), dict):
                found.append(value["value"])
    return found


def fixture(doc: dict[str, Any], resource: Resource, schemas: BundleSchemas, name: str) -> Fixture:
    """A valid create body for the fixture named `name` (see the module's docstring); RstarError when none is."""
    pointer: Pointer | None = resource.input_schema
    if pointer is None:
        raise RstarError(f"{resource.collection.template}: its create operation takes no JSON body to make one from")
    properties = _input_properties(doc, resource)
    examples = _request_examples(doc, resource)
    candidates: dict[str, list[Any]] = {}
    for field_name in resource.required_writable:
        schema = resolve(doc, properties.get(field_name), ())[1]
        own = schema if isinstance(schema, dict) else {}
        found = [e[field_name] for e in examples if field_name in e]
        found += list(own.get("examples") or []) if isinstance(own.get("examples"), list) else []
        found += [own[k] for k in ("example", "default") if k in own]
        candidates[field_name] = [*found, simplest(doc, properties.get(field_name))]
    marked: dict[str, str] = {}
    where = marker_field(doc, resource)
    if where is not None:
        text = mark(name, where[1])
        if text is not None:
            marked = {where[0]: text}
            candidates[where[0]] = [text]
    chosen = dict.fromkeys(candidates, 0)
    for _ in range(sum(len(c) for c in candidates.values()) + 1):
        body = {k: candidates[k][i] for k, i in chosen.items()}
        errors = schemas.errors(pointer, body)
        if not errors:
            return Fixture(body, marked)
        moved = False
        for field_name in {e.path[0] if e.path else (e.names[0] if e.names else "") for e in errors}:
            if field_name in chosen and chosen[field_name] + 1 < len(candidates[field_name]):
                chosen[field_name] += 1
                moved = True
        if not moved:
            break
    raise RstarError(
        f"{resource.collection.template}: cannot make a valid item to work on ({errors[0].field or 'body'}: "
        f"{errors[0].message[:120]}); give the field an example that validates"
    )

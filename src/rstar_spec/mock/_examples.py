"""Values the mock answers with where it keeps no state: the documented example, else one made from the schema.

`Examples.answer(op)` is the answer of an operation with no behaviour of its own (a plain read such as a
health check, an operation placed `none`, one nothing places, an action's answer): its first documented
success status, the first documented example of its content that its schema accepts, else a value made from
the schema (`Examples.value`), and every required header likewise. What the simple rules below make is
valid for the schemas APIs write; a string whose pattern they miss is found by hypothesis's search (once,
and only then is hypothesis imported); whatever is still invalid is left to the answer's validation.

The simple rules, in order, for one schema: `const`; `default`; `examples`/`example`; the first value of
`x-extensible-enum`, then of `enum`; `allOf` merged, `oneOf`/`anyOf` the first member; then by type: an
object has its required properties; an array `max(minItems, 1)` items; a string fits its format and length;
a number its bounds and `multipleOf`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from ..core.pointer import Pointer, get
from ..oas.schema_engine import BundleSchemas, SchemaRefError
from ..oas.schemas import merged_object
from ..oas.view import MediaType, Operation, Response
from ..oas.walk import resolve

Answer = tuple[int, Any, dict[str, str]]  # status, body (a JSON value, Media, or None for none), headers

# Strings of a format, each valid as JSON Schema's format checks read them.
FORMAT_VALUES = {
    "date-time": "2026-01-15T09:30:00Z",
    "date": "2026-01-15",
    "time": "09:30:00Z",
    "duration": "P1D",
    "email": "someone@example.com",
    "idn-email": "someone@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "/",
    "iri-reference": "/",
    "uri-template": "/",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "json-pointer": "",
    "relative-json-pointer": "0",
    "regex": ".*",
}
_DEPTH = 12  # a recursive schema is made this deep at most; past it, the smallest value


@dataclass(frozen=True)
class Media:
    """A body that is not JSON (plain text, CSV...): written as is, with its media type as documented."""

    media_type: str
    content: str


def success_status(op: Operation, *preferred: str) -> str | None:
    """The status the operation answers on success, as documented: the first of preferred, else its first 2xx,
    else `2XX`, else `default`."""
    for status in preferred:
        if status in op.responses:
            return status
    codes = sorted(s for s in op.responses if s.startswith("2") and s[1:].isdigit())
    ranged = [s for s in op.responses if s.upper() == "2XX"] + [s for s in op.responses if s == "default"]
    return codes[0] if codes else (ranged[0] if ranged else None)


def json_media(response: Response) -> MediaType | None:
    return next((m for m in response.content.values() if m.is_json), None)


class Examples:
    """The examples and made values of one document's schemas, each worked out once."""

    def __init__(self, doc: dict[str, Any], schemas: BundleSchemas) -> None:
        self.doc = doc
        self.schemas = schemas
        self._values: dict[Pointer, Any] = {}
        self._answers: dict[Pointer, Answer] = {}

    # -- one schema ----------------------------------------------------------------------------------
    def valid(self, schema_pointer: Pointer, value: Any) -> bool:
        """Whether the schema takes value; True for a schema no engine compiles (it is left unchecked)."""
        try:
            return bool(self.schemas.compiled(schema_pointer).is_valid(value))
        except SchemaRefError:
            return True

    def value(self, schema_pointer: Pointer) -> Any:
        """A value the schema at schema_pointer accepts (made once, kept)."""
        if schema_pointer not in self._values:
            node = resolve(self.doc, get(self.doc, schema_pointer, None), schema_pointer)[1]
            self._values[schema_pointer] = self.make(node, schema_pointer)
        return self._values[schema_pointer]

    def make(self, schema: Any, pointer: Pointer, depth: int = 0, *, every_property: bool = False) -> Any:
        """A value by the simple rules (see the module's docstring); not checked here. every_property: an
        object (at the top) has every property, not only the required ones."""
        pointer, schema = resolve(self.doc, schema, pointer)
        if not isinstance(schema, dict):
            return None if schema is False else {}
        if "const" in schema:
            return schema["const"]
        if "default" in schema:
            return schema["default"]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if "example" in schema:
            return schema["example"]
        for key in ("x-extensible-enum", "enum"):
            if isinstance(schema.get(key), list) and schema[key]:
                return schema[key][0]
        branches = schema.get("allOf")
        if isinstance(branches, list) and len(branches) == 1 and not {"type", "properties"} & schema.keys():
            # OpenAPI 3.0's way to give a $ref siblings (`allOf: [$ref]` + readOnly...): the value is the branch's
            return self.make(branches[0], (*pointer, "allOf", "0"), depth + 1, every_property=every_property)
        if isinstance(branches, list):
            pointer, schema = merged_object(self.doc, schema, pointer)
            schema = {k: v for k, v in schema.items() if k != "allOf"}
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if isinstance(members, list) and members:
                return self.make(members[0], (*pointer, key, "0"), depth + 1, every_property=every_property)
        kind = _kind(schema)
        if kind == "object":
            if depth >= _DEPTH:
                return {}
            properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
            required = [n for n in schema.get("required") or [] if isinstance(n, str)]
            if every_property:
                required += [n for n in properties if n not in required]
            return {
                name: self.make(properties.get(name, {}), (*pointer, "properties", name), depth + 1)
                for name in required
            }
        if kind == "array":
            count = schema.get("minItems") if isinstance(schema.get("minItems"), int) else 0
            maximum = schema.get("maxItems") if isinstance(schema.get("maxItems"), int) else None
            count = max(count, 1) if maximum != 0 and depth < _DEPTH else count
            item = self.make(schema.get("items", {}), (*pointer, "items"), depth + 1)
            return [item] * count
        if kind == "string":
            return _string(schema)
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        return ""

    # -- one operation ---------------------------------------------------------------------------------
    def body(self, media: MediaType) -> Any:
        """The first example of a media type that its schema accepts, else a value made from the schema."""
        candidates = self.examples_of(media)
        if media.schema_pointer is None:
            return candidates[0] if candidates else ({} if media.is_json else "")
        for candidate in candidates:
            if self.valid(media.schema_pointer, candidate):
                return candidate
        return self.value(media.schema_pointer)

    def examples_of(self, media: MediaType) -> list[Any]:
        """Every documented example value of a media type (its `example`, its `examples`), as written."""
        raw = get(self.doc, media.pointer, None)
        found = []
        if isinstance(raw, dict):
            if "example" in raw:
                found.append(raw["example"])
            examples = raw.get("examples")
            for entry in examples.values() if isinstance(examples, dict) else ():
                entry = resolve(self.doc, entry, ())[1]
                if isinstance(entry, dict) and "value" in entry:
                    found.append(entry["value"])
        return found

    def header_value(self, header_pointer: Pointer, schema_pointer: Pointer | None) -> str:
        raw = get(self.doc, header_pointer, None)
        if isinstance(raw, dict) and "example" in raw:
            return _as_header(raw["example"])
        return _as_header(self.value(schema_pointer)) if schema_pointer is not None else "x"

    def answer(self, op: Operation) -> Answer:
        """The operation's documented success: status, example body (or made), required headers (made)."""
        if op.pointer not in self._answers:
            self._answers[op.pointer] = self._answer(op)
        status, body, headers = self._answers[op.pointer]
        return status, body, dict(headers)

    def _answer(self, op: Operation) -> Answer:
        status = success_status(op, "200", "201", "204") or next(iter(op.responses), None)
        response = op.responses.get(status) if status is not None else None
        if status is None or response is None:
            return 204, None, {}  # no response documented at all: the check of the answer says so
        code = int(status) if status.isdigit() else 200  # 2XX, default
        headers = {h.name: self.header_value(h.pointer, h.schema_pointer) for h in response.headers if h.required}
        if not response.content or code in (204, 304):
            return code, None, headers
        media = json_media(response)
        if media is not None:
            return code, self.body(media), headers
        name, media = next(iter(response.content.items()))
        body = self.body(media)
        return code, Media(name, body if isinstance(body, str) else str(body)), headers


def _kind(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"] or kind
        kind = kinds[0] if kinds else None
    if kind is None and ("properties" in schema or "required" in schema):
        return "object"
    if kind is None and "items" in schema:
        return "array"
    return kind if isinstance(kind, str) else None


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    text = FORMAT_VALUES.get(fmt, "x") if isinstance(fmt, str) else "x"
    low = _int(schema.get("minLength")) or 0
    high = _int(schema.get("maxLength"))
    if len(text) < low:
        text += "x" * (low - len(text))
    if high is not None and len(text) > high:
        text = text[:high]
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, text):
        return _pattern_string(pattern, low, high) or text
    return text


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # not a pattern Python reads: the answer's validation (ECMA-262, in Rust) judges


@functools.cache
def _pattern_string(pattern: str, low: int, high: int | None) -> str | None:
    """The simplest string with a match of pattern, of a length in bounds: hypothesis's search, once."""
    from hypothesis import HealthCheck, find, settings, strategies

    quiet = settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck), deadline=None)
    fits = strategies.from_regex(pattern).filter(lambda s: low <= len(s) <= (high if high is not None else len(s)))
    try:
        return str(find(fits, lambda s: True, settings=quiet))
    except Exception:
        return None


def _number(schema: dict[str, Any], kind: str) -> int | float:
    """The smallest value of the bounds (1 when unbounded below), a multiple of multipleOf."""

    def bound(key: str) -> float | None:
        value = schema.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    low, high = bound("minimum"), bound("maximum")
    xlow, xhigh = bound("exclusiveMinimum"), bound("exclusiveMaximum")
    step = bound("multipleOf")
    unit = step or (1.0 if kind == "integer" else 0.5)
    value = 1.0
    if low is not None:
        value = low
    if xlow is not None:
        value = max(value if low is not None else xlow + unit, xlow + unit)
    if high is not None and value > high:
        value = high
    if xhigh is not None and value >= xhigh:
        value = xhigh - unit
    if step:
        value = math.ceil(value / step) * step
    return int(value) if kind == "integer" else value


def _as_header(value: Any) -> str:
    return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)

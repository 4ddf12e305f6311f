"""What a rule sees of one recorded exchange: the exchange, the operation it was matched to, and what
the spec makes of its request and its answer, each worked out once and only when a rule asks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..core.limits import MAX_INT_DIGITS, too_deep
from ..core.pointer import Pointer
from ..oas.schema_engine import BundleSchemas, SchemaError
from ..oas.view import DocumentView, Operation, Response, is_json_media, media_type_essence
from .har import Exchange

# Canonical forms only: `01`, `+5`, `1.0` may or may not be an integer to a server, so neither verdict.
_CANONICAL_INT = re.compile(r"-?(0|[1-9][0-9]*)")
_NUMERIC_LOOKING = re.compile(r"\s*[-+]?[0-9.]+([eE][-+]?[0-9]+)?\s*")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_INT64 = 2**63


class _Unsure(Exception):
    """The recording does not let us tell whether the request matched its schema."""


@dataclass(frozen=True)
class Spec:
    """The document a recording is checked against, read once."""

    view: DocumentView
    schemas: BundleSchemas

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Spec:
        return cls(DocumentView.of(doc), BundleSchemas(doc))

    def schema_at(self, pointer: Pointer) -> Any:
        node: Any = self.view.doc
        for token in pointer:
            node = node.get(token) if isinstance(node, dict) else None
        return node


LOOSE_FORMATS = frozenset(
    {"email", "idn-email", "hostname", "idn-hostname", "uri", "uri-reference", "iri", "iri-reference"}
)
"""Formats that servers read in good faith in different ways (RFC 5321 or a simpler address check; URI
libraries differ): a verdict that turns on one of them is a warning, never a finding."""


class Problem(str):
    """What is wrong with a request, and the schema keyword that says so (`` when no keyword does)."""

    keyword: str = ""

    @classmethod
    def of(cls, text: str, keyword: str = "") -> Problem:
        problem = cls(text)
        problem.keyword = keyword
        return problem


def describe(error: SchemaError, where: str) -> Problem:
    """A schema error without the value that failed: messages quote instances, and instances may be secrets."""
    at = "/" + "/".join(error.path) if error.path else ""
    if error.keyword == "required" and error.names:
        return Problem.of(f"{where}{at} misses the required `{error.names[0]}`", error.keyword)
    if error.keyword in ("additionalProperties", "unevaluatedProperties") and error.names:
        return Problem.of(f"{where}{at} has `{error.names[0]}`, which the schema does not allow", error.keyword)
    return Problem.of(f"{where}{at} fails `{error.keyword or 'the schema'}`", error.keyword)


def coerce(raw: str, schema: Any) -> Any:
    """A parameter's text as its schema's type. Raises _Unsure for a spelling servers may read either way."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds:
        if _CANONICAL_INT.fullmatch(raw) and len(raw) <= MAX_INT_DIGITS:
            value = int(raw)
            if schema.get("format") == "int64" and not -_INT64 <= value < _INT64:
                return raw  # not an int64: the schema refuses the text
            return value
        if _NUMERIC_LOOKING.fullmatch(raw):
            raise _Unsure
    if "number" in kinds:
        if _NUMBER.fullmatch(raw) and len(raw) <= MAX_INT_DIGITS:
            return float(raw)
        if _NUMERIC_LOOKING.fullmatch(raw):
            raise _Unsure
    if "boolean" in kinds:
        if raw in ("true", "false"):
            return raw == "true"
        if raw.lower() in ("true", "false", "0", "1"):
            raise _Unsure
    return raw


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Unsure  # which of two values a server keeps is its own business
    return found


def parse_json(body: bytes) -> Any:
    """The JSON value of body. Raises ValueError when it is not JSON, _Unsure when servers may differ."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except RecursionError:
        raise _Unsure from None
    if too_deep(value):
        raise _Unsure
    return value


@dataclass
class ExchangeContext:
    source: str  # the file, as printed
    exchange: Exchange
    operation: Operation
    path: str  # under the base path, as sent
    path_params: dict[str, str]
    spec: Spec
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def status(self) -> int:
        return self.exchange.status

    @cached_property
    def response(self) -> Response | None:
        return self.operation.response_for(self.exchange.status)

    @cached_property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.exchange.url).query, keep_blank_values=True)

    @cached_property
    def parsed_response(self) -> tuple[str, Any]:
        """The answer's body read as JSON once: ("json", value), ("not-json", None) or ("unsure", None)."""
        try:
            return "json", parse_json(self.exchange.response_body or b"")
        except ValueError:
            return "not-json", None
        except _Unsure:
            return "unsure", None

    @cached_property
    def response_json(self) -> tuple[bool, Any]:
        """(True, value) when the answer is a recorded, whole JSON value; (False, None) otherwise."""
        body = self.exchange.response_body
        content_type = self.exchange.response_header("content-type") or ""
        if not body or self.exchange.response_truncated or not is_json_media(content_type):
            return False, None
        kind, value = self.parsed_response
        return (True, value) if kind == "json" else (False, None)

    @cached_property
    def request_json(self) -> tuple[bool, Any]:
        body = self.exchange.request_body
        if not body or self.exchange.request_truncated:
            return False, None
        try:
            return True, parse_json(body)
        except (ValueError, _Unsure):
            return False, None

    @cached_property
    def loose_formats(self) -> set[str]:
        """The formats of LOOSE_FORMATS that a value of the request (a parameter, a property of the body)
        is held to: where a server may read the value otherwise than our schema engine does."""
        found: set[str] = set()
        for param in self.operation.parameters:
            schema = self._resolved(self.spec.schema_at((*param.pointer, "schema")))
            if isinstance(schema, dict) and schema.get("format") in LOOSE_FORMATS:
                found.add(str(schema["format"]))
        body = self.operation.request_body
        media = body.media_for(self.exchange.request_header("content-type") or "") if body else None
        ok, value = self.request_json
        if media is not None and media.schema_pointer is not None and ok and isinstance(value, dict):
            schema = self.spec.schema_at(media.schema_pointer)
            properties = schema.get("properties") if isinstance(schema, dict) else None
            for name in value:
                prop = self._resolved(properties.get(name)) if isinstance(properties, dict) else None
                if isinstance(prop, dict) and prop.get("format") in LOOSE_FORMATS:
                    found.add(str(prop["format"]))
        return found

    @cached_property
    def request_problems(self) -> list[str] | None:
        """What in the request breaks its schema (parameters, body); None when the recording cannot tell."""
        try:
            return self._parameter_problems() + self._body_problems()
        except _Unsure:
            return None

    def _parameter_problems(self) -> list[str]:
        problems: list[str] = []
        query: dict[str, list[str]] = {}
        for name, value in self.query:
            query.setdefault(name, []).append(value)
        for param in self.operation.parameters:
            name, where = str(param.param.get("name")), param.param.get("in")
            if where == "path":
                raw: str | None = self.path_params.get(name)
            elif where == "query":
                values = query.get(name)
                if values is not None and len(values) > 1:
                    raise _Unsure  # which of two values counts is the server's choice
                raw = values[0] if values else None
            elif where == "header":
                raw = self.exchange.request_header(name)
            else:
                continue  # cookies: browsers' HAR holds them, but no operation here reads one
            if raw is None:
                if param.param.get("required") is True:
                    problems.append(f"{where} parameter `{name}` is missing")
                continue
            schema_pointer = (*param.pointer, "schema")
            schema = self.spec.schema_at(schema_pointer)
            if schema is None:
                continue
            error = self.spec.schemas.first_error(schema_pointer, coerce(raw, self._resolved(schema)))
            if error is not None:
                problems.append(describe(error, f"{where} parameter `{name}`"))
        return problems

    def _resolved(self, schema: Any) -> Any:
        from ..oas.walk import resolve

        return resolve(self.spec.view.doc, schema, ())[1]

    def _body_problems(self) -> list[str]:
        body_spec = self.operation.request_body
        if body_spec is None:
            return []
        exchange = self.exchange
        body = exchange.request_body
        if body is None or exchange.request_truncated:
            declared = exchange.request_header("content-length")
            if exchange.request_truncated or (declared and declared.strip() not in ("", "0")):
                raise _Unsure  # sent, but not (wholly) recorded
            if exchange.request_header("transfer-encoding"):
                raise _Unsure
            body = b""
        if not body:
            return ["the request body is missing"] if body_spec.required else []
        content_type = exchange.request_header("content-type")
        if not content_type:
            return ["the request body has no Content-Type"]
        media = body_spec.media_for(content_type)
        if media is None:
            return [f"the request body's type {media_type_essence(content_type)} is not documented"]
        if media.schema_pointer is None:
            return []
        if not media.is_json:
            raise _Unsure  # forms and the like: not what this API takes; no verdict
        try:
            value = parse_json(body)
        except ValueError:
            return ["the request body is not JSON"]
        return [describe(error, "the request body") for error in self.spec.schemas.errors(media.schema_pointer, value)]

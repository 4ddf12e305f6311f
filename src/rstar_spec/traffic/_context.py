"""What a rule sees of one recorded exchange: the exchange, the operation it was matched to, and what
the spec makes of its request and its answer, each worked out once and only when a rule asks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..core.ijson import holds_lone_surrogate
from ..core.limits import MAX_INT_DIGITS, too_deep
from ..core.pointer import Pointer, escape_token, get, unescape_token
from ..oas.schema_engine import BundleSchemas, SchemaError
from ..oas.view import DocumentView, Operation, Response, is_json_media, media_type_essence
from . import _formats as formats
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

    def problems(self, pointer: Pointer, value: Any, where: str) -> list[Problem]:
        """Every schema error of value against the schema at pointer, each as describe() gives it."""
        return [problem for error in self.schemas.errors(pointer, value) for problem in describe(error, where, value)]

    def schema_at(self, pointer: Pointer) -> Any:
        node: Any = self.view.doc
        for token in pointer:
            node = node.get(token) if isinstance(node, dict) else None
        return node


UNCHECKED_FORMATS = frozenset(
    {"email", "idn-email", "hostname", "idn-hostname", "uri", "uri-reference", "iri", "iri-reference"}
)
"""Formats a server may take without checking their shape (JSON Schema makes `format` an annotation unless
asserted, and these are the ones servers commonly leave unchecked): a request our engine refuses only for
one of them, answered 2xx, is a warning, never a finding."""

MAX_LISTED = 10
"""Problems of one request or one body a message names; the rest are counted (`and N more`)."""

NOT_I_JSON = (
    "holds a lone surrogate escape (\\ud800-\\udfff), which is no character: not I-JSON (RFC 7493 2.1), "
    "and readers of it differ (RFC 8259 8.2)"
)


@dataclass(frozen=True)
class Problem:
    """One way a request (or a body) breaks the spec, without the value at fault (it may be a secret)."""

    where: str  # "the request body", "query parameter `limit`", "the 200 body"
    what: str  # "expected integer", "is missing"
    at: str | None = None  # for a schema error: the JSON pointer of the value at fault ('' for the whole)
    keyword: str = ""  # the schema keyword that says so; '' when none does
    doubt: str | None = None  # why a server may rightly read the value otherwise, when it may

    def __str__(self) -> str:
        return listing([self])


def listing(problems: list[Problem], limit: int = MAX_LISTED) -> str:
    """Problems as one text, each with its place: at most limit of them, then how many more."""
    parts: list[str] = []
    previous = None
    for problem in problems[:limit]:
        if problem.at is None:
            parts.append(f"{problem.where} {problem.what}")
            previous = None
            continue
        place = f"at {problem.at}" if problem.at else "as a whole"
        parts.append(
            f"{place}: {problem.what}" if problem.where == previous else f"{problem.where} {place}: {problem.what}"
        )
        previous = problem.where
    more = len(problems) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _expectation(error: SchemaError) -> str:
    """What the schema asked of the value at fault, from the keyword and its value (never the instance)."""
    keyword, expected = error.keyword, error.expected
    if keyword == "type" and isinstance(expected, list):
        return "expected " + " or ".join(map(str, expected))
    simple = {
        "format": "expected format `{}`", "pattern": "expected to match `{}`", "minimum": "expected >= {}",
        "maximum": "expected <= {}", "exclusiveMinimum": "expected > {}", "exclusiveMaximum": "expected < {}",
        "multipleOf": "expected a multiple of {}", "minLength": "expected at least {} characters",
        "maxLength": "expected at most {} characters", "minItems": "expected at least {} items",
        "maxItems": "expected at most {} items", "minProperties": "expected at least {} properties",
        "maxProperties": "expected at most {} properties",
    }  # fmt: skip
    if keyword in simple and expected is not None:
        return simple[keyword].format(expected)
    if keyword == "enum" and isinstance(expected, list):
        shown = ", ".join(_json_text(v) for v in expected[:8]) + (", ..." if len(expected) > 8 else "")
        return f"expected one of {shown}"
    if keyword == "const":
        return f"expected {_json_text(expected)}"
    texts = {
        "oneOf": "expected to match exactly one of its `oneOf` schemas", "uniqueItems": "expected unique items",
        "anyOf": "expected to match one of its `anyOf` schemas", "not": "expected not to match its `not` schema",
        "allOf": "expected to match every `allOf` schema",
    }  # fmt: skip
    return texts.get(keyword, f"fails `{keyword or 'the schema'}`")


def describe(error: SchemaError, where: str, value: Any = None) -> list[Problem]:
    """A schema error as problems (one per property it names), each with where and what was expected.
    value is the whole value checked: a `format` error looks up the value at fault to tell whether its
    readers disagree on it."""
    at = "".join("/" + escape_token(token) for token in error.path)
    if error.keyword == "required" and error.names:
        return [Problem(where, "missing (required)", f"{at}/{escape_token(error.names[0])}", "required")]
    if error.keyword in ("additionalProperties", "unevaluatedProperties") and error.names:
        return [Problem(where, "not allowed (the schema does not name it)", f"{at}/{escape_token(name)}", error.keyword)
                for name in error.names]  # fmt: skip
    doubt = None
    if error.keyword == "format" and isinstance(error.expected, str):
        found = get(value, error.path, None) if error.path else value
        doubt = formats.doubt(error.expected, found) if isinstance(found, str) else None
        if doubt is None and error.expected in UNCHECKED_FORMATS:
            doubt = f"servers may take `{error.expected}` without checking its shape"
    return [Problem(where, _expectation(error), at, error.keyword, doubt)]


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


class NotIJson(ValueError):
    """JSON text that holds a lone surrogate escape: no character, so no I-JSON (RFC 7493 2.1)."""


def parse_json(body: bytes) -> Any:
    """The JSON value of body. Raises ValueError when it is not JSON (NotIJson when it holds a lone
    surrogate), _Unsure when servers may differ."""
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except RecursionError:
        raise _Unsure from None
    if too_deep(value):
        raise _Unsure
    if (b"\\ud" in body or b"\\uD" in body) and holds_lone_surrogate(value):  # only an escape can give one
        raise NotIJson("a lone surrogate")
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
        """The answer's body read as JSON once: ("json", value), ("not-json", None), ("not-i-json", None)
        (a lone surrogate) or ("unsure", None)."""
        try:
            return "json", parse_json(self.exchange.response_body or b"")
        except NotIJson:
            return "not-i-json", None
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
    def format_doubts(self) -> list[Problem]:
        """The values of the request (parameters, body) whose format its readers disagree on, with why: a
        refusal that turns on one of them may be right. Only for a request that matches its schema."""
        found: list[Problem] = []
        for where, pointer, value in self._checked_values():
            evaluation = self.spec.schemas.compiled(pointer).evaluate(value)
            for note in evaluation.annotations():
                fmt, at = note.get("annotations"), note.get("instanceLocation", "")
                if not str(note.get("schemaLocation", "")).endswith("/format") or not isinstance(fmt, str):
                    continue
                text = get(value, tuple(unescape_token(t) for t in at.split("/")[1:]), None)
                reason = formats.doubt(fmt, text) if isinstance(text, str) else None
                if reason is not None:
                    found.append(Problem(where, reason, at, "format", reason))
        return found

    def _checked_values(self) -> list[tuple[str, Pointer, Any]]:
        """(where, schema pointer, value) for every parameter sent and the JSON body, as checked."""
        checked: list[tuple[str, Pointer, Any]] = []
        for param, where, raw in self._sent_parameters():
            schema_pointer = (*param.pointer, "schema")
            schema = self.spec.schema_at(schema_pointer)
            if schema is not None and raw is not None:
                try:
                    checked.append((f"{where} parameter `{param.param.get('name')}`", schema_pointer,
                                    coerce(raw, self._resolved(schema))))  # fmt: skip
                except _Unsure:
                    continue
        body = self.operation.request_body
        media = body.media_for(self.exchange.request_header("content-type") or "") if body else None
        ok, value = self.request_json
        if media is not None and media.schema_pointer is not None and media.is_json and ok:
            checked.append(("the request body", media.schema_pointer, value))
        return checked

    @cached_property
    def request_problems(self) -> list[Problem] | None:
        """What in the request breaks its schema (parameters, body); None when the recording cannot tell."""
        try:
            return self._parameter_problems() + self._body_problems()
        except _Unsure:
            return None

    def _sent_parameters(self) -> list[tuple[Any, str, str | None]]:
        """(parameter, where, its text as sent or None) for each parameter the operation reads."""
        query: dict[str, list[str]] = {}
        for name, value in self.query:
            query.setdefault(name, []).append(value)
        sent: list[tuple[Any, str, str | None]] = []
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
            sent.append((param, str(where), raw))
        return sent

    def _parameter_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for param, where, raw in self._sent_parameters():
            name = str(param.param.get("name"))
            if raw is None:
                if param.param.get("required") is True:
                    problems.append(Problem(f"{where} parameter `{name}`", "is missing"))
                continue
            schema_pointer = (*param.pointer, "schema")
            schema = self.spec.schema_at(schema_pointer)
            if schema is None:
                continue
            value = coerce(raw, self._resolved(schema))
            problems += self.spec.problems(schema_pointer, value, f"{where} parameter `{name}`")
        return problems

    def _resolved(self, schema: Any) -> Any:
        from ..oas.walk import resolve

        return resolve(self.spec.view.doc, schema, ())[1]

    def _body_problems(self) -> list[Problem]:
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
        where = "the request body"
        if not body:
            return [Problem(where, "is missing")] if body_spec.required else []
        content_type = exchange.request_header("content-type")
        if not content_type:
            return [Problem(where, "has no Content-Type")]
        media = body_spec.media_for(content_type)
        if media is None:
            return [Problem(where, f"has the type {media_type_essence(content_type)}, which is not documented")]
        if media.schema_pointer is None:
            return []
        if not media.is_json:
            raise _Unsure  # forms and the like: not what this API takes; no verdict
        try:
            value = parse_json(body)
        except NotIJson:
            # JSON text, but no I-JSON: not a valid request; whether a server takes it is its own reading
            return [Problem(where, NOT_I_JSON, keyword="i-json", doubt="readers of it differ (RFC 8259 8.2)")]
        except ValueError:
            return [Problem(where, "is not JSON")]
        return self.spec.problems(media.schema_pointer, value, where)

"""What changed between two versions of the spec, and whether it breaks a client.

Operations are matched by method and path shape (``/clients/{}``: a renamed path
parameter is not a new operation); parameters by location and name (path
parameters by position); schemas are compared in the direction they travel:
what a client sends (request) may only get more permissive, what it receives
(response) may only get more constrained. Each change has a rule id, says
whether it breaks existing clients, and where it is (the source file and line
when the spec is a split source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import Location
from ..core.pointer import Pointer
from ..oas.bundle import Bundle
from ..oas.paths import path_shape, template_names
from ..oas.schemas import merged_object
from ..oas.validate import require_structure
from ..oas.walk import effective_parameters, effective_security, iter_operations, resolve
from .rules import RULES

Node = dict[str, Any]  # an OpenAPI object as written: an operation, a body, a response, a schema
Seen = set[tuple[Pointer, Pointer]]  # the (old, new) schema pairs compared on this path: $ref cycles stop

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_SHAPES = ("pattern", "format")


@dataclass(frozen=True, order=True)
class Change:
    breaking: bool
    rule: str
    where: str  # the operation, e.g. "POST /clients"
    message: str
    location: Location | None = field(default=None, compare=False)
    pointer: Pointer = field(default=(), compare=False)


@dataclass
class _Side:
    bundle: Bundle

    @property
    def doc(self) -> Node:
        return self.bundle.data

    def resolve(self, node: Any, pointer: Pointer) -> tuple[Pointer, Any]:
        return resolve(self.doc, node, pointer)

    def locate(self, pointer: Pointer) -> Location | None:
        try:
            return self.bundle.locate(pointer)
        except LookupError:
            return None


def _operations(side: _Side) -> dict[tuple[str, str], tuple[str, Pointer, Node]]:
    found: dict[tuple[str, str], tuple[str, Pointer, Node]] = {}
    for pointer, path, method, op in iter_operations(side.doc):
        found[(method, path_shape(path))] = (path, pointer, op)
    return found


class _Differ:
    def __init__(self, old: Bundle, new: Bundle) -> None:
        self.old, self.new = _Side(old), _Side(new)
        self.changes: list[Change] = []

    def add(self, rule_id: str, where: str, message: str, side: _Side, pointer: Pointer) -> None:
        """A change under rule_id; the rules table (rules.py) says whether it breaks, and its name."""
        rule = RULES[rule_id]
        self.changes.append(Change(rule.breaking, rule.name, where, message, side.locate(pointer), pointer))

    def run(self) -> list[Change]:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        for key, (path, pointer, _) in old_ops.items():
            if key not in new_ops:
                self.add("operation-removed", f"{key[0].upper()} {path}", "operation removed", self.old, pointer)
        for key, (path, pointer, op) in new_ops.items():
            where = f"{key[0].upper()} {path}"
            if key not in old_ops:
                self.add("operation-added", where, "operation added", self.new, pointer)
                continue
            old_path, old_pointer, old_op = old_ops[key]
            self.parameters(where, old_path, old_pointer, old_op, path, pointer, op)
            self.request_body(where, old_pointer, old_op, pointer, op)
            self.responses(where, old_pointer, old_op, pointer, op)
            self.security(where, old_op, pointer, op)
        return sorted(self.changes, key=lambda c: (not c.breaking, c.where, c.rule, c.message))

    # -- parameters -------------------------------------------------------------------------------
    def _params(
        self, side: _Side, path: str, pointer: Pointer, op: Node
    ) -> dict[tuple[str, str], tuple[Pointer, Node]]:
        templates = list(template_names(path))
        found: dict[tuple[str, str], tuple[Pointer, Node]] = {}
        for parameter in effective_parameters(side.doc, pointer):
            name, where = str(parameter.param.get("name")), str(parameter.param.get("in"))
            # path parameters match by position: a renamed one is no change
            key = ("path", str(templates.index(name))) if where == "path" and name in templates else parameter.key
            found[key] = (parameter.written, parameter.param)
        return found

    def parameters(
        self, where: str, old_path: str, old_pointer: Pointer, old_op: Node, path: str, pointer: Pointer, op: Node
    ) -> None:
        old_params = self._params(self.old, old_path, old_pointer, old_op)
        new_params = self._params(self.new, path, pointer, op)
        for key, (ppointer, param) in new_params.items():
            label = f"{param.get('in')} parameter {param.get('name')!r}"
            if key not in old_params:
                if param.get("required"):
                    self.add("parameter-added-required", where, f"new required {label}", self.new, ppointer)
                else:
                    self.add("parameter-added", where, f"new optional {label}", self.new, ppointer)
                continue
            old_ppointer, old_param = old_params[key]
            if param.get("required") and not old_param.get("required"):
                self.add("parameter-became-required", where, f"{label} became required", self.new, ppointer)
            self.schema(
                where,
                label,
                "request",
                old_param.get("schema"),
                (*old_ppointer, "schema"),
                param.get("schema"),
                (*ppointer, "schema"),
                set(),
            )
        for key, (ppointer, param) in old_params.items():
            if key not in new_params:
                label = f"{param.get('in')} parameter {param.get('name')!r}"
                self.add("parameter-removed", where, f"{label} removed", self.old, ppointer)

    # -- bodies ------------------------------------------------------------------------------------
    def request_body(self, where: str, old_pointer: Pointer, old_op: Node, pointer: Pointer, op: Node) -> None:
        old_bpointer, old_body = self.old.resolve(old_op.get("requestBody"), (*old_pointer, "requestBody"))
        bpointer, body = self.new.resolve(op.get("requestBody"), (*pointer, "requestBody"))
        if not isinstance(body, dict):
            if isinstance(old_body, dict):
                self.add("request-body-removed", where, "request body removed", self.old, old_bpointer)
            return
        if not isinstance(old_body, dict):
            rule = "request-body-added-required" if body.get("required") else "request-body-added"
            self.add(
                rule,
                where,
                f"{'required' if body.get('required') else 'optional'} request body added",
                self.new,
                bpointer,
            )
            return
        if body.get("required") and not old_body.get("required"):
            self.add("request-body-became-required", where, "request body became required", self.new, bpointer)
        self.content(where, "request", old_body, old_bpointer, body, bpointer)

    def content(
        self, where: str, direction: str, old: Node, old_pointer: Pointer, new: Node, pointer: Pointer, label: str = ""
    ) -> None:
        old_content, content = old.get("content") or {}, new.get("content") or {}
        for media_type in old_content:
            if media_type not in content:
                self.add(
                    "media-type-removed",
                    where,
                    f"{direction}{label} media type {media_type} removed",
                    self.old,
                    (*old_pointer, "content", media_type),
                )
        for media_type, media in content.items():
            if media_type not in old_content:
                self.add(
                    "media-type-added",
                    where,
                    f"{direction}{label} media type {media_type} added",
                    self.new,
                    (*pointer, "content", media_type),
                )
                continue
            self.schema(
                where,
                f"{direction}{label} body",
                direction,
                old_content[media_type].get("schema"),
                (*old_pointer, "content", media_type, "schema"),
                media.get("schema"),
                (*pointer, "content", media_type, "schema"),
                set(),
            )

    def responses(self, where: str, old_pointer: Pointer, old_op: Node, pointer: Pointer, op: Node) -> None:
        old_responses, responses = old_op.get("responses") or {}, op.get("responses") or {}
        for status in old_responses:
            if status not in responses:
                success = str(status).startswith("2")
                rule = "success-status-removed" if success else "response-status-removed"
                self.add(rule, where, f"response {status} removed", self.old, (*old_pointer, "responses", status))
        for status, response in responses.items():
            rpointer, resolved = self.new.resolve(response, (*pointer, "responses", status))
            if status not in old_responses:
                self.add("response-status-added", where, f"response {status} added", self.new, rpointer)
                continue
            old_rpointer, old_resolved = self.old.resolve(old_responses[status], (*old_pointer, "responses", status))
            if isinstance(resolved, dict) and isinstance(old_resolved, dict):
                self.content(where, "response", old_resolved, old_rpointer, resolved, rpointer, f" {status}")
                self.response_headers(where, status, old_resolved, old_rpointer, resolved, rpointer)

    def response_headers(
        self, where: str, status: str, old: Node, old_pointer: Pointer, new: Node, pointer: Pointer
    ) -> None:
        """A header a response promised (required) that it no longer promises breaks the readers that relied on it."""
        old_headers = {name.lower(): (name, h) for name, h in (old.get("headers") or {}).items()}
        new_headers = {name.lower(): (name, h) for name, h in (new.get("headers") or {}).items()}
        for key, (name, header) in old_headers.items():
            hpointer = (*old_pointer, "headers", name)
            if not (self.old.resolve(header, hpointer)[1] or {}).get("required"):
                continue
            if key not in new_headers:
                self.add(
                    "response-header-removed",
                    where,
                    f"response {status}: required header {name} removed",
                    self.old,
                    hpointer,
                )
                continue
            new_name, new_header = new_headers[key]
            npointer = (*pointer, "headers", new_name)
            if not (self.new.resolve(new_header, npointer)[1] or {}).get("required"):
                self.add(
                    "response-header-became-optional",
                    where,
                    f"response {status}: header {name} is no longer required",
                    self.new,
                    npointer,
                )

    def security(self, where: str, old_op: Node, pointer: Pointer, op: Node) -> None:
        def schemes(doc: Node, operation: Node) -> set[frozenset[str]] | None:
            requirements = effective_security(doc, operation)
            if not requirements or any(not r for r in requirements):
                return None  # callable without credentials
            return {frozenset(r) for r in requirements if isinstance(r, dict)}

        old, new = schemes(self.old.doc, old_op), schemes(self.new.doc, op)
        if old is None and new is not None:
            self.add("security-added", where, "now needs credentials", self.new, (*pointer, "security"))
        elif old is not None and new is None:
            self.add("security-removed", where, "no longer needs credentials", self.new, pointer)
        elif old is not None and new is not None and not new >= old:
            self.add("security-changed", where, "accepts other credentials than before", self.new, pointer)

    # -- schemas -----------------------------------------------------------------------------------
    def schema(
        self,
        where: str,
        label: str,
        direction: str,
        old: Any,
        old_pointer: Pointer,
        new: Any,
        pointer: Pointer,
        seen: Seen,
    ) -> None:
        if old is None or new is None:
            return
        old_pointer, old_s = merged_object(self.old.doc, old, old_pointer)
        pointer, new_s = merged_object(self.new.doc, new, pointer)
        if (old_pointer, pointer) in seen:
            return
        seen = seen | {(old_pointer, pointer)}
        old_types, new_types = _types(old_s), _types(new_s)
        if old_types and new_types and old_types != new_types:
            widened = new_types > old_types or ("number" in new_types and old_types <= {"integer", "number"})
            narrowed = new_types < old_types or ("number" in old_types and new_types <= {"integer", "number"})
            harmless = {"request": ("request-type-widened", widened), "response": ("response-type-narrowed", narrowed)}
            rule, is_harmless = harmless[direction]
            message = f"{label}: type {'/'.join(sorted(old_types))} -> {'/'.join(sorted(new_types))}"
            self.add(rule if is_harmless else f"{direction}-type-changed", where, message, self.new, pointer)
            return
        self.enums(where, label, direction, old_s, new_s, pointer)
        self.bounds(where, label, direction, old_s, new_s, pointer)
        self.properties(where, label, direction, old_s, old_pointer, new_s, pointer, seen)
        if "items" in old_s and "items" in new_s:
            self.schema(
                where,
                f"{label}[]",
                direction,
                old_s["items"],
                (*old_pointer, "items"),
                new_s["items"],
                (*pointer, "items"),
                seen,
            )
        for key in ("oneOf", "anyOf"):
            old_n, new_n = len(old_s.get(key) or []), len(new_s.get(key) or [])
            if old_n and new_n and new_n > old_n:
                self.add(
                    f"{direction}-variant-added",
                    where,
                    f"{label}: {key} gained {new_n - old_n} variants",
                    self.new,
                    pointer,
                )
            elif old_n and new_n and new_n < old_n:
                self.add(
                    f"{direction}-variant-removed",
                    where,
                    f"{label}: {key} lost {old_n - new_n} variants",
                    self.new,
                    pointer,
                )
            for i in range(min(old_n, new_n)):
                self.schema(
                    where,
                    label,
                    direction,
                    old_s[key][i],
                    (*old_pointer, key, str(i)),
                    new_s[key][i],
                    (*pointer, key, str(i)),
                    seen,
                )

    def enums(self, where: str, label: str, direction: str, old_s: Node, new_s: Node, pointer: Pointer) -> None:
        old_values, new_values = _enum(old_s), _enum(new_s)
        if old_values is not None and new_values is None:  # any value now: a response's readers meet new ones
            self.add(
                f"{direction}-enum-removed", where, f"{label}: no longer limited to {old_values!r}", self.new, pointer
            )
        if old_values is None and new_values is not None:  # limited now: requests that were valid are refused
            self.add(f"{direction}-enum-added", where, f"{label}: now limited to {new_values!r}", self.new, pointer)
        if old_values is None or new_values is None:
            return
        for value in [v for v in new_values if v not in old_values]:
            self.add(f"{direction}-enum-value-added", where, f"{label}: enum value {value!r} added", self.new, pointer)
        for value in [v for v in old_values if v not in new_values]:
            self.add(
                f"{direction}-enum-value-removed", where, f"{label}: enum value {value!r} removed", self.new, pointer
            )

    def bounds(self, where: str, label: str, direction: str, old_s: Node, new_s: Node, pointer: Pointer) -> None:
        """A bound (minimum, maxLength, pattern, format, ...) that lets more values through: harmless in a
        request, breaking in a response (its readers meet values they were told would not come); and
        the other way round for one that lets fewer through."""
        for key in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, *_SHAPES):
            old, new = old_s.get(key), new_s.get(key)
            if old == new:
                continue
            if old is not None and new is None:
                wider = True
            elif old is None:
                wider = False
            elif key in _SHAPES or not isinstance(old, int | float) or not isinstance(new, int | float):
                wider = None  # another pattern or format: neither wider nor narrower, so both ways
            else:
                wider = new < old if key in _LOWER_BOUNDS else new > old
            message = f"{label}: {key} {old!r} -> {new!r}"
            if wider is not False and direction == "response":
                self.add("response-bound-relaxed", where, message, self.new, pointer)
            if wider is not True and direction == "request":
                self.add("request-bound-tightened", where, message, self.new, pointer)
            if (wider is True and direction == "request") or (wider is False and direction == "response"):
                self.add(f"{direction}-bound-changed", where, message, self.new, pointer)

    def properties(
        self,
        where: str,
        label: str,
        direction: str,
        old_s: Node,
        old_pointer: Pointer,
        new_s: Node,
        pointer: Pointer,
        seen: Seen,
    ) -> None:
        old_props, new_props = old_s.get("properties") or {}, new_s.get("properties") or {}
        old_req, new_req = set(old_s.get("required") or []), set(new_s.get("required") or [])
        for name in new_props:
            ppointer = (*pointer, "properties", name)
            if name not in old_props:
                if direction == "request" and name in new_req:
                    self.add(
                        "request-property-added-required",
                        where,
                        f"{label}: new required property {name!r}",
                        self.new,
                        ppointer,
                    )
                else:
                    self.add(
                        f"{direction}-property-added",
                        where,
                        f"{label}: new property {name!r}",
                        self.new,
                        ppointer,
                    )
                continue
            if direction == "request" and name in new_req and name not in old_req:
                self.add(
                    "request-property-became-required",
                    where,
                    f"{label}: property {name!r} became required",
                    self.new,
                    ppointer,
                )
            if direction == "response" and name in old_req and name not in new_req:
                self.add(
                    "response-property-became-optional",
                    where,
                    f"{label}: property {name!r} may now be absent",
                    self.new,
                    ppointer,
                )
            self.schema(
                where,
                f"{label}.{name}",
                direction,
                old_props[name],
                (*old_pointer, "properties", name),
                new_props[name],
                ppointer,
                seen,
            )
        for name in old_props:
            if name in new_props:
                continue
            opointer = (*old_pointer, "properties", name)
            if direction == "response" and name in old_req:
                self.add(
                    "response-required-property-removed",
                    where,
                    f"{label}: required property {name!r} removed",
                    self.old,
                    opointer,
                )
            elif direction == "request" and new_s.get("additionalProperties") is False:
                self.add(
                    "request-property-removed-closed",
                    where,
                    f"{label}: property {name!r} removed, and unknown properties are refused",
                    self.old,
                    opointer,
                )
            else:
                self.add(
                    f"{direction}-property-removed",
                    where,
                    f"{label}: property {name!r} removed",
                    self.old,
                    opointer,
                )


def _types(schema: Node) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    return set()


def _enum(schema: Node) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def diff(old: Bundle, new: Bundle) -> list[Change]:
    """Every change from old to new, breaking ones first. Both must be valid OpenAPI (RstarError if not):
    the comparison walks the shapes the structure check holds a document to."""
    require_structure(old, "the old spec")
    require_structure(new, "the new spec")
    return _Differ(old, new).run()


def major(version: Any) -> int | None:
    match = re.match(r"^\D*(\d+)", str(version or ""))
    return int(match.group(1)) if match else None

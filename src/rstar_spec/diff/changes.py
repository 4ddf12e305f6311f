"""What changed between two versions of the spec, and whether it breaks a client.

Operations are matched by method and path shape (``/things/{}``: a renamed path
parameter is not a new operation); parameters by location and name (path
parameters by position); schemas are compared in the direction they travel:
what a client sends (request) may only get more permissive, what it receives
(response) may only get more constrained (``_pairs.py``: each pair of schemas
once). Each change has a rule id, says whether it breaks existing clients (or
may: a warning), and where it is (the source file and line when the spec is a
split source). OpenAPI 3.0 and 3.1 documents compare by meaning (``_schemas.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import Location, RstarError, shorten
from ..core.pointer import Pointer, to_string
from ..oas.bundle import Bundle
from ..oas.paths import path_shape, template_names
from ..oas.schemas import mapping_of
from ..oas.structure import check_structure
from ..oas.walk import effective_parameters, effective_security, item_operations, iter_operations, resolve
from ._pairs import PARAMETER, Key, PairGraph
from ._schemas import Schemas
from .rules import BREAKING, COMPATIBLE, RULES, WARNING

Node = dict[str, Any]  # an OpenAPI object as written: an operation, a body, a response, a schema
# Bodies whose values travel as text, as parameters do: form fields, XML, plain text.
_TEXT_MEDIA = re.compile(r"^(application/x-www-form-urlencoded|multipart/form-data|text/|[^;]*[/+]xml\b)", re.I)


@dataclass(frozen=True, order=True)
class Change:
    breaking: bool
    rule: str
    where: str  # the operation, e.g. "POST /things"
    message: str
    location: Location | None = field(default=None, compare=False)
    pointer: Pointer = field(default=(), compare=False)
    warning: bool = field(default=False, compare=False)  # may break a client: shown, does not fail the gate

    @property
    def severity(self) -> str:
        return BREAKING if self.breaking else WARNING if self.warning else COMPATIBLE


@dataclass
class _Side:
    bundle: Bundle
    version: str  # "3.0" or "3.1"

    def __post_init__(self) -> None:
        self.schemas = Schemas(self.bundle.data, self.version)
        self._located: dict[Pointer, Location | None] = {}  # a shared schema's change is reported at every use

    @property
    def doc(self) -> Node:
        return self.bundle.data

    def resolve(self, node: Any, pointer: Pointer) -> tuple[Pointer, Any]:
        return resolve(self.doc, node, pointer)

    def locate(self, pointer: Pointer) -> Location | None:
        if pointer not in self._located:
            self._located[pointer] = _locate(self.bundle, pointer)
        return self._located[pointer]


def _webhooks(side: _Side) -> dict[tuple[str, str], tuple[Pointer, Node]]:
    """(method, name) -> (pointer, operation) of the document's webhooks (OpenAPI 3.1)."""
    found: dict[tuple[str, str], tuple[Pointer, Node]] = {}
    for name, item in mapping_of(side.doc.get("webhooks")).items():
        item_pointer, resolved = side.resolve(item, ("webhooks", name))
        for method, op in item_operations(resolved):
            found[(method, str(name))] = ((*item_pointer, method), op)
    return found


def _operations(side: _Side) -> dict[tuple[str, str], tuple[str, Pointer, Node]]:
    found: dict[tuple[str, str], tuple[str, Pointer, Node]] = {}
    for pointer, path, method, op in iter_operations(side.doc):
        found[(method, path_shape(path))] = (path, pointer, op)
    return found


class _Differ:
    def __init__(self, old: Bundle, new: Bundle) -> None:
        self.old, self.new = _Side(old, _version(old, "the old spec")), _Side(new, _version(new, "the new spec"))
        self.graph = PairGraph(self.old.schemas, self.new.schemas)
        self.uses: list[tuple[str, str, Key]] = []  # (operation, label, pair) of every schema compared
        self.changes: list[Change] = []

    def add(self, rule_id: str, where: str, message: str, side: _Side, pointer: Pointer) -> None:
        """A change under rule_id; the rules table (rules.py) says whether it breaks, and its name."""
        rule = RULES[rule_id]
        self.changes.append(
            Change(rule.breaking, rule.name, where, message, side.locate(pointer), pointer, rule.severity == WARNING)
        )

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
            self.parameters(where, old_path, old_pointer, path, pointer)
            self.request_body(where, old_pointer, old_op, pointer, op)
            self.responses(where, old_pointer, old_op, pointer, op)
            self.security(where, old_op, pointer, op)
        self.webhooks()
        self.finish()
        return sorted(self.changes, key=lambda c: (not c.breaking, not c.warning, c.where, c.rule, c.message))

    # -- webhooks ---------------------------------------------------------------------------------
    def webhooks(self) -> None:
        """A webhook is a call the API makes to the consumer's server: what it sends is what the consumer
        receives (compared as a response), the consumer's answer is what it sends (compared as a request)."""
        old_hooks, new_hooks = _webhooks(self.old), _webhooks(self.new)
        for key, (pointer, _) in old_hooks.items():
            if key not in new_hooks:
                self.add("webhook-removed", f"WEBHOOK {key[1]} {key[0].upper()}", "webhook removed", self.old, pointer)
        for key, (pointer, op) in new_hooks.items():
            where = f"WEBHOOK {key[1]} {key[0].upper()}"
            if key not in old_hooks:
                self.add("webhook-added", where, "webhook added", self.new, pointer)
                continue
            old_pointer, old_op = old_hooks[key]
            old_bpointer, old_body = self.old.resolve(old_op.get("requestBody"), (*old_pointer, "requestBody"))
            bpointer, body = self.new.resolve(op.get("requestBody"), (*pointer, "requestBody"))
            if isinstance(old_body, dict) and isinstance(body, dict):
                self.content(where, "response", old_body, old_bpointer, body, bpointer, name="webhook request")
            old_answers, answers = mapping_of(old_op.get("responses")), mapping_of(op.get("responses"))
            for status in old_answers.keys() & answers.keys():
                opointer, old_answer = self.old.resolve(old_answers[status], (*old_pointer, "responses", status))
                npointer, answer = self.new.resolve(answers[status], (*pointer, "responses", status))
                if isinstance(old_answer, dict) and isinstance(answer, dict):
                    self.content(where, "request", old_answer, opointer, answer, npointer, f" {status}",
                                 name="webhook answer")  # fmt: skip

    # -- parameters -------------------------------------------------------------------------------
    def _params(self, side: _Side, path: str, pointer: Pointer) -> dict[tuple[str, str], tuple[Pointer, Pointer, Node]]:
        """(where the list holds it, where it is written, the parameter) by (in, name)."""
        templates = list(template_names(path))
        found: dict[tuple[str, str], tuple[Pointer, Pointer, Node]] = {}
        for parameter in effective_parameters(side.doc, pointer):
            name, where = str(parameter.param.get("name")), str(parameter.param.get("in"))
            # path parameters match by position: a renamed one is no change
            key = ("path", str(templates.index(name))) if where == "path" and name in templates else parameter.key
            found[key] = (parameter.written, parameter.pointer, parameter.param)
        return found

    def parameters(self, where: str, old_path: str, old_pointer: Pointer, path: str, pointer: Pointer) -> None:
        old_params = self._params(self.old, old_path, old_pointer)
        new_params = self._params(self.new, path, pointer)
        for key, (written, ppointer, param) in new_params.items():
            label = f"{param.get('in')} parameter {param.get('name')!r}"
            if key not in old_params:
                if param.get("required"):
                    self.add("parameter-added-required", where, f"new required {label}", self.new, written)
                else:
                    self.add("parameter-added", where, f"new optional {label}", self.new, written)
                continue
            _, old_ppointer, old_param = old_params[key]
            if param.get("required") and not old_param.get("required"):
                self.add("parameter-became-required", where, f"{label} became required", self.new, written)
            old_schema, new_schema = old_param.get("schema"), param.get("schema")
            self.default(where, label, old_schema, (*old_ppointer, "schema"), new_schema, (*ppointer, "schema"))
            self.schema(
                where, label, PARAMETER, old_schema, (*old_ppointer, "schema"), new_schema, (*ppointer, "schema")
            )
        for key, (written, _, param) in old_params.items():
            if key not in new_params:
                label = f"{param.get('in')} parameter {param.get('name')!r}"
                self.add("parameter-removed", where, f"{label} removed", self.old, written)

    def default(self, where: str, label: str, old: Any, old_pointer: Pointer, new: Any, pointer: Pointer) -> None:
        """What the server does for a call that leaves the parameter out."""
        old_view, new_view = self.old.schemas.view(old, old_pointer), self.new.schemas.view(new, pointer)
        if old_view is None or new_view is None:
            return
        before, after = old_view.schema.get("default"), new_view.schema.get("default")
        if before == after:
            return
        message = f"{label}: default {before!r} -> {after!r}"
        if before is None:
            self.add("parameter-default-added", where, message, self.new, (*new_view.pointer, "default"))
        else:
            self.add("parameter-default-changed", where, message, self.new, (*new_view.pointer, "default")
                     if after is not None else new_view.pointer)  # fmt: skip

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
        self,
        where: str,
        direction: str,
        old: Node,
        old_pointer: Pointer,
        new: Node,
        pointer: Pointer,
        label: str = "",
        name: str = "",
    ) -> None:
        """The bodies of a request or response; name: what the label calls it (default: its direction)."""
        old_content, content = old.get("content") or {}, new.get("content") or {}
        said = f"{name or direction}{label}"  # "request", "response 200", "webhook request"
        for media_type in old_content:
            if media_type not in content:
                self.add(
                    "media-type-removed",
                    where,
                    f"{said} media type {media_type} removed",
                    self.old,
                    (*old_pointer, "content", media_type),
                )
        for media_type, media in content.items():
            if media_type not in old_content:
                self.add(
                    "media-type-added",
                    where,
                    f"{said} media type {media_type} added",
                    self.new,
                    (*pointer, "content", media_type),
                )
                continue
            self.schema(
                where,
                f"{said} body",
                f"{direction}-text" if _TEXT_MEDIA.search(media_type) else direction,
                old_content[media_type].get("schema"),
                (*old_pointer, "content", media_type, "schema"),
                media.get("schema"),
                (*pointer, "content", media_type, "schema"),
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
        for key in old_headers.keys() & new_headers.keys():  # what its readers parse: text, as a parameter's
            (old_name, old_header), (new_name, new_header) = old_headers[key], new_headers[key]
            opointer, old_h = self.old.resolve(old_header, (*old_pointer, "headers", old_name))
            npointer, new_h = self.new.resolve(new_header, (*pointer, "headers", new_name))
            if isinstance(old_h, dict) and isinstance(new_h, dict):
                self.schema(where, f"response {status} header {new_name}", "response-text", old_h.get("schema"),
                            (*opointer, "schema"), new_h.get("schema"), (*npointer, "schema"))  # fmt: skip
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
        self, where: str, label: str, context: str, old: Any, old_pointer: Pointer, new: Any, pointer: Pointer
    ) -> None:
        """A use of a pair of schemas: compared now (once, whatever else uses it), reported by finish()."""
        if old is None or new is None:
            return
        key = self.graph.root(old, old_pointer, new, pointer, context)
        if key is not None:
            self.uses.append((where, label, key))

    def finish(self) -> None:
        for where, label, key in self.uses:
            for step, found in self.graph.report(key):
                side = self.new if found.new_side else self.old
                self.add(found.rule, where, f"{label}{step}: {found.message}", side, found.pointer)


def diff(old: Bundle, new: Bundle) -> list[Change]:
    """Every change from old to new, breaking ones first. Both must be valid OpenAPI 3.0 or 3.1 (RstarError
    if not): the comparison walks the shapes the structure check holds a document to."""
    return _Differ(old, new).run()


def _version(bundle: Bundle, label: str) -> str:
    """The document's OpenAPI version ("3.0" or "3.1"), once its shapes are what that version's schema says:
    the comparison walks them. Anything else is refused in one line."""
    data = bundle.data
    written = data.get("openapi", data.get("swagger")) if isinstance(data, dict) else None
    match = re.match(r"^3\.([01])\.\d+", written) if isinstance(written, str) else None
    if match is None:
        name = "Swagger" if isinstance(data, dict) and "swagger" in data else "OpenAPI"
        raise RstarError(
            f"{label} is {name} {written!r}: diff compares OpenAPI 3.0 and 3.1 documents"
            + (" (convert it first, e.g. with swagger2openapi)" if name == "Swagger" else ""),
            _locate(bundle, ("swagger",) if name == "Swagger" else ("openapi",)),
        )
    version = f"3.{match.group(1)}"
    problems = check_structure(data, version, semantic=False)
    if problems:
        first = problems[0]
        raise RstarError(
            f"{label} is not valid OpenAPI {version} at {to_string(first.pointer) or '/'}: {shorten(first.message)}",
            _locate(bundle, first.pointer),
        )
    return version


def _locate(bundle: Bundle, pointer: Pointer) -> Location | None:
    try:
        return bundle.locate(pointer)
    except LookupError:
        return None


def major(version: Any) -> int | None:
    match = re.match(r"^\D*(\d+)", str(version or ""))
    return int(match.group(1)) if match else None

"""One typed, resolved view of an OpenAPI document, built once and read by every tool.

``DocumentView.of(doc)`` walks the document once and gives, per operation: its method, path template
(with a compiled matcher), operationId, effective parameters, request body, responses (status to
headers and content schemas, with links) and security. ``Router`` maps (method, URL path) to an
operation. The mock routes with it, the contract guard and its coverage read it, the traffic checker
matches recorded exchanges with it, and lint, diff, the generator's facts and publish read operations
from it, so what OpenAPI means is decided here, once.

Schemas are given by pointer (``schema_pointer``), where their ``$ref`` chain ends, so that
``BundleSchemas`` (the one schema engine) compiles each once. A view assumes a document that passed
the structural check; on one that did not, what is malformed is left out, never raised on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core.pointer import Pointer
from .paths import PathTemplate, TemplateError
from .walk import Parameter, effective_parameters, is_authenticated, iter_operations, resolve

if TYPE_CHECKING:
    from .resources import ResourceModel

JSON_MEDIA_SUFFIX = "+json"


def media_type_essence(content_type: str) -> str:
    """`Application/JSON; charset=utf-8` -> `application/json` (RFC 9110 8.3.1: type/subtype, no case)."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json_media(content_type: str) -> bool:
    essence = media_type_essence(content_type)
    return essence == "application/json" or essence.endswith(JSON_MEDIA_SUFFIX)


@dataclass(frozen=True)
class MediaType:
    name: str  # as written: application/json
    pointer: Pointer  # of the Media Type Object
    schema_pointer: Pointer | None  # where its schema ends after $refs; None without a schema

    @property
    def is_json(self) -> bool:
        return is_json_media(self.name)


def _content(doc: dict[str, Any], owner: dict[str, Any], pointer: Pointer) -> dict[str, MediaType]:
    content = owner.get("content")
    found: dict[str, MediaType] = {}
    for name, media in content.items() if isinstance(content, dict) else ():
        if not isinstance(media, dict):
            continue
        media_pointer = (*pointer, "content", name)
        schema_pointer: Pointer | None = None
        if "schema" in media:
            schema_pointer, _ = resolve(doc, media["schema"], (*media_pointer, "schema"))
        found[name] = MediaType(name, media_pointer, schema_pointer)
    return found


def select_media(content: dict[str, MediaType], content_type: str) -> MediaType | None:
    """The media type that describes content_type: exact, then `type/*`, then `*/*` (OpenAPI 3.1, 4.8.14)."""
    essence = media_type_essence(content_type)
    by_essence = {media_type_essence(name): media for name, media in content.items()}
    return by_essence.get(essence) or by_essence.get(essence.split("/", 1)[0] + "/*") or by_essence.get("*/*")


@dataclass(frozen=True)
class Header:
    name: str  # as written; compare without case
    pointer: Pointer  # where its $ref chain ends
    required: bool
    schema_pointer: Pointer | None


@dataclass(frozen=True)
class Link:
    name: str
    pointer: Pointer
    operation_id: str | None  # operationId, or None for an operationRef
    operation_ref: str | None
    parameters: dict[str, Any]
    request_body: Any


@dataclass(frozen=True)
class Response:
    status: str  # as written: "200", "4XX", "default"
    pointer: Pointer  # where its $ref chain ends
    description: str
    headers: tuple[Header, ...]
    content: dict[str, MediaType]
    links: tuple[Link, ...]

    def media_for(self, content_type: str) -> MediaType | None:
        return select_media(self.content, content_type)

    def header(self, name: str) -> Header | None:
        lowered = name.lower()
        return next((h for h in self.headers if h.name.lower() == lowered), None)


@dataclass(frozen=True)
class RequestBody:
    pointer: Pointer  # where its $ref chain ends
    required: bool
    content: dict[str, MediaType]

    def media_for(self, content_type: str) -> MediaType | None:
        return select_media(self.content, content_type)


@dataclass(frozen=True)
class Operation:
    method: str  # lower case, as OpenAPI writes it: get, post...
    path: PathTemplate
    operation_id: str | None
    pointer: Pointer  # ("paths", path, method)
    raw: dict[str, Any] = field(repr=False)  # the Operation Object as written
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: dict[str, Response]  # by status key as written
    security: tuple[dict[str, Any], ...]  # the requirements in effect (the operation's or the document's)
    authenticated: bool  # every way to call it needs credentials

    @property
    def template(self) -> str:
        return self.path.template

    @property
    def label(self) -> str:
        """`GET /things/{thing_id}`: how people name an operation."""
        return f"{self.method.upper()} {self.path.template}"

    def response_for(self, status: int) -> Response | None:
        """The response that documents status: the exact code, then its range (`4XX`), then `default`."""
        code = str(status)
        for key in (code, f"{code[0]}XX", f"{code[0]}xx", "default"):
            if key in self.responses:
                return self.responses[key]
        return None

    def parameters_in(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.param.get("in") == location)


@dataclass(frozen=True)
class RouteMatch:
    operation: Operation
    path_params: dict[str, str]  # decoded values by name


@dataclass(frozen=True)
class Route:
    path: PathTemplate
    operations: dict[str, Operation]  # by lower-case method


class Router:
    """(method, path under the base path) -> operation. Concrete paths win over templated ones, and of
    two templated paths the one with more literal characters wins (OpenAPI 3.1, 4.8.8)."""

    def __init__(self, operations: tuple[Operation, ...]) -> None:
        routes: dict[str, dict[str, Operation]] = {}
        templates: dict[str, PathTemplate] = {}
        for op in operations:
            routes.setdefault(op.path.template, {})[op.method] = op
            templates[op.path.template] = op.path
        ordered = sorted(templates.values(), key=lambda t: (t.is_templated, -t.literal_length, len(t.names)))
        self.routes: tuple[Route, ...] = tuple(Route(t, routes[t.template]) for t in ordered)
        self._exact = {r.path.template: r for r in self.routes if not r.path.is_templated}

    def route(self, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        """The path item that raw_path (under the base path, as sent) names, and its path values."""
        exact = self._exact.get(raw_path)
        if exact is not None:
            return exact, {}
        for route in self.routes:
            if route.path.is_templated:
                values = route.path.match(raw_path)
                if values is not None:
                    return route, values
        return None

    def match(self, method: str, raw_path: str) -> RouteMatch | None:
        found = self.route(raw_path)
        if found is None:
            return None
        route, values = found
        op = route.operations.get(method.lower())
        return RouteMatch(op, values) if op is not None else None

    def allowed(self, raw_path: str) -> tuple[str, ...]:
        """The methods documented at raw_path, upper case and sorted (for a 405's Allow)."""
        found = self.route(raw_path)
        return tuple(sorted(m.upper() for m in found[0].operations)) if found else ()


def _entries(
    doc: dict[str, Any], owner: dict[str, Any], key: str, pointer: Pointer
) -> Iterator[tuple[str, Pointer, Any]]:
    """(name, where its $ref chain ends, the object) of each entry of the map owner[key] that is an object."""
    entries = owner.get(key)
    for name, entry in entries.items() if isinstance(entries, dict) else ():
        resolved_pointer, resolved = resolve(doc, entry, (*pointer, key, str(name)))
        if isinstance(resolved, dict):
            yield str(name), resolved_pointer, resolved


def _headers(doc: dict[str, Any], response: dict[str, Any], pointer: Pointer) -> tuple[Header, ...]:
    found = []
    for name, hpointer, resolved in _entries(doc, response, "headers", pointer):
        schema_pointer = resolve(doc, resolved["schema"], (*hpointer, "schema"))[0] if "schema" in resolved else None
        found.append(Header(name, hpointer, resolved.get("required") is True, schema_pointer))
    return tuple(found)


def _links(doc: dict[str, Any], response: dict[str, Any], pointer: Pointer) -> tuple[Link, ...]:
    found = []
    for name, lpointer, resolved in _entries(doc, response, "links", pointer):
        op_id, op_ref = resolved.get("operationId"), resolved.get("operationRef")
        params = resolved.get("parameters")
        found.append(Link(
            name, lpointer, op_id if isinstance(op_id, str) else None, op_ref if isinstance(op_ref, str) else None,
            params if isinstance(params, dict) else {}, resolved.get("requestBody"),
        ))  # fmt: skip
    return tuple(found)


def _responses(doc: dict[str, Any], op: dict[str, Any], pointer: Pointer) -> dict[str, Response]:
    found = {}
    for status, rpointer, resolved in _entries(doc, op, "responses", pointer):
        description = resolved.get("description")
        found[str(status)] = Response(
            str(status), rpointer, description if isinstance(description, str) else "",
            _headers(doc, resolved, rpointer), _content(doc, resolved, rpointer), _links(doc, resolved, rpointer),
        )  # fmt: skip
    return found


def _request_body(doc: dict[str, Any], op: dict[str, Any], pointer: Pointer) -> RequestBody | None:
    if "requestBody" not in op:
        return None
    bpointer, body = resolve(doc, op["requestBody"], (*pointer, "requestBody"))
    if not isinstance(body, dict):
        return None
    return RequestBody(bpointer, body.get("required") is True, _content(doc, body, bpointer))


@dataclass(frozen=True)
class DocumentView:
    doc: dict[str, Any] = field(repr=False)
    base_path: str  # the path of the first server's URL, without a trailing slash: /api/v3
    operations: tuple[Operation, ...]
    router: Router = field(repr=False)

    @classmethod
    def of(cls, doc: dict[str, Any]) -> DocumentView:
        operations = []
        templates: dict[str, PathTemplate | None] = {}
        for pointer, path, method, op in iter_operations(doc):
            if path not in templates:
                try:
                    templates[path] = PathTemplate.parse(path)
                except TemplateError:
                    templates[path] = None
            template = templates[path]
            if template is None:
                continue
            security = op.get("security", doc.get("security", []))
            op_id = op.get("operationId")
            operations.append(Operation(
                method, template, op_id if isinstance(op_id, str) else None, pointer, op,
                tuple(effective_parameters(doc, pointer)), _request_body(doc, op, pointer),
                _responses(doc, op, pointer),
                tuple(r for r in security if isinstance(r, dict)) if isinstance(security, list) else (),
                is_authenticated(doc, op),
            ))  # fmt: skip
        ops = tuple(operations)
        return cls(doc, server_base_path(doc), ops, Router(ops))

    @cached_property
    def resources(self) -> ResourceModel:
        """The collections, items and actions of the document, and every operation's role (oas/resources.py)."""
        from .resources import ResourceModel

        return ResourceModel.of(self)

    def by_id(self, operation_id: str) -> Operation | None:
        return next((op for op in self.operations if op.operation_id == operation_id), None)

    def under_base(self, raw_path: str, base_path: str | None = None) -> str | None:
        """raw_path without the base path (`/api/v3/things` -> `/things`); None when it is not under it."""
        base = self.base_path if base_path is None else base_path.rstrip("/")
        if not base:
            return raw_path
        if raw_path == base:
            return "/"
        return raw_path[len(base) :] if raw_path.startswith(base + "/") else None


def server_base_path(doc: dict[str, Any]) -> str:
    """The path part of the first server's URL (`https://host/api/v3` -> `/api/v3`), `` for none."""
    servers = doc.get("servers")
    first = servers[0] if isinstance(servers, list) and servers and isinstance(servers[0], dict) else {}
    url = first.get("url")
    return urlsplit(url if isinstance(url, str) else "/").path.rstrip("/")

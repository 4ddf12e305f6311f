"""One typed walk of an OpenAPI document: every node, once, filed under its kind.

The walk knows where OpenAPI puts things, as Redocly's type tree does, so a
schema property called ``content`` is never taken for a media-type map and an
example's value is never read as a description. Nodes are filed as written
(a ``$ref`` is a node of the kind its place says; it is not followed here):
rules resolve what they need.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..core.pointer import Pointer
from ..oas.walk import child_objects, item_operations, iter_subschemas

KINDS = (
    "document",
    "path_item",
    "operation",
    "parameter_list",
    "parameter",
    "request_body",
    "response",
    "header",
    "media_type",
    "schema",
    "tag",
    "server",
    "description",
)


class Node(NamedTuple):
    """A node of the document: where it is, what it is, and for some kinds where it belongs. (A tuple: Stripe's
    description has 31,000 of them, and a frozen dataclass took a third of the walk to make them.)"""

    pointer: Pointer
    value: Any
    path: str = ""  # operation, path_item: the path key
    method: str = ""  # operation: the HTTP method
    status: str | None = None  # response: the status key (None for a component)
    owner: str = ""  # media_type: the kind of node it belongs to (request_body, response, parameter, header)


def _dicts(node: Any, pointer: Pointer) -> list[tuple[Pointer, dict[str, Any]]]:
    return list(child_objects(node, pointer))


class _Indexer:
    def __init__(self) -> None:
        self.index: dict[str, list[Node]] = {kind: [] for kind in KINDS}
        self.descriptions = self.index["description"]

    def add(self, kind: str, node: Node) -> None:
        self.index[kind].append(node)
        value = node.value
        if isinstance(value, dict):
            description = value.get("description")
            if isinstance(description, str):
                self.descriptions.append(Node((*node.pointer, "description"), description))
            docs = value.get("externalDocs")
            if docs is not None and isinstance(docs, dict) and isinstance(docs.get("description"), str):
                self.descriptions.append(Node((*node.pointer, "externalDocs", "description"), docs["description"]))

    def described(self, pointer: Pointer, value: Any) -> None:
        """A node no rule subscribes to by kind, whose description is still rendered."""
        if isinstance(value, dict) and isinstance(value.get("description"), str):
            self.index["description"].append(Node((*pointer, "description"), value["description"]))

    # -- the kinds ---------------------------------------------------------------------------
    def schema_tree(self, schema: Any, pointer: Pointer) -> None:
        add = self.add
        for sub_pointer, sub in iter_subschemas(schema, pointer):
            add("schema", Node(sub_pointer, sub))

    def media_types(self, owner: dict[str, Any], pointer: Pointer, owner_kind: str) -> None:
        for media_pointer, media in _dicts(owner.get("content"), (*pointer, "content")):
            self.add("media_type", Node(media_pointer, media, owner=owner_kind))
            if isinstance(media.get("schema"), dict):
                self.schema_tree(media["schema"], (*media_pointer, "schema"))
            for example_pointer, example in _dicts(media.get("examples"), (*media_pointer, "examples")):
                self.described(example_pointer, example)

    def with_schema(self, kind: str, value: dict[str, Any], pointer: Pointer) -> None:
        """A parameter or a header: described by a schema, or by content."""
        self.add(kind, Node(pointer, value))
        if isinstance(value.get("schema"), dict):
            self.schema_tree(value["schema"], (*pointer, "schema"))
        self.media_types(value, pointer, kind)

    def parameter_list(self, params: Any, pointer: Pointer) -> None:
        if params is None:
            return
        self.add("parameter_list", Node(pointer, params))
        for param_pointer, param in _dicts(params if isinstance(params, list) else None, pointer):
            self.with_schema("parameter", param, param_pointer)

    def response(self, response: dict[str, Any], pointer: Pointer, status: str | None) -> None:
        self.add("response", Node(pointer, response, status=status))
        for header_pointer, header in _dicts(response.get("headers"), (*pointer, "headers")):
            self.with_schema("header", header, header_pointer)
        self.media_types(response, pointer, "response")
        for link_pointer, link in _dicts(response.get("links"), (*pointer, "links")):
            self.described(link_pointer, link)

    def request_body(self, body: dict[str, Any], pointer: Pointer) -> None:
        self.add("request_body", Node(pointer, body))
        self.media_types(body, pointer, "request_body")

    def operation(self, op: dict[str, Any], pointer: Pointer, path: str, method: str) -> None:
        self.add("operation", Node(pointer, op, path=path, method=method))
        self.parameter_list(op.get("parameters"), (*pointer, "parameters"))
        if isinstance(op.get("requestBody"), dict):
            self.request_body(op["requestBody"], (*pointer, "requestBody"))
        for response_pointer, response in _dicts(op.get("responses"), (*pointer, "responses")):
            self.response(response, response_pointer, response_pointer[-1])

    def components(self, components: dict[str, Any]) -> None:
        base: Pointer = ("components",)
        for pointer, schema in _dicts(components.get("schemas"), (*base, "schemas")):
            self.schema_tree(schema, pointer)
        for pointer, param in _dicts(components.get("parameters"), (*base, "parameters")):
            self.with_schema("parameter", param, pointer)
        for pointer, body in _dicts(components.get("requestBodies"), (*base, "requestBodies")):
            self.request_body(body, pointer)
        for pointer, response in _dicts(components.get("responses"), (*base, "responses")):
            self.response(response, pointer, None)
        for pointer, header in _dicts(components.get("headers"), (*base, "headers")):
            self.with_schema("header", header, pointer)
        for kind in ("examples", "securitySchemes", "links"):
            for pointer, value in _dicts(components.get(kind), (*base, kind)):
                self.described(pointer, value)

    def document(self, doc: Any) -> None:
        self.add("document", Node((), doc))
        if not isinstance(doc, dict):
            return
        self.described(("info",), doc.get("info"))
        for pointer, tag in _dicts(doc.get("tags"), ("tags",)):
            self.add("tag", Node(pointer, tag))
        for pointer, server in _dicts(doc.get("servers"), ("servers",)):
            self.add("server", Node(pointer, server))
        if isinstance(doc.get("components"), dict):
            self.components(doc["components"])
        for item_pointer, item in _dicts(doc.get("paths"), ("paths",)):
            path = item_pointer[1]
            self.add("path_item", Node(item_pointer, item, path=path))
            self.parameter_list(item.get("parameters"), (*item_pointer, "parameters"))
            for method, op in item_operations(item):
                self.operation(op, (*item_pointer, method), path, method)


def index_document(doc: Any) -> dict[str, list[Node]]:
    """Every node of the document by kind, in document order, from one walk."""
    indexer = _Indexer()
    indexer.document(doc)
    return indexer.index

"""The resources of a document, read once from its shape: what every tool knows of collections and items.

A *collection* is a path whose item path is the same path plus one trailing template segment
(`/appointments` and `/appointments/{appointment_id}`); together they are one `Resource`. Its operations
take a *role* from their method and place: GET on the collection lists, POST creates, GET on the item
retrieves, PUT replaces, PATCH updates, DELETE deletes. An operation one literal segment below an item
(`POST /appointments/{appointment_id}/cancel`) is an *action* named by that segment. Collections nest:
`/shops/{shop_id}/staff` with `/shops/{shop_id}/staff/{staff_id}` is a resource under an item.

From the operations' schemas come the item's fields: the writable ones (the create/replace request body's
properties), the read-only ones (`readOnly` in the item schema), the property that holds the id (the create
answer's links say `$response.body#/id`; else the property named like the id parameter; else `id`), the page
envelope of the list (`x-rstar-pagination`, else the list answer's shape: an array of items, the echoed
offset/limit parameters, a required integer total), whether the item GET promises an `ETag` and honours
`If-None-Match` with 304, and whether the create answer promises a `Location`.

What the shape cannot decide, an `x-rstar-resource` extension on the operation (or on its path item) does:

    x-rstar-resource: {role: action, collection: /appointments, name: cancel}
    x-rstar-resource: {role: read}        # a GET the tools answer from its examples
    x-rstar-resource: none                # deliberately no resource: tools leave it alone

The token operation is the one a security scheme's `x-rstar-token.operationId` names. Every other safe
operation (GET, HEAD) is a plain *read*. A write that nothing places is *unplaced*, with the reason:
`rstar-spec lint` reports it (rule `operation-placed`), and the tools give it only generic behaviour.
A view never raises here: what is malformed is unplaced, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.pointer import Pointer, get
from .paths import PathTemplate
from .schemas import mapping_of, merged_object, names_of
from .walk import resolve

if TYPE_CHECKING:
    from .view import DocumentView, Operation

EXTENSION = "x-rstar-resource"
PAGINATION_EXTENSION = "x-rstar-pagination"
TOKEN_EXTENSION = "x-rstar-token"

# Roles of an operation. CRUD roles belong to a resource; `action` too (with a name); the others do not.
CRUD_ROLES = ("list", "create", "retrieve", "replace", "update", "delete")
ROLES = (*CRUD_ROLES, "action", "token", "read", "none")
_COLLECTION_ROLES = {"get": "list", "post": "create"}
_ITEM_ROLES = {"get": "retrieve", "put": "replace", "patch": "update", "delete": "delete"}
SAFE_METHODS = frozenset({"get", "head", "options", "trace"})


@dataclass(frozen=True)
class PageEnvelope:
    """How a list answers a page: JSON names of the items, offset, limit and total; the query parameters."""

    items: str
    offset: str
    limit: str
    total: str
    offset_param: str
    limit_param: str
    source: str  # "extension" (x-rstar-pagination) or "shape"


@dataclass(frozen=True)
class Action:
    name: str  # the last path segment: cancel
    operation: Operation = field(repr=False)

    @property
    def label(self) -> str:
        return self.operation.label


@dataclass(frozen=True)
class Resource:
    """One collection and its items, with everything the tools need to drive it."""

    name: str  # the collection's last literal segment: appointments
    tag: str  # the first tag of its operations (SDKs group by it); else the name
    collection: PathTemplate
    item: PathTemplate | None
    id_param: str | None  # the item path's last template name: appointment_id
    parent_params: tuple[str, ...]  # template names above the collection (nested resources)
    operations: dict[str, Operation] = field(repr=False)  # by CRUD role
    actions: tuple[Action, ...]
    id_field: str | None  # the item's property that holds its id
    item_schema: Pointer | None  # where the item's JSON schema ends after $refs
    input_schema: Pointer | None  # the create (else replace) request body's JSON schema
    writable: tuple[str, ...]  # the input schema's properties, in order
    required_writable: tuple[str, ...]
    read_only: tuple[str, ...]  # the item schema's readOnly properties
    fields: tuple[str, ...]  # every property of the item schema, in order
    page: PageEnvelope | None
    etag: bool  # the item GET's 200 requires ETag, takes If-None-Match and documents 304
    location: bool  # the create answer's 201 requires Location

    def op(self, role: str) -> Operation | None:
        return self.operations.get(role)

    @property
    def deletable(self) -> bool:
        return "delete" in self.operations

    @property
    def creatable(self) -> bool:
        return "create" in self.operations

    def all_operations(self) -> Iterator[Operation]:
        yield from self.operations.values()
        for action in self.actions:
            yield action.operation


@dataclass(frozen=True)
class Placement:
    role: str  # one of ROLES
    resource: Resource | None = field(default=None, repr=False)
    action: str | None = None  # the action's name, for role "action"
    source: str = "shape"  # "shape" or "extension"


@dataclass(frozen=True)
class Unplaced:
    operation: Operation = field(repr=False)
    reason: str
    pointer: Pointer  # where to report it: the extension when it is malformed, else the operation


@dataclass(frozen=True)
class ResourceModel:
    resources: tuple[Resource, ...]
    placements: dict[Pointer, Placement] = field(repr=False)  # by operation pointer
    unplaced: tuple[Unplaced, ...]
    token: Operation | None = field(repr=False)

    def placement(self, op: Operation) -> Placement | None:
        return self.placements.get(op.pointer)

    def resource_of(self, op: Operation) -> Resource | None:
        placement = self.placements.get(op.pointer)
        return placement.resource if placement is not None else None

    def by_collection(self, template: str) -> Resource | None:
        return next((r for r in self.resources if r.collection.template == template), None)

    @classmethod
    def of(cls, view: DocumentView) -> ResourceModel:
        return _Builder(view).build()


# -- building ------------------------------------------------------------------------------------------
def _last_literal(template: PathTemplate) -> str:
    segments = [s for s in template.template.split("/") if s and "{" not in s]
    return segments[-1] if segments else ""


def _is_item_of(item: PathTemplate, collection: PathTemplate) -> bool:
    """`/a/{x}` is the item path of `/a`: one more segment, wholly one template."""
    prefix = collection.template.rstrip("/") + "/"
    if not item.template.startswith(prefix):
        return False
    rest = item.template[len(prefix) :]
    return "/" not in rest and rest.startswith("{") and rest.endswith("}") and rest.count("{") == 1


def _action_of(path: PathTemplate, item: PathTemplate) -> str | None:
    """`/a/{x}/cancel` below the item `/a/{x}`: the action `cancel`."""
    prefix = item.template + "/"
    if not path.template.startswith(prefix):
        return None
    rest = path.template[len(prefix) :]
    return rest if rest and "/" not in rest and "{" not in rest and "}" not in rest else None


def _json_schema(content: dict[str, Any]) -> Pointer | None:
    for media in content.values():
        if media.is_json and media.schema_pointer is not None:
            return media.schema_pointer  # type: ignore[no-any-return]
    return None


def _success(op: Operation, *statuses: str) -> Any:
    """The first documented response among statuses, else the first 2xx."""
    for status in statuses:
        if status in op.responses:
            return op.responses[status]
    return next((r for s, r in op.responses.items() if s.startswith("2")), None)


class _Builder:
    def __init__(self, view: DocumentView) -> None:
        self.view = view
        self.doc = view.doc
        self.placements: dict[Pointer, Placement] = {}
        self.unplaced: list[Unplaced] = []

    # Extensions: on the operation, else on its path item.
    def _extension(self, op: Operation) -> tuple[Any, Pointer] | None:
        if EXTENSION in op.raw:
            return op.raw[EXTENSION], (*op.pointer, EXTENSION)
        item_pointer = op.pointer[:-1]
        item = resolve(self.doc, get(self.doc, item_pointer, None), item_pointer)[1]
        if isinstance(item, dict) and EXTENSION in item:
            return item[EXTENSION], (*item_pointer, EXTENSION)
        return None

    def _token_operation(self) -> Operation | None:
        schemes = (self.doc.get("components") or {}).get("securitySchemes")
        for scheme in schemes.values() if isinstance(schemes, dict) else ():
            scheme = resolve(self.doc, scheme, ())[1]
            hint = scheme.get(TOKEN_EXTENSION) if isinstance(scheme, dict) else None
            op_id = hint.get("operationId") if isinstance(hint, dict) else None
            if isinstance(op_id, str):
                return self.view.by_id(op_id)
        return None

    def build(self) -> ResourceModel:
        ops = self.view.operations
        token = self._token_operation()
        templates = {op.path.template: op.path for op in ops}
        explicit: dict[Pointer, tuple[dict[str, Any], Pointer]] = {}
        for op in ops:
            found = self._extension(op)
            if found is None:
                continue
            value, where = found
            parsed = _parse_extension(value)
            if isinstance(parsed, str):
                self.unplaced.append(Unplaced(op, f"{EXTENSION}: {parsed}", where))
                self.placements[op.pointer] = Placement("none", source="extension")
            else:
                explicit[op.pointer] = (parsed, where)

        # Collections by shape: a path with an item path below it; or one named by an extension.
        # Indexed once, by parent path: a document of 300 paths is not compared pair by pair.
        found_items: dict[str, PathTemplate] = {}
        below: dict[str, list[str]] = {}  # a path -> the paths one literal segment below it (actions' places)
        for template in templates.values():
            head, _, last = template.template.rpartition("/")
            if head in templates and _is_item_of(template, templates[head]):
                found_items.setdefault(head, template)
            elif head in templates and last and "{" not in last and "}" not in last:
                below.setdefault(head, []).append(template.template)
        items_of: dict[str, PathTemplate | None] = {t: found_items[t] for t in templates if t in found_items}
        for declared, _ in (explicit[o.pointer] for o in ops if o.pointer in explicit):
            collection = declared.get("collection")
            if isinstance(collection, str) and collection not in items_of:
                parsed_collection = templates.get(collection)
                if parsed_collection is not None:
                    items_of[collection] = next(
                        (t for t in templates.values() if _is_item_of(t, parsed_collection)), None
                    )

        order = {op.pointer: i for i, op in enumerate(ops)}
        by_path: dict[str, list[Operation]] = {}
        for op in ops:
            by_path.setdefault(op.path.template, []).append(op)
        named: dict[str, list[Operation]] = {}  # explicit placements that name their collection
        for op in ops:
            entry = explicit.get(op.pointer)
            if entry is not None and isinstance(entry[0].get("collection"), str):
                named.setdefault(entry[0]["collection"], []).append(op)
        resources: list[Resource] = []
        for collection_template, item in items_of.items():
            collection = templates[collection_template]
            roles: dict[str, Operation] = {}
            actions: list[Action] = []
            places = [collection_template]
            if item is not None:
                places += [item.template, *below.get(item.template, ())]
            candidates = {op.pointer: op for place in places for op in by_path.get(place, ())}
            candidates.update((op.pointer, op) for op in named.get(collection_template, ()))
            for op in sorted(candidates.values(), key=lambda o: order[o.pointer]):
                if op.pointer in self.placements:
                    continue
                entry = explicit.get(op.pointer)
                if entry is not None:
                    spec, where = entry
                    if spec.get("collection", None) not in (None, collection_template):
                        continue
                    role = spec["role"]
                    if role not in CRUD_ROLES and role != "action":
                        continue
                    belongs = (
                        spec.get("collection") == collection_template
                        or op.path.template == collection_template
                        or (item is not None and (op.path.template == item.template or _action_of(op.path, item)))
                    )
                    if not belongs:
                        continue
                    if role == "action":
                        name = spec.get("name") or (_action_of(op.path, item) if item is not None else None)
                        if not name:
                            self.unplaced.append(Unplaced(op, f"{EXTENSION}: an action needs a name", where))
                            self.placements[op.pointer] = Placement("none", source="extension")
                            continue
                        actions.append(Action(str(name), op))
                        self.placements[op.pointer] = Placement("action", None, str(name), "extension")
                    elif role in roles:
                        self.unplaced.append(
                            Unplaced(op, f"{EXTENSION}: {collection_template} already has a {role} operation", where)
                        )
                        self.placements[op.pointer] = Placement("none", source="extension")
                    else:
                        roles[role] = op
                        self.placements[op.pointer] = Placement(role, None, None, "extension")
                    continue
                if op is token:
                    continue
                role_by_shape: str | None = None
                if op.path.template == collection_template:
                    role_by_shape = _COLLECTION_ROLES.get(op.method)
                elif item is not None and op.path.template == item.template:
                    role_by_shape = _ITEM_ROLES.get(op.method)
                elif item is not None and (name := _action_of(op.path, item)) is not None:
                    if op.path.template in found_items:
                        continue  # a nested collection, not an action
                    actions.append(Action(name, op))
                    self.placements[op.pointer] = Placement("action", None, name)
                    continue
                if role_by_shape is not None and role_by_shape not in roles:
                    roles[role_by_shape] = op
                    self.placements[op.pointer] = Placement(role_by_shape)
            if not roles:
                continue
            resource = self._resource(collection, item, roles, tuple(actions))
            resources.append(resource)
            for op in resource.all_operations():
                old = self.placements[op.pointer]
                self.placements[op.pointer] = Placement(old.role, resource, old.action, old.source)

        # What no resource took: the token operation, explicit non-CRUD roles, plain reads, else unplaced.
        for op in ops:
            if op.pointer in self.placements:
                continue
            entry = explicit.get(op.pointer)
            if entry is not None:
                spec, where = entry
                if spec["role"] in ("token", "read", "none"):
                    self.placements[op.pointer] = Placement(spec["role"], source="extension")
                else:
                    what = spec.get("collection") or op.path.template
                    self.unplaced.append(
                        Unplaced(op, f"{EXTENSION}: role {spec['role']} needs a collection, and {what} is none", where)
                    )
                    self.placements[op.pointer] = Placement("none", source="extension")
            elif op is token:
                self.placements[op.pointer] = Placement("token")
            elif op.method in SAFE_METHODS:
                self.placements[op.pointer] = Placement("read")
            else:
                self.unplaced.append(Unplaced(op, _why_unplaced(op), op.pointer))
                self.placements[op.pointer] = Placement("none")
        return ResourceModel(tuple(resources), self.placements, tuple(self.unplaced), token)

    # -- one resource ----------------------------------------------------------------------------------
    def _resource(
        self,
        collection: PathTemplate,
        item: PathTemplate | None,
        roles: dict[str, Operation],
        actions: tuple[Action, ...],
    ) -> Resource:
        doc = self.doc
        tags = [t for op in roles.values() for t in (op.raw.get("tags") or []) if isinstance(t, str)]
        name = _last_literal(collection) or collection.template
        item_schema = self._item_schema(roles)
        input_op = roles.get("create") or roles.get("replace") or roles.get("update")
        input_schema = (
            _json_schema(input_op.request_body.content)
            if input_op is not None and input_op.request_body is not None
            else None
        )
        _, merged_input = merged_object(doc, get(doc, input_schema, None), input_schema) if input_schema else ((), {})
        writable = tuple(mapping_of(merged_input.get("properties")))
        required_writable = tuple(n for n in writable if n in names_of(merged_input.get("required")))
        merged_item: dict[str, Any] = {}
        if item_schema is not None:
            _, merged_item = merged_object(doc, get(doc, item_schema, None), item_schema)
        properties = mapping_of(merged_item.get("properties"))
        read_only = tuple(p for p, sub in properties.items() if _is_read_only(doc, sub))
        id_param = item.names[-1] if item is not None else None
        return Resource(
            name=name,
            tag=tags[0] if tags else name,
            collection=collection,
            item=item,
            id_param=id_param,
            parent_params=collection.names,
            operations=dict(sorted(roles.items(), key=lambda kv: CRUD_ROLES.index(kv[0]))),
            actions=actions,
            id_field=self._id_field(roles, id_param, properties, names_of(merged_item.get("required"))),
            item_schema=item_schema,
            input_schema=input_schema,
            writable=writable,
            required_writable=required_writable,
            read_only=read_only,
            fields=tuple(properties),
            page=self._page(roles.get("list"), item_schema),
            etag=self._etag(roles.get("retrieve")),
            location=self._location(roles.get("create")),
        )

    def _item_schema(self, roles: dict[str, Operation]) -> Pointer | None:
        for role, statuses in (("retrieve", ("200",)), ("create", ("201", "200")), ("replace", ("200",))):
            op = roles.get(role)
            response = _success(op, *statuses) if op is not None else None
            if response is not None and (found := _json_schema(response.content)) is not None:
                return found
        listing = roles.get("list")
        response = _success(listing, "200") if listing is not None else None
        envelope = _json_schema(response.content) if response is not None else None
        if envelope is not None:
            _, merged = merged_object(self.doc, get(self.doc, envelope, None), envelope)
            arrays = [(n, s) for n, s in mapping_of(merged.get("properties")).items() if _is_array(self.doc, s)]
            if len(arrays) == 1:
                name, array = arrays[0]
                array_pointer, array = resolve(self.doc, array, (*envelope, "properties", name))
                if isinstance(array, dict) and "items" in array:
                    return resolve(self.doc, array["items"], (*array_pointer, "items"))[0]
        return None

    def _id_field(
        self, roles: dict[str, Operation], id_param: str | None, properties: dict[str, Any], required: set[str]
    ) -> str | None:
        create = roles.get("create")
        response = _success(create, "201", "200") if create is not None else None
        for link in response.links if response is not None else ():
            value = link.parameters.get(id_param) if id_param else None
            if isinstance(value, str) and value.startswith("$response.body#/"):
                return value.removeprefix("$response.body#/").split("/", 1)[0].replace("~1", "/").replace("~0", "~")
        if id_param and id_param in properties:
            return id_param
        # The one property the server assigns that is neither a moment nor a state: required, read-only, no
        # date or date-time format, no enum (a status), no const.
        candidates = [
            name
            for name, sub in properties.items()
            if name in required and _is_read_only(self.doc, sub) and _is_identifier_like(self.doc, sub)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def _page(self, listing: Operation | None, item_schema: Pointer | None) -> PageEnvelope | None:
        if listing is None:
            return None
        query = {p.param.get("name"): p for p in listing.parameters_in("query")}
        hint = listing.raw.get(PAGINATION_EXTENSION)
        if isinstance(hint, dict):
            keys = ("items", "offset", "limit", "total")
            if all(isinstance(hint.get(k), str) for k in keys) and hint["offset"] in query and hint["limit"] in query:
                return PageEnvelope(
                    hint["items"],
                    hint["offset"],
                    hint["limit"],
                    hint["total"],
                    hint["offset"],
                    hint["limit"],
                    "extension",
                )
            return None
        response = _success(listing, "200")
        envelope = _json_schema(response.content) if response is not None else None
        if envelope is None:
            return None
        _, merged = merged_object(self.doc, get(self.doc, envelope, None), envelope)
        properties = mapping_of(merged.get("properties"))
        required = names_of(merged.get("required"))
        arrays = [n for n, s in properties.items() if _is_array(self.doc, s)]
        integers = [n for n, s in properties.items() if _type_of(self.doc, s) == "integer"]
        echoed = [n for n in integers if n in query and _type_of(self.doc, query[n].param.get("schema")) == "integer"]
        if len(arrays) != 1 or len(echoed) != 2:
            return None
        offset, limit = sorted(echoed, key=lambda n: _minimum(self.doc, query[n].param.get("schema")))
        totals = [n for n in integers if n not in echoed and n in required]
        if len(totals) != 1 or arrays[0] not in required:
            return None
        return PageEnvelope(arrays[0], offset, limit, totals[0], offset, limit, "shape")

    def _etag(self, retrieve: Operation | None) -> bool:
        if retrieve is None or "304" not in retrieve.responses:
            return False
        ok = retrieve.responses.get("200")
        header = ok.header("ETag") if ok is not None else None
        takes = any(p.param.get("name", "").lower() == "if-none-match" for p in retrieve.parameters_in("header"))
        return header is not None and header.required and takes

    def _location(self, create: Operation | None) -> bool:
        response = _success(create, "201") if create is not None else None
        header = response.header("Location") if response is not None else None
        return header is not None and header.required


def _parse_extension(value: Any) -> dict[str, Any] | str:
    """The extension as {role, collection?, name?}, or why it cannot be read."""
    if value == "none" or value is False:
        return {"role": "none"}
    if isinstance(value, str):
        value = {"role": value}
    if not isinstance(value, dict):
        return "must be a role or a mapping with `role`"
    role = value.get("role")
    if role not in ROLES:
        return f"role must be one of {', '.join(ROLES)}, not {role!r}"
    unknown = set(value) - {"role", "collection", "name"}
    if unknown:
        return f"unknown key {sorted(unknown)[0]!r} (known: role, collection, name)"
    for key in ("collection", "name"):
        if key in value and not isinstance(value[key], str):
            return f"{key} must be a string"
    return dict(value)


def _why_unplaced(op: Operation) -> str:
    return (
        f"{op.label} is no collection's list or create, no item's retrieve, replace, update or delete, and no "
        f"action below an item; say what it is with {EXTENSION} (role: {', '.join(ROLES)})"
    )


def _type_of(doc: dict[str, Any], schema: Any) -> str | None:
    schema = resolve(doc, schema, ())[1]
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, str) else None


def _is_array(doc: dict[str, Any], schema: Any) -> bool:
    return _type_of(doc, schema) == "array"


def _minimum(doc: dict[str, Any], schema: Any) -> float:
    schema = resolve(doc, schema, ())[1]
    minimum = schema.get("minimum") if isinstance(schema, dict) else None
    return minimum if isinstance(minimum, int | float) and not isinstance(minimum, bool) else 0


def _is_identifier_like(doc: dict[str, Any], schema: Any) -> bool:
    resolved = resolve(doc, schema, ())[1]
    if not isinstance(resolved, dict) or _type_of(doc, resolved) not in ("integer", "string"):
        return False
    marked = ("enum", "const", "x-extensible-enum")
    return resolved.get("format") not in ("date", "date-time") and not any(k in resolved for k in marked)


def _is_read_only(doc: dict[str, Any], schema: Any) -> bool:
    """readOnly on the property itself (beside a $ref, as 3.1 allows) or on what it refers to."""
    if isinstance(schema, dict) and schema.get("readOnly") is True:
        return True
    resolved = resolve(doc, schema, ())[1]
    return isinstance(resolved, dict) and resolved.get("readOnly") is True

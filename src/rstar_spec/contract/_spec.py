"""What the contract suite reads of the document, built once per document and process: the view, its
resources (oas/resources.py), the token endpoint, and what a guarded run may create.

The checks run in the schemathesis process and get the document schemathesis loaded
(`case.operation.schema.raw_schema`); the runner, the guard and the account get the document they
bundled. Both ask `suite_spec(doc)`, so every part of a run sees the same resources, and no part
names a path or a field of today's spec.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..core.pointer import get
from ..oas.resources import TOKEN_EXTENSION, Placement, Resource
from ..oas.schemas import merged_object
from ..oas.view import DocumentView, Operation
from ..oas.walk import resolve

_API_KEY = "{api_key}"  # the placeholder of the credential in the token grant (x-rstar-token)


@dataclass(frozen=True)
class TokenRecipe:
    """How the suite obtains a bearer token with an API key: the token operation and its api_key grant."""

    scheme: str  # the security scheme the token is for
    method: str  # lower case
    path: str  # the token operation's path (no templates)
    grant: dict[str, str]  # the grant body, `{api_key}` where the key goes
    token_field: str  # the answer's property that holds the token

    def body(self, api_key: str) -> dict[str, str]:
        return {k: (api_key if v == _API_KEY else v) for k, v in self.grant.items()}


@dataclass
class SuiteSpec:
    view: DocumentView
    token: TokenRecipe | None
    _ops: dict[tuple[str, str], Operation] = field(default_factory=dict, repr=False)
    _stamps: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # by collection template

    @classmethod
    def of(cls, doc: dict[str, Any]) -> SuiteSpec:
        view = DocumentView.of(doc)
        spec = cls(view, _token_recipe(doc, view))
        spec._ops = {(op.method, op.template): op for op in view.operations}
        return spec

    @property
    def doc(self) -> dict[str, Any]:
        return self.view.doc

    @property
    def resources(self) -> tuple[Resource, ...]:
        return self.view.resources.resources

    def operation(self, method: str, template: str) -> Operation | None:
        return self._ops.get((method.lower(), template))

    def placement(self, method: str, template: str) -> Placement | None:
        op = self.operation(method, template)
        return self.view.resources.placement(op) if op is not None else None

    # -- one resource ------------------------------------------------------------------------------------
    def parent(self, resource: Resource) -> Resource | None:
        """The resource whose item a nested collection lies under (`/shops/{shop_id}` of `/shops/{shop_id}/staff`)."""
        if not resource.parent_params:
            return None
        above = resource.collection.template.rsplit("/", 1)[0]
        return next((r for r in self.resources if r.item is not None and r.item.template == above), None)

    def resource_at(self, collection_path: str) -> Resource | None:
        """The resource whose collection a concrete path (`/shops/12/staff`) is."""
        for resource in self.resources:
            if resource.collection.match(collection_path) is not None:
                return resource
        return None

    def why_not_created(self, resource: Resource) -> str | None:
        """Why a guarded run never creates an item of this resource; None when it may (it can delete it after)."""
        item = resource.item.template if resource.item is not None else f"{resource.collection.template}/{{id}}"
        if not resource.creatable:
            return f"{resource.collection.template} has no create operation"
        if not resource.deletable or resource.item is None:
            return f"the run could not delete what it creates: {item} has no DELETE"
        if resource.id_field is None:
            return f"the create answer names no id the run could delete ({resource.collection.template})"
        if resource.parent_params:
            parent = self.parent(resource)
            if parent is None:
                return f"{resource.collection.template} lies under no resource's item"
            why = self.why_not_created(parent)
            if why is not None:
                return f"its parent {parent.collection.template} is not created by the run ({why})"
        return None

    def stamps(self, resource: Resource) -> tuple[str, ...]:
        """The read-only date-time fields of the item: the server sets them; UTC, and a fingerprint of an item.
        Worked out once per resource: the checks ask on every answer."""
        found = self._stamps.get(resource.collection.template)
        if found is None:
            properties = self._item_properties(resource)
            found = self._stamps[resource.collection.template] = tuple(
                name
                for name in resource.read_only
                if name in properties and _format(self.doc, properties[name]) == "date-time"
            )
        return found

    def id_schema(self, resource: Resource) -> dict[str, Any]:
        """The schema of the item's id parameter ({} when it has none)."""
        op = next((o for o in resource.operations.values() if resource.item and o.path == resource.item), None)
        param = (
            next((p.param for p in op.parameters_in("path") if p.param.get("name") == resource.id_param), None)
            if op
            else None
        )
        schema = resolve(self.doc, (param or {}).get("schema"), ())[1]
        return schema if isinstance(schema, dict) else {}

    def integer_ids(self, resource: Resource) -> bool:
        kind = self.id_schema(resource).get("type")
        return kind == "integer" or (isinstance(kind, list) and "integer" in kind)

    def optional_writable(self, resource: Resource) -> tuple[str, ...]:
        return tuple(name for name in resource.writable if name not in resource.required_writable)

    def page_defaults(self, resource: Resource) -> tuple[int, int]:
        """(offset, limit) a list answers when the request gives none: the parameters' defaults."""
        listing = resource.op("list")
        page = resource.page
        if listing is None or page is None:
            return 0, 20
        query = {p.param.get("name"): p.param for p in listing.parameters_in("query")}
        return (
            _default(self.doc, query.get(page.offset_param), 0),
            _default(self.doc, query.get(page.limit_param), 20),
        )

    def largest_page(self, resource: Resource) -> int:
        """The largest `limit` the list takes (its maximum), at most 100."""
        listing, page = resource.op("list"), resource.page
        if listing is None or page is None:
            return 20
        query = {p.param.get("name"): p.param for p in listing.parameters_in("query")}
        schema = resolve(self.doc, (query.get(page.limit_param) or {}).get("schema"), ())[1]
        maximum = schema.get("maximum") if isinstance(schema, dict) else None
        return min(int(maximum), 100) if isinstance(maximum, int) and maximum >= 1 else 20

    def _item_properties(self, resource: Resource) -> dict[str, Any]:
        if resource.item_schema is None:
            return {}
        _, merged = merged_object(self.doc, get(self.doc, resource.item_schema, None), resource.item_schema)
        properties = merged.get("properties")
        return properties if isinstance(properties, dict) else {}


def _format(doc: dict[str, Any], schema: Any) -> str | None:
    """The format of a property: beside a $ref (3.1) or where the $ref leads."""
    if isinstance(schema, dict) and isinstance(schema.get("format"), str):
        return str(schema["format"])
    resolved = resolve(doc, schema, ())[1]
    value = resolved.get("format") if isinstance(resolved, dict) else None
    return value if isinstance(value, str) else None


def _default(doc: dict[str, Any], param: dict[str, Any] | None, fallback: int) -> int:
    schema = resolve(doc, (param or {}).get("schema"), ())[1]
    value = schema.get("default") if isinstance(schema, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else fallback


def _token_recipe(doc: dict[str, Any], view: DocumentView) -> TokenRecipe | None:
    """The token operation with its api_key grant (x-rstar-token on a security scheme), or None."""
    token = view.resources.token
    schemes = (doc.get("components") or {}).get("securitySchemes")
    if token is None or not isinstance(schemes, dict) or token.path.is_templated:
        return None
    for name, scheme in schemes.items():
        hint = resolve(doc, scheme, ())[1]
        hint = hint.get(TOKEN_EXTENSION) if isinstance(hint, dict) else None
        if not isinstance(hint, dict) or hint.get("operationId") != token.operation_id:
            continue
        grants, answer = hint.get("grants"), hint.get("response")
        grant = grants.get("api_key") if isinstance(grants, dict) else None
        token_field = answer.get("token") if isinstance(answer, dict) else None
        if isinstance(grant, dict) and all(isinstance(v, str) for v in grant.values()) and isinstance(token_field, str):
            return TokenRecipe(str(name), token.method, token.template, dict(grant), token_field)
    return None


def page_checks(spec: SuiteSpec) -> tuple[tuple[str, str], ...]:
    """(check, `METHOD /path`) of each of the contract page's checks (checks.py) on each operation it judges:
    what a run's coverage expects to see ran (rate_limit_says_when and readonly_key_cannot_write depend on
    the server's answers and the keys given, and are only counted)."""
    found: list[tuple[str, str]] = []
    for resource in spec.resources:
        readable = "retrieve" in resource.operations
        stamped = bool(spec.stamps(resource))
        for role, op in resource.operations.items():
            if role == "list" and resource.page is not None:
                found += [("page_respects_limit", op.label), ("pages_cover_total", op.label)]
            if role == "create" and resource.location and readable:
                found.append(("location_leads_to_created_item", op.label))
            if role == "retrieve" and resource.etag:
                found.append(("etag_answers_not_modified", op.label))
            if role == "replace" and spec.optional_writable(resource):
                found.append(("put_removes_omitted_fields", op.label))
            if role == "delete" and readable:
                found.append(("deleted_item_is_gone", op.label))
            if stamped and role in ("list", "create", "retrieve", "replace", "update"):
                found.append(("timestamps_in_utc", op.label))
    return tuple(found)


_lock = threading.Lock()
_cache: dict[int, tuple[dict[str, Any], SuiteSpec]] = {}


def suite_spec(doc: dict[str, Any]) -> SuiteSpec:
    """The document's SuiteSpec, built once per document (by identity) in this process."""
    with _lock:
        found = _cache.get(id(doc))
        if found is None or found[0] is not doc:
            found = (doc, SuiteSpec.of(doc))  # the document is kept: its id stays its own
            _cache[id(doc)] = found
        return found[1]

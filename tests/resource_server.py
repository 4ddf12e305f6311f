"""A server that does what the contract page says for ANY resource of a document: the mock's plumbing
(routing, 404/405, the token endpoint, 401, 403 for the read-only key, 400 for what the schema refuses,
its answers validated) with every resource's operations answered by generic handlers read from the
resource model (oas/resources.py), not from today's names.

The contract tests run the grown spec (tests/growth.py) against it as well as against the mock: a second
implementation written from the page, so that the suite cannot lean on the mock's choices. `broken` names one
promise the server breaks, on one resource, to prove the suite catches it there.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from typing import Any

from rstar_spec.contract._fixtures import _input_properties, simplest
from rstar_spec.core.pointer import to_ref
from rstar_spec.mock import Credentials, MockSettings
from rstar_spec.mock._app import MockApp
from rstar_spec.oas.resources import Resource

Answer = tuple[int, Any, dict[str, str]]
BROKEN = ("pages-overlap", "put-merges")


class ResourceServer(MockApp):
    def __init__(
        self, doc: dict[str, Any], *, broken: tuple[str, str] | None = None, seed: int = 12, **settings: Any
    ) -> None:
        super().__init__(doc, MockSettings(credentials=Credentials(), validate_responses=True, **settings))
        self.broken = broken  # (what, the resource's name)
        self.lock = threading.Lock()
        self.items: dict[str, dict[int, dict[str, Any]]] = {}  # concrete collection path -> id -> item
        self.next_id: dict[str, int] = {}  # collection -> the last id given (ids from 1, as the spec's examples)
        for resource in self.view.resources.resources:  # the mock's plumbing, our handlers
            for role, op in resource.operations.items():
                self.operations[op.pointer].handler = self._handler(resource, role)
            for action in resource.actions:
                self.operations[action.operation.pointer].handler = self._handler(resource, "action")
            if resource.creatable and not resource.parent_params:
                for _ in range(seed):
                    self._insert(resource, resource.collection.template, self._sample(resource))

    # -- what the server holds ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        with self.lock:
            return copy.deepcopy({c: items for c, items in self.items.items() if items})

    def _sample(self, resource: Resource) -> dict[str, Any]:
        """A seeded item: the simplest valid body, with every optional writable field too (a PUT that leaves
        one out must remove it)."""
        assert resource.input_schema is not None
        body = dict(simplest(self.doc, {"$ref": to_ref(resource.input_schema)}))
        properties = _input_properties(self.doc, resource)
        for name in resource.writable:
            body.setdefault(name, simplest(self.doc, properties.get(name, {})))
        return body

    def _stamped(self, resource: Resource, item: dict[str, Any], created: dict[str, Any] | None) -> dict[str, Any]:
        """The read-only fields a server assigns: at creation the simplest valid value (a timestamp is UTC),
        kept by every later write."""
        assert resource.item_schema is not None
        schema = {"$ref": to_ref(resource.item_schema)}
        assigned = simplest(self.doc, schema) if created is None else created
        for name in resource.read_only:
            if name != resource.id_field and name in assigned:
                item[name] = assigned[name]
        return item

    def _insert(self, resource: Resource, collection: str, fields: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            new = self.next_id[collection] = self.next_id.get(collection, 0) + 1
            item = self._stamped(resource, {resource.id_field or "id": new, **fields}, None)
            if resource.id_field:  # the id first, as a server writes it
                item = {resource.id_field: new, **{k: v for k, v in item.items() if k != resource.id_field}}
            self.items.setdefault(collection, {})[new] = item
            return copy.deepcopy(item)

    # -- the handlers -----------------------------------------------------------------------------------
    def _handler(self, resource: Resource, role: str) -> Any:
        def handle(values: dict[str, Any], payload: Any) -> Answer:
            collection = resource.collection.template
            for name in resource.parent_params:
                collection = collection.replace("{" + name + "}", str(values[name]))
            broken = self.broken is not None and self.broken[1] == resource.name
            what = self.broken[0] if self.broken is not None else None
            if role == "list":
                return self._list(resource, collection, values, overlap=broken and what == "pages-overlap")
            if role == "create":
                item = self._insert(resource, collection, payload or {})
                headers = {"Location": f"{self.base_path}{collection}/{item[resource.id_field or 'id']}"}
                return 201, item, headers
            item_id = values[resource.id_param or ""]
            with self.lock:
                found = self.items.get(collection, {}).get(item_id)
                if found is None:
                    return 404, {"code": "not_found", "message": f"no item {item_id}"}, {}
                if role == "delete":
                    del self.items[collection][item_id]
                    return 204, None, {}
                if role in ("replace", "update"):
                    kept = {k: v for k, v in found.items() if k in resource.read_only}
                    if broken and what == "put-merges":
                        kept = dict(found)
                    if role == "update":
                        kept = dict(found)
                    found = self._stamped(resource, {**kept, **(payload or {})}, found)
                    ordered = {k: found[k] for k in resource.fields if k in found}
                    self.items[collection][item_id] = ordered
                    return 200, copy.deepcopy(ordered), {"ETag": _etag(ordered)}
                etag = _etag(found)
                if role == "retrieve" and values.get("If-None-Match") == etag:
                    return 304, None, {"ETag": etag}
                return 200, copy.deepcopy(found), ({"ETag": etag} if role == "retrieve" else {})

        return handle

    def _list(self, resource: Resource, collection: str, values: dict[str, Any], overlap: bool) -> Answer:
        page = resource.page
        assert page is not None
        offset, limit = values.get(page.offset_param, 0), values.get(page.limit_param, 20)
        with self.lock:
            ids = sorted(self.items.get(collection, {}))
            start = max(offset - 1, 0) if overlap else offset
            data = [copy.deepcopy(self.items[collection][i]) for i in ids[start : start + limit]]
        return 200, {page.items: data, page.offset: offset, page.limit: limit, page.total: len(ids)}, {}


def _etag(item: dict[str, Any]) -> str:
    return '"' + hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()[:16] + '"'

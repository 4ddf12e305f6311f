"""What the mock makes of each resource of the model (oas/resources.py), worked out once: how its items are
made, changed, keyed and seeded, where they live, and what a page of them looks like.

Decisions where the spec says nothing more (the contract page's rows say the same for today's resource):
- The id is the collection's next number (never given again), as the id property's schema takes it: an
  integer, or a string (a UUID for `format: uuid`, else the number zero-padded to six digits, after the
  letters its example starts with), so that ascending ids are ascending numbers.
- Read-only timestamps (`format: date-time`): the first is when the item was made; every other one moves
  to now on each change (PUT, PATCH, an action). Other read-only fields, required or with a `default`, get
  their `default`, example, first `x-extensible-enum` or `enum` value, else a value made from their schema;
  so does a required field that is neither writable nor read-only. They never change but by an action.
- Writable fields are the input schema's: PUT keeps only what it sends, PATCH merges (null removes).
- The seed (`--seed N`) gives every top-level collection N items, and the collection of a nested resource
  under each seeded parent item N too. Item i is the i-th (round robin) of the documented examples of the
  writable fields (the create body's examples, then the writable part of every documented example of the
  item, each kept only if the input schema accepts it), else a value made from the input schema; it was made
  at 2026-01-15T09:30:00Z plus i hours.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import orjson

from ..core.pointer import get
from ..oas.resources import PageEnvelope, Resource
from ..oas.schemas import merged_object
from ..oas.view import Operation
from ..oas.walk import resolve
from ._examples import Examples, json_media, success_status
from ._state import Key, Where, utc_stamp

SEED_EPOCH = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Page:
    """A list's page: the envelope's JSON names and the defaults of its query parameters."""

    envelope: PageEnvelope
    default_offset: int
    default_limit: int


class MockResource:
    """One resource of the model as the mock serves it."""

    def __init__(self, resource: Resource, examples: Examples, base_path: str) -> None:
        self.resource = resource
        self.collection = resource.collection.template
        self.base_path = base_path
        self.parent: MockResource | None = None  # set by link_parents
        self.parent_keys: dict[str, Callable[[Any], Key]] = {}  # a parent id parameter -> its resource's key_of
        doc = examples.doc
        self.doc, self.examples = doc, examples
        self.id_field, self.id_param = resource.id_field, resource.id_param
        self.writable = resource.writable
        properties: dict[str, Any] = {}
        required: set[str] = set()
        if resource.item_schema is not None:
            _, merged = merged_object(doc, get(doc, resource.item_schema, None), resource.item_schema)
            found = merged.get("properties")
            properties = found if isinstance(found, dict) else {}
            required = {n for n in merged.get("required") or [] if isinstance(n, str)}
        self.properties = properties
        self.fields = resource.fields  # the same merged item schema's properties, in order
        self.timestamps = tuple(n for n, s in properties.items() if self._format(s) == "date-time")
        stamps = [n for n in resource.read_only if n in self.timestamps]
        self.creation_stamps, self.change_stamps = tuple(stamps[:1]), tuple(stamps[1:])
        self.first_timestamp: str | None = next(
            (n for n in resource.read_only if n in self.timestamps and n in required), None
        )
        # Made once: what an item gets that no body gives. `assigned` is set when an item is made and kept (the
        # read-only fields, required or with a default, and a required field no body can write); `filled` is a
        # required writable field's value when a body leaves it out (the input schema may not require it).
        self.assigned: dict[str, Any] = {}
        self.filled: dict[str, Any] = {}
        for name, schema in properties.items():
            read_only = name in resource.read_only
            if name == self.id_field or (read_only and name in self.timestamps):
                continue
            resolved = resolve(doc, schema, ())[1]
            if name in required or (read_only and isinstance(resolved, dict) and "default" in resolved):
                pointer = (*resource.item_schema, "properties", name) if resource.item_schema else ()
                kept = read_only or name not in self.writable
                (self.assigned if kept else self.filled)[name] = examples.make(schema, pointer)
        self.id_kind, self.id_pattern = self._id_shape()
        self.page = self._page()
        self.seed_inputs = self._seed_inputs()

    # -- ids and where items live ------------------------------------------------------------------
    def _format(self, schema: Any) -> str | None:
        resolved = resolve(self.doc, schema, ())[1]
        fmt = resolved.get("format") if isinstance(resolved, dict) else None
        return fmt if isinstance(fmt, str) else None

    def _id_shape(self) -> tuple[str, str]:
        """("integer" | "string", how a string id is written: "uuid" or a prefix)."""
        schema = self.properties.get(self.id_field or "") if self.id_field else None
        if schema is None and self.id_param is not None:
            op = self.resource.op("retrieve") or next(iter(self.resource.operations.values()), None)
            param = next((p.param for p in op.parameters if p.param.get("name") == self.id_param), None) if op else None
            schema = param.get("schema") if isinstance(param, dict) else None
        resolved = resolve(self.doc, schema, ())[1] if schema is not None else None
        kind = resolved.get("type") if isinstance(resolved, dict) else None
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind != "string":
            return "integer", ""
        if isinstance(resolved, dict) and resolved.get("format") == "uuid":
            return "string", "uuid"
        example = self.examples.make(resolved, ())
        prefix = re.match(r"[^0-9]*", example).group(0) if isinstance(example, str) else ""  # type: ignore[union-attr]
        item, field = self.resource.item_schema, self.id_field
        where = (*item, "properties", field) if item is not None and field is not None else None
        for pattern in (prefix, "", "uuid"):  # the first that the id's schema takes (its pattern, its length)
            made = str(uuid.UUID(int=1)) if pattern == "uuid" else f"{pattern}{1:06d}"
            if where is None or self.examples.valid(where, made):
                return "string", pattern
        return "string", prefix

    def make_id(self, number: int) -> Any:
        if self.id_kind == "integer":
            return number
        if self.id_pattern == "uuid":
            return str(uuid.UUID(int=number))
        return f"{self.id_pattern}{number:06d}"

    def key_of(self, value: Any) -> Key:
        """A path value as the store keys items: ids of integer kind are compared as integers."""
        if self.id_kind == "integer" and isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        return value

    def where(self, values: dict[str, Any]) -> Where:
        """Where the items live: the collection, and the parent items' keys above it (each keyed as its own
        resource keys it)."""
        parents = self.parent_keys
        return self.collection, tuple(parents.get(n, _same)(values.get(n)) for n in self.resource.parent_params)

    def parent_item(self, values: dict[str, Any]) -> tuple[MockResource, Where, Key] | None:
        """The parent resource, where its item lives and its key, for a nested resource."""
        parent = self.parent
        if parent is None or parent.id_param is None:
            return None
        return parent, parent.where(values), parent.key_of(values.get(parent.id_param))

    def location(self, values: dict[str, Any], item_id: Any) -> str:
        """The item's path under the base path, its template filled with the request's values and the id."""
        item = self.resource.item
        if item is None:
            return self.base_path + self.collection
        filled = {**values, **({self.id_param: item_id} if self.id_param else {})}
        return self.base_path + _FIELD.sub(lambda m: quote(str(filled.get(m.group(1), "")), safe=""), item.template)

    # -- items ----------------------------------------------------------------------------------------
    def _ordered(self, fields: dict[str, Any]) -> dict[str, Any]:
        """fields in the item schema's order, then any other."""
        ordered = {n: fields[n] for n in self.fields if n in fields}
        if len(ordered) != len(fields):
            ordered.update((n, v) for n, v in fields.items() if n not in ordered)
        return ordered

    def _complete(self, fields: dict[str, Any]) -> dict[str, Any]:
        """fields with the made value of every required field they lack (the item schema may require what the
        input schema leaves out: a server fills it in)."""
        missing = [n for n in self.filled if n not in fields]
        return {**fields, **{n: self.filled[n] for n in missing}} if missing else fields

    def writable_of(self, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            return {}
        return {n: payload[n] for n in self.writable if n in payload}

    def new_item(self, number: int, payload: Any, stamp: str) -> tuple[Key, dict[str, Any]]:
        item_id = self.make_id(number)
        fields: dict[str, Any] = {**self.filled, **self.assigned, **self.writable_of(payload)}
        fields.update((name, stamp) for name in (*self.creation_stamps, *self.change_stamps))
        if self.id_field is not None:
            fields[self.id_field] = item_id
        return item_id, self._ordered(fields)

    def replaced(self, old: dict[str, Any], payload: Any, stamp: str) -> dict[str, Any]:
        """PUT: the writable fields are the body's; what it leaves out is gone."""
        kept = {n: v for n, v in old.items() if n not in self.writable}
        fields = {**kept, **self.writable_of(payload), **dict.fromkeys(self.change_stamps, stamp)}
        return self._ordered(self._complete(fields))

    def updated(self, old: dict[str, Any], payload: Any, stamp: str) -> dict[str, Any]:
        """PATCH: the body's writable fields merged in; null removes one (RFC 7396)."""
        merged = dict(old)
        for name, value in self.writable_of(payload).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        merged.update(dict.fromkeys(self.change_stamps, stamp))
        return self._ordered(self._complete(merged))

    def acted(self, old: dict[str, Any], changes: dict[str, Any], stamp: str) -> dict[str, Any]:
        return self._ordered({**old, **changes, **dict.fromkeys(self.change_stamps, stamp)})

    # -- the seed -------------------------------------------------------------------------------------------
    def _seed_inputs(self) -> list[dict[str, Any]]:
        resource, examples = self.resource, self.examples
        pointer = resource.input_schema
        found: list[Any] = []
        create = resource.op("create")
        body = create.request_body if create is not None else None
        for content in body.content.values() if body is not None else ():
            if content.is_json:
                found += examples.examples_of(content)
        for op, statuses in self._item_answers():
            response = op.responses.get(success_status(op, *statuses) or "")
            media = json_media(response) if response is not None else None
            for example in examples.examples_of(media) if media is not None else ():
                if op is resource.op("list"):  # a page's items, or the list's array of them
                    page = self.page.envelope.items if self.page is not None else None
                    listed = example.get(page) if isinstance(example, dict) and page else example
                    found += listed if isinstance(listed, list) else []
                else:
                    found.append(example)
        if resource.item_schema is not None:
            item_examples = get(self.doc, resource.item_schema, None)
            if isinstance(item_examples, dict) and isinstance(item_examples.get("examples"), list):
                found += item_examples["examples"]
            elif isinstance(item_examples, dict) and "example" in item_examples:  # OpenAPI 3.0's one example
                found.append(item_examples["example"])
        inputs, seen = [], set()
        for example in found:
            fields = self.writable_of(example)
            text = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
            if text in seen or (pointer is not None and not examples.valid(pointer, fields)):
                continue
            seen.add(text)
            inputs.append(fields)
        if not inputs and pointer is not None:  # every writable field made, else the required ones
            for made in (
                examples.make(get(self.doc, pointer, None), pointer, every_property=True),
                examples.value(pointer),
            ):
                if examples.valid(pointer, made):
                    inputs.append(self.writable_of(made))
                    break
        return inputs or [{}]

    def _item_answers(self) -> list[tuple[Operation, tuple[str, ...]]]:
        roles = (("retrieve", ("200",)), ("create", ("201", "200")), ("replace", ("200",)), ("list", ("200",)))
        return [(op, statuses) for role, statuses in roles if (op := self.resource.op(role)) is not None]

    def seed_items(self, count: int) -> list[tuple[Key, dict[str, Any]]]:
        made = []
        for i in range(count):
            stamp = utc_stamp(SEED_EPOCH + timedelta(hours=i))
            made.append(self.new_item(i + 1, self.seed_inputs[i % len(self.seed_inputs)], stamp))
        return made

    # -- pages ------------------------------------------------------------------------------------------
    def _page(self) -> Page | None:
        envelope = self.resource.page
        listing = self.resource.op("list")
        if envelope is None or listing is None:
            return None
        defaults = {}
        for p in listing.parameters_in("query"):
            schema = resolve(self.doc, p.param.get("schema"), ())[1]
            if isinstance(schema, dict):
                defaults[p.param.get("name")] = schema
        offset = defaults.get(envelope.offset_param, {})
        limit = defaults.get(envelope.limit_param, {})
        default_limit = limit.get("default")
        if not isinstance(default_limit, int):
            maximum = limit.get("maximum")
            default_limit = min(20, maximum) if isinstance(maximum, int) else 20
        default_offset = offset.get("default")
        return Page(envelope, default_offset if isinstance(default_offset, int) else 0, default_limit)

    def lists_an_array(self) -> bool:
        """A list whose answer is the array of every item (no envelope)."""
        listing = self.resource.op("list")
        response = listing.responses.get(success_status(listing, "200") or "") if listing is not None else None
        media = json_media(response) if response is not None else None
        if media is None or media.schema_pointer is None:
            return False
        schema = get(self.doc, media.schema_pointer, None)
        return isinstance(schema, dict) and schema.get("type") == "array"


def link_parents(resources: list[MockResource]) -> None:
    """A nested resource's parent: the resource whose item path its collection path is under."""
    by_item = {r.resource.item.template: r for r in resources if r.resource.item is not None}
    for r in resources:
        r.parent = by_item.get(r.collection.rpartition("/")[0])
    for r in resources:
        ancestor = r.parent
        while ancestor is not None:
            if ancestor.id_param is not None:
                r.parent_keys[ancestor.id_param] = ancestor.key_of
            ancestor = ancestor.parent


def _same(value: Any) -> Any:
    return value

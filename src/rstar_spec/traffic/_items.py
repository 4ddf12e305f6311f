"""What a recording has shown of each item (of any resource, by its item path), in recorded order: the
cross-exchange rules read it, the checker writes it after every exchange. And the one judgement those rules
share: does the recording leave room for another writer between two exchanges (docs/reception-star-api.md,
"Recorded traffic")?

Every exchange is read by its operation's role in the resource model (oas/resources.py): a create names a new
item, a retrieve shows one, a replace or an update or an action writes one, a delete removes it. An operation
the model does not place on a resource is read by its method, on a templated path, as before."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..core.pointer import from_fragment, get
from ..oas.resources import Placement, Resource
from ..oas.view import Response
from ._context import ExchangeContext
from .har import Exchange

ItemKey = tuple[
    str, tuple[tuple[str, str], ...]
]  # (the item path template, its values): ("/things/{thing_id}", (("thing_id", "21"),))

_METHOD_ROLES = {"get": "retrieve", "put": "replace", "patch": "update", "delete": "delete", "post": "create"}


def placement(ctx: ExchangeContext) -> Placement | None:
    return ctx.spec.view.resources.placement(ctx.operation)


def resource(ctx: ExchangeContext) -> Resource | None:
    found = placement(ctx)
    return found.resource if found is not None else None


def role(ctx: ExchangeContext) -> str | None:
    """The operation's role; on a templated path no resource holds, its method's (GET retrieves...)."""
    found = placement(ctx)
    if found is not None and found.resource is not None:
        return found.role
    return _METHOD_ROLES.get(ctx.operation.method) if ctx.path_params or ctx.operation.method == "post" else None


def opaque(etag: str) -> str:
    """An entity tag without its weakness: If-None-Match compares weakly (RFC 9110 13.1.2)."""
    return etag.strip().removeprefix("W/")


def etag_list(header: str | None) -> list[str]:
    return [opaque(tag) for tag in header.split(",") if tag.strip()] if header else []


@dataclass
class Seen:
    """The item as one answer showed it."""

    exchange: Exchange
    etag: str | None  # opaque
    stamps: dict[
        str, Any
    ]  # the body's read-only fields but the id (the server's marks of a change: a modification time...)
    body: dict[str, Any] | None


@dataclass
class Item:
    created: Exchange | None = None  # the POST whose answer named it
    deleted: Exchange | None = None  # our last DELETE answered 2xx
    last_write: Exchange | None = None  # our last POST, PUT or DELETE answered 2xx
    last_seen: Seen | None = None  # the last answer that showed it
    put_body: dict[str, Any] | None = None  # the body of our last PUT answered 2xx, while it is the last write
    put_answer: Seen | None = None
    put_changed: bool | None = None  # whether our last PUT changed what the item showed before (None: unknown)
    etags: dict[str, Exchange] = field(default_factory=dict)  # the MAX_ETAGS last it answered -> where last seen
    touched: datetime | None = None  # when the recording last showed it


def room_for_another_writer(earlier: Exchange, later: Exchange, window: float) -> str | None:
    """Why another caller could have acted between earlier and later, or None when the recording
    leaves no room: both timed, later started after earlier ended, within window seconds."""
    caller, other = earlier.request_header("authorization"), later.request_header("authorization")
    if caller and other and caller != other:
        return f"#{earlier.index} and #{later.index} were sent with different credentials: another account may not see the same"
    end, start = earlier.finished, later.started
    if end is None or start is None:
        return f"the recording does not say when #{earlier.index} and #{later.index} happened"
    gap = (start - end).total_seconds()
    if gap < 0:
        return f"#{later.index} started before #{earlier.index} ended: the server may have served them in either order"
    if gap > window:
        return f"{gap:.1f} s passed between #{earlier.index} and #{later.index} (more than {window:g} s)"
    return None


def evaluate(expression: Any, ctx: ExchangeContext) -> Any:
    """A link's runtime expression, for the parts an answer gives: `$response.body#/ptr`,
    `$response.header.NAME`, `$request.path.NAME`; None for anything else or not there."""
    if not isinstance(expression, str):
        return None
    if expression.startswith("$response.body#"):
        ok, value = ctx.response_json
        if not ok:
            return None
        try:
            return get(value, from_fragment(expression[len("$response.body#") :]), None)
        except ValueError:  # not a JSON Pointer
            return None
    if expression.startswith("$response.header."):
        return ctx.exchange.response_header(expression[len("$response.header.") :])
    if expression.startswith("$request.path."):
        return ctx.path_params.get(expression[len("$request.path.") :])
    return None


def location_target(ctx: ExchangeContext) -> tuple[str, str | None] | None:
    """(the Location header, the path it names under the base path); None without one. The path is ''
    when Location leads outside the API's base path, None when Location is not a URI reference."""
    location = ctx.exchange.response_header("location")
    if not location:
        return None
    try:
        path = urlsplit(urljoin(ctx.exchange.url, location.strip())).path
    except ValueError:  # `http://[::1`: no URI reference (RFC 3986)
        return location, None
    under = ctx.spec.view.under_base(path)
    return location, under if under is not None else ""


def created_key(ctx: ExchangeContext, response: Response) -> ItemKey | None:
    """The item a 2xx answer to a POST created: by its links (`$response.body#/id`), else its Location."""
    view = ctx.spec.view
    for link in response.links:
        target = view.by_id(link.operation_id) if link.operation_id else None
        if target is None or not target.path.names or target.method not in ("get", "put", "delete"):
            continue
        values = {name: evaluate(link.parameters.get(name), ctx) for name in target.path.names}
        if all(v is not None and not isinstance(v, dict | list) for v in values.values()):
            return _key_of(view.resources.resource_of(target), target.template, values)
    found = location_target(ctx)
    if found and found[1]:
        match = view.router.match("GET", found[1])
        if match is not None and match.path_params:
            return _key_of(view.resources.resource_of(match.operation), match.operation.template, match.path_params)
    return None


def _key_of(owner: Resource | None, template: str, values: dict[str, Any]) -> ItemKey:
    """An item's key by its resource's item path (an action's path names the same item), else by the path."""
    if owner is not None and owner.item is not None and all(n in values for n in owner.item.names):
        return owner.item.template, tuple(sorted((n, str(values[n])) for n in owner.item.names))
    return template, tuple(sorted((k, str(v)) for k, v in values.items()))


def item_key(ctx: ExchangeContext) -> ItemKey | None:
    if not ctx.path_params:
        return None
    return _key_of(resource(ctx), ctx.operation.template, ctx.path_params)


def seen(ctx: ExchangeContext) -> Seen:
    ok, body = ctx.response_json
    body = body if ok and isinstance(body, dict) else None
    etag = ctx.exchange.response_header("etag")
    return Seen(_slim(ctx.exchange), opaque(etag) if etag else None, _stamps(ctx, body), body)


def _stamps(ctx: ExchangeContext, body: dict[str, Any] | None) -> dict[str, Any]:
    owner = resource(ctx)
    if body is None or owner is None:
        return {}
    return {name: body[name] for name in owner.read_only if name != owner.id_field and name in body}


def _slim(exchange: Exchange) -> Exchange:
    """The exchange as the item's history keeps it: its place, time, method and headers, not its bodies
    (up to a MiB each; the rules read what they need of a body when it passes)."""
    if exchange.request_body is None and exchange.response_body is None:
        return exchange
    return replace(exchange, request_body=None, response_body=None)


MAX_ITEMS = 20_000
"""Items remembered at once (a proxy runs for days): past it, the one touched longest ago is forgotten, and
a promise about it is no longer checked."""

MAX_ETAGS = 16
"""ETags remembered per item, the last shown: a 304 for one older than that gets no verdict. Every PUT
makes a new one, and a proxy in front of a busy item for a week would otherwise keep them all."""

HISTORY_SECONDS = 3600.0
"""Recorded time after which an item the recording no longer touches is forgotten, and an ETag not shown
again: a promise is checked within the `--window` (5 s by default); past it a breach is only a warning, and
an hour of those is plenty. Never less than the window."""


class Items:
    """Every item the recording touched (the MAX_ITEMS last, within HISTORY_SECONDS of the latest exchange),
    updated after the rules saw each exchange. Memory is flat in the recording's length."""

    def __init__(self, max_items: int = MAX_ITEMS, max_age: float = HISTORY_SECONDS) -> None:
        self.by_key: dict[ItemKey, Item] = {}
        self.max_items = max_items
        self.max_age = max_age

    def _touch(self, key: ItemKey, now: datetime | None, item: Item | None = None) -> Item:
        found = self.by_key.pop(key, None)  # and put back last: the dict's order is the order of touch
        touched = self.by_key[key] = item if item is not None else found if found is not None else Item()
        touched.touched = now
        while len(self.by_key) > self.max_items:
            del self.by_key[next(iter(self.by_key))]
        while now is not None:  # the oldest first; a recording out of time order is aged as far as it is in order
            oldest = self.by_key[next(iter(self.by_key))]
            if oldest.touched is None or (now - oldest.touched).total_seconds() <= self.max_age:
                break
            del self.by_key[next(iter(self.by_key))]
        return touched

    def get(self, key: ItemKey | None) -> Item | None:
        return self.by_key.get(key) if key is not None else None

    def update(self, ctx: ExchangeContext) -> None:
        status, method = ctx.status, role(ctx)
        success = 200 <= status < 300
        now, exchange = ctx.exchange.started, _slim(ctx.exchange)
        if method == "create" and success and ctx.response is not None:
            key = created_key(ctx, ctx.response)
            if key is not None:
                item = self._touch(key, now, Item(created=exchange, last_write=exchange))
                self._show(item, seen(ctx))
            return
        key = item_key(ctx)
        if key is None:
            return
        item = self._touch(key, now)
        if method == "retrieve" and status == 200:
            self._show(item, seen(ctx))
        elif method == "retrieve" and status == 304:
            etag = ctx.exchange.response_header("etag")
            if etag:
                self._remember(item, opaque(etag), exchange)
        elif method in ("update", "action") and success:
            # A partial write: what it leaves out stays. Its answer shows the item when it is the item's schema.
            item.last_write = exchange
            answer = seen(ctx) if _is_item_answer(ctx) else None
            before = item.last_seen.body if item.last_seen else None
            unknown = before is None or answer is None or answer.body is None
            item.put_changed = None if unknown else before != answer.body  # type: ignore[union-attr]
            item.put_body, item.put_answer = None, answer
            if answer is not None:
                self._show(item, answer)
        elif method == "replace" and success:
            item.last_write = exchange
            answer = seen(ctx)
            before = item.last_seen.body if item.last_seen else None
            item.put_changed = None if before is None or answer.body is None else before != answer.body
            ok, sent = ctx.request_json
            item.put_body = sent if ok and isinstance(sent, dict) else None
            item.put_answer = answer
            item.deleted = None
            self._show(item, answer)
        elif method == "delete" and success:
            item.deleted = item.last_write = exchange
            item.put_body = item.put_answer = None

    def _show(self, item: Item, shown: Seen) -> None:
        item.last_seen = shown
        if shown.etag:
            self._remember(item, shown.etag, shown.exchange)

    def _remember(self, item: Item, etag: str, where: Exchange) -> None:
        """etag shown at where: the last MAX_ETAGS, none older than max_age."""
        item.etags.pop(etag, None)  # and put back last: the dict's order is the order shown
        item.etags[etag] = where
        while len(item.etags) > MAX_ETAGS:
            del item.etags[next(iter(item.etags))]
        now = where.started
        while now is not None:
            first = item.etags[next(iter(item.etags))]
            if first.started is None or (now - first.started).total_seconds() <= self.max_age:
                break
            del item.etags[next(iter(item.etags))]


def _is_item_answer(ctx: ExchangeContext) -> bool:
    owner, response = resource(ctx), ctx.response
    if owner is None or owner.item_schema is None or response is None:
        return False
    media = response.media_for(ctx.exchange.response_header("content-type") or "application/json")
    return media is not None and media.schema_pointer == owner.item_schema

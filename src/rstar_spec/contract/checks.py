"""Our checks, registered with schemathesis (this module is the suite's `hooks`).

The built-in checks see one response against its schema; these see what the
contract page promises across responses, on every resource of the document
(oas/resources.py, read once per process from the document schemathesis loaded,
_spec.py): pages that honour their limit and walk to `total`, UTC timestamps on
the read-only date-time fields, a Location that leads to what was created, an
ETag that answers 304, PUT removing the optional writable fields it omits, an
item that stays gone after DELETE, Retry-After on 429, and a read-only key
refused every write. Follow-up requests reuse the case's own Authorization
header; nothing here prints a credential. Each check notes the operations it
judged (_coverage_check.py): the coverage says which checks ran where.

In a guarded run (--base-url) the `before_call` hook points every write on an
item (an action's included) at an item the run created, or at an id known not to
exist, and a create below an item at a parent the run created (_guard.py).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import requests
import schemathesis

from rstar_spec.contract._coverage_check import note_check
from rstar_spec.contract._guard import SAFE_METHODS, Ledger, shape_value
from rstar_spec.contract._spec import SuiteSpec, suite_spec
from rstar_spec.oas.resources import Resource

_TIMEOUT = 10
_ITEM_ROLES = frozenset({"retrieve", "replace", "update", "delete", "action"})
_lock = threading.Lock()
_walked: set[tuple[str, int]] = set()
_readonly_tokens: dict[str, str] = {}


_GUARD: dict[str, Any] | None = (
    json.loads(os.environ["RSTAR_CONTRACT_GUARD"]) if os.environ.get("RSTAR_CONTRACT_GUARD") else None
)
_puts = itertools.count()


def _spec(case: Any) -> SuiteSpec | None:
    """The suite's view of the document schemathesis loaded (built once per process)."""
    raw = getattr(getattr(case.operation, "schema", None), "raw_schema", None)
    return suite_spec(raw) if isinstance(raw, dict) else None


def _placed(case: Any) -> tuple[str, Resource, SuiteSpec] | None:
    """(role, resource, spec) of the case's operation when it belongs to a resource."""
    spec = _spec(case)
    placement = spec.placement(case.operation.method, case.operation.path) if spec is not None else None
    if spec is None or placement is None or placement.resource is None:
        return None
    return placement.role, placement.resource, spec


def _render(template: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(str(value), safe=""))
    return template


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Guarded runs: a write on an item targets the run's own item, or an id known not to exist; a create
    below an item (a nested collection) targets a parent the run created.

    PUTs replace the items the run made for them (three in four; the fourth meets the absent id,
    for the 404 path); DELETEs take the newest live item the cases created, else the absent id. A
    value already naming one of the run's items (a stateful link's) is kept, also when the run has
    deleted that item since: schemathesis then knows the 404 follows its own DELETE, and the proxy
    sends the write to the absent id (_guard.py). Actions and PATCHes are shaped as PUTs.

    In the stateful phase a changed value never becomes the absent id: schemathesis counts what a
    hook changed as a link's value, so after a POST any 404 there reads as "the item just created
    is gone" (ST302). PUTs take the run's own item, DELETEs the newest live item of the cases,
    else the newest one deleted (in that scenario: schemathesis saw it go).
    """
    method = case.operation.method.upper()
    if _GUARD is None or method in SAFE_METHODS or not case.path_parameters:
        return
    placed = _placed(case)
    if placed is None:
        return
    role, resource, spec = placed
    params = case.path_parameters
    ledger = Ledger(Path(_GUARD["ledger"]))
    parent = spec.parent(resource)
    if parent is not None and parent.item is not None:
        parent_path = _render(parent.item.template, {k: v for k, v in params.items() if k in parent.item.names})
        collection, _, item_id = parent_path.rpartition("/")
        if ledger.latest().get((collection, unquote(item_id))) != "created":
            owned = ledger.live_items(parent.collection)
            parent_absent = (_GUARD.get("absent") or {}).get(parent.collection.template)
            if owned:  # the run's first parent: a fixture, kept to the end
                params.update(parent.item.match(owned[0]) or {})
            elif parent.id_param in params:  # no parent of the run's: under one that answered 404
                params[parent.id_param] = shape_value(params[parent.id_param], [], parent_absent, False, strict=True)
    if role not in _ITEM_ROLES or resource.id_param not in params:
        return
    collection = _render(resource.collection.template, {k: params[k] for k in resource.parent_params if k in params})
    absent = (_GUARD.get("absent") or {}).get(resource.collection.template)
    keep = [str(i) for i in _GUARD["keep"].get(collection, [])]
    owned = ledger.owned(collection)
    stateful = str(getattr(getattr(getattr(case, "meta", None), "phase", None), "name", "")) == "stateful"
    name = resource.id_param
    value = params[name]
    if method == "DELETE":
        cases_own = [i for i in owned if i not in keep]
        accept, pool, prefer = cases_own, [i for i in ledger.live(collection) if i in cases_own], True
        if stateful and not pool:
            pool = cases_own[-1:]
    else:
        accept, pool, prefer = owned, keep, stateful or next(_puts) % 4 != 3
    if str(value) in accept:
        return
    if stateful and pool:
        params[name] = pool[-1]
    else:
        params[name] = shape_value(value, pool, absent, prefer, strict=not spec.integer_ids(resource))


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    """A follow-up request that waits out a 429 as a polite client would (a few times, briefly)."""
    for _ in range(4):
        answer = requests.request(method, url, timeout=_TIMEOUT, **kwargs)
        retry_after = answer.headers.get("Retry-After", "1")
        if answer.status_code != 429:
            return answer
        time.sleep(min(float(retry_after) if retry_after.isdigit() else 1.0, 2.0))
    return answer


def _header(response: Any, name: str) -> str | None:
    values = response.headers.get(name.lower())
    return values[0] if values else None


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _auth(response: Any) -> dict[str, str]:
    value = response.request.headers.get("Authorization")
    return {"Authorization": value} if value else {}


def _base(response: Any, case: Any) -> str:
    """The API's base URL: the request URL less the operation's path."""
    url = urlsplit(response.request.url)
    path = url.path
    rendered = _render(case.operation.path, case.path_parameters or {})
    base_path = path[: -len(rendered)] if rendered and path.endswith(rendered) else path
    return str(urlunsplit((url.scheme, url.netloc, base_path, "", "")))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _ascending(ids: list[Any]) -> bool:
    """Ids in ascending order; ids of mixed kinds (a schema error the built-in checks report) pass here."""
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) and not all(
        isinstance(i, str) for i in ids
    ):
        return True
    return ids == sorted(ids)


@schemathesis.check
def page_respects_limit(ctx: Any, response: Any, case: Any) -> None:
    """A page holds at most `limit` items, echoes `offset` and `limit`, ids ascending."""
    placed = _placed(case)
    if placed is None or placed[0] != "list" or placed[1].page is None or response.status_code != 200:
        return
    _, resource, spec = placed
    page = resource.page
    assert page is not None
    body = _json(response)
    if not isinstance(body, dict):
        return  # not a page at all: the schema checks say so
    note_check("page_respects_limit", case)
    query = case.query or {}
    default_offset, default_limit = spec.page_defaults(resource)
    offset = _int(query.get(page.offset_param), default_offset)
    limit = _int(query.get(page.limit_param), default_limit)
    data = body.get(page.items) or []
    assert len(data) <= limit, f"a page with {page.limit_param}={limit} holds {len(data)} items"
    assert body.get(page.offset) == offset, (
        f"page echoes {page.offset} {body.get(page.offset)!r}, the request said {offset}"
    )
    assert body.get(page.limit) == limit, f"page echoes {page.limit} {body.get(page.limit)!r}, the request said {limit}"
    if resource.id_field:
        ids = [item.get(resource.id_field) for item in data if isinstance(item, dict)]
        assert _ascending(ids), f"page items are not in ascending {resource.id_field} order: {ids}"


@schemathesis.check
def pages_cover_total(ctx: Any, response: Any, case: Any) -> None:
    """Walking the pages in order gives `total` items, each once, in ascending id order."""
    placed = _placed(case)
    if placed is None or placed[0] != "list" or placed[1].page is None or response.status_code != 200:
        return
    _, resource, _ = placed
    page = resource.page
    assert page is not None
    body = _json(response)
    total = body.get(page.total) if isinstance(body, dict) else None
    url = urlsplit(response.request.url)
    collection = str(urlunsplit((url.scheme, url.netloc, url.path, "", "")))
    with _lock:
        if not isinstance(total, int) or (collection, total) in _walked:
            return  # walked already for this total: once is proof enough, and cheap
        _walked.add((collection, total))
    note_check("pages_cover_total", case)
    seen: list[Any] = []
    offset, limit = 0, 7  # a small page, so the walk crosses several page boundaries
    while offset < total and offset <= 10_000:
        params = {page.offset_param: offset, page.limit_param: limit}
        answer = _send("GET", collection, params=params, headers=_auth(response))
        assert answer.status_code == 200, (
            f"GET {url.path}?{page.offset_param}={offset}&{page.limit_param}={limit} answered {answer.status_code}"
        )
        items = (_json(answer) or {}).get(page.items) or []
        if not items:
            break
        seen += [item.get(resource.id_field) if resource.id_field else item for item in items]
        offset += limit
    if resource.id_field:
        hashable = [json.dumps(i, sort_keys=True) for i in seen]
        assert len(hashable) == len(set(hashable)), f"walking the pages of {url.path} gives some items twice"
        assert _ascending(seen), f"walking the pages of {url.path} does not give ascending ids"
    assert len(seen) == total, f"walking the pages of {url.path} gives {len(seen)} items, {page.total} says {total}"


@schemathesis.check
def timestamps_in_utc(ctx: Any, response: Any, case: Any) -> None:
    """The read-only date-time fields of an item (the server sets them) are UTC, written with Z."""
    placed = _placed(case)
    if placed is None or not 200 <= response.status_code < 300:
        return
    role, resource, spec = placed
    stamps = spec.stamps(resource)
    body = _json(response)
    if not stamps or not isinstance(body, dict):
        return
    items = [body]
    if role == "list" and resource.page is not None and isinstance(body.get(resource.page.items), list):
        items = [i for i in body[resource.page.items] if isinstance(i, dict)]
    items = [i for i in items if any(isinstance(i.get(s), str) for s in stamps)]
    if not items:
        return
    note_check("timestamps_in_utc", case)
    for n, item in enumerate(items):
        for name in stamps:
            value = item.get(name)
            if isinstance(value, str) and not value.endswith("Z"):
                where = f"/{resource.page.items}/{n}/{name}" if item is not body and resource.page else f"/{name}"
                raise AssertionError(f"timestamp {value!r} at {where} does not end in Z")


@schemathesis.check
def location_leads_to_created_item(ctx: Any, response: Any, case: Any) -> None:
    """The Location of a 201 answers the item that was created."""
    placed = _placed(case)
    if placed is None or placed[0] != "create" or not placed[1].location or response.status_code != 201:
        return
    if "retrieve" not in placed[1].operations:
        return  # nothing documents how to read the item back
    resource = placed[1]
    note_check("location_leads_to_created_item", case)
    location = _header(response, "Location")
    assert location, "201 without Location"
    created = _json(response)
    follow = _send("GET", urljoin(response.request.url, location), headers=_auth(response))
    assert follow.status_code == 200, f"GET {location} (the Location of the 201) answered {follow.status_code}"
    if resource.id_field and isinstance(created, dict):
        found = (_json(follow) or {}).get(resource.id_field)
        assert found == created.get(resource.id_field), (
            f"Location {location} leads to {resource.id_field} {found!r}, not {created.get(resource.id_field)!r}"
        )


@schemathesis.check
def etag_answers_not_modified(ctx: Any, response: Any, case: Any) -> None:
    """Sending an item's ETag back in If-None-Match answers 304, without a body."""
    placed = _placed(case)
    if placed is None or placed[0] != "retrieve" or not placed[1].etag or response.status_code != 200:
        return
    note_check("etag_answers_not_modified", case)
    etag = _header(response, "ETag")
    assert etag, f"{case.operation.method.upper()} {case.operation.path} answered 200 without ETag"
    again = _send("GET", response.request.url, headers={**_auth(response), "If-None-Match": etag})
    if again.status_code == 404:
        return  # deleted in between by another case
    assert again.status_code == 304, f"If-None-Match {etag} answered {again.status_code}, not 304"
    assert again.content == b"", "304 with a body"


@schemathesis.check
def put_removes_omitted_fields(ctx: Any, response: Any, case: Any) -> None:
    """PUT replaces every writable field: an optional field the body leaves out is gone."""
    placed = _placed(case)
    if placed is None or placed[0] != "replace" or response.status_code != 200 or not isinstance(case.body, dict):
        return
    _, resource, spec = placed
    optional = spec.optional_writable(resource)
    answer = _json(response)
    if not optional or not isinstance(answer, dict):
        return
    note_check("put_removes_omitted_fields", case)
    kept = [f for f in optional if f not in case.body and f in answer]
    assert not kept, f"PUT left out {', '.join(kept)}, but the answer still has them"


@schemathesis.check
def rate_limit_says_when(ctx: Any, response: Any, case: Any) -> None:
    """A 429 says, in whole seconds, when to come back."""
    if response.status_code != 429:
        return
    note_check("rate_limit_says_when", case)
    value = _header(response, "Retry-After")
    assert value is not None, "429 without Retry-After"
    assert value.isdigit(), f"Retry-After {value!r} is not whole seconds"


def _readonly_token(spec: SuiteSpec, base: str, key: str) -> str | None:
    recipe = spec.token
    if recipe is None:
        return None  # the document says not how to get a token with a key
    with _lock:
        token = _readonly_tokens.get(base)
    if token is None:
        answer = _send(recipe.method.upper(), base + recipe.path, json=recipe.body(key))
        label = f"{recipe.method.upper()} {recipe.path}"
        assert answer.status_code == 200, f"{label} with RSTAR_READONLY_API_KEY answered {answer.status_code}"
        token = str((_json(answer) or {}).get(recipe.token_field))
        with _lock:
            _readonly_tokens[base] = token
    return token


@schemathesis.check
def readonly_key_cannot_write(ctx: Any, response: Any, case: Any) -> None:
    """With RSTAR_READONLY_API_KEY set: a write the full key may make is 403 for the read-only key."""
    key = os.environ.get("RSTAR_READONLY_API_KEY")
    method = case.operation.method.upper()
    if not key or method not in ("POST", "PUT", "DELETE", "PATCH") or not 200 <= response.status_code < 300:
        return
    spec = _spec(case)
    placement = spec.placement(method, case.operation.path) if spec is not None else None
    if spec is None or (placement is not None and placement.role in ("token", "read")):
        return  # obtaining a token, or a read sent as POST: a read-only key may
    token = _readonly_token(spec, _base(response, case), key)
    if token is None:
        return
    note_check("readonly_key_cannot_write", case)
    request = response.request
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": request.headers.get("Content-Type", "application/json"),
    }
    replay = _send(method, request.url, data=request.body, headers=headers)
    # The case's DELETE has deleted the item: a server that looks the item up before the key's rights
    # answers 404, a refusal too (the contract page does not order the two).
    refusals = (403, 404) if method == "DELETE" else (403,)
    assert replay.status_code in refusals, (
        f"{method} {urlsplit(request.url).path} with the read-only key answered {replay.status_code}, not 403"
    )


@schemathesis.check
def deleted_item_is_gone(ctx: Any, response: Any, case: Any) -> None:
    """After a DELETE answered 2xx, the item answers 404 (the built-in use_after_free needs the
    stateful phase to pair the two requests; this holds for every DELETE)."""
    placed = _placed(case)
    if placed is None or placed[0] != "delete" or not 200 <= response.status_code < 300:
        return
    if "retrieve" not in placed[1].operations:
        return  # nothing documents how to read the item back
    note_check("deleted_item_is_gone", case)
    after = _send("GET", response.request.url, headers=_auth(response))
    assert after.status_code == 404, (
        f"GET after DELETE {urlsplit(response.request.url).path} answered {after.status_code}, not 404"
    )

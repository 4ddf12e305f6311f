"""Our checks, registered with schemathesis (this module is the suite's `hooks`).

The built-in checks see one response against its schema; these see what the
contract page promises across responses: pages that honour their limit and
walk to `total`, UTC timestamps, a Location that leads to what was created, an
ETag that answers 304, PUT removing what it omits, Retry-After on 429, and a
read-only key refused every write. Follow-up requests reuse the case's own
Authorization header; nothing here prints a credential.

In a guarded run (--base-url) the `before_call` hook points every write on an
item at a client the run created, or at an id known not to exist (_guard.py).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import schemathesis

from rstar_spec.contract import _coverage_check  # noqa: F401  (registers the coverage's note of links followed)
from rstar_spec.contract._guard import SAFE_METHODS, Ledger, shape_value

OPTIONAL_WRITABLE = ("email", "mobile", "date_of_birth", "notes")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_TIMEOUT = 10
_lock = threading.Lock()
_walked: set[tuple[str, int]] = set()
_readonly_tokens: dict[str, str] = {}


_GUARD: dict[str, Any] | None = (
    json.loads(os.environ["RSTAR_CONTRACT_GUARD"]) if os.environ.get("RSTAR_CONTRACT_GUARD") else None
)
_puts = itertools.count()


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Guarded runs: a write on an item targets the run's own client, or an id known not to exist.

    PUTs replace the clients the run made for them (three in four; the fourth meets the absent id,
    for the 404 path); DELETEs take the newest live client the cases created, else the absent id. A
    value already naming one of the run's clients (a stateful link's) is kept, also when the run has
    deleted that client since: schemathesis then knows the 404 follows its own DELETE, and the proxy
    sends the write to the absent id (_guard.py).

    In the stateful phase a changed value never becomes the absent id: schemathesis counts what a
    hook changed as a link's value, so after a POST any 404 there reads as "the client just created
    is gone" (ST302). PUTs take the run's own client, DELETEs the newest live client of the cases,
    else the newest one deleted (in that scenario: schemathesis saw it go).
    """
    method = case.operation.method.upper()
    if _GUARD is None or method in SAFE_METHODS or not case.path_parameters:
        return
    collection, _, last = case.operation.path.rpartition("/")
    name = last[1:-1] if last.startswith("{") and last.endswith("}") else None
    if name is None or name not in case.path_parameters:
        return
    ledger = Ledger(Path(_GUARD["ledger"]))
    keep = [str(i) for i in _GUARD["keep"].get(collection, [])]
    owned = ledger.owned(collection)
    stateful = str(getattr(getattr(getattr(case, "meta", None), "phase", None), "name", "")) == "stateful"
    value = case.path_parameters[name]
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
        case.path_parameters[name] = pool[-1]
    else:
        case.path_parameters[name] = shape_value(value, pool, _GUARD["absent"], prefer)


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    """A follow-up request that waits out a 429 as a polite client would (a few times, briefly)."""
    for _ in range(4):
        answer = requests.request(method, url, timeout=_TIMEOUT, **kwargs)
        retry_after = answer.headers.get("Retry-After", "1")
        if answer.status_code != 429:
            return answer
        time.sleep(min(float(retry_after) if retry_after.isdigit() else 1.0, 2.0))
    return answer


def _op(case: Any) -> str:
    return f"{case.operation.method.upper()} {case.operation.path}"


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
    rendered = case.operation.path
    for name, value in (case.path_parameters or {}).items():
        rendered = rendered.replace("{" + name + "}", str(value))
    base_path = path[: -len(rendered)] if rendered and path.endswith(rendered) else path
    return str(urlunsplit((url.scheme, url.netloc, base_path, "", "")))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@schemathesis.check
def page_respects_limit(ctx: Any, response: Any, case: Any) -> None:
    """A page holds at most `limit` items, echoes `offset` and `limit`, ids ascending."""
    if _op(case) != "GET /clients" or response.status_code != 200:
        return
    body = _json(response) or {}
    query = case.query or {}
    offset, limit = _int(query.get("offset"), 0), _int(query.get("limit"), 20)
    data = body.get("data", [])
    assert len(data) <= limit, f"a page with limit={limit} holds {len(data)} items"
    assert body.get("offset") == offset, f"page echoes offset {body.get('offset')!r}, the request said {offset}"
    assert body.get("limit") == limit, f"page echoes limit {body.get('limit')!r}, the request said {limit}"
    ids = [item.get("id") for item in data]
    assert ids == sorted(ids), f"page items are not in ascending id order: {ids}"


@schemathesis.check
def pages_cover_total(ctx: Any, response: Any, case: Any) -> None:
    """Walking the pages in order gives `total` items, each once, in ascending id order."""
    if _op(case) != "GET /clients" or response.status_code != 200:
        return
    total = (_json(response) or {}).get("total")
    base = _base(response, case)
    with _lock:
        if not isinstance(total, int) or (base, total) in _walked:
            return  # walked already for this total: once is proof enough, and cheap
        _walked.add((base, total))
    seen: list[int] = []
    offset, limit = 0, 7  # a small page, so the walk crosses several page boundaries
    while offset < total and offset <= 10_000:
        page = _send("GET", f"{base}/clients", params={"offset": offset, "limit": limit}, headers=_auth(response))
        assert page.status_code == 200, f"GET /clients?offset={offset}&limit={limit} answered {page.status_code}"
        items = page.json().get("data", [])
        if not items:
            break
        seen += [item["id"] for item in items]
        offset += limit
    assert len(seen) == len(set(seen)), "walking the pages gives some clients twice"
    assert seen == sorted(seen), "walking the pages does not give ascending ids"
    assert len(seen) == total, f"walking the pages gives {len(seen)} clients, total says {total}"


def _strings(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}/{i}")
    elif isinstance(node, str):
        yield path, node


@schemathesis.check
def timestamps_in_utc(ctx: Any, response: Any, case: Any) -> None:
    """Every timestamp of an answer is UTC, written with Z."""
    body = _json(response)
    for path, value in _strings(body):
        if _STAMP.match(value) and not value.endswith("Z"):
            raise AssertionError(f"timestamp {value!r} at {path or '/'} does not end in Z")


@schemathesis.check
def location_leads_to_created_client(ctx: Any, response: Any, case: Any) -> None:
    """The Location of a 201 answers the client that was created."""
    if _op(case) != "POST /clients" or response.status_code != 201:
        return
    location = _header(response, "Location")
    assert location, "201 without Location"
    created = _json(response) or {}
    follow = _send("GET", urljoin(response.request.url, location), headers=_auth(response))
    assert follow.status_code == 200, f"GET {location} (the Location of the 201) answered {follow.status_code}"
    assert follow.json().get("id") == created.get("id"), (
        f"Location {location} leads to client {follow.json().get('id')}, not {created.get('id')}"
    )


@schemathesis.check
def etag_answers_not_modified(ctx: Any, response: Any, case: Any) -> None:
    """Sending a client's ETag back in If-None-Match answers 304, without a body."""
    if _op(case) != "GET /clients/{client_id}" or response.status_code != 200:
        return
    etag = _header(response, "ETag")
    assert etag, "GET /clients/{client_id} answered 200 without ETag"
    again = _send("GET", response.request.url, headers={**_auth(response), "If-None-Match": etag})
    if again.status_code == 404:
        return  # deleted in between by another case
    assert again.status_code == 304, f"If-None-Match {etag} answered {again.status_code}, not 304"
    assert again.content == b"", "304 with a body"


@schemathesis.check
def put_removes_omitted_fields(ctx: Any, response: Any, case: Any) -> None:
    """PUT replaces every writable field: an optional field the body leaves out is gone."""
    if _op(case) != "PUT /clients/{client_id}" or response.status_code != 200 or not isinstance(case.body, dict):
        return
    answer = _json(response) or {}
    kept = [f for f in OPTIONAL_WRITABLE if f not in case.body and f in answer]
    assert not kept, f"PUT left out {', '.join(kept)}, but the answer still has them"


@schemathesis.check
def rate_limit_says_when(ctx: Any, response: Any, case: Any) -> None:
    """A 429 says, in whole seconds, when to come back."""
    if response.status_code != 429:
        return
    value = _header(response, "Retry-After")
    assert value is not None, "429 without Retry-After"
    assert value.isdigit(), f"Retry-After {value!r} is not whole seconds"


def _readonly_token(base: str, key: str) -> str:
    with _lock:
        token = _readonly_tokens.get(base)
    if token is None:
        answer = _send("POST", f"{base}/auth", json={"grant_type": "api_key", "api_key": key})
        assert answer.status_code == 200, f"POST /auth with RSTAR_READONLY_API_KEY answered {answer.status_code}"
        token = answer.json()["token"]
        with _lock:
            _readonly_tokens[base] = token
    return token


@schemathesis.check
def readonly_key_cannot_write(ctx: Any, response: Any, case: Any) -> None:
    """With RSTAR_READONLY_API_KEY set: a write the full key may make is 403 for the read-only key."""
    key = os.environ.get("RSTAR_READONLY_API_KEY")
    method = case.operation.method.upper()
    if not key or method not in ("POST", "PUT", "DELETE", "PATCH") or case.operation.path == "/auth":
        return
    if not 200 <= response.status_code < 300:
        return
    token = _readonly_token(_base(response, case), key)
    request = response.request
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": request.headers.get("Content-Type", "application/json"),
    }
    replay = _send(method, request.url, data=request.body, headers=headers)
    # The case's DELETE has deleted the client: a server that looks the client up before the key's rights
    # answers 404, a refusal too (the contract page does not order the two).
    refusals = (403, 404) if method == "DELETE" else (403,)
    assert replay.status_code in refusals, (
        f"{method} {urlsplit(request.url).path} with the read-only key answered {replay.status_code}, not 403"
    )


@schemathesis.check
def deleted_client_is_gone(ctx: Any, response: Any, case: Any) -> None:
    """After a DELETE answered 2xx, the client answers 404 (the built-in use_after_free needs the
    stateful phase to pair the two requests; this holds for every DELETE)."""
    if _op(case) != "DELETE /clients/{client_id}" or not 200 <= response.status_code < 300:
        return
    after = _send("GET", response.request.url, headers=_auth(response))
    assert after.status_code == 404, (
        f"GET after DELETE {urlsplit(response.request.url).path} answered {after.status_code}, not 404"
    )

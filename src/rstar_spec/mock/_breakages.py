"""The mock's deliberately broken variants (`--breakage NAME`), one table, applied around the handlers of
every resource alike (by role: every create, every list...).

Each variant breaks one promise of the contract page so that a test can prove the contract suite
catches it (tests/test_contract.py). The handlers of _behaviour.py implement the page only; a variant is
a transform of the request before its handler (``request``), a handler put in place of one
(``handlers``, by role), a transform of the handler's answer (``answer``) or of every answer as it is written
(``written``: 400, 404, 429... included), or a check the broken server leaves out (``authenticates``,
``refuses_read_only_writes``, ``validates_bodies``). A broken mock never validates its own answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ._behaviour import Values
from ._examples import Answer

if TYPE_CHECKING:
    from ._behaviour import Placed
    from ._state import State

Item = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """What a transform sees of a request: its operation's place (role, resource), its parameters and body,
    the mock's state."""

    placed: Placed
    values: Values
    payload: Any
    state: State

    @property
    def role(self) -> str:
        return self.placed.role


RequestTransform = Callable[[Call], tuple[Values, Any]]
Handler = Callable[[Call], Answer]
AnswerTransform = Callable[[Call, Answer], Answer]


@dataclass(frozen=True)
class Breakage:
    description: str
    request: RequestTransform | None = None
    handlers: dict[str, Handler] = field(default_factory=dict)  # by role, for every resource
    answer: AnswerTransform | None = None
    written: Callable[[Answer], Answer] | None = None
    authenticates: bool = True
    refuses_read_only_writes: bool = True
    validates_bodies: bool = True

    def around(self, call: Call, handler: Callable[[Values, Any], Answer]) -> Answer:
        """The handler's answer to call, with this variant's transforms around it."""
        if self.request is not None:
            values, payload = self.request(call)
            call = replace(call, values=values, payload=payload)
        replaced = self.handlers.get(call.role) if call.placed.resource is not None else None
        answer = replaced(call) if replaced is not None else handler(call.values, call.payload)
        return self.answer(call, answer) if self.answer is not None else answer


_SHOWS_AN_ITEM = ("create", "retrieve", "replace", "update")


def _items(call: Call, answer: Answer, change: Callable[[Call, Item], Item]) -> Answer:
    """The answer with change applied to every item of a resource it shows."""
    status, body, headers = answer
    resource = call.placed.resource
    if resource is None or status >= 300:
        return answer
    if call.role == "list" and resource.page is not None and isinstance(body, dict):
        name = resource.page.envelope.items
        if isinstance(body.get(name), list):
            return status, {**body, name: [change(call, dict(item)) for item in body[name]]}, headers
    if call.role in _SHOWS_AN_ITEM and isinstance(body, dict):
        return status, change(call, dict(body)), headers
    return answer


def _without_first_timestamp(call: Call, item: Item) -> Item:
    first = call.placed.resource.first_timestamp if call.placed.resource is not None else None
    item.pop(first or "", None)
    return item


def _offset_timestamps(call: Call, item: Item) -> Item:
    for name in call.placed.resource.timestamps if call.placed.resource is not None else ():
        if isinstance(item.get(name), str):
            item[name] = item[name].replace("Z", "+00:00")
    return item


def _page(start: Callable[[int], int], size: Callable[[int], int]) -> AnswerTransform:
    """A list answered from another window of the list than the one asked for."""

    def transform(call: Call, answer: Answer) -> Answer:
        status, body, headers = answer
        resource = call.placed.resource
        if call.role != "list" or status != 200 or resource is None or resource.page is None:
            return answer
        page = resource.page
        offset = call.values.get(page.envelope.offset_param, page.default_offset)
        limit = call.values.get(page.envelope.limit_param, page.default_limit)
        items, total = call.state.page(resource.where(call.values), start(offset), size(limit))
        return status, {**body, page.envelope.items: items, page.envelope.total: total}, headers

    return transform


def _status(role: str, status: int, instead: int) -> AnswerTransform:
    def transform(call: Call, answer: Answer) -> Answer:
        return (instead, *answer[1:]) if call.role == role and answer[0] == status else answer

    return transform


def _wrong_location(call: Call, answer: Answer) -> Answer:
    status, body, headers = answer
    if call.role != "create" or "Location" not in headers:
        return answer
    collection, _, item_id = headers["Location"].rpartition("/")
    other = str(int(item_id) + 1000) if item_id.isdigit() else f"{item_id}-other"
    return status, body, {**headers, "Location": f"{collection}/{other}"}


def _server_error_for_bad_input(answer: Answer) -> Answer:
    if answer[0] != 400:
        return answer
    return 500, {"code": "internal_error", "message": "Something went wrong on our side."}, {}


def _no_retry_after(answer: Answer) -> Answer:
    status, body, headers = answer
    return (status, body, {k: v for k, v in headers.items() if k != "Retry-After"}) if status == 429 else answer


def _error_body(answer: Answer) -> Answer:
    status, body, headers = answer
    return (status, {"error": body.get("message")}, headers) if status >= 400 and isinstance(body, dict) else answer


def _without_if_none_match(call: Call) -> tuple[Values, Any]:
    if call.role != "retrieve":
        return call.values, call.payload
    return {k: v for k, v in call.values.items() if k.lower() != "if-none-match"}, call.payload


def _put_merges(call: Call) -> tuple[Values, Any]:
    resource = call.placed.resource
    if call.role != "replace" or resource is None or not isinstance(call.payload, dict):
        return call.values, call.payload
    current = call.state.get(resource.where(call.values), resource.key_of(call.values.get(resource.id_param or "")))
    return call.values, {**resource.writable_of(current[0] if current else {}), **call.payload}


def _delete_keeps(call: Call) -> Answer:
    resource = call.placed.resource
    assert resource is not None  # handlers replace a resource's roles only
    key = resource.key_of(call.values.get(resource.id_param or ""))
    if call.state.get(resource.where(call.values), key) is None:
        return 404, {"code": "not_found", "message": f"No item of {resource.collection} has id {key}."}, {}
    return 204, None, {}


BREAKAGES: dict[str, Breakage] = {
    "undocumented-status": Breakage(
        "every create answers 200 instead of 201", answer=_status("create", 201, instead=200)
    ),
    "missing-required-field": Breakage(
        "items are answered without their first required read-only timestamp",
        answer=lambda call, a: _items(call, a, _without_first_timestamp),
    ),
    "auth-ignored": Breakage("no token is needed", authenticates=False),
    "500-on-bad-input": Breakage(
        "a request that fails validation is answered 500", written=_server_error_for_bad_input
    ),
    "accepts-invalid-input": Breakage("bodies are not validated", validates_bodies=False),
    "limit-ignored": Breakage(
        "a page holds every item, whatever the limit", answer=_page(lambda offset: offset, lambda limit: 10_000)
    ),
    "offset-timestamps": Breakage(
        "items' timestamps are written +00:00, not Z", answer=lambda call, a: _items(call, a, _offset_timestamps)
    ),
    "etag-ignored": Breakage("If-None-Match never answers 304", request=_without_if_none_match),
    "put-merges": Breakage("PUT keeps the writable fields the body leaves out", request=_put_merges),
    "wrong-location": Breakage("Location of a 201 points at another item", answer=_wrong_location),
    "pages-overlap": Breakage(
        "each page starts one item early", answer=_page(lambda offset: max(0, offset - 1), lambda limit: limit)
    ),
    "delete-keeps": Breakage("DELETE answers 204 but the item stays", handlers={"delete": _delete_keeps}),
    "no-retry-after": Breakage("429 comes without Retry-After", written=_no_retry_after),
    "readonly-writes": Breakage("a read-only key can write", refuses_read_only_writes=False),
    "wrong-error-body": Breakage("errors answer {error: ...} instead of {code, message}", written=_error_body),
}

"""The mock's deliberately broken variants (`--breakage NAME`), one table, applied around the handlers.

Each variant breaks one promise of the contract page so that a test can prove the contract suite
catches it (tests/test_contract.py). The handlers in _app.py implement the page only; a variant is
a transform of the request before its handler (``request``), a handler put in place of one
(``handlers``), a transform of the handler's answer (``answer``) or of every answer as it is written
(``written``: 400, 404, 429... included), or a check the broken server leaves out (``authenticates``,
``refuses_read_only_writes``, ``validates_bodies``). A broken mock never validates its own answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._state import State

Answer = tuple[int, Any, dict[str, str]]  # status, body (dict, str or None), headers
Values = dict[str, Any]  # the request's parameters by name, validated


@dataclass(frozen=True)
class Call:
    """What a transform sees of a request: its operation, its parameters and body, the mock's state."""

    op_id: str
    values: Values
    payload: Any
    state: State


RequestTransform = Callable[[Call], tuple[Values, Any]]
Handler = Callable[[Call], Answer]
AnswerTransform = Callable[[Call, Answer], Answer]


@dataclass(frozen=True)
class Breakage:
    description: str
    request: RequestTransform | None = None
    handlers: dict[str, Handler] = field(default_factory=dict)
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
        replaced = self.handlers.get(call.op_id)
        answer = replaced(call) if replaced is not None else handler(call.values, call.payload)
        return self.answer(call, answer) if self.answer is not None else answer


_SHOWS_A_CLIENT = ("create_client", "get_client", "replace_client")


def _clients(call: Call, answer: Answer, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Answer:
    """The answer with change applied to every client it shows."""
    status, body, headers = answer
    if not isinstance(body, dict) or status >= 300:
        return answer
    if call.op_id == "list_clients" and isinstance(body.get("data"), list):
        return status, {**body, "data": [change(dict(c)) for c in body["data"]]}, headers
    if call.op_id in _SHOWS_A_CLIENT:
        return status, change(dict(body)), headers
    return answer


def _without_created_at(client: dict[str, Any]) -> dict[str, Any]:
    client.pop("created_at", None)
    return client


def _offset_timestamps(client: dict[str, Any]) -> dict[str, Any]:
    for key in ("created_at", "updated_at"):
        if key in client:
            client[key] = client[key].replace("Z", "+00:00")
    return client


def _page(start: Callable[[int], int], size: Callable[[int], int]) -> AnswerTransform:
    """list_clients answered from another window of the list than the one asked for."""

    def transform(call: Call, answer: Answer) -> Answer:
        status, body, headers = answer
        if call.op_id != "list_clients" or status != 200:
            return answer
        offset, limit = call.values.get("offset", 0), call.values.get("limit", 20)
        data, total = call.state.page(start(offset), size(limit))
        return status, {**body, "data": data, "total": total}, headers

    return transform


def _status(op_id: str, status: int, instead: int) -> AnswerTransform:
    def transform(call: Call, answer: Answer) -> Answer:
        return (instead, *answer[1:]) if call.op_id == op_id and answer[0] == status else answer

    return transform


def _wrong_location(call: Call, answer: Answer) -> Answer:
    status, body, headers = answer
    if call.op_id != "create_client" or "Location" not in headers:
        return answer
    collection, _, client_id = headers["Location"].rpartition("/")
    return status, body, {**headers, "Location": f"{collection}/{int(client_id) + 1000}"}


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
    values = (
        {k: v for k, v in call.values.items() if k != "If-None-Match"} if call.op_id == "get_client" else call.values
    )
    return values, call.payload


def _put_merges(call: Call) -> tuple[Values, Any]:
    if call.op_id != "replace_client":
        return call.values, call.payload
    current = call.state.get(call.values["client_id"])
    return call.values, {**(current[0] if current else {}), **call.payload}


def _delete_keeps(call: Call) -> Answer:
    if call.state.get(call.values["client_id"]) is None:
        return 404, {"code": "not_found", "message": f"No client has id {call.values['client_id']}."}, {}
    return 204, None, {}


BREAKAGES: dict[str, Breakage] = {
    "undocumented-status": Breakage(
        "POST /clients answers 200 instead of 201", answer=_status("create_client", 201, instead=200)
    ),
    "missing-required-field": Breakage(
        "clients are answered without created_at", answer=lambda call, a: _clients(call, a, _without_created_at)
    ),
    "auth-ignored": Breakage("no token is needed", authenticates=False),
    "500-on-bad-input": Breakage(
        "a request that fails validation is answered 500", written=_server_error_for_bad_input
    ),
    "accepts-invalid-input": Breakage("bodies are not validated", validates_bodies=False),
    "limit-ignored": Breakage(
        "a page holds every client, whatever the limit", answer=_page(lambda offset: offset, lambda limit: 10_000)
    ),
    "offset-timestamps": Breakage(
        "timestamps are written +00:00, not Z", answer=lambda call, a: _clients(call, a, _offset_timestamps)
    ),
    "etag-ignored": Breakage("If-None-Match never answers 304", request=_without_if_none_match),
    "put-merges": Breakage("PUT keeps the optional fields the body leaves out", request=_put_merges),
    "wrong-location": Breakage("Location of a 201 points at another client", answer=_wrong_location),
    "pages-overlap": Breakage(
        "each page starts one client early", answer=_page(lambda offset: max(0, offset - 1), lambda limit: limit)
    ),
    "delete-keeps": Breakage("DELETE answers 204 but the client stays", handlers={"delete_client": _delete_keeps}),
    "no-retry-after": Breakage("429 comes without Retry-After", written=_no_retry_after),
    "readonly-writes": Breakage("a read-only key can write", refuses_read_only_writes=False),
    "wrong-error-body": Breakage("errors answer {error: ...} instead of {code, message}", written=_error_body),
}

"""The behaviour of each operation, by its place in the resource model (oas/resources.py): the contract page's.

Every operation gets a handler `(values, payload) -> Answer` when the mock starts:
- a CRUD role of a resource: list (ascending ids, the page envelope), create (201, `Location` where the
  answer promises it, the read-only fields assigned), retrieve (`ETag`, 304 to `If-None-Match` where the
  model says), replace (PUT keeps only what it sends), update (PATCH merges), delete (204, then 404);
  an absent item (or parent item) is 404;
- an action: 404 for an absent item, else its documented answer; an answer of the item's own schema is
  the stored item, with the read-only fields its example changes (against the item's example) applied and
  the change stamps moved, and stored;
- the token operation: x-rstar-token's grants against the mock's credentials (_token.py);
- anything else (a plain read, `none`, an operation nothing places, a role without what it needs): the
  documented example, or a value made from the schema (_examples.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..oas.resources import ResourceModel
from ..oas.view import Operation
from ._examples import Answer, Examples, json_media, success_status
from ._profiles import Profile
from ._resources import MockResource
from ._state import Credentials, State, utc_stamp
from ._token import TokenGrants

Values = dict[str, Any]  # the request's parameters by name, validated
Handler = Callable[[Values, Any], Answer]
Change = Callable[[dict[str, Any], Any, str], dict[str, Any]]  # (stored item, body, now) -> the new item


def error(status: int, code: str, message: str, **extra: Any) -> Answer:
    headers = extra.pop("headers", {})
    return status, {"code": code, "message": message, **extra}, headers


def now() -> str:
    return utc_stamp(datetime.now(UTC))


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match against the current ETag: `*`, or a list of entity tags compared weakly (RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def same_secret(given: Any, secret: str) -> bool:
    """Compared in constant time: how long a wrong key takes must not tell how much of it was right."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), secret.encode())


@dataclass(frozen=True)
class Placed:
    """An operation with its place in the model: what a breakage needs to know of a request."""

    operation: Operation
    role: str
    resource: MockResource | None
    action: str | None = None


class Behaviour:
    """The handlers of one document's operations, over one state."""

    def __init__(
        self, model: ResourceModel, resources: dict[str, MockResource], examples: Examples, state: State,
        credentials: Credentials, profile: Profile,
    ) -> None:  # fmt: skip
        self.model, self.resources, self.examples = model, resources, examples
        self.state, self.credentials, self.profile = state, credentials, profile
        token = model.token
        self.grants = TokenGrants.of(examples.doc, token.operation_id if token is not None else None)

    def placed(self, op: Operation) -> Placed:
        placement = self.model.placement(op)
        if placement is None:
            return Placed(op, "none", None)
        resource = self.resources.get(placement.resource.collection.template) if placement.resource else None
        return Placed(op, placement.role, resource, placement.action)

    def handler(self, placed: Placed) -> Handler:
        op, role, resource = placed.operation, placed.role, placed.resource
        if resource is not None:
            made = {
                "list": self._list, "create": self._create, "retrieve": self._retrieve, "replace": self._replace,
                "update": self._update, "delete": self._delete, "action": self._action,
            }.get(role)  # fmt: skip
            if made is not None:
                return made(op, resource)
        if role == "token" and self.grants is not None:
            return self._token(op, self.grants)
        return self._documented(op)

    # -- anything without behaviour of its own ---------------------------------------------------------
    def _documented(self, op: Operation) -> Handler:
        return lambda values, payload: self.examples.answer(op)

    # -- the resource's roles ----------------------------------------------------------------------------
    def _absent(self, resource: MockResource, values: Values) -> Answer | None:
        """404 when a parent item of a nested resource is absent (at any level)."""
        found = resource.parent_item(values)
        while found is not None:
            parent, where, key = found
            if self.state.get(where, key) is None:
                return self._missing(parent, key)
            found = parent.parent_item(values)
        return None

    def _missing(self, resource: MockResource, key: Any) -> Answer:
        return error(404, "not_found", f"No item of {resource.collection} has id {key}.")

    def _list(self, op: Operation, resource: MockResource) -> Handler:
        page = resource.page
        if page is None and not resource.lists_an_array():
            return self._documented(op)
        state, status = self.state, _status(op, "200")

        def handle(values: Values, payload: Any) -> Answer:
            absent = self._absent(resource, values)
            if absent is not None:
                return absent
            where = resource.where(values)
            if page is None:
                return status, state.page(where, 0, 2**62)[0], {}
            envelope = page.envelope
            offset = values.get(envelope.offset_param, page.default_offset)
            limit = values.get(envelope.limit_param, page.default_limit)
            items, total = state.page(where, offset, limit)
            body = {envelope.items: items, envelope.offset: offset, envelope.limit: limit, envelope.total: total}
            return status, body, {}

        return handle

    def _create(self, op: Operation, resource: MockResource) -> Handler:
        status = _status(op, "201", "200")
        with_body = _has_body(op, str(status))
        location = resource.resource.location or _documents_header(op, str(status), "location")

        def handle(values: Values, payload: Any) -> Answer:
            absent = self._absent(resource, values)
            if absent is not None:
                return absent
            stamp = now()
            key, item = self.state.create(resource.where(values), lambda n: resource.new_item(n, payload, stamp))
            headers = {"Location": resource.location(values, key)} if location else {}
            return status, item if with_body else None, headers

        return handle

    def _item(self, resource: MockResource, values: Values) -> tuple[Any, Any, Answer | None]:
        """(where, key) of the item the path names, or the 404 of an absent parent."""
        absent = self._absent(resource, values)
        return resource.where(values), resource.key_of(values.get(resource.id_param or "")), absent

    def _retrieve(self, op: Operation, resource: MockResource) -> Handler:
        status, etags = _status(op, "200"), resource.resource.etag
        header = next((p.param["name"] for p in op.parameters_in("header")
                       if str(p.param.get("name", "")).lower() == "if-none-match"), None)  # fmt: skip

        def handle(values: Values, payload: Any) -> Answer:
            where, key, absent = self._item(resource, values)
            found = self.state.get(where, key) if absent is None else None
            if found is None:
                return absent or self._missing(resource, key)
            item, etag = found
            if not etags:
                return status, item, {}
            if header is not None and etag_matches(values.get(header), etag):
                return 304, None, {"ETag": etag}
            return status, item, {"ETag": etag}

        return handle

    def _change(self, op: Operation, resource: MockResource, change: Change) -> Handler:
        status = _status(op, "200")
        with_body, etags = _has_body(op, str(status)), resource.resource.etag

        def handle(values: Values, payload: Any) -> Answer:
            where, key, absent = self._item(resource, values)
            stamp = now()
            found = self.state.change(where, key, lambda old: change(old, payload, stamp)) if absent is None else None
            if found is None:
                return absent or self._missing(resource, key)
            item, etag = found
            return status, item if with_body else None, {"ETag": etag} if etags else {}

        return handle

    def _replace(self, op: Operation, resource: MockResource) -> Handler:
        return self._change(op, resource, resource.replaced)

    def _update(self, op: Operation, resource: MockResource) -> Handler:
        return self._change(op, resource, resource.updated)

    def _delete(self, op: Operation, resource: MockResource) -> Handler:
        status = _status(op, "204", "200")
        with_body = _has_body(op, str(status))

        def handle(values: Values, payload: Any) -> Answer:
            where, key, absent = self._item(resource, values)
            found = self.state.get(where, key) if absent is None else None
            if found is None or not self.state.delete(where, key):
                return absent or self._missing(resource, key)
            return status, found[0] if with_body else None, {}

        return handle

    def _action(self, op: Operation, resource: MockResource) -> Handler:
        """The documented answer; an answer of the item's schema is the stored item, changed as the example says."""
        documented = self.examples.answer(op)
        status_key = success_status(op, "200", "201", "204")
        response = op.responses.get(status_key or "")
        media = json_media(response) if response is not None else None
        item_schema = resource.resource.item_schema
        shows_item = media is not None and item_schema is not None and media.schema_pointer == item_schema
        changes = self._action_changes(resource, media) if shows_item and media is not None else {}

        def handle(values: Values, payload: Any) -> Answer:
            where, key, absent = self._item(resource, values)
            if absent is not None:
                return absent
            if not shows_item:
                return documented if self.state.get(where, key) is not None else self._missing(resource, key)
            stamp = now()
            found = self.state.change(where, key, lambda old: resource.acted(old, changes, stamp))
            if found is None:
                return self._missing(resource, key)
            return documented[0], found[0], documented[2]

        return handle

    def _action_changes(self, resource: MockResource, media: Any) -> dict[str, Any]:
        """The read-only fields (not the id, not a timestamp) that the action's example sets to another value
        than the item's own example (the retrieve answer's, else the create answer's) has."""
        after = next((e for e in self.examples.examples_of(media) if isinstance(e, dict)), None)
        before: dict[str, Any] | None = None
        for role, statuses in (("retrieve", ("200",)), ("create", ("201", "200"))):
            op = resource.resource.op(role)
            response = op.responses.get(success_status(op, *statuses) or "") if op is not None else None
            shown = json_media(response) if response is not None else None
            before = next((e for e in self.examples.examples_of(shown) if isinstance(e, dict)), None) if shown else None
            if before is not None:
                break
        if after is None or before is None:
            return {}
        fixed = {resource.id_field, *resource.timestamps}
        return {
            name: value for name, value in after.items()
            if name in resource.resource.read_only and name not in fixed and before.get(name) != value
        }  # fmt: skip

    # -- the token operation ---------------------------------------------------------------------------------
    def _token(self, op: Operation, grants: TokenGrants) -> Handler:
        creds, state, profile = self.credentials, self.state, self.profile
        template = self.examples.answer(op)
        names = grants.response

        def issued(read_only: bool | None = None, given: dict[str, Any] | None = None) -> Answer:
            words = given if given is not None else state.issue(read_only=bool(read_only))
            body = {**(template[1] if isinstance(template[1], dict) else {})}
            body.update((names[word], value) for word, value in words.items() if word in names)
            return template[0], body, dict(template[2])

        def handle(values: Values, payload: Any) -> Answer:
            body = {k: v for k, v in payload.items() if isinstance(v, str)} if isinstance(payload, dict) else {}
            grant = grants.grant_of(body)  # validated already, unless a breakage skips it
            kind = grant.kind if grant is not None else None
            if grant is not None and kind == "api_key":
                key = grant.credential(body, "api_key")
                if same_secret(key, creds.api_key):
                    return issued(False)
                if same_secret(key, creds.readonly_api_key):
                    return issued(True)
                if profile.unlisted_auth_reasons:
                    return error(401, "api_key_not_recognised", "This key is not known here.")
                return error(401, "invalid_api_key", "The API key is not valid.")
            if grant is not None and kind == "password":
                if not same_secret(grant.credential(body, "username"), creds.username):
                    return error(401, "user_not_found", "No such user.")
                secret = grant.credential(body, "password")
                if same_secret(secret, creds.pwned_password):
                    return error(
                        401, "password_pwned", "The password has been reported as pwned; change it in the browser."
                    )
                if not same_secret(secret, creds.password):
                    return error(401, "password_incorrect", "The password is incorrect.")
                return issued(False)
            renewed = state.refresh(grant.credential(body, "refresh_token") or "") if grant is not None else None
            if renewed:
                return issued(given=renewed)
            if profile.unlisted_auth_reasons or kind != "refresh":
                return error(401, "unauthorized", "Not authorized.")
            return error(401, "invalid_refresh_token", "The refresh token is not valid.")

        return handle


def _status(op: Operation, *preferred: str) -> int:
    found = success_status(op, *preferred)
    return int(found) if found is not None and found.isdigit() else int(preferred[0])


def _has_body(op: Operation, status: str) -> bool:
    response = op.responses.get(status)
    return response is not None and bool(response.content)


def _documents_header(op: Operation, status: str, name: str) -> bool:
    response = op.responses.get(status)
    return response is not None and response.header(name) is not None

"""The mock's ASGI app: the spec decides routes, parameters, bodies and security;
handlers implement the behaviour of docs/reception-star-api.md.

A request goes: route (404/405) -> fault knobs (503) -> security (401) -> rate
limit (429) -> read-only writes (403) -> parameters and body (400) -> handler ->
the profile's freedoms (_profiles.py) -> response validation against the spec
(with validate_responses). Whatever is wrong with a request is a documented 4xx
JSON error, never a 500.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import orjson
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from ..core.limits import MAX_BODY_BYTES, MAX_DEPTH, MAX_INT_DIGITS, too_deep
from ..core.pointer import Pointer
from ..oas.schema_engine import BundleSchemas, SchemaError
from ..oas.view import DocumentView, Operation
from ..oas.walk import WRITE_METHODS, resolve
from ._breakages import BREAKAGES, Answer, Breakage, Call
from ._profiles import EXTRA_PROPERTIES, PROFILES, Profile
from ._state import Credentials, State


@dataclass
class MockSettings:
    credentials: Credentials = field(default_factory=Credentials.from_env)
    token_ttl: int = 10800
    rate_limit: int | None = None  # requests per token per second
    fail_every: int | None = None  # every Nth request answers 503
    validate_responses: bool = True  # cheap with the Rust engine: on unless asked (--no-validate-responses)
    seed: int = 36
    breakage: str | None = None  # a deliberately broken variant, to prove the contract suite (_breakages.py)
    profile: str = "reference"  # what the mock does where the contract page leaves a choice (_profiles.py)
    max_body: int = MAX_BODY_BYTES  # a longer request body is answered 413, unread


class _BadRequest(Exception):
    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.message, self.errors = message, errors


def _error(status: int, code: str, message: str, **extra: Any) -> Answer:
    headers = extra.pop("headers", {})
    return status, {"code": code, "message": message, **extra}, headers


@dataclass
class _Operation:
    path: str
    method: str
    op_id: str
    pointer: Pointer
    op: dict[str, Any]
    params: list[tuple[Pointer, dict[str, Any]]]
    authenticated: bool

    @classmethod
    def of(cls, op: Operation) -> _Operation:
        params = [(p.pointer, p.param) for p in op.parameters]
        return cls(op.template, op.method, op.raw["operationId"], op.pointer, op.raw, params, op.authenticated)


class MockApp:
    def __init__(self, doc: dict[str, Any], settings: MockSettings) -> None:
        if settings.breakage is not None and settings.breakage not in BREAKAGES:
            raise ValueError(f"unknown breakage {settings.breakage!r}")
        if settings.profile not in PROFILES:
            raise ValueError(f"unknown profile {settings.profile!r}")
        self.doc = doc
        self.settings = settings
        self.profile: Profile = PROFILES[settings.profile]
        self.breakage: Breakage | None = BREAKAGES[settings.breakage] if settings.breakage is not None else None
        self.state = State(
            settings.credentials, settings.token_ttl, settings.seed,
            reusable_refresh_tokens=self.profile.reusable_refresh_tokens, weak_etags=self.profile.weak_etags,
        )  # fmt: skip
        self.schemas = BundleSchemas(doc)
        self.view = DocumentView.of(doc)  # routes: the view's Router, which OpenAPI's path matching decides
        self.base_path = self.view.base_path
        self.handlers: dict[str, Callable[..., Answer]] = {
            "get_heart": self.get_heart, "create_token": self.create_token, "list_clients": self.list_clients,
            "create_client": self.create_client, "get_client": self.get_client, "replace_client": self.replace_client,
            "delete_client": self.delete_client,
        }  # fmt: skip
        self.operations = {op.pointer: _Operation.of(op) for op in self.view.operations}
        self.app = Starlette(routes=[Mount("", app=self._asgi)])  # every path and method: _route decides

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._endpoint(Request(scope, receive))
        await response(scope, receive, send)

    # -- plumbing ------------------------------------------------------------------------------
    def _route(self, request: Request) -> tuple[_Operation, dict[str, str]] | Response:
        """The operation a request names and its path values; else the 404 or 405 answer."""
        raw = request.scope.get("raw_path")
        sent = raw.decode("latin-1").split("?", 1)[0] if raw else quote(request.url.path)
        under = self.view.under_base(sent)
        match = self.view.router.match(request.method, under) if under is not None else None
        if match is not None:
            return self.operations[match.operation.pointer], match.path_params
        allowed = self.view.router.allowed(under) if under is not None else ()
        if allowed:
            refusal = _error(405, "method_not_allowed", f"{request.method} is not allowed here",
                             headers={"Allow": ", ".join(allowed)})  # fmt: skip
            return self._render(*refusal)
        # `/clients/1/` (or `/clients/1%2f`) is no path of the API: 404, not an undocumented 307 to another
        return self._render(*_error(404, "not_found", f"no such path: {request.url.path}"))

    async def _endpoint(self, request: Request) -> Response:
        routed = self._route(request)
        if isinstance(routed, Response):
            return routed
        operation, path_values = routed
        request.scope["path_params"] = path_values
        try:
            body = await _read_body(request, self.settings.max_body)
        except ClientDisconnect:  # gone before its body was read: no one to answer, nothing to log
            return Response(status_code=400)
        if body is None:  # not an answer of the API: the transport refuses before the API sees it
            refusal = {"code": "payload_too_large", "message": f"The body is over {self.settings.max_body} bytes."}
            return self._render(413, refusal, {"Connection": "close"})
        answer = self.with_freedoms(operation, request, self.handle(operation, request, body))
        if self.settings.validate_responses and self.breakage is None:
            problem = self.check_answer(operation, answer)
            if problem:
                answer = _error(500, "internal_error", f"the mock's answer does not match the spec: {problem}")
        return self._render(*answer)

    def _render(self, status: int, body: Any, headers: dict[str, str]) -> Response:
        if self.breakage is not None and self.breakage.written is not None:
            status, body, headers = self.breakage.written((status, body, headers))
        if body is None:
            return Response(status_code=status, headers=headers)
        if isinstance(body, str):
            return Response(body, status_code=status, headers=headers, media_type="text/plain; charset=utf-8")
        try:  # orjson writes the same compact UTF-8 JSON in Rust (json's encoder was a quarter of a page's time)
            text: bytes | str = orjson.dumps(body)
        except (orjson.JSONEncodeError, TypeError):  # an integer past 64 bits
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        media_type = "application/json; charset=utf-8" if self.profile.json_charset else "application/json"
        return Response(text, status_code=status, headers=headers, media_type=media_type)

    def with_freedoms(self, operation: _Operation, request: Request, answer: Answer) -> Answer:
        """The handler's answer as the profile shapes it where the contract page leaves a choice."""
        status, body, headers = answer
        profile = self.profile
        if not profile.etag_beyond_get and not (operation.op_id == "get_client" and status == 200):
            headers = {k: v for k, v in headers.items() if k.lower() != "etag"}
        if not profile.retry_after_on_503 and status == 503:
            headers = {k: v for k, v in headers.items() if k.lower() != "retry-after"}
        if profile.absolute_location and "Location" in headers:
            headers = {**headers, "Location": f"{request.url.scheme}://{request.url.netloc}{headers['Location']}"}
        if isinstance(body, dict):
            if not profile.field_errors and status == 400:
                body = {k: v for k, v in body.items() if k != "errors"}
            if profile.extra_properties:
                body = _with_extra_properties(body)
        return status, body, headers

    # -- the request's way through ------------------------------------------------------------------
    def handle(self, operation: _Operation, request: Request, body: bytes) -> Answer:
        settings = self.settings
        if settings.fail_every and self.state.count_request() % settings.fail_every == 0:
            return _error(503, "service_unavailable", "Please resend your request.", headers={"Retry-After": "1"})
        if settings.rate_limit and self.profile.rate_limit_every_request:
            bearer = self._bearer(request)[0]
            if self.state.over_rate(
                bearer or f"peer:{request.client.host if request.client else ''}", settings.rate_limit
            ):
                return self._rate_limited()
        broken = self.breakage
        read_only = False
        if operation.authenticated and len(request.headers.getlist("authorization")) > 1:
            # which one would count? Proxies and servers disagree (the first, the last, both joined): refuse
            return _error(400, "bad_request", "Send one Authorization header.",
                          errors=[{"field": "Authorization", "message": "is sent more than once"}])  # fmt: skip
        if operation.authenticated and (broken is None or broken.authenticates):
            token, problem = self._bearer(request)
            if problem:
                return self._token_problem(problem)
            status, read_only = self.state.token(token)
            if status != "ok":
                return self._token_problem(status)
            if (
                settings.rate_limit
                and not self.profile.rate_limit_every_request
                and self.state.over_rate(token, settings.rate_limit)
            ):
                return self._rate_limited()
            refuses = broken is None or broken.refuses_read_only_writes
            if read_only and operation.method in WRITE_METHODS and refuses:
                return _error(403, "forbidden", "This API key is read-only.")
        try:
            values = self._parameters(operation, request)
            payload = self._body(operation, request, body)
        except _BadRequest as exc:
            return _error(400, "bad_request", exc.message, errors=exc.errors)
        handler = self.handlers[operation.op_id]
        if self.breakage is not None:
            return self.breakage.around(Call(operation.op_id, values, payload, self.state), handler)
        return handler(values, payload)

    def _rate_limited(self) -> Answer:
        return _error(429, "rate_limited", "Too many requests; retry after 1 second.", headers={"Retry-After": "1"})

    def _token_problem(self, reason: str) -> Answer:
        message = {"missing_token": "The Authorization header is missing.", "token_expired": "The token has expired."}
        if self.profile.generic_token_code:
            return _error(401, "unauthorized", "Not authorized.")
        return _error(401, reason, message.get(reason, "The token is not valid."))

    def _bearer(self, request: Request) -> tuple[str, str | None]:
        header = request.headers.get("authorization")
        if not header:
            return "", "missing_token"
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "", "invalid_token"
        return token.strip(), None

    def _parameters(self, operation: _Operation, request: Request) -> dict[str, Any]:
        values: dict[str, Any] = {}
        errors = []
        sources = {"path": request.path_params, "query": request.query_params, "header": request.headers}
        for pointer, param in operation.params:
            name, where = param["name"], param["in"]
            raw = sources[where].get(name.lower() if where == "header" else name)
            if raw is None:
                if param.get("required"):
                    errors.append({"field": name, "message": "is required"})
                continue
            value = _coerce(raw, param.get("schema", {}))
            problem = self.schemas.first_error((*pointer, "schema"), value)
            if problem is not None:
                errors.append({"field": name, "message": problem.message[:200]})
            else:
                values[name] = value
        if errors:
            raise _BadRequest("A parameter is invalid.", errors)
        return values

    def _body(self, operation: _Operation, request: Request, body: bytes) -> Any:
        spec_body = operation.op.get("requestBody")
        if spec_body is None:
            return None
        pointer, spec_body = resolve(self.doc, spec_body, (*operation.pointer, "requestBody"))
        if not body:
            if spec_body.get("required"):
                raise _BadRequest("The request body is missing.", [{"field": "body", "message": "is required"}])
            return None
        media_type, *parameters = request.headers.get("content-type", "").split(";")
        if media_type.strip().lower() != "application/json":
            raise _BadRequest(
                "The request body must be application/json.",
                [{"field": "Content-Type", "message": "must be application/json"}],
            )
        charset = _charset(parameters)
        if charset is not None and charset not in ("utf-8", "utf8"):
            raise _BadRequest(
                "The request body must be UTF-8 JSON.",
                [{"field": "Content-Type", "message": f"charset {charset[:40]!r} is not utf-8"}],
            )
        try:
            payload = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant, parse_int=_bounded_int)
        except UnicodeDecodeError:
            raise _BadRequest(
                "The request body is not UTF-8.", [{"field": "body", "message": "is not UTF-8"}]
            ) from None
        except RecursionError:
            raise _BadRequest(_TOO_DEEP, [{"field": "body", "message": _TOO_DEEP}]) from None
        except ValueError as exc:
            raise _BadRequest("The request body is not JSON.", [{"field": "body", "message": str(exc)[:200]}]) from None
        if too_deep(payload):
            raise _BadRequest(_TOO_DEEP, [{"field": "body", "message": _TOO_DEEP}])
        if _holds_lone_surrogate(payload):  # JSON can escape one; UTF-8 cannot hold it, nor can an answer
            raise _BadRequest(_SURROGATE, [{"field": "body", "message": _SURROGATE}])
        if self.breakage is not None and not self.breakage.validates_bodies:
            return payload if isinstance(payload, dict) else {}
        errors = sorted(
            self.schemas.errors((*pointer, "content", "application/json", "schema"), payload),
            key=lambda e: (e.path, e.message),
        )
        if errors:
            raise _BadRequest("The request body is invalid.", [_field_error(e) for e in errors[:10]])
        return payload

    # -- response validation -----------------------------------------------------------------------
    def check_answer(self, operation: _Operation, answer: Answer) -> str | None:
        status, body, headers = answer
        responses = operation.op.get("responses", {})
        if str(status) not in responses:
            return f"status {status} is not documented for {operation.op_id}"
        rpointer, response = resolve(self.doc, responses[str(status)], (*operation.pointer, "responses", str(status)))
        for name, header in (response.get("headers") or {}).items():
            _, header = resolve(self.doc, header, ())
            if header.get("required") and name.lower() not in {h.lower() for h in headers}:
                return f"header {name} is missing on {status}"
        content = response.get("content") or {}
        if body is None:
            return f"{status} needs a body" if content else None
        media_type = "text/plain" if isinstance(body, str) else "application/json"
        if media_type not in content:
            return f"{media_type} is not documented for {status}"
        problem = self.schemas.first_error((*rpointer, "content", media_type, "schema"), body)
        return f"{'/'.join(problem.path)}: {problem.message[:200]}" if problem else None

    # -- the operations --------------------------------------------------------------------------------
    def get_heart(self, values: dict[str, Any], payload: Any) -> Answer:
        return 200, "The only true wisdom is in knowing you know nothing. ― Socrates", {}

    def create_token(self, values: dict[str, Any], grant: dict[str, Any]) -> Answer:
        creds = self.settings.credentials
        grant = {k: v for k, v in grant.items() if isinstance(v, str)}  # validated already, unless a breakage skips it
        kind = grant.get("grant_type")
        if kind == "api_key":
            if _same(grant.get("api_key"), creds.api_key):
                return 200, self.state.issue(read_only=False), {}
            if _same(grant.get("api_key"), creds.readonly_api_key):
                return 200, self.state.issue(read_only=True), {}
            if self.profile.unlisted_auth_reasons:
                return _error(401, "api_key_not_recognised", "This key is not known here.")
            return _error(401, "invalid_api_key", "The API key is not valid.")
        if kind == "password":
            if not _same(grant.get("username"), creds.username):
                return _error(401, "user_not_found", "No such user.")
            if _same(grant.get("password"), creds.pwned_password):
                return _error(
                    401, "password_pwned", "The password has been reported as pwned; change it in the browser."
                )
            if not _same(grant.get("password"), creds.password):
                return _error(401, "password_incorrect", "The password is incorrect.")
            return 200, self.state.issue(read_only=False), {}
        issued = self.state.refresh(grant.get("refresh_token", ""))
        if issued:
            return 200, issued, {}
        if self.profile.unlisted_auth_reasons:
            return _error(401, "unauthorized", "Not authorized.")
        return _error(401, "invalid_refresh_token", "The refresh token is not valid.")

    def list_clients(self, values: dict[str, Any], payload: Any) -> Answer:
        offset, limit = values.get("offset", 0), values.get("limit", 20)
        data, total = self.state.page(offset, limit)
        return 200, {"data": data, "offset": offset, "limit": limit, "total": total}, {}

    def create_client(self, values: dict[str, Any], fields: dict[str, Any]) -> Answer:
        client = self.state.create(fields)
        return 201, client, {"Location": f"{self.base_path}/clients/{client['id']}"}

    def get_client(self, values: dict[str, Any], payload: Any) -> Answer:
        found = self.state.get(values["client_id"])
        if found is None:
            return _error(404, "not_found", f"No client has id {values['client_id']}.")
        client, etag = found
        if _etag_matches(values.get("If-None-Match"), etag):
            return 304, None, {"ETag": etag}
        return 200, client, {"ETag": etag}

    def replace_client(self, values: dict[str, Any], fields: dict[str, Any]) -> Answer:
        found = self.state.replace(values["client_id"], fields)
        if found is None:
            return _error(404, "not_found", f"No client has id {values['client_id']}.")
        client, etag = found
        return 200, client, {"ETag": etag}

    def delete_client(self, values: dict[str, Any], payload: Any) -> Answer:
        found = self.state.delete(values["client_id"])
        return (204, None, {}) if found else _error(404, "not_found", f"No client has id {values['client_id']}.")


# ASCII digits only (\d would take Arabic-Indic or fullwidth ones), the whole text (not up to a newline).
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_TOO_DEEP = f"The request body nests deeper than {MAX_DEPTH} levels."
_SURROGATE = "The request body holds a lone surrogate escape (\\ud800-\\udfff): not a character."
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether a string or key anywhere in value holds a surrogate code point (json.loads joins pairs)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _charset(parameters: list[str]) -> str | None:
    """The charset a Content-Type's parameters declare, lower case and unquoted, or None."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    """A parameter's text as the type its schema says, when it reads as one (else left as text, which
    the schema then refuses: 400)."""
    kind = schema.get("type")
    if kind == "integer" and _INTEGER.fullmatch(raw) and len(raw) <= MAX_INT_DIGITS:
        return int(raw)
    if kind == "number" and _NUMBER.fullmatch(raw) and len(raw) <= MAX_INT_DIGITS:
        return float(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match against the current ETag: `*`, or a list of entity tags compared weakly (RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def _with_extra_properties(body: Any) -> Any:
    """Every JSON object of an answer with properties the spec does not name (the liberal profile)."""
    if isinstance(body, list):
        return [_with_extra_properties(item) for item in body]
    if isinstance(body, dict):
        return {**{k: _with_extra_properties(v) for k, v in body.items()}, **EXTRA_PROPERTIES}
    return body


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None past limit bytes: said by Content-Length before anything is read, else found
    while reading, and nothing more is read."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and len(declared) < 20 and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _bounded_int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INT_DIGITS} digits")
    return int(text)


def _same(given: Any, secret: str) -> bool:
    """Compared in constant time: how long a wrong key takes must not tell how much of it was right."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), secret.encode())


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _field_error(error: SchemaError) -> dict[str, str]:
    return {"field": error.field or "body", "message": error.message[:200]}


def create_app(doc: dict[str, Any], settings: MockSettings | None = None) -> Starlette:
    return MockApp(doc, settings or MockSettings()).app

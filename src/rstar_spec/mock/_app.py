"""The mock's ASGI app: the spec decides routes, parameters, bodies and security; each operation's place in
the resource model decides its behaviour (_behaviour.py), the one of docs/reception-star-api.md.

A request goes: route (404/405) -> fault knobs (503) -> security (401) -> rate
limit (429) -> read-only writes (403) -> parameters and body (400) -> handler ->
the profile's freedoms (_profiles.py) -> response validation against the spec
(with validate_responses). Whatever is wrong with a request is a documented 4xx
JSON error, never a 500.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import orjson
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.ijson import holds_lone_surrogate
from ..core.limits import MAX_BODY_BYTES, MAX_DEPTH, MAX_INT_DIGITS, too_deep
from ..core.pointer import Pointer
from ..oas.schema_engine import BundleSchemas, SchemaError, SchemaRefError
from ..oas.view import DocumentView, MediaType, Operation, media_type_essence
from ..oas.walk import WRITE_METHODS, resolve
from ._behaviour import Behaviour, Handler, Placed, error
from ._breakages import BREAKAGES, Breakage, Call
from ._examples import Answer, Examples, Media, json_media
from ._profiles import EXTRA_PROPERTIES, PROFILES, Profile
from ._resources import MockResource, link_parents
from ._state import Credentials, State, Where


@dataclass
class MockSettings:
    credentials: Credentials = field(default_factory=Credentials.from_env)
    token_ttl: int = 10800
    rate_limit: int | None = None  # requests per token per second
    fail_every: int | None = None  # every Nth request answers 503
    validate_responses: bool = True  # cheap with the Rust engine: on unless asked (--no-validate-responses)
    seed: int = 36  # items in every collection at start, made from the spec's examples (_resources.py)
    breakage: str | None = None  # a deliberately broken variant, to prove the contract suite (_breakages.py)
    profile: str = "reference"  # what the mock does where the contract page leaves a choice (_profiles.py)
    max_body: int = MAX_BODY_BYTES  # a longer request body is answered 413, unread


class _BadRequest(Exception):
    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.message, self.errors = message, errors


@dataclass(frozen=True)
class _Expected:
    """What one documented response requires of an answer, worked out once."""

    required_headers: tuple[tuple[str, str], ...]  # (as written, lower case)
    json: Any  # the compiled validator of its JSON body's schema, or None
    json_pointer: Pointer | None  # None: no JSON body is documented
    others: dict[str, Pointer | None]  # every other media type (essence) -> its schema, if it has one


class _Written:
    """An answer as it goes out: the two ASGI messages Starlette's Response would send, made in one step."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                 media_type: str | None = None) -> None:  # fmt: skip
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in (headers or {}).items()]
        if media_type is not None:
            if media_type.startswith("text/") and "charset=" not in media_type:
                media_type += "; charset=utf-8"
            raw.append((b"content-type", media_type.encode("latin-1", "replace")))
        if status >= 200 and status not in (204, 304):
            raw.append((b"content-length", str(len(body)).encode()))
        self.status, self.headers, self.body = status, raw, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


@dataclass(frozen=True)
class _Param:
    """A parameter as the mock reads it, worked out once."""

    name: str
    where: str  # path, query, header, cookie
    required: bool
    schema: dict[str, Any]  # resolved
    items: dict[str, Any]  # an array's items schema, resolved
    schema_pointer: Pointer | None  # None: no schema to check
    validator: Any


@dataclass
class _Served:
    """An operation as the mock serves it."""

    op: Operation
    placed: Placed
    handler: Handler
    params: list[_Param]
    expected: dict[str, _Expected] = field(default_factory=dict)  # by status as documented

    @property
    def authenticated(self) -> bool:
        return self.op.authenticated

    @property
    def method(self) -> str:
        return self.op.method


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
        self.schemas = BundleSchemas(doc)
        self.view = DocumentView.of(doc)  # routes: the view's Router, which OpenAPI's path matching decides
        self.base_path = self.view.base_path
        self.model = self.view.resources
        self.examples = Examples(doc, self.schemas)
        resources = [MockResource(r, self.examples, self.base_path) for r in self.model.resources]
        link_parents(resources)
        self.resources = {r.collection: r for r in resources}
        self.state = State(
            settings.credentials, settings.token_ttl, settings.seed,
            reusable_refresh_tokens=self.profile.reusable_refresh_tokens, weak_etags=self.profile.weak_etags,
            seeder=self._seed,
        )  # fmt: skip
        self.behaviour = Behaviour(self.model, self.resources, self.examples, self.state, settings.credentials,
                                   self.profile)  # fmt: skip
        self.operations = {op.pointer: self._served(op) for op in self.view.operations}
        # Every path and method: _route decides. The app is this object (an ASGI 3 callable), not a Starlette
        # app: its middleware and router would only pass each request on (a fifth of the app's time per request).
        self.app: ASGIApp = self

    def _served(self, op: Operation) -> _Served:
        placed = self.behaviour.placed(op)
        params = []
        for p in op.parameters:
            schema = _schema_of(self.doc, p.param)
            pointer = (*p.pointer, "schema") if "schema" in p.param else None
            params.append(_Param(
                str(p.param.get("name")), str(p.param.get("in")), p.param.get("required") is True, schema,
                _items_schema(self.doc, schema), pointer, self._compiled(pointer),
            ))  # fmt: skip
        served = _Served(op, placed, self.behaviour.handler(placed), params)
        for status, response in op.responses.items():
            content, json = response.content, json_media(response)
            served.expected[status] = _Expected(
                tuple((h.name, h.name.lower()) for h in response.headers if h.required),
                self._validator(json), (json.schema_pointer or ()) if json else None,
                {media_type_essence(name): m.schema_pointer for name, m in content.items() if not m.is_json},
            )  # fmt: skip
        return served

    def _validator(self, media: MediaType | None) -> Any:
        return self._compiled(media.schema_pointer) if media is not None else None

    def _compiled(self, pointer: Pointer | None) -> Any:
        """The schema's validator, compiled at start; None for none, or for one no engine compiles (a pattern
        jsonschema-rs cannot read: `rstar-spec validate` reports it; the mock serves, unchecked there)."""
        try:
            return self.schemas.compiled(pointer) if pointer else None
        except SchemaRefError:
            return None

    def readiness_path(self) -> str | None:
        """Where to ask whether the mock answers: the first GET that needs no token, parameter nor body
        (a health check, as a rule); None when there is none."""
        for op in self.view.operations:
            needs = any(p.param.get("required") for p in op.parameters) or op.request_body is not None
            if op.method == "get" and not op.authenticated and not needs and not op.path.is_templated:
                return op.path.template
        return None

    def _seed(self, where: Where) -> list[tuple[Any, dict[str, Any]]]:
        """The seed of a collection: N items in every top-level one, and in a nested one under a seeded item."""
        resource = self.resources.get(where[0])
        if resource is None:
            return []
        parent = resource.parent_item(dict(zip(resource.resource.parent_params, where[1], strict=True)))
        if parent is not None and not self.state.was_seeded(parent[1], parent[2]):
            return []
        return resource.seed_items(self.state.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            response = await self._endpoint(Request(scope, receive))
            await response(scope, receive, send)
        elif scope["type"] == "lifespan":  # nothing to start or stop
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        else:  # a websocket: not an API of this document
            await send({"type": "websocket.close", "code": 1000})

    # -- plumbing ------------------------------------------------------------------------------
    def _route(self, request: Request) -> tuple[_Served, dict[str, str]] | _Written:
        """The operation a request names and its path values; else the 404 or 405 answer."""
        raw = request.scope.get("raw_path")
        sent = raw.decode("latin-1").split("?", 1)[0] if raw else quote(request.url.path)
        under = self.view.under_base(sent)
        match = self.view.router.match(request.method, under) if under is not None else None
        if match is not None:
            return self.operations[match.operation.pointer], match.path_params
        allowed = self.view.router.allowed(under) if under is not None else ()
        if allowed:
            refusal = error(405, "method_not_allowed", f"{request.method} is not allowed here",
                             headers={"Allow": ", ".join(allowed)})  # fmt: skip
            return self._render(*refusal)
        # `/items/1/` (or `/items/1%2f`) is no path of the API: 404, not an undocumented 307 to another
        return self._render(*error(404, "not_found", f"no such path: {request.url.path}"))

    async def _endpoint(self, request: Request) -> _Written:
        routed = self._route(request)
        if isinstance(routed, _Written):
            return routed
        operation, path_values = routed
        request.scope["path_params"] = path_values
        try:
            body = await _read_body(request, self.settings.max_body)
        except ClientDisconnect:  # gone before its body was read: no one to answer, nothing to log
            return _Written(400)
        if body is None:  # not an answer of the API: the transport refuses before the API sees it
            refusal = {"code": "payload_too_large", "message": f"The body is over {self.settings.max_body} bytes."}
            return self._render(413, refusal, {"Connection": "close"})
        answer = self.with_freedoms(operation, request, self.handle(operation, request, body))
        if self.settings.validate_responses and self.breakage is None:
            problem = self.check_answer(operation, answer)
            if problem:
                answer = error(500, "internal_error", f"the mock's answer does not match the spec: {problem}")
        return self._render(*answer)

    def _render(self, status: int, body: Any, headers: dict[str, str]) -> _Written:
        if self.breakage is not None and self.breakage.written is not None:
            status, body, headers = self.breakage.written((status, body, headers))
        if body is None:
            return _Written(status, b"", headers)
        if isinstance(body, Media):
            return _Written(status, body.content.encode("utf-8"), headers, body.media_type)
        try:  # orjson writes the same compact UTF-8 JSON in Rust (json's encoder was a quarter of a page's time)
            text = orjson.dumps(body)
        except (orjson.JSONEncodeError, TypeError):  # an integer past 64 bits
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        media_type = "application/json; charset=utf-8" if self.profile.json_charset else "application/json"
        return _Written(status, text, headers, media_type)

    def with_freedoms(self, operation: _Served, request: Request, answer: Answer) -> Answer:
        """The handler's answer as the profile shapes it where the contract page leaves a choice."""
        status, body, headers = answer
        profile = self.profile
        if not profile.etag_beyond_get and not (operation.placed.role == "retrieve" and status == 200):
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
    def handle(self, operation: _Served, request: Request, body: bytes) -> Answer:
        settings = self.settings
        if settings.fail_every and self.state.count_request() % settings.fail_every == 0:
            return error(503, "service_unavailable", "Please resend your request.", headers={"Retry-After": "1"})
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
            return error(400, "bad_request", "Send one Authorization header.",
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
                return error(403, "forbidden", "This API key is read-only.")
        try:
            values = self._parameters(operation, request)
            payload = self._body(operation, request, body)
        except _BadRequest as exc:
            return error(400, "bad_request", exc.message, errors=exc.errors)
        if self.breakage is not None:
            return self.breakage.around(Call(operation.placed, values, payload, self.state), operation.handler)
        return operation.handler(values, payload)

    def _rate_limited(self) -> Answer:
        return error(429, "rate_limited", "Too many requests; retry after 1 second.", headers={"Retry-After": "1"})

    def _token_problem(self, reason: str) -> Answer:
        message = {"missing_token": "The Authorization header is missing.", "token_expired": "The token has expired."}
        if self.profile.generic_token_code:
            return error(401, "unauthorized", "Not authorized.")
        return error(401, reason, message.get(reason, "The token is not valid."))

    def _bearer(self, request: Request) -> tuple[str, str | None]:
        header = request.headers.get("authorization")
        if not header:
            return "", "missing_token"
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "", "invalid_token"
        return token.strip(), None

    def _parameters(self, operation: _Served, request: Request) -> dict[str, Any]:
        values: dict[str, Any] = {}
        errors = []
        for param in operation.params:
            name, where = param.name, param.where
            if where == "path":
                raw: Any = request.path_params.get(name)
            elif where == "header":
                raw = request.headers.get(name.lower())
            elif where == "query":
                query = request.query_params
                raw = (query.getlist(name) or None) if param.schema.get("type") == "array" else query.get(name)
            else:
                raw = request.cookies.get(name) if where == "cookie" else None
            if raw is None:
                if param.required:
                    errors.append({"field": name, "message": "is required"})
                continue
            value = [_coerce(v, param.items) for v in raw] if isinstance(raw, list) else _coerce(raw, param.schema)
            if param.validator is not None and not param.validator.is_valid(value):
                problem = self.schemas.first_error(param.schema_pointer or (), value)
                errors.append({"field": name, "message": problem.message[:200] if problem else "is not valid"})
            else:
                values[name] = value
        if errors:
            raise _BadRequest("A parameter is invalid.", errors)
        for name, raw in request.path_params.items():  # a template name no parameter declares: as sent
            values.setdefault(name, raw)
        return values

    def _body(self, operation: _Served, request: Request, body: bytes) -> Any:
        spec_body = operation.op.request_body
        if spec_body is None:
            return None
        if not body:
            if spec_body.required:
                raise _BadRequest("The request body is missing.", [{"field": "body", "message": "is required"}])
            return None
        content_type = request.headers.get("content-type", "")
        media = spec_body.media_for(content_type) if content_type else None
        if media is None:
            documented = " or ".join(spec_body.content) or "no body"
            raise _BadRequest(
                f"The request body must be {documented}.",
                [{"field": "Content-Type", "message": f"must be {documented}"}],
            )
        if not media.is_json:  # a body the mock does not read: taken as text, as sent
            return body.decode("utf-8", errors="replace")
        charset = _charset(content_type.split(";")[1:])
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
        if holds_lone_surrogate(payload):  # JSON can escape one; UTF-8 cannot hold it, nor can an answer
            raise _BadRequest(_SURROGATE, [{"field": "body", "message": _SURROGATE}])
        if self.breakage is not None and not self.breakage.validates_bodies:
            return payload if isinstance(payload, dict) else {}
        if self._compiled(media.schema_pointer) is None:
            return payload
        errors = sorted(self.schemas.errors(media.schema_pointer or (), payload), key=lambda e: (e.path, e.message))
        if errors:
            raise _BadRequest("The request body is invalid.", [_field_error(e) for e in errors[:10]])
        return payload

    # -- response validation -----------------------------------------------------------------------
    def check_answer(self, operation: Operation | _Served, answer: Answer) -> str | None:
        """What is wrong with an answer to operation, by its documented response; None when nothing."""
        served = self.operations[operation.pointer] if isinstance(operation, Operation) else operation
        status, body, headers = answer
        code = str(status)
        documented = served.expected
        expected = next(
            (documented[k] for k in (code, f"{code[0]}XX", f"{code[0]}xx", "default") if k in documented), None
        )
        if expected is None:
            return f"status {status} is not documented for {served.op.label}"
        if expected.required_headers:
            sent = {h.lower() for h in headers}
            for name, lowered in expected.required_headers:
                if lowered not in sent:
                    return f"header {name} is missing on {status}"
        if body is None:
            return f"{status} needs a body" if expected.json_pointer is not None or expected.others else None
        if isinstance(body, Media):
            essence = media_type_essence(body.media_type)
            if essence not in expected.others:
                return f"{essence} is not documented for {status}"
            pointer = expected.others[essence]
            problem = self.schemas.first_error(pointer, body.content) if pointer and self._compiled(pointer) else None
        elif expected.json_pointer is None:
            return f"application/json is not documented for {status}"
        elif expected.json is None or expected.json.is_valid(body):  # one call for the whole answer, in Rust
            return None
        else:
            problem = self.schemas.first_error(expected.json_pointer, body)
        return f"{'/'.join(problem.path)}: {problem.message[:200]}" if problem else None


# ASCII digits only (\d would take Arabic-Indic or fullwidth ones), the whole text (not up to a newline).
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_TOO_DEEP = f"The request body nests deeper than {MAX_DEPTH} levels."
_SURROGATE = "The request body holds a lone surrogate escape (\\ud800-\\udfff): not a character."


def _charset(parameters: list[str]) -> str | None:
    """The charset a Content-Type's parameters declare, lower case and unquoted, or None."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _schema_of(doc: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    schema = resolve(doc, param.get("schema"), ())[1]
    return schema if isinstance(schema, dict) else {}


def _items_schema(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    items = resolve(doc, schema.get("items"), ())[1]
    return items if isinstance(items, dict) else {}


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
    if not declared and "transfer-encoding" not in request.headers:
        return b""  # a request with neither has no body (RFC 9112, 6.3): nothing to wait for
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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _field_error(error: SchemaError) -> dict[str, str]:
    return {"field": error.field or "body", "message": error.message[:200]}


def create_app(doc: dict[str, Any], settings: MockSettings | None = None) -> ASGIApp:
    return MockApp(doc, settings or MockSettings()).app

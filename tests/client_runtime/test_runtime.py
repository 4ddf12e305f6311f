"""The client runtime on its own: imported from src/rstar_spec/client_runtime, bound to constants made
here, on httpx.MockTransport. Nothing is generated; the generated package's tests are tests/python_client/."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

import httpx
import pytest

from rstar_spec.python_client import unasync as runtime_sync
from rstar_spec.python_client.runtime import (
    ApiKey,
    AuthenticatedClient,
    Client,
    ETagCache,
    Password,
    RetryPolicy,
    TokenAuth,
    TokenEndpoint,
)
from rstar_spec.python_client.runtime._errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    ServerError,
    UnexpectedStatus,
    from_response,
    parse_retry_after,
)
from rstar_spec.python_client.runtime._pagination import first_offset, next_offset

ENDPOINT = TokenEndpoint(
    path="/token",
    method="POST",
    grants={"api_key": {"kind": "key", "key": "{api_key}"}, "refresh": {"kind": "refresh", "rt": "{refresh_token}"}},
    token_field="access",
    refresh_token_field="renew",
    expires_in_field="ttl",
)


class Body:
    """An error body model, as a generated one would be."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message

    @classmethod
    def from_dict(cls, data: Any) -> Body:
        return cls(data["code"], data["message"])


class Auth(TokenAuth):
    endpoint = ENDPOINT


class Api(AuthenticatedClient):
    default_base_url = "https://api.example.test/v1"
    token_auth: ClassVar[type[TokenAuth] | None] = Auth
    token_path = "/token"


class NoTokens(AuthenticatedClient):
    default_base_url = "https://api.example.test/v1"


def server(log: list[httpx.Request], answers: dict[str, list[httpx.Response]] | None = None) -> httpx.MockTransport:
    queued = answers or {}

    def handle(request: httpx.Request) -> httpx.Response:
        log.append(request)
        if queued.get(request.url.path):
            return queued[request.url.path].pop(0)
        if request.url.path == "/v1/token":
            body = json.loads(request.content)
            return httpx.Response(200, json={"access": f"t{len(log)}", "renew": "r", "ttl": 600, "x": body["kind"]})
        return httpx.Response(200, json={"seen": request.headers.get("Authorization")})

    return httpx.MockTransport(handle)


def test_the_grant_bodies_come_from_the_endpoint_s_constants() -> None:
    assert ENDPOINT.grant("api_key", {"api_key": "k"}) == {"kind": "key", "key": "k"}
    assert ENDPOINT.grant("refresh", {"refresh_token": "r"}) == {"kind": "refresh", "rt": "r"}


def test_a_bound_client_gets_its_token_from_the_bound_endpoint() -> None:
    log: list[httpx.Request] = []
    with Api(api_key="key-secret-1", transport=server(log)) as api:
        answer = api.send({"method": "get", "url": "/things"}, idempotent=True, authenticated=True)
    assert answer.json() == {"seen": "Bearer t1"}
    assert [(r.method, r.url.path) for r in log] == [("POST", "/v1/token"), ("GET", "/v1/things")]
    assert json.loads(log[0].content) == {"kind": "key", "key": "key-secret-1"}
    assert "key-secret-1" not in repr(api) and "***" in repr(api)


def test_credentials_the_endpoint_has_no_grant_for_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="issues no token for Password"):
        Api(username="u", password="p")
    with pytest.raises(ConfigurationError, match="issues no tokens"):
        NoTokens(api_key="k")
    assert NoTokens(token="t")._auth() is not None


def test_any_401_renews_once_then_raises_with_the_body_kept() -> None:
    log: list[httpx.Request] = []
    refused = httpx.Response(401, json={"code": "whatever_new", "message": "no"})
    with Api(api_key="k", transport=server(log, {"/v1/things": [refused, refused]})) as api:
        answer = api.send({"method": "get", "url": "/things"}, idempotent=True, authenticated=True)
    assert answer.status_code == 401
    assert [r.url.path for r in log] == ["/v1/token", "/v1/things", "/v1/token", "/v1/things"]
    assert json.loads(log[2].content)["kind"] == "refresh"  # the refresh token first
    error = from_response(answer, Body.from_dict)
    assert isinstance(error, AuthenticationError) and (error.reason, error.message) == ("whatever_new", "no")


def test_the_async_flow_is_the_sync_one() -> None:
    log: list[httpx.Request] = []
    api = Api(api_key="k", async_transport=server(log))

    async def run() -> Any:
        answer = await api.asend({"method": "get", "url": "/things"}, idempotent=True, authenticated=True)
        await api.aclose()
        return answer.json()

    assert asyncio.run(run()) == {"seen": "Bearer t1"}


def test_retries_follow_the_policy() -> None:
    log: list[httpx.Request] = []
    slept: list[float] = []
    busy = [httpx.Response(503, headers={"Retry-After": "3"}), httpx.Response(429, headers={"Retry-After": "1"})]
    policy = RetryPolicy(sleep=slept.append, rand=lambda: 0.0)
    with Client("https://api.example.test/v1", retry=policy, transport=server(log, {"/v1/things": busy})) as client:
        assert client.send({"method": "get", "url": "/things"}, idempotent=True, authenticated=False).status_code == 200
    assert slept == [3.0, 1.0] and len(log) == 3
    assert policy.delay_after_response(httpx.Response(503), 0, idempotent=False) is None  # a POST is not resent
    assert policy.delay_after_response(httpx.Response(429, headers={"Retry-After": "600"}), 0, idempotent=True) is None


def test_a_closed_client_is_a_configuration_error() -> None:
    with Client("https://api.example.test/v1", transport=server([])) as client:
        pass  # never used: closed all the same
    with pytest.raises(ConfigurationError, match="closed"):
        client.send({"method": "get", "url": "/x"}, idempotent=True, authenticated=False)
    given = httpx.Client(base_url="https://api.example.test/v1", transport=server([]))
    given.close()
    with pytest.raises(ConfigurationError, match="given to this client is closed"):
        Client("https://api.example.test/v1").set_httpx_client(given).send(
            {"method": "get", "url": "/x"}, idempotent=True, authenticated=False
        )


def test_no_base_url_is_said() -> None:
    with pytest.raises(ConfigurationError, match="no base_url"):
        Client()


def test_errors_by_status_and_unparseable_bodies() -> None:
    assert isinstance(
        from_response(httpx.Response(404, json={"code": "not_found", "message": "m"}), Body.from_dict), NotFoundError
    )
    html = from_response(httpx.Response(502, text="<html>bad gateway</html>"), Body.from_dict)
    assert isinstance(html, ServerError) and html.body is None and str(html) == "502: Bad Gateway"
    odd = from_response(httpx.Response(418, json={"code": "teapot", "message": "m"}), Body.from_dict)
    assert type(odd).__name__ == "APIStatusError" and odd.code == "teapot"
    assert BadRequestError(400, httpx.Headers(), b"", None).field_errors == []
    assert isinstance(UnexpectedStatus(202, httpx.Headers(), b"", None), Exception)


def test_retry_after_is_seconds_or_a_date() -> None:
    assert parse_retry_after("7") == 7.0 and parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("٣") is None  # digits of other scripts are not seconds


def test_the_etag_cache_is_bounded_and_lru() -> None:
    cache = ETagCache(2)
    cache.put("a", '"1"', b"A")
    cache.put("b", '"2"', b"B")
    assert cache.get("a") is not None
    cache.put("c", '"3"', b"C")
    assert (cache.get("b"), len(cache)) == (None, 2)
    with pytest.raises(ConfigurationError):
        ETagCache(0)


def test_pagination_stops_at_the_total_or_an_empty_page() -> None:
    assert (first_offset(object()), first_offset(40), first_offset(True)) == (0, 40, 0)
    assert next_offset(0, [1, 2], 5) == 2 and next_offset(4, [1], 5) is None and next_offset(2, [], 9) is None


def test_credentials_never_show() -> None:
    assert "secret" not in repr(ApiKey("secret")) + repr(Password("u", "secret"))
    with pytest.raises(ConfigurationError):
        ApiKey("")


def test_the_sync_flows_are_made_from_the_async_ones() -> None:
    """`rstar-spec unasync --check`: _sync/ is unasync's output of _async/, byte for byte."""
    assert runtime_sync.stale() == []
    made = runtime_sync.render_sync()
    assert "async def" not in made["_flows.py"] and "def sync_auth_flow" in made["_flows.py"]
    assert "await " not in made["_flows.py"] and "def send(" in made["_flows.py"]


def test_the_runtime_passes_ruff_and_mypy_strict_on_its_own(mypy_strict: list[str]) -> None:
    import subprocess
    import sys
    from pathlib import Path

    runtime = Path(runtime_sync.RUNTIME)
    bin_dir = Path(sys.executable).parent
    for command in (
        [str(bin_dir / "ruff"), "check", "--no-cache", str(runtime)],
        [*mypy_strict, str(runtime)],
    ):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_error_class_is_the_one_map_of_status_to_exception() -> None:
    from rstar_spec.python_client.runtime import _errors

    assert (
        _errors.error_class(404) is _errors.NotFoundError
        and _errors.error_class(503) is _errors.ServiceUnavailableError
    )
    assert _errors.error_class(504) is _errors.ServerError and _errors.error_class(418) is _errors.APIStatusError
    assert all(_errors.error_class(status) is cls for status, cls in _errors.BY_STATUS.items())
    answer = httpx.Response(409, json={"code": "conflict", "message": "taken"})
    assert type(_errors.from_response(answer)) is _errors.error_class(409)

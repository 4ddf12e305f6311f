"""The mock's behaviour, request by request (Starlette's TestClient: no network)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from conftest import RunCli, target_doc
from rstar_spec.mock import Credentials, MockApp, MockSettings, create_app

CREDS = Credentials()
API = "/api/v3"


def client(**settings: Any) -> TestClient:
    return TestClient(
        create_app(target_doc("mock"), MockSettings(credentials=CREDS, validate_responses=True, **settings))
    )


def login(api: TestClient, key: str = CREDS.api_key) -> dict[str, str]:
    answer = api.post(f"{API}/auth", json={"grant_type": "api_key", "api_key": key})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture
def api() -> TestClient:
    return client()


def test_heart_is_public_plain_text(api: TestClient) -> None:
    answer = api.get(f"{API}/heart")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "Socrates" in answer.text


@pytest.mark.parametrize(
    ("grant", "status", "code"),
    [
        ({"grant_type": "api_key", "api_key": CREDS.api_key}, 200, None),
        ({"grant_type": "api_key", "api_key": "nope"}, 401, "invalid_api_key"),
        ({"grant_type": "password", "username": CREDS.username, "password": CREDS.password}, 200, None),
        ({"grant_type": "password", "username": "who@example.com", "password": CREDS.password}, 401, "user_not_found"),
        ({"grant_type": "password", "username": CREDS.username, "password": "wrong"}, 401, "password_incorrect"),
        (
            {"grant_type": "password", "username": CREDS.username, "password": CREDS.pwned_password},
            401,
            "password_pwned",
        ),
        ({"grant_type": "refresh_token", "refresh_token": "rs_ref_unknown"}, 401, "invalid_refresh_token"),
        ({"grant_type": "magic"}, 400, "bad_request"),
        ({"grant_type": "api_key", "api_key": "k", "extra": 1}, 400, "bad_request"),
    ],
)
def test_grants(api: TestClient, grant: dict[str, Any], status: int, code: str | None) -> None:
    answer = api.post(f"{API}/auth", json=grant)
    assert answer.status_code == status
    if code:
        assert answer.json()["code"] == code
    else:
        assert answer.json()["expires_in"] == 10800 and answer.json()["token_type"] == "Bearer"


def test_refresh_token_renews_once(api: TestClient) -> None:
    first = api.post(f"{API}/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key}).json()
    renewed = api.post(f"{API}/auth", json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json()["token"] != first["token"]
    again = api.post(f"{API}/auth", json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert again.json()["code"] == "invalid_refresh_token"
    assert api.get(f"{API}/clients", headers={"Authorization": f"Bearer {renewed.json()['token']}"}).status_code == 200


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_token"),
        ({"Authorization": "Basic abc"}, "invalid_token"),
        ({"Authorization": "Bearer nope"}, "invalid_token"),
    ],
)
def test_401_reasons(api: TestClient, headers: dict[str, str], code: str) -> None:
    answer = api.get(f"{API}/clients", headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (401, code)


def test_expired_token() -> None:
    api = client(token_ttl=1)
    headers = login(api)
    assert api.get(f"{API}/clients", headers=headers).status_code == 200
    time.sleep(1.05)
    answer = api.get(f"{API}/clients", headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (401, "token_expired")


def test_read_only_key_reads_but_cannot_write(api: TestClient) -> None:
    headers = login(api, CREDS.readonly_api_key)
    assert api.get(f"{API}/clients/1", headers=headers).status_code == 200
    for answer in (
        api.post(f"{API}/clients", json={"first_name": "A", "last_name": "B"}, headers=headers),
        api.put(f"{API}/clients/1", json={"first_name": "A", "last_name": "B"}, headers=headers),
        api.delete(f"{API}/clients/1", headers=headers),
    ):
        assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
    assert api.get(f"{API}/clients/1", headers=headers).status_code == 200


def test_pagination(api: TestClient) -> None:
    headers = login(api)
    page = api.get(f"{API}/clients", params={"offset": 20, "limit": 10}, headers=headers).json()
    assert [c["id"] for c in page["data"]] == list(range(21, 31))
    assert (page["offset"], page["limit"], page["total"]) == (20, 10, 36)
    default = api.get(f"{API}/clients", headers=headers).json()
    assert (default["offset"], default["limit"], len(default["data"])) == (0, 20, 20)
    assert api.get(f"{API}/clients", params={"offset": 40}, headers=headers).json()["data"] == []
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": "x"}):
        answer = api.get(f"{API}/clients", params=bad, headers=headers)
        assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == next(iter(bad))


def test_create_location_etag_put_delete(api: TestClient) -> None:
    headers = login(api)
    created = api.post(
        f"{API}/clients", json={"first_name": "Grace", "last_name": "Hopper", "notes": "hi"}, headers=headers
    )
    assert created.status_code == 201
    location = created.headers["location"]
    assert location == f"{API}/clients/{created.json()['id']}"
    assert created.json()["created_at"].endswith("Z")
    fetched = api.get(location, headers=headers)
    etag = fetched.headers["etag"]
    not_modified = api.get(location, headers={**headers, "If-None-Match": etag})
    assert (not_modified.status_code, not_modified.content, not_modified.headers["etag"]) == (304, b"", etag)
    replaced = api.put(location, json={"first_name": "Grace", "last_name": "Murray"}, headers=headers)
    assert replaced.status_code == 200 and "notes" not in replaced.json()  # PUT replaces: what it omits is gone
    assert replaced.headers["etag"] != etag
    assert api.get(location, headers={**headers, "If-None-Match": etag}).status_code == 200  # changed since
    assert api.delete(location, headers=headers).status_code == 204
    assert api.get(location, headers=headers).json()["code"] == "not_found"
    assert api.delete(location, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("content", "content_type", "field"),
    [
        (b"{not json", "application/json", "body"),
        (b'{"first_name": "caf\xe9"}', "application/json", "body"),  # not UTF-8
        (b'{"first_name": NaN, "last_name": "x"}', "application/json", "body"),
        (b'{"first_name": 5, "last_name": "x"}', "application/json", "first_name"),
        (b'{"first_name": "a", "last_name": "b", "age": 3}', "application/json", "age"),
        (b'{"last_name": "b"}', "application/json", "first_name"),
        (b'{"first_name": "a", "last_name": "b", "date_of_birth": "12/09/1906"}', "application/json", "date_of_birth"),
        (b"[]", "application/json", "body"),
        (b"first_name=a", "application/x-www-form-urlencoded", "Content-Type"),
        (b"", "application/json", "body"),
    ],
)
def test_malformed_bodies_are_400_json(api: TestClient, content: bytes, content_type: str, field: str) -> None:
    answer = api.post(f"{API}/clients", content=content, headers={**login(api), "Content-Type": content_type})
    assert answer.status_code == 400 and answer.headers["content-type"] == "application/json"
    assert answer.json()["code"] == "bad_request"
    assert answer.json()["errors"][0]["field"] == field


def test_unknown_paths_ids_and_methods(api: TestClient) -> None:
    headers = login(api)
    assert api.get(f"{API}/nothing", headers=headers).json()["code"] == "not_found"
    assert api.get(f"{API}/clients/abc", headers=headers).json()["errors"][0]["field"] == "client_id"
    assert api.get(f"{API}/clients/999", headers=headers).status_code == 404
    for method in ("PATCH", "QUERY"):
        answer = api.request(method, f"{API}/clients", headers=headers)
        assert (answer.status_code, answer.headers["allow"], answer.json()["code"]) == (
            405,
            "GET, POST",
            "method_not_allowed",
        )


def test_routing_decodes_a_path_value_once_and_keeps_to_the_base_path(api: TestClient) -> None:
    headers = login(api)
    assert api.get(f"{API}/clients/%31", headers=headers).json()["id"] == 1
    assert api.get(f"{API}/clients/%2531", headers=headers).json()["errors"][0]["field"] == "client_id"
    assert api.get("/clients/1", headers=headers).json()["code"] == "not_found"
    slashed = api.get(f"{API}/clients/", headers=headers, follow_redirects=False)  # no undocumented 307 (issue 22)
    assert (slashed.status_code, slashed.json()["code"], "location" in slashed.headers) == (404, "not_found", False)


def test_rate_limit_and_fail_every() -> None:
    api = client(rate_limit=3)
    headers = login(api)
    statuses = [api.get(f"{API}/clients/1", headers=headers) for _ in range(5)]
    assert [a.status_code for a in statuses] == [200, 200, 200, 429, 429]
    assert statuses[-1].headers["retry-after"] == "1" and statuses[-1].json()["code"] == "rate_limited"
    flaky = client(fail_every=3)
    answers = [flaky.get(f"{API}/heart") for _ in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 503, 200, 200, 503]
    assert answers[2].json()["code"] == "service_unavailable" and answers[2].headers["retry-after"] == "1"


def test_concurrent_creates_get_distinct_ids() -> None:
    api = client()
    headers = login(api)

    def create(i: int) -> int:
        return api.post(f"{API}/clients", json={"first_name": f"N{i}", "last_name": "C"}, headers=headers).json()["id"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    assert api.get(f"{API}/clients", params={"limit": 100}, headers=headers).json()["total"] == 76


def test_response_validation_reports_a_wrong_answer() -> None:
    mock = MockApp(target_doc("mock"), MockSettings(credentials=CREDS))
    operation = mock.view.by_id("get_client")
    assert operation is not None
    ok = {
        "id": 1,
        "first_name": "A",
        "last_name": "B",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    assert mock.check_answer(operation, (200, ok, {"ETag": '"x"'})) is None
    assert "header ETag is missing" in mock.check_answer(operation, (200, ok, {}))
    assert "status 201 is not documented" in mock.check_answer(operation, (201, ok, {"ETag": '"x"'}))
    bad = {**ok, "created_at": "2026-01-01T00:00:00+00:00"}
    assert "created_at" in mock.check_answer(operation, (200, bad, {"ETag": '"x"'}))


def test_credentials_from_the_environment_and_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSTAR_MOCK_API_KEY", "secret-key-123")
    creds = Credentials.from_env()
    assert creds.api_key == "secret-key-123" and "secret-key-123" not in repr(creds)
    assert "secret-key-123" not in repr(MockSettings(credentials=creds))


def test_cli_refuses_bad_flags_in_one_line(run_cli: RunCli) -> None:
    for args, message in (
        (["mock", "--rate-limit", "0"], "must be at least 1"),
        (["mock", "--port", "x"], "invalid int value"),
    ):
        code, out, err = run_cli(*args)
        assert code == 2 and out == "" and len(err.splitlines()) == 1 and message in err


def test_listening_socket_says_tcp_so_answers_are_not_delayed() -> None:
    """With proto 0 asyncio leaves Nagle on, and every answer waited 44 ms for the client's delayed ACK."""
    import socket

    from rstar_spec.core.serve import listen

    sock = listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_an_answer_leaves_in_one_send_and_before_a_close() -> None:
    """uvicorn writes an answer's head and body apart: the server's transport joins what one turn of the loop
    writes (one system call, not two), and sends it before it closes."""
    from rstar_spec.core.serve import _CoalescedWrites

    class Transport:
        def __init__(self) -> None:
            self.sent: list[bytes] = []
            self.closed = False

        def write(self, data: bytes) -> None:
            self.sent.append(data)

        def is_closing(self) -> bool:
            return self.closed

        def close(self) -> None:
            self.closed = True

        def get_extra_info(self, name: str) -> str:
            return f"info {name}"

    async def answer() -> tuple[list[bytes], list[bytes], str]:
        transport = Transport()
        joined = _CoalescedWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
        joined.write(b"{}")
        joined.write(b"")
        await asyncio.sleep(0)  # the turn ends
        first = list(transport.sent)
        joined.write(b"last")
        joined.close()
        return first, transport.sent[len(first) :], joined.get_extra_info("peername")

    first, closing, info = asyncio.run(answer())
    assert first == [b"HTTP/1.1 200 OK\r\n\r\n{}"] and closing == [b"last"] and info == "info peername"


# -- hostile requests (issue 22) ----------------------------------------------------------------------------

SURROGATE = b'"\\ud800"'  # a lone surrogate, escaped: valid JSON text, not a string UTF-8 can hold


def _all_clients(api: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = api.get(f"{API}/clients", params={"limit": 100}, headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


@pytest.mark.parametrize(
    "body",
    [
        b'{"first_name": ' + SURROGATE + b', "last_name": "B"}',
        b'{"first_name": "A", "last_name": "B", "notes": "x' + SURROGATE[1:],
        b'{"first_name": "A", "last_name": "B", ' + SURROGATE + b": 1}",
    ],
)
def test_a_lone_surrogate_in_a_body_is_a_400_and_nothing_is_stored(api: TestClient, body: bytes) -> None:
    headers = login(api)
    before = _all_clients(api, headers)
    json_headers = {**headers, "Content-Type": "application/json"}
    for answer in (
        api.post(f"{API}/clients", content=body, headers=json_headers),
        api.put(f"{API}/clients/1", content=body, headers=json_headers),
    ):
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == "bad_request"
    assert _all_clients(api, headers) == before
    assert api.get(f"{API}/clients/1", headers=headers).status_code == 200


def test_a_lone_surrogate_in_a_grant_is_a_400(api: TestClient) -> None:
    body = b'{"grant_type": "api_key", "api_key": ' + SURROGATE + b"}"
    answer = api.post(f"{API}/auth", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["code"] == "bad_request", answer.text


def test_two_authorization_headers_are_a_400(api: TestClient) -> None:
    good = login(api)["Authorization"]
    for pair in ([good, "Bearer nope"], ["Bearer nope", good], [good, good]):
        answer = api.get(f"{API}/clients", headers=[("Authorization", value) for value in pair])
        assert answer.status_code == 400 and answer.json()["code"] == "bad_request", answer.text


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/clients/1/", "not_found"),
        ("/clients/", "not_found"),
        ("/heart/", "not_found"),
        ("/clients/1%2f", "bad_request"),  # one path segment whose value is "1/": not an integer
        ("/clients/1%2F", "bad_request"),
    ],
)
def test_a_trailing_slash_is_a_documented_error_not_a_redirect(api: TestClient, path: str, code: str) -> None:
    answer = api.get(f"{API}{path}", headers=login(api), follow_redirects=False)
    assert answer.status_code == {"not_found": 404, "bad_request": 400}[code], answer.text
    assert answer.json()["code"] == code and "location" not in answer.headers


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "UTF-32", "nonsense"])
def test_a_body_declared_in_another_charset_is_a_400(api: TestClient, charset: str) -> None:
    headers = {**login(api), "Content-Type": f"application/json; charset={charset}"}
    answer = api.post(f"{API}/clients", content=b'{"first_name": "A", "last_name": "B"}', headers=headers)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_request", answer.text
    for fine in ("utf-8", "UTF-8", '"utf-8"'):
        headers["Content-Type"] = f"application/json; charset={fine}"
        answer = api.post(f"{API}/clients", content=b'{"first_name": "A", "last_name": "B"}', headers=headers)
        assert answer.status_code == 201, answer.text


def test_a_client_that_disconnects_mid_body_raises_nothing_out_of_the_app() -> None:
    """What uvicorn logs as "Exception in ASGI application" is an exception out of the app: there must be none."""
    app = create_app(target_doc("mock"), MockSettings(credentials=CREDS))
    messages = iter([
        {"type": "http.request", "body": b'{"grant_', "more_body": True},
        {"type": "http.disconnect"},
    ])  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": f"{API}/auth", "raw_path": f"{API}/auth".encode(), "root_path": "", "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert sent and sent[0]["type"] == "http.response.start"


def test_the_mock_serves_and_checks_a_3_0_document() -> None:
    from rstar_spec.publish.downconvert import downconvert

    doc = downconvert(target_doc("mock"))[0]
    assert doc["openapi"].startswith("3.0")
    api = TestClient(create_app(doc, MockSettings(credentials=CREDS, validate_responses=True)))
    headers = login(api)
    assert api.get(f"{API}/clients", headers=headers).status_code == 200  # its own answer passed the 3.0 schemas
    created = api.post(f"{API}/clients", headers=headers, json={"first_name": "Ada", "last_name": "Lovelace"})
    assert created.status_code == 201, created.text
    refused = api.post(f"{API}/clients", headers=headers, json={"first_name": 5, "last_name": "Lovelace"})
    assert refused.status_code == 400

"""A scripted Reception Star API behind httpx.MockTransport, for the generated client's unit tests.

By default it behaves like the API: POST /auth issues tokens for the right key,
other operations want a current bearer token, /clients pages through `clients`,
GET /clients/{id} answers an ETag and 304s. `script(method, path, *answers)`
queues answers (httpx.Response, an exception to raise, or a callable of the
request) that take precedence, one per request, in order.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from reception_star import AuthenticatedClient, Client, RetryPolicy

BASE = "https://api.test/api/v3"
API_KEY = "sk-test-3f9a1c"  # what the fake accepts; the tests look for it in repr and logs
PASSWORD = "pw-test-8d2e"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def error(
    status: int, code: str, message: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message or code, **extra}, headers=headers)


def record(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": i,
        "first_name": f"First{i}",
        "last_name": f"Last{i}",
        "created_at": "2026-01-15T09:30:00Z",
        "updated_at": "2026-01-15T09:30:00Z",
        **fields,
    }


class FakeAPI:
    def __init__(self, clients: int = 45, expires_in: int = 10800, auth_delay: float = 0.0) -> None:
        self.clients = [record(i) for i in range(1, clients + 1)]
        self.expires_in = expires_in
        self.auth_delay = auth_delay  # lets concurrent requests pile up behind one renewal
        self.requests: list[httpx.Request] = []
        self.tokens: dict[str, str] = {}  # token -> refresh token
        self.refresh_tokens: set[str] = set()
        self.scripted: dict[tuple[str, str], list[Answer]] = {}
        self._lock = threading.Lock()
        self._issued = 0

    # -- scripting and inspection -------------------------------------------------------
    def script(self, method: str, path: str, *answers: Answer) -> None:
        self.scripted.setdefault((method, path), []).extend(answers)

    def sent(self, method: str | None = None, path: str | None = None) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or r.url.path == "/api/v3" + path)
        ]

    def grants(self) -> list[str]:
        return [json.loads(r.content)["grant_type"] for r in self.sent("POST", "/auth")]

    def expire_all_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    # -- the API ----------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.auth_delay and request.url.path.endswith("/auth"):
            time.sleep(self.auth_delay)
        return self._dispatch(request)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        if self.auth_delay and request.url.path.endswith("/auth"):
            await asyncio.sleep(self.auth_delay)
        return self._dispatch(request)

    def _dispatch(self, request: httpx.Request) -> httpx.Response:
        # A copy: the client sends the same Request object again after a 401, with a new header.
        snapshot = httpx.Request(
            request.method,
            request.url,
            headers=request.headers.copy(),
            content=request.read(),
            extensions=dict(request.extensions),
        )
        with self._lock:
            self.requests.append(snapshot)
            path = request.url.path.removeprefix("/api/v3")
            queued = self.scripted.get((request.method, path))
            answer = queued.pop(0) if queued else None
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        if answer is not None:
            return answer(request)
        if path == "/auth" and request.method == "POST":
            return self._auth(json.loads(request.content))
        if path == "/heart":
            return httpx.Response(200, text="The only true wisdom is in knowing you know nothing.")
        authorization = request.headers.get("Authorization", "")
        if not authorization.startswith("Bearer "):
            return error(401, "missing_token")
        with self._lock:
            known = authorization.removeprefix("Bearer ") in self.tokens
        if not known:
            return error(401, "token_expired")
        return self._clients(request, path)

    def _auth(self, body: dict[str, Any]) -> httpx.Response:
        grant = body.get("grant_type")
        with self._lock:
            if grant == "api_key" and body.get("api_key") != API_KEY:
                return error(401, "invalid_api_key", "The API key is not valid.")
            if grant == "password" and body.get("password") != PASSWORD:
                return error(401, "password_incorrect")
            if grant == "refresh_token":
                if body.get("refresh_token") not in self.refresh_tokens:
                    return error(401, "invalid_refresh_token")
                self.refresh_tokens.discard(body["refresh_token"])
            self._issued += 1
            token, refresh = f"tok-{self._issued}", f"ref-{self._issued}"
            self.tokens[token] = refresh
            self.refresh_tokens.add(refresh)
        answer = {"token": token, "refresh_token": refresh, "expires_in": self.expires_in, "token_type": "Bearer"}
        return httpx.Response(200, json=answer)

    def _clients(self, request: httpx.Request, path: str) -> httpx.Response:
        if path == "/clients" and request.method == "GET":
            offset = int(request.url.params.get("offset", 0))
            limit = int(request.url.params.get("limit", 20))
            page = self.clients[offset : offset + limit]
            return httpx.Response(
                200, json={"data": page, "offset": offset, "limit": limit, "total": len(self.clients)}
            )
        if path == "/clients" and request.method == "POST":
            fields = json.loads(request.content)
            created = record(len(self.clients) + 1, **fields)
            self.clients.append(created)
            return httpx.Response(201, json=created, headers={"Location": f"/api/v3/clients/{created['id']}"})
        client_id = int(path.rsplit("/", 1)[1])
        found = next((c for c in self.clients if c["id"] == client_id), None)
        if found is None:
            return error(404, "not_found", f"No client has id {client_id}.")
        if request.method == "DELETE":
            self.clients.remove(found)
            return httpx.Response(204)
        if request.method == "PUT":  # replaces every writable field
            replaced = record(client_id, **json.loads(request.content))
            self.clients[self.clients.index(found)] = replaced
            return httpx.Response(200, json=replaced)
        etag = f'"{client_id}-{found["last_name"]}"'
        if request.headers.get("If-None-Match") == etag:
            return httpx.Response(304, headers={"ETag": etag})
        return httpx.Response(200, json=found, headers={"ETag": etag})


class Sleeps(list[float]):
    """RetryPolicy's sleep, recorded instead of slept."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def api() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(api: FakeAPI, sleeps: Sleeps) -> Iterator[Callable[..., AuthenticatedClient]]:
    """An AuthenticatedClient (or Client with public=True) on the fake API; retries sleep into `sleeps`."""
    made: list[Client] = []

    def make(public: bool = False, retry: RetryPolicy | None = None, **options: Any) -> Any:
        options.setdefault("transport", httpx.MockTransport(api.handle))
        options.setdefault("async_transport", httpx.MockTransport(api.ahandle))
        retry = retry or RetryPolicy(sleep=sleeps, async_sleep=sleeps.asleep, rand=lambda: 0.0)
        if public:
            client: Client = Client(BASE, retry=retry, **options)
        else:
            if not {"api_key", "username", "token", "auth"} & options.keys():
                options["api_key"] = API_KEY
            client = AuthenticatedClient(base_url=BASE, retry=retry, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()

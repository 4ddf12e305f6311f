"""The generated client's token lifecycle: obtain, send, renew before expiry, renew after a 401, once."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from reception_star import ApiKey, AuthenticatedClient, Client, TokenAuth, errors
from reception_star.api.clients import get_client, list_clients
from reception_star.api.health import get_heart

from python_client.fakeapi import API_KEY, BASE, PASSWORD, FakeAPI, error

MakeClient = Callable[..., Any]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_first_request_gets_a_token_with_the_api_key_and_sends_it(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client()
    assert get_client.sync(1, client=client).id == 1
    (auth,) = api.sent("POST", "/auth")
    assert json.loads(auth.content) == {"grant_type": "api_key", "api_key": API_KEY}
    assert api.sent("GET", "/clients/1")[0].headers["Authorization"] == "Bearer tok-1"
    get_client.sync(2, client=client)
    assert len(api.sent("POST", "/auth")) == 1  # the token is reused


def test_password_credentials_use_the_password_grant(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client(username="reception@example.com", password=PASSWORD)
    get_client.sync(1, client=client)
    body = json.loads(api.sent("POST", "/auth")[0].content)
    assert body == {"grant_type": "password", "username": "reception@example.com", "password": PASSWORD}


def test_token_is_refreshed_with_the_refresh_token_before_it_expires(api: FakeAPI, make_client: MakeClient) -> None:
    clock = Clock()
    api.expires_in = 600
    client = make_client(auth=TokenAuth(ApiKey(API_KEY), f"{BASE}/auth", refresh_margin=60, clock=clock))
    get_client.sync(1, client=client)
    clock.now += 600 - 61  # a second before the margin: still good
    get_client.sync(1, client=client)
    assert api.grants() == ["api_key"]
    clock.now += 2  # inside the last 60 s: renewed before the request, with the refresh token
    get_client.sync(1, client=client)
    assert api.grants() == ["api_key", "refresh_token"]
    assert json.loads(api.sent("POST", "/auth")[1].content)["refresh_token"] == "ref-1"
    assert api.sent("GET", "/clients/1")[-1].headers["Authorization"] == "Bearer tok-2"


def test_margin_is_at_most_half_a_short_lifetime(api: FakeAPI, make_client: MakeClient) -> None:
    clock = Clock()
    api.expires_in = 30
    client = make_client(auth=TokenAuth(ApiKey(API_KEY), f"{BASE}/auth", clock=clock))
    get_client.sync(1, client=client)
    clock.now += 14
    get_client.sync(1, client=client)
    clock.now += 1
    get_client.sync(1, client=client)
    assert api.grants() == ["api_key", "refresh_token"]


def test_a_refused_refresh_token_falls_back_to_the_credentials(api: FakeAPI, make_client: MakeClient) -> None:
    clock = Clock()
    client = make_client(auth=TokenAuth(ApiKey(API_KEY), f"{BASE}/auth", clock=clock))
    get_client.sync(1, client=client)
    api.refresh_tokens.clear()
    clock.now += 10800
    assert get_client.sync(1, client=client).id == 1
    assert api.grants() == ["api_key", "refresh_token", "api_key"]


@pytest.mark.parametrize("code", ["token_expired", "invalid_token", "missing_token", "unauthorized", "session_revoked"])
def test_any_401_renews_once_and_replays(api: FakeAPI, make_client: MakeClient, code: str) -> None:
    client = make_client()
    get_client.sync(1, client=client)
    api.script("GET", "/clients/2", error(401, code))
    assert get_client.sync(2, client=client).id == 2
    assert api.grants() == ["api_key", "refresh_token"]
    first, replay = api.sent("GET", "/clients/2")
    assert (first.headers["Authorization"], replay.headers["Authorization"]) == ("Bearer tok-1", "Bearer tok-2")


def test_a_second_401_is_raised_not_looped(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client()
    api.script("GET", "/clients/1", error(401, "token_expired"), error(401, "token_expired"))
    with pytest.raises(errors.AuthenticationError) as caught:
        get_client.sync(1, client=client)
    assert caught.value.reason == "token_expired"
    assert len(api.sent("GET", "/clients/1")) == 2
    assert api.grants() == ["api_key", "refresh_token"]


def test_a_401_with_an_unknown_code_keeps_code_message_and_errors(api: FakeAPI, make_client: MakeClient) -> None:
    """The reason codes are an open list: a code the spec does not name is kept, with its body."""
    client = make_client()
    revoked = {"message": "Signed out elsewhere.", "errors": [{"field": "token", "message": "revoked"}]}
    api.script("GET", "/clients/1", error(401, "session_revoked", **revoked), error(401, "session_revoked", **revoked))
    with pytest.raises(errors.AuthenticationError) as caught:
        get_client.sync(1, client=client)
    exc = caught.value
    assert (exc.reason, exc.message) == ("session_revoked", "Signed out elsewhere.")
    assert str(exc) == "401 session_revoked: Signed out elsewhere."
    assert [(e.field, e.message) for e in exc.body.errors] == [("token", "revoked")]
    assert api.grants() == ["api_key", "refresh_token"]  # renewed once, then raised


def test_a_wrong_api_key_raises_authentication_error_with_its_reason(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client(api_key="sk-wrong")
    with pytest.raises(errors.AuthenticationError) as caught:
        get_client.sync(1, client=client)
    assert (caught.value.status_code, caught.value.reason) == (401, "invalid_api_key")
    assert "sk-wrong" not in str(caught.value) and "sk-wrong" not in repr(caught.value)
    assert api.sent("GET", "/clients/1") == []  # nothing sent without a token


def test_concurrent_threads_share_one_renewal(make_client: MakeClient) -> None:
    api = FakeAPI(auth_delay=0.05)
    client = make_client(transport=httpx.MockTransport(api.handle))
    barrier = threading.Barrier(8)
    results: list[int] = []

    def worker(i: int) -> None:
        barrier.wait()
        results.append(get_client.sync(i, client=client).id)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 9))
    assert api.grants() == ["api_key"]


def test_concurrent_tasks_share_one_token_and_one_renewal_after_401(make_client: MakeClient) -> None:
    api = FakeAPI(auth_delay=0.05)
    client = make_client(async_transport=httpx.MockTransport(api.ahandle))

    async def run() -> list[int]:
        first = await asyncio.gather(*(get_client.asyncio(i, client=client) for i in range(1, 9)))
        api.expire_all_tokens()  # every task's next request is answered 401 token_expired
        second = await asyncio.gather(*(get_client.asyncio(i, client=client) for i in range(1, 9)))
        await client.aclose()
        return [r.id for r in first + second]

    assert sorted(asyncio.run(run())) == sorted(list(range(1, 9)) * 2)
    assert api.grants() == ["api_key", "refresh_token"]


def test_async_flow_renews_before_expiry_too(api: FakeAPI, make_client: MakeClient) -> None:
    clock = Clock()
    client = make_client(auth=TokenAuth(ApiKey(API_KEY), f"{BASE}/auth", clock=clock))

    async def run() -> None:
        await get_client.asyncio(1, client=client)
        clock.now += 10800
        await get_client.asyncio(1, client=client)
        await client.aclose()

    asyncio.run(run())
    assert api.grants() == ["api_key", "refresh_token"]


def test_a_static_token_is_sent_as_is_and_never_renewed(api: FakeAPI, make_client: MakeClient) -> None:
    api.tokens["tok-given"] = ""
    client = make_client(token="tok-given")
    assert get_client.sync(1, client=client).id == 1
    assert api.sent("POST", "/auth") == []
    assert api.sent("GET", "/clients/1")[0].headers["Authorization"] == "Bearer tok-given"


def test_public_operations_send_no_token(api: FakeAPI, make_client: MakeClient) -> None:
    for client in (make_client(), make_client(public=True)):
        assert get_heart.sync(client=client).startswith("The only true wisdom")
    assert api.sent("POST", "/auth") == []
    assert all("Authorization" not in r.headers for r in api.sent("GET", "/heart"))


def test_credentials_come_from_the_environment_or_are_refused(
    api: FakeAPI, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RSTAR_API_KEY", API_KEY)
    client = make_client(auth=None, api_key=None)
    assert list_clients.sync(client=client, limit=1).total == 45
    monkeypatch.delenv("RSTAR_API_KEY")
    keyless = AuthenticatedClient(base_url=BASE)  # made: only an operation that needs a token says what is missing
    with pytest.raises(errors.ConfigurationError, match="RSTAR_API_KEY"):
        list_clients.sync(client=keyless)
    with pytest.raises(errors.ConfigurationError, match="not api_key and token"):
        AuthenticatedClient(api_key="a", token="b")


def test_secured_operations_are_typed_for_an_authenticated_client(api: FakeAPI, make_client: MakeClient) -> None:
    # A plain Client has no token: the API answers 401 missing_token (mypy would refuse the call too).
    with pytest.raises(errors.AuthenticationError, match="missing_token"):
        get_client.sync(1, client=make_client(public=True))  # type: ignore[arg-type]
    assert isinstance(make_client(), Client)

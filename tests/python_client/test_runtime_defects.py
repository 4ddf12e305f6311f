"""The defects found when the client was tried as a new user would, each pinned by a test that failed
before the runtime became plain Python (issue: the client's runtime as real Python)."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from reception_star import AsyncReceptionStar, RetryPolicy, errors
from reception_star.api.clients import get_client
from reception_star.models import ApiKeyGrant, PasswordGrant, RefreshTokenGrant, Token

from conftest import ROOT
from python_client.fakeapi import API_KEY, FakeAPI, error
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.overlay.pipeline import build_target

MakeClient = Callable[..., Any]
CREDS = Credentials()


def test_the_token_and_grant_models_keep_their_secrets_out_of_repr() -> None:
    shown = " ".join(
        repr(model)
        for model in (
            Token(token="tok-secret", refresh_token="ref-secret", expires_in=10800, token_type="Bearer"),
            ApiKeyGrant(grant_type="api_key", api_key="key-secret"),
            PasswordGrant(grant_type="password", username="reception@example.com", password="pw-secret"),
            RefreshTokenGrant(grant_type="refresh_token", refresh_token="ref-secret"),
        )
    )
    assert not [s for s in ("tok-secret", "ref-secret", "key-secret", "pw-secret") if s in shown], shown
    assert "expires_in=10800" in shown and "reception@example.com" in shown  # the rest is still shown


def test_a_token_request_that_gets_no_answer_keeps_no_trace_of_the_api_key(
    api: FakeAPI, make_client: MakeClient
) -> None:
    api.script("POST", "/auth", httpx.ReadError("reset by peer"))
    with pytest.raises(errors.APIConnectionError) as caught:
        get_client.sync(1, client=make_client(retry=RetryPolicy(max_retries=0)))
    chain, seen = [], caught.value
    while seen is not None:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    assert chain == [caught.value], chain  # neither __cause__ nor __context__: httpx's error held the request
    assert API_KEY not in "".join(traceback.format_exception(caught.value)) and API_KEY not in repr(caught.value)


def test_a_refresh_that_gets_a_503_keeps_the_refresh_token(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client(retry=RetryPolicy(max_retries=0))
    get_client.sync(1, client=client)
    api.expire_all_tokens()  # the next request is answered 401, and the client refreshes
    api.script("POST", "/auth", error(503, "service_unavailable"))
    with pytest.raises(errors.ServiceUnavailableError):
        get_client.sync(1, client=client)
    assert get_client.sync(1, client=client).id == 1
    assert api.grants() == ["api_key", "refresh_token", "refresh_token"]  # no second credential grant


def test_a_closed_client_says_so_as_a_reception_star_error(make_client: MakeClient) -> None:
    with make_client() as client:
        get_client.sync(1, client=client)
    with pytest.raises(errors.ConfigurationError, match="closed"):
        get_client.sync(1, client=client)

    async def after_aclose() -> None:
        await get_client.asyncio(1, client=client)
        await client.aclose()
        await get_client.asyncio(1, client=client)

    with pytest.raises(errors.ConfigurationError, match="closed"):
        asyncio.run(after_aclose())


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    doc = build_target(ROOT / "spec" / "openapi.yaml", "mock", ROOT / "overlays")
    with running_mock(doc, MockSettings(credentials=CREDS)) as base_url:
        yield base_url


def test_the_async_facade_works_across_event_loops(mock_url: str) -> None:
    """Two asyncio.run() calls with one client: real connections (the mock over HTTP), each loop its own pool."""
    api = AsyncReceptionStar(CREDS.api_key, base_url=mock_url)

    async def one(client_id: int) -> int:
        return (await api.clients.retrieve(client_id)).id

    assert [asyncio.run(one(1)), asyncio.run(one(2)), asyncio.run(one(3))] == [1, 2, 3]

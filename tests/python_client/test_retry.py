"""The generated client's retries: which answers and errors, which methods, how long it waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from reception_star import RetryPolicy, errors
from reception_star.api.clients import create_client, delete_client, get_client
from reception_star.models import ClientInput

from python_client.fakeapi import FakeAPI, Sleeps, error

MakeClient = Callable[..., Any]
NEW = ClientInput(first_name="Ada", last_name="Lovelace")


def test_429_waits_retry_after_then_succeeds(api: FakeAPI, make_client: MakeClient, sleeps: Sleeps) -> None:
    api.script("GET", "/clients/1", error(429, "rate_limited", headers={"Retry-After": "3"}))
    assert get_client.sync(1, client=make_client()).id == 1
    assert sleeps == [3.0]
    assert len(api.sent("GET", "/clients/1")) == 2


def test_429_on_post_is_retried_the_api_did_not_act_on_it(
    api: FakeAPI, make_client: MakeClient, sleeps: Sleeps
) -> None:
    api.script("POST", "/clients", error(429, "rate_limited", headers={"Retry-After": "1"}))
    assert create_client.sync(client=make_client(), body=NEW).first_name == "Ada"
    assert len(api.sent("POST", "/clients")) == 2 and sleeps == [1.0]


def test_retry_after_as_an_http_date(api: FakeAPI, make_client: MakeClient, sleeps: Sleeps) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    api.script("GET", "/clients/1", error(429, "rate_limited", headers={"Retry-After": when}))
    get_client.sync(1, client=make_client())
    assert len(sleeps) == 1 and 17 <= sleeps[0] <= 20


def test_a_retry_after_beyond_the_cap_is_raised_not_waited(
    api: FakeAPI, make_client: MakeClient, sleeps: Sleeps
) -> None:
    api.script("GET", "/clients/1", error(429, "rate_limited", headers={"Retry-After": "120"}))
    with pytest.raises(errors.RateLimitedError) as caught:
        get_client.sync(1, client=make_client())
    assert caught.value.retry_after == 120.0 and sleeps == []


def test_503_on_post_is_not_retried(api: FakeAPI, make_client: MakeClient, sleeps: Sleeps) -> None:
    api.script("POST", "/clients", error(503, "service_unavailable", headers={"Retry-After": "1"}))
    with pytest.raises(errors.ServiceUnavailableError) as caught:
        create_client.sync(client=make_client(), body=NEW)
    assert caught.value.retry_after == 1.0
    assert len(api.sent("POST", "/clients")) == 1 and sleeps == []


@pytest.mark.parametrize("status", [502, 503])
def test_502_and_503_on_idempotent_methods_are_retried(
    api: FakeAPI, make_client: MakeClient, sleeps: Sleeps, status: int
) -> None:
    api.script("DELETE", "/clients/3", error(status, "bad_gateway"))
    delete_client.sync(3, client=make_client())
    assert len(api.sent("DELETE", "/clients/3")) == 2 and sleeps == [0.5]


def test_502_on_post_is_not_retried(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("POST", "/clients", error(502, "bad_gateway"))
    with pytest.raises(errors.BadGatewayError):
        create_client.sync(client=make_client(), body=NEW)
    assert len(api.sent("POST", "/clients")) == 1


def test_at_most_max_retries_then_the_error(api: FakeAPI, make_client: MakeClient, sleeps: Sleeps) -> None:
    api.script("GET", "/clients/1", *[error(503, "service_unavailable") for _ in range(5)])
    with pytest.raises(errors.ServiceUnavailableError):
        get_client.sync(1, client=make_client())
    assert len(api.sent("GET", "/clients/1")) == 3  # the request and 2 retries
    assert sleeps == [0.5, 1.0]


def test_backoff_doubles_up_to_the_cap_with_jitter_below_it() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=4.0, jitter=0.25, rand=lambda: 0.0)
    assert [policy.backoff(n) for n in range(6)] == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
    jittered = RetryPolicy(backoff_base=1.0, backoff_cap=4.0, jitter=0.25, rand=lambda: 1.0)
    assert [jittered.backoff(n) for n in range(4)] == [0.75, 1.5, 3.0, 3.0]


def test_the_backoff_cap_applies_to_real_retries(api: FakeAPI, make_client: MakeClient, sleeps: Sleeps) -> None:
    retry = RetryPolicy(max_retries=5, backoff_base=1.0, backoff_cap=3.0, sleep=sleeps, rand=lambda: 0.0)
    api.script("GET", "/clients/1", *[error(502, "bad_gateway") for _ in range(5)])
    assert get_client.sync(1, client=make_client(retry=retry)).id == 1
    assert sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_no_retries_when_max_retries_is_zero(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("GET", "/clients/1", error(429, "rate_limited", headers={"Retry-After": "1"}))
    with pytest.raises(errors.RateLimitedError):
        get_client.sync(1, client=make_client(retry=RetryPolicy(max_retries=0)))


def test_a_connection_that_never_opened_is_retried_even_for_post(
    api: FakeAPI, make_client: MakeClient, sleeps: Sleeps
) -> None:
    api.script("POST", "/clients", httpx.ConnectError("refused"))
    assert create_client.sync(client=make_client(), body=NEW).last_name == "Lovelace"
    assert sleeps == [0.5]


def test_a_post_that_may_have_arrived_is_not_sent_again(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("POST", "/clients", httpx.ReadError("connection reset"))
    with pytest.raises(errors.APIConnectionError) as caught:
        create_client.sync(client=make_client(), body=NEW)
    assert str(caught.value) == "ReadError: connection reset"  # httpx's error is named, not kept (its request is)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert len(api.sent("POST", "/clients")) == 1


def test_a_broken_get_is_retried_and_a_timeout_is_an_api_timeout_error(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("GET", "/clients/1", httpx.ReadError("reset"))
    assert get_client.sync(1, client=make_client()).id == 1
    api.script("GET", "/clients/2", *[httpx.ReadTimeout("slow") for _ in range(3)])
    with pytest.raises(errors.APITimeoutError):
        get_client.sync(2, client=make_client())
    assert len(api.sent("GET", "/clients/2")) == 3


def test_async_retries_sleep_asynchronously(api: FakeAPI, make_client: MakeClient, sleeps: Sleeps) -> None:
    api.script("GET", "/clients/1", error(429, "rate_limited", headers={"Retry-After": "2"}))
    client = make_client()

    async def run() -> int:
        record = await get_client.asyncio(1, client=client)
        await client.aclose()
        return record.id

    assert asyncio.run(run()) == 1 and sleeps == [2.0]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5", 5.0), (" 0 ", 0.0), ("soon", None), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_parsing(value: str | None, seconds: float | None) -> None:
    assert errors.parse_retry_after(value) == seconds


@pytest.mark.parametrize("status", [429, 503])
def test_a_rate_limited_token_request_is_retried(
    api: FakeAPI, make_client: MakeClient, sleeps: Sleeps, status: int
) -> None:
    api.script("POST", "/auth", error(status, "rate_limited", headers={"Retry-After": "2"}))
    assert get_client.sync(1, client=make_client()).id == 1
    assert sleeps == [2.0] and api.grants() == ["api_key", "api_key"]


def test_an_async_client_works_across_event_loops(make_client: MakeClient) -> None:
    api = FakeAPI(auth_delay=0.02)  # the token request takes a while: the other tasks wait on the lock
    client = make_client()

    async def burst() -> list[int]:
        found = await asyncio.gather(*(get_client.asyncio(i, client=client) for i in (1, 2, 3)))
        api.expire_all_tokens()  # the next burst contends for the lock in a new loop
        return [r.id for r in found]

    # httpx's AsyncClient holds connections of one loop: a fresh one per asyncio.run, as a script would.
    for _ in range(2):
        client.set_async_httpx_client(
            httpx.AsyncClient(base_url=client.base_url, transport=httpx.MockTransport(api.ahandle))
        )
        assert asyncio.run(burst()) == [1, 2, 3]

"""The generated client's pagination, typed errors and conditional GETs."""

from __future__ import annotations

import asyncio
import gc
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from reception_star import RetryPolicy, errors
from reception_star.api import AsyncClients, Clients
from reception_star.api.clients import create_client, delete_client, get_client, list_clients
from reception_star.models import ClientInput, ClientRecord, Error, FieldError

from python_client.fakeapi import FakeAPI, error, record

MakeClient = Callable[..., Any]


def offsets(api: FakeAPI) -> list[int]:
    return [int(r.url.params["offset"]) for r in api.sent("GET", "/clients")]


# -- pagination (one list surface: the resource's list(), a page that iterates over every item) ----------


def test_items_cross_pages_and_stop_at_total(api: FakeAPI, make_client: MakeClient) -> None:
    ids = [r.id for r in Clients(make_client()).list(limit=20)]
    assert ids == list(range(1, 46))
    assert offsets(api) == [0, 20, 40]


def test_pages_are_fetched_lazily(api: FakeAPI, make_client: MakeClient) -> None:
    first = list(itertools.islice(Clients(make_client()).list(limit=10), 5))
    assert [r.id for r in first] == [1, 2, 3, 4, 5]
    assert offsets(api) == [0]


def test_an_empty_page_ends_the_iteration_whatever_total_says(api: FakeAPI, make_client: MakeClient) -> None:
    api.script(
        "GET",
        "/clients",
        lambda request: httpx.Response(200, json={"data": [record(1)], "offset": 0, "limit": 1, "total": 50}),
    )
    api.script("GET", "/clients", httpx.Response(200, json={"data": [], "offset": 1, "limit": 1, "total": 50}))
    pages = list(Clients(make_client()).list(limit=1).iter_pages())
    assert [len(p.data) for p in pages] == [1, 0]
    assert offsets(api) == [0, 1]


def test_an_empty_list_is_one_empty_page(make_client: MakeClient) -> None:
    api = FakeAPI(clients=0)
    client = make_client(transport=httpx.MockTransport(api.handle))
    assert list(Clients(client).list()) == []
    assert len(api.sent("GET", "/clients")) == 1


def test_pages_start_at_the_given_offset(api: FakeAPI, make_client: MakeClient) -> None:
    pages = list(Clients(make_client()).list(offset=30, limit=10).iter_pages())
    assert [p.offset for p in pages] == [30, 40]
    assert [len(p.data) for p in pages] == [10, 5]


def test_async_items(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client()

    async def run() -> list[int]:
        found = [r.id async for r in AsyncClients(client).list(limit=7)]
        pages = [p.offset async for p in (await AsyncClients(client).list(limit=40)).iter_pages()]
        await client.aclose()
        return found + pages

    assert asyncio.run(run()) == [*range(1, 46), 0, 40]


# -- typed errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "cls", "body_type"),
    [
        (400, "bad_request", errors.BadRequestError, Error),
        (401, "invalid_token", errors.AuthenticationError, Error),
        (401, "unauthorized", errors.AuthenticationError, Error),
        (404, "gone_fishing", errors.NotFoundError, Error),  # a code no list names is kept, not dropped
        (404, "not_found", errors.NotFoundError, Error),
        (429, "rate_limited", errors.RateLimitedError, Error),
        (500, "internal_error", errors.InternalServerError, Error),
        (502, "bad_gateway", errors.BadGatewayError, Error),
        (503, "service_unavailable", errors.ServiceUnavailableError, Error),
    ],
)
def test_each_status_raises_its_exception_with_the_parsed_body(
    api: FakeAPI, make_client: MakeClient, status: int, code: str, cls: type[errors.APIStatusError], body_type: type
) -> None:
    answers = [error(status, code, "Said the server.", headers={"X-Request-Id": "r-1"}) for _ in range(3)]
    api.script("GET", "/clients/1", *answers)
    with pytest.raises(cls) as caught:
        get_client.sync(1, client=make_client(retry=RetryPolicy(max_retries=0)))
    exc = caught.value
    assert type(exc) is cls and isinstance(exc, errors.APIStatusError) and isinstance(exc, errors.ReceptionStarError)
    assert (exc.status_code, exc.code, exc.message) == (status, code, "Said the server.")
    assert isinstance(exc.body, body_type) and exc.headers["X-Request-Id"] == "r-1"
    assert str(exc) == f"{status} {code}: Said the server."
    assert isinstance(exc, errors.ServerError) == (status >= 500)


def test_forbidden_is_permission_denied(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("DELETE", "/clients/1", error(403, "forbidden", "A read-only API key cannot delete."))
    with pytest.raises(errors.PermissionDeniedError, match="403 forbidden: A read-only"):
        delete_client.sync(1, client=make_client())


def test_bad_request_carries_field_errors(api: FakeAPI, make_client: MakeClient) -> None:
    body = {"errors": [{"field": "first_name", "message": "too short"}]}
    api.script("POST", "/clients", error(400, "bad_request", "The request body is invalid.", **body))
    with pytest.raises(errors.BadRequestError) as caught:
        create_client.sync(client=make_client(), body=ClientInput(first_name="A", last_name="B"))
    assert caught.value.field_errors == [FieldError(field="first_name", message="too short")]


def test_an_error_without_a_json_body_still_raises_its_class(api: FakeAPI, make_client: MakeClient) -> None:
    html = httpx.Response(502, text="<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})
    api.script("POST", "/clients", html)
    with pytest.raises(errors.BadGatewayError) as caught:
        create_client.sync(client=make_client(), body=ClientInput(first_name="A", last_name="B"))
    assert caught.value.body is None and caught.value.code is None
    assert str(caught.value) == "502: Bad Gateway"


def test_an_undocumented_success_status_is_unexpected(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("GET", "/clients/1", httpx.Response(202))
    with pytest.raises(errors.UnexpectedStatus) as caught:
        get_client.sync(1, client=make_client())
    assert caught.value.status_code == 202


# -- conditional GET ------------------------------------------------------------------


def test_304_is_answered_from_the_cache(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client()
    first = get_client.sync_detailed(7, client=client)
    second = get_client.sync_detailed(7, client=client)
    requests = api.sent("GET", "/clients/7")
    assert "If-None-Match" not in requests[0].headers
    assert requests[1].headers["If-None-Match"] == '"7-Last7"'
    assert (first.status_code, second.status_code) == (200, 304)
    assert second.parsed == first.parsed and isinstance(second.parsed, ClientRecord)
    assert second.parsed is not first.parsed  # parsed afresh: changing one does not change the cache
    first.parsed.first_name = "Changed"
    assert get_client.sync(7, client=client).first_name == "First7"


def test_a_changed_client_answers_200_and_replaces_the_cache(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client()
    get_client.sync(7, client=client)
    api.clients[6]["last_name"] = "Renamed"
    assert get_client.sync(7, client=client).last_name == "Renamed"
    assert get_client.sync_detailed(7, client=client).status_code == 304


def test_the_cache_can_be_disabled_and_is_bounded(
    api: FakeAPI, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    off = make_client(etag_cache=0)
    # no cache, no key: building one parsed the URL again (a tenth of the client's cost per request)
    monkeypatch.setattr(type(off), "cache_key", lambda self, kwargs: pytest.fail("a cache key without a cache"))
    get_client.sync(1, client=off)
    get_client.sync(1, client=off)
    monkeypatch.undo()
    assert all("If-None-Match" not in r.headers for r in api.sent("GET", "/clients/1"))
    small = make_client(etag_cache=2)
    for i in (1, 2, 3):
        get_client.sync(i, client=small)
    assert len(small.etag_cache) == 2
    get_client.sync(1, client=small)  # evicted: asked without If-None-Match
    assert "If-None-Match" not in api.sent("GET", "/clients/1")[-1].headers


def test_pages_are_freed_as_soon_as_they_are_read(make_client: MakeClient) -> None:
    # httpx ties each response into a reference cycle; the client unties it, so
    # iterating holds a page or two, not every page until the cyclic GC runs.
    api = FakeAPI(clients=500)
    client = make_client(transport=httpx.MockTransport(api.handle))
    list_clients.sync(client=client, limit=10)
    gc.collect()
    gc.disable()
    try:
        before = sum(isinstance(o, httpx.Response) for o in gc.get_objects())
        assert sum(1 for _ in Clients(client).list(limit=10)) == 500
        after = sum(isinstance(o, httpx.Response) for o in gc.get_objects())
    finally:
        gc.enable()
    assert after - before <= 2  # 50 pages were fetched


def test_a_deleted_client_leaves_the_cache(api: FakeAPI, make_client: MakeClient) -> None:
    client = make_client()
    get_client.sync(7, client=client)
    assert len(client.etag_cache) == 1
    delete_client.sync(7, client=client)
    with pytest.raises(errors.NotFoundError):
        get_client.sync(7, client=client)
    assert len(client.etag_cache) == 0

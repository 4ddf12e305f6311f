"""Issue 22, item 12: walking the pages of a list ends against a server that lies about them, and says
why (PaginationError.reason); a correct server whose list changes while it is read still works."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from reception_star import AsyncReceptionStar, ReceptionStar, errors

from python_client.fakeapi import API_KEY, BASE, FakeAPI, record

Walk = Callable[[FakeAPI], list[int]]


def page(items: list[dict[str, Any]], offset: int, total: int, limit: int = 20) -> httpx.Response:
    return httpx.Response(200, json={"data": items, "offset": offset, "limit": limit, "total": total})


def ignores_offset(request: httpx.Request) -> httpx.Response:
    """Answers the first page whatever the offset, and claims a million items."""
    return page([record(i) for i in range(1, 21)], 0, 10**6)


def echoes_but_repeats(request: httpx.Request) -> httpx.Response:
    """Echoes the offset asked, and answers the same items all the same."""
    return page([record(i) for i in range(1, 21)], int(request.url.params["offset"]), 10**6)


def grows_forever(request: httpx.Request) -> httpx.Response:
    """Fresh items on every page, and a total that keeps ahead of them."""
    offset = int(request.url.params["offset"])
    return page([record(i) for i in range(offset + 1, offset + 21)], offset, offset + 1000)


def sync_facade(api: FakeAPI) -> list[int]:
    client = ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(api.handle))
    return [c.id for c in itertools.islice(client.clients.list(), 10**6)]


def async_facade(api: FakeAPI) -> list[int]:
    async def walk() -> list[int]:
        async with AsyncReceptionStar(base_url=BASE, api_key=API_KEY,
                                      async_transport=httpx.MockTransport(api.ahandle)) as client:  # fmt: skip
            return [c.id async for c in client.clients.list()]

    return asyncio.run(walk())


WALKS = [sync_facade, async_facade]  # the facade is the one list surface
LIARS = {"offset_ignored": ignores_offset, "page_repeated": echoes_but_repeats, "total_grew": grows_forever}


@pytest.mark.parametrize("walk", WALKS)
@pytest.mark.parametrize("reason", LIARS)
def test_a_lying_server_ends_the_walk_with_the_reason(walk: Walk, reason: str) -> None:
    api = FakeAPI()
    api.script("GET", "/clients", *[LIARS[reason]] * 2000)  # more than the walk may ask for
    with pytest.raises(errors.PaginationError) as caught:
        walk(api)
    assert caught.value.reason == reason, caught.value
    assert reason.split("_")[0] in str(caught.value)
    assert len(api.sent("GET", "/clients")) < 1000


def test_an_offset_given_by_the_caller_that_the_server_ignores_is_caught_on_the_first_page() -> None:
    api = FakeAPI()
    api.script("GET", "/clients", ignores_offset)
    client = ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(api.handle))
    with pytest.raises(errors.PaginationError) as caught:
        client.clients.list(offset=40)
    assert caught.value.reason == "offset_ignored" and caught.value.offset == 40


@pytest.mark.parametrize("walk", WALKS)
def test_a_correct_list_that_grows_and_shrinks_while_it_is_read_is_walked(walk: Walk) -> None:
    api = FakeAPI(clients=45)
    served = 0

    def changing(request: httpx.Request) -> httpx.Response:
        nonlocal served
        served += 1
        if served == 2:  # others create 30 clients and delete the first 3 while this caller reads
            api.clients = api.clients[3:] + [record(i) for i in range(100, 130)]
        offset, limit = int(request.url.params.get("offset", 0)), int(request.url.params.get("limit", 20))
        return page(api.clients[offset : offset + limit], offset, len(api.clients), limit)

    api.script("GET", "/clients", *[changing] * 10)
    ids = walk(api)
    assert ids[:20] == list(range(1, 21)) and ids[-1] == 129


@pytest.mark.parametrize("walk", WALKS)
@pytest.mark.parametrize("total", ['"45"', "4.5", "true", "null"])
def test_a_page_whose_total_is_not_an_integer_ends_the_walk_typed(walk: Walk, total: str) -> None:
    api = FakeAPI()
    body = '{"data": [], "offset": 0, "limit": 20, "total": ' + total + "}"
    api.script(
        "GET", "/clients", httpx.Response(200, content=body.encode(), headers={"Content-Type": "application/json"})
    )
    with pytest.raises(errors.ReceptionStarError):
        walk(api)

"""ReceptionStar and AsyncReceptionStar: the operations as methods, grouped by tag."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from typing import Any

import httpx
import pytest
from reception_star import AsyncReceptionStar, ReceptionStar, RetryPolicy, errors
from reception_star.api import AsyncClients, Clients
from reception_star.models import ClientInput

from python_client.fakeapi import API_KEY, BASE, FakeAPI


def facade(api: FakeAPI, cls: type[Any] = ReceptionStar) -> Any:
    return cls(
        API_KEY,
        base_url=BASE,
        transport=httpx.MockTransport(api.handle),
        async_transport=httpx.MockTransport(api.ahandle),
        retry=RetryPolicy(max_retries=0),
    )


def test_methods_call_the_operations(api: FakeAPI) -> None:
    with facade(api) as rs:
        assert [r.id for r in rs.clients.list_clients_items(limit=20)] == list(range(1, 46))
        assert [p.offset for p in rs.clients.list_clients_pages(limit=20)] == [0, 20, 40]
        assert rs.clients.list_clients(limit=5).total == 45
        created = rs.clients.create_client(body=ClientInput(first_name="Ada", last_name="Lovelace"))
        assert rs.clients.get_client(created.id).first_name == "Ada"
        assert rs.clients.delete_client(created.id) is None
        with pytest.raises(errors.NotFoundError):
            rs.clients.get_client(created.id)
        assert rs.health.get_heart().startswith("The only true wisdom")
    assert API_KEY not in repr(rs) and repr(rs).startswith("ReceptionStar(")


def test_async_methods_share_one_token() -> None:
    api = FakeAPI(auth_delay=0.02)

    async def run() -> tuple[list[int], int]:
        async with facade(api, AsyncReceptionStar) as rs:
            found = await asyncio.gather(*(rs.clients.get_client(i) for i in range(1, 6)))
            count = len([r async for r in rs.clients.list_clients_items(limit=10)])
            return [r.id for r in found], count

    assert asyncio.run(run()) == ([1, 2, 3, 4, 5], 45)
    assert api.grants() == ["api_key"]


@pytest.mark.parametrize(("resource", "flavour"), [(Clients, "sync"), (AsyncClients, "asyncio")])
def test_each_method_takes_what_its_operation_takes(resource: type[Any], flavour: str) -> None:
    methods = [name for name, _ in inspect.getmembers(resource, inspect.isfunction) if not name.startswith("_")]
    assert {m for m in methods if not m.endswith(("_items", "_pages"))} == {
        "list_clients",
        "create_client",
        "get_client",
        "replace_client",
        "delete_client",
    }
    for name in methods:
        if name.endswith(("_items", "_pages")):
            operation, suffix = name.rsplit("_", 1)
            function_name = f"{flavour}_{suffix}"
        else:
            operation, function_name = name, flavour
        function = getattr(importlib.import_module(f"reception_star.api.clients.{operation}"), function_name)
        expected = [p for p in inspect.signature(function).parameters.values() if p.name != "client"]
        got = list(inspect.signature(getattr(resource, name)).parameters.values())[1:]
        assert [(p.name, p.kind, p.default) for p in got] == [(p.name, p.kind, p.default) for p in expected], name

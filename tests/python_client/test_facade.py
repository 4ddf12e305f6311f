"""ReceptionStar and AsyncReceptionStar: resources with the overlay's method names, keyword bodies,
pages that iterate over every item, raw responses, options; on the fake API (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import httpx
import pytest
from reception_star import AsyncReceptionStar, ReceptionStar, RetryPolicy, errors
from reception_star.api import AsyncClients, Clients
from reception_star.models import ClientInput, ClientRecord

from python_client.fakeapi import API_KEY, BASE, FakeAPI, error


def facade(api: FakeAPI, cls: type[Any] = ReceptionStar, **options: Any) -> Any:
    options.setdefault("retry", RetryPolicy(max_retries=0))
    return cls(API_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle),
               async_transport=httpx.MockTransport(api.ahandle), **options)  # fmt: skip


def test_the_methods_have_the_overlay_s_names() -> None:
    for resource in (Clients, AsyncClients):
        names = {n for n in vars(resource) if not n.startswith("_")}
        assert names == {"list", "create", "retrieve", "update", "delete", "with_raw_response"}
    api = facade(FakeAPI())
    assert callable(api.health.heart) and callable(api.auth.token)


def test_crud_with_keyword_bodies(api: FakeAPI) -> None:
    with facade(api) as rs:
        created = rs.clients.create(first_name="Ada", last_name="Lovelace", email="ada@example.com",
                                    date_of_birth=datetime.date(1815, 12, 10))  # fmt: skip
        sent = json.loads(api.sent("POST", "/clients")[-1].content)
        assert sent == {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "date_of_birth": "1815-12-10",
        }
        assert rs.clients.retrieve(created.id).first_name == "Ada"
        changed = rs.clients.update(created.id, first_name="Ada", last_name="King")
        assert json.loads(api.sent("PUT", f"/clients/{created.id}")[-1].content) == {
            "first_name": "Ada",
            "last_name": "King",
        }
        assert changed.last_name == "King"
        assert rs.clients.delete(created.id) is None
        with pytest.raises(errors.NotFoundError):
            rs.clients.retrieve(created.id)
        by_model = rs.clients.create(body=ClientInput(first_name="Grace", last_name="Hopper"))
        assert by_model.last_name == "Hopper"
        with pytest.raises(TypeError, match="not both"):
            rs.clients.create(body=ClientInput(first_name="A", last_name="B"), email="x@example.com")  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="required"):
            rs.clients.create(email="x@example.com")  # type: ignore[call-overload]
        assert rs.health.heart().startswith("The only true wisdom")
    assert API_KEY not in repr(rs) and repr(rs).startswith("ReceptionStar(")


def test_models_have_none_for_an_absent_field_and_write_z(api: FakeAPI) -> None:
    with facade(api) as rs:
        record = rs.clients.retrieve(1)
    assert record.email is None and record.notes is None
    record = ClientRecord.from_dict({"id": 1, "first_name": "A", "last_name": "B",
                                     "created_at": "2026-01-15T09:30:00Z", "updated_at": "2026-01-15T09:30:00Z"})  # fmt: skip
    assert record.to_dict()["created_at"] == "2026-01-15T09:30:00Z" and record.email is None
    assert json.loads(record.to_json()) == record.to_dict() and "email" not in record.to_dict()
    assert ClientInput(first_name="A", last_name="B", email=None).to_dict() == {"first_name": "A", "last_name": "B"}
    assert repr(record).startswith("ClientRecord(id=1, first_name='A'")


def test_list_is_a_page_that_iterates_over_every_item(api: FakeAPI) -> None:
    with facade(api) as rs:
        page = rs.clients.list(limit=20)
        assert (page.offset, page.limit, page.total, len(page.data)) == (0, 20, 45, 20)
        assert page.has_next_page()
        second = page.next_page()
        assert second is not None and second.offset == 20
        assert [p.offset for p in page.iter_pages()] == [0, 20, 40]
        last = rs.clients.list(offset=40, limit=20)
        assert not last.has_next_page() and last.next_page() is None
        assert [c.id for c in rs.clients.list(limit=20)] == list(range(1, 46))
    assert [r.url.params["offset"] for r in api.sent("GET", "/clients")][-3:] == ["0", "20", "40"]


def test_raw_responses_give_the_status_and_headers(api: FakeAPI) -> None:
    with facade(api) as rs:
        raw = rs.clients.with_raw_response.create(first_name="Ada", last_name="Lovelace")
        assert raw.status_code == 201 and raw.headers["Location"] == f"/api/v3/clients/{raw.parse().id}"
        assert raw.parse().first_name == "Ada"
        assert rs.clients.with_raw_response.retrieve(1).parse().id == 1
        assert rs.health.with_raw_response.heart().status_code == 200


def test_options_per_client_and_per_call(api: FakeAPI) -> None:
    with facade(api, max_retries=3) as rs:
        assert rs.retry.max_retries == 3
        quick = rs.with_options(max_retries=0, timeout=5)
        assert quick.retry.max_retries == 0 and rs.retry.max_retries == 3
        api.script("GET", "/clients/1", error(503, "service_unavailable"))
        with pytest.raises(errors.ServiceUnavailableError):
            quick.clients.retrieve(1)
        assert quick.get_httpx_client() is rs.get_httpx_client()  # one pool
        assert quick.clients.retrieve(2).id == 2 and api.grants() == ["api_key"]  # one token
        rs.clients.retrieve(3, timeout=1.5, extra_headers={"X-Trace": "t-1"}, extra_query={"expand": "all"})
        sent = api.sent("GET", "/clients/3")[-1]
        assert sent.headers["X-Trace"] == "t-1" and sent.url.params["expand"] == "all"
        assert sent.extensions["timeout"]["read"] == 1.5
        quick.clients.retrieve(4)
        assert api.sent("GET", "/clients/4")[-1].extensions["timeout"]["read"] == 5


def test_a_public_operation_needs_no_credentials(api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RSTAR_API_KEY", raising=False)
    rs = ReceptionStar(base_url=BASE, transport=httpx.MockTransport(api.handle))
    assert rs.health.heart().startswith("The only true wisdom")
    with pytest.raises(errors.ConfigurationError, match="RSTAR_API_KEY"):
        rs.clients.retrieve(1)
    assert api.sent("GET", "/clients/1") == []  # refused before anything was sent


def test_async_resources_pages_and_raw(api: FakeAPI) -> None:
    async def run() -> tuple[list[int], list[int], int, int, str]:
        async with facade(api, AsyncReceptionStar) as rs:
            found = await asyncio.gather(*(rs.clients.retrieve(i) for i in range(1, 6)))
            every = [c.id async for c in rs.clients.list(limit=10)]
            page = await rs.clients.list(limit=10)
            offsets = [p.offset async for p in page.iter_pages()]
            created = await rs.clients.with_raw_response.create(first_name="Ada", last_name="L")
            quote = await rs.health.heart()
            return [r.id for r in found], every, len(offsets), created.status_code, quote

    ids, every, pages, status, quote = asyncio.run(run())
    assert ids == [1, 2, 3, 4, 5] and every == list(range(1, 46)) and pages == 5
    assert status == 201 and quote.startswith("The only true wisdom")
    assert api.grants() == ["api_key"]


def test_raw_twins_of_lists_and_keyword_bodies_sync_and_async(api: FakeAPI) -> None:
    with facade(api) as rs:
        first = rs.clients.with_raw_response.list(limit=5)
        assert first.status_code == 200 and first.parse().total == 45 and len(first.parse().data) == 5
        replaced = rs.clients.with_raw_response.update(1, body=ClientInput(first_name="A", last_name="B"))
        assert replaced.status_code == 200 and replaced.parse().last_name == "B"
        with pytest.raises(TypeError, match="last_name: required"):
            rs.clients.with_raw_response.create(first_name="A")  # type: ignore[call-overload]
    assert [r.url.params["offset"] for r in api.sent("GET", "/clients")] == ["0"]  # the first page only

    async def run() -> tuple[int, int, int]:
        async with facade(api, AsyncReceptionStar) as rs:
            page = await rs.clients.with_raw_response.list(limit=7)
            one = await rs.clients.with_raw_response.retrieve(2)
            return page.status_code, len(page.parse().data), one.parse().id

    assert asyncio.run(run()) == (200, 7, 2)

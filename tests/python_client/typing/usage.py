"""Every method, option and page method of the client, as a user writes them: checked by mypy --strict
(tests/python_client/test_typing.py). Never run; its types are the test."""

from __future__ import annotations

import datetime
from typing import assert_type

import httpx
from reception_star import AsyncReceptionStar, ReceptionStar, errors
from reception_star._runtime import AsyncPage, RawResponse, SyncPage
from reception_star.models import ApiKeyGrant, ClientInput, ClientPage, ClientRecord, Token


def sync_surface(api: ReceptionStar) -> None:
    page = api.clients.list(limit=100, offset=0, timeout=5.0, extra_headers={"X-A": "1"}, extra_query={"q": "x"})
    assert_type(page, SyncPage[ClientPage, ClientRecord])
    assert_type(page.data, list[ClientRecord])
    assert_type((page.total, page.offset, page.limit, page.has_next_page()), tuple[int, int, int, bool])
    assert_type(page.next_page(), SyncPage[ClientPage, ClientRecord] | None)
    for each in page.iter_pages():
        assert_type(each, SyncPage[ClientPage, ClientRecord])
    for client in page:
        assert_type(client, ClientRecord)
        assert_type(client.email, str | None)
    created = api.clients.create(first_name="Ada", last_name="Lovelace", email="ada@example.com",
                                 date_of_birth=datetime.date(1815, 12, 10), notes=None)  # fmt: skip
    assert_type(created, ClientRecord)
    assert_type(api.clients.create(body=ClientInput(first_name="A", last_name="B")), ClientRecord)
    assert_type(api.clients.retrieve(1, timeout=httpx.Timeout(2.0)), ClientRecord)
    assert_type(api.clients.update(1, first_name="Ada", last_name="King"), ClientRecord)
    assert_type(api.clients.delete(1), None)
    assert_type(api.health.heart(), str)
    assert_type(api.auth.token(body=ApiKeyGrant(grant_type="api_key", api_key="k")), Token)
    raw = api.clients.with_raw_response.create(first_name="Ada", last_name="Lovelace")
    assert_type(raw, RawResponse[ClientRecord])
    assert_type((raw.status_code, raw.headers["Location"], raw.content), tuple[int, str, bytes])
    assert_type(raw.parse(), ClientRecord)
    assert_type(api.clients.with_raw_response.list(limit=5).parse(), ClientPage)
    quick = api.with_options(max_retries=0, timeout=5)
    assert_type(quick, ReceptionStar)
    assert_type(quick.clients.retrieve(1), ClientRecord)
    try:
        api.clients.retrieve(2)
    except errors.NotFoundError as exc:
        assert_type(exc.code, str | None)


async def async_surface(api: AsyncReceptionStar) -> None:
    page = await api.clients.list(limit=10)
    assert_type(page, AsyncPage[ClientPage, ClientRecord])
    assert_type(await page.next_page(), AsyncPage[ClientPage, ClientRecord] | None)
    async for each in page.iter_pages():
        assert_type(each, AsyncPage[ClientPage, ClientRecord])
    async for client in api.clients.list():
        assert_type(client, ClientRecord)
    assert_type(await api.clients.create(first_name="Ada", last_name="Lovelace"), ClientRecord)
    assert_type(await api.clients.retrieve(1), ClientRecord)
    assert_type(await api.clients.with_raw_response.retrieve(1), RawResponse[ClientRecord])
    assert_type(await api.health.heart(), str)
    assert_type(api.with_options(max_retries=1), AsyncReceptionStar)


def construction() -> tuple[ReceptionStar, AsyncReceptionStar]:
    return (
        ReceptionStar(api_key="k", base_url="http://127.0.0.1:8080/api/v3", max_retries=2, timeout=30.0),
        AsyncReceptionStar(),
    )

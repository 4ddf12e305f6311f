"""What an async `list()` returns: await it for the first page, or `async for` over every item."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from ._async._pages import AsyncPage

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")


class AsyncPageRequest(Generic[PageT, ItemT]):
    """``page = await api.clients.list()``, or ``async for client in api.clients.list()``: the first page
    is fetched when awaited or iterated, not when the method is called."""

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[PageT, ItemT]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[PageT, ItemT]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for item in await self._first():
            yield item

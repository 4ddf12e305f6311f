"""Pages of an offset/limit list: the page the call answered, and every item after it, fetched lazily.
_async/_pages.py is the source; _sync/_pages.py is made from it by unasync."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Generic, Protocol, TypeVar

from .._pagination import PageTrail, next_offset

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")
PageT_co = TypeVar("PageT_co", covariant=True)


class AsyncFetch(Protocol[PageT_co]):
    """Fetches the page that starts at an offset (the call's other arguments bound)."""

    async def __call__(self, offset: int, /) -> PageT_co: ...


class AsyncPage(Generic[PageT, ItemT]):
    """One page of a list, and the way to the rest.

    ``data``, ``total``, ``offset``, ``limit`` are the page's; ``has_next_page()``, ``next_page()`` and
    ``iter_pages()`` walk on; iterating it yields every item of this page and of the ones after it,
    fetched one page at a time, so memory holds one page, never the whole list. ``page`` is the model.

    A page that contradicts the ones before it raises PaginationError (see PageTrail): one that echoes
    another offset than the one asked, one that repeats the page before, a `total` grown past the bound.
    """

    def __init__(
        self,
        fetch: AsyncFetch[PageT],
        page: PageT,
        offset: int,
        *,
        items_attr: str,
        total_attr: str,
        limit: int | None,
        trail: PageTrail | None = None,
    ) -> None:
        # The page is checked against the ones before it (trail): PaginationError when they contradict.
        self._trail = (trail or PageTrail(items_attr, total_attr)).after(page, offset)
        self._fetch = fetch
        self.page = page
        self.offset = offset
        self._items_attr = items_attr
        self._total_attr = total_attr
        self._limit = limit

    @property
    def data(self) -> list[ItemT]:
        items: list[ItemT] = getattr(self.page, self._items_attr)
        return items

    @property
    def total(self) -> int:
        total: int = getattr(self.page, self._total_attr)
        return total

    @property
    def limit(self) -> int:
        """The page size the server used (its echo of `limit`, else the one asked for, else the items' count)."""
        echoed: Any = getattr(self.page, "limit", None)
        return echoed if isinstance(echoed, int) else self._limit if self._limit is not None else len(self.data)

    def _next_offset(self) -> int | None:
        return next_offset(self.offset, self.data, self.total)

    def has_next_page(self) -> bool:
        return self._next_offset() is not None

    async def next_page(self) -> AsyncPage[PageT, ItemT] | None:
        """The page after this one, fetched now; None after the last."""
        at = self._next_offset()
        if at is None:
            return None
        page = await self._fetch(at)
        return AsyncPage(
            self._fetch,
            page,
            at,
            items_attr=self._items_attr,
            total_attr=self._total_attr,
            limit=self._limit,
            trail=self._trail,
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[PageT, ItemT]]:
        """This page, then every page after it, each fetched when the one before has been used."""
        current: AsyncPage[PageT, ItemT] | None = self
        while current is not None:
            yield current
            current = await current.next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.data:  # noqa: UP028, RUF100 (async generators cannot `yield from`; the sync twin is made from this)
                yield item

    def __repr__(self) -> str:
        return f"{type(self).__name__}(offset={self.offset}, items={len(self.data)}, total={self.total})"

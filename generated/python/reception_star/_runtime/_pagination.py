"""Offset/limit pagination: where the next page starts, when the list has ended, and when the pages
contradict each other so that walking on would never end (a server that ignores `offset`, repeats a
page, or grows `total` without end)."""

from __future__ import annotations

from collections.abc import Sequence, Sized
from typing import Any

from attrs import define

from ._errors import PaginationError

MAX_TOTAL_GROWTH = 10_000
"""How far `total` may grow past the first page's while a list is read, beyond doubling: others may
create items meanwhile; a walk stops (PaginationError, `total_grew`) past the first total + max(first
total, MAX_TOTAL_GROWTH)."""


def first_offset(offset: object) -> int:
    """The offset the caller gave, or 0 when it gave none (the generator's UNSET)."""
    return offset if isinstance(offset, int) and not isinstance(offset, bool) else 0


def next_offset(offset: int, items: Sized, total: int) -> int | None:
    """The offset of the page after the one at `offset`, or None after the last: a page that reaches
    `total`, or an empty page (a list that shrank while it was read)."""
    fetched = len(items)
    if fetched == 0 or offset + fetched >= total:
        return None
    return offset + fetched


@define(frozen=True)
class PageTrail:
    """What a walk remembers of the pages it has seen: the first page's total and the last page's items.

    ``after(page, asked)`` checks a page against them and returns the trail that includes it:
    - the page's echoed offset (its `offset` attribute, when it has one) is the one asked;
    - a non-empty page does not hold the same items as the page before (a list changed by others
      shifts items between pages, but a whole page repeated means the offset was not applied);
    - `total` has not grown past the bound of MAX_TOTAL_GROWTH.
    """

    items_attr: str
    total_attr: str
    offset_attr: str = "offset"
    first_total: int | None = None
    last_items: Sequence[Any] | None = None

    def after(self, page: Any, asked: int) -> PageTrail:
        items: Sequence[Any] = getattr(page, self.items_attr)
        total: int = getattr(page, self.total_attr)
        if not isinstance(items, list) or not isinstance(total, int) or isinstance(total, bool):
            raise PaginationError(
                f"the page at offset {asked} is not a page: its {self.items_attr} is not a list or its"
                f" {self.total_attr} not an integer",
                reason="not_a_page",
                offset=asked,
            )
        echoed = getattr(page, self.offset_attr, None)
        if isinstance(echoed, int) and not isinstance(echoed, bool) and echoed != asked:
            raise PaginationError(
                f"the page asked at offset {asked} says it starts at offset {echoed}: the server ignored the"
                " offset, and walking on would yield the same items again",
                reason="offset_ignored",
                offset=asked,
            )
        if self.last_items and list(items) == list(self.last_items):
            raise PaginationError(
                f"the page at offset {asked} repeats the page before it: the server did not apply the offset,"
                " and walking on would yield the same items again",
                reason="page_repeated",
                offset=asked,
            )
        first_total = total if self.first_total is None else self.first_total
        bound = first_total + max(first_total, MAX_TOTAL_GROWTH)
        if total > bound:
            raise PaginationError(
                f"total grew from {first_total} to {total} while the list was read (more than the bound of"
                f" {bound}): the list would never end",
                reason="total_grew",
                offset=asked,
            )
        return PageTrail(self.items_attr, self.total_attr, self.offset_attr, first_total, items)

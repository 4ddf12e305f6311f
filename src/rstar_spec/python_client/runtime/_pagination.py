"""Offset/limit pagination: where the next page starts, and when the list has ended."""

from __future__ import annotations

from collections.abc import Sized


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

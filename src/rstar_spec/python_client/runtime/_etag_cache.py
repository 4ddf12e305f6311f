"""Conditional GETs: the last answer of each cacheable GET, by URL, with its ETag."""

from __future__ import annotations

import threading
from collections import OrderedDict

from attrs import define, field

from ._errors import ConfigurationError


@define(frozen=True)
class CachedAnswer:
    etag: str
    content: bytes = field(repr=False)


class ETagCache:
    """The last answer of each cacheable GET, by URL, with its ETag.

    The client sends the ETag back in If-None-Match; on 304 the caller gets the
    object parsed afresh from the cached bytes (a model the caller changed does not
    leak into the next answer). Bounded: the least recently used entry goes first.
    Thread-safe; one cache may serve a client's sync and async calls alike.
    """

    def __init__(self, max_entries: int = 256) -> None:
        if max_entries < 1:
            raise ConfigurationError("ETagCache(max_entries) must be at least 1; pass etag_cache=0 to disable")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: str, etag: str, content: bytes) -> None:
        with self._lock:
            self._entries[key] = CachedAnswer(etag, content)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"ETagCache(max_entries={self.max_entries}, entries={len(self)})"

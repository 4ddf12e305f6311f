"""`.with_raw_response`: the answer itself (status, headers, bytes), parsed only when asked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class RawResponse(Generic[T]):
    """An answer of the API: ``status_code``, ``headers`` (the ``Location`` of a created client),
    ``content``, and ``parse()`` for what the method would have returned."""

    def __init__(self, status_code: int, headers: Mapping[str, str], content: bytes, parse: Callable[[], T]) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self._parse = parse

    def parse(self) -> T:
        return self._parse()

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code})"

"""What a caller may change for one request: its timeout, extra headers, extra query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from attrs import define

from ._carriable import check_headers


@define(frozen=True)
class RequestOptions:
    """Per-call options of every method: ``timeout=``, ``extra_headers=``, ``extra_query=``."""

    timeout: float | httpx.Timeout | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None

    def apply(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """An operation's request (from its _get_kwargs) with these options: extra headers and query
        parameters added (they win over the operation's own), the timeout replacing the client's."""
        if self.extra_headers:
            check_headers(self.extra_headers, "extra_headers=")
            kwargs["headers"] = {**(kwargs.get("headers") or {}), **self.extra_headers}
        if self.extra_query:
            kwargs["params"] = {**(kwargs.get("params") or {}), **self.extra_query}
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout if isinstance(self.timeout, httpx.Timeout) else httpx.Timeout(self.timeout)
        return kwargs


def options(
    timeout: float | httpx.Timeout | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, Any] | None,
) -> RequestOptions | None:
    """The RequestOptions of a call's keyword arguments; None when it gave none."""
    if timeout is None and not extra_headers and not extra_query:
        return None
    return RequestOptions(timeout, extra_headers, extra_query)

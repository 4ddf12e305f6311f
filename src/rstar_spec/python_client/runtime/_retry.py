"""When a request is sent again, and after how long."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

import httpx
from attrs import define, field

from ._errors import parse_retry_after

# httpx errors raised before a byte of the request left: retrying them is safe for any method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@define(frozen=True)
class RetryPolicy:
    """When a request is sent again, and after how long.

    - 429 (the API refused the request before acting on it): any method, after the
      server's Retry-After.
    - 503: idempotent methods (GET, PUT, DELETE) only, after Retry-After when the
      server sends one, else after the backoff.
    - 502, and a connection that broke after the request may have left: idempotent
      methods only, after the backoff. A POST is never sent twice once it may have
      reached the server.
    - A connection that could not be opened at all: any method, after the backoff.

    The backoff is ``min(backoff_cap, backoff_base * 2**retry)`` minus up to
    ``jitter`` of itself, at random, so that clients do not retry in step. A
    Retry-After longer than ``max_retry_after`` is not waited for: the error is
    raised with its ``retry_after`` for the caller to decide.
    """

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (0 for the first) when the server named none."""
        delay = min(self.backoff_cap, self.backoff_base * 2.0**retry)
        return delay * (1.0 - self.jitter * self.rand())

    def delay_after_response(self, response: httpx.Response, retry: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before sending again after this answer, or None to not retry."""
        if retry >= self.max_retries:
            return None
        status = response.status_code
        if status == 429 or (status == 503 and idempotent):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None:
                return self.backoff(retry)
            return retry_after if retry_after <= self.max_retry_after else None
        if status == 502 and idempotent:
            return self.backoff(retry)
        return None

    def delay_after_error(self, error: httpx.TransportError, retry: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before sending again after this transport error, or None to not retry."""
        if retry >= self.max_retries:
            return None
        if idempotent or isinstance(error, _NOT_SENT):
            return self.backoff(retry)
        return None

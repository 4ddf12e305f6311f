"""What the flows do with httpx responses, sync and async alike."""

from __future__ import annotations

import httpx

from ._errors import RateLimitedError, ServiceUnavailableError


def released(response: httpx.Response) -> httpx.Response:
    """The response, with its body read, no longer tied into a reference cycle.

    httpx 0.28 links a response and its stream both ways (encode/httpx#3733), so every
    answer, page bodies included, stays in memory until Python's cyclic collector runs.
    The body has been read by now: an empty stream in place of the old one lets the
    response go as soon as the caller drops it, and keeps iterating pages flat in memory.
    """
    response.stream = httpx.ByteStream(b"")
    return response


def answer_of(error: RateLimitedError | ServiceUnavailableError) -> httpx.Response:
    """The status and headers of an error, as the answer RetryPolicy decides on."""
    return httpx.Response(error.status_code, headers=error.headers)

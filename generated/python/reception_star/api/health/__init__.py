"""The ``health`` resource: ``Health`` and ``AsyncHealth``, each with ``.with_raw_response``.

The operations underneath, one module each, are ``reception_star.api.health.<operation>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import httpx

from ..._runtime import AsyncResource, SyncResource, answers_raw, answers_raw_async
from ..._runtime import options as _options
from ...client import AuthenticatedClient
from . import get_heart as _get_heart


class Health(SyncResource[AuthenticatedClient]):
    """The operations tagged ``health``.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> HealthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return HealthWithRawResponse(self)

    def heart(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Check that the service is up (GET /heart).

        Public; answers a quotation as plain text. Needs no token.
        """
        return self._answer(
            _get_heart.sync_detailed(client=self._client, options=_options(timeout, extra_headers, extra_query))
        )


class HealthWithRawResponse:
    """Health's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: Health) -> None:
        self._raw = resource._raw_twin()
        self.heart = answers_raw(self._raw.heart)


class AsyncHealth(AsyncResource[AuthenticatedClient]):
    """The operations tagged ``health``, for asyncio.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> AsyncHealthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncHealthWithRawResponse(self)

    async def heart(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Check that the service is up (GET /heart).

        Public; answers a quotation as plain text. Needs no token.
        """
        return self._answer(
            await _get_heart.asyncio_detailed(
                client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )


class AsyncHealthWithRawResponse:
    """AsyncHealth's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: AsyncHealth) -> None:
        self._raw = resource._raw_twin()
        self.heart = answers_raw_async(self._raw.heart)


__all__ = ["AsyncHealth", "AsyncHealthWithRawResponse", "Health", "HealthWithRawResponse"]

"""The API as resources: ``ReceptionStar().default.status(...)``, the same on ``AsyncReceptionStar``.

Each resource is a tag of the spec, a module of its own (``api/<tag>/``: its classes, sync and async,
with their raw-response twins); each method an operation, named by its role in the spec (``list``,
``create``, ``retrieve``, ``update``, ``delete``, an action by its path segment) unless the ``python-client``
overlay says otherwise (``x-rstar-sdk-name``). The functions underneath are in ``reception_star.api.<tag>.<operation>``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Self

import httpx

from ..client import AuthenticatedClient
from .default import AsyncDefault, AsyncDefaultWithRawResponse, Default, DefaultWithRawResponse


class ReceptionStar(AuthenticatedClient):
    """The whole API on one client: ``ReceptionStar().default.status(...)``.

    Takes AuthenticatedClient's arguments: ``api_key=`` (default ``$RSTAR_API_KEY``), ``base_url=``,
    ``max_retries=``, ``timeout=``, ... Without credentials the operations anyone may call still work;
    the first that needs a token says so.
    """

    @cached_property
    def default(self) -> Default:
        return Default(self)

    def with_options(self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None) -> Self:
        """A copy with other retries or timeout, sharing this one's connection pool, token and cache."""
        copied = super().with_options(max_retries=max_retries, timeout=timeout)
        for resource in ("default",):
            copied.__dict__.pop(resource, None)  # the copy's resources are bound to the copy
        return copied


class AsyncReceptionStar(AuthenticatedClient):
    """ReceptionStar for asyncio: ``await AsyncReceptionStar().default.status(...)``."""

    @cached_property
    def default(self) -> AsyncDefault:
        return AsyncDefault(self)

    def with_options(self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None) -> Self:
        """A copy with other retries or timeout, sharing this one's connection pool, token and cache."""
        copied = super().with_options(max_retries=max_retries, timeout=timeout)
        for resource in ("default",):
            copied.__dict__.pop(resource, None)  # the copy's resources are bound to the copy
        return copied


__all__ = [
    "AsyncReceptionStar",
    "AsyncDefault",
    "AsyncDefaultWithRawResponse",
    "ReceptionStar",
    "Default",
    "DefaultWithRawResponse",
]

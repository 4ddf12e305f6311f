"""The ``auth`` resource: ``Auth`` and ``AsyncAuth``, each with ``.with_raw_response``.

The operations underneath, one module each, are ``reception_star.api.auth.<operation>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import httpx

from ..._runtime import AsyncResource, SyncResource, answers_raw, answers_raw_async
from ..._runtime import options as _options
from ...client import AuthenticatedClient
from ...models.api_key_grant import ApiKeyGrant
from ...models.password_grant import PasswordGrant
from ...models.refresh_token_grant import RefreshTokenGrant
from ...models.token import Token
from . import create_token as _create_token


class Auth(SyncResource[AuthenticatedClient]):
    """The operations tagged ``auth``.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> AuthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AuthWithRawResponse(self)

    def token(
        self,
        *,
        body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Token:
        """Issue a bearer token (POST /auth).

        Exchanges an API key, a username and password, or a refresh token for a
        short-lived bearer token and a refresh token. Needs no token itself.
        """
        return self._answer(
            _create_token.sync_detailed(
                client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )


class AuthWithRawResponse:
    """Auth's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: Auth) -> None:
        self._raw = resource._raw_twin()
        self.token = answers_raw(self._raw.token)


class AsyncAuth(AsyncResource[AuthenticatedClient]):
    """The operations tagged ``auth``, for asyncio.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> AsyncAuthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncAuthWithRawResponse(self)

    async def token(
        self,
        *,
        body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Token:
        """Issue a bearer token (POST /auth).

        Exchanges an API key, a username and password, or a refresh token for a
        short-lived bearer token and a refresh token. Needs no token itself.
        """
        return self._answer(
            await _create_token.asyncio_detailed(
                client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )


class AsyncAuthWithRawResponse:
    """AsyncAuth's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: AsyncAuth) -> None:
        self._raw = resource._raw_twin()
        self.token = answers_raw_async(self._raw.token)


__all__ = ["AsyncAuth", "AsyncAuthWithRawResponse", "Auth", "AuthWithRawResponse"]

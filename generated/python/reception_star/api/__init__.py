"""The API as resources: ``ReceptionStar().auth.token(...)``, the same on ``AsyncReceptionStar``.

Each resource is a tag of the spec; each method an operation, named in the ``python-client`` overlay
(``x-rstar-sdk-name``). Bodies are keyword arguments (or ``body=`` a model), lists answer pages that
iterate over every item, ``.with_raw_response`` gives the status and headers, and every method takes
``timeout=``, ``extra_headers=`` and ``extra_query=``. The functions underneath are in
``reception_star.api.<tag>.<operation>``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Self, overload

import httpx

from .._runtime import AsyncPage, AsyncPageRequest, RawResponse, SyncPage
from .._runtime import options as _options
from .._runtime._pagination import first_offset
from ..client import AuthenticatedClient
from ..models.api_key_grant import ApiKeyGrant
from ..models.client_input import ClientInput
from ..models.client_page import ClientPage
from ..models.client_record import ClientRecord
from ..models.password_grant import PasswordGrant
from ..models.refresh_token_grant import RefreshTokenGrant
from ..models.token import Token
from ..types import UNSET, Unset
from .auth import create_token as _auth_create_token
from .clients import create_client as _clients_create_client
from .clients import delete_client as _clients_delete_client
from .clients import get_client as _clients_get_client
from .clients import list_clients as _clients_list_clients
from .clients import replace_client as _clients_replace_client
from .health import get_heart as _health_get_heart


class Auth:
    """The operations tagged ``auth``."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> AuthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AuthWithRawResponse(self._client)

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

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _auth_create_token.sync_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class Clients:
    """The operations tagged ``clients``."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> ClientsWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return ClientsWithRawResponse(self._client)

    def list(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> SyncPage[ClientPage, ClientRecord]:
        """List clients (GET /clients).

        One page of the account's clients, in ascending `id` order.

        Iterating the page yields every item of this page and of the ones after it, fetched lazily.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """

        def fetch(at: int) -> ClientPage:
            return (
                _clients_list_clients.sync_detailed(
                    client=self._client,
                    offset=at,
                    limit=limit,
                    options=_options(timeout, extra_headers, extra_query),
                )
            ).parsed

        start = first_offset(offset)
        limit_asked = limit if isinstance(limit, int) else None
        return SyncPage(
            fetch,
            fetch(start),
            start,
            items_attr="data",
            total_attr="total",
            limit=limit_asked,
        )

    @overload
    def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    @overload
    def create(
        self,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    def create(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord:
        """Create a client (POST /clients).

        Creates a client from the writable fields; answers 201 with the new client and its address in
        `Location`.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = _clients_create_client.sync_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    def retrieve(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord:
        """Get a client (GET /clients/{client_id}).

        The client with this id. The answer carries an `ETag`; send it back in `If-None-Match` and,
        while the client is unchanged, the answer is 304 with no body.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _clients_get_client.sync_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    @overload
    def update(
        self,
        client_id: int,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    @overload
    def update(
        self,
        client_id: int,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    def update(
        self,
        client_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord:
        """Replace a client (PUT /clients/{client_id}).

        Replaces every writable field: a writable field left out of the body is removed from the client.
        Answers 200 with the client as it now is.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = _clients_replace_client.sync_detailed(
            client_id=client_id,
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    def delete(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete a client (DELETE /clients/{client_id}).

        Deletes the client with this id; the answer is 204 with no body. Afterwards the id answers 404
        `not_found`. A read-only API key gets 403 `forbidden`.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _clients_delete_client.sync_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class Health:
    """The operations tagged ``health``."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> HealthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return HealthWithRawResponse(self._client)

    def heart(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Check that the service is up (GET /heart).

        Public; answers a quotation as plain text. Needs no token.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _health_get_heart.sync_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class AuthWithRawResponse:
    """The operations tagged ``auth``, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def token(
        self,
        *,
        body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Token]:
        """Issue a bearer token (POST /auth).

        Exchanges an API key, a username and password, or a refresh token for a
        short-lived bearer token and a refresh token. Needs no token itself.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _auth_create_token.sync_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class ClientsWithRawResponse:
    """The operations tagged ``clients``, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def list(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientPage]:
        """List clients (GET /clients).

        One page of the account's clients, in ascending `id` order.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _clients_list_clients.sync_detailed(
            client=self._client,
            offset=offset,
            limit=limit,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    @overload
    def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    @overload
    def create(
        self,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    def create(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]:
        """Create a client (POST /clients).

        Creates a client from the writable fields; answers 201 with the new client and its address in
        `Location`.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = _clients_create_client.sync_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    def retrieve(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]:
        """Get a client (GET /clients/{client_id}).

        The client with this id. The answer carries an `ETag`; send it back in `If-None-Match` and,
        while the client is unchanged, the answer is 304 with no body.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _clients_get_client.sync_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    @overload
    def update(
        self,
        client_id: int,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    @overload
    def update(
        self,
        client_id: int,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    def update(
        self,
        client_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]:
        """Replace a client (PUT /clients/{client_id}).

        Replaces every writable field: a writable field left out of the body is removed from the client.
        Answers 200 with the client as it now is.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = _clients_replace_client.sync_detailed(
            client_id=client_id,
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    def delete(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]:
        """Delete a client (DELETE /clients/{client_id}).

        Deletes the client with this id; the answer is 204 with no body. Afterwards the id answers 404
        `not_found`. A read-only API key gets 403 `forbidden`.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _clients_delete_client.sync_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class HealthWithRawResponse:
    """The operations tagged ``health``, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def heart(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[str]:
        """Check that the service is up (GET /heart).

        Public; answers a quotation as plain text. Needs no token.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _health_get_heart.sync_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class AsyncAuth:
    """The operations tagged ``auth``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> AsyncAuthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncAuthWithRawResponse(self._client)

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

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _auth_create_token.asyncio_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class AsyncClients:
    """The operations tagged ``clients``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> AsyncClientsWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncClientsWithRawResponse(self._client)

    def list(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> AsyncPageRequest[ClientPage, ClientRecord]:
        """List clients (GET /clients).

        One page of the account's clients, in ascending `id` order.

        Iterating the page yields every item of this page and of the ones after it, fetched lazily.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """

        async def fetch(at: int) -> ClientPage:
            return (
                await _clients_list_clients.asyncio_detailed(
                    client=self._client,
                    offset=at,
                    limit=limit,
                    options=_options(timeout, extra_headers, extra_query),
                )
            ).parsed

        start = first_offset(offset)
        limit_asked = limit if isinstance(limit, int) else None

        async def first() -> AsyncPage[ClientPage, ClientRecord]:
            return AsyncPage(
                fetch,
                await fetch(start),
                start,
                items_attr="data",
                total_attr="total",
                limit=limit_asked,
            )

        return AsyncPageRequest(first)

    @overload
    async def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    @overload
    async def create(
        self,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    async def create(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord:
        """Create a client (POST /clients).

        Creates a client from the writable fields; answers 201 with the new client and its address in
        `Location`.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = await _clients_create_client.asyncio_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    async def retrieve(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord:
        """Get a client (GET /clients/{client_id}).

        The client with this id. The answer carries an `ETag`; send it back in `If-None-Match` and,
        while the client is unchanged, the answer is 304 with no body.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _clients_get_client.asyncio_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    @overload
    async def update(
        self,
        client_id: int,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    @overload
    async def update(
        self,
        client_id: int,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord: ...

    async def update(
        self,
        client_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> ClientRecord:
        """Replace a client (PUT /clients/{client_id}).

        Replaces every writable field: a writable field left out of the body is removed from the client.
        Answers 200 with the client as it now is.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = await _clients_replace_client.asyncio_detailed(
            client_id=client_id,
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    async def delete(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete a client (DELETE /clients/{client_id}).

        Deletes the client with this id; the answer is 204 with no body. Afterwards the id answers 404
        `not_found`. A read-only API key gets 403 `forbidden`.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _clients_delete_client.asyncio_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class AsyncHealth:
    """The operations tagged ``health``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> AsyncHealthWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncHealthWithRawResponse(self._client)

    async def heart(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Check that the service is up (GET /heart).

        Public; answers a quotation as plain text. Needs no token.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _health_get_heart.asyncio_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class AsyncAuthWithRawResponse:
    """The operations tagged ``auth``, for asyncio, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def token(
        self,
        *,
        body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Token]:
        """Issue a bearer token (POST /auth).

        Exchanges an API key, a username and password, or a refresh token for a
        short-lived bearer token and a refresh token. Needs no token itself.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _auth_create_token.asyncio_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class AsyncClientsWithRawResponse:
    """The operations tagged ``clients``, for asyncio, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def list(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientPage]:
        """List clients (GET /clients).

        One page of the account's clients, in ascending `id` order.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _clients_list_clients.asyncio_detailed(
            client=self._client,
            offset=offset,
            limit=limit,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    @overload
    async def create(
        self,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    @overload
    async def create(
        self,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    async def create(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]:
        """Create a client (POST /clients).

        Creates a client from the writable fields; answers 201 with the new client and its address in
        `Location`.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = await _clients_create_client.asyncio_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    async def retrieve(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]:
        """Get a client (GET /clients/{client_id}).

        The client with this id. The answer carries an `ETag`; send it back in `If-None-Match` and,
        while the client is unchanged, the answer is 304 with no body.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _clients_get_client.asyncio_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    @overload
    async def update(
        self,
        client_id: int,
        *,
        first_name: str,
        last_name: str,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    @overload
    async def update(
        self,
        client_id: int,
        *,
        body: ClientInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]: ...

    async def update(
        self,
        client_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | Unset = UNSET,
        mobile: str | Unset = UNSET,
        date_of_birth: datetime.date | Unset = UNSET,
        notes: str | Unset = UNSET,
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[ClientRecord]:
        """Replace a client (PUT /clients/{client_id}).

        Replaces every writable field: a writable field left out of the body is removed from the client.
        Answers 200 with the client as it now is.

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        ClientInput:

        - ``first_name`` (required)
        - ``last_name`` (required)
        - ``email``
        - ``mobile``
        - ``date_of_birth``: A calendar date, `YYYY-MM-DD`.
        - ``notes``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            if first_name is None or last_name is None:
                raise TypeError("first_name, last_name: required (or pass body=)")
            body = ClientInput(
                first_name=first_name,
                last_name=last_name,
                email=email,
                mobile=mobile,
                date_of_birth=date_of_birth,
                notes=notes,
            )
        elif (
            first_name is not None
            or last_name is not None
            or email is not None
            or mobile is not None
            or date_of_birth is not None
            or notes is not None
        ):
            raise TypeError("pass the fields or body=, not both")
        response = await _clients_replace_client.asyncio_detailed(
            client_id=client_id,
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    async def delete(
        self,
        client_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]:
        """Delete a client (DELETE /clients/{client_id}).

        Deletes the client with this id; the answer is 204 with no body. Afterwards the id answers 404
        `not_found`. A read-only API key gets 403 `forbidden`.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _clients_delete_client.asyncio_detailed(
            client_id=client_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class AsyncHealthWithRawResponse:
    """The operations tagged ``health``, for asyncio, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def heart(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[str]:
        """Check that the service is up (GET /heart).

        Public; answers a quotation as plain text. Needs no token.

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _health_get_heart.asyncio_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class ReceptionStar(AuthenticatedClient):
    """The whole API on one client: ``ReceptionStar().auth.token(...)``.

    Takes AuthenticatedClient's arguments: ``api_key=`` (default ``$RSTAR_API_KEY``), ``base_url=``,
    ``max_retries=``, ``timeout=``, ... Without credentials the operations anyone may call still work;
    the first that needs a token says so.
    """

    @cached_property
    def auth(self) -> Auth:
        return Auth(self)

    @cached_property
    def clients(self) -> Clients:
        return Clients(self)

    @cached_property
    def health(self) -> Health:
        return Health(self)

    def with_options(self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None) -> Self:
        """A copy with other retries or timeout, sharing this one's connection pool, token and cache."""
        copied = super().with_options(max_retries=max_retries, timeout=timeout)
        for resource in (
            "auth",
            "clients",
            "health",
        ):
            copied.__dict__.pop(resource, None)  # the copy's resources are bound to the copy
        return copied


class AsyncReceptionStar(AuthenticatedClient):
    """ReceptionStar for asyncio: ``await AsyncReceptionStar().auth.token(...)``."""

    @cached_property
    def auth(self) -> AsyncAuth:
        return AsyncAuth(self)

    @cached_property
    def clients(self) -> AsyncClients:
        return AsyncClients(self)

    @cached_property
    def health(self) -> AsyncHealth:
        return AsyncHealth(self)

    def with_options(self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None) -> Self:
        """A copy with other retries or timeout, sharing this one's connection pool, token and cache."""
        copied = super().with_options(max_retries=max_retries, timeout=timeout)
        for resource in (
            "auth",
            "clients",
            "health",
        ):
            copied.__dict__.pop(resource, None)  # the copy's resources are bound to the copy
        return copied


__all__ = [
    "AsyncReceptionStar",
    "AsyncAuth",
    "AsyncAuthWithRawResponse",
    "AsyncClients",
    "AsyncClientsWithRawResponse",
    "AsyncHealth",
    "AsyncHealthWithRawResponse",
    "ReceptionStar",
    "Auth",
    "AuthWithRawResponse",
    "Clients",
    "ClientsWithRawResponse",
    "Health",
    "HealthWithRawResponse",
]

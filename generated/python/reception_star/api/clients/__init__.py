"""The ``clients`` resource: ``Clients`` and ``AsyncClients``, each with ``.with_raw_response``.

The operations underneath, one module each, are ``reception_star.api.clients.<operation>``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cached_property
from typing import Any, overload

import httpx

from ..._runtime import (
    AsyncPageRequest,
    AsyncResource,
    RawResponse,
    SyncPage,
    SyncResource,
    answers_raw,
    answers_raw_async,
    keyword_body,
    pages_raw,
    pages_raw_async,
)
from ..._runtime import options as _options
from ...client import AuthenticatedClient
from ...models.client_input import ClientInput
from ...models.client_page import ClientPage
from ...models.client_record import ClientRecord
from ...types import UNSET, Unset
from . import create_client as _create_client
from . import delete_client as _delete_client
from . import get_client as _get_client
from . import list_clients as _list_clients
from . import replace_client as _replace_client


class Clients(SyncResource[AuthenticatedClient]):
    """The operations tagged ``clients``.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> ClientsWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return ClientsWithRawResponse(self)

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
        """
        return self._pages(
            lambda at: _list_clients.sync_detailed(
                client=self._client, offset=at, limit=limit, options=_options(timeout, extra_headers, extra_query)
            ),
            offset,
            limit,
            "data",
            "total",
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
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> ClientRecord:
        """Create a client (POST /clients).

        Creates a client from the writable fields; answers 201 with the new client and its address in
        `Location`.
        """
        body = keyword_body(ClientInput, body, fields, ("first_name", "last_name"))
        return self._answer(
            _create_client.sync_detailed(
                client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )

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
        """
        return self._answer(
            _get_client.sync_detailed(
                client_id, client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )

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
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> ClientRecord:
        """Replace a client (PUT /clients/{client_id}).

        Replaces every writable field: a writable field left out of the body is removed from the client.
        Answers 200 with the client as it now is.
        """
        body = keyword_body(ClientInput, body, fields, ("first_name", "last_name"))
        return self._answer(
            _replace_client.sync_detailed(
                client_id, client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )

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
        """
        return self._answer(
            _delete_client.sync_detailed(
                client_id, client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )


class ClientsWithRawResponse:
    """Clients's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: Clients) -> None:
        self._raw = resource._raw_twin()
        self.list = pages_raw(self._raw.list)
        self.retrieve = answers_raw(self._raw.retrieve)
        self.delete = answers_raw(self._raw.delete)

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

    def create(self, *arguments: Any, **keywords: Any) -> RawResponse[ClientRecord]:
        return answers_raw(self._raw.create)(*arguments, **keywords)

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

    def update(self, *arguments: Any, **keywords: Any) -> RawResponse[ClientRecord]:
        return answers_raw(self._raw.update)(*arguments, **keywords)


class AsyncClients(AsyncResource[AuthenticatedClient]):
    """The operations tagged ``clients``, for asyncio.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> AsyncClientsWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncClientsWithRawResponse(self)

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
        """
        return self._pages(
            lambda at: _list_clients.asyncio_detailed(
                client=self._client, offset=at, limit=limit, options=_options(timeout, extra_headers, extra_query)
            ),
            offset,
            limit,
            "data",
            "total",
        )

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
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> ClientRecord:
        """Create a client (POST /clients).

        Creates a client from the writable fields; answers 201 with the new client and its address in
        `Location`.
        """
        body = keyword_body(ClientInput, body, fields, ("first_name", "last_name"))
        return self._answer(
            await _create_client.asyncio_detailed(
                client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )

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
        """
        return self._answer(
            await _get_client.asyncio_detailed(
                client_id, client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )

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
        body: ClientInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> ClientRecord:
        """Replace a client (PUT /clients/{client_id}).

        Replaces every writable field: a writable field left out of the body is removed from the client.
        Answers 200 with the client as it now is.
        """
        body = keyword_body(ClientInput, body, fields, ("first_name", "last_name"))
        return self._answer(
            await _replace_client.asyncio_detailed(
                client_id, client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )

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
        """
        return self._answer(
            await _delete_client.asyncio_detailed(
                client_id, client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )


class AsyncClientsWithRawResponse:
    """AsyncClients's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: AsyncClients) -> None:
        self._raw = resource._raw_twin()
        self.list = pages_raw_async(self._raw.list)
        self.retrieve = answers_raw_async(self._raw.retrieve)
        self.delete = answers_raw_async(self._raw.delete)

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

    async def create(self, *arguments: Any, **keywords: Any) -> RawResponse[ClientRecord]:
        return await answers_raw_async(self._raw.create)(*arguments, **keywords)

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

    async def update(self, *arguments: Any, **keywords: Any) -> RawResponse[ClientRecord]:
        return await answers_raw_async(self._raw.update)(*arguments, **keywords)


__all__ = ["AsyncClients", "AsyncClientsWithRawResponse", "Clients", "ClientsWithRawResponse"]

"""The ``default`` resource: ``Default`` and ``AsyncDefault``, each with ``.with_raw_response``.

The operations underneath, one module each, are ``reception_star.api.default.<operation>``.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from functools import cached_property
from typing import Any, overload

import httpx

from ..._runtime import AsyncResource, RawResponse, SyncResource, answers_raw, answers_raw_async, keyword_body
from ..._runtime import options as _options
from ...client import AuthenticatedClient
from ...models.note import Note
from ...models.note_input import NoteInput
from ...types import UNSET, Unset
from . import create_note as _create_note
from . import delete_note as _delete_note
from . import get_note as _get_note
from . import get_status as _get_status
from . import list_notes as _list_notes


class Default(SyncResource[AuthenticatedClient]):
    """The operations tagged ``default``.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> DefaultWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return DefaultWithRawResponse(self)

    def status(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Is it up? (GET /status)."""
        return self._answer(
            _get_status.sync_detailed(client=self._client, options=_options(timeout, extra_headers, extra_query))
        )

    def list(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> builtins.list[Note]:
        """Every note (GET /notes)."""
        return self._answer(
            _list_notes.sync_detailed(client=self._client, options=_options(timeout, extra_headers, extra_query))
        )

    @overload
    def create(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    @overload
    def create(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    def create(
        self,
        *,
        body: NoteInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> Note:
        """Write a note (POST /notes)."""
        body = keyword_body(NoteInput, body, fields, ())
        return self._answer(
            _create_note.sync_detailed(
                client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )

    def retrieve(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note:
        """One note (GET /notes/{note_id})."""
        return self._answer(
            _get_note.sync_detailed(
                note_id, client=self._client, verbose=verbose, options=_options(timeout, extra_headers, extra_query)
            )
        )

    def delete(
        self,
        note_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete a note (DELETE /notes/{note_id})."""
        return self._answer(
            _delete_note.sync_detailed(
                note_id, client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )


class DefaultWithRawResponse:
    """Default's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: Default) -> None:
        self._raw = resource._raw_twin()
        self.status = answers_raw(self._raw.status)
        self.list = answers_raw(self._raw.list)
        self.retrieve = answers_raw(self._raw.retrieve)
        self.delete = answers_raw(self._raw.delete)

    @overload
    def create(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    @overload
    def create(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    def create(self, *arguments: Any, **keywords: Any) -> RawResponse[Note]:
        return answers_raw(self._raw.create)(*arguments, **keywords)


class AsyncDefault(AsyncResource[AuthenticatedClient]):
    """The operations tagged ``default``, for asyncio.

    Bodies are keyword arguments (or ``body=`` a model; an optional field left out, or None, is not sent);
    lists answer a page that iterates over every item after it, fetched lazily; ``timeout=``,
    ``extra_headers=`` and ``extra_query=`` apply to one call. Errors raise ``errors.APIStatusError``
    subclasses, by status.
    """

    @cached_property
    def with_raw_response(self) -> AsyncDefaultWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncDefaultWithRawResponse(self)

    async def status(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Is it up? (GET /status)."""
        return self._answer(
            await _get_status.asyncio_detailed(
                client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )

    async def list(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> builtins.list[Note]:
        """Every note (GET /notes)."""
        return self._answer(
            await _list_notes.asyncio_detailed(
                client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )

    @overload
    async def create(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    @overload
    async def create(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    async def create(
        self,
        *,
        body: NoteInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> Note:
        """Write a note (POST /notes)."""
        body = keyword_body(NoteInput, body, fields, ())
        return self._answer(
            await _create_note.asyncio_detailed(
                client=self._client, body=body, options=_options(timeout, extra_headers, extra_query)
            )
        )

    async def retrieve(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note:
        """One note (GET /notes/{note_id})."""
        return self._answer(
            await _get_note.asyncio_detailed(
                note_id, client=self._client, verbose=verbose, options=_options(timeout, extra_headers, extra_query)
            )
        )

    async def delete(
        self,
        note_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete a note (DELETE /notes/{note_id})."""
        return self._answer(
            await _delete_note.asyncio_detailed(
                note_id, client=self._client, options=_options(timeout, extra_headers, extra_query)
            )
        )


class AsyncDefaultWithRawResponse:
    """AsyncDefault's methods, answering RawResponse (``status_code``, ``headers``, ``content``, ``parse()``)."""

    def __init__(self, resource: AsyncDefault) -> None:
        self._raw = resource._raw_twin()
        self.status = answers_raw_async(self._raw.status)
        self.list = answers_raw_async(self._raw.list)
        self.retrieve = answers_raw_async(self._raw.retrieve)
        self.delete = answers_raw_async(self._raw.delete)

    @overload
    async def create(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    @overload
    async def create(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    async def create(self, *arguments: Any, **keywords: Any) -> RawResponse[Note]:
        return await answers_raw_async(self._raw.create)(*arguments, **keywords)


__all__ = ["AsyncDefault", "AsyncDefaultWithRawResponse", "Default", "DefaultWithRawResponse"]

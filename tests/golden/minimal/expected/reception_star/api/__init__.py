"""The API as resources: ``ReceptionStar().default.get_status(...)``, the same on ``AsyncReceptionStar``.

Each resource is a tag of the spec; each method an operation, named in the ``python-client`` overlay
(``x-rstar-sdk-name``). Bodies are keyword arguments (or ``body=`` a model), lists answer pages that
iterate over every item, ``.with_raw_response`` gives the status and headers, and every method takes
``timeout=``, ``extra_headers=`` and ``extra_query=``. The functions underneath are in
``reception_star.api.<tag>.<operation>``.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Self, overload

import httpx

from .._runtime import RawResponse
from .._runtime import options as _options
from ..client import AuthenticatedClient
from ..models.note import Note
from ..models.note_input import NoteInput
from ..types import UNSET, Unset
from .default import create_note as _default_create_note
from .default import delete_note as _default_delete_note
from .default import get_note as _default_get_note
from .default import get_status as _default_get_status
from .default import list_notes as _default_list_notes


class Default:
    """The operations tagged ``default``."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> DefaultWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return DefaultWithRawResponse(self._client)

    def get_status(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Is it up? (GET /status).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_get_status.sync_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    def list_notes(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> builtins.list[Note]:
        """Every note (GET /notes).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_list_notes.sync_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    @overload
    def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    @overload
    def create_note(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        body: NoteInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note:
        """Write a note (POST /notes).

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        NoteInput:

        - ``text``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            body = NoteInput(
                text=text,
            )
        elif text is not None:
            raise TypeError("pass the fields or body=, not both")
        response = _default_create_note.sync_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    def get_note(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note:
        """One note (GET /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_get_note.sync_detailed(
            note_id=note_id,
            client=self._client,
            verbose=verbose,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    def delete_note(
        self,
        note_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete a note (DELETE /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_delete_note.sync_detailed(
            note_id=note_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class DefaultWithRawResponse:
    """The operations tagged ``default``, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def get_status(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[str]:
        """Is it up? (GET /status).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_get_status.sync_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    def list_notes(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[builtins.list[Note]]:
        """Every note (GET /notes).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_list_notes.sync_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    @overload
    def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    @overload
    def create_note(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        body: NoteInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]:
        """Write a note (POST /notes).

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        NoteInput:

        - ``text``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            body = NoteInput(
                text=text,
            )
        elif text is not None:
            raise TypeError("pass the fields or body=, not both")
        response = _default_create_note.sync_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    def get_note(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]:
        """One note (GET /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_get_note.sync_detailed(
            note_id=note_id,
            client=self._client,
            verbose=verbose,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    def delete_note(
        self,
        note_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]:
        """Delete a note (DELETE /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = _default_delete_note.sync_detailed(
            note_id=note_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class AsyncDefault:
    """The operations tagged ``default``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> AsyncDefaultWithRawResponse:
        """The same methods, answering RawResponse: the status, the headers (a created client's ``Location``), ``parse()``."""
        return AsyncDefaultWithRawResponse(self._client)

    async def get_status(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> str:
        """Is it up? (GET /status).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_get_status.asyncio_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    async def list_notes(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> builtins.list[Note]:
        """Every note (GET /notes).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_list_notes.asyncio_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    @overload
    async def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    @overload
    async def create_note(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note: ...

    async def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        body: NoteInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note:
        """Write a note (POST /notes).

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        NoteInput:

        - ``text``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            body = NoteInput(
                text=text,
            )
        elif text is not None:
            raise TypeError("pass the fields or body=, not both")
        response = await _default_create_note.asyncio_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    async def get_note(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Note:
        """One note (GET /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_get_note.asyncio_detailed(
            note_id=note_id,
            client=self._client,
            verbose=verbose,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed

    async def delete_note(
        self,
        note_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete a note (DELETE /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_delete_note.asyncio_detailed(
            note_id=note_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return response.parsed


class AsyncDefaultWithRawResponse:
    """The operations tagged ``default``, for asyncio, answering RawResponse (status, headers, ``parse()``)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def get_status(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[str]:
        """Is it up? (GET /status).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_get_status.asyncio_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    async def list_notes(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[builtins.list[Note]]:
        """Every note (GET /notes).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_list_notes.asyncio_detailed(
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    @overload
    async def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    @overload
    async def create_note(
        self,
        *,
        body: NoteInput,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]: ...

    async def create_note(
        self,
        *,
        text: str | Unset = UNSET,
        body: NoteInput | None = None,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]:
        """Write a note (POST /notes).

        The body's fields as keywords (an optional one left out, or None, is not sent), or ``body=`` a
        NoteInput:

        - ``text``

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        if body is None:
            body = NoteInput(
                text=text,
            )
        elif text is not None:
            raise TypeError("pass the fields or body=, not both")
        response = await _default_create_note.asyncio_detailed(
            client=self._client,
            body=body,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    async def get_note(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[Note]:
        """One note (GET /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_get_note.asyncio_detailed(
            note_id=note_id,
            client=self._client,
            verbose=verbose,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)

    async def delete_note(
        self,
        note_id: int,
        *,
        timeout: float | httpx.Timeout | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> RawResponse[None]:
        """Delete a note (DELETE /notes/{note_id}).

        ``timeout=``, ``extra_headers=``, ``extra_query=`` apply to this call only. Errors raise
        ``errors.APIStatusError`` subclasses, by status.
        """
        response = await _default_delete_note.asyncio_detailed(
            note_id=note_id,
            client=self._client,
            options=_options(timeout, extra_headers, extra_query),
        )
        return RawResponse(response.status_code, response.headers, response.content, lambda: response.parsed)


class ReceptionStar(AuthenticatedClient):
    """The whole API on one client: ``ReceptionStar().default.get_status(...)``.

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
    """ReceptionStar for asyncio: ``await AsyncReceptionStar().default.get_status(...)``."""

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

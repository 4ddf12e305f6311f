"""Every operation as a method, grouped by tag: ``ReceptionStar().default.get_status(...)``.

``ReceptionStar`` (and ``AsyncReceptionStar`` for asyncio) is an AuthenticatedClient
with an attribute per tag of the spec; each method is the operation of the same
name in ``reception_star.api.<tag>``, returning its parsed answer. For the
status and headers too, call the module's ``sync_detailed`` with the same client.
"""

from __future__ import annotations

from functools import cached_property

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

    def get_status(
        self,
    ) -> str:
        """Is it up? (GET /status): see ``api.default.get_status``."""
        return _default_get_status.sync(
            client=self._client,
        )

    def list_notes(
        self,
    ) -> list[Note]:
        """Every note (GET /notes): see ``api.default.list_notes``."""
        return _default_list_notes.sync(
            client=self._client,
        )

    def create_note(
        self,
        *,
        body: NoteInput | Unset = UNSET,
    ) -> Note:
        """Write a note (POST /notes): see ``api.default.create_note``."""
        return _default_create_note.sync(
            client=self._client,
            body=body,
        )

    def get_note(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
    ) -> Note:
        """One note (GET /notes/{note_id}): see ``api.default.get_note``."""
        return _default_get_note.sync(
            client=self._client,
            note_id=note_id,
            verbose=verbose,
        )

    def delete_note(
        self,
        note_id: int,
    ) -> None:
        """Delete a note (DELETE /notes/{note_id}): see ``api.default.delete_note``."""
        return _default_delete_note.sync(
            client=self._client,
            note_id=note_id,
        )


class AsyncDefault:
    """The operations tagged ``default``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def get_status(
        self,
    ) -> str:
        """Is it up? (GET /status): see ``api.default.get_status``."""
        return await _default_get_status.asyncio(
            client=self._client,
        )

    async def list_notes(
        self,
    ) -> list[Note]:
        """Every note (GET /notes): see ``api.default.list_notes``."""
        return await _default_list_notes.asyncio(
            client=self._client,
        )

    async def create_note(
        self,
        *,
        body: NoteInput | Unset = UNSET,
    ) -> Note:
        """Write a note (POST /notes): see ``api.default.create_note``."""
        return await _default_create_note.asyncio(
            client=self._client,
            body=body,
        )

    async def get_note(
        self,
        note_id: int,
        *,
        verbose: bool | Unset = UNSET,
    ) -> Note:
        """One note (GET /notes/{note_id}): see ``api.default.get_note``."""
        return await _default_get_note.asyncio(
            client=self._client,
            note_id=note_id,
            verbose=verbose,
        )

    async def delete_note(
        self,
        note_id: int,
    ) -> None:
        """Delete a note (DELETE /notes/{note_id}): see ``api.default.delete_note``."""
        return await _default_delete_note.asyncio(
            client=self._client,
            note_id=note_id,
        )


class ReceptionStar(AuthenticatedClient):
    """The whole API on one client: ``ReceptionStar().default.get_status(...)``.

    Takes AuthenticatedClient's arguments (the API key from ``RSTAR_API_KEY`` by default).
    """

    @cached_property
    def default(self) -> Default:
        return Default(self)


class AsyncReceptionStar(AuthenticatedClient):
    """ReceptionStar for asyncio: ``await AsyncReceptionStar().default.get_status(...)``."""

    @cached_property
    def default(self) -> AsyncDefault:
        return AsyncDefault(self)


__all__ = [
    "AsyncReceptionStar",
    "AsyncDefault",
    "ReceptionStar",
    "Default",
]

"""Every operation as a method, grouped by tag: ``ReceptionStar().auth.create_token(...)``.

``ReceptionStar`` (and ``AsyncReceptionStar`` for asyncio) is an AuthenticatedClient
with an attribute per tag of the spec; each method is the operation of the same
name in ``reception_star.api.<tag>``, returning its parsed answer. For the
status and headers too, call the module's ``sync_detailed`` with the same client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property

from ..client import AuthenticatedClient
from ..models.api_key_grant import ApiKeyGrant
from ..models.client_input import ClientInput
from ..models.client_page import ClientPage
from ..models.client_record import ClientRecord
from ..models.password_grant import PasswordGrant
from ..models.refresh_token_grant import RefreshTokenGrant
from ..models.token import Token
from ..types import Unset
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

    def create_token(
        self,
        *,
        body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant,
    ) -> Token:
        """Issue a bearer token (POST /auth): see ``api.auth.create_token``."""
        return _auth_create_token.sync(
            client=self._client,
            body=body,
        )


class Clients:
    """The operations tagged ``clients``."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def list_clients(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
    ) -> ClientPage:
        """List clients (GET /clients): see ``api.clients.list_clients``."""
        return _clients_list_clients.sync(
            client=self._client,
            offset=offset,
            limit=limit,
        )

    def list_clients_items(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
    ) -> Iterator[ClientRecord]:
        """Every item of every page, fetched lazily: see ``api.clients.list_clients.sync_items``."""
        return _clients_list_clients.sync_items(
            client=self._client,
            offset=offset,
            limit=limit,
        )

    def list_clients_pages(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
    ) -> Iterator[ClientPage]:
        """Every page, fetched lazily: see ``api.clients.list_clients.sync_pages``."""
        return _clients_list_clients.sync_pages(
            client=self._client,
            offset=offset,
            limit=limit,
        )

    def create_client(
        self,
        *,
        body: ClientInput,
    ) -> ClientRecord:
        """Create a client (POST /clients): see ``api.clients.create_client``."""
        return _clients_create_client.sync(
            client=self._client,
            body=body,
        )

    def get_client(
        self,
        client_id: int,
    ) -> ClientRecord:
        """Get a client (GET /clients/{client_id}): see ``api.clients.get_client``."""
        return _clients_get_client.sync(
            client=self._client,
            client_id=client_id,
        )

    def replace_client(
        self,
        client_id: int,
        *,
        body: ClientInput,
    ) -> ClientRecord:
        """Replace a client (PUT /clients/{client_id}): see ``api.clients.replace_client``."""
        return _clients_replace_client.sync(
            client=self._client,
            client_id=client_id,
            body=body,
        )

    def delete_client(
        self,
        client_id: int,
    ) -> None:
        """Delete a client (DELETE /clients/{client_id}): see ``api.clients.delete_client``."""
        return _clients_delete_client.sync(
            client=self._client,
            client_id=client_id,
        )


class Health:
    """The operations tagged ``health``."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def get_heart(
        self,
    ) -> str:
        """Check that the service is up (GET /heart): see ``api.health.get_heart``."""
        return _health_get_heart.sync(
            client=self._client,
        )


class AsyncAuth:
    """The operations tagged ``auth``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def create_token(
        self,
        *,
        body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant,
    ) -> Token:
        """Issue a bearer token (POST /auth): see ``api.auth.create_token``."""
        return await _auth_create_token.asyncio(
            client=self._client,
            body=body,
        )


class AsyncClients:
    """The operations tagged ``clients``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def list_clients(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
    ) -> ClientPage:
        """List clients (GET /clients): see ``api.clients.list_clients``."""
        return await _clients_list_clients.asyncio(
            client=self._client,
            offset=offset,
            limit=limit,
        )

    def list_clients_items(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
    ) -> AsyncIterator[ClientRecord]:
        """Every item of every page, fetched lazily: see ``api.clients.list_clients.asyncio_items``."""
        return _clients_list_clients.asyncio_items(
            client=self._client,
            offset=offset,
            limit=limit,
        )

    def list_clients_pages(
        self,
        *,
        offset: int | Unset = 0,
        limit: int | Unset = 20,
    ) -> AsyncIterator[ClientPage]:
        """Every page, fetched lazily: see ``api.clients.list_clients.asyncio_pages``."""
        return _clients_list_clients.asyncio_pages(
            client=self._client,
            offset=offset,
            limit=limit,
        )

    async def create_client(
        self,
        *,
        body: ClientInput,
    ) -> ClientRecord:
        """Create a client (POST /clients): see ``api.clients.create_client``."""
        return await _clients_create_client.asyncio(
            client=self._client,
            body=body,
        )

    async def get_client(
        self,
        client_id: int,
    ) -> ClientRecord:
        """Get a client (GET /clients/{client_id}): see ``api.clients.get_client``."""
        return await _clients_get_client.asyncio(
            client=self._client,
            client_id=client_id,
        )

    async def replace_client(
        self,
        client_id: int,
        *,
        body: ClientInput,
    ) -> ClientRecord:
        """Replace a client (PUT /clients/{client_id}): see ``api.clients.replace_client``."""
        return await _clients_replace_client.asyncio(
            client=self._client,
            client_id=client_id,
            body=body,
        )

    async def delete_client(
        self,
        client_id: int,
    ) -> None:
        """Delete a client (DELETE /clients/{client_id}): see ``api.clients.delete_client``."""
        return await _clients_delete_client.asyncio(
            client=self._client,
            client_id=client_id,
        )


class AsyncHealth:
    """The operations tagged ``health``, for asyncio."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def get_heart(
        self,
    ) -> str:
        """Check that the service is up (GET /heart): see ``api.health.get_heart``."""
        return await _health_get_heart.asyncio(
            client=self._client,
        )


class ReceptionStar(AuthenticatedClient):
    """The whole API on one client: ``ReceptionStar().auth.create_token(...)``.

    Takes AuthenticatedClient's arguments (the API key from ``RSTAR_API_KEY`` by default).
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


class AsyncReceptionStar(AuthenticatedClient):
    """ReceptionStar for asyncio: ``await AsyncReceptionStar().auth.create_token(...)``."""

    @cached_property
    def auth(self) -> AsyncAuth:
        return AsyncAuth(self)

    @cached_property
    def clients(self) -> AsyncClients:
        return AsyncClients(self)

    @cached_property
    def health(self) -> AsyncHealth:
        return AsyncHealth(self)


__all__ = [
    "AsyncReceptionStar",
    "AsyncAuth",
    "AsyncClients",
    "AsyncHealth",
    "ReceptionStar",
    "Auth",
    "Clients",
    "Health",
]

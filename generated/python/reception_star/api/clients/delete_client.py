"""DELETE /clients/{client_id}: Delete a client"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.error import Error
from ...types import Response

_OPERATION = OPERATIONS["delete_client"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys(
    [400, 401, 403, 404, 429, 500, 502, 503], Error.from_dict
)


def _get_kwargs(client_id: int) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/clients/{client_id}".format(
            client_id=quote(str(client_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> None:
    if response.status_code == 204:
        return None
    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[None]:
    decoded(_parse_response, response)
    parsed = None
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    client_id: int, *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[None]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(client_id=client_id)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(client_id: int, *, client: AuthenticatedClient) -> None:
    """Delete a client

    Deletes the client with this id; the answer is 204 with no body. Afterwards the id answers 404
    `not_found`. A read-only API key gets 403 `forbidden`.

    Args:
        client_id (int):

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.PermissionDeniedError: 403.
        errors.NotFoundError: 404.
        errors.RateLimitedError: 429.
        errors.InternalServerError: 500.
        errors.BadGatewayError: 502.
        errors.ServiceUnavailableError: 503.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        None
    """

    return sync_detailed(client_id=client_id, client=client).parsed


async def asyncio_detailed(
    client_id: int, *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[None]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(client_id=client_id)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(client_id: int, *, client: AuthenticatedClient) -> None:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client_id=client_id, client=client)).parsed

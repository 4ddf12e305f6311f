"""GET /clients: List clients"""

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.client_page import ClientPage
from ...models.error import Error
from ...types import UNSET, Response, Unset

_OPERATION = OPERATIONS["list_clients"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([400, 401, 429, 500, 502, 503], Error.from_dict)


def _get_kwargs(*, offset: int | Unset = 0, limit: int | Unset = 20) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["offset"] = offset

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/clients",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> ClientPage:
    if response.status_code == 200:
        response_200 = ClientPage.from_dict(response.json())

        return response_200

    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[ClientPage]:
    parsed = decoded(_parse_response, response)  # an answer not of the documented shape: ResponseDecodingError
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    offset: int | Unset = 0,
    limit: int | Unset = 20,
    options: RequestOptions | None = None,
) -> Response[ClientPage]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(offset=offset, limit=limit)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(*, client: AuthenticatedClient, offset: int | Unset = 0, limit: int | Unset = 20) -> ClientPage:
    """List clients

    One page of the account's clients, in ascending `id` order.

    Args:
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 20.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.RateLimitedError: 429.
        errors.InternalServerError: 500.
        errors.BadGatewayError: 502.
        errors.ServiceUnavailableError: 503.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        ClientPage
    """

    return sync_detailed(client=client, offset=offset, limit=limit).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    offset: int | Unset = 0,
    limit: int | Unset = 20,
    options: RequestOptions | None = None,
) -> Response[ClientPage]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(offset=offset, limit=limit)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(*, client: AuthenticatedClient, offset: int | Unset = 0, limit: int | Unset = 20) -> ClientPage:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client=client, offset=offset, limit=limit)).parsed

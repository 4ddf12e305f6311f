"""PUT /clients/{client_id}: Replace a client"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.client_input import ClientInput
from ...models.client_record import ClientRecord
from ...models.error import Error
from ...types import Response

_OPERATION = OPERATIONS["replace_client"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys(
    [400, 401, 403, 404, 429, 500, 502, 503], Error.from_dict
)


def _get_kwargs(client_id: int, *, body: ClientInput) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/clients/{client_id}".format(
            client_id=quote(str(client_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> ClientRecord:
    if response.status_code == 200:
        response_200 = ClientRecord.from_dict(response.json())

        return response_200

    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[ClientRecord]:
    parsed = decoded(_parse_response, response)  # an answer not of the documented shape: ResponseDecodingError
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    client_id: int, *, client: AuthenticatedClient, body: ClientInput, options: RequestOptions | None = None
) -> Response[ClientRecord]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(client_id=client_id, body=body)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(client_id: int, *, client: AuthenticatedClient, body: ClientInput) -> ClientRecord:
    """Replace a client

    Replaces every writable field: a writable field left out of the body is removed from the client.
    Answers 200 with the client as it now is.

    Args:
        client_id (int):
        body (ClientInput): The writable fields of a client: the body of `POST /clients` and of
            `PUT /clients/{client_id}`, where a field left out is removed.

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
        ClientRecord
    """

    return sync_detailed(client_id=client_id, client=client, body=body).parsed


async def asyncio_detailed(
    client_id: int, *, client: AuthenticatedClient, body: ClientInput, options: RequestOptions | None = None
) -> Response[ClientRecord]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(client_id=client_id, body=body)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(client_id: int, *, client: AuthenticatedClient, body: ClientInput) -> ClientRecord:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client_id=client_id, client=client, body=body)).parsed

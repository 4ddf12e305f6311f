"""POST /auth: Issue a bearer token"""

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, Client
from ...models.api_key_grant import ApiKeyGrant
from ...models.error import Error
from ...models.password_grant import PasswordGrant
from ...models.refresh_token_grant import RefreshTokenGrant
from ...models.token import Token
from ...types import Response

_OPERATION = OPERATIONS["create_token"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([400, 401, 429, 500, 502, 503], Error.from_dict)


def _get_kwargs(*, body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth",
    }

    if isinstance(body, ApiKeyGrant):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, PasswordGrant):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> Token:
    if response.status_code == 200:
        response_200 = Token.from_dict(response.json())

        return response_200

    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[Token]:
    parsed = decoded(_parse_response, response)  # an answer not of the documented shape: ResponseDecodingError
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *, client: Client, body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant, options: RequestOptions | None = None
) -> Response[Token]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(body=body)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(*, client: Client, body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant) -> Token:
    """Issue a bearer token

    Exchanges an API key, a username and password, or a refresh token for a
    short-lived bearer token and a refresh token. Needs no token itself.

    Args:
        body (ApiKeyGrant | PasswordGrant | RefreshTokenGrant): The grant to exchange for a token,
            discriminated by `grant_type`.

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.RateLimitedError: 429.
        errors.InternalServerError: 500.
        errors.BadGatewayError: 502.
        errors.ServiceUnavailableError: 503.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        Token
    """

    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(
    *, client: Client, body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant, options: RequestOptions | None = None
) -> Response[Token]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(body=body)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(*, client: Client, body: ApiKeyGrant | PasswordGrant | RefreshTokenGrant) -> Token:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client=client, body=body)).parsed

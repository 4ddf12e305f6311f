"""GET /status: Is it up?"""

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, Client
from ...types import Response

_OPERATION = OPERATIONS["get_status"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = {}


def _get_kwargs() -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/status",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> str:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[str]:
    parsed = decoded(_parse_response, response)  # an answer not of the documented shape: ResponseDecodingError
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(*, client: Client, options: RequestOptions | None = None) -> Response[str]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs()
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(*, client: Client) -> str:
    """Is it up?

    Raises:
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        str
    """

    return sync_detailed(client=client).parsed


async def asyncio_detailed(*, client: Client, options: RequestOptions | None = None) -> Response[str]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs()
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(*, client: Client) -> str:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client=client)).parsed

"""GET /notes: Every note"""

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.note import Note
from ...models.problem import Problem
from ...types import Response

_OPERATION = OPERATIONS["list_notes"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([401], Problem.from_dict)


def _get_kwargs() -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/notes",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> list[Note]:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Note.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[list[Note]]:
    parsed = decoded(_parse_response, response)  # an answer not of the documented shape: ResponseDecodingError
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(*, client: AuthenticatedClient, options: RequestOptions | None = None) -> Response[list[Note]]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs()
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(*, client: AuthenticatedClient) -> list[Note]:
    """Every note

    Raises:
        errors.AuthenticationError: 401.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        list[Note]
    """

    return sync_detailed(client=client).parsed


async def asyncio_detailed(
    *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[list[Note]]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs()
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(*, client: AuthenticatedClient) -> list[Note]:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client=client)).parsed

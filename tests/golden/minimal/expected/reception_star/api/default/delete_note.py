"""DELETE /notes/{note_id}: Delete a note"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.problem import Problem
from ...types import Response

_OPERATION = OPERATIONS["delete_note"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([404], Problem.from_dict)


def _get_kwargs(note_id: int) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/notes/{note_id}".format(
            note_id=quote(str(note_id), safe=""),
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
    note_id: int, *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[None]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(note_id=note_id)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(note_id: int, *, client: AuthenticatedClient) -> None:
    """Delete a note

    Args:
        note_id (int):

    Raises:
        errors.NotFoundError: 404.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        None
    """

    return sync_detailed(note_id=note_id, client=client).parsed


async def asyncio_detailed(
    note_id: int, *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[None]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(note_id=note_id)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(note_id: int, *, client: AuthenticatedClient) -> None:
    """sync(), for asyncio."""
    return (await asyncio_detailed(note_id=note_id, client=client)).parsed

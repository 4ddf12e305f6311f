"""POST /notes: Write a note"""

from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.note import Note
from ...models.note_input import NoteInput
from ...models.problem import Problem
from ...types import UNSET, Response, Unset

_OPERATION = OPERATIONS["create_note"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([400], Problem.from_dict)


def _get_kwargs(*, body: NoteInput | Unset = UNSET) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/notes",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> Note:
    if response.status_code == 201:
        response_201 = Note.from_dict(response.json())

        return response_201

    if response.status_code >= 400:
        raise errors.from_response(response, _ERROR_BODIES.get(response.status_code))
    raise errors.unexpected_status(response)


def _build_response(response: httpx.Response) -> Response[Note]:
    parsed = decoded(_parse_response, response)  # an answer not of the documented shape: ResponseDecodingError
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *, client: AuthenticatedClient, body: NoteInput | Unset = UNSET, options: RequestOptions | None = None
) -> Response[Note]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(body=body)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(*, client: AuthenticatedClient, body: NoteInput | Unset = UNSET) -> Note:
    """Write a note

    Args:
        body (NoteInput | Unset):

    Raises:
        errors.BadRequestError: 400.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        Note
    """

    return sync_detailed(client=client, body=body).parsed


async def asyncio_detailed(
    *, client: AuthenticatedClient, body: NoteInput | Unset = UNSET, options: RequestOptions | None = None
) -> Response[Note]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(body=body)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(*, client: AuthenticatedClient, body: NoteInput | Unset = UNSET) -> Note:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client=client, body=body)).parsed

"""GET /notes/{note_id}: One note"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient
from ...models.note import Note
from ...models.problem import Problem
from ...types import UNSET, Response, Unset

_OPERATION = OPERATIONS["get_note"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([404], Problem.from_dict)


def _get_kwargs(note_id: int, *, verbose: bool | Unset = UNSET) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["verbose"] = verbose

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/notes/{note_id}".format(
            note_id=quote(str(note_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(response: httpx.Response) -> Note:
    if response.status_code == 200:
        response_200 = Note.from_dict(response.json())

        return response_200

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
    note_id: int, *, client: AuthenticatedClient, verbose: bool | Unset = UNSET, options: RequestOptions | None = None
) -> Response[Note]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(note_id=note_id, verbose=verbose)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


def sync(note_id: int, *, client: AuthenticatedClient, verbose: bool | Unset = UNSET) -> Note:
    """One note

    Args:
        note_id (int):
        verbose (bool | Unset):

    Raises:
        errors.NotFoundError: 404.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        Note
    """

    return sync_detailed(note_id=note_id, client=client, verbose=verbose).parsed


async def asyncio_detailed(
    note_id: int, *, client: AuthenticatedClient, verbose: bool | Unset = UNSET, options: RequestOptions | None = None
) -> Response[Note]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(note_id=note_id, verbose=verbose)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    return _build_response(response)


async def asyncio(note_id: int, *, client: AuthenticatedClient, verbose: bool | Unset = UNSET) -> Note:
    """sync(), for asyncio."""
    return (await asyncio_detailed(note_id=note_id, client=client, verbose=verbose)).parsed

"""GET /clients/{client_id}: Get a client"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ..._runtime import RequestOptions
from ..._runtime._errors import decoded
from ...client import OPERATIONS, AuthenticatedClient, CachedAnswer, Client
from ...models.client_record import ClientRecord
from ...models.error import Error
from ...types import Response

_OPERATION = OPERATIONS["get_client"]
IDEMPOTENT = _OPERATION.idempotent
"""Whether the client may send this request again after a 502, a 503 or a broken connection."""

_ERROR_BODIES: dict[int, errors.ParseErrorBody] = dict.fromkeys([400, 401, 404, 429, 500, 502, 503], Error.from_dict)


def _get_kwargs(client_id: int) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/clients/{client_id}".format(
            client_id=quote(str(client_id), safe=""),
        ),
    }

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


def _from_cache(response: httpx.Response, cached: CachedAnswer) -> Response[ClientRecord]:
    """A 304: the object is the one of the cached answer, parsed afresh."""
    parsed = decoded(_parse_response, httpx.Response(200, content=cached.content, headers=response.headers))
    return Response(
        status_code=HTTPStatus.NOT_MODIFIED,
        content=cached.content,
        headers=response.headers,
        parsed=parsed,
    )


def _remember(client: Client, key: str, response: httpx.Response) -> Response[ClientRecord]:
    """The answer; a 200 with an ETag goes into the cache, a 404 takes its entry out."""
    try:
        built = _build_response(response)
    except errors.NotFoundError:
        if client.etag_cache is not None:
            client.etag_cache.discard(key)
        raise
    etag = response.headers.get("ETag")
    if client.etag_cache is not None and response.status_code == 200 and etag:
        client.etag_cache.put(key, etag, response.content)
    return built


def _conditional(client: Client, kwargs: dict[str, Any]) -> tuple[str, CachedAnswer | None]:
    if client.etag_cache is None:  # no cache, no key (building one parses the URL again)
        return "", None
    key = client.cache_key(kwargs)
    cached = client.etag_cache.get(key)
    if cached is not None:
        kwargs["headers"]["If-None-Match"] = cached.etag
    return key, cached


def sync_detailed(
    client_id: int, *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[ClientRecord]:
    """sync() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(client_id=client_id)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    key, cached = _conditional(client, kwargs)
    response = client.send(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    if response.status_code == 304 and cached is not None:
        return _from_cache(response, cached)
    return _remember(client, key, response)


def sync(client_id: int, *, client: AuthenticatedClient) -> ClientRecord:
    """Get a client

    The client with this id. The answer carries an `ETag`; send it back in `If-None-Match` and, while
    the client is unchanged, the answer is 304 with no body.

    The answer is remembered with its ETag: asked again, the client sends If-None-Match and, on 304,
    returns the cached object.

    Args:
        client_id (int):

    Raises:
        errors.BadRequestError: 400.
        errors.AuthenticationError: 401.
        errors.NotFoundError: 404.
        errors.RateLimitedError: 429.
        errors.InternalServerError: 500.
        errors.BadGatewayError: 502.
        errors.ServiceUnavailableError: 503.
        errors.APIConnectionError: No answer, after the client's retries.

    Returns:
        ClientRecord
    """

    return sync_detailed(client_id=client_id, client=client).parsed


async def asyncio_detailed(
    client_id: int, *, client: AuthenticatedClient, options: RequestOptions | None = None
) -> Response[ClientRecord]:
    """asyncio() answering the Response: status, headers, content and the parsed object; `options`: a call's timeout, extra headers and query."""
    kwargs = _get_kwargs(client_id=client_id)
    if options is not None:  # a call's timeout=, extra_headers=, extra_query=
        options.apply(kwargs)
    key, cached = _conditional(client, kwargs)
    response = await client.asend(kwargs, idempotent=IDEMPOTENT, authenticated=_OPERATION.authenticated)
    if response.status_code == 304 and cached is not None:
        return _from_cache(response, cached)
    return _remember(client, key, response)


async def asyncio(client_id: int, *, client: AuthenticatedClient) -> ClientRecord:
    """sync(), for asyncio."""
    return (await asyncio_detailed(client_id=client_id, client=client)).parsed

"""The runtime of the generated Python client, as plain Python.

`rstar-spec generate` copies this package into the client as `reception_star/_runtime/` and binds
it to the spec in the client's `client.py` (base URL, User-Agent, token endpoint, operations).
Here it is imported, linted, type-checked and unit-tested on its own (tests/client_runtime/).

- _errors.py       the exception tree, and the exception of an error answer
- _retry.py        RetryPolicy: what is sent again, after how long
- _etag_cache.py   ETagCache: conditional GETs
- _spec.py         the types of what the runtime needs of the spec (TokenEndpoint, Operation, Pagination,
                   SecretNames)
- _auth.py         credentials, and the token's lifecycle without I/O
- _async/_flows.py the token flow and the retry loop for asyncio: the source of _sync/_flows.py (unasync)
- _clients.py      Client, AuthenticatedClient, TokenAuth, StaticToken
- _pagination.py   where the next page starts
- _async/_pages.py AsyncPage (and SyncPage, made from it): a page, and every item after it, lazily
- _body.py         an answer's body read within bounds: max_response_bytes, and the call's deadline
- _har.py          HarRecorder: record= (or $RSTAR_RECORD) writes every exchange as HAR 1.2, secrets redacted
- _carriable.py    what a header and a JSON body can carry: secrets refused before anything is sent
- _options.py      RequestOptions: a call's timeout=, extra_headers=, extra_query=
- _raw.py          RawResponse: `.with_raw_response` answers
- _page_request.py AsyncPageRequest: an async list() that is awaited or iterated
- _resource.py     SyncResource, AsyncResource: the base of the generated resources, parsed or raw answers
"""

from ._async._pages import AsyncPage
from ._auth import ApiKey, Credentials, Password, TokenLifecycle
from ._body import DEFAULT_MAX_RESPONSE_BYTES
from ._clients import API_KEY_ENV, BASE_URL_ENV, DEFAULT_TIMEOUT, AuthenticatedClient, Client, StaticToken, TokenAuth
from ._etag_cache import CachedAnswer, ETagCache
from ._har import DEFAULT_RECORD_MAX_BYTES, RECORD_ENV, HarRecorder
from ._options import RequestOptions, options
from ._page_request import AsyncPageRequest
from ._raw import RawResponse
from ._resource import (
    AsyncResource,
    SyncResource,
    answers_raw,
    answers_raw_async,
    keyword_body,
    pages_raw,
    pages_raw_async,
)
from ._retry import RetryPolicy
from ._spec import Operation, Pagination, SecretNames, TokenEndpoint
from ._sync._pages import SyncPage

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_RECORD_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "RECORD_ENV",
    "ApiKey",
    "AsyncPage",
    "AsyncPageRequest",
    "AsyncResource",
    "AuthenticatedClient",
    "CachedAnswer",
    "Client",
    "Credentials",
    "ETagCache",
    "HarRecorder",
    "Operation",
    "Pagination",
    "Password",
    "RawResponse",
    "RequestOptions",
    "RetryPolicy",
    "SecretNames",
    "StaticToken",
    "SyncPage",
    "SyncResource",
    "TokenAuth",
    "TokenEndpoint",
    "TokenLifecycle",
    "answers_raw",
    "answers_raw_async",
    "keyword_body",
    "options",
    "pages_raw",
    "pages_raw_async",
]

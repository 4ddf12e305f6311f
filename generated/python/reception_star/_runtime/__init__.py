"""The runtime of the generated Python client, as plain Python.

`rstar-spec generate` copies this package into the client as `reception_star/_runtime/` and binds
it to the spec in the client's `client.py` (base URL, User-Agent, token endpoint, operations).
Here it is imported, linted, type-checked and unit-tested on its own (tests/client_runtime/).

- _errors.py       the exception tree, and the exception of an error answer
- _retry.py        RetryPolicy: what is sent again, after how long
- _etag_cache.py   ETagCache: conditional GETs
- _spec.py         the types of what the runtime needs of the spec (TokenEndpoint, Operation, Pagination)
- _auth.py         credentials, and the token's lifecycle without I/O
- _async/_flows.py the token flow and the retry loop for asyncio: the source of _sync/_flows.py (unasync)
- _clients.py      Client, AuthenticatedClient, TokenAuth, StaticToken
- _pagination.py   where the next page starts
"""

from ._auth import ApiKey, Credentials, Password, TokenLifecycle
from ._clients import API_KEY_ENV, BASE_URL_ENV, DEFAULT_TIMEOUT, AuthenticatedClient, Client, StaticToken, TokenAuth
from ._etag_cache import CachedAnswer, ETagCache
from ._retry import RetryPolicy
from ._spec import Operation, Pagination, TokenEndpoint

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_TIMEOUT",
    "ApiKey",
    "AuthenticatedClient",
    "CachedAnswer",
    "Client",
    "Credentials",
    "ETagCache",
    "Operation",
    "Pagination",
    "Password",
    "RetryPolicy",
    "StaticToken",
    "TokenAuth",
    "TokenEndpoint",
    "TokenLifecycle",
]

"""The spec's facts the client runtime needs, and the clients bound to them.

Written by ``rstar-spec generate`` from the overlaid spec: the runtime itself (``_runtime/``:
retries, tokens, the ETag cache, the exceptions) is plain Python that knows no spec; this module
tells it the server, the token endpoint and what each operation allows.
"""

from __future__ import annotations

import sys

import httpx

from ._runtime import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_TIMEOUT,
    ApiKey,
    CachedAnswer,
    ETagCache,
    Operation,
    Password,
    RetryPolicy,
    SecretNames,
    StaticToken,
)
from ._runtime import AuthenticatedClient as _AuthenticatedClient
from ._runtime import Client as _Client

__version__ = "1.0.0"
DEFAULT_BASE_URL = "https://notes.example.test/v1"
USER_AGENT = (
    f"reception-star-client/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]} httpx/{httpx.__version__}"
)

OPERATIONS: dict[str, Operation] = {
    "create_note": Operation(
        idempotent=False,
        authenticated=True,
        etag_cache=False,
    ),
    "delete_note": Operation(
        idempotent=True,
        authenticated=True,
        etag_cache=False,
    ),
    "get_note": Operation(
        idempotent=True,
        authenticated=True,
        etag_cache=False,
    ),
    "get_status": Operation(
        idempotent=True,
        authenticated=False,
        etag_cache=False,
    ),
    "list_notes": Operation(
        idempotent=True,
        authenticated=True,
        etag_cache=False,
    ),
}
"""What each operation allows: sent again after a 502/503 or a broken connection, a token, the ETag cache, pages."""

SECRET_NAMES = SecretNames(
    names=frozenset(
        {
            "apikey",
            "auth",
            "authorization",
            "cookie",
            "jsessionid",
            "jwt",
            "key",
            "otp",
            "passphrase",
            "passwd",
            "password",
            "phpsessid",
            "privatekey",
            "proxyauthorization",
            "pwd",
            "secret",
            "sessionid",
            "setcookie",
            "sig",
            "signature",
            "token",
        }
    ),
    endings=(
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "privatekey",
        "accesskey",
        "secretkey",
        "signature",
    ),
)
"""What a recording (record=) redacts by name: headers, query parameters and fields so named, compared lower
case without - and _ (rstar-spec's one list, with the spec's writeOnly and password properties)."""


class Client(_Client):
    __doc__ = _Client.__doc__
    default_base_url = DEFAULT_BASE_URL
    user_agent = USER_AGENT
    secret_names = SECRET_NAMES


class AuthenticatedClient(_AuthenticatedClient, Client):
    __doc__ = _AuthenticatedClient.__doc__


__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "OPERATIONS",
    "SECRET_NAMES",
    "USER_AGENT",
    "ApiKey",
    "AuthenticatedClient",
    "CachedAnswer",
    "Client",
    "ETagCache",
    "Password",
    "RetryPolicy",
    "StaticToken",
    "__version__",
]

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
    Pagination,
    Password,
    RetryPolicy,
    SecretNames,
    StaticToken,
    TokenEndpoint,
)
from ._runtime import AuthenticatedClient as _AuthenticatedClient
from ._runtime import Client as _Client
from ._runtime import TokenAuth as _TokenAuth
from .models.error import Error

__version__ = "4.0.0"
DEFAULT_BASE_URL = "https://my.receptionstar.com/api/v3"
USER_AGENT = (
    f"reception-star-client/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]} httpx/{httpx.__version__}"
)

OPERATIONS: dict[str, Operation] = {
    "create_client": Operation(
        idempotent=False,
        authenticated=True,
        etag_cache=False,
    ),
    "create_token": Operation(
        idempotent=False,
        authenticated=False,
        etag_cache=False,
    ),
    "delete_client": Operation(
        idempotent=True,
        authenticated=True,
        etag_cache=False,
    ),
    "get_client": Operation(
        idempotent=True,
        authenticated=True,
        etag_cache=True,
    ),
    "get_heart": Operation(
        idempotent=True,
        authenticated=False,
        etag_cache=False,
    ),
    "list_clients": Operation(
        idempotent=True,
        authenticated=True,
        etag_cache=False,
        pagination=Pagination(
            offset_param="offset",
            items_attr="data",
            total_attr="total",
        ),
    ),
    "replace_client": Operation(
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

TOKEN_ENDPOINT = TokenEndpoint(
    path="/auth",
    method="POST",
    grants={
        "api_key": {"api_key": "{api_key}", "grant_type": "api_key"},
        "password": {"grant_type": "password", "password": "{password}", "username": "{username}"},
        "refresh": {"grant_type": "refresh_token", "refresh_token": "{refresh_token}"},
    },
    token_field="token",
    refresh_token_field="refresh_token",
    expires_in_field="expires_in",
    error_bodies={
        400: Error.from_dict,
        401: Error.from_dict,
        429: Error.from_dict,
        500: Error.from_dict,
        502: Error.from_dict,
        503: Error.from_dict,
    },
)
"""Where bearer tokens come from: POST /auth."""


class TokenAuth(_TokenAuth):
    __doc__ = _TokenAuth.__doc__
    endpoint = TOKEN_ENDPOINT
    user_agent = USER_AGENT


class Client(_Client):
    __doc__ = _Client.__doc__
    default_base_url = DEFAULT_BASE_URL
    user_agent = USER_AGENT
    secret_names = SECRET_NAMES


class AuthenticatedClient(_AuthenticatedClient, Client):
    __doc__ = _AuthenticatedClient.__doc__
    token_auth = TokenAuth
    token_path = TOKEN_ENDPOINT.path


__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "OPERATIONS",
    "SECRET_NAMES",
    "TOKEN_ENDPOINT",
    "USER_AGENT",
    "ApiKey",
    "AuthenticatedClient",
    "CachedAnswer",
    "Client",
    "ETagCache",
    "Password",
    "RetryPolicy",
    "StaticToken",
    "TokenAuth",
    "__version__",
]

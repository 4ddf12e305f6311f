"""A client library for accessing Reception Star API.

Start with ``AuthenticatedClient()`` (it reads ``RSTAR_API_KEY``) and the functions of
``reception_star.api``; see the README for the behaviours they share.
"""

from . import errors
from .client import (
    DEFAULT_BASE_URL,
    USER_AGENT,
    ApiKey,
    AuthenticatedClient,
    CachedAnswer,
    Client,
    ETagCache,
    Password,
    RetryPolicy,
    StaticToken,
    TokenAuth,
    __version__,
)
from .types import UNSET, Response, Unset

__all__ = (
    "ApiKey",
    "AuthenticatedClient",
    "CachedAnswer",
    "Client",
    "DEFAULT_BASE_URL",
    "ETagCache",
    "Password",
    "Response",
    "RetryPolicy",
    "StaticToken",
    "TokenAuth",
    "UNSET",
    "USER_AGENT",
    "Unset",
    "__version__",
    "errors",
)

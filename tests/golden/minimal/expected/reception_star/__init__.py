"""A client library for accessing Notes.

Start with ``ReceptionStar()`` (it reads ``RSTAR_API_KEY``): an attribute per
tag, a method per operation. The same operations are functions in ``reception_star.api``;
see the README for the behaviours they share.
"""

from . import errors
from .api import AsyncReceptionStar, ReceptionStar
from .client import (
    DEFAULT_BASE_URL,
    USER_AGENT,
    AuthenticatedClient,
    CachedAnswer,
    Client,
    ETagCache,
    RetryPolicy,
    StaticToken,
    __version__,
)
from .types import UNSET, Response, Unset

__all__ = (
    "AsyncReceptionStar",
    "AuthenticatedClient",
    "CachedAnswer",
    "Client",
    "DEFAULT_BASE_URL",
    "ETagCache",
    "ReceptionStar",
    "Response",
    "RetryPolicy",
    "StaticToken",
    "UNSET",
    "USER_AGENT",
    "Unset",
    "__version__",
    "errors",
)

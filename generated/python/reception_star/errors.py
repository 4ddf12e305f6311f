"""The exceptions of the client: every one is a ReceptionStarError.

::

    ReceptionStarError
    ├── ConfigurationError           no credentials, or options that make no sense
    ├── APIConnectionError           no answer: the connection failed or broke (httpx's error is __cause__)
    │   └── APITimeoutError          no answer in time
    └── APIStatusError               the API answered an error status: .status_code, .headers, .body, .code, .message
        ├── BadRequestError          400; .field_errors says what is wrong with which field
        ├── AuthenticationError      401; .reason is the machine-readable code (token_expired, invalid_api_key, ... or one not known yet)
        ├── PermissionDeniedError    403: a read-only API key may read but not write
        ├── NotFoundError            404
        ├── RateLimitedError         429; .retry_after is the server's wait in seconds
        ├── ServerError              5xx
        │   ├── InternalServerError  500
        │   ├── BadGatewayError      502
        │   └── ServiceUnavailableError  503; .retry_after when the server sent one
        └── UnexpectedStatus         a status the spec does not document for the operation


Messages name the status, the error code and the server's message; they never
contain credentials or tokens, and neither do the exceptions' attributes (the
request, whose body may carry an API key, is not kept).
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from .models.error import Error
from .models.field_error import FieldError
from .types import UNSET

ErrorBody = Error
"""The parsed body of an error answer, as the spec declares it."""


class ReceptionStarError(Exception):
    """The root of every exception the client raises on purpose."""


class ConfigurationError(ReceptionStarError):
    """The client cannot be used as configured: no credentials, or options that make no sense."""


class APIConnectionError(ReceptionStarError):
    """The request got no answer; the httpx exception is the __cause__."""


class APITimeoutError(APIConnectionError):
    """The request got no answer in time."""


class APIStatusError(ReceptionStarError):
    """The API answered with an error status."""

    def __init__(self, status_code: int, headers: httpx.Headers, content: bytes, body: ErrorBody | None) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.body = body
        super().__init__(self._describe())

    @property
    def code(self) -> str | None:
        """The machine-readable error code of the body (`not_found`, `token_expired`, ...), if it has one."""
        if self.body is None:
            return None
        return str(self.body.code)

    @property
    def message(self) -> str:
        """The server's message for people, or the status phrase when the body has none."""
        if self.body is not None:
            return self.body.message
        try:
            return httpx.codes.get_reason_phrase(self.status_code) or "error"
        except ValueError:
            return "error"

    def _describe(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.status_code}{code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class BadRequestError(APIStatusError):
    """400: the request is malformed or a field is invalid."""

    @property
    def field_errors(self) -> list[FieldError]:
        """What is wrong with which field; empty when the server did not say."""
        errors = getattr(self.body, "errors", UNSET)
        return [e for e in errors if isinstance(e, FieldError)] if isinstance(errors, list) else []


class AuthenticationError(APIStatusError):
    """401: no valid credentials or token; .reason says which."""

    @property
    def reason(self) -> str | None:
        """The reason code: user_not_found, password_incorrect, token_expired, invalid_api_key, ... (an open list:
        a code the spec does not name is kept as the server sent it)."""
        return self.code


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this (a read-only API key may not write)."""


class NotFoundError(APIStatusError):
    """404: nothing has this id, or it is not visible to this account."""


class _RetryAfter:
    headers: httpx.Headers

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait (its Retry-After header), or None."""
        return parse_retry_after(self.headers.get("Retry-After"))


class RateLimitedError(_RetryAfter, APIStatusError):
    """429: too many requests; wait .retry_after seconds."""


class ServerError(APIStatusError):
    """5xx: the server failed."""


class InternalServerError(ServerError):
    """500."""


class BadGatewayError(ServerError):
    """502: a server on the way failed."""


class ServiceUnavailableError(_RetryAfter, ServerError):
    """503: resend the request later (.retry_after seconds, when the server says)."""


class UnexpectedStatus(APIStatusError):
    """A status the spec does not document for the operation (for example a 202, or a redirect)."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitedError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
}

ERROR_BODIES: dict[int, Callable[[Mapping[str, Any]], ErrorBody]] = {
    400: Error.from_dict,
    401: Error.from_dict,
    403: Error.from_dict,
    404: Error.from_dict,
    429: Error.from_dict,
    500: Error.from_dict,
    502: Error.from_dict,
    503: Error.from_dict,
}
"""How the body of each error status is parsed, as most operations declare it."""


def parse_retry_after(value: str | None) -> float | None:
    """A Retry-After header in seconds: delay-seconds or an HTTP date (RFC 9110); None when absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def from_response(
    response: httpx.Response, parse_body: Callable[[Mapping[str, Any]], ErrorBody] | None = None
) -> APIStatusError:
    """The exception for an error answer; its body parsed with parse_body (default: ERROR_BODIES)."""
    status = response.status_code
    parse = parse_body or ERROR_BODIES.get(status)
    body: ErrorBody | None = None
    if parse is not None:
        try:
            data = json.loads(response.content)
            body = parse(data) if isinstance(data, dict) else None
        except (ValueError, KeyError, TypeError):  # not JSON, or not the declared shape (a proxy's HTML page)
            body = None
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else APIStatusError)
    return cls(status, response.headers, response.content, body)


def unexpected_status(response: httpx.Response) -> UnexpectedStatus:
    return UnexpectedStatus(response.status_code, response.headers, response.content, None)


def connection_error(error: httpx.TransportError) -> APIConnectionError:
    """Our exception for httpx's; raise it `from error`."""
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    return cls(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "ConfigurationError",
    "ErrorBody",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReceptionStarError",
    "ServerError",
    "ServiceUnavailableError",
    "UnexpectedStatus",
]

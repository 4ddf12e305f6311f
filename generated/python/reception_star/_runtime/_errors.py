"""The exceptions of the client: every one is a ReceptionStarError.

::

    ReceptionStarError
    ├── ConfigurationError           no credentials, options that make no sense, or a closed client
    ├── APIConnectionError           no answer: the connection failed or broke (httpx's error named in the message)
    │   ├── APITimeoutError          no answer in time: a read, or the whole call, took longer than its timeout
    │   └── TooManyRedirectsError    redirects that never end (follow_redirects=True)
    ├── APIResponseError             an answer that cannot be used: .status_code, .headers (never its body)
    │   ├── ResponseDecodingError    not the documented shape: not JSON, an HTML page, a missing field, a wrong type
    │   └── ResponseTooLargeError    a body larger than the client's max_response_bytes (16 MiB by default)
    ├── PaginationError              pages that contradict each other: .reason (offset_ignored, page_repeated, total_grew, not_a_page)
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
contain credentials or tokens, and neither do the exceptions' attributes nor their
causes (the request, whose body may carry an API key, is not kept; an answer that cannot
be decoded keeps no body and no chained exception, since a JSONDecodeError holds the text).
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import httpx


class ErrorBody(Protocol):
    """The parsed body of an error answer: a model of the spec with a code and a message."""

    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...


ParseErrorBody = Callable[[Mapping[str, Any]], ErrorBody]


class FieldErrorLike(Protocol):
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...


class ReceptionStarError(Exception):
    """The root of every exception the client raises on purpose."""


class ConfigurationError(ReceptionStarError):
    """The client cannot be used as configured: no credentials, options that make no sense, or closed."""


class APIConnectionError(ReceptionStarError):
    """The request got no answer. The httpx exception's kind and message are kept; the exception itself
    is not (its request, which may carry an API key in its body, would go with it)."""


class APITimeoutError(APIConnectionError):
    """The request got no answer in time."""


class TooManyRedirectsError(APIConnectionError):
    """The server redirected more often than httpx follows (follow_redirects=True): a redirect loop."""


class APIResponseError(ReceptionStarError):
    """The API answered, and the answer cannot be used. It keeps the status and the headers, never the
    body (a token endpoint's answer holds tokens), nor the exception that found the fault."""

    def __init__(self, message: str, status_code: int, headers: httpx.Headers) -> None:
        self.status_code = status_code
        self.headers = headers
        super().__init__(message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ResponseDecodingError(APIResponseError):
    """The answer is not what the spec documents: not JSON (an HTML page, truncated), not the shape
    (a list for an object, a required field missing, a wrong type), or a number beyond Python's limits."""


class ResponseTooLargeError(APIResponseError):
    """The body is larger than the client's ``max_response_bytes``; it was not read further."""


class PaginationError(ReceptionStarError):
    """The pages of a list contradict each other, so walking on would never end or yield items twice.

    ``reason`` is ``offset_ignored`` (the page echoes another offset than the one asked), ``page_repeated``
    (a page holds the same items as the one before), ``total_grew`` (``total`` grew past the bound while
    the list was read), or ``not_a_page`` (its items are not a list, or its total not an integer);
    ``offset`` is where the walk stopped."""

    def __init__(self, message: str, *, reason: str, offset: int) -> None:
        self.reason = reason
        self.offset = offset
        super().__init__(message)


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
        return None if self.body is None else str(self.body.code)

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
    def field_errors(self) -> list[FieldErrorLike]:
        """What is wrong with which field; empty when the server did not say."""
        errors = getattr(self.body, "errors", None)
        if not isinstance(errors, list):
            return []
        return [e for e in errors if isinstance(getattr(e, "field", None), str)]


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


BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitedError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
}
"""The one map of status to exception: the client raises by it, the generated docstrings name its classes."""


def error_class(status: int) -> type[APIStatusError]:
    """The exception of an error status: BY_STATUS's, else ServerError for a 5xx, else APIStatusError."""
    return BY_STATUS.get(status) or (ServerError if status >= 500 else APIStatusError)


def parse_retry_after(value: str | None) -> float | None:
    """A Retry-After header in seconds: delay-seconds or an HTTP date (RFC 9110); None when absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def from_response(
    response: httpx.Response, parse_body: ParseErrorBody | None = None, *, content: bytes | None = None
) -> APIStatusError:
    """The exception for an error answer, its body parsed with parse_body (the operation's model of it).

    A body that is not JSON, or not the declared shape (a proxy's HTML page), leaves .body None;
    the raw bytes stay in .content (`content`, when given: the body with the secrets it quoted replaced)."""
    status = response.status_code
    content = response.content if content is None else content
    body: ErrorBody | None = None
    if parse_body is not None:
        try:
            data = json.loads(content)
            body = parse_body(data) if isinstance(data, dict) else None
        except (ValueError, KeyError, TypeError):
            body = None
    return error_class(status)(status, response.headers, content, body)


def unexpected_status(response: httpx.Response, *, keep_body: bool = True) -> UnexpectedStatus:
    """The exception of an undocumented status; without the body when it may hold secrets (a token answer)."""
    return UnexpectedStatus(response.status_code, response.headers, response.content if keep_body else b"", None)


def _what_went_wrong(error: Exception) -> str:
    # Only the kind of fault, never the exception's text: a JSONDecodeError holds the whole body, and a
    # ValueError of int() or of a date parser quotes the value, which may be a secret.
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON ({error.msg} at character {error.pos})"
    if isinstance(error, KeyError) and error.args and isinstance(error.args[0], str) and error.args[0].isidentifier():
        return f"the required field {error.args[0]!r} is missing"
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        return "a number with more digits than Python converts"
    return f"not the documented shape ({type(error).__name__})"


def decoding_error(response: httpx.Response, error: Exception, what: str = "") -> ResponseDecodingError:
    """The ResponseDecodingError of an answer a parser refused with `error`. Raise it outside the
    `except` block (or `from None` there) so that `error`, which may quote the body, is not chained."""
    try:
        where = f" of {response.request.method} {response.request.url.path}"
    except RuntimeError:  # an answer made here (the ETag cache's), which has no request
        where = ""
    content_type = response.headers.get("content-type", "no content type")
    try:
        size = f"{len(response.content)} bytes"
    except httpx.ResponseNotRead:  # its Content-Encoding did not decode
        size = f"Content-Encoding {response.headers.get('content-encoding', 'none')}"
    return ResponseDecodingError(
        f"the {response.status_code} answer{where}{f' ({what})' if what else ''} cannot be decoded:"
        f" {_what_went_wrong(error)}; {content_type}, {size}",
        response.status_code,
        response.headers,
    )


# What a parser raises on input that is not the shape it expects (RecursionError: JSON nested too deep).
DECODING_FAULTS = (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError, RecursionError)

T = TypeVar("T")


def decoded(parse: Callable[[httpx.Response], T], response: httpx.Response) -> T:
    """What `parse` (an operation's parser) makes of the answer; a ResponseDecodingError when the answer
    is not what it expects (a ReceptionStarError it raises, such as an error status, goes through)."""
    try:
        return parse(response)
    except ReceptionStarError:
        raise
    except DECODING_FAULTS as exc:
        fault: Exception = exc
    raise decoding_error(response, fault)  # outside the handler: nothing chained


def connection_error(error: httpx.RequestError) -> APIConnectionError:
    """Our exception for httpx's. Raise it `from None`: httpx's exception holds the request, and the
    request's body may hold credentials (a token request's API key)."""
    if isinstance(error, httpx.TooManyRedirects):
        return TooManyRedirectsError(f"TooManyRedirects: {error}")
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    if isinstance(error, httpx.LocalProtocolError):  # its message quotes the header it refused
        return cls("LocalProtocolError: the request could not be sent as it is")
    return cls(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)


__all__ = [
    "BY_STATUS",
    "DECODING_FAULTS",
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "ConfigurationError",
    "ErrorBody",
    "FieldErrorLike",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "ParseErrorBody",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReceptionStarError",
    "ResponseDecodingError",
    "ResponseTooLargeError",
    "ServerError",
    "ServiceUnavailableError",
    "TooManyRedirectsError",
    "UnexpectedStatus",
    "connection_error",
    "decoded",
    "decoding_error",
    "error_class",
    "from_response",
    "parse_retry_after",
    "unexpected_status",
]

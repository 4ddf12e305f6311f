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
causes. The classes, and the one map of status to exception (``BY_STATUS``), are
the runtime's (``_runtime/_errors.py``).
"""

from ._runtime._errors import (
    BY_STATUS,
    DECODING_FAULTS,
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConfigurationError,
    ErrorBody,
    FieldErrorLike,
    InternalServerError,
    NotFoundError,
    PaginationError,
    ParseErrorBody,
    PermissionDeniedError,
    RateLimitedError,
    ReceptionStarError,
    ResponseDecodingError,
    ResponseTooLargeError,
    ServerError,
    ServiceUnavailableError,
    TooManyRedirectsError,
    UnexpectedStatus,
    connection_error,
    decoded,
    decoding_error,
    error_class,
    from_response,
    parse_retry_after,
    unexpected_status,
)

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BY_STATUS",
    "BadGatewayError",
    "BadRequestError",
    "ConfigurationError",
    "DECODING_FAULTS",
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

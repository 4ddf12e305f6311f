"""What a header and a JSON body can carry: a secret that cannot go out as it is (a token read from a
file with its newline, a non-ASCII character) is refused before anything is sent, and the refusal
names the kind of character and its position, never the value."""

from __future__ import annotations

from collections.abc import Mapping

from ._errors import ConfigurationError


def _kind(char: str) -> str:
    if char in "\r\n":
        return "a line break"
    if char in " \t":
        return "whitespace"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "a lone surrogate (text that is not Unicode)"
    if not char.isascii():
        return "a non-ASCII character"
    return "a control character"


def bearer_problem(token: str) -> str | None:
    """Why `token` cannot follow "Bearer " in a header (RFC 6750 tokens are printable ASCII), or None."""
    if not token:
        return "it is empty"
    for position, char in enumerate(token):
        if not "\x21" <= char <= "\x7e":
            return f"it holds {_kind(char)} at position {position}"
    return None


def body_problem(value: str) -> str | None:
    """Why `value` cannot go into a JSON body as a credential (control characters: a file's newline;
    lone surrogates: not encodable as UTF-8), or None."""
    for position, char in enumerate(value):
        if char < "\x20" or char == "\x7f" or 0xD800 <= ord(char) <= 0xDFFF:
            return f"it holds {_kind(char)} at position {position}"
    return None


def header_problem(value: str) -> str | None:
    """Why `value` cannot be sent as a header value (httpx sends ASCII; h11 refuses line breaks,
    control characters and whitespace at either end), or None."""
    if value != value.strip(" \t"):
        return "it begins or ends with whitespace"
    for position, char in enumerate(value):
        if not ("\x20" <= char <= "\x7e" or char == "\t"):
            return f"it holds {_kind(char)} at position {position}"
    return None


def check_bearer(token: str, what: str = "the token") -> None:
    problem = bearer_problem(token)
    if problem is not None:
        raise ConfigurationError(f"{what} cannot be sent in an Authorization header: {problem} (a token read "
                                 "from a file often ends in a newline: strip it)")  # fmt: skip


def check_credential(value: str, what: str) -> None:
    problem = body_problem(value)
    if problem is not None:
        raise ConfigurationError(f"{what} cannot be sent: {problem} (a value read from a file often ends "
                                 "in a newline: strip it)")  # fmt: skip


def check_headers(headers: Mapping[str, str], where: str) -> None:
    """Refuse a header no request can carry, naming the header, not its value (it may be a secret)."""
    for name, value in headers.items():
        if not name or header_problem(name) or any(c in name for c in " \t:"):
            raise ConfigurationError(f"{where}: a header name that cannot be sent")
        problem = header_problem(value)
        if problem is not None:
            raise ConfigurationError(f"{where}: the header {name!r} cannot be sent: {problem}")

"""Credentials and the bearer token's lifecycle, apart from the flows that send (_async/_flows.py,
and _sync/_flows.py made from it): the renewal is sans-IO, a generator of the requests to send."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Mapping
from typing import ClassVar

import httpx

from ._carriable import bearer_problem, body_problem, check_credential
from ._errors import DECODING_FAULTS, ConfigurationError, decoding_error, from_response, unexpected_status
from ._spec import TokenEndpoint

_log = logging.getLogger("reception_star")


def shown_url(url: str) -> str:
    """url as a repr may show it: without the password of a `user:pass@` URL."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(password="***")) if parsed.password else url


class Credentials:
    """What a token is obtained with; its repr never shows a secret."""

    __slots__ = ()
    kind: ClassVar[str]

    def values(self) -> Mapping[str, str]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(***)"


class ApiKey(Credentials):
    """An API key: what the API is meant to be used with."""

    __slots__ = ("_api_key",)
    kind = "api_key"

    def __init__(self, api_key: str) -> None:
        if not api_key:
            raise ConfigurationError("the API key is empty")
        check_credential(api_key, "the API key")
        self._api_key = api_key

    def values(self) -> Mapping[str, str]:
        return {"api_key": self._api_key}


class Password(Credentials):
    """A username and password (the API prefers API keys)."""

    __slots__ = ("_password", "username")
    kind = "password"

    def __init__(self, username: str, password: str) -> None:
        if not username or not password:
            raise ConfigurationError("the username and the password must both be given")
        check_credential(username, "the username")
        check_credential(password, "the password")
        self.username = username
        self._password = password

    def values(self) -> Mapping[str, str]:
        return {"username": self.username, "password": self._password}

    def __repr__(self) -> str:
        return f"Password(username={self.username!r}, password=***)"


class _Token:
    __slots__ = ("bearer", "expires_at", "lifetime")

    def __init__(self, bearer: str, expires_at: float, lifetime: float) -> None:
        self.bearer = bearer
        self.expires_at = expires_at
        self.lifetime = lifetime

    def __repr__(self) -> str:
        return "_Token(***)"


class TokenLifecycle:
    """The state of a TokenAuth and the algorithm of its flows, without the I/O.

    - Before a request, a token that is missing or within ``refresh_margin`` seconds
      of its ``expires_in`` (at most half its lifetime) is renewed: with the refresh
      token when there is one, with the credentials when there is none or it is refused.
    - Any 401 ("Not Authorized", whatever its code: the reasons are an open list)
      renews the token once and sends the request again, once.
    - A refresh that fails for another reason (429, 5xx, no answer) keeps the refresh
      token for the next renewal; only a 401 spends it.
    - Concurrent requests share one renewal: the first takes a lock and renews,
      the others wait and use its token (a lock per flavour: threads, and asyncio
      per event loop).

    Credentials and tokens never appear in repr, logs or exception messages.
    """

    endpoint: ClassVar[TokenEndpoint]
    user_agent: ClassVar[str] = "reception-star-client"

    def __init__(
        self,
        credentials: Credentials,
        token_url: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if credentials.kind not in self.endpoint.grants:
            raise ConfigurationError(f"the API issues no token for {type(credentials).__name__}")
        self._credentials = credentials
        self._token_url = token_url
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._token: _Token | None = None
        self._refresh_token: str | None = None
        self._thread_lock = threading.Lock()
        self._loop_lock: asyncio.Lock | None = None
        self._loop_lock_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._credentials!r}, token_url={shown_url(self._token_url)!r})"

    def secret_values(self) -> list[str]:
        """The credentials' secrets and the current tokens: what a recording redacts wherever it appears."""
        values = [v for k, v in self._credentials.values().items() if k != "username"]
        if self._token is not None:
            values.append(self._token.bearer)
        if self._refresh_token:
            values.append(self._refresh_token)
        return values

    @property
    def expires_in(self) -> float | None:
        """Seconds until the current token expires, or None before the first one."""
        return None if self._token is None else self._token.expires_at - self._clock()

    def _stale(self) -> bool:
        token = self._token
        if token is None:
            return True
        return self._clock() >= token.expires_at - min(self._refresh_margin, token.lifetime / 2)

    @staticmethod
    def _rejected(response: httpx.Response) -> bool:
        return response.status_code == 401

    def _needs_renewal(self, used: _Token | None) -> bool:
        if used is None:  # before the first send
            return self._stale()
        return self._token is used or self._token is None  # after a 401: unless another request renewed it

    def _token_request(self, request: httpx.Request, body: dict[str, str]) -> httpx.Request:
        token_request = httpx.Request(
            self.endpoint.method.upper(),
            self._token_url,
            json=body,
            headers={"User-Agent": request.headers.get("User-Agent", self.user_agent), "Accept": "application/json"},
        )
        if "timeout" in request.extensions:
            token_request.extensions["timeout"] = request.extensions["timeout"]
        return token_request

    def _renew(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Get a new token: the refresh grant first when there is a refresh token, else the credentials."""
        self._token = None
        if self._refresh_token:
            _log.debug("refreshing the access token")
            refresh = self.endpoint.grant("refresh", {"refresh_token": self._refresh_token})
            response = yield self._token_request(request, refresh)
            if response.is_success:  # any 2xx is success (the contract page)
                self._store(response)
                return
            if response.status_code != 401:  # 429, 5xx: the caller sees it; the refresh token is kept
                raise self._refused(response)
            self._refresh_token = None
            _log.debug("the refresh token was refused (%s); using the credentials", response.status_code)
        _log.debug("requesting an access token")
        response = yield self._token_request(
            request, self.endpoint.grant(self._credentials.kind, self._credentials.values())
        )
        if not response.is_success:
            raise self._refused(response)
        self._store(response)

    def _refused(self, response: httpx.Response) -> Exception:
        if response.status_code < 400:  # a redirect not followed, a 1xx: the body may hold tokens all the same
            return unexpected_status(response, keep_body=False)
        # A server may quote what it refused ("no such key: sk-..."): the error keeps its body, not the secrets.
        content = response.content
        for secret in self.secret_values():
            content = content.replace(secret.encode("utf-8"), b"[redacted]")
        return from_response(response, self.endpoint.error_bodies.get(response.status_code), content=content)

    def _store(self, response: httpx.Response) -> None:
        """Keep the token of a 200 answer. An answer that cannot be used is a ResponseDecodingError that
        holds neither the body nor the parser's exception: both may hold the tokens."""
        fault: Exception | None = None
        try:
            bearer, lifetime, refresh_token = self._read_token_answer(response)
        except DECODING_FAULTS as exc:
            fault = exc
        if fault is not None:
            raise decoding_error(response, fault, "a token answer")
        self._token = _Token(bearer, self._clock() + lifetime, lifetime)
        self._refresh_token = refresh_token

    def _read_token_answer(self, response: httpx.Response) -> tuple[str, float, str | None]:
        endpoint = self.endpoint
        data = json.loads(response.content)
        if not isinstance(data, dict):
            raise TypeError("not an object")
        bearer = data[endpoint.token_field]
        if not isinstance(bearer, str) or bearer_problem(bearer) is not None:
            raise ValueError("the token cannot be sent in a header")
        expires_in = data[endpoint.expires_in_field]
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float) or not 0 <= expires_in < 1e12:
            raise ValueError("expires_in is not a number of seconds")
        refresh_token = data.get(endpoint.refresh_token_field)
        if refresh_token is not None and (not isinstance(refresh_token, str) or body_problem(refresh_token)):
            raise ValueError("the refresh token cannot be sent back")
        return bearer, float(expires_in), refresh_token

    def _current(self) -> _Token:
        if self._token is None:  # only if _renew was interrupted
            raise ConfigurationError("no access token")
        return self._token

    def _sync_lock(self) -> threading.Lock:
        return self._thread_lock

    def _async_lock(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to one event loop; a script may asyncio.run() twice.
        loop = asyncio.get_running_loop()
        if self._loop_lock is None or self._loop_lock_loop is not loop:
            self._loop_lock, self._loop_lock_loop = asyncio.Lock(), loop
        return self._loop_lock

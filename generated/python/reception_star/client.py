"""The clients, and what they do for every operation: retries, tokens, conditional GETs.

Every function of ``api/`` builds its request and hands it to ``Client.send`` (or
``asend``), which sends it with the client's authentication and RetryPolicy. The
operations' own modules stay small; this is the runtime they share.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping
from typing import Any, Self

import httpx
from attrs import define, field

from . import errors

__version__ = "4.0.0"
DEFAULT_BASE_URL = "https://my.receptionstar.com/api/v3"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
USER_AGENT = (
    f"reception-star-client/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]} httpx/{httpx.__version__}"
)
BASE_URL_ENV = "RSTAR_BASE_URL"
API_KEY_ENV = "RSTAR_API_KEY"

_log = logging.getLogger("reception_star")

# -- retries ------------------------------------------------------------------------------

# httpx errors raised before a byte of the request left: retrying them is safe for any method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@define(frozen=True)
class RetryPolicy:
    """When a request is sent again, and after how long.

    - 429 (the API refused the request before acting on it): any method, after the
      server's Retry-After.
    - 503: idempotent methods (GET, PUT, DELETE) only, after Retry-After when the
      server sends one, else after the backoff.
    - 502, and a connection that broke after the request may have left: idempotent
      methods only, after the backoff. A POST is never sent twice once it may have
      reached the server.
    - A connection that could not be opened at all: any method, after the backoff.

    The backoff is ``min(backoff_cap, backoff_base * 2**retry)`` minus up to
    ``jitter`` of itself, at random, so that clients do not retry in step. A
    Retry-After longer than ``max_retry_after`` is not waited for: the error is
    raised with its ``retry_after`` for the caller to decide.
    """

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (0 for the first) when the server named none."""
        delay = min(self.backoff_cap, self.backoff_base * 2.0**retry)
        return delay * (1.0 - self.jitter * self.rand())

    def delay_after_response(self, response: httpx.Response, retry: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before sending again after this answer, or None to not retry."""
        if retry >= self.max_retries:
            return None
        status = response.status_code
        if status == 429 or (status == 503 and idempotent):
            retry_after = errors.parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None:
                return self.backoff(retry)
            return retry_after if retry_after <= self.max_retry_after else None
        if status == 502 and idempotent:
            return self.backoff(retry)
        return None

    def delay_after_error(self, error: httpx.TransportError, retry: int, *, idempotent: bool) -> float | None:
        """Seconds to wait before sending again after this transport error, or None to not retry."""
        if retry >= self.max_retries:
            return None
        if idempotent or isinstance(error, _NOT_SENT):
            return self.backoff(retry)
        return None


# -- conditional GET ----------------------------------------------------------------------


@define(frozen=True)
class CachedAnswer:
    etag: str
    content: bytes = field(repr=False)


class ETagCache:
    """The last answer of each cacheable GET, by URL, with its ETag.

    The client sends the ETag back in If-None-Match; on 304 the caller gets the
    object parsed afresh from the cached bytes (a model the caller changed does not
    leak into the next answer). Bounded: the least recently used entry goes first.
    Thread-safe; one cache may serve a client's sync and async calls alike.
    """

    def __init__(self, max_entries: int = 256) -> None:
        if max_entries < 1:
            raise errors.ConfigurationError("ETagCache(max_entries) must be at least 1; pass etag_cache=0 to disable")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: str, etag: str, content: bytes) -> None:
        with self._lock:
            self._entries[key] = CachedAnswer(etag, content)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"ETagCache(max_entries={self.max_entries}, entries={len(self)})"


# -- authentication -----------------------------------------------------------------------


class _Secret:
    """Holds a credential; its repr never shows it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(***)"

    def grant(self) -> dict[str, str]:
        raise NotImplementedError


class ApiKey(_Secret):
    """An API key: what the API is meant to be used with."""

    __slots__ = ("_api_key",)

    def __init__(self, api_key: str) -> None:
        if not api_key:
            raise errors.ConfigurationError("the API key is empty")
        self._api_key = api_key

    def grant(self) -> dict[str, str]:
        api_key = self._api_key
        return {"api_key": api_key, "grant_type": "api_key"}


class Password(_Secret):
    """A username and password (the API prefers API keys)."""

    __slots__ = ("_password", "username")

    def __init__(self, username: str, password: str) -> None:
        if not username or not password:
            raise errors.ConfigurationError("the username and the password must both be given")
        self.username = username
        self._password = password

    def __repr__(self) -> str:
        return f"Password(username={self.username!r}, password=***)"

    def grant(self) -> dict[str, str]:
        username, password = self.username, self._password
        return {"grant_type": "password", "password": password, "username": username}


Credentials = ApiKey | Password


def _refresh_grant(refresh_token: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": refresh_token}


class _Token:
    __slots__ = ("bearer", "expires_at", "lifetime", "refresh_token")

    def __init__(self, bearer: str, refresh_token: str | None, expires_at: float, lifetime: float) -> None:
        self.bearer = bearer
        self.refresh_token = refresh_token
        self.expires_at = expires_at
        self.lifetime = lifetime

    def __repr__(self) -> str:
        return "_Token(***)"


class TokenAuth(httpx.Auth):
    """Bearer tokens from POST /auth: obtained on first use, renewed before they expire, replaced after a 401.

    - Before a request, a token that is missing or within ``refresh_margin`` seconds
      of its ``expires_in`` (at most half its lifetime) is renewed: with the refresh
      token when there is one, with the credentials when there is none or it is refused.
    - Any 401 ("Not Authorized", whatever its code: the reasons are an open list)
      renews the token once and sends the request again, once.
    - Concurrent requests share one renewal: the first takes a lock and renews,
      the others wait and use its token (a lock per flavour: threads, asyncio).

    Credentials and tokens never appear in repr, logs or exception messages.
    """

    def __init__(
        self,
        credentials: Credentials,
        token_url: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._token_url = token_url
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._token: _Token | None = None
        self._thread_lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None
        self._async_lock_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"TokenAuth({self._credentials!r}, token_url={self._token_url!r})"

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

    def _token_request(self, request: httpx.Request, body: dict[str, str]) -> httpx.Request:
        token_request = httpx.Request(
            "POST",
            self._token_url,
            json=body,
            headers={"User-Agent": request.headers.get("User-Agent", USER_AGENT), "Accept": "application/json"},
        )
        token_request.extensions["timeout"] = request.extensions.get("timeout", DEFAULT_TIMEOUT.as_dict())
        return token_request

    def _renew(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Get a new token: refresh grant first when there is a refresh token, else the credentials."""
        previous = self._token
        self._token = None
        if previous is not None and previous.refresh_token:
            _log.debug("refreshing the access token")
            response = yield self._token_request(request, _refresh_grant(previous.refresh_token))
            if response.status_code == 200:
                self._store(response)
                return
            if response.status_code != 401:  # 429, 5xx: the caller sees it
                raise errors.from_response(response)
            _log.debug("the refresh token was refused (%s); using the credentials", response.status_code)
        _log.debug("requesting an access token")
        response = yield self._token_request(request, self._credentials.grant())
        if response.status_code != 200:
            raise errors.from_response(response)
        self._store(response)

    def _store(self, response: httpx.Response) -> None:
        try:
            data = response.json()
            bearer = data["token"]
            lifetime = float(data["expires_in"])
            refresh_token = data.get("refresh_token")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise errors.unexpected_status(response) from None
        if not isinstance(bearer, str) or not isinstance(refresh_token, str | None):
            raise errors.unexpected_status(response)
        self._token = _Token(bearer, refresh_token, self._clock() + lifetime, lifetime)

    def _current(self) -> _Token:
        if self._token is None:  # only if _renew was interrupted
            raise errors.ConfigurationError("no access token")
        return self._token

    def _lock_for_this_loop(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to one event loop; a script may asyncio.run() twice.
        loop = asyncio.get_running_loop()
        if self._async_lock is None or self._async_lock_loop is not loop:
            self._async_lock, self._async_lock_loop = asyncio.Lock(), loop
        return self._async_lock

    def _needs_renewal(self, used: _Token | None) -> bool:
        if used is None:  # before the first send
            return self._stale()
        return self._token is used or self._token is None  # after a 401: unless another request renewed it

    # The two flows are one algorithm: send with the current token (renewed first if
    # stale); after a 401 that says the token is no good, renew it unless another
    # request already did, and send once more. httpx reads no response body for a
    # flow that overrides these methods, so they read the ones they look at.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        used: _Token | None = None
        for attempt in range(2):
            with self._thread_lock:
                if self._needs_renewal(used):
                    renewal = self._renew(request)
                    try:
                        token_request = next(renewal)
                        while True:
                            token_response = yield token_request
                            token_response.read()
                            token_request = renewal.send(token_response)
                    except StopIteration:
                        pass
                used = self._current()
            request.headers["Authorization"] = f"Bearer {used.bearer}"
            response = yield request
            if attempt == 1:
                return
            response.read()
            if not self._rejected(response):
                return
            _log.debug("the access token was refused; renewing it and sending the request again")

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        used: _Token | None = None
        for attempt in range(2):
            async with self._lock_for_this_loop():
                if self._needs_renewal(used):
                    renewal = self._renew(request)
                    try:
                        token_request = next(renewal)
                        while True:
                            token_response = yield token_request
                            await token_response.aread()
                            token_request = renewal.send(token_response)
                    except StopIteration:
                        pass
                used = self._current()
            request.headers["Authorization"] = f"Bearer {used.bearer}"
            response = yield request
            if attempt == 1:
                return
            await response.aread()
            if not self._rejected(response):
                return
            _log.debug("the access token was refused; renewing it and sending the request again")


# -- clients ------------------------------------------------------------------------------


class StaticToken(httpx.Auth):
    """A bearer token obtained elsewhere; never renewed."""

    def __init__(self, token: str) -> None:
        if not token:
            raise errors.ConfigurationError("the token is empty")
        self._token = token

    def __repr__(self) -> str:
        return "StaticToken(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def _released(response: httpx.Response) -> httpx.Response:
    """The response, with its body read, no longer tied into a reference cycle.

    httpx 0.28 links a response and its stream both ways (encode/httpx#3733), so every
    answer, page bodies included, stays in memory until Python's cyclic collector runs.
    The body has been read by now: an empty stream in place of the old one lets the
    response go as soon as the caller drops it, and keeps iterating pages flat in memory.
    """
    response.stream = httpx.ByteStream(b"")
    return response


def _answer_of(error: errors.APIStatusError) -> httpx.Response:
    """The status and headers of an error, as the answer RetryPolicy decides on."""
    return httpx.Response(error.status_code, headers=error.headers)


class Client:
    """A client for the operations anyone may call; AuthenticatedClient for the rest.

    Args:
        base_url: the API's address; default ``$RSTAR_BASE_URL``, else https://my.receptionstar.com/api/v3.
        timeout: seconds, or an httpx.Timeout; default 5 s to connect, 30 s for the rest.
        retry: when to send a request again (RetryPolicy); ``RetryPolicy(max_retries=0)`` never does.
        etag_cache: how many answers of cacheable GETs to keep for conditional requests; 0 keeps none.
        headers: sent with every request (a User-Agent naming this package is sent unless given here).
        transport, async_transport: httpx transports (``httpx.MockTransport`` in tests).
        httpx_args: any other arguments of httpx.Client and httpx.AsyncClient (verify, proxy, ...).

    Use it as a context manager, or call close() / aclose(), to release its connections.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        etag_cache: int = 256,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        if etag_cache < 0:
            raise errors.ConfigurationError("etag_cache must be 0 (no cache) or more")
        self.etag_cache: ETagCache | None = ETagCache(etag_cache) if etag_cache else None
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self._transport = transport
        self._async_transport = async_transport
        self._httpx_args = dict(httpx_args or {})
        self._client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None
        self._making = threading.Lock()  # two threads' first requests must not make two pools

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _auth(self) -> httpx.Auth | None:
        return None

    # The httpx clients are made on first use, so that a client used only async
    # (or only sync) opens no connection pool it never uses.
    def get_httpx_client(self) -> httpx.Client:
        with self._making:
            if self._client is None:
                self._client = httpx.Client(
                    base_url=self.base_url,
                    headers=self.headers,
                    timeout=self.timeout,
                    transport=self._transport,
                    **self._httpx_args,
                )
            return self._client

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use this httpx.Client (its base_url, headers and timeout replace the client's)."""
        self._client = client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self.base_url,
                headers=self.headers,
                timeout=self.timeout,
                transport=self._async_transport,
                **self._httpx_args,
            )
        return self._async_client

    def set_async_httpx_client(self, client: httpx.AsyncClient) -> Self:
        """Use this httpx.AsyncClient (its base_url, headers and timeout replace the client's)."""
        self._async_client = client
        return self

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    async def aclose(self) -> None:
        if self._async_client is not None:
            await self._async_client.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()

    def cache_key(self, kwargs: Mapping[str, Any]) -> str:
        """The ETag cache's key of a request: its URL with its query."""
        return str(httpx.URL(self.base_url + kwargs["url"], params=kwargs.get("params")))

    def send(self, kwargs: dict[str, Any], *, idempotent: bool, authenticated: bool) -> httpx.Response:
        """Send an operation's request (from its _get_kwargs), with retries and authentication."""
        http = self.get_httpx_client()
        auth = self._auth() if authenticated else None
        retry = 0
        while True:
            try:
                response = http.request(**kwargs, auth=auth)
            except httpx.TransportError as exc:
                delay = self.retry.delay_after_error(exc, retry, idempotent=idempotent)
                if delay is None:
                    raise errors.connection_error(exc) from exc
                reason = type(exc).__name__
            except (errors.RateLimitedError, errors.ServiceUnavailableError) as exc:
                # Raised by the token request inside the auth flow; getting a token is safe to repeat.
                delay = self.retry.delay_after_response(_answer_of(exc), retry, idempotent=True)
                if delay is None:
                    raise
                reason = f"{exc.status_code} (token request)"
            else:
                delay = self.retry.delay_after_response(response, retry, idempotent=idempotent)
                if delay is None:
                    return _released(response)
                reason = str(response.status_code)
                response.close()
            retry += 1
            _log.info(
                "%s %s: %s; retry %d of %d in %.2f s",
                kwargs["method"].upper(),
                kwargs["url"],
                reason,
                retry,
                self.retry.max_retries,
                delay,
            )
            self.retry.sleep(delay)

    async def asend(self, kwargs: dict[str, Any], *, idempotent: bool, authenticated: bool) -> httpx.Response:
        """send(), for asyncio."""
        http = self.get_async_httpx_client()
        auth = self._auth() if authenticated else None
        retry = 0
        while True:
            try:
                response = await http.request(**kwargs, auth=auth)
            except httpx.TransportError as exc:
                delay = self.retry.delay_after_error(exc, retry, idempotent=idempotent)
                if delay is None:
                    raise errors.connection_error(exc) from exc
                reason = type(exc).__name__
            except (errors.RateLimitedError, errors.ServiceUnavailableError) as exc:
                # Raised by the token request inside the auth flow; getting a token is safe to repeat.
                delay = self.retry.delay_after_response(_answer_of(exc), retry, idempotent=True)
                if delay is None:
                    raise
                reason = f"{exc.status_code} (token request)"
            else:
                delay = self.retry.delay_after_response(response, retry, idempotent=idempotent)
                if delay is None:
                    return _released(response)
                reason = str(response.status_code)
                await response.aclose()
            retry += 1
            _log.info(
                "%s %s: %s; retry %d of %d in %.2f s",
                kwargs["method"].upper(),
                kwargs["url"],
                reason,
                retry,
                self.retry.max_retries,
                delay,
            )
            await self.retry.async_sleep(delay)


class AuthenticatedClient(Client):
    """A client for every operation: it obtains, sends and renews the bearer token.

    Credentials, one of (default: the API key in ``$RSTAR_API_KEY``):
        api_key: an API key.
        username, password: a user's login (the API prefers API keys).
        token: a bearer token obtained elsewhere; never renewed.
        auth: an httpx.Auth of your own, such as a TokenAuth with another refresh_margin.

    The other arguments are Client's.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        auth: httpx.Auth | None = None,
        base_url: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        given = [
            name
            for name, value in [
                ("api_key", api_key),
                ("username/password", username or password),
                ("token", token),
                ("auth", auth),
            ]
            if value
        ]
        if len(given) > 1:
            raise errors.ConfigurationError(f"give one kind of credentials, not {' and '.join(given)}")
        self._token_auth: httpx.Auth
        if auth is not None:
            self._token_auth = auth
        elif token:
            self._token_auth = StaticToken(token)
        elif username or password:
            self._token_auth = TokenAuth(Password(username or "", password or ""), self.base_url + "/auth")
        else:
            key = api_key or os.environ.get(API_KEY_ENV)
            if not key:
                raise errors.ConfigurationError(
                    f"no credentials: pass api_key=, username= and password=, token= or auth=, or set {API_KEY_ENV}"
                )
            self._token_auth = TokenAuth(ApiKey(key), self.base_url + "/auth")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._token_auth!r})"

    def _auth(self) -> httpx.Auth:
        return self._token_auth

"""The clients: options, the httpx clients they own, and the credentials of AuthenticatedClient.

The generated package binds them to the spec (its `client.py`): the default base URL, the
User-Agent, the token endpoint. Sending is in the flows (`send` from _sync/, `asend` from _async/).
"""

from __future__ import annotations

import asyncio
import copy
import os
import threading
from collections.abc import Generator, Mapping
from typing import Any, ClassVar, Self

import attrs
import httpx

from ._async._flows import AsyncSender, AsyncTokenFlow
from ._auth import ApiKey, Password, TokenLifecycle, shown_url
from ._body import (
    DEFAULT_MAX_RESPONSE_BYTES,
    abound_answer,
    anote_request,
    bound_answer,
    deadline_transport,
    note_request,
)
from ._carriable import check_bearer, check_headers
from ._errors import ConfigurationError
from ._etag_cache import ETagCache
from ._har import DEFAULT_RECORD_MAX_BYTES, RECORD_ENV, HarRecorder
from ._retry import RetryPolicy
from ._spec import SecretNames
from ._sync._flows import SyncSender, SyncTokenFlow

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
BASE_URL_ENV = "RSTAR_BASE_URL"
API_KEY_ENV = "RSTAR_API_KEY"
CLOSED = "this client is closed (its `with` block has ended, or close() was called): make a new one"


class TokenAuth(SyncTokenFlow, AsyncTokenFlow, httpx.Auth):
    """Bearer tokens from the spec's token endpoint: obtained on first use, renewed before they expire,
    replaced after a 401 (see TokenLifecycle). The generated package binds `endpoint`."""


class StaticToken(httpx.Auth):
    """A bearer token obtained elsewhere; never renewed."""

    def __init__(self, token: str) -> None:
        check_bearer(token)
        self.token = token

    def __repr__(self) -> str:
        return "StaticToken(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class _Pools:
    """The httpx clients (connection pools) of a client and of the copies with_options() makes of it."""

    def __init__(self) -> None:
        self.client: httpx.Client | None = None
        self.async_client: httpx.AsyncClient | None = None
        self.async_client_loop: asyncio.AbstractEventLoop | None = None
        self.async_client_given = False
        self.making = threading.Lock()  # two threads' first requests must not make two pools


def _with_hooks(httpx_args: Mapping[str, Any], note: Any, bound: Any) -> dict[str, Any]:
    """httpx_args with the hooks that bound (and note, for a recording) every exchange added to the
    caller's own event hooks."""
    hooks = dict(httpx_args.get("event_hooks") or {})
    hooks["request"] = [note, *hooks.get("request", [])]
    hooks["response"] = [bound, *hooks.get("response", [])]
    return {**httpx_args, "event_hooks": hooks}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Client(SyncSender, AsyncSender):
    """A client for the operations anyone may call; AuthenticatedClient for the rest.

    Args:
        base_url: the API's address; default ``$RSTAR_BASE_URL``, else the spec's server.
        timeout: seconds, or an httpx.Timeout; default 5 s to connect, 30 s for the rest. It bounds each
            attempt of a call as a whole (connecting, sending, and reading the whole answer), not only
            each read: an attempt ends within the largest of the timeout's values.
        max_response_bytes: the largest answer body read (16 MiB by default); a larger one raises
            ResponseTooLargeError, having read no more than that.
        retry: when to send a request again (RetryPolicy); ``RetryPolicy(max_retries=0)`` never does.
        max_retries: the RetryPolicy's max_retries, for short (2 by default; 0 never sends again).
        etag_cache: how many answers of cacheable GETs to keep for conditional requests; 0 keeps none.
        headers: sent with every request (a User-Agent naming this package is sent unless given here).
        record: a path to record every exchange to, as HAR 1.2 (default ``$RSTAR_RECORD``; none when
            unset): secrets redacted, bodies cut at 256 KiB, the file at ``record_max_bytes`` (64 MiB;
            past it the recording stops and says so once). A file that is not such a recording is refused.
        transport, async_transport: httpx transports (``httpx.MockTransport`` in tests).
        httpx_args: any other arguments of httpx.Client and httpx.AsyncClient (verify, proxy, ...).

    Use it as a context manager, or call close() / aclose(), to release its connections.
    """

    default_base_url: ClassVar[str] = ""
    user_agent: ClassVar[str] = "reception-star-client"
    secret_names: ClassVar[SecretNames | None] = None  # what a recording redacts by name: SECRET_NAMES of client.py

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        etag_cache: int = 256,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        headers: Mapping[str, str] | None = None,
        record: str | os.PathLike[str] | None = None,
        record_max_bytes: int = DEFAULT_RECORD_MAX_BYTES,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or self.default_base_url).rstrip("/")
        if not self.base_url:
            raise ConfigurationError(f"no base_url: pass base_url= or set {BASE_URL_ENV}")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        if max_retries is not None:
            if max_retries < 0:
                raise ConfigurationError("max_retries must be 0 (never send again) or more")
            self.retry = attrs.evolve(self.retry, max_retries=max_retries)
        if max_response_bytes < 1:
            raise ConfigurationError("max_response_bytes must be at least 1")
        self.max_response_bytes = max_response_bytes
        if etag_cache < 0:
            raise ConfigurationError("etag_cache must be 0 (no cache) or more")
        self.etag_cache: ETagCache | None = ETagCache(etag_cache) if etag_cache else None
        check_headers(headers or {}, "headers=")
        self.headers = {"User-Agent": self.user_agent, **(headers or {})}
        self._transport = transport
        self._async_transport = async_transport
        self._httpx_args = dict(httpx_args or {})
        self._pools = _Pools()  # shared with the copies with_options() makes
        record = record if record is not None else os.environ.get(RECORD_ENV) or None
        self._recorder = None
        if record is not None:
            if self.secret_names is None:
                raise ConfigurationError("record=: this client names no secrets to redact (its SECRET_NAMES)")
            version = self.user_agent.split(" ")[0].partition("/")[2] or "0"
            self._recorder = HarRecorder(record, secret_names=self.secret_names, max_bytes=record_max_bytes,
                                         creator_version=version, secrets=self._secret_values)  # fmt: skip
        self._closed = False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={shown_url(self.base_url)!r})"

    def _auth(self) -> httpx.Auth | None:
        return None

    def _secret_values(self) -> list[str]:
        """What a recording must never hold, wherever it appears: the credentials and tokens, and the
        password of a `user:pass@` base URL."""
        password = httpx.URL(self.base_url).password
        return [password] if password else []

    # The httpx clients are made on first use, so that a client used only async
    # (or only sync) opens no connection pool it never uses.
    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise ConfigurationError(CLOSED)

    def get_httpx_client(self) -> httpx.Client:
        self._refuse_if_closed()
        with self._pools.making:
            if self._pools.client is None:
                args = _with_hooks(self._httpx_args, note_request, bound_answer)
                self._pools.client = httpx.Client(
                    base_url=self.base_url,
                    headers=self.headers,
                    timeout=self.timeout,
                    transport=self._transport or deadline_transport(self._httpx_args),
                    **args,
                )
            return self._pools.client

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use this httpx.Client (its base_url, headers and timeout replace the client's)."""
        self._pools.client = client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient of the running event loop: its connections belong to one loop, and a
        script may call asyncio.run() twice with the same client."""
        self._refuse_if_closed()
        loop = _running_loop()
        stale = (
            self._pools.async_client_loop is not None and loop is not None and loop is not self._pools.async_client_loop
        )
        if self._pools.async_client is None or (stale and not self._pools.async_client_given):
            self._pools.async_client = httpx.AsyncClient(
                base_url=self.base_url,
                headers=self.headers,
                timeout=self.timeout,
                transport=self._async_transport,
                **_with_hooks(self._httpx_args, anote_request, abound_answer),
            )
            self._pools.async_client_loop = loop
        return self._pools.async_client

    def set_async_httpx_client(self, client: httpx.AsyncClient) -> Self:
        """Use this httpx.AsyncClient (its base_url, headers and timeout replace the client's)."""
        self._pools.async_client, self._pools.async_client_given = client, True
        return self

    def _sync_httpx_client(self) -> httpx.Client:
        return self.get_httpx_client()

    def _async_httpx_client(self) -> httpx.AsyncClient:
        return self.get_async_httpx_client()

    def close(self) -> None:
        self._closed = True
        if self._pools.client is not None:
            self._pools.client.close()
        if self._recorder is not None:
            self._recorder.close()

    async def aclose(self) -> None:
        self._closed = True
        if self._pools.async_client is not None:
            await self._pools.async_client.aclose()
        if self._recorder is not None:
            self._recorder.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()

    def with_options(self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = None) -> Self:
        """A copy with other retries or timeout, sharing this client's connection pool, token and cache.

        Close the original when done, not the copies: they use its connections."""
        copied = copy.copy(self)
        if max_retries is not None:
            if max_retries < 0:
                raise ConfigurationError("max_retries must be 0 (never send again) or more")
            copied.retry = attrs.evolve(self.retry, max_retries=max_retries)
        if timeout is not None:
            copied._timeout_override = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        return copied

    def cache_key(self, kwargs: Mapping[str, Any]) -> str:
        """The ETag cache's key of a request: its URL with its query."""
        return str(httpx.URL(self.base_url + kwargs["url"], params=kwargs.get("params")))


class AuthenticatedClient(Client):
    """A client for every operation: it obtains, sends and renews the bearer token.

    Credentials, one of (default: the API key in ``$RSTAR_API_KEY``):
        api_key: an API key.
        username, password: a user's login (the API prefers API keys).
        token: a bearer token obtained elsewhere; never renewed.
        auth: an httpx.Auth of your own, such as a TokenAuth with another refresh_margin.

    The other arguments are Client's.
    """

    token_auth: ClassVar[type[TokenAuth] | None] = None  # the spec's token endpoint, bound by the package
    token_path: ClassVar[str] = ""

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
        given = [name for name, value in [("api_key", api_key), ("username/password", username or password),
                                          ("token", token), ("auth", auth)] if value]  # fmt: skip
        if len(given) > 1:
            raise ConfigurationError(f"give one kind of credentials, not {' and '.join(given)}")
        self._token_auth: httpx.Auth | None = None
        self._no_credentials: str | None = None
        if auth is not None:
            self._token_auth = auth
        elif token:
            self._token_auth = StaticToken(token)
        elif self.token_auth is None:
            if api_key or username or password:
                raise ConfigurationError("this API issues no tokens: pass token= or auth=")
            self._no_credentials = "no credentials: pass token= or auth="
        elif username or password:
            self._token_auth = self.token_auth(
                Password(username or "", password or ""), self.base_url + self.token_path
            )
        else:
            key = api_key or os.environ.get(API_KEY_ENV)
            if key:
                self._token_auth = self.token_auth(ApiKey(key), self.base_url + self.token_path)
            else:  # operations anyone may call still work; the first that needs a token says so
                self._no_credentials = (
                    f"no credentials: pass api_key=, username= and password=, token= or auth=, or set {API_KEY_ENV}"
                )
        if self._recorder is not None and self.token_path:
            self._recorder.secret_paths.add(httpx.URL(self.base_url + self.token_path).path)

    def _secret_values(self) -> list[str]:
        auth = self._token_auth
        if isinstance(auth, StaticToken):
            return [*super()._secret_values(), auth.token]
        if isinstance(auth, TokenLifecycle):
            return [*super()._secret_values(), *auth.secret_values()]
        return super()._secret_values()

    def __repr__(self) -> str:
        auth = "no credentials" if self._token_auth is None else repr(self._token_auth)
        return f"{type(self).__name__}(base_url={shown_url(self.base_url)!r}, auth={auth})"

    def _auth(self) -> httpx.Auth:
        if self._token_auth is None:
            raise ConfigurationError(self._no_credentials or "no credentials")
        return self._token_auth

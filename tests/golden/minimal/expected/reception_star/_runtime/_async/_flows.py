"""Sending: the token flow and the retry loop. _async/_flows.py is the source; _sync/_flows.py is
made from it by unasync (`rstar-spec unasync`), and a test fails when the two drift apart."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator
from typing import Any

import httpx

from .. import _body
from .._auth import TokenLifecycle
from .._body import (
    DEFAULT_MAX_RESPONSE_BYTES,
    TOKEN_ANSWER_MAX_BYTES,
    CallBounds,
    call_seconds,
    current_bounds,
    deadline_passed,
)
from .._errors import (
    ConfigurationError,
    RateLimitedError,
    ReceptionStarError,
    ServiceUnavailableError,
    connection_error,
    decoding_error,
)
from .._har import HarRecorder
from .._http import answer_of, released
from .._retry import RetryPolicy

_log = logging.getLogger("reception_star")


class AsyncTokenFlow(TokenLifecycle):
    # The flow: send with the current token (renewed first if stale); after a 401,
    # renew it unless another request already did, and send once more. httpx reads
    # no response body for a flow that overrides this method, so it reads the token
    # answers it looks at; the main answer is read by httpx when the flow goes on.
    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        used = None
        for attempt in range(2):
            async with self._async_lock():
                if self._needs_renewal(used):
                    renewal = self._renew(request)
                    try:
                        token_request = next(renewal)
                        while True:
                            token_response = yield token_request
                            await _body.aread_within(token_response, TOKEN_ANSWER_MAX_BYTES)
                            token_request = renewal.send(token_response)
                    except StopIteration:
                        pass
                used = self._current()
            request.headers["Authorization"] = f"Bearer {used.bearer}"
            response = yield request
            if attempt == 1 or not self._rejected(response):
                return
            _log.debug("the access token was refused; renewing it and sending the request again")


def _built(http: httpx.AsyncClient, kwargs: dict[str, Any], timeout: httpx.Timeout) -> httpx.Request:
    """The request of an operation's arguments; ConfigurationError for one no request can carry (text
    that is not Unicode, a float JSON has no word for), which names the kind of fault and not the value:
    a UnicodeEncodeError holds the whole body, an API key included."""
    try:
        return http.build_request(**kwargs, timeout=timeout)
    except (UnicodeError, ValueError, httpx.InvalidURL) as exc:
        kind = type(exc).__name__
    raise ConfigurationError(f"{kwargs['method'].upper()} {kwargs['url']}: the request cannot be sent ({kind})")


class AsyncSender:
    retry: RetryPolicy
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    _recorder: HarRecorder | None = None  # record=: every exchange, as HAR
    _timeout_override: httpx.Timeout | None = None  # with_options(timeout=...): the pool is shared, so per request

    def _async_httpx_client(self) -> httpx.AsyncClient:
        raise NotImplementedError

    def _auth(self) -> httpx.Auth | None:
        raise NotImplementedError

    async def asend(self, kwargs: dict[str, Any], *, idempotent: bool, authenticated: bool) -> httpx.Response:
        """Send an operation's request (from its _get_kwargs), with retries and authentication.

        Each attempt ends within the call's timeout (see call_seconds), its answer read whole, at most
        max_response_bytes of it."""
        http = self._async_httpx_client()
        if http.is_closed:  # an httpx client of the caller's own (set_httpx_client), closed by the caller
            raise ConfigurationError("the httpx client given to this client is closed")
        timeout = kwargs.pop("timeout", None) or self._timeout_override or http.timeout
        seconds = call_seconds(timeout)
        auth = self._auth() if authenticated else None
        retry = 0
        while True:
            deadline = None if seconds is None else time.monotonic() + seconds
            bounds = CallBounds(self.max_response_bytes, deadline, recording=self._recorder is not None)
            request = _built(http, kwargs, timeout)
            failure: ReceptionStarError | None = None
            unanswered = "no answer"  # what a request that got no answer is recorded with
            bound = current_bounds.set(bounds)
            try:
                async with _body.async_deadline(bounds):
                    response = await http.send(request, auth=auth, stream=True)
                    try:
                        await _body.aread_within(response, bounds.max_bytes)
                    except httpx.DecodingError as exc:  # a body its Content-Encoding does not decode
                        failure = decoding_error(response, exc)
                    finally:
                        await response.aclose()
            except TimeoutError:  # the call's deadline (asyncio.timeout), as httpx would say it
                delay = self.retry.delay_after_error(deadline_passed(request), retry, idempotent=idempotent)
                unanswered = str(connection_error(deadline_passed(request)))
                if delay is None:
                    failure = connection_error(deadline_passed(request))
                reason = "the call's timeout"
            except httpx.TransportError as exc:
                error = exc
                if isinstance(exc, httpx.TimeoutException) and bounds.expired():  # a read cut to the deadline
                    error = deadline_passed(request)
                malformed = isinstance(exc, httpx.LocalProtocolError)  # sending it again would fail again
                delay = None if malformed else self.retry.delay_after_error(error, retry, idempotent=idempotent)
                unanswered = str(connection_error(error))
                if delay is None:
                    failure = connection_error(error)
                reason = type(error).__name__
            except httpx.RequestError as exc:  # redirects that never end, a redirect's body that does not decode
                failure, delay, reason = connection_error(exc), None, ""
            except (RateLimitedError, ServiceUnavailableError) as exc:
                # Raised by the token request inside the auth flow; getting a token is safe to repeat.
                delay = self.retry.delay_after_response(answer_of(exc), retry, idempotent=True)
                if delay is None:
                    raise
                reason = f"{exc.status_code} (token request)"
            else:
                delay = (
                    None
                    if failure is not None
                    else self.retry.delay_after_response(response, retry, idempotent=idempotent)
                )
                if delay is None and failure is None:
                    return released(response)
                reason = str(response.status_code)
            finally:
                current_bounds.reset(bound)
                if self._recorder is not None:
                    self._recorder.record(bounds, unanswered)
            if failure is not None:
                # Raised here, outside the handler: httpx's exception, whose request may carry an
                # API key in its body, goes neither into __cause__ nor into __context__.
                raise failure
            assert delay is not None
            retry += 1
            _log.info(
                "%s %s: %s; retry %d of %d in %.2f s",
                kwargs["method"].upper(), kwargs["url"], reason, retry, self.retry.max_retries, delay,
            )  # fmt: skip
            await self.retry.async_sleep(delay)

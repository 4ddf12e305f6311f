"""Secrets stay out of repr, logs and messages; the defaults a user gets without configuring anything."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import reception_star
from reception_star import ApiKey, AuthenticatedClient, Client, Password, StaticToken, TokenAuth, errors
from reception_star.api.clients import get_client

from python_client.fakeapi import API_KEY, PASSWORD, FakeAPI, error

MakeClient = Callable[..., Any]


def test_secrets_never_appear_in_repr(make_client: MakeClient) -> None:
    client = make_client()
    get_client.sync(1, client=client)  # holds a token and a refresh token now
    shown = " ".join(
        repr(thing)
        for thing in (
            client,
            client._auth(),
            ApiKey(API_KEY),
            Password("reception@example.com", PASSWORD),
            StaticToken("tok-static"),
            make_client(username="reception@example.com", password=PASSWORD),
        )
    )
    for secret in (API_KEY, PASSWORD, "tok-1", "ref-1", "tok-static"):
        assert secret not in shown
    assert "reception@example.com" in shown and "***" in shown


def test_secrets_never_appear_in_logs(api: FakeAPI, make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client()
    api.script("GET", "/clients/2", error(401, "token_expired"))
    api.script("GET", "/clients/3", error(503, "service_unavailable"))
    for i in (1, 2, 3):
        get_client.sync(i, client=client)
    with pytest.raises(errors.AuthenticationError):
        get_client.sync(1, client=make_client(api_key="sk-wrong-key"))
    text = caplog.text
    assert "renewing" in text and "retry 1 of 2" in text  # the client does log what it does
    for secret in (API_KEY, "sk-wrong-key", "tok-1", "ref-1", "tok-2"):
        assert secret not in text


def test_secrets_never_appear_in_exception_messages(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("POST", "/auth", error(401, "invalid_api_key", "The API key is not valid."))
    with pytest.raises(errors.AuthenticationError) as caught:
        get_client.sync(1, client=make_client())
    exc = caught.value
    assert API_KEY not in str(exc) and API_KEY not in repr(exc)
    assert not any(API_KEY in repr(value) for value in vars(exc).values())


def test_user_agent_names_the_package_and_version(api: FakeAPI, make_client: MakeClient) -> None:
    get_client.sync(1, client=make_client())
    for request in api.requests:
        assert request.headers["User-Agent"].startswith(f"reception-star-client/{reception_star.__version__} ")


def test_base_url_defaults_to_the_specs_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RSTAR_BASE_URL", raising=False)
    assert Client().base_url == "https://my.receptionstar.com/api/v3" == reception_star.DEFAULT_BASE_URL
    monkeypatch.setenv("RSTAR_BASE_URL", "http://127.0.0.1:9/api/v3/")
    assert Client().base_url == "http://127.0.0.1:9/api/v3"
    assert Client("https://other.test/v3").base_url == "https://other.test/v3"
    token_auth = AuthenticatedClient(api_key="k")._auth()
    assert isinstance(token_auth, TokenAuth) and "http://127.0.0.1:9/api/v3/auth" in repr(token_auth)


def test_timeouts_default_to_5s_connect_and_30s_read(api: FakeAPI, make_client: MakeClient) -> None:
    get_client.sync(1, client=make_client())
    for request in api.requests:  # the token request too
        timeout = request.extensions.get("timeout") or {}
        assert timeout.get("connect") == 5.0 and timeout.get("read") == 30.0, request.url
    custom = make_client(timeout=httpx.Timeout(2.0))
    assert custom.get_httpx_client().timeout.read == 2.0


def test_options_that_make_no_sense_are_refused() -> None:
    with pytest.raises(errors.ConfigurationError):
        Client(etag_cache=-1)
    with pytest.raises(errors.ConfigurationError):
        ApiKey("")
    with pytest.raises(errors.ConfigurationError):
        AuthenticatedClient(username="u")

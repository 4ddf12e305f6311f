"""Issue 22, items 7, 8 and 11: secrets a header cannot carry, token answers that cannot be read, and
answers that escape the exception tree. Each test failed before its fix."""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from reception_star import AsyncReceptionStar, ReceptionStar, errors
from reception_star.api.clients import get_client, list_clients
from reception_star.models import ApiKeyGrant

from python_client.fakeapi import API_KEY, BASE, FakeAPI, error, record

MakeClient = Callable[..., Any]
SECRET = "tok-SECRET-7c1e"
HEADER_VALUE = "SECRET\n"
NOT_UNICODE = "SECRET\ud800"


def everything_said(exc: BaseException) -> str:
    """What an exception shows anyone: its message, repr, traceback, chain and attributes."""
    parts = ["".join(traceback.format_exception(exc)), repr(exc), str(exc)]
    parts += [repr(v) for v in vars(exc).values()]
    seen: BaseException | None = exc.__cause__ or exc.__context__
    while seen is not None:
        parts += [repr(seen), str(seen), repr(getattr(seen, "object", ""))]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


# -- item 7: a secret a header (or a JSON body) cannot carry is refused at construction ----------


@pytest.mark.parametrize(
    "token", [SECRET + "\n", SECRET + "\r\n", "tök-SECRET-7c1e", SECRET + " x", "\x00" + SECRET, SECRET + "\x7f"]
)
def test_a_token_a_header_cannot_carry_is_refused_at_construction_without_showing_it(token: str) -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        ReceptionStar(base_url=BASE, token=token)
    assert "SECRET" not in everything_said(caught.value)
    assert "token" in str(caught.value)


@pytest.mark.parametrize("field", ["api_key", "password", "username"])
@pytest.mark.parametrize("bad", ["\n", "\ud800", "\x00"])
def test_credentials_a_request_body_cannot_carry_are_refused_at_construction(field: str, bad: str) -> None:
    credentials = {"api_key": {"api_key": "SECRET" + bad}, "password": {"username": "u", "password": "SECRET" + bad},
                   "username": {"username": "SECRET" + bad, "password": "SECRET-pw"}}[field]  # fmt: skip
    with pytest.raises(errors.ConfigurationError) as caught:
        ReceptionStar(base_url=BASE, **credentials)
    assert "SECRET" not in everything_said(caught.value)


def test_a_header_of_the_caller_that_no_request_can_carry_is_refused_without_showing_it() -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        ReceptionStar(base_url=BASE, api_key=API_KEY, headers={"X-Trace": HEADER_VALUE})
    assert "SECRET" not in everything_said(caught.value) and "X-Trace" in str(caught.value)


def test_an_extra_header_no_request_can_carry_is_refused_without_showing_it(make_client: MakeClient) -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(FakeAPI().handle)).clients.retrieve(
            1, extra_headers={"X-Trace": "SECRET\r\nX-Evil: 1"}
        )
    assert "SECRET" not in everything_said(caught.value)


@pytest.mark.parametrize("bad_token", ["tok\nSECRET", "tök-SECRET"])
def test_a_token_from_the_server_that_no_header_can_carry_is_a_decoding_error(
    api: FakeAPI, make_client: MakeClient, bad_token: str
) -> None:
    api.script("POST", "/auth", httpx.Response(200, json={"token": bad_token, "refresh_token": "ref-SECRET",
                                                           "expires_in": 10800}))  # fmt: skip
    with pytest.raises(errors.ResponseDecodingError) as caught:
        get_client.sync(1, client=make_client())
    assert "SECRET" not in everything_said(caught.value)
    assert len(api.sent("GET", "/clients/1")) == 0


def test_a_refresh_token_no_body_can_carry_is_a_decoding_error(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("POST", "/auth", httpx.Response(200, content=b'{"token": "tok-1", "refresh_token": "ref-SECRET\\ud800",'
                                                            b' "expires_in": 10800}'))  # fmt: skip
    with pytest.raises(errors.ResponseDecodingError) as caught:
        get_client.sync(1, client=make_client())
    assert "SECRET" not in everything_said(caught.value)


# -- item 8: a token answer that cannot be read keeps no token -----------------------------------

UNREADABLE_TOKEN_ANSWERS = {
    "access_token instead of token": httpx.Response(
        200, json={"access_token": SECRET, "refresh_token": "ref-SECRET", "expires_in": 10800}
    ),
    "no expires_in": httpx.Response(200, json={"token": SECRET, "refresh_token": "ref-SECRET"}),
    "an HTML page": httpx.Response(200, html=f"<html><body>token={SECRET}</body></html>"),
    "a JSON list": httpx.Response(200, json=[SECRET]),
    "truncated JSON": httpx.Response(200, content=f'{{"token": "{SECRET}", "refresh_token": "ref-SEC'.encode()),
    "expires_in not a number": httpx.Response(200, json={"token": SECRET, "expires_in": "soon-SECRET"}),
}


@pytest.mark.parametrize("answer", UNREADABLE_TOKEN_ANSWERS.values(), ids=UNREADABLE_TOKEN_ANSWERS.keys())
def test_an_unreadable_token_answer_is_a_decoding_error_that_holds_no_token(
    api: FakeAPI, make_client: MakeClient, answer: httpx.Response, caplog: pytest.LogCaptureFixture
) -> None:
    api.script("POST", "/auth", answer)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(errors.ResponseDecodingError) as caught:
        get_client.sync(1, client=make_client())
    said = everything_said(caught.value)
    assert "SECRET" not in said and "SECRET" not in caplog.text, said
    assert caught.value.status_code == 200 and isinstance(caught.value.headers, httpx.Headers)
    assert not hasattr(caught.value, "content")


def test_an_undocumented_status_of_the_token_endpoint_keeps_no_body(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("POST", "/auth", httpx.Response(302, json={"token": SECRET, "expires_in": 10800}))
    with pytest.raises(errors.UnexpectedStatus) as caught:
        get_client.sync(1, client=make_client())
    assert "SECRET" not in everything_said(caught.value)


def test_any_2xx_token_answer_is_a_success(api: FakeAPI, make_client: MakeClient) -> None:
    api.script("POST", "/auth", httpx.Response(202, json={"token": "tok-1", "refresh_token": "r", "expires_in": 10800}))
    api.tokens["tok-1"] = "r"
    assert get_client.sync(1, client=make_client()).id == 1


# -- item 11: every failure a caller meets is a ReceptionStarError --------------------------------

BAD_ANSWERS = {
    "truncated JSON": httpx.Response(200, content=b'{"id": 1, "first_na'),
    "invalid JSON": httpx.Response(200, content=b"{'id': 1}"),
    "an HTML page": httpx.Response(200, html="<html><body>Gateway says hi</body></html>"),
    "a JSON list": httpx.Response(200, json=[record(1)]),
    "a JSON string": httpx.Response(200, json="hello"),
    "a missing required field": httpx.Response(200, json={k: v for k, v in record(1).items() if k != "first_name"}),
    "a timestamp that is a number": httpx.Response(200, json={**record(1), "created_at": 1700000000}),
    "a timestamp that is an object": httpx.Response(200, json={**record(1), "updated_at": {"at": 1}}),
    "a date that is no date": httpx.Response(200, json={**record(1), "created_at": "yesterday"}),
    "a 5,000-digit id": httpx.Response(200, content=json.dumps(record(1)).replace('"id": 1', '"id": ' + "9" * 5000).encode()),
    "an empty body": httpx.Response(200, content=b""),
}  # fmt: skip


@pytest.mark.parametrize("answer", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_an_answer_that_is_not_the_documented_shape_is_a_decoding_error(
    api: FakeAPI, make_client: MakeClient, answer: httpx.Response
) -> None:
    api.script("GET", "/clients/1", answer)
    with pytest.raises(errors.ResponseDecodingError) as caught:
        get_client.sync(1, client=make_client())
    assert isinstance(caught.value, errors.ReceptionStarError)
    assert caught.value.status_code == 200 and isinstance(caught.value.headers, httpx.Headers)
    assert caught.value.__cause__ is None and caught.value.__context__ is None  # a JSONDecodeError holds the body
    assert "GET" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        '{"data": [], "offset": 0, "limit": 20, "total": ' + "7" * 5000 + "}",
        '{"data": "none", "offset": 0, "limit": 20, "total": 1}',
        '{"data": [3], "offset": 0, "limit": 20, "total": 1}',
        '{"data": [{"id": 1}], "offset": 0, "limit": 20, "total": 1}',
        '{"offset": 0, "limit": 20, "total": 1}',
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=["a 5,000-digit total", "data not a list", "an item not an object", "an item missing fields", "no data",
         "nested 100,000 deep"],
)  # fmt: skip
def test_a_page_that_is_not_the_documented_shape_is_a_decoding_error(
    api: FakeAPI, make_client: MakeClient, body: str
) -> None:
    api.script("GET", "/clients", httpx.Response(200, content=body.encode()))
    with pytest.raises(errors.ResponseDecodingError):
        list_clients.sync(client=make_client())


def test_an_answer_cached_with_its_etag_that_no_longer_parses_is_a_decoding_error(
    api: FakeAPI, make_client: MakeClient
) -> None:
    client = make_client()
    api.script("GET", "/clients/1", httpx.Response(200, content=b'{"id": 1', headers={"ETag": '"x"'}))
    with pytest.raises(errors.ResponseDecodingError):
        get_client.sync(1, client=client)


def test_a_redirect_loop_is_a_reception_star_error(api: FakeAPI) -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": str(request.url)})

    api.script("GET", "/clients/1", *[loop] * 30)
    client = ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(api.handle),
                           max_retries=0, httpx_args={"follow_redirects": True})  # fmt: skip
    with pytest.raises(errors.ReceptionStarError) as caught:
        client.clients.retrieve(1)
    assert API_KEY not in everything_said(caught.value)
    assert "redirect" in str(caught.value).lower()


def test_an_async_answer_that_is_not_the_documented_shape_is_a_decoding_error(api: FakeAPI) -> None:
    api.script("GET", "/clients/1", httpx.Response(200, json=[1, 2]))

    async def call() -> None:
        async with AsyncReceptionStar(base_url=BASE, api_key=API_KEY,
                                      async_transport=httpx.MockTransport(api.ahandle)) as client:  # fmt: skip
            await client.clients.retrieve(1)

    with pytest.raises(errors.ResponseDecodingError):
        asyncio.run(call())


def test_the_exception_tree_names_the_new_classes() -> None:
    assert errors.__doc__ is not None
    for name in ("ResponseDecodingError", "ResponseTooLargeError", "PaginationError"):
        assert name in errors.__doc__ and issubclass(getattr(errors, name), errors.ReceptionStarError)


def test_a_request_body_that_cannot_be_encoded_is_refused_without_showing_it() -> None:
    api = FakeAPI()
    client = ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(api.handle))
    with pytest.raises(errors.ConfigurationError) as caught:
        client.auth.token(body=ApiKeyGrant(grant_type="api_key", api_key=NOT_UNICODE))
    assert "SECRET" not in everything_said(caught.value)
    with pytest.raises(errors.ConfigurationError):
        client.clients.create(first_name="Ada\ud800", last_name="Lovelace")
    assert api.sent("POST", "/clients") == []


def test_a_body_its_content_encoding_does_not_decode_is_a_reception_star_error(api: FakeAPI) -> None:
    class Unread(httpx.SyncByteStream):  # a body httpx has not decoded yet, as from a socket
        def __iter__(self) -> Iterator[bytes]:
            yield b"not gzip at all"

    corrupt = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    api.script("GET", "/clients/1", httpx.Response(200, stream=Unread(), headers=corrupt))
    api.script("GET", "/clients/2", httpx.Response(302, stream=Unread(), headers={**corrupt, "Location": "/x"}))
    client = ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(api.handle),
                           max_retries=0, httpx_args={"follow_redirects": True})  # fmt: skip
    with pytest.raises(errors.ResponseDecodingError):
        client.clients.retrieve(1)
    with pytest.raises(errors.ReceptionStarError):
        client.clients.retrieve(2)  # a redirect's body, read by httpx itself


def test_a_token_endpoint_that_echoes_the_credentials_in_its_error_does_not_leak_them(api: FakeAPI) -> None:
    api.script("POST", "/auth", error(401, "invalid_api_key", f"no such key: {API_KEY}", echoed={"api_key": API_KEY}))
    client = ReceptionStar(base_url=BASE, api_key=API_KEY, transport=httpx.MockTransport(api.handle))
    with pytest.raises(errors.AuthenticationError) as caught:
        client.clients.retrieve(1)
    assert API_KEY not in everything_said(caught.value) and API_KEY.encode() not in caught.value.content
    assert caught.value.reason == "invalid_api_key" and "[redacted]" in caught.value.message

"""Issue 27, B6: the client's recording promises its secrets are removed wherever they appear; each place
a secret was found kept is tested here: percent-encoded in a URL, `user:pass@` in base_url, the old token
quoted by the server after a renewal, a body that is not UTF-8. And B13: the file is created 0600."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from reception_star import ReceptionStar, errors

from python_client.fakeapi import API_KEY, BASE, FakeAPI, error

ODD_KEY = "sk+test/ODD=key&é"  # a base64-like key with characters a URL percent-encodes


class AnyKeyAPI(FakeAPI):
    """The fake API, taking any API key (the odd one too)."""

    def _auth(self, body: dict[str, Any]) -> httpx.Response:
        if body.get("grant_type") == "api_key":
            body = {**body, "api_key": API_KEY}
        return super()._auth(body)


def everything_in(path: Path) -> str:
    """The recording's text, with every base64 body decoded (as UTF-8, UTF-16 and Latin-1) appended."""
    text = path.read_text(encoding="utf-8")
    found = [text]
    for entry in json.loads(text)["log"]["entries"]:
        for content in (entry["request"].get("postData") or {}, entry["response"].get("content") or {}):
            if content.get("encoding") == "base64":
                raw = base64.b64decode(content["text"])
                found += [raw.decode(codec, "replace") for codec in ("utf-8", "utf-16", "latin-1")]
    return "\n".join(found)


def spellings(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), quote_plus(secret), quote(secret), quote(secret).lower(), str(
        httpx.URL("http://h/", params={"q": secret}).query, "ascii").removeprefix("q=")]  # fmt: skip


def test_a_secret_percent_encoded_in_a_url_is_removed(tmp_path: Path) -> None:
    api, path = AnyKeyAPI(), tmp_path / "traffic.har"

    def echo(request: httpx.Request) -> httpx.Response:  # a server that quotes the URL it was sent, encoded
        return error(404, "not_found", f"nothing at {request.url.raw_path.decode()}", location=str(request.url))

    api.script("GET", "/clients/7", echo)
    client = ReceptionStar(api_key=ODD_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle), record=path)
    with client, pytest.raises(errors.NotFoundError):
        client.clients.retrieve(7, extra_query={"note": f"with {ODD_KEY}"})
    text = everything_in(path)
    leaked = [s for s in spellings(ODD_KEY) if s in text]
    assert not leaked, leaked
    assert "note=" in text  # the parameter is kept, its value redacted


def test_a_password_in_base_url_is_removed_from_the_recording_and_the_repr(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    secret = "pw-in-URL-55b1"

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=f"hello {request.url}")

    api.script("GET", "/heart", echo)
    base = BASE.replace("https://", f"https://ada:{secret}@")
    with ReceptionStar(api_key=API_KEY, base_url=base, transport=httpx.MockTransport(api.handle),
                       record=path) as client:  # fmt: skip
        client.clients.retrieve(1)
        client.health.heart()
        shown = repr(client) + repr(client.with_options(max_retries=1))
    text = everything_in(path)
    assert secret not in text and secret not in shown
    assert base64.b64encode(f"ada:{secret}".encode()).decode() not in text
    assert "api.test" in text


def test_the_old_token_quoted_after_a_renewal_is_removed(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"

    def quote_the_token(request: httpx.Request) -> httpx.Response:
        sent = request.headers["Authorization"].removeprefix("Bearer ")
        return error(401, "token_expired", f"the token {sent} has expired")

    with ReceptionStar(api_key=API_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle),
                       record=path) as client:  # fmt: skip
        client.clients.retrieve(1)  # token 1
        old = next(iter(api.tokens))
        api.expire_all_tokens()
        api.script("GET", "/clients/2", quote_the_token)  # the 401 quotes token 1; renewed: token 2
        client.clients.retrieve(2)
        # later, a server quotes every token the client ever had
        api.script("GET", "/clients/3", lambda r: error(400, "bad", f"tokens seen: {old} and {' '.join(api.tokens)}"))
        with pytest.raises(errors.BadRequestError):
            client.clients.retrieve(3)
    text = everything_in(path)
    assert old not in text.replace(f"{old}0", "")  # "tok-1", but not as the start of "tok-10"
    for token in api.tokens:
        assert token not in text


@pytest.mark.parametrize(
    ("content_type", "codec"),
    [("text/plain; charset=iso-8859-1", "latin-1"), ("application/octet-stream", "utf-16"),
     ("text/plain; charset=utf-16", "utf-16-le"), ("text/plain", "cp1252")],
)  # fmt: skip
def test_a_secret_echoed_in_a_body_that_is_not_utf8_is_removed(tmp_path: Path, content_type: str, codec: str) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    body = f"clé refusée: « {API_KEY} » - réessayez".encode(codec)
    api.script("GET", "/clients/2", httpx.Response(400, content=body, headers={"Content-Type": content_type}))
    client = ReceptionStar(api_key=API_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle), record=path)
    with client, pytest.raises(errors.BadRequestError):
        client.clients.retrieve(2)
    text = everything_in(path)
    assert API_KEY not in text
    assert API_KEY.encode("utf-16-le").decode("latin-1") not in text


def test_a_secret_in_the_message_of_a_failed_exchange_is_removed(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    api.script("GET", "/clients/2", httpx.ConnectError(f"proxy refused the key {API_KEY}"))
    client = ReceptionStar(api_key=API_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle), record=path,
                           max_retries=0)  # fmt: skip
    with client, pytest.raises(errors.APIConnectionError):
        client.clients.retrieve(2)
    assert API_KEY not in path.read_text(encoding="utf-8")


def test_the_recording_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    api, path = FakeAPI(), tmp_path / "traffic.har"
    old = os.umask(0o022)
    try:
        with ReceptionStar(api_key=API_KEY, base_url=BASE, transport=httpx.MockTransport(api.handle),
                           record=path) as client:  # fmt: skip
            client.clients.retrieve(1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_client_redacts_by_the_toolkit_s_one_list_and_the_spec_s_own() -> None:
    """B5: one list of secret names, handed to the client by `generate` (its SECRET_NAMES), with the spec's
    writeOnly and password properties; the proxy's and the mock's recorders use the same list."""
    from reception_star.client import SECRET_NAMES, Client

    from rstar_spec.core.redaction import SECRET_NAME_ENDINGS
    from rstar_spec.core.redaction import SECRET_NAMES as ONE_LIST

    assert SECRET_NAMES.names >= ONE_LIST and SECRET_NAMES.endings == SECRET_NAME_ENDINGS
    assert Client.secret_names is SECRET_NAMES
    assert all(map(SECRET_NAMES, ["api_key", "password", "refresh_token", "token"]))  # the spec's own

"""The generated client against the project's mock server, over real HTTP on 127.0.0.1.

Also runs the generated README's quick start, as a user would, with the mock's
address and API key in RSTAR_BASE_URL and RSTAR_API_KEY. Every test runs against
both mock profiles: `reference` (our decisions) and `liberal` (only what the
contract page promises, every freedom it leaves taken).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reception_star import ApiKey, AuthenticatedClient, RetryPolicy, TokenAuth, errors
from reception_star.api import AsyncClients, Clients
from reception_star.api.clients import create_client, delete_client, get_client, list_clients, replace_client
from reception_star.api.health import get_heart
from reception_star.models import ClientInput

from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.overlay.pipeline import build_target

ROOT = Path(__file__).resolve().parents[2]
DOC = build_target(ROOT / "spec" / "openapi.yaml", "mock", ROOT / "overlays")
CREDS = Credentials()  # the documented defaults, whatever the environment says


PROFILES = ["reference", "liberal"]
REFUSED_KEY = {"reference": "invalid_api_key", "liberal": "api_key_not_recognised"}  # codes are open


@pytest.fixture(scope="module", params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def mock_url(profile: str) -> Iterator[str]:
    with running_mock(DOC, MockSettings(credentials=CREDS, validate_responses=True, profile=profile)) as base_url:
        yield base_url


def test_crud_with_typed_answers(mock_url: str, profile: str) -> None:
    with AuthenticatedClient(CREDS.api_key, base_url=mock_url) as client:
        assert "wisdom" in get_heart.sync(client=client)
        created = create_client.sync(client=client, body=ClientInput(first_name="Ada", last_name="Lovelace"))
        assert created.created_at.tzinfo is not None
        changed = replace_client.sync(
            created.id, client=client, body=ClientInput(first_name="Ada", last_name="King", email="ada@example.com")
        )
        assert (changed.last_name, changed.email) == ("King", "ada@example.com")
        assert get_client.sync(created.id, client=client).last_name == "King"
        assert get_client.sync_detailed(created.id, client=client).status_code == 304
        assert delete_client.sync(created.id, client=client) is None
        with pytest.raises(errors.NotFoundError):
            get_client.sync(created.id, client=client)
        with pytest.raises(errors.BadRequestError) as caught:
            create_client.sync(client=client, body=ClientInput(first_name="", last_name="X"))
        # `errors` is something a 400 *may* add: the liberal profile leaves it out
        assert [e.field for e in caught.value.field_errors] == (["first_name"] if profile == "reference" else [])


def test_iterates_every_client_page_by_page(mock_url: str) -> None:
    with AuthenticatedClient(CREDS.api_key, base_url=mock_url) as client:
        total = list_clients.sync(client=client, limit=1).total
        ids = [r.id for r in Clients(client).list(limit=7)]
    assert len(ids) == total and ids == sorted(ids)


def test_credentials_errors_and_read_only_keys(mock_url: str, profile: str) -> None:
    with pytest.raises(errors.AuthenticationError) as caught:
        get_client.sync(1, client=AuthenticatedClient("wrong-key", base_url=mock_url))
    assert caught.value.reason == REFUSED_KEY[profile]
    with pytest.raises(errors.AuthenticationError) as caught:
        get_client.sync(1, client=AuthenticatedClient(username=CREDS.username, password="nope", base_url=mock_url))
    assert caught.value.reason == "password_incorrect"
    user = AuthenticatedClient(username=CREDS.username, password=CREDS.password, base_url=mock_url)
    assert get_client.sync(1, client=user).id == 1
    reader = AuthenticatedClient(CREDS.readonly_api_key, base_url=mock_url)
    assert get_client.sync(1, client=reader).id == 1
    with pytest.raises(errors.PermissionDeniedError):
        create_client.sync(client=reader, body=ClientInput(first_name="A", last_name="B"))


@pytest.mark.parametrize("profile", PROFILES)
def test_an_expired_token_is_renewed_and_the_request_replayed(caplog: pytest.LogCaptureFixture, profile: str) -> None:
    caplog.set_level(logging.DEBUG, logger="reception_star")
    with running_mock(DOC, MockSettings(credentials=CREDS, token_ttl=1, profile=profile)) as base_url:
        # A stopped clock: the client never thinks the token stale, so the mock's 401 (token_expired, or the
        # liberal profile's generic unauthorized) must renew it.
        auth = TokenAuth(ApiKey(CREDS.api_key), f"{base_url}/auth", clock=lambda: 0.0)
        with AuthenticatedClient(auth=auth, base_url=base_url) as client:
            get_client.sync(1, client=client)
            time.sleep(1.1)
            assert get_client.sync(2, client=client).id == 2
    said = [r.getMessage() for r in caplog.records]
    assert said.count("the access token was refused; renewing it and sending the request again") == 1
    assert said.count("refreshing the access token") == 1


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("fault", "status"), [({"rate_limit": 2}, "429"), ({"fail_every": 3}, "503")])
def test_rate_limits_and_503s_are_ridden_out(
    caplog: pytest.LogCaptureFixture, fault: dict[str, int], status: str, profile: str
) -> None:
    caplog.set_level(logging.INFO, logger="reception_star")
    with (
        running_mock(DOC, MockSettings(credentials=CREDS, profile=profile, **fault)) as base_url,
        AuthenticatedClient(CREDS.api_key, base_url=base_url, retry=RetryPolicy(max_retries=4)) as client,
    ):
        ids = [get_client.sync(i, client=client).id for i in range(1, 6)]
    assert ids == list(range(1, 6))
    retried = [r.getMessage() for r in caplog.records if "; retry " in r.getMessage()]
    assert retried and all(f": {status}; retry" in m for m in retried), retried


def test_async_client_against_the_mock(mock_url: str) -> None:
    async def run() -> list[int]:
        async with AuthenticatedClient(CREDS.api_key, base_url=mock_url) as client:
            records = await asyncio.gather(*(get_client.asyncio(i, client=client) for i in range(1, 11)))
            return [r.id for r in records] + [len([r async for r in AsyncClients(client).list()])]

    found = asyncio.run(run())
    assert found[:10] == list(range(1, 11)) and found[10] >= 30


def test_the_readme_quick_start_runs(mock_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "generated" / "python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert len(blocks) >= 2
    monkeypatch.setenv("RSTAR_BASE_URL", mock_url)
    monkeypatch.setenv("RSTAR_API_KEY", CREDS.api_key)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})
    printed = out.getvalue()
    assert "404 not_found" in printed
    # id, first and last name (which may be empty: the seed's clients are the spec's examples, `minimal` among them)
    assert len(re.findall(r"^\d+ \w+ \w*$", printed, flags=re.MULTILINE)) >= 30

"""The mock's profiles: each freedom of the `liberal` profile is really taken, and `reference` keeps our
decisions. Every answer is checked against the spec by the mock itself (validate_responses), so a
freedom the spec does not allow would be a 500 here, not a pass.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator

import httpx
import pytest

from conftest import ROOT, SPEC_DIR, target_doc
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.mock._profiles import EXTRA_PROPERTIES, LIBERAL, PROFILES, REFERENCE
from rstar_spec.overlay.pipeline import build_target

CREDS = Credentials()
NEW_CLIENT = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


def _known_codes() -> set[str]:
    return set(target_doc("mock")["components"]["schemas"]["Error"]["properties"]["code"]["x-extensible-enum"])


class Api:
    def __init__(self, base_url: str, authenticate: bool = True) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        if authenticate:
            self.grant = self.http.post("/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key})
            self.headers = {"Authorization": f"Bearer {self.grant.json()['token']}"}

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.http.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=sorted(PROFILES))
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def mock(profile: str) -> Iterator[Callable[..., str]]:
    """The base URL of a mock of this profile that validates its own answers; knobs as keywords."""
    with contextlib.ExitStack() as stack:
        yield lambda **knobs: stack.enter_context(
            running_mock(
                target_doc("mock"), MockSettings(credentials=CREDS, validate_responses=True, profile=profile, **knobs)
            )
        )


def _created(api: Api) -> httpx.Response:
    answer = api.http.post("/clients", json=NEW_CLIENT, headers=api.headers)
    assert answer.status_code == 201, answer.text
    return answer


def etag_beyond_get(api: Api) -> bool:
    client_id = _created(api).json()["id"]
    put = api.http.put(f"/clients/{client_id}", json=NEW_CLIENT, headers=api.headers)
    etag = api.get(f"/clients/{client_id}").headers["ETag"]  # promised: always there
    not_modified = api.get(f"/clients/{client_id}", headers={"If-None-Match": etag})
    assert (put.status_code, not_modified.status_code) == (200, 304)
    assert ("etag" in put.headers) == ("etag" in not_modified.headers)
    return "etag" in put.headers


def generic_token_code(api: Api) -> bool:
    codes = {api.http.get("/clients", headers=h).json()["code"] for h in ({}, {"Authorization": "Bearer nope"})}
    assert len(codes) == (1 if "unauthorized" in codes else 2)
    return codes == {"unauthorized"}


def unlisted_auth_reasons(api: Api) -> bool:
    answer = api.http.post("/auth", json={"grant_type": "api_key", "api_key": "not-a-key"})
    assert answer.status_code == 401
    return answer.json()["code"] not in _known_codes()


def extra_properties(api: Api) -> bool:
    bodies = [api.grant.json(), api.get("/clients").json(), api.get("/clients").json()["data"][0],
              api.get("/clients/99999").json(), api.http.post("/clients", json={}, headers=api.headers).json()]  # fmt: skip
    found = [EXTRA_PROPERTIES.items() <= body.items() for body in bodies]
    assert len(set(found)) == 1, found  # every kind of object, or none
    return found[0]


def reusable_refresh_tokens(api: Api) -> bool:
    refresh = {"grant_type": "refresh_token", "refresh_token": api.grant.json()["refresh_token"]}
    first, second = (api.http.post("/auth", json=refresh) for _ in range(2))
    assert first.status_code == 200
    return second.status_code == 200


def rate_limit_every_request(api: Api) -> bool:
    return any(api.http.get("/heart").status_code == 429 for _ in range(8))


def absolute_location(api: Api) -> bool:
    location = _created(api).headers["Location"]
    assert location.endswith(f"/api/v3/clients/{_created(api).json()['id'] - 1}")
    return location.startswith("http://127.0.0.1:")


def weak_etags(api: Api) -> bool:
    etag = api.get("/clients/1").headers["ETag"]
    assert api.get("/clients/1", headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert api.get("/clients/1", headers={"If-None-Match": "*"}).status_code == 304
    return etag.startswith("W/")


def field_errors(api: Api) -> bool:
    answer = api.http.post("/clients", json={"first_name": ""}, headers=api.headers)
    assert answer.status_code == 400
    return "errors" in answer.json()


def retry_after_on_503(api: Api) -> bool:
    answer = api.http.get("/heart")
    assert answer.status_code == 503
    return "retry-after" in answer.headers


def json_charset(api: Api) -> bool:
    return "charset=utf-8" in api.get("/clients").headers["content-type"]


PROBES: dict[str, tuple[Callable[[Api], bool], dict[str, int]]] = {
    "etag_beyond_get": (etag_beyond_get, {}),
    "generic_token_code": (generic_token_code, {}),
    "unlisted_auth_reasons": (unlisted_auth_reasons, {}),
    "extra_properties": (extra_properties, {}),
    "reusable_refresh_tokens": (reusable_refresh_tokens, {}),
    "rate_limit_every_request": (rate_limit_every_request, {"rate_limit": 3}),
    "absolute_location": (absolute_location, {}),
    "weak_etags": (weak_etags, {}),
    "field_errors": (field_errors, {}),
    "retry_after_on_503": (retry_after_on_503, {"fail_every": 2}),  # 1st: running_mock's own /heart
    "json_charset": (json_charset, {}),
}


def test_every_freedom_has_a_probe() -> None:
    assert set(PROBES) == {f.name for f in dataclasses.fields(LIBERAL)} - {"name"}
    assert all(getattr(LIBERAL, name) != getattr(REFERENCE, name) for name in PROBES)  # each one differs


@pytest.mark.parametrize("freedom", sorted(PROBES))
def test_each_profile_does_what_it_says(freedom: str, profile: str, mock: Callable[..., str]) -> None:
    probe, knobs = PROBES[freedom]
    # With every other request a 503, the probe makes one request, to /heart, which needs no token.
    api = Api(mock(**knobs), authenticate="fail_every" not in knobs)
    assert probe(api) is getattr(PROFILES[profile], freedom)


def test_the_liberal_answers_are_valid_against_the_spec_only_because_the_spec_allows_them() -> None:
    """The same liberal mock against a spec that requires the ETag on PUT again fails its own validation."""
    strict = build_target(SPEC_DIR / "openapi.yaml", "mock", ROOT / "overlays")
    strict["components"]["headers"]["ETagOptional"]["required"] = True
    with running_mock(strict, MockSettings(credentials=CREDS, validate_responses=True, profile="liberal")) as url:
        api = Api(url)
        client_id = _created(api).json()["id"]
        answer = api.http.put(f"/clients/{client_id}", json=NEW_CLIENT, headers=api.headers)
    assert answer.status_code == 500 and "header ETag is missing" in answer.json()["message"]

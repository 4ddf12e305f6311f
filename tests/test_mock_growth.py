"""The mock serves every resource the spec has, not the ones it had: a grown copy of the spec (tests/growth.py:
a new resource with its own id name, schemas and examples, an action below its item, a new optional field on
the first resource), and small documents of shapes today's spec never takes (nested collections, string ids,
operations with no behaviour of their own). Every answer is checked against its spec by the mock itself
(validate_responses): an answer the spec does not allow is a 500 here, not a pass.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import pytest
from growth import ACTION, ITEM_PATH, NEW_FIELD, RESOURCE, grow
from starlette.testclient import TestClient

from conftest import ROOT, target_doc
from rstar_spec.mock import Credentials, MockSettings, create_app
from rstar_spec.overlay.pipeline import build_target

CREDS = Credentials()
API = "/api/v3"
COLLECTION = f"{API}/{RESOURCE}"
BOOKING = {"title": "Haircut", "starts_at": "2026-05-01T09:00:00Z", "duration_minutes": 45, "notes": "first visit"}


@functools.cache
def grown_doc(root: Path) -> Any:
    return build_target(grow(root), "mock", ROOT / "overlays")


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return grown_doc(tmp_path_factory.mktemp("grown"))


def mock(doc: Any, **settings: Any) -> TestClient:
    return TestClient(create_app(doc, MockSettings(credentials=CREDS, validate_responses=True, **settings)))


def login(api: TestClient) -> dict[str, str]:
    """A token from the token operation, wherever the spec puts it (x-rstar-token's operation)."""
    answer = api.post(f"{API}/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_the_new_resource_behaves_as_the_contract_page_says(grown: Any) -> None:
    api = mock(grown)
    auth = login(api)
    created = api.post(COLLECTION, json=BOOKING, headers=auth)
    assert created.status_code == 201, created.text
    item = created.json()
    assert created.headers["location"] == API + ITEM_PATH.format(appointment_id=item["id"])
    assert item["id"] == 37  # after the 36 seeded: the seed applies to every resource
    assert item["status"] == "booked"  # read-only, from the first value of its x-extensible-enum
    assert item["created_at"] == item["updated_at"] and item["created_at"].endswith("Z")
    assert {k: item[k] for k in BOOKING} == BOOKING

    read = api.get(created.headers["location"], headers=auth)
    assert (read.status_code, read.json()) == (200, item)
    etag = read.headers["etag"]
    not_modified = api.get(created.headers["location"], headers={**auth, "If-None-Match": etag})
    assert (not_modified.status_code, not_modified.content) == (304, b"")

    page = api.get(COLLECTION, params={"offset": 30, "limit": 100}, headers=auth).json()
    assert [a["id"] for a in page["data"]] == list(range(31, 38))
    assert (page["offset"], page["limit"], page["total"]) == (30, 100, 37)
    assert page["data"][-1] == item

    moved = {k: v for k, v in BOOKING.items() if k != "notes"} | {"duration_minutes": 30}
    replaced = api.put(created.headers["location"], json=moved, headers=auth)
    assert replaced.status_code == 200, replaced.text
    assert "notes" not in replaced.json() and replaced.json()["duration_minutes"] == 30  # PUT replaces
    assert replaced.json()["created_at"] == item["created_at"] and replaced.json()["id"] == item["id"]
    assert api.get(created.headers["location"], headers={**auth, "If-None-Match": etag}).status_code == 200

    without_start = {k: v for k, v in BOOKING.items() if k != "starts_at"}
    for bad, field in (({**BOOKING, "duration_minutes": 1}, "duration_minutes"), (without_start, "starts_at"),
                       ({**BOOKING, "status": "cancelled"}, "status")):  # fmt: skip
        refused = api.post(COLLECTION, json=bad, headers=auth)
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == field, refused.text

    cancelled = api.post(f"{created.headers['location']}/{ACTION}", headers=auth)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"  # the read-only field the action's example changes
    assert cancelled.json()["created_at"] == item["created_at"]
    assert api.get(created.headers["location"], headers=auth).json() == cancelled.json()  # and it is stored

    absent = f"{COLLECTION}/999"
    for answer in (api.get(absent, headers=auth), api.post(f"{absent}/{ACTION}", headers=auth),
                   api.put(absent, json=moved, headers=auth), api.delete(absent, headers=auth)):  # fmt: skip
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found"), answer.text

    assert api.delete(created.headers["location"], headers=auth).status_code == 204
    assert api.get(created.headers["location"], headers=auth).status_code == 404
    assert api.post(f"{created.headers['location']}/{ACTION}", headers=auth).status_code == 404
    assert api.delete(created.headers["location"], headers=auth).status_code == 404
    assert api.get(COLLECTION, headers=auth).json()["total"] == 36


def test_the_new_field_is_kept(grown: Any) -> None:
    api = mock(grown)
    auth = login(api)
    created = api.post(f"{API}/clients", json={"first_name": "Ada", "last_name": "L", NEW_FIELD: "Acme"}, headers=auth)
    assert created.status_code == 201 and created.json()[NEW_FIELD] == "Acme", created.text
    assert api.get(created.headers["location"], headers=auth).json()[NEW_FIELD] == "Acme"
    replaced = api.put(created.headers["location"], json={"first_name": "Ada", "last_name": "L"}, headers=auth)
    assert NEW_FIELD not in replaced.json()


def test_seeded_items_of_the_new_resource_are_its_examples(grown: Any) -> None:
    api = mock(grown, seed=3)
    page = api.get(COLLECTION, headers=login(api)).json()
    assert [a["id"] for a in page["data"]] == [1, 2, 3] and page["total"] == 3
    titles = {a["title"] for a in page["data"]}
    assert titles == {"Haircut"}  # every documented example of the writable fields is a haircut
    assert [a["duration_minutes"] for a in page["data"]] == [45, 30, 45]  # round robin over the distinct ones
    assert page["data"][1]["created_at"] == "2026-01-15T10:30:00Z"  # the seed's clock: an hour an item


@pytest.mark.parametrize(
    ("breakage", "shows"),
    [
        ("undocumented-status", lambda api, auth, loc: api.post(COLLECTION, json=BOOKING, headers=auth).status_code == 200),
        ("missing-required-field", lambda api, auth, loc: "created_at" not in api.get(loc, headers=auth).json()),
        ("offset-timestamps", lambda api, auth, loc: api.get(loc, headers=auth).json()["updated_at"].endswith("+00:00")),
        ("etag-ignored", lambda api, auth, loc: api.get(
            loc, headers={**auth, "If-None-Match": api.get(loc, headers=auth).headers["etag"]}).status_code == 200),
        ("put-merges", lambda api, auth, loc: "notes" in api.put(
            api.post(COLLECTION, json=BOOKING, headers=auth).headers["location"],
            json={k: v for k, v in BOOKING.items() if k != "notes"}, headers=auth).json()),
        ("wrong-location", lambda api, auth, loc: api.get(
            api.post(COLLECTION, json=BOOKING, headers=auth).headers["location"], headers=auth).status_code == 404),
        ("delete-keeps", lambda api, auth, loc: api.delete(loc, headers=auth).status_code == 204
         and api.get(loc, headers=auth).status_code == 200),
        ("limit-ignored", lambda api, auth, loc: len(api.get(COLLECTION, params={"limit": 5}, headers=auth).json()["data"]) > 5),
        ("pages-overlap", lambda api, auth, loc: api.get(
            COLLECTION, params={"offset": 5, "limit": 5}, headers=auth).json()["data"][0]["id"] == 5),
    ],
)  # fmt: skip
def test_every_broken_variant_breaks_the_new_resource_too(grown: Any, breakage: str, shows: Any) -> None:
    api = mock(grown, breakage=breakage)
    auth = login(api)
    assert shows(api, auth, f"{COLLECTION}/1"), breakage


def test_the_liberal_profile_takes_its_freedoms_on_the_new_resource(grown: Any) -> None:
    api = mock(grown, profile="liberal")
    auth = login(api)
    created = api.post(COLLECTION, json=BOOKING, headers=auth)
    assert created.status_code == 201 and created.headers["location"].startswith("http://testserver/")
    assert created.json()["x_region"] == "eu-west"  # properties the spec does not name
    assert api.get(created.headers["location"], headers=auth).headers["etag"].startswith("W/")
    assert "etag" not in api.put(created.headers["location"], json=BOOKING, headers=auth).headers
    cancelled = api.post(f"{created.headers['location']}/{ACTION}", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


# -- shapes today's spec never takes ------------------------------------------------------------------------


def _json(schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"content": {"application/json": media}}


ERROR = {"$ref": "#/components/schemas/Error"}
NOT_FOUND = {"description": "absent", **_json(ERROR)}
BAD = {"description": "bad", **_json(ERROR)}


def _doc(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    error = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "http://127.0.0.1/v1"}],
        "paths": paths,
        "components": {"schemas": {"Error": error, **schemas}},
    }


def _crud(prefix: str, id_name: str, schema: str) -> dict[str, Any]:
    item = {"$ref": f"#/components/schemas/{schema}"}
    writable = {"$ref": f"#/components/schemas/{schema}Input"}
    page = {
        "type": "object",
        "required": ["items", "offset", "limit", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "offset": {"type": "integer"},
            "limit": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }
    paging = [
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
    ]
    body = {"required": True, **_json(writable)}
    above = [{"name": n, "in": "path", "required": True, "schema": {"type": "integer"}}
             for n in re.findall(r"\{(\w+)\}", prefix)]  # fmt: skip
    item_param = {"name": id_name, "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        prefix: {
            "parameters": above,
            "get": {"parameters": paging, "responses": {"200": {"description": "", **_json(page)}, "404": NOT_FOUND}},
            "post": {
                "requestBody": body,
                "responses": {
                    "201": {
                        "description": "",
                        "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                        **_json(item),
                    },
                    "400": BAD,
                    "404": NOT_FOUND,
                },
            },
        },
        f"{prefix}/{{{id_name}}}": {
            "parameters": [*above, item_param],
            "get": {"responses": {"200": {"description": "", **_json(item)}, "404": NOT_FOUND}},
            "patch": {"requestBody": body, "responses": {"200": {"description": "", **_json(item)}, "404": NOT_FOUND}},
            "delete": {"responses": {"204": {"description": ""}, "404": NOT_FOUND}},
        },
    }


def _schemas(name: str, id_schema: dict[str, Any], writable: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {
            "type": "object",
            "required": ["id", *writable],
            "properties": {"id": {**id_schema, "readOnly": True}, **writable},
        },
        f"{name}Input": {"type": "object", "additionalProperties": False, "properties": writable},
    }


def test_a_nested_collection_lives_under_its_parent_item() -> None:
    paths = {**_crud("/shops", "shop_id", "Shop"), **_crud("/shops/{shop_id}/staff", "staff_id", "Staff")}
    schemas = {
        **_schemas("Shop", {"type": "integer"}, {"name": {"type": "string", "examples": ["Corner"]}}),
        **_schemas("Staff", {"type": "integer"}, {"role": {"type": "string", "enum": ["barber", "host"]}}),
    }
    api = mock(_doc(paths, schemas), seed=2)
    staff = api.get("/v1/shops/1/staff").json()
    assert [s["role"] for s in staff["items"]] == ["barber", "barber"] and staff["limit"] == 10  # a seeded parent
    shop = api.post("/v1/shops", json={"name": "New"})
    assert shop.status_code == 201, shop.text
    under = f"{shop.headers['location']}/staff"
    assert api.get(under).json()["total"] == 0  # a new parent's collection starts empty
    hired = api.post(under, json={"role": "host"})
    assert hired.status_code == 201 and hired.headers["location"] == f"{under}/1", hired.text
    assert api.get(f"{under}/1").json()["role"] == "host"
    assert api.patch(f"{under}/1", json={"role": "barber"}).json()["role"] == "barber"  # PATCH merges
    assert api.get("/v1/shops/2/staff/3").status_code == 404  # the other shop's staff is its own
    for absent in (api.get("/v1/shops/99/staff"), api.post("/v1/shops/99/staff", json={"role": "host"})):
        assert (absent.status_code, absent.json()["code"]) == (404, "not_found"), absent.text
    assert api.delete(shop.headers["location"]).status_code == 204
    assert api.get(f"{under}/1").status_code == 404  # under a deleted parent, nothing is found


def test_string_ids_are_made_as_their_schema_says() -> None:
    paths = {**_crud("/things", "thing_id", "Thing"), **_crud("/notes", "note_id", "Note")}
    schemas = {
        **_schemas("Thing", {"type": "string", "format": "uuid"}, {"label": {"type": "string"}}),
        **_schemas("Note", {"type": "string", "pattern": "^nt_[0-9]+$", "examples": ["nt_42"]}, {}),
    }
    api = mock(_doc(paths, schemas), seed=2)
    things = api.get("/v1/things").json()["items"]
    assert [t["id"] for t in things] == [f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2)]
    made = api.post("/v1/things", json={"label": "x"})
    assert made.status_code == 201 and made.headers["location"].endswith(made.json()["id"]), made.text
    assert api.get(made.headers["location"]).json()["label"] == "x"
    note = api.post("/v1/notes", json={})
    assert note.status_code == 201 and note.json()["id"] == "nt_000003", note.text


def test_an_operation_without_behaviour_answers_its_example_or_a_made_value_never_a_500() -> None:
    stats = {"type": "object", "required": ["count", "code"], "properties": {
        "count": {"type": "integer", "minimum": 3, "multipleOf": 2},
        "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
        "when": {"type": "string", "format": "date-time"}}}  # fmt: skip
    paths = {
        "/stats": {"get": {"responses": {"200": {"description": "", **_json(stats)}}}},
        "/echo": {"get": {"responses": {"200": {"description": "", **_json({"type": "string"}, "hello")}}}},
        "/report": {
            "get": {"responses": {"200": {"description": "", "content": {"text/csv": {"example": "a,b\n1,2\n"}}}}}
        },
        "/search": {
            "post": {
                "x-rstar-resource": "read",
                "requestBody": _json({"type": "object"}),
                "responses": {"200": {"description": "", **_json({"type": "array", "items": {"type": "integer"}})}},
            }
        },
        "/odd": {"post": {"responses": {"202": {"description": "accepted"}}}},  # nothing places it
        "/ranged": {"get": {"responses": {"2XX": {"description": "", **_json({"type": "boolean"})}}}},
        "/fallback": {"get": {"responses": {"default": {"description": "", **_json({"const": "ok"})}}}},
    }
    api = mock(_doc(paths, {}))
    made = api.get("/v1/stats")
    assert made.status_code == 200, made.text
    assert made.json()["count"] == 4 and len(made.json()["code"]) == 6
    assert api.get("/v1/echo").json() == "hello"
    report = api.get("/v1/report")
    assert (report.status_code, report.headers["content-type"], report.text) == (
        200, "text/csv; charset=utf-8", "a,b\n1,2\n")  # fmt: skip
    assert api.post("/v1/search", json={}).json() == [1]
    assert api.post("/v1/odd").status_code == 202
    assert (api.get("/v1/ranged").status_code, api.get("/v1/ranged").json()) == (200, False)
    assert (api.get("/v1/fallback").status_code, api.get("/v1/fallback").json()) == (200, "ok")


def test_the_token_operation_is_the_one_x_rstar_token_names_whatever_its_names() -> None:
    """Moved to another path, with another operationId, a grant field and the answer's token renamed: the grants
    and the answer follow the extension, not today's names."""
    doc = copy.deepcopy(target_doc("mock"))
    hint = doc["components"]["securitySchemes"]["bearerAuth"]["x-rstar-token"]
    token_op = doc["paths"].pop("/auth")
    token_op["post"]["operationId"] = hint["operationId"] = "issue_session"
    doc["paths"]["/sessions/new"] = token_op
    schemas = doc["components"]["schemas"]
    schemas["ApiKeyGrant"]["properties"]["secret"] = schemas["ApiKeyGrant"]["properties"].pop("api_key")
    schemas["ApiKeyGrant"]["required"] = ["grant_type", "secret"]
    hint["grants"]["api_key"] = {"grant_type": "api_key", "secret": "{api_key}"}
    schemas["Token"]["properties"]["access_token"] = schemas["Token"]["properties"].pop("token")
    schemas["Token"]["required"] = ["access_token", "refresh_token", "expires_in", "token_type"]
    hint["response"]["token"] = "access_token"
    token_op["post"]["responses"]["200"]["content"]["application/json"].pop("examples")  # made from the schema
    api = mock(doc)
    assert api.post(f"{API}/auth", json={}).status_code == 404
    refused = api.post(f"{API}/sessions/new", json={"grant_type": "api_key", "secret": "wrong"})
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_api_key")
    issued = api.post(f"{API}/sessions/new", json={"grant_type": "api_key", "secret": CREDS.api_key})
    assert issued.status_code == 200, issued.text
    assert issued.json()["token_type"] == "Bearer" and issued.json()["expires_in"] == 10800  # const; the TTL
    auth = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    assert api.get(f"{API}/clients/1", headers=auth).status_code == 200
    renewed = api.post(
        f"{API}/sessions/new", json={"grant_type": "refresh_token", "refresh_token": issued.json()["refresh_token"]}
    )
    assert renewed.status_code == 200 and renewed.json()["access_token"] != issued.json()["access_token"]


def test_a_schema_no_engine_compiles_is_left_unchecked_not_a_crash() -> None:
    broken = {"type": "string", "pattern": "["}  # `rstar-spec validate` reports it; the mock still serves
    paths = {
        "/lookup": {
            "get": {
                "parameters": [{"name": "q", "in": "query", "schema": broken}],
                "responses": {"200": {"description": "", **_json(broken, "found")}},
            },
            "post": {
                "x-rstar-resource": "read",
                "requestBody": _json(broken),
                "responses": {"200": {"description": "", **_json({"type": "string"}, "ok")}},
            },
        }
    }
    api = mock(_doc(paths, {}))
    assert (api.get("/v1/lookup", params={"q": "x"}).status_code, api.get("/v1/lookup").json()) == (200, "found")
    assert api.post("/v1/lookup", json="anything").json() == "ok"


def test_a_list_without_an_envelope_answers_every_item_seeded_from_its_example() -> None:
    tag = {"$ref": "#/components/schemas/Tag"}
    listed = [{"id": 1, "name": "vip"}, {"id": 2, "name": "new"}]
    paths = {
        "/tags": {
            "get": {"responses": {"200": {"description": "", **_json({"type": "array", "items": tag}, listed)}}},
            "post": {"requestBody": _json({"$ref": "#/components/schemas/TagInput"}),
                     "responses": {"201": {"description": "", **_json(tag)}}},
        },
        "/tags/{tag_id}": {"get": {
            "parameters": [{"name": "tag_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "", **_json(tag)}, "404": NOT_FOUND}}},
    }  # fmt: skip
    api = mock(_doc(paths, _schemas("Tag", {"type": "integer"}, {"name": {"type": "string"}})), seed=3)
    assert api.get("/v1/tags").json() == [{"id": 1, "name": "vip"}, {"id": 2, "name": "new"}, {"id": 3, "name": "vip"}]
    assert api.post("/v1/tags", json={"name": "late"}).json() == {"id": 4, "name": "late"}
    assert len(api.get("/v1/tags").json()) == 4


@pytest.mark.usefixtures("hypothesis_home")
def test_the_contract_suite_passes_against_the_mock_of_the_grown_spec(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Issue 25's first finding: against a grown spec the mock answered 500 to every new operation, and the
    suite failed. Every operation, the new ones included, through schemathesis's checks and links (the
    liberal profile's freedoms on the new resource: test_the_liberal_profile_takes_its_freedoms...)."""
    from rstar_spec.contract import ContractOptions, run_contract

    options = ContractOptions(max_examples=5, seed=1, verbose=True)  # the whole table: every operation named
    code = run_contract(grow(tmp_path), ROOT / "overlays", options)
    out, _ = capfd.readouterr()
    report = out.split("\ncoverage: ", 1)[0]
    assert code == 0, report[-4000:]
    assert f"POST {ITEM_PATH}/{ACTION}" in out and "No issues found" in report

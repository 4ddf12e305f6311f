"""The guard of a contract run against a server we do not run: what it lets through, what it
refuses, how cases are shaped to pass it, and the proxy that applies it to every request."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conftest import project_doc
from rstar_spec.contract._guard import Guard, Ledger, Routes, absent_shaped, shape_value, write_operations
from rstar_spec.contract._proxy import running_proxy
from rstar_spec.core.serve import in_background

ABSENT = "9007199254740123"
OWNED = "51"


@pytest.fixture
def guard(tmp_path: Path) -> Guard:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.write("created", "/clients", OWNED)
    return Guard(Routes.from_doc(project_doc(), "/api/v3"), ledger, ABSENT)


def test_routes_come_from_the_spec() -> None:
    routes = Routes.from_doc(project_doc(), "/api/v3")
    assert routes.creating == {"/clients"} and routes.other_posts == {"/auth"}
    assert [(collection, template) for _, collection, template in routes.items] == [
        ("/clients", "/clients/{client_id}")
    ]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/v3/clients/7", True),  # reading is always safe
        ("HEAD", "/api/v3/clients", True),
        ("OPTIONS", "/api/v3/clients/7", True),
        ("POST", "/api/v3/auth", True),
        ("POST", "/api/v3/clients", True),  # creates: what it creates is the run's own
        ("PUT", f"/api/v3/clients/{OWNED}", True),
        ("DELETE", f"/api/v3/clients/{OWNED}", True),
        ("DELETE", f"/api/v3/clients/{ABSENT}", True),
        ("DELETE", "/api/v3/clients/not-an-id", True),
        ("DELETE", f"/api/v3/clients/-{ABSENT}.{ABSENT}", True),
        ("PUT", "/api/v3/clients/7", False),  # somebody's client
        ("DELETE", "/api/v3/clients/7", False),
        ("PATCH", "/api/v3/clients/7", False),
        ("POST", "/api/v3/clients/7", False),
        ("DELETE", "/api/v3/clients/07", False),  # a lenient server reads 7
        ("DELETE", "/api/v3/clients/7.0", False),
        ("DELETE", "/api/v3/clients/%37", False),  # percent-encoded 7
        ("DELETE", "/api/v3/clients/%D9%A7", False),  # U+0667, an Arabic-Indic 7
        ("DELETE", "/api/v3/clients/%EF%BC%97", False),  # U+FF17, a fullwidth 7
        ("DELETE", f"/api/v3/clients/{OWNED}0", False),
        ("DELETE", "/api/v3/clients/7/", False),  # a server may strip the slash
        ("DELETE", "/api/v3//clients/7", False),
        ("DELETE", "/api/v3/clients/..", False),
        ("DELETE", "/api/v3/clients/", False),  # may be the collection
        ("DELETE", "/api/v3/clients", False),  # bulk
        ("PUT", "/api/v3/clients", False),
        ("PATCH", "/api/v3/heart", False),
        ("POST", "/api/v3/heart", False),
        ("DELETE", "/api/v3/CLIENTS/7", False),
    ],
)
def test_the_guard_lets_through_only_what_cannot_touch_data_the_run_did_not_create(
    guard: Guard, method: str, path: str, allowed: bool
) -> None:
    assert guard.judge(method, path).allowed is allowed
    assert bool(guard.refused) is not allowed


def test_read_only_refuses_every_write_but_the_token(guard: Guard) -> None:
    guard.read_only = True
    assert guard.judge("POST", "/api/v3/auth").allowed and guard.judge("GET", "/api/v3/clients").allowed
    for method, path in [
        ("POST", "/api/v3/clients"),
        ("PUT", f"/api/v3/clients/{OWNED}"),
        ("DELETE", f"/api/v3/clients/{ABSENT}"),
    ]:
        assert not guard.judge(method, path).allowed


def test_read_only_leaves_out_every_write_operation_but_the_token() -> None:
    assert sorted(write_operations(project_doc(), Routes.from_doc(project_doc(), "/api/v3"))) == [
        "create_client",
        "delete_client",
        "replace_client",
    ]


def test_the_ledger_records_what_answers_created_and_deleted(guard: Guard) -> None:
    create = guard.judge("POST", "/api/v3/clients")
    guard.record(create, "POST", "/api/v3/clients", 201, b'{"id": 52, "first_name": "A"}')
    guard.record(create, "POST", "/api/v3/clients", 400, b'{"code": "bad_request"}')
    guard.record(create, "POST", "/api/v3/clients", None, b"")  # no answer: may have created
    delete = guard.judge("DELETE", "/api/v3/clients/52")
    guard.record(delete, "DELETE", "/api/v3/clients/52", 204, b"")
    assert guard.ledger.owned("/clients") == [OWNED, "52"]
    assert guard.ledger.marked("deleted") == {("/clients", "52")}
    assert guard.uncertain == ["POST /api/v3/clients answered nothing"]


@pytest.mark.parametrize(
    ("value", "pool", "prefer", "shaped"),
    [
        (7, [OWNED], True, OWNED),
        (7, [OWNED], False, ABSENT),
        (7, [], True, ABSENT),
        ("7", [OWNED], True, OWNED),
        (OWNED, [OWNED], True, OWNED),
        ("abc", [OWNED], True, "abc"),
        ("1.5", [], True, f"{ABSENT}.{ABSENT}"),
        (-1, [], True, f"-{ABSENT}"),
        ("", [], True, "not-an-id"),
        ("٧", [], True, "not-an-id"),
        (None, [], True, "None"),
        (True, [], True, "true"),
        ([1, 2], [], True, ABSENT),
    ],
)
def test_shaping_keeps_a_value_s_shape_without_naming_a_client(
    value: object, pool: list[str], prefer: bool, shaped: str
) -> None:
    assert shape_value(value, pool, ABSENT, prefer) == shaped


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.integers(), st.text(), st.floats(allow_nan=True), st.booleans(), st.none()))
def test_every_shaped_value_passes_the_guard_and_names_no_client_but_the_run_s(value: object) -> None:
    shaped = shape_value(value, [OWNED], ABSENT, prefer_owned=True)
    assert shaped == OWNED or absent_shaped(shaped, ABSENT)
    routes = Routes.from_doc(project_doc(), "/api/v3")
    item = routes.item("/api/v3/clients/" + quote(shaped, safe=""))
    assert item == ("/clients", shaped)
    digits = "".join(c if c.isdigit() else " " for c in shaped).split()
    assert shaped == OWNED or all(run == ABSENT for run in digits)


# -- the proxy ----------------------------------------------------------------------------------------------


def _upstream(seen: list[tuple[str, str, bytes, dict[str, str]]]) -> Starlette:
    async def anything(request: Request) -> Response:
        body = await request.body()
        seen.append((request.method, request.scope["raw_path"].decode(), body, dict(request.headers)))
        if request.method == "POST" and request.url.path == "/api/v3/clients":
            payload = gzip.compress(json.dumps({"id": 77, "first_name": "Z"}).encode())
            headers = {"Content-Encoding": "gzip", "Location": "/api/v3/clients/77", "X-Trace": "t-1"}
            return Response(payload, 201, headers, media_type="application/json")
        return Response(b"plain", 200, {"Set-Cookie": "a=1"}, media_type="text/plain")

    return Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])])


def test_the_proxy_forwards_faithfully_records_creations_and_never_sends_what_it_refuses(guard: Guard) -> None:
    seen: list[tuple[str, str, bytes, dict[str, str]]] = []
    with (
        in_background(_upstream(seen), "upstream") as upstream,
        running_proxy(guard, upstream) as proxy,
        httpx.Client(base_url=proxy) as http,
    ):
        got = http.get("/api/v3/clients/7?limit=1&x=%C3%A9", headers={"Authorization": "Bearer t"})
        created = http.post(
            "/api/v3/clients", content=b'{"first_name":"Z"}', headers={"Content-Type": "application/json"}
        )
        refused = http.delete("/api/v3/clients/7")
    assert (got.status_code, got.text, got.headers["set-cookie"]) == (200, "plain", "a=1")
    assert seen[0][:3] == ("GET", "/api/v3/clients/7", b"") and seen[0][3]["authorization"] == "Bearer t"
    assert created.status_code == 201 and created.json()["id"] == 77  # gzip passed through and decoded by the client
    assert (created.headers["location"], created.headers["x-trace"]) == ("/api/v3/clients/77", "t-1")
    assert seen[1][2] == b'{"first_name":"Z"}'
    assert guard.ledger.owned("/clients") == [OWNED, "77"]
    assert refused.status_code == 418 and refused.headers["x-rstar-guard"] == "refused"
    assert [s[:2] for s in seen] == [("GET", "/api/v3/clients/7"), ("POST", "/api/v3/clients")]  # DELETE never left
    assert guard.refused == ["DELETE /api/v3/clients/7: /clients/7 is not a client this run created"]

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

from conftest import SPEC_DIR
from rstar_spec import bundle
from rstar_spec.contract._guard import Guard, Ledger, Routes, absent_shaped, shape_value, write_operations
from rstar_spec.contract._proxy import running_proxy
from rstar_spec.core.serve import in_background

DOC = bundle(SPEC_DIR / "openapi.yaml").data
ABSENT = "9007199254740123"
OWNED = "51"


@pytest.fixture
def guard(tmp_path: Path) -> Guard:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.write("created", "/clients", OWNED)
    return Guard(Routes.from_doc(DOC, "/api/v3"), ledger, ABSENT)


def test_routes_come_from_the_spec() -> None:
    routes = Routes.from_doc(DOC, "/api/v3")
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
    assert sorted(write_operations(DOC, Routes.from_doc(DOC, "/api/v3"))) == [
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
    routes = Routes.from_doc(DOC, "/api/v3")
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


# -- a client the run deleted, and an id the server gives again ----------------------------------------------
# The false ST302 of issue 19: schemathesis follows a POST's link to DELETE /clients/{id} with the id it just
# saw created. When the hook pointed that DELETE elsewhere (the client was deleted already, or the server had
# given a deleted client's id to the new one, as SQLite's rowid does), the absent id's 404 reached
# schemathesis as "the resource you just created is gone".


class _Operation:
    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path


class _Case:
    def __init__(self, method: str, path: str, **path_parameters: object) -> None:
        self.operation = _Operation(method, path)
        self.path_parameters = path_parameters


@pytest.fixture
def hook(guard: Guard, monkeypatch: pytest.MonkeyPatch) -> object:
    from rstar_spec.contract import checks

    monkeypatch.setattr(
        checks, "_GUARD", {"ledger": str(guard.ledger.path), "absent": ABSENT, "keep": {"/clients": [OWNED]}}
    )
    return checks.before_call


def _shaped(hook: object, method: str, value: object) -> object:
    case = _Case(method, "/clients/{client_id}", client_id=value)
    hook(None, case, {})  # type: ignore[operator]
    return case.path_parameters["client_id"]


@pytest.mark.parametrize("method", ["DELETE", "PUT"])
def test_a_link_to_a_client_the_run_deleted_keeps_its_id(guard: Guard, hook: object, method: str) -> None:
    guard.ledger.write("created", "/clients", "60")
    guard.ledger.write("deleted", "/clients", "60")
    assert _shaped(hook, method, 60) == 60  # schemathesis knows it deleted 60: its 404 is no failure


@pytest.mark.parametrize("method", ["DELETE", "PUT"])
def test_an_id_the_server_gave_again_is_the_run_s_client_again(guard: Guard, hook: object, method: str) -> None:
    for event in ("created", "deleted", "created"):  # deleted, then the next client got its id back
        guard.ledger.write(event, "/clients", "60")
    assert _shaped(hook, method, 60) == 60
    verdict = guard.judge(method, "/api/v3/clients/60")
    assert verdict.allowed and verdict.send_to is None and guard.writes == {f"{method} own": 1}


@pytest.mark.parametrize("method", ["DELETE", "PUT"])
def test_a_write_on_a_client_the_run_deleted_is_sent_to_the_absent_id(guard: Guard, method: str) -> None:
    """The id may belong to someone else by now (a server may give it again): the write meets no client,
    and the answer is what a correct server gives for a deleted client, a 404."""
    guard.ledger.write("created", "/clients", "60")
    guard.ledger.write("deleted", "/clients", "60")
    seen: list[tuple[str, str, bytes, dict[str, str]]] = []
    with (
        in_background(_upstream(seen), "upstream") as upstream,
        running_proxy(guard, upstream) as proxy,
        httpx.Client(base_url=proxy) as http,
    ):
        http.request(method, "/api/v3/clients/60", content=b"{}")
    assert [s[:2] for s in seen] == [(method, f"/api/v3/clients/{ABSENT}")]
    assert guard.writes == {f"{method} gone": 1} and not guard.refused
    assert guard.ledger.marked("deleted") == {("/clients", "60")}  # the answer says nothing about 60


def test_a_delete_points_at_a_live_client_of_the_run_never_at_one_it_keeps(guard: Guard, hook: object) -> None:
    guard.ledger.write("created", "/clients", "61")
    guard.ledger.write("created", "/clients", "62")
    guard.ledger.write("deleted", "/clients", "62")
    assert _shaped(hook, "DELETE", 7) == "61"  # somebody's id: the newest live client of the cases
    assert _shaped(hook, "DELETE", int(OWNED)) == "61"  # a fixture is kept for the PUTs
    guard.ledger.write("deleted", "/clients", "61")
    assert _shaped(hook, "DELETE", 7) == ABSENT

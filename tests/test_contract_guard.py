"""The guard of a contract run against a server we do not run: what it lets through, what it
refuses, how cases are shaped to pass it, and the proxy that applies it to every request."""

from __future__ import annotations

import concurrent.futures
import gzip
import json
import threading
from collections.abc import Iterator
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

from conftest import project_doc, write_operations_of
from rstar_spec.contract._account import Account
from rstar_spec.contract._fixtures import FIXTURE_MARK
from rstar_spec.contract._guard import Guard, Ledger, Routes, absent_shaped, shape_value, write_operations
from rstar_spec.contract._proxy import running_proxy
from rstar_spec.contract._spec import suite_spec
from rstar_spec.core.serve import in_background

ABSENT = "9007199254740123"
OWNED = "51"


@pytest.fixture
def guard(tmp_path: Path) -> Guard:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.write("created", "/clients", OWNED)
    return Guard(Routes.from_doc(project_doc(), "/api/v3"), ledger, {"/clients": ABSENT})


def test_routes_come_from_the_spec() -> None:
    routes = Routes.from_doc(project_doc(), "/api/v3")
    assert routes.creating == {"/clients"} and routes.never_created == {}
    assert routes.spec.token is not None and (routes.spec.token.method, routes.spec.token.path) == ("post", "/auth")


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
    writes = sorted(op_id for op_id, _ in write_operations_of(project_doc()))
    assert {"create_client", "delete_client", "replace_client"} <= set(writes)  # and any the spec grew
    assert sorted(write_operations(project_doc(), Routes.from_doc(project_doc(), "/api/v3"))) == writes


def test_the_ledger_records_what_answers_created_and_deleted(guard: Guard) -> None:
    create = guard.judge("POST", "/api/v3/clients")
    guard.record(create, "POST", "/api/v3/clients", 201, b'{"id": 52, "first_name": "A", "created_at": "s52"}')
    guard.record(create, "POST", "/api/v3/clients", 400, b'{"code": "bad_request"}')
    guard.record(create, "POST", "/api/v3/clients", None, b"")  # no answer: may have created
    delete = guard.judge("DELETE", "/api/v3/clients/52")
    guard.record(delete, "DELETE", "/api/v3/clients/52", 204, b"")
    assert guard.ledger.owned("/clients") == [OWNED, "52"]
    assert guard.ledger.fingerprint("/clients", "52") == {"created_at": "s52"}  # its read-only date-times
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
    match = routes.spec.view.router.match("DELETE", "/clients/" + quote(shaped, safe=""))
    assert match is not None and list(match.path_params.values()) == [shaped]  # one segment, read back as sent
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
    assert guard.refused == ["DELETE /api/v3/clients/7: /clients/7 is not an item this run created"]


def test_a_creation_is_in_the_ledger_before_its_answer_is_passed_on(
    guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order the hook of the next request relies on: the ledger write is held at a barrier, and while it
    is held the answer does not reach the client; released, the answer arrives and the id is in the file."""
    entered, release = threading.Event(), threading.Event()
    write = Ledger.write

    def held_write(self: Ledger, *args: object, **kwargs: object) -> None:
        entered.set()
        assert release.wait(timeout=30)
        write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "write", held_write)
    seen: list[tuple[str, str, bytes, dict[str, str]]] = []
    with (
        in_background(_upstream(seen), "upstream") as upstream,
        running_proxy(guard, upstream) as proxy,
        httpx.Client(base_url=proxy, timeout=30) as http,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        answer = pool.submit(http.post, "/api/v3/clients", content=b"{}")
        assert entered.wait(timeout=30)
        with pytest.raises(concurrent.futures.TimeoutError):
            answer.result(timeout=0.5)  # held: no answer while the ledger is not written
        release.set()
        assert answer.result(timeout=30).status_code == 201
        assert "77" in Ledger(guard.ledger.path).owned("/clients")


# -- a client the run deleted, and an id the server gives again ----------------------------------------------
# The false ST302 of issue 19: schemathesis follows a POST's link to DELETE /clients/{id} with the id it just
# saw created. When the hook pointed that DELETE elsewhere (the client was deleted already, or the server had
# given a deleted client's id to the new one, as SQLite's rowid does), the absent id's 404 reached
# schemathesis as "the resource you just created is gone".


class _Operation:
    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path


class _Phase:
    def __init__(self, name: str) -> None:
        self.name = name


class _Meta:
    def __init__(self, phase: str) -> None:
        self.phase = _Phase(phase)


class _Schema:
    raw_schema = project_doc()


class _Case:
    def __init__(self, method: str, path: str, phase: str = "fuzzing", **path_parameters: object) -> None:
        self.operation = _Operation(method, path)
        self.operation.schema = _Schema()  # type: ignore[attr-defined]
        self.path_parameters = path_parameters
        self.meta = _Meta(phase)


@pytest.fixture
def hook(guard: Guard, monkeypatch: pytest.MonkeyPatch) -> object:
    from rstar_spec.contract import checks

    monkeypatch.setattr(
        checks,
        "_GUARD",
        {"ledger": str(guard.ledger.path), "absent": {"/clients": ABSENT}, "keep": {"/clients": [OWNED]}},
    )
    return checks.before_call


def _shaped(hook: object, method: str, value: object, phase: str = "fuzzing") -> object:
    case = _Case(method, "/clients/{client_id}", phase, client_id=value)
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


def test_in_the_stateful_phase_a_write_is_never_pointed_at_the_absent_id(guard: Guard, hook: object) -> None:
    """The second false ST302 (soak, liberal mock, seed 5): POST /clients, then a PUT whose id schemathesis drew
    from elsewhere (13, a seeded client); every fourth PUT went to the absent id for the 404 path. schemathesis
    counts what the hook changed as a link's value, so that 404 read as "the client just created is gone".
    In the stateful phase a changed id names one of the run's clients: live, or deleted in that scenario."""
    guard.ledger.write("created", "/clients", "84")
    assert {_shaped(hook, "PUT", 13, "stateful") for _ in range(8)} == {OWNED}  # the fixture, every time
    assert _shaped(hook, "DELETE", 13, "stateful") == "84"  # the newest live client of the cases
    assert _shaped(hook, "DELETE", "-1", "stateful") == "84"
    guard.ledger.write("deleted", "/clients", "84")
    assert _shaped(hook, "DELETE", 13, "stateful") == "84"  # deleted in this scenario: its 404 is understood
    assert ABSENT in {_shaped(hook, "PUT", 13) for _ in range(4)}  # the 404 paths stay in the other phases
    assert _shaped(hook, "DELETE", 13) == ABSENT


# -- the run's own requests: fixtures never created blindly, a cleanup bounded and finished later -------------


class FakeAccount:
    """A server holding an account's clients, with faults on demand: `create_faults` are what the next POSTs
    /clients do after (or instead of) creating ("500 after", "drop after": created, then a 500 or the
    connection cut mid-answer; "500 before": nothing created), `item_status` answers every request on an item."""

    def __init__(self) -> None:
        self.clients: dict[int, dict[str, object]] = {7: {"id": 7, "first_name": "Ann", "last_name": "Lee",
                                                          "created_at": "2026-01-01T00:00:00Z"}}  # fmt: skip
        self.next_id = 100
        self.create_faults: list[str] = []
        self.item_status: int | None = None
        self.delete_status: int | None = None
        self.requests: list[str] = []

    async def __call__(self, scope: dict[str, object], receive: object, send: object) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)  # type: ignore[arg-type]
        self.requests.append(f"{request.method} {request.url.path}")
        if request.method == "POST" and request.url.path == "/api/v3/clients" and self.create_faults:
            fault = self.create_faults.pop(0)
            if fault != "500 before":
                await self._answer(request)
            if fault == "drop after":  # a Content-Length the body never reaches: the connection breaks
                await send({"type": "http.response.start", "status": 201, "headers": [(b"content-length", b"90")]})  # type: ignore[operator]
                await send({"type": "http.response.body", "body": b'{"id": '})  # type: ignore[operator]
                return
            response = Response(b'{"code": "internal_error", "message": "x"}', 500, media_type="application/json")
        else:
            response = await self._answer(request)
        await response(scope, receive, send)  # type: ignore[arg-type]

    async def _answer(self, request: Request) -> Response:
        path, method = request.url.path, request.method
        if path == "/api/v3/auth":
            return _json({"token": "t", "refresh_token": "r", "expires_in": 10800, "token_type": "Bearer"})
        if path == "/api/v3/clients" and method == "POST":
            client = {"id": self.next_id, **json.loads(await request.body()), "created_at": f"2026-12-01T00:00:{self.next_id % 60:02d}Z"}  # fmt: skip
            self.clients[self.next_id] = client
            self.next_id += 1
            return _json(client, 201)
        if path == "/api/v3/clients":
            offset, limit = int(request.query_params.get("offset", 0)), int(request.query_params.get("limit", 20))
            ids = sorted(self.clients)
            page = [self.clients[i] for i in ids[offset : offset + limit]]
            return _json({"data": page, "offset": offset, "limit": limit, "total": len(ids)})
        client_id = int(path.rsplit("/", 1)[1])
        if self.item_status is not None:
            return _json({"code": "internal_error", "message": "x"}, self.item_status)
        if method == "DELETE" and self.delete_status is not None:
            return _json({"code": "x", "message": "x"}, self.delete_status)
        if client_id not in self.clients:
            return _json({"code": "not_found", "message": "x"}, 404)
        if method == "DELETE":
            del self.clients[client_id]
            return Response(status_code=204)
        return _json(self.clients[client_id])

    def named(self, run_id: str) -> list[int]:
        mark = f"{FIXTURE_MARK} run {run_id}"
        return [i for i, c in self.clients.items() if any(str(v).startswith(mark) for v in c.values())]


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status, media_type="application/json")


@pytest.fixture
def fake() -> Iterator[tuple[FakeAccount, str]]:
    server = FakeAccount()
    with in_background(server, "fake account") as origin:
        yield server, origin + "/api/v3"


def _account(base_url: str, **kwargs: object) -> Account:
    return Account(base_url, "key", suite_spec(project_doc()), sleep=lambda s: None, **kwargs)  # type: ignore[arg-type]


def _create_fixture(account: Account, run_id: str, ledger: Ledger) -> str:
    (clients,) = account.spec.resources
    return account.create_fixture(clients, "/clients", run_id, ledger, 1)


@pytest.mark.parametrize("fault", ["500 after", "drop after", "500 before"])
def test_a_fixture_whose_creation_failed_is_found_not_created_twice(
    fake: tuple[FakeAccount, str], tmp_path: Path, fault: str
) -> None:
    """Issue 22 item 3: the creation is recorded before it is sent, and after a 500 or a broken connection the
    run looks for its client by its name before it sends anything again."""
    server, base_url = fake
    server.create_faults = [fault]
    ledger = Ledger(tmp_path / "ledger.jsonl")
    account = _account(base_url)
    made = _create_fixture(account, "R1", ledger)
    account.close()
    assert server.named("R1") == [int(made)]  # exactly one client, and it is the one the run knows
    events = [e["event"] for e in ledger.events()]
    assert events == ["creating", "created"] and ledger.created() == [("/clients", made, True)]
    assert server.requests.count("POST /api/v3/clients") == (2 if fault == "500 before" else 1)


def test_the_cleanup_finds_a_fixture_whose_creation_it_never_heard_of(
    fake: tuple[FakeAccount, str], tmp_path: Path
) -> None:
    server, base_url = fake
    ledger = Ledger(tmp_path / "ledger.jsonl")
    account = _account(base_url)
    mark = {"first_name": f"{FIXTURE_MARK} run R2 #1"}
    ledger.write("creating", "/clients", "", name="run R2 #1", mark=mark)  # the run stopped before it knew the outcome
    server.clients[5] = {"id": 5, **mark, "last_name": "x", "created_at": "x"}
    left = account.delete_all(ledger)
    account.close()
    assert left == [] and server.named("R2") == [] and 7 in server.clients
    assert ("/clients", "5") in ledger.marked("cleaned")


def test_the_cleanup_report_agrees_with_the_ledger(fake: tuple[FakeAccount, str], tmp_path: Path) -> None:
    """Issue 22 item 4: with the server answering 500, a client the ledger says the run deleted is not 'could
    not delete'; a DELETE answered 404 for the run's own id counts as gone."""
    server, base_url = fake
    ledger = Ledger(tmp_path / "ledger.jsonl")
    for i in (100, 101, 102):
        server.clients[i] = {"id": i, "first_name": "A", "last_name": "B", "created_at": f"s{i}"}
        ledger.write("created", "/clients", str(i), stamps={"created_at": f"s{i}"})
    del server.clients[101]
    ledger.write("deleted", "/clients", "101")
    server.item_status = 500
    account = _account(base_url)
    left = account.delete_all(ledger)
    assert left == ["100 (DELETE answered 500)", "102 (DELETE answered 500)"]
    assert ledger.marked("cleaned") == set()
    server.item_status, server.delete_status = None, 404  # 404 to the run's own id: gone
    assert account.delete_all(ledger) == []
    account.close()
    assert ledger.marked("cleaned") == {("/clients", "100"), ("/clients", "102")}


def test_the_cleanup_deletes_only_what_is_still_the_run_s(fake: tuple[FakeAccount, str], tmp_path: Path) -> None:
    """An id the run deleted and the server gave to someone else's client (another created_at) is left alone;
    one that survived the run's DELETE (the same created_at) is deleted."""
    server, base_url = fake
    ledger = Ledger(tmp_path / "ledger.jsonl")
    server.clients[100] = {"id": 100, "first_name": "Someone", "last_name": "Else", "created_at": "later"}
    server.clients[101] = {"id": 101, "first_name": "A", "last_name": "B", "created_at": "s101"}
    for i in ("100", "101"):
        ledger.write("created", "/clients", i, stamps={"created_at": f"s{i}"})
        ledger.write("deleted", "/clients", i)
    account = _account(base_url)
    assert account.delete_all(ledger) == []
    account.close()
    assert 100 in server.clients and 101 not in server.clients


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def test_the_cleanup_of_a_dead_server_gives_up_within_its_bound(tmp_path: Path) -> None:
    """Issue 22 item 4: 24 clients and the server gone: the cleanup stops at its bound (on a fake clock: every
    wait counted, none slept) and names what is left; the ledger says nothing was cleaned."""
    with in_background(Starlette(), "soon dead") as origin:
        pass  # stopped: its port answers nothing now
    ledger = Ledger(tmp_path / "ledger.jsonl")
    for i in range(100, 124):
        ledger.write("created", "/clients", str(i), created_at="s")
    clock = FakeClock()
    account = Account(origin + "/api/v3", "key", suite_spec(project_doc()), sleep=clock.sleep, clock=clock)
    account._reached, account._token = True, "t"  # the run had reached it before it died
    left = account.delete_all(ledger, budget=60.0)
    account.close()
    assert clock.now <= 60.0
    assert len(left) == 24 and all(item.startswith(str(i)) for item, i in zip(left, range(100, 124), strict=True))
    assert any("60 s" in item for item in left) and ledger.marked("cleaned") == set()


# -- a check that failed a correct server ----------------------------------------------------------------------


class _SentRequest:
    def __init__(self, method: str, url: str) -> None:
        self.method, self.url, self.body, self.headers = method, url, None, {"Authorization": "Bearer full"}


class _Answer:
    def __init__(self, method: str, url: str, status: int) -> None:
        self.request, self.status_code = _SentRequest(method, url), status


def test_a_delete_replayed_with_the_read_only_key_may_meet_a_client_already_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The case's DELETE has deleted the client: a server that looks the client up before the key's rights
    answers the replay 404, a refusal too. A 2xx still fails the check; PUT replays still need 403."""
    from rstar_spec.contract import checks

    replies = {"DELETE": 404, "PUT": 404}

    async def server(request: Request) -> Response:
        if request.url.path.endswith("/auth"):
            return _json({"token": "ro", "refresh_token": "r", "expires_in": 1, "token_type": "Bearer"})
        return _json({"code": "not_found", "message": "x"}, replies[request.method])

    monkeypatch.setenv("RSTAR_READONLY_API_KEY", "ro-key")
    app = Starlette(routes=[Route("/{path:path}", server, methods=["POST", "PUT", "DELETE"])])
    with in_background(app, "read-only replays") as origin:
        url = f"{origin}/api/v3/clients/60"
        checks.readonly_key_cannot_write(
            None, _Answer("DELETE", url, 204), _Case("DELETE", "/clients/{client_id}", client_id=60)
        )
        with pytest.raises(AssertionError, match="answered 404, not 403"):
            checks.readonly_key_cannot_write(
                None, _Answer("PUT", url, 200), _Case("PUT", "/clients/{client_id}", client_id=60)
            )
        replies["DELETE"] = 204
        with pytest.raises(AssertionError, match="answered 204"):
            checks.readonly_key_cannot_write(
                None, _Answer("DELETE", url, 204), _Case("DELETE", "/clients/{client_id}", client_id=60)
            )


def test_without_an_absent_id_a_write_on_a_deleted_client_meets_no_client(guard: Guard) -> None:
    """No id answered 404 when the run began (a server that refuses large ids): the write goes to a segment
    that names no client, as the negative cases' do, rather than being refused (a 418 fails the run)."""
    guard.absent = {}
    guard.ledger.write("created", "/clients", "60")
    guard.ledger.write("deleted", "/clients", "60")
    verdict = guard.judge("DELETE", "/api/v3/clients/60")
    assert verdict.allowed and verdict.send_to == "/api/v3/clients/not-an-id" and not guard.refused

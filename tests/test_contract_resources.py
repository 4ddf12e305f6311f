"""The contract suite on every resource of the document, not today's one: the page's checks, the guard's fixtures,
absent ids and cleanup, read from the resource model (oas/resources.py) of a grown spec (tests/growth.py).

Until the mock serves every resource (branch mockres), the grown spec's new operations are answered by a server
of this test's own (tests/resource_server.py): the mock's plumbing with generic handlers for every resource.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from growth import ACTION, ITEM_PATH, RESOURCE, grow
from resource_server import ResourceServer

from conftest import ROOT, SPEC_DIR
from rstar_spec.contract import ContractOptions, run_contract, run_schemathesis
from rstar_spec.contract._coverage import RunCoverage, coverage_options
from rstar_spec.contract._fixtures import FIXTURE_MARK, fixture, simplest
from rstar_spec.contract._guard import Guard, Ledger, Routes
from rstar_spec.contract._runner import digest
from rstar_spec.contract._spec import suite_spec
from rstar_spec.core.serve import in_background
from rstar_spec.mock import Credentials
from rstar_spec.oas.bundle import bundle
from rstar_spec.oas.schema_engine import BundleSchemas
from rstar_spec.overlay.pipeline import build_target

pytestmark = pytest.mark.usefixtures("hypothesis_home")  # each schemathesis run's own storage
CREDS = Credentials()
COLLECTION = f"/{RESOURCE}"


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grow(tmp_path_factory.mktemp("grown"))


@pytest.fixture(scope="module")
def grown_doc(grown: Path) -> dict[str, Any]:
    return build_target(grown, "mock", ROOT / "overlays")


@pytest.fixture
def suite_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("RSTAR_API_KEY", CREDS.api_key)
    monkeypatch.setenv("RSTAR_READONLY_API_KEY", CREDS.readonly_api_key)
    return dict(os.environ)


class Logged:
    """An ASGI app that notes (method, path) of every request before the server answers it."""

    def __init__(self, app: Any) -> None:
        self.app, self.seen = app, []  # type: ignore[var-annotated]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.seen.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


@pytest.fixture
def serve() -> Iterator[Any]:
    """serve(server) -> (base URL, the request log); stopped after the test."""
    with __import__("contextlib").ExitStack() as stack:

        def start(server: ResourceServer) -> tuple[str, Logged]:
            logged = Logged(server.app)
            origin = stack.enter_context(in_background(logged, "resource server"))
            return origin + server.base_path, logged

        yield start


# -- the page's checks on every resource -------------------------------------------------------------------------

NEW_OPERATIONS = ("list_appointments", "create_appointment", "get_appointment", "replace_appointment",
                  "delete_appointment", "cancel_appointment")  # fmt: skip
NEW_RESOURCE_CHECKS = {
    ("page_respects_limit", f"GET {COLLECTION}"),
    ("pages_cover_total", f"GET {COLLECTION}"),
    ("location_leads_to_created_item", f"POST {COLLECTION}"),
    ("etag_answers_not_modified", f"GET {ITEM_PATH}"),
    ("put_removes_omitted_fields", f"PUT {ITEM_PATH}"),
    ("deleted_item_is_gone", f"DELETE {ITEM_PATH}"),
    ("timestamps_in_utc", f"GET {ITEM_PATH}"),
}


def test_the_suite_passes_on_the_grown_spec_and_the_page_checks_ran_on_the_new_resource(
    grown_doc: dict[str, Any], suite_env: dict[str, str], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "coverage.json"
    server = ResourceServer(grown_doc)
    narrowed = [arg for op in (*NEW_OPERATIONS, "list_clients") for arg in ("--include-operation-id", op)]
    options = ContractOptions(
        max_examples=3, seed=1, phases=("examples", "fuzzing", "stateful"), extra=narrowed,
        coverage=coverage_options(report, None, False, None, {}),
    )  # fmt: skip
    with RunCoverage(grown_doc, options.coverage) as coverage:
        with in_background(coverage.observe(server.app), "resource server") as origin, coverage.suite():
            code = run_schemathesis(grown_doc, origin + server.base_path, options, {**suite_env, **coverage.env})
        code = coverage.finish(code)
    out, _ = capfd.readouterr()
    assert code == 0, out[-4000:]
    assert "No issues found" in out
    ran = {(c["check"], c["operation"]): c["ran"] for c in json.loads(report.read_text())["checks"]}
    assert {key: ran.get(key, 0) for key in NEW_RESOURCE_CHECKS if not ran.get(key)} == {}
    assert ran[("page_respects_limit", "GET /clients")] > 0  # and on today's resource still


@pytest.mark.parametrize(
    ("broken", "operations", "caught_by"),
    [
        ("pages-overlap", ["list_appointments"], "Custom check failed: `pages_cover_total`"),
        ("put-merges", ["replace_appointment"], "Custom check failed: `put_removes_omitted_fields`"),
    ],
)
def test_a_broken_variant_on_the_new_resource_is_caught(
    grown_doc: dict[str, Any], suite_env: dict[str, str], capfd: pytest.CaptureFixture[str],
    broken: str, operations: list[str], caught_by: str,
) -> None:  # fmt: skip
    server = ResourceServer(grown_doc, broken=(broken, RESOURCE))
    narrowed = [arg for op in operations for arg in ("--include-operation-id", op)]
    options = ContractOptions(max_examples=5, max_failures=1, seed=1, phases=("examples", "fuzzing"), extra=narrowed)
    with in_background(server.app, "broken resource server") as origin:
        code = run_schemathesis(grown_doc, origin + server.base_path, options, suite_env)
    out, _ = capfd.readouterr()
    assert code != 0 and caught_by in out, out[-3000:]


# -- guarded runs: fixtures, absent ids, the ledger and the cleanup on every collection ------------------------------


def test_a_guarded_run_creates_and_deletes_on_both_collections_and_leaves_nothing_behind(
    grown: Path, suite_env: dict[str, str], serve: Any, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    server = ResourceServer(bundle(grown).data)
    base_url, log = serve(server)
    before = server.snapshot()
    ledger = tmp_path / "ledger.jsonl"
    options = ContractOptions(base_url=base_url, max_examples=3, seed=1, phases=("examples", "stateful"), ledger=ledger)
    code = run_contract(grown, ROOT / "overlays", options)
    out, err = capfd.readouterr()
    assert code == 0, out[-3000:] + err[-2000:]
    assert server.snapshot() == before  # every seeded item as it was, every item the run made gone
    created = Ledger(ledger).created()
    fixtures = {(c, fixture) for c, _, fixture in created if fixture}
    assert fixtures == {("/clients", True), (COLLECTION, True)}
    assert Ledger(ledger).marked("cleaned") | Ledger(ledger).marked("deleted") >= {(c, i) for c, i, _ in created}
    assert f"deleted the {len(created)} items this run created (in 2 collections)" in err and "0 refused" in err
    assert ("POST", f"/api/v3{COLLECTION}") in log.seen
    action = re.compile(rf"^/api/v3{COLLECTION}/(\d+)/{ACTION}$")
    acted = {m.group(1) for method, path in log.seen if method == "POST" and (m := action.match(path))}
    own = {i for c, i, _ in created if c == COLLECTION}
    absent = {i for i in acted if i not in own}
    assert acted and all(len(i) >= 9 for i in absent), acted  # the action on the run's items, or on an absent id


def test_a_collection_without_delete_is_never_written_to_and_the_coverage_says_why(
    tmp_path: Path, suite_env: dict[str, str], serve: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    root = grow(tmp_path / "grown")
    item_file = root.parent / "paths" / "appointment.yaml"
    text = item_file.read_text()
    item_file.write_text(text[: text.index("delete:\n")])  # the item's DELETE is the last operation of the file
    (root.parent / "paths" / "appointments.yaml").write_text(
        (root.parent / "paths" / "appointments.yaml").read_text().replace(
            "        delete_appointment:\n          operationId: delete_appointment\n"
            "          parameters:\n            appointment_id: $response.body#/id\n", ""
        )
    )  # fmt: skip
    server = ResourceServer(bundle(root).data)
    base_url, log = serve(server)
    before = server.snapshot()
    report = tmp_path / "coverage.json"
    options = ContractOptions(
        base_url=base_url, max_examples=2, seed=1, phases=("examples",),
        coverage=coverage_options(report, None, False, None, {}),
    )  # fmt: skip
    code = run_contract(root, ROOT / "overlays", options)
    out, err = capfd.readouterr()
    assert code == 0, out[-3000:] + err[-2000:]
    assert server.snapshot()[COLLECTION] == before[COLLECTION]
    assert not [(m, p) for m, p in log.seen if m == "POST" and p == f"/api/v3{COLLECTION}"]
    left = {entry["operation"]: entry["reason"] for entry in json.loads(report.read_text())["leftOut"]}
    why = f"never created against a live server: the run could not delete what it creates: {ITEM_PATH} has no DELETE"
    assert left == {f"POST {COLLECTION}": why}
    assert f"left out: POST {COLLECTION}: {why}" in out


# -- the parts, without a run --------------------------------------------------------------------------------------


def test_fixtures_are_valid_bodies_marked_in_their_first_required_string(grown: Path) -> None:
    doc = bundle(grown).data
    spec = suite_spec(doc)
    schemas = BundleSchemas(doc)
    for resource in spec.resources:
        made = fixture(doc, resource, schemas, "run R1 #1")
        assert resource.input_schema is not None and schemas.errors(resource.input_schema, made.body) == []
        assert set(made.body) == set(resource.required_writable)
        ((field, text),) = made.mark.items()
        assert field == resource.required_writable[0] and text == f"{FIXTURE_MARK} run R1 #1" == made.body[field]
    new = next(r for r in spec.resources if r.name == RESOURCE)
    body = fixture(doc, new, schemas, "x").body
    assert body["starts_at"] == "2026-05-01T09:00:00Z" and body["duration_minutes"] == 45  # the spec's example


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "integer", "minimum": 5}, 5),
        ({"type": "integer", "exclusiveMinimum": 5}, 6),
        ({"type": "integer", "minimum": 7, "multipleOf": 5}, 10),
        ({"type": "integer", "maximum": -3}, -3),
        ({"type": "number", "exclusiveMaximum": 0}, -1.0),
        ({"type": "string", "minLength": 3}, "xxx"),
        ({"type": "string", "format": "email"}, "rstar-contract@example.com"),
        ({"type": ["null", "boolean"]}, False),
        ({"type": "array", "minItems": 2, "items": {"enum": ["a", "b"]}}, ["a", "a"]),
        ({"type": "object", "required": ["n"], "properties": {"n": {"const": 1}, "o": {"type": "string"}}}, {"n": 1}),
        ({"allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}}}]}, {"a": False}),
        ({"oneOf": [{"type": "string", "maxLength": 0}, {"type": "integer"}]}, ""),
    ],
)
def test_the_simplest_value_each_keyword_allows(schema: dict[str, Any], value: Any) -> None:
    assert simplest({}, schema) == value


def test_the_guard_places_every_write_by_the_model(grown: Path, tmp_path: Path) -> None:
    doc = bundle(grown).data
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.write("created", COLLECTION, "51")
    guard = Guard(Routes.from_doc(doc, "/api/v3"), ledger, absent={COLLECTION: "9007199254740123"})
    assert guard.judge("POST", f"/api/v3{COLLECTION}").creates == COLLECTION
    assert guard.judge("POST", f"/api/v3{COLLECTION}/51/{ACTION}").allowed  # an action on the run's own item
    assert guard.judge("POST", f"/api/v3{COLLECTION}/9007199254740123/{ACTION}").allowed
    assert not guard.judge("POST", f"/api/v3{COLLECTION}/7/{ACTION}").allowed  # on somebody's item
    assert not guard.judge("PUT", f"/api/v3{COLLECTION}/7").allowed
    assert guard.refused[-1] == f"PUT /api/v3{COLLECTION}/7: {COLLECTION}/7 is not an item this run created"
    assert guard.judge("POST", "/api/v3/auth").allowed  # the token operation (x-rstar-token), not a write on data


def test_an_earlier_version_s_ledger_is_still_read(tmp_path: Path) -> None:
    """Ledgers written before resources came from the spec: one stamp as `created_at`, fixtures by name."""
    path = tmp_path / "old.jsonl"
    path.write_text(
        '{"collection": "/clients", "created_at": "2026-12-01T08:00:00Z", "event": "created", "fixture": true,'
        ' "id": "5", "name": "run R #1"}\n{"collection": "/clients", "event": "creating", "id": "", "name": "run R #2"}\n'
    )
    ledger = Ledger(path)
    assert ledger.problem() is None
    assert ledger.fingerprint("/clients", "5") == {"created_at": "2026-12-01T08:00:00Z"}
    assert [r["name"] for r in ledger.pending()] == ["run R #2"]


def _literals(source: str) -> Iterator[str]:
    """The string constants of a module (f-strings' parts included), less docstrings and comments."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


# Names of today's spec that are also words of the vocabulary the tools read: not the spec's names there.
VOCABULARY = {
    "email": "a JSON Schema format (_fixtures.py makes a value of each format)",
    "token": "a role of the resource model (the token operation)",
    "api_key": "the kind of grant x-rstar-token names, and a secret's name schemathesis masks",
    "created_at": "LEGACY_STAMP: how ledgers of earlier versions name their one stamp (_guard.py)",
}


def test_contract_names_nothing_of_today_s_spec() -> None:
    """src/rstar_spec/contract/ holds no path, operationId, parameter or field name of the bundled spec in its
    code (docstrings may show examples): every resource is read from the document. The names are taken from
    the spec when the test runs, not written here."""
    doc = bundle(SPEC_DIR / "openapi.yaml").data
    spec = suite_spec(doc)
    names: set[str] = set()
    for op in spec.view.operations:
        names |= {op.template, op.operation_id or ""} | set(op.path.names)
        names |= {"/" + s for s in op.template.split("/") if s and "{" not in s}
        names |= {str(p.param.get("name")) for p in op.parameters if p.param.get("in") != "header"}
    for resource in spec.resources:
        names |= set(resource.fields) | set(resource.writable) | {resource.name, resource.tag}
    if spec.token is not None:
        names |= set(spec.token.grant) | {spec.token.token_field}
    names -= {"", "id"}  # `id`: the resource model's own default id field (oas/resources.py), and the ledger's key
    assert {"/clients", "client_id", "first_name", "create_token"} <= names  # what the spec says today
    found = []
    for path in sorted((ROOT / "src" / "rstar_spec" / "contract").rglob("*")):
        if path.suffix == ".py":
            texts = list(_literals(path.read_text(encoding="utf-8")))
        elif path.suffix in (".toml", ".yaml"):
            lines = [line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
            texts = [value for line in lines for value in re.findall(r'"([^"]*)"', line)]
        else:
            continue
        for name in sorted(names - set(VOCABULARY)):
            # a plain word (limit, notes) only as a whole literal; a name like first_name or /clients anywhere in one
            pattern = re.compile(rf"(?<![\w{{]){re.escape(name)}(?![\w}}])") if re.search(r"[_/]", name) else None
            if any(text == name or (pattern and pattern.search(text)) for text in texts):
                found.append(f"{path.name}: {name}")
    assert found == []


REPORT = """Schemathesis v4.32.5
━━━━━━━━━━━━━━━━━━━━

 ✅  Loaded specification from /tmp/x/openapi.json (in 0.48s)

 ✅  Examples (in 1.27s)

     ✅ 6 passed  ⏭  1 skipped

=================================== SUMMARY ====================================

API Operations:
  Selected: 7/7
  Tested: 7

Test cases:
  463 generated, 463 passed, 24 skipped

Seed: 1

=========================== No issues found in 2.99s ===========================
"""


def test_schemathesis_s_report_is_cut_to_what_needs_attention_unless_it_failed() -> None:
    """Issue 27 A8: a passing run shows schemathesis's verdict, cases and seed; a failing one its report from the
    first section on (the failures, the summary); -v (run_schemathesis's verbose) streams it whole."""
    assert digest(REPORT, 0).splitlines() == [
        "Selected: 7/7", "Test cases: 463 generated, 463 passed, 24 skipped", "Seed: 1",
        "=========================== No issues found in 2.99s ===========================",
    ]  # fmt: skip
    failed = REPORT.replace("=== SUMMARY ===", "=== FAILURES ===")
    assert digest(failed, 1) == failed[failed.index("=====") :] and digest("Error: boom\n", 1) == "Error: boom\n"


def test_the_coverage_table_with_probes_only_with_v() -> None:
    view_doc = build_target(SPEC_DIR / "openapi.yaml", "mock", ROOT / "overlays")
    from rstar_spec.contract._coverage import Exchange, count, render_brief, render_table
    from rstar_spec.oas.view import DocumentView

    probes = [Exchange("PATCH", "/api/v3/heart", 405), Exchange("GET", "/elsewhere", 404)]
    coverage = count(DocumentView.of(view_doc), [Exchange("GET", "/api/v3/heart", 200), *probes], {})
    brief, whole = render_brief(coverage, require=False), render_table(coverage)
    assert "(no such operation)" not in brief and "(no path)" not in brief and "-v" in brief
    assert "PATCH /heart" in whole and "(no path)" in whole


def _nested_doc(staff_delete: bool = True, shops_delete: bool = True) -> dict[str, Any]:
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "readOnly": True}}}
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"n": {"type": "string"}}}}}}
    answer = {"description": "", "content": {"application/json": {"schema": item}}}
    param = {"schema": {"type": "integer"}, "in": "path", "required": True}
    paths: dict[str, Any] = {}
    for prefix, id_name, delete in (("/shops", "shop_id", shops_delete), ("/shops/{shop_id}/staff", "staff_id",
                                                                          staff_delete)):  # fmt: skip
        paths[prefix] = {"post": {"requestBody": body, "responses": {"201": answer}}}
        paths[f"{prefix}/{{{id_name}}}"] = {
            "parameters": [{"name": id_name, **param}],
            "get": {"responses": {"200": answer}},
            "put": {"requestBody": body, "responses": {"200": answer}},
            **({"delete": {"responses": {"204": {"description": ""}}}} if delete else {}),
        }
    paths["/shops/{shop_id}/staff"]["parameters"] = [{"name": "shop_id", **param}]
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "/v1"}], "paths": paths}


def test_a_nested_collection_is_written_to_under_a_parent_the_run_created_only(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.write("created", "/shops", "12")
    ledger.write("created", "/shops/12/staff", "5")
    guard = Guard(
        Routes.from_doc(_nested_doc(), "/v1"), ledger, absent={"/shops": "900", "/shops/{shop_id}/staff": "901"}
    )
    assert guard.routes.creating == {"/shops", "/shops/{shop_id}/staff"}
    assert guard.judge("POST", "/v1/shops/12/staff").creates == "/shops/12/staff"
    assert guard.judge("PUT", "/v1/shops/12/staff/5").allowed and guard.judge("PUT", "/v1/shops/12/staff/901").allowed
    assert guard.judge("PUT", "/v1/shops/900/staff/901").allowed  # under a parent that answered 404
    for path in ("/v1/shops/13/staff", "/v1/shops/13/staff/5", "/v1/shops/12/staff/6"):
        assert not guard.judge("POST" if path.endswith("staff") else "PUT", path).allowed, path
    assert guard.refused[0].endswith("/shops/13 is not an item this run created")


def test_what_the_run_could_not_delete_it_never_creates_nor_anything_below_it() -> None:
    routes = Routes.from_doc(_nested_doc(shops_delete=False), "/v1")
    assert routes.creating == frozenset()
    assert routes.never_created == {
        "/shops": "the run could not delete what it creates: /shops/{shop_id} has no DELETE",
        "/shops/{shop_id}/staff": "its parent /shops is not created by the run (the run could not delete what it "
        "creates: /shops/{shop_id} has no DELETE)",
    }


class _Op:
    def __init__(self, method: str, path: str, doc: dict[str, Any]) -> None:
        self.method, self.path = method, path
        self.schema = type("Schema", (), {"raw_schema": doc})()


class _Case:
    def __init__(self, method: str, path: str, doc: dict[str, Any], **params: object) -> None:
        self.operation, self.path_parameters, self.meta = _Op(method, path, doc), params, None


def test_the_hook_points_nested_writes_under_the_run_s_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rstar_spec.contract import checks

    doc = _nested_doc()
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.write("created", "/shops", "12", fixture=True)
    ledger.write("created", "/shops/12/staff", "5", fixture=True)
    absent = {"/shops": "900", "/shops/{shop_id}/staff": "901"}
    keep = {"/shops": ["12"], "/shops/12/staff": ["5"]}
    monkeypatch.setattr(checks, "_GUARD", {"ledger": str(ledger.path), "absent": absent, "keep": keep})
    create = _Case("POST", "/shops/{shop_id}/staff", doc, shop_id=3)
    checks.before_call(None, create, {})
    assert create.path_parameters == {"shop_id": "12"}  # somebody's shop 3: the run's shop 12 instead
    put = _Case("PUT", "/shops/{shop_id}/staff/{staff_id}", doc, shop_id=3, staff_id=8)
    for _ in range(4):
        put.path_parameters.update(shop_id=3, staff_id=8)
        checks.before_call(None, put, {})
        assert put.path_parameters["shop_id"] == "12" and put.path_parameters["staff_id"] in ("5", "901")
    guard = Guard(Routes.from_doc(doc, "/v1"), ledger, absent)
    assert guard.judge("PUT", "/v1/shops/12/staff/5").allowed and guard.judge("PUT", "/v1/shops/12/staff/901").allowed

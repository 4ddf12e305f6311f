"""The resource model (oas/resources.py): collections, items, actions and every operation's role, from shape."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from growth import ACTION, ID_PARAM, NEW_FIELD, RESOURCE, grow

from rstar_spec.oas.bundle import bundle
from rstar_spec.oas.view import DocumentView

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def today() -> DocumentView:
    return DocumentView.of(bundle(REPO / "spec" / "openapi.yaml").data)


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return grow(tmp_path_factory.mktemp("grown"))


def _roles(view: DocumentView) -> dict[str, str]:
    return {op.label: view.resources.placements[op.pointer].role for op in view.operations}


# A path's methods as the CRUD roles they take on a collection and on its item (PUT replaces: no PATCH here)
_COLLECTION_ROLES = {"get": "list", "post": "create"}
_ITEM_ROLES = {"get": "retrieve", "put": "replace", "patch": "update", "delete": "delete"}


def _methods(view: DocumentView) -> dict[str, set[str]]:
    """Each path template of the spec and its methods."""
    methods: dict[str, set[str]] = {}
    for op in view.operations:
        methods.setdefault(op.path.template, set()).add(op.method)
    return methods


def test_the_specs_resources_are_found_and_every_operation_placed(today: DocumentView) -> None:
    """Each resource of the spec (today `clients`; a grown copy has more), with what its methods say it has."""
    model = today.resources
    assert model.unplaced == ()
    methods = _methods(today)
    # a collection: a path whose item (one more template segment) is a path too
    collections = {
        p for p in methods if any(q.startswith(f"{p}/{{") and q.count("/") == p.count("/") + 1 for q in methods)
    }
    assert collections and {r.collection.template for r in model.resources} == collections
    for resource in model.resources:
        assert resource.item is not None and resource.id_param == resource.item.names[-1]
        expected = {_COLLECTION_ROLES[m] for m in methods[resource.collection.template] if m in _COLLECTION_ROLES}
        expected |= {_ITEM_ROLES[m] for m in methods[resource.item.template] if m in _ITEM_ROLES}
        assert sorted(resource.operations) == sorted(expected) and {"list", "create", "retrieve"} <= expected
        assert resource.id_field in resource.read_only
        assert set(resource.writable).isdisjoint(resource.read_only)
        assert resource.required_writable and set(resource.required_writable) <= set(resource.writable)
        assert resource.etag and resource.location and resource.page is not None
    token = model.token
    assert token is not None and model.placements[token.pointer].role == "token"
    roles = set(_roles(today).values())
    actions = {"action"} if any(r.actions for r in model.resources) else set()
    assert roles == {"list", "create", "retrieve", "replace", "delete", "read", "token"} | actions


def test_a_grown_spec_gives_the_new_resource_its_action_and_field(grown: Path, today: DocumentView) -> None:
    view = DocumentView.of(bundle(grown).data)
    by_name = {r.name: r for r in view.resources.resources}
    before = {r.name for r in today.resources.resources}
    assert RESOURCE not in before and set(by_name) == before | {RESOURCE}
    new = by_name[RESOURCE]
    assert [a.name for a in new.actions] == [ACTION]
    assert new.id_param == ID_PARAM and new.id_field == "id"
    assert "status" in new.read_only and "status" not in new.writable
    assert new.etag and new.location and new.page is not None and new.page.items == "data"
    assert NEW_FIELD in by_name["clients"].writable and NEW_FIELD in by_name["clients"].fields
    assert NEW_FIELD not in {f for r in today.resources.resources if r.name == "clients" for f in r.fields}
    assert view.resources.unplaced == ()
    action = new.actions[0].operation
    placement = view.resources.placement(action)
    assert placement is not None and placement.role == "action" and placement.resource is new


def test_lint_and_validate_pass_on_the_grown_spec(grown: Path) -> None:
    for command in ("lint", "validate"):
        run = subprocess.run(
            [sys.executable, "-m", "rstar_spec", "--spec", str(grown), command], capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr


def _doc(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "readOnly": True}}}


def _crud(prefix: str, id_name: str) -> dict[str, Any]:
    return {
        prefix: {
            "get": {"responses": {"200": {"description": "", **_json({"type": "array", "items": ITEM})}}},
            "post": {"requestBody": _json({"type": "object"}), "responses": {"201": {"description": ""}}},
        },
        f"{prefix}/{{{id_name}}}": {
            "get": {"responses": {"200": {"description": "", **_json(ITEM)}}},
            "patch": {"responses": {"200": {"description": ""}}},
            "delete": {"responses": {"204": {"description": ""}}},
        },
    }


def test_nested_collections_are_resources_not_actions() -> None:
    paths = {**_crud("/shops", "shop_id"), **_crud("/shops/{shop_id}/staff", "staff_id")}
    view = DocumentView.of(_doc(paths))
    by_name = {r.name: r for r in view.resources.resources}
    assert set(by_name) == {"shops", "staff"}
    assert by_name["staff"].parent_params == ("shop_id",) and by_name["staff"].id_param == "staff_id"
    assert by_name["shops"].actions == ()
    assert "update" in by_name["shops"].operations  # PATCH on an item
    assert view.resources.unplaced == ()


def test_a_write_no_shape_places_is_unplaced_until_the_extension_says() -> None:
    paths: dict[str, Any] = {"/search": {"post": {"responses": {"200": {"description": ""}}}}}
    view = DocumentView.of(_doc(paths))
    (unplaced,) = view.resources.unplaced
    assert "x-rstar-resource" in unplaced.reason and unplaced.pointer == ("paths", "/search", "post")
    said = copy.deepcopy(paths)
    said["/search"]["post"]["x-rstar-resource"] = {"role": "read"}
    view = DocumentView.of(_doc(said))
    assert view.resources.unplaced == ()
    assert _roles(view) == {"POST /search": "read"}


@pytest.mark.parametrize(
    ("value", "words"),
    [({"role": "fly"}, "role must be one of"), (["list"], "must be a role"), ({"role": "read", "x": 1}, "unknown key")],
)
def test_a_malformed_extension_is_unplaced_with_its_reason(value: Any, words: str) -> None:
    paths = {"/search": {"post": {"x-rstar-resource": value, "responses": {"200": {"description": ""}}}}}
    (unplaced,) = DocumentView.of(_doc(paths)).resources.unplaced
    assert words in unplaced.reason and unplaced.pointer[-1] == "x-rstar-resource"


def test_the_extension_places_an_action_the_shape_cannot() -> None:
    paths = _crud("/shops", "shop_id")
    paths["/shop-closures"] = {
        "post": {
            "x-rstar-resource": {"role": "action", "collection": "/shops", "name": "close"},
            "responses": {"200": {"description": ""}},
        }
    }
    view = DocumentView.of(_doc(paths))
    (shops,) = view.resources.resources
    assert [a.name for a in shops.actions] == ["close"] and view.resources.unplaced == ()


def test_the_pagination_extension_wins_over_the_shape() -> None:
    page = {
        "type": "object",
        "required": ["items", "count"],
        "properties": {"items": {"type": "array", "items": ITEM}, "count": {"type": "integer"}},
    }
    paths = _crud("/shops", "shop_id")
    listing = paths["/shops"]["get"]
    listing["responses"]["200"] = {"description": "", **_json(page)}
    listing["parameters"] = [
        {"name": "skip", "in": "query", "schema": {"type": "integer"}},
        {"name": "take", "in": "query", "schema": {"type": "integer"}},
    ]
    assert DocumentView.of(_doc(paths)).resources.resources[0].page is None  # the shape does not tell
    listing["x-rstar-pagination"] = {"items": "items", "offset": "skip", "limit": "take", "total": "count"}
    envelope = DocumentView.of(_doc(paths)).resources.resources[0].page
    assert envelope is not None and (envelope.offset_param, envelope.total, envelope.source) == (
        "skip",
        "count",
        "extension",
    )


def test_lint_reports_an_unplaced_operation_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1', description: d}\npaths:\n"
        "  /search:\n    post:\n      operationId: search\n      responses:\n        '200': {description: ok}\n"
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "rstar_spec",
            "--spec",
            str(tmp_path / "openapi.yaml"),
            "lint",
            "--rule",
            "operation-placed",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    assert "openapi.yaml:5:" in run.stdout and "operation-placed" in run.stdout


def test_the_id_field_is_found_by_shape_when_no_link_or_parameter_names_it() -> None:
    item = {
        "type": "object",
        "required": ["ref", "made", "state"],
        "properties": {
            "ref": {"type": "string", "readOnly": True},
            "made": {"type": "string", "format": "date-time", "readOnly": True},
            "state": {"type": "string", "readOnly": True, "enum": ["a", "b"]},
        },
    }
    paths = _crud("/shops", "shop_id")
    paths["/shops/{shop_id}"]["get"]["responses"]["200"] = {"description": "", **_json(item)}
    (shops,) = DocumentView.of(_doc(paths)).resources.resources
    assert shops.id_field == "ref"
    item["properties"]["code"] = {"type": "integer", "readOnly": True}
    item["required"].append("code")  # two candidates: the shape cannot tell
    (shops,) = DocumentView.of(_doc(paths)).resources.resources
    assert shops.id_field is None

"""The SDK's method names, pagination and ETag cache come from the resource model; the overlay only says otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from growth import ACTION, ITEM, ITEM_PATH, RESOURCE, grow

from rstar_spec.overlay.pipeline import build_target
from rstar_spec.sdk import sdk_facts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def grown_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = grow(tmp_path_factory.mktemp("grown"))
    return build_target(root, "python-client", ROOT / "overlays")


def _names(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {op_id: (f.resource, f.sdk_name) for op_id, f in sdk_facts(doc).operations.items()}


def test_a_new_resource_and_its_action_get_their_names_from_their_roles(grown_doc: dict[str, Any]) -> None:
    facts = sdk_facts(grown_doc)
    by_path = {
        (path, method): facts.operations[op["operationId"]]
        for path, item in grown_doc["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    new = {method_path: f.sdk_name for method_path, f in by_path.items() if method_path[0].startswith(f"/{RESOURCE}")}
    assert sorted(new.values()) == sorted(["list", "create", "retrieve", "update", "delete", ACTION])
    assert {f.resource for (path, _), f in by_path.items() if path.startswith(f"/{RESOURCE}")} == {RESOURCE}
    listing = by_path[(f"/{RESOURCE}", "get")]
    assert listing.pagination is not None and listing.pagination.items == "data"
    assert by_path[(ITEM_PATH, "get")].etag_cache
    assert not by_path[(f"/{RESOURCE}", "post")].idempotent  # the overlay's one exception still applies


def test_the_token_and_plain_reads_are_named_by_role_and_path(grown_doc: dict[str, Any]) -> None:
    facts = sdk_facts(grown_doc)
    token = facts.token
    assert token is not None and facts.operations[token.operation_id].sdk_name == "token"
    reads = [f.sdk_name for op_id, f in facts.operations.items() if op_id == "get_heart"]
    assert reads == ["heart"]


def test_put_is_replace_when_the_resource_also_has_patch(grown_doc: dict[str, Any]) -> None:
    doc = dict(grown_doc, paths=dict(grown_doc["paths"]))
    item = dict(doc["paths"][ITEM_PATH])
    item["patch"] = {**item["put"], "operationId": f"patch_{ITEM}"}
    doc["paths"][ITEM_PATH] = item
    names = _names(doc)
    assert names[f"patch_{ITEM}"] == (RESOURCE, "update")
    assert names[f"replace_{ITEM}"] == (RESOURCE, "replace")


def test_an_overlay_name_wins_and_a_taken_derived_name_falls_back_to_the_operation_id(
    grown_doc: dict[str, Any],
) -> None:
    doc = dict(grown_doc, paths=dict(grown_doc["paths"]))
    listing = dict(doc["paths"][f"/{RESOURCE}"])
    listing["get"] = {**listing["get"], "x-rstar-sdk-name": "all"}
    doc["paths"][f"/{RESOURCE}"] = listing
    assert _names(doc)[f"list_{RESOURCE}"] == (RESOURCE, "all")
    shared = dict(doc["paths"]["/clients"])
    shared["get"] = {**shared["get"], "tags": [RESOURCE]}  # two lists under one tag: the second keeps its id
    doc["paths"]["/clients"] = shared
    names = _names(doc)
    assert names["list_clients"] == (RESOURCE, "list")
    assert names[f"list_{RESOURCE}"] == (RESOURCE, "all")


def test_two_lists_under_one_tag_the_second_keeps_its_operation_id(grown_doc: dict[str, Any]) -> None:
    doc = dict(grown_doc, paths=dict(grown_doc["paths"]))
    shared = dict(doc["paths"]["/clients"])
    shared["get"] = {**shared["get"], "tags": [RESOURCE]}
    doc["paths"]["/clients"] = shared
    names = _names(doc)
    assert sorted([names["list_clients"][1], names[f"list_{RESOURCE}"][1]]) in (
        ["list", f"list_{RESOURCE}"],
        ["list", "list_clients"],
    )

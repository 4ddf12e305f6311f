"""The document view: one typed, resolved reading of a document, and the router built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rstar_spec import bundle
from rstar_spec.oas.paths import PathTemplate, TemplateError, path_shape, template_names
from rstar_spec.oas.view import DocumentView, media_type_essence, select_media

ROOT = Path(__file__).resolve().parent.parent


def _doc() -> dict:
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://example.com/api/v3/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/items/{item_id}": {
                "parameters": [{"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {
                    "operationId": "get_item",
                    "responses": {
                        "200": {**ok, "headers": {"ETag": {"$ref": "#/components/headers/ETag"}}},
                        "4XX": {"description": "client error"},
                        "default": {"description": "other"},
                    },
                },
                "delete": {
                    "operationId": "delete_item",
                    "security": [{}],
                    "responses": {"204": {"description": "gone"}},
                },
            },
            "/items/mine": {"get": {"operationId": "my_items", "responses": {"200": ok}}},
            "/items": {
                "post": {
                    "operationId": "create_item",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "201": {
                            **ok,
                            "links": {
                                "get": {"operationId": "get_item", "parameters": {"item_id": "$response.body#/id"}}
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {"Item": {"type": "object"}},
            "headers": {"ETag": {"required": True, "schema": {"type": "string"}}},
        },
    }


def test_operations_are_resolved_once_with_their_parts() -> None:
    view = DocumentView.of(_doc())
    assert view.base_path == "/api/v3"
    get = view.by_id("get_item")
    assert get is not None and get.label == "GET /items/{item_id}"
    assert [p.param["name"] for p in get.parameters] == ["item_id"]
    assert get.authenticated and not view.by_id("delete_item").authenticated  # type: ignore[union-attr]
    ok = get.responses["200"]
    assert ok.content["application/json"].schema_pointer == ("components", "schemas", "Item")
    etag = ok.header("etag")
    assert etag is not None and etag.required and etag.pointer == ("components", "headers", "ETag")
    create = view.by_id("create_item")
    assert create is not None and create.request_body is not None and create.request_body.required
    assert [(link.name, link.operation_id) for link in create.responses["201"].links] == [("get", "get_item")]


@pytest.mark.parametrize(
    ("status", "expected"), [(200, "200"), (404, "4XX"), (418, "4XX"), (500, "default"), (304, "default")]
)
def test_a_status_is_documented_by_its_code_then_its_range_then_default(status: int, expected: str) -> None:
    get = DocumentView.of(_doc()).by_id("get_item")
    assert get is not None
    found = get.response_for(status)
    assert found is not None and found.status == expected


def test_a_status_without_code_range_or_default_is_undocumented() -> None:
    delete = DocumentView.of(_doc()).by_id("delete_item")
    assert delete is not None and delete.response_for(404) is None


def test_the_router_prefers_concrete_paths_and_decodes_values() -> None:
    view = DocumentView.of(_doc())
    mine = view.router.match("GET", "/items/mine")
    assert mine is not None and mine.operation.operation_id == "my_items"
    item = view.router.match("get", "/items/4%2F2")
    assert item is not None and item.operation.operation_id == "get_item" and item.path_params == {"item_id": "4/2"}
    assert view.router.match("GET", "/items/1/extra") is None
    assert view.router.match("PATCH", "/items/1") is None
    assert view.router.allowed("/items/1") == ("DELETE", "GET")
    assert view.router.allowed("/nowhere") == ()


def test_paths_are_taken_under_the_base_path_only() -> None:
    view = DocumentView.of(_doc())
    assert view.under_base("/api/v3/items") == "/items"
    assert view.under_base("/api/v30/items") is None
    assert view.under_base("/other/items") is None
    assert view.under_base("/v1/items", "/v1/") == "/items"


def test_media_types_are_chosen_exact_then_by_range() -> None:
    content = DocumentView.of(_doc()).by_id("get_item").responses["200"].content  # type: ignore[union-attr]
    assert select_media(content, "Application/JSON; charset=utf-8") is not None
    assert select_media(content, "text/html") is None
    assert media_type_essence(" text/plain ;charset=x") == "text/plain"


def test_path_templates_parse_once_with_names_and_shape() -> None:
    template = PathTemplate.parse("/a/{x}/b/{y}.json")
    assert template.names == ("x", "y") and template.shape == "/a/{}/b/{}.json"
    assert template.match("/a/1/b/2.json") == {"x": "1", "y": "2"}
    assert template.match("/a/1/b/2.xml") is None
    assert path_shape("/clients/{client_id}") == "/clients/{}"
    with pytest.raises(TemplateError):
        PathTemplate.parse("/a/{x")
    assert template_names("/a/{x}}") == ()


def test_the_project_spec_routes_every_operation_to_itself() -> None:
    view = DocumentView.of(bundle(ROOT / "spec" / "openapi.yaml").data)
    assert view.operations
    for op in view.operations:
        concrete = op.path.template
        for name in op.path.names:
            concrete = concrete.replace("{" + name + "}", "7")
        found = view.router.match(op.method, concrete)
        assert found is not None and found.operation is op

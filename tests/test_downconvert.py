"""The 3.1 -> 3.0.3 down-converter: each construct, each reported loss, valid output."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from rstar_spec.publish.downconvert import downconvert


def doc_with(schema: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}}},
        "components": {"schemas": {"S": schema}},
        **top,
    }  # fmt: skip


def convert_schema(schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    out, losses = downconvert(doc_with(schema))
    assert list(OpenAPIV30SpecValidator(out).iter_errors()) == []
    return out["components"]["schemas"]["S"], [str(loss) for loss in losses]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["string", "integer"]}, {"oneOf": [{"type": "string"}, {"type": "integer"}]}),
        (
            {"type": ["string", "integer", "null"]},
            {"nullable": True, "oneOf": [{"type": "string"}, {"type": "integer"}]},
        ),
        ({"type": "null"}, {"nullable": True, "enum": [None]}),
        ({"type": "string", "const": "x"}, {"type": "string", "enum": ["x"]}),
        ({"type": "string", "examples": ["a"]}, {"type": "string", "example": "a"}),
        (
            {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
            {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 10, "exclusiveMaximum": True},
        ),
        (
            {"$ref": "#/components/schemas/T", "readOnly": True},
            {"allOf": [{"$ref": "#/components/schemas/T"}], "readOnly": True},
        ),
        ({"type": "string", "contentEncoding": "base64"}, {"type": "string", "format": "byte"}),
        ({"type": "string", "contentMediaType": "image/png"}, {"type": "string", "format": "binary"}),
        (
            {
                "type": "object",
                "properties": {"a": {"type": ["integer", "null"], "const": 1}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"a": {"type": "integer", "nullable": True, "enum": [1]}},
                "additionalProperties": False,
            },
        ),
        (
            {"type": "array", "items": {"type": ["string", "null"]}},
            {"type": "array", "items": {"type": "string", "nullable": True}},
        ),
        (
            {"allOf": [{"type": "object", "properties": {"b": True, "c": False}}]},
            {"allOf": [{"type": "object", "properties": {"b": {}, "c": {"not": {}}}}]},
        ),
    ],
)
def test_constructs_3_0_can_say_another_way(schema: dict[str, Any], expected: dict[str, Any]) -> None:
    if "$ref" in schema:  # the target must exist for the document to be valid
        doc = doc_with(schema)
        doc["components"]["schemas"]["T"] = {"type": "string"}
        out, losses = downconvert(doc)
        assert out["components"]["schemas"]["S"] == expected and losses == []
        return
    converted, losses = convert_schema(schema)
    assert converted == expected
    assert losses == []


@pytest.mark.parametrize(
    "keyword",
    ["$defs", "prefixItems", "contains", "patternProperties", "dependentRequired", "propertyNames",
     "unevaluatedProperties", "if", "then", "else", "$comment"],
)  # fmt: skip
def test_keywords_3_0_lacks_are_reported(keyword: str) -> None:
    value: Any = (
        {"type": "string"}
        if keyword not in ("dependentRequired", "$comment", "prefixItems", "patternProperties", "$defs")
        else {}
    )
    if keyword == "$comment":
        value = "note"
    if keyword == "prefixItems":
        value = [{"type": "string"}]
    converted, losses = convert_schema({"type": "object", keyword: value})
    assert keyword not in converted
    assert losses == [
        f"#/components/schemas/S/{keyword.replace('~', '~0').replace('/', '~1')}: {keyword} dropped: 3.0 schemas have no {keyword}"
    ]


def test_more_than_one_example_is_a_loss() -> None:
    converted, losses = convert_schema({"type": "integer", "examples": [1, 2, 3]})
    assert converted == {"type": "integer", "example": 1}
    assert losses == ["#/components/schemas/S/examples: 2 of 3 examples dropped: 3.0 takes one"]


def test_document_level_losses_and_rewrites() -> None:
    doc = doc_with(
        {"type": "string"}, webhooks={"w": {}}, jsonSchemaDialect="https://json-schema.org/draft/2020-12/schema"
    )
    doc["info"]["summary"] = "short"
    doc["info"]["license"] = {"name": "Apache 2.0", "identifier": "Apache-2.0"}
    doc["components"]["pathItems"] = {"P": {}}
    doc["components"]["securitySchemes"] = {
        "mtls": {"type": "mutualTLS"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }
    doc["components"]["responses"] = {
        "R": {"description": "r", "headers": {"H": {"schema": {"type": ["integer", "null"]}}}}
    }
    doc["paths"]["/a"]["get"]["responses"]["404"] = {"$ref": "#/components/responses/R", "description": "not here"}
    doc["paths"]["/a"]["get"]["parameters"] = [{"name": "q", "in": "query", "schema": {"const": 1}}]
    out, losses = downconvert(doc)
    assert list(OpenAPIV30SpecValidator(out).iter_errors()) == []
    assert out["openapi"] == "3.0.3"
    assert "summary" not in out["info"] and out["info"]["license"] == {"name": "Apache 2.0"}
    assert "webhooks" not in out and "jsonSchemaDialect" not in out and "pathItems" not in out["components"]
    assert list(out["components"]["securitySchemes"]) == ["bearer"]
    assert out["components"]["responses"]["R"]["headers"]["H"]["schema"] == {"type": "integer", "nullable": True}
    assert out["paths"]["/a"]["get"]["parameters"][0]["schema"] == {"enum": [1]}
    assert out["paths"]["/a"]["get"]["responses"]["404"] == {"$ref": "#/components/responses/R"}
    assert sorted(loss.pointer[0] if len(loss.pointer) == 1 else "/".join(loss.pointer) for loss in losses) == sorted([
        "info/summary", "info/license/identifier", "webhooks", "jsonSchemaDialect", "components/pathItems",
        "components/securitySchemes/mtls", "paths//a/get/responses/404/description",
    ])  # fmt: skip
    assert doc["openapi"] == "3.1.0"  # the input is not changed


def test_paths_are_made_present() -> None:
    out, _ = downconvert({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}})
    assert out["paths"] == {}

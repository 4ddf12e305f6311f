"""A synthetic spec in the project's layout: N CRUD resources, 5 operations each.

Shaped like the specs of shared/baselines.md (list with offset/limit, create, get,
put, delete; about 8 properties a schema) and like the project spec (shared
error responses, examples, page envelopes), so that every lint rule has work.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 100},
    "code": {"type": "string", "maxLength": 20},
    "email": {"type": "string", "format": "email"},
    "count": {"type": "integer", "minimum": 0},
    "price": {"type": "number", "minimum": 0},
    "active": {"type": "boolean"},
    "notes": {"type": "string", "maxLength": 2000},
}
SAMPLE = {"name": "Sample", "code": "S-1", "email": "s@example.com", "count": 3, "price": 9.5, "active": True}
ERRORS = {"400": "BadRequest", "401": "Unauthorized", "429": "TooManyRequests", "500": "InternalError"}


class _PlainDumper(yaml.SafeDumper):
    """Every node written out, as a person writes a spec: PyYAML would put anchors and aliases on shared
    dicts (`&id001`), which no hand-written spec here has (files with them load positionally, slower)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, Dumper=_PlainDumper, sort_keys=False), encoding="utf-8")


def _content(schema: str, example: Any, prefix: str) -> dict[str, Any]:
    return {
        "application/json": {
            "schema": {"$ref": f"{prefix}schemas.yaml#/{schema}"},
            "examples": {"one": {"value": example}},
        }
    }


def _errors(*codes: str) -> dict[str, Any]:
    return {
        code: {
            "$ref": f"../components/responses.yaml#/{ERRORS.get(code, 'Forbidden' if code == '403' else 'NotFound')}"
        }
        for code in codes
    }


def _hurry(path_file: Path) -> None:
    """camelCase operationIds and no summaries: two findings an operation."""
    doc = yaml.safe_load(path_file.read_text(encoding="utf-8"))
    for op in doc.values():
        if isinstance(op, dict) and "operationId" in op:
            op.pop("summary")
            head, _, tail = op["operationId"].partition("_")
            op["operationId"] = head + tail.capitalize()
    _dump(path_file, doc)


def write_synthetic_spec(root: Path, operations: int, findings: bool = False) -> Path:
    """Write a spec of `operations` operations (rounded up to whole resources) under root; returns the root file.

    With `findings`, every operation breaks two house rules as a hurried author would (a camelCase
    operationId, no summary), and every shared parameter lacks its description: thousands of findings
    at 2,000 operations, each to be placed at its file:line."""
    resources = [f"res{i:04d}" for i in range(max(1, -(-operations // 5)))]
    item = {"id": 1, **SAMPLE, "created_at": "2026-01-15T09:30:00Z"}
    schemas: dict[str, Any] = {
        "Timestamp": {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"},
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
    }
    parameters: dict[str, Any] = {
        "Offset": {
            "name": "offset",
            "in": "query",
            "description": "Items to skip.",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
        "Limit": {
            "name": "limit",
            "in": "query",
            "description": "Page size.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        },
        "Id": {
            "name": "id",
            "in": "path",
            "required": True,
            "description": "The id.",
            "schema": {"type": "integer", "minimum": 1},
        },
    }
    error_example = {"code": "bad_request", "message": "no"}
    responses: dict[str, Any] = {
        name: {"description": name, "content": _content("Error", error_example, "")}
        for name in [*ERRORS.values(), "Forbidden", "NotFound"]
    }
    responses["TooManyRequests"]["headers"] = {
        "Retry-After": {"description": "Seconds.", "schema": {"type": "integer"}}
    }
    if findings:
        for parameter in parameters.values():
            parameter.pop("description")
    paths: dict[str, Any] = {}
    for res in resources:
        kind = res.capitalize()
        schemas[kind] = {
            "type": "object",
            "required": ["id", "name", "created_at"],
            "properties": {"id": {"type": "integer", "minimum": 1}, **FIELDS, "created_at": {"$ref": "#/Timestamp"}},
        }
        schemas[f"{kind}Input"] = {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": dict(FIELDS),
        }
        schemas[f"{kind}Page"] = {
            "type": "object",
            "required": ["data", "offset", "limit", "total"],
            "properties": {
                "data": {"type": "array", "items": {"$ref": f"#/{kind}"}},
                "offset": {"type": "integer"},
                "limit": {"type": "integer"},
                "total": {"type": "integer"},
            },
        }
        body = {"required": True, "content": _content(f"{kind}Input", SAMPLE, "../components/")}
        one = {"description": "One.", "content": _content(kind, item, "../components/")}
        base = {"tags": ["things"]}
        _dump(
            root / "paths" / f"{res}.yaml",
            {
                "get": {
                    **base,
                    "operationId": f"list_{res}",
                    "summary": f"List {res}",
                    "parameters": [
                        {"$ref": "../components/parameters.yaml#/Offset"},
                        {"$ref": "../components/parameters.yaml#/Limit"},
                    ],
                    "responses": {
                        "200": {
                            "description": "A page.",
                            "content": _content(
                                f"{kind}Page", {"data": [item], "offset": 0, "limit": 20, "total": 1}, "../components/"
                            ),
                        },
                        **_errors("400", "401", "429", "500"),
                    },
                },
                "post": {
                    **base,
                    "operationId": f"create_{res}",
                    "summary": f"Create a {res}",
                    "requestBody": body,
                    "responses": {"201": one, **_errors("400", "401", "403", "429", "500")},
                },
            },
        )
        _dump(
            root / "paths" / f"{res}-item.yaml",
            {
                "parameters": [{"$ref": "../components/parameters.yaml#/Id"}],
                "get": {
                    **base,
                    "operationId": f"get_{res}",
                    "summary": f"Get a {res}",
                    "responses": {"200": one, **_errors("401", "404", "429", "500")},
                },
                "put": {
                    **base,
                    "operationId": f"replace_{res}",
                    "summary": f"Replace a {res}",
                    "requestBody": body,
                    "responses": {"200": one, **_errors("400", "401", "403", "404", "429", "500")},
                },
                "delete": {
                    **base,
                    "operationId": f"delete_{res}",
                    "summary": f"Delete a {res}",
                    "responses": {"204": {"description": "Gone."}, **_errors("401", "403", "404", "429", "500")},
                },
            },
        )
        if findings:
            for name in (f"{res}.yaml", f"{res}-item.yaml"):
                _hurry(root / "paths" / name)
        paths[f"/{res}"] = {"$ref": f"paths/{res}.yaml"}
        paths[f"/{res}/{{id}}"] = {"$ref": f"paths/{res}-item.yaml"}
    _dump(root / "components" / "schemas.yaml", schemas)
    _dump(root / "components" / "parameters.yaml", parameters)
    _dump(root / "components" / "responses.yaml", responses)
    _dump(root / "components" / "securitySchemes.yaml", {"bearerAuth": {"type": "http", "scheme": "bearer"}})
    _dump(
        root / "openapi.yaml",
        {
            "openapi": "3.1.0",
            "info": {"title": "Synthetic", "version": "1.0.0", "description": "A synthetic spec for benchmarks."},
            "servers": [{"url": "https://api.test.invalid/v1"}],
            "security": [{"bearerAuth": []}],
            "tags": [{"name": "things", "description": "Things."}],
            "paths": paths,
        },
    )
    return root / "openapi.yaml"


def write_with_anchors(one_file: Path, into: Path) -> Path:
    """The one-file spec written again as PyYAML writes shared values: every repeated mapping or list
    once, with an anchor, and an alias (`*id001`) wherever it comes again."""
    data = yaml.safe_load(one_file.read_text(encoding="utf-8"))
    seen: dict[str, Any] = {}

    def share(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: share(value) for key, value in node.items()}
        elif isinstance(node, list):
            node = [share(value) for value in node]
        else:
            return node
        return seen.setdefault(yaml.safe_dump(node, sort_keys=True), node)

    into.write_text(yaml.safe_dump(share(data), sort_keys=False), encoding="utf-8")
    return into


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("operations", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    print(write_synthetic_spec(args.output, args.operations))

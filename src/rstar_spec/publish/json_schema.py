"""Each model of components.schemas as a JSON Schema 2020-12 document of its own (schemas/<Model>.schema.json)."""

from __future__ import annotations

from typing import Any

from ..oas.schemas import SCHEMA_REF_PREFIX

_SCHEMA_REF = SCHEMA_REF_PREFIX


def json_schemas(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each model of components.schemas as a JSON Schema 2020-12 document of its own.

    OpenAPI 3.1 Schema Objects are JSON Schema 2020-12 (plus annotations such as `example` and
    `discriminator`, which 2020-12 ignores); what changes is where a `$ref` points: the file of the
    model it names, `Client.schema.json`, beside it. Teams that validate rather than generate use
    these (ajv, jsonschema, everit...)."""
    schemas = doc.get("components", {}).get("schemas", {})

    def relink(node: Any) -> Any:
        if isinstance(node, dict):
            out = {key: relink(value) for key, value in node.items()}
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
                out["$ref"] = f"{ref[len(_SCHEMA_REF) :]}.schema.json"
            mapping = (
                node.get("discriminator", {}).get("mapping") if isinstance(node.get("discriminator"), dict) else None
            )
            if isinstance(mapping, dict):
                out["discriminator"]["mapping"] = {
                    key: f"{value[len(_SCHEMA_REF) :]}.schema.json" if value.startswith(_SCHEMA_REF) else value
                    for key, value in mapping.items()
                }
            return out
        if isinstance(node, list):
            return [relink(item) for item in node]
        return node

    return {
        name: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json",
            **relink(schema),
        }
        for name, schema in schemas.items()
        if isinstance(schema, dict)
    }

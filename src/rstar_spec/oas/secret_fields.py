"""What the document itself says is a secret, beyond the names every recorder redacts (core/redaction.py):
properties that are writeOnly or `format: password`, parameters whose schema is, and the names API-key
security schemes send their keys under."""

from __future__ import annotations

from typing import Any

from .walk import iter_parameters, iter_schemas


def holds_secret(schema: Any) -> bool:
    """A schema whose values are secrets: writeOnly (sent, never shown back) or `format: password`."""
    return isinstance(schema, dict) and (schema.get("writeOnly") is True or schema.get("format") == "password")


def secret_property_names(doc: dict[str, Any]) -> set[str]:
    """Every name, as the document spells it, whose value the document says is a secret."""
    names: set[str] = set()
    for _, schema in iter_schemas(doc):
        properties = schema.get("properties")
        if isinstance(properties, dict):
            names.update(str(name) for name, sub in properties.items() if holds_secret(sub))
    for _, parameter in iter_parameters(doc):
        if isinstance(parameter.get("name"), str) and holds_secret(parameter.get("schema")):
            names.add(parameter["name"])
    schemes = (doc.get("components") or {}).get("securitySchemes")
    for scheme in schemes.values() if isinstance(schemes, dict) else ():
        if isinstance(scheme, dict) and scheme.get("type") == "apiKey" and isinstance(scheme.get("name"), str):
            names.add(scheme["name"])
    return names

"""OpenAPI 3.1 -> 3.0.3, with every loss reported rather than dropped silently.

What 3.0 can say another way is rewritten (a ``Loss`` is not reported for it):

- ``type: [T, "null"]`` -> ``type: T, nullable: true``; several non-null types -> ``oneOf``;
- ``const: v`` -> ``enum: [v]``;
- schema ``examples: [a, ...]`` -> ``example: a`` (more than one: a loss, the rest dropped);
- numeric ``exclusiveMinimum``/``exclusiveMaximum`` -> ``minimum``/``maximum`` + boolean;
- ``$ref`` with sibling keywords in a schema -> ``allOf: [{$ref}]`` + the siblings
  (3.0 ignores siblings of ``$ref``);
- boolean schemas -> ``{}`` and ``{not: {}}``;
- ``contentMediaType``/``contentEncoding: base64`` -> ``format: binary``/``byte``;
- ``paths`` made present (required in 3.0).

What 3.0 cannot say is removed and reported as a ``Loss`` with its pointer:
``info.summary``, ``license.identifier``, ``webhooks``, ``components.pathItems``,
``jsonSchemaDialect``, summary/description beside a Reference Object's ``$ref``,
``mutualTLS`` security schemes, and JSON Schema keywords 3.0 lacks
(``$defs``, ``prefixItems``, ``if``/``then``/``else``, ``unevaluated*``,
``dependent*``, ``patternProperties``, ``propertyNames``, ``contains``...).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..core.pointer import Pointer, to_string
from ..oas.walk import item_operations

_SCHEMA_ONLY_31 = (
    "$schema", "$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$defs", "$comment", "prefixItems", "contains",
    "minContains", "maxContains", "patternProperties", "dependentRequired", "dependentSchemas", "propertyNames",
    "unevaluatedProperties", "unevaluatedItems", "if", "then", "else", "contentSchema",
)  # fmt: skip
_SUBSCHEMA_MAPS = ("properties",)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_ONES = ("items", "additionalProperties", "not")


@dataclass(frozen=True, order=True)
class Loss:
    """Something of the 3.1 document that the 3.0 rendering cannot say."""

    pointer: Pointer
    message: str

    def __str__(self) -> str:
        return f"#{to_string(self.pointer)}: {self.message}"


def downconvert(doc: dict[str, Any]) -> tuple[dict[str, Any], list[Loss]]:
    """The 3.0.3 rendering of a 3.1 document, and what it lost. The input is not changed."""
    converter = _Converter()
    out = converter.document(copy.deepcopy(doc))
    return out, sorted(converter.losses)


class _Converter:
    def __init__(self) -> None:
        self.losses: list[Loss] = []

    def lose(self, pointer: Pointer, message: str) -> None:
        self.losses.append(Loss(pointer, message))

    # -- the document ----------------------------------------------------------------------
    def document(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc["openapi"] = "3.0.3"
        info = doc.get("info", {})
        if "summary" in info:
            self.lose(("info", "summary"), f"info.summary dropped: {info.pop('summary')!r}")
        license_ = info.get("license", {})
        if isinstance(license_, dict) and "identifier" in license_:
            self.lose(("info", "license", "identifier"), f"license identifier {license_.pop('identifier')!r} dropped")
        for key in ("webhooks", "jsonSchemaDialect"):
            if key in doc:
                doc.pop(key)
                self.lose((key,), f"{key} dropped: 3.0 has no {key}")
        doc.setdefault("paths", {})
        for path, item in doc["paths"].items():
            self.path_item(item, ("paths", path))
        components = doc.get("components", {})
        if "pathItems" in components:
            components.pop("pathItems")
            self.lose(("components", "pathItems"), "components.pathItems dropped: 3.0 has none")
        for name, schema in list(components.get("schemas", {}).items()):
            components["schemas"][name] = self.schema(schema, ("components", "schemas", name))
        for kind, walker in (
            ("responses", self.response),
            ("parameters", self.parameter),
            ("requestBodies", self.request_body),
            ("headers", self.parameter),
        ):
            for name, node in components.get(kind, {}).items():
                walker(node, ("components", kind, name))
        for name, scheme in list(components.get("securitySchemes", {}).items()):
            if isinstance(scheme, dict) and scheme.get("type") == "mutualTLS":
                components["securitySchemes"].pop(name)
                self.lose(("components", "securitySchemes", name), "mutualTLS security scheme dropped: 3.0 has none")
        return doc

    def reference(self, node: Any, pointer: Pointer) -> bool:
        """A Reference Object: 3.0 ignores its summary/description, so they go (reported)."""
        if not (isinstance(node, dict) and "$ref" in node):
            return False
        for key in [k for k in node if k != "$ref"]:
            node.pop(key)
            self.lose((*pointer, key), f"{key} beside $ref dropped: 3.0 ignores it")
        return True

    def path_item(self, item: dict[str, Any], pointer: Pointer) -> None:
        if self.reference(item, pointer):
            return
        for i, param in enumerate(item.get("parameters", []) or []):
            self.parameter(param, (*pointer, "parameters", str(i)))
        for method, op in item_operations(item):
            op_pointer = (*pointer, method)
            for i, param in enumerate(op.get("parameters", []) or []):
                self.parameter(param, (*op_pointer, "parameters", str(i)))
            if "requestBody" in op:
                self.request_body(op["requestBody"], (*op_pointer, "requestBody"))
            for status, response in (op.get("responses") or {}).items():
                self.response(response, (*op_pointer, "responses", status))
            for name, callback in (op.get("callbacks") or {}).items():
                for expression, callback_item in (callback or {}).items():
                    self.path_item(callback_item, (*op_pointer, "callbacks", name, expression))

    def parameter(self, param: Any, pointer: Pointer) -> None:
        if self.reference(param, pointer) or not isinstance(param, dict):
            return
        if "schema" in param:
            param["schema"] = self.schema(param["schema"], (*pointer, "schema"))
        self.content(param.get("content"), (*pointer, "content"))

    def request_body(self, body: Any, pointer: Pointer) -> None:
        if not self.reference(body, pointer) and isinstance(body, dict):
            self.content(body.get("content"), (*pointer, "content"))

    def response(self, response: Any, pointer: Pointer) -> None:
        if self.reference(response, pointer) or not isinstance(response, dict):
            return
        for name, header in (response.get("headers") or {}).items():
            self.parameter(header, (*pointer, "headers", name))
        self.content(response.get("content"), (*pointer, "content"))
        for name, link in (response.get("links") or {}).items():
            self.reference(link, (*pointer, "links", name))

    def content(self, content: Any, pointer: Pointer) -> None:
        for media_type, media in (content or {}).items():
            if isinstance(media, dict) and "schema" in media:
                media["schema"] = self.schema(media["schema"], (*pointer, media_type, "schema"))
            for name, example in ((media or {}).get("examples") or {}).items():
                self.reference(example, (*pointer, media_type, "examples", name))

    # -- schemas -----------------------------------------------------------------------------
    def schema(self, schema: Any, pointer: Pointer) -> Any:
        if schema is True:
            return {}
        if schema is False:
            return {"not": {}}
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema and len(schema) > 1:
            ref = schema.pop("$ref")
            schema = {"allOf": [{"$ref": ref}], **schema}
        self.types(schema, pointer)
        if "const" in schema:
            schema["enum"] = [schema.pop("const")]
        if "examples" in schema:
            examples = schema.pop("examples")
            if isinstance(examples, list) and examples:
                schema.setdefault("example", examples[0])
                if len(examples) > 1:
                    self.lose(
                        (*pointer, "examples"),
                        f"{len(examples) - 1} of {len(examples)} examples dropped: 3.0 takes one",
                    )
        for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = schema.get(bound)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if limit in schema:
                    self.lose(
                        (*pointer, bound), f"{bound} {value} and {limit} {schema[limit]} cannot both stay: kept {bound}"
                    )
                schema[limit], schema[bound] = value, True
        media = schema.pop("contentMediaType", None)
        encoding = schema.pop("contentEncoding", None)
        if encoding == "base64":
            schema.setdefault("format", "byte")
        elif media is not None or encoding is not None:
            schema.setdefault("format", "binary")
        for key in _SCHEMA_ONLY_31:
            if key in schema:
                schema.pop(key)
                self.lose((*pointer, key), f"{key} dropped: 3.0 schemas have no {key}")
        for key in _SUBSCHEMA_MAPS:
            for name, sub in list((schema.get(key) or {}).items()):
                schema[key][name] = self.schema(sub, (*pointer, key, name))
        for key in _SUBSCHEMA_LISTS:
            if isinstance(schema.get(key), list):
                schema[key] = [self.schema(sub, (*pointer, key, str(i))) for i, sub in enumerate(schema[key])]
        for key in _SUBSCHEMA_ONES:
            if key not in schema or (key == "additionalProperties" and isinstance(schema[key], bool)):
                continue  # 3.0 allows additionalProperties: true/false as it is
            schema[key] = self.schema(schema[key], (*pointer, key))
        return schema

    def types(self, schema: dict[str, Any], pointer: Pointer) -> None:
        kinds = schema.get("type")
        if not isinstance(kinds, list):
            if kinds == "null":
                schema.pop("type")
                schema["nullable"] = True
                schema.setdefault("enum", [None])
            return
        nullable = "null" in kinds
        others = [k for k in kinds if k != "null"]
        if nullable:
            schema["nullable"] = True
        if len(others) == 1:
            schema["type"] = others[0]
        elif not others:
            schema.pop("type")
            schema.setdefault("enum", [None])
        else:
            schema.pop("type")
            schema["oneOf"] = [{"type": k} for k in others] + schema.get("oneOf", [])

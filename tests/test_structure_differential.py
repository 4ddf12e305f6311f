"""The fast structural check against the oracle: openapi-spec-validator, on broken and valid documents.

`structure.check_structure` (jsonschema-rs, the OAI schemas, our semantic checks) replaced
openapi-spec-validator in the hot path. Here the two judge the same documents: every
mutation below breaks the project's bundle in one way (or changes it in a way both must
accept), and the verdicts must agree: the fast path may not accept what the oracle refuses,
nor refuse what it accepts, except for the divergences listed in STRICTER, each with its reason
and each checked to still be a divergence.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from conftest import project_doc
from rstar_spec import bundle
from rstar_spec.core.pointer import Pointer
from rstar_spec.oas.structure import check_structure
from rstar_spec.publish.downconvert import downconvert

ROOT = Path(__file__).resolve().parent.parent
ITEM = "/clients/{client_id}"
COLLECTION = "/clients"


def oracle_refuses(doc: dict[str, Any], version: str) -> bool:
    validator = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator
    try:
        return next(iter(validator(doc).iter_errors()), None) is not None
    except Exception:  # it raises on what it cannot resolve: a refusal
        return True


Mutation = Callable[[dict[str, Any]], Pointer]


def _set(pointer: Pointer, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> Pointer:
        node = doc
        for token in pointer[:-1]:
            node = node[int(token)] if isinstance(node, list) else node[token]
        if isinstance(node, list):
            node[int(pointer[-1])] = value
        else:
            node[pointer[-1]] = value
        return pointer

    return mutate


def _drop(pointer: Pointer) -> Mutation:
    def mutate(doc: dict[str, Any]) -> Pointer:
        node = doc
        for token in pointer[:-1]:
            node = node[int(token)] if isinstance(node, list) else node[token]
        del node[pointer[-1]]
        return pointer[:-1]

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(doc: dict[str, Any]) -> Pointer:
        return [m(doc) for m in mutations][-1]

    return mutate


CLIENT = ("components", "schemas", "Client")
MAPPING = ("components", "schemas", "TokenRequest", "discriminator", "mapping")
GET_ITEM = ("paths", ITEM, "get")
LIST = ("paths", COLLECTION, "get")
CREATE = ("paths", COLLECTION, "post")

# name -> (mutation, refused by the oracle?) The expectation keeps the corpus honest: at least 40 refusals.
BROKEN: dict[str, Mutation] = {
    "no info": _drop(("info",)),
    "info title not a string": _set(("info", "title"), 7),
    "no info version": _drop(("info", "version")),
    "openapi version not 3.1": _set(("openapi",), "3.1"),
    "paths a list": _set(("paths",), []),
    "path key without slash": lambda d: (d["paths"].__setitem__("clients", d["paths"].pop(COLLECTION)), ("paths",))[1],
    "empty responses": _set((*GET_ITEM, "responses"), {}),
    "response without description": _drop((*GET_ITEM, "responses", "200", "description")),
    "bad status key": lambda d: (
        d["paths"][ITEM]["get"]["responses"].__setitem__("2000", {"description": "x"}),
        (*GET_ITEM, "responses"),
    )[1],
    "parameter in nowhere": _set((*LIST, "parameters"), [{"name": "x", "in": "nowhere", "schema": {"type": "string"}}]),
    "parameter without name": _set((*LIST, "parameters"), [{"in": "query", "schema": {"type": "string"}}]),
    "parameter without schema or content": _set((*LIST, "parameters"), [{"name": "x", "in": "query"}]),
    "path parameter not required": _set(("components", "parameters", "ClientId", "required"), False),
    "parameter with schema and content": _set(
        (*LIST, "parameters"),
        [{"name": "x", "in": "query", "schema": {"type": "string"}, "content": {"text/plain": {}}}],
    ),
    "unknown keyword on an operation": _set((*GET_ITEM, "frobnicate"), 1),
    "unknown keyword at the root": _set(("frobnicate",), 1),
    "unknown keyword on a media type": _set((*CREATE, "requestBody", "content", "application/json", "frobnicate"), 1),
    "unknown keyword on a server": _set(("servers", "0", "frobnicate"), 1),
    "server without url": _drop(("servers", "0", "url")),
    "tags not a list": _set(("tags",), {"name": "x"}),
    "tag without name": _set(("tags", "0"), {"description": "x"}),
    "duplicate tag": lambda d: (d["tags"].append(dict(d["tags"][0])), ("tags",))[1],
    "schema type misspelt": _set((*CLIENT, "type"), "objekt"),
    "schema type a number": _set((*CLIENT, "type"), 5),
    "schema required a string": _set((*CLIENT, "required"), "id"),
    "schema properties a list": _set((*CLIENT, "properties"), []),
    "negative minLength": _set((*CLIENT, "properties", "first_name", "minLength"), -1),
    "pattern not a regex": _set((*CLIENT, "properties", "first_name", "pattern"), "["),
    "maximum a string": _set((*CLIENT, "properties", "id", "maximum"), "ten"),
    "nested schema broken": _set((*CLIENT, "properties", "first_name", "type"), ["string", 3]),
    "discriminator without propertyName": _set((*CLIENT, "discriminator"), {"mapping": {}}),
    "discriminator propertyName not a string": _set((*CLIENT, "discriminator"), {"propertyName": 3}),
    "schema not an object": _set(("components", "schemas", "Date"), 5),
    "schema in a parameter broken": _set(("components", "parameters", "Limit", "schema", "minimum"), "zero"),
    "response schema broken": _set(
        (*GET_ITEM, "responses", "200", "content", "application/json", "schema"), {"type": "nothing"}
    ),
    "ref into nowhere (response)": _set((*GET_ITEM, "responses", "404"), {"$ref": "#/components/responses/Nope"}),
    "ref into nowhere (schema)": _set((*CLIENT, "properties", "created_at"), {"$ref": "#/components/schemas/Nope"}),
    "ref into nowhere (parameter)": _set((*LIST, "parameters", "0"), {"$ref": "#/components/parameters/Nope"}),
    "security a string": _set(("security",), "bearerAuth"),
    "security scheme of no known type": _set(("components", "securitySchemes", "bearerAuth"), {"type": "magic"}),
    "http scheme without scheme": _set(("components", "securitySchemes", "bearerAuth"), {"type": "http"}),
    "duplicate operationId": _set((*CREATE, "operationId"), "list_clients"),
    "path template not declared": lambda d: (
        d["paths"].__setitem__("/clients/{client_id}/notes/{note_id}", copy.deepcopy(d["paths"][ITEM])),
        ("paths", "/clients/{client_id}/notes/{note_id}"),
    )[1],
    "path parameter declared but not templated": lambda d: (
        d["paths"].__setitem__("/clients/all", copy.deepcopy(d["paths"][ITEM])),
        ("paths", "/clients/all"),
    )[1],
    "duplicate parameter": lambda d: (
        d["paths"][COLLECTION]["get"]["parameters"].append(d["paths"][COLLECTION]["get"]["parameters"][0]),
        (*LIST, "parameters"),
    )[1],
    "request body without content": _drop((*CREATE, "requestBody", "content")),
    "header with a name": _set(("components", "headers", "ETag", "name"), "ETag"),
    "default not valid for its schema": _set((*CLIENT, "properties", "first_name", "default"), 5),
    "allOf with an undefined required name": _set(
        ("components", "schemas", "Combined"), {"allOf": [{"$ref": "#/components/schemas/Date"}], "required": ["ghost"]}
    ),
    "component name with a space": lambda d: (
        d["components"]["schemas"].__setitem__("Bad Name", {"type": "string"}),
        ("components", "schemas"),
    )[1],
    "media type schema a number": _set((*GET_ITEM, "responses", "200", "content", "application/json", "schema"), 5),
    "unknown JSON Schema dialect": _set(("jsonSchemaDialect",), "https://example.com/no-such-dialect"),
    "license with identifier and url": _set(
        ("info", "license"), {"name": "MIT", "identifier": "MIT", "url": "https://opensource.org/license/mit"}
    ),
    "webhook with a bad operation": _set(("webhooks",), {"ping": {"post": {"responses": {"200": {}}}}}),
}

# Changes that leave a valid document: both must accept.
ACCEPTED: dict[str, Mutation] = {
    "discriminator mapping by name": _set((*MAPPING, "api_key"), "ApiKeyGrant"),
    "discriminator mapping to an outside document": _set((*MAPPING, "api_key"), "https://example.com/grants.json"),
    "operation without responses (optional in 3.1)": _drop((*GET_ITEM, "responses")),
    "an x- extension on an operation": _set((*GET_ITEM, "x-anything"), {"a": 1}),
    "example and examples together (the 3.1 schema does not forbid it)": _set(
        (*CREATE, "requestBody", "content", "application/json", "example"), {"first_name": "a", "last_name": "b"}
    ),
    "an empty enum": _set((*CLIENT, "properties", "first_name", "enum"), []),
    "security naming an undeclared scheme (lint's job, not OpenAPI's)": _set(("security",), [{"nobody": []}]),
    "a $ref inside an example value is data": _set(
        (*CREATE, "requestBody", "content", "application/json", "examples", "full", "value", "notes"),
        {"$ref": "#/nowhere"},
    ),
    "a property named default": _set((*CLIENT, "properties", "default"), {"type": "string"}),
    "a default response": _set((*GET_ITEM, "responses", "default"), {"$ref": "#/components/responses/InternalError"}),
    "2020-12 keywords": _set(
        (*CLIENT, "properties", "tags"),
        {"type": "array", "prefixItems": [{"type": "string"}], "unevaluatedItems": False},
    ),
}

# Where the fast path is stricter than the oracle, on purpose.
STRICTER: dict[str, tuple[Mutation, str]] = {
    "request body schema broken": (
        _set((*CREATE, "requestBody", "content", "application/json", "schema"), {"type": "nothing"}),
        "openapi-spec-validator 0.9 checks the schemas of responses and parameters, not of request bodies",
    ),
    "header schema broken": (
        _set(("components", "headers", "ETag", "schema"), {"type": "nothing"}),
        "openapi-spec-validator 0.9 does not visit header schemas",
    ),
    "discriminator mapping names no schema": (
        _set((*MAPPING, "api_key"), "NoSuchGrant"),
        "OpenAPI 3.1, 4.8.25: a mapping value names a schema; openapi-spec-validator 0.9 does not look",
    ),
    "discriminator mapping points nowhere": (
        _set((*MAPPING, "api_key"), "#/components/schemas/NoSuchGrant"),
        "as for a $ref that points nowhere, which both refuse",
    ),
}


def _mutated(mutation: Mutation) -> tuple[dict[str, Any], Pointer]:
    doc = copy.deepcopy(project_doc())
    return doc, mutation(doc)


def test_the_corpus_is_mostly_broken_documents() -> None:
    assert len(BROKEN) >= 40
    assert len(ACCEPTED) >= 5


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_document_is_refused_by_both_at_its_place(name: str) -> None:
    doc, where = _mutated(BROKEN[name])
    assert oracle_refuses(doc, "3.1"), f"the oracle accepts {name!r}: not a broken document"
    problems = check_structure(doc)
    assert problems, f"the fast path accepts {name!r}, which openapi-spec-validator refuses"
    related = [p for p in problems if p.pointer[: len(where)] == where or where[: len(p.pointer)] == p.pointer]
    assert related, f"{name!r}: no problem at or around {where}: {problems}"


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_a_valid_change_is_accepted_by_both(name: str) -> None:
    doc, _ = _mutated(ACCEPTED[name])
    assert not oracle_refuses(doc, "3.1"), f"the oracle refuses {name!r}"
    assert check_structure(doc) == []


@pytest.mark.parametrize("name", sorted(STRICTER))
def test_a_listed_divergence_is_still_one(name: str) -> None:
    mutation, _reason = STRICTER[name]
    doc, where = _mutated(mutation)
    assert not oracle_refuses(doc, "3.1"), f"the oracle now refuses {name!r}: move it to BROKEN"
    assert any(p.pointer[: len(where)] == where for p in check_structure(doc))


def _valid_fixtures() -> dict[str, tuple[dict[str, Any], str]]:
    from rstar_spec.overlay.pipeline import build_target

    published = build_target(ROOT / "spec" / "openapi.yaml", "publish", ROOT / "overlays")
    fixtures = {
        "project bundle": (project_doc(), "3.1"),
        "published": (published, "3.1"),
        "3.0 rendering": (downconvert(published)[0], "3.0"),
        "golden minimal": (bundle(ROOT / "tests" / "golden" / "minimal" / "spec" / "openapi.yaml").data, "3.1"),
    }
    for target in ("python-client", "mock"):
        fixtures[target] = (build_target(ROOT / "spec" / "openapi.yaml", target, ROOT / "overlays"), "3.1")
    return fixtures


@pytest.mark.parametrize(
    "name", ["project bundle", "published", "3.0 rendering", "golden minimal", "python-client", "mock"]
)
def test_every_valid_fixture_is_accepted_by_both(name: str) -> None:
    doc, version = _valid_fixtures()[name]
    assert not oracle_refuses(doc, version)
    assert check_structure(doc, version) == []


def test_the_3_0_rendering_broken_is_refused_by_both() -> None:
    doc, version = _valid_fixtures()["3.0 rendering"]
    doc = copy.deepcopy(doc)
    doc["components"]["schemas"]["Client"]["type"] = "objekt"  # 3.0's document schema describes Schema Objects itself
    assert oracle_refuses(doc, version)
    assert any(p.pointer[:3] == ("components", "schemas", "Client") for p in check_structure(doc, version))


# -- OpenAPI 3.0: the project's 3.0.3 rendering, broken and changed, judged by the 3.0 rules ---------------------
_PROPERTIES = (*CLIENT, "properties")

BROKEN_30: dict[str, Mutation] = {
    "3.1's null type": _set((*_PROPERTIES, "first_name", "type"), ["string", "null"]),
    "3.1's type null": _set((*_PROPERTIES, "first_name", "type"), "null"),
    "3.1's numeric exclusiveMinimum": _set((*_PROPERTIES, "id", "exclusiveMinimum"), 0),
    "3.1's const": _set((*_PROPERTIES, "first_name", "const"), "Ada"),
    "3.1's examples list": _set((*_PROPERTIES, "first_name", "examples"), ["Ada"]),
    "3.1's webhooks": _set(("webhooks",), {}),
    "3.1's license identifier": _set(("info", "license"), {"name": "MIT", "identifier": "MIT"}),
    "3.1's components.pathItems": _set(("components", "pathItems"), {}),
    "openapi without a patch": _set(("openapi",), "3.0"),
    "null default, not nullable": _set((*_PROPERTIES, "first_name", "default"), None),
    "default at an exclusive minimum": _both(
        _set((*_PROPERTIES, "id", "minimum"), 5),
        _set((*_PROPERTIES, "id", "exclusiveMinimum"), True),
        _set((*_PROPERTIES, "id", "default"), 5),
    ),
    "nullable not a boolean": _set((*_PROPERTIES, "first_name", "nullable"), "yes"),
    "nested schema misspelt": _set((*_PROPERTIES, "first_name", "type"), "strin"),
    "exclusiveMaximum without maximum": _set((*_PROPERTIES, "id", "exclusiveMaximum"), False),
    "path parameter not required": _set(("components", "parameters", "ClientId", "required"), False),
    "no paths": _drop(("paths",)),
}

ACCEPTED_30: dict[str, Mutation] = {
    "nullable with a null default": _both(
        _set((*_PROPERTIES, "first_name", "nullable"), True), _set((*_PROPERTIES, "first_name", "default"), None)
    ),
    "exclusive minimum, default above it": _both(
        _set((*_PROPERTIES, "id", "minimum"), 5),
        _set((*_PROPERTIES, "id", "exclusiveMinimum"), True),
        _set((*_PROPERTIES, "id", "default"), 6),
    ),
    "exclusiveMaximum false beside a maximum": _both(
        _set((*_PROPERTIES, "id", "maximum"), 10), _set((*_PROPERTIES, "id", "exclusiveMaximum"), False)
    ),
    "a $ref's siblings are ignored": _set(
        (*_PROPERTIES, "tags"), {"$ref": "#/components/schemas/Client", "default": "not a client", "nullable": True}
    ),
    "nullable without a type": _set((*_PROPERTIES, "notes"), {"nullable": True, "default": None}),
    "example in a schema": _set((*_PROPERTIES, "first_name", "example"), "Ada"),
}


@functools.cache
def _rendering_30() -> dict[str, Any]:
    return _valid_fixtures()["3.0 rendering"][0]


def _mutated_30(mutation: Mutation) -> tuple[dict[str, Any], Pointer]:
    doc = copy.deepcopy(_rendering_30())
    return doc, mutation(doc)


@pytest.mark.parametrize("name", sorted(BROKEN_30))
def test_a_broken_3_0_document_is_refused_by_both_at_its_place(name: str) -> None:
    doc, where = _mutated_30(BROKEN_30[name])
    assert oracle_refuses(doc, "3.0"), f"the oracle accepts {name!r}: not a broken document"
    problems = check_structure(doc)  # the version is the document's
    assert problems, f"the fast path accepts {name!r}, which openapi-spec-validator refuses"
    related = [p for p in problems if p.pointer[: len(where)] == where or where[: len(p.pointer)] == p.pointer]
    assert related, f"{name!r}: no problem at or around {where}: {problems}"


@pytest.mark.parametrize("name", sorted(ACCEPTED_30))
def test_a_valid_3_0_change_is_accepted_by_both(name: str) -> None:
    doc, _ = _mutated_30(ACCEPTED_30[name])
    assert not oracle_refuses(doc, "3.0"), f"the oracle refuses {name!r}"
    assert check_structure(doc) == []


# shared/ beside the clone, as CI lays it (RSTAR_SHARED_DIR names it elsewhere, for a worktree)
REALWORLD = Path(os.environ.get("RSTAR_SHARED_DIR", ROOT.parent / "shared")) / "realworld"
_SMALL_REALWORLD = [
    "oai-petstore-expanded.yaml", "oai-callback.yaml", "swagger-petstore.yaml",  # 3.0
    "museum.yaml", "oai-tictactoe.yaml", "oai-webhook.yaml",  # 3.1
]  # fmt: skip


@pytest.mark.parametrize("name", _SMALL_REALWORLD)
def test_public_descriptions_get_the_oracles_verdict(name: str) -> None:
    if not (REALWORLD / name).exists():
        pytest.skip("no shared/realworld/ beside this clone")
    doc = bundle(REALWORLD / name).data
    version = "3.0" if str(doc["openapi"]).startswith("3.0") else "3.1"
    assert check_structure(doc) == [] if not oracle_refuses(doc, version) else check_structure(doc) != []

"""OpenAPI 3.0.x documents read with 3.0 meaning and validated by the 3.0 rules.

A 3.0 Schema Object says `nullable: true` where 3.1 says `type: [T, "null"]`, `exclusiveMinimum: true`
beside `minimum` where 3.1 gives the bound, and ignores the siblings of a `$ref`. The oracles are
openapi-spec-validator (the document) and openapi-schema-validator's OAS30Validator (a value against a
Schema Object), both pure Python and independent of the engine we run.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from conftest import RunCli
from rstar_spec.oas.schema_engine import BundleSchemas
from rstar_spec.oas.validate import validate

PETS_30 = """\
openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
paths:
  /pets/{pet_id}:
    get:
      operationId: get_pet
      parameters:
        - name: pet_id
          in: path
          required: true
          schema: {type: integer, minimum: 0, exclusiveMinimum: true, default: 1}
      responses:
        '200':
          description: A pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              example: {id: 1, name: Rex, tag: null, weight: 10.5}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, minimum: 0, exclusiveMinimum: true, example: 3}
        name: {type: string, example: Rex}
        tag: {type: string, nullable: true, default: null}
        weight: {type: number, maximum: 100, exclusiveMaximum: false}
        owner: {$ref: '#/components/schemas/Owner', description: ignored in 3.0, nullable: true}
    Owner:
      type: object
      properties:
        name: {type: string}
"""


def pets_30() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PETS_30)
    return data


def test_a_valid_3_0_document_is_valid(tmp_path: Path, run_cli: RunCli) -> None:
    assert validate(pets_30()) == []
    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS_30, encoding="utf-8")
    code, _, err = run_cli("--spec", str(spec), "validate")
    assert code == 0, err
    assert "valid OpenAPI 3.0.3" in err


PET = ("components", "schemas", "Pet", "properties")
EXAMPLE = ("paths", "/pets/{pet_id}", "get", "responses", "200", "content", "application/json", "example")


def _set(doc: dict[str, Any], pointer: tuple[str, ...], value: Any) -> None:
    node = doc
    for token in pointer[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[pointer[-1]] = value


@pytest.mark.parametrize(
    ("pointer", "value", "where"),
    [
        ((*PET, "tag", "nullable"), False, (*PET, "tag", "default")),  # null, and not nullable
        ((*PET, "id", "example"), 0, (*PET, "id", "example")),  # at an exclusive minimum
        ((*EXAMPLE, "id"), 0, (*EXAMPLE, "id")),
        ((*EXAMPLE, "tag"), 5, (*EXAMPLE, "tag")),
        ((*EXAMPLE, "weight"), 101, (*EXAMPLE, "weight")),
        (("paths", "/pets/{pet_id}", "get", "parameters", "0", "schema", "default"), 0, ("paths",)),
        ((*PET, "name", "type"), ["string", "null"], (*PET, "name", "type")),  # 3.1's way, not 3.0's
        ((*PET, "id", "exclusiveMinimum"), 0, (*PET, "id", "exclusiveMinimum")),
        (("webhooks",), {}, ()),  # 3.1 only
    ],
)
def test_a_broken_3_0_document_is_refused_at_its_place(
    pointer: tuple[str, ...], value: Any, where: tuple[str, ...]
) -> None:
    doc = pets_30()
    _set(doc, pointer, value)
    problems = validate(doc)
    assert problems, f"{pointer} = {value!r} was accepted"
    assert any(p.pointer[: len(where)] == where for p in problems), problems


# -- a value against a 3.0 Schema Object: our engine beside openapi-schema-validator's OAS30Validator -----------
SCHEMAS_30: list[dict[str, Any]] = [
    {"type": "string", "nullable": True},
    {"type": "string"},
    {"type": "string", "nullable": True, "enum": ["a", "b"]},  # 3.0.3: enum still decides
    {"type": "string", "nullable": True, "enum": ["a", None]},
    {"nullable": True},  # nullable without type: no effect
    {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
    {"type": "integer", "minimum": 0, "exclusiveMinimum": False},
    {"type": "number", "maximum": 1.5, "exclusiveMaximum": True},
    {"type": "object", "properties": {"a": {"type": "integer", "nullable": True}}, "additionalProperties": False},
    {"type": "array", "items": {"type": "string", "nullable": True}, "maxItems": 2},
    {"oneOf": [{"type": "string"}, {"type": "integer", "nullable": True}]},
    {"allOf": [{"$ref": "#/components/schemas/Positive"}], "nullable": True},
    {"type": "object", "additionalProperties": {"type": "number", "nullable": True}},
    {"not": {"type": "string", "nullable": True}},
]
VALUES: list[Any] = [None, "a", "c", 0, 1, 1.5, 2, 100, 150, {"a": None}, {"a": 1, "b": 2}, {"x": None}, ["a", None]]
# Where we part from the oracle, on purpose: (schema, value, our verdict, why)
DIVERGENCES = [
    (
        {"$ref": "#/components/schemas/Positive", "minimum": 100},
        1,
        True,
        "OpenAPI 3.0.3 4.7.26: properties beside a $ref SHALL be ignored; OAS30Validator applies them",
    ),
]


def test_values_against_3_0_schemas_agree_with_openapi_schema_validator() -> None:
    components = {"Positive": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}
    doc = {"openapi": "3.0.3", "components": {"schemas": {**components}}}
    for i, schema in enumerate(SCHEMAS_30):
        doc["components"]["schemas"][f"S{i}"] = schema
    engine = BundleSchemas(doc)
    disagreements = []
    for i, schema in enumerate(SCHEMAS_30):
        oracle = OAS30Validator({**schema, "components": {"schemas": components}})
        for value in VALUES:
            ours = engine.first_error(("components", "schemas", f"S{i}"), value) is None
            theirs = oracle.is_valid(value)
            if ours != theirs:
                disagreements.append(f"{json.dumps(schema)} {value!r}: ours {ours}, oracle {theirs}")
    assert disagreements == []
    for i, (schema, *_) in enumerate(DIVERGENCES):
        doc["components"]["schemas"][f"D{i}"] = schema
    engine = BundleSchemas(doc)
    for i, (schema, value, verdict, _why) in enumerate(DIVERGENCES):
        assert (engine.first_error(("components", "schemas", f"D{i}"), value) is None) == verdict
        assert OAS30Validator({**schema, "components": {"schemas": components}}).is_valid(value) != verdict


def test_a_3_1_document_keeps_3_1_meaning() -> None:
    doc = {
        "openapi": "3.1.0",
        "components": {"schemas": {"S": {"type": "integer", "exclusiveMinimum": 0, "nullable": True}}},
    }
    engine = BundleSchemas(doc)
    assert engine.first_error(("components", "schemas", "S"), None) is not None  # nullable is no 3.1 keyword
    assert engine.first_error(("components", "schemas", "S"), 0) is not None
    assert engine.first_error(("components", "schemas", "S"), 1) is None


# -- the commands -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["validate"], ["lint"], ["bundle"]])
def test_the_generic_commands_take_a_3_0_document(tmp_path: Path, run_cli: RunCli, command: list[str]) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS_30, encoding="utf-8")
    code, out, err = run_cli("--spec", str(spec), *command)
    assert code in (0, 1), err
    assert "3.1" not in out + err  # nothing refused for its version
    if command == ["lint"]:
        assert "openapi-structure" not in out and "example-valid" not in out


@pytest.mark.parametrize("command", ["publish", "generate"])
def test_publish_and_generate_name_the_version_they_need(tmp_path: Path, run_cli: RunCli, command: str) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS_30, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, err = run_cli("--spec", str(spec), command, "-o", str(out_dir))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "3.0.3" in lines[0] and "3.1" in lines[0], err
    assert not out_dir.exists()


def test_a_copy_is_not_changed_by_validation() -> None:
    doc = pets_30()
    before = copy.deepcopy(doc)
    validate(doc)
    BundleSchemas(doc).first_error(("components", "schemas", "Pet"), {"id": 1, "name": "x"})
    assert doc == before


def test_lint_reads_nullable_as_3_0_means_it(tmp_path: Path, run_cli: RunCli) -> None:
    text = PETS_30.replace(
        "        tag: {type: string, nullable: true, default: null}\n",
        "        tag: {type: string, nullable: true, default: null, enum: [a, null]}\n",
    )
    spec = tmp_path / "pets.yaml"
    spec.write_text(text, encoding="utf-8")
    code, out, err = run_cli("--spec", str(spec), "lint", "--rule", "no-null-type", "--rule", "enum-typed")
    assert code == 1, err
    findings = out.strip().splitlines()
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith("tag:"))
    assert len(findings) == 1 and "no-null-type" in findings[0] and f":{line}:" in findings[0], out  # the tag


def test_traffic_check_reads_a_3_0_spec_with_3_0_meaning(tmp_path: Path, run_cli: RunCli) -> None:
    from traffic_recordings import Har

    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS_30.replace("paths:\n", "servers: [{url: 'https://pets.example/v1'}]\npaths:\n", 1))
    pet = {"id": 1, "name": "Rex", "tag": None, "weight": 100}
    clean = Har().add("GET", "https://pets.example/v1/pets/1", 200, answer=pet).write(tmp_path / "clean.har")
    code, out, err = run_cli("traffic", "check", "--spec", str(spec), str(clean))
    assert (code, out) == (0, ""), err
    assert "checked 1" in err
    for wrong in ({**pet, "tag": 5}, {**pet, "id": 0}):  # not a string or null; at the exclusive minimum
        broken = Har().add("GET", "https://pets.example/v1/pets/1", 200, answer=wrong).write(tmp_path / "wrong.har")
        code, out, err = run_cli("traffic", "check", "--spec", str(spec), str(broken))
        assert code == 1 and "response-body" in out, out + err

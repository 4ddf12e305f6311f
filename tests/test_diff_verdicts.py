"""diff's verdicts on the changes a client meets, each a small spec pair in its own words (issue 26, items 2-6).

One operation, `POST /things`, takes a body and answers one; a query, a path and a header parameter go with
it. Each test writes the old and the new schema of one of them and asks what a client would meet.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import RunCli
from rstar_spec import bundle
from rstar_spec.diff import _pairs
from rstar_spec.diff.changelog import format_markdown
from rstar_spec.diff.changes import Change, diff

Doc = dict[str, Any]
STRING: Doc = {"type": "string"}


def spec(
    request: Any = STRING,
    response: Any = STRING,
    query: Any = None,
    path: Any = None,
    header: Any = None,
    schemas: Doc | None = None,
    version: str = "3.1.0",
) -> Doc:
    parameters = [{"name": "id", "in": "path", "required": True, "schema": path or {"type": "integer"}}]
    if query is not None:
        parameters.append({"name": "q", "in": "query", "schema": query})
    if header is not None:
        parameters.append({"name": "X-Level", "in": "header", "schema": header})
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {
            "/things/{id}": {
                "post": {
                    "parameters": parameters,
                    "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}},
                }
            }
        },
        "components": {"schemas": schemas or {}},
    }


def changes(tmp_path: Path, old: Doc, new: Doc) -> list[Change]:
    paths = []
    for name, doc in (("old", old), ("new", new)):
        path = tmp_path / name / "openapi.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return diff(bundle(paths[0]), bundle(paths[1]))


def breaking(found: list[Change]) -> list[str]:
    return [f"{c.rule}: {c.message}" for c in found if c.breaking]


def warnings(found: list[Change]) -> list[str]:
    return [f"{c.rule}: {c.message}" for c in found if c.severity == "warning"]


def obj(properties: Doc, required: list[str] | None = None, **more: Any) -> Doc:
    return {"type": "object", "properties": properties, **({"required": required} if required else {}), **more}


# -- item 4: breaking changes that were missed -------------------------------------------------------------
def test_a_map_whose_value_type_narrows_in_a_request_breaks(tmp_path: Path) -> None:
    old = spec(request=obj({}, additionalProperties={"type": ["string", "integer"]}))
    new = spec(request=obj({}, additionalProperties={"type": "string"}))
    assert breaking(changes(tmp_path, old, new)), "a body {'a': 1} was valid and is refused"


def test_a_map_whose_value_type_widens_in_a_response_breaks(tmp_path: Path) -> None:
    old = spec(response=obj({}, additionalProperties={"type": "string"}))
    new = spec(response=obj({}, additionalProperties={"type": ["string", "integer"]}))
    assert breaking(changes(tmp_path, old, new)), "clients that read strings meet integers"


def test_a_map_whose_value_type_widens_in_a_request_does_not_break(tmp_path: Path) -> None:
    old = spec(request=obj({}, additionalProperties={"type": "string"}))
    new = spec(request=obj({}, additionalProperties={"type": ["string", "integer"]}))
    assert not breaking(changes(tmp_path, old, new))


def test_a_request_that_no_longer_takes_unknown_properties_breaks(tmp_path: Path) -> None:
    old = spec(request=obj({"name": STRING}, additionalProperties=True))
    new = spec(request=obj({"name": STRING}, additionalProperties=False))
    assert breaking(changes(tmp_path, old, new)), "a body with a property the schema does not name is refused"


def test_a_response_property_that_may_now_also_be_an_integer_breaks(tmp_path: Path) -> None:
    old = spec(response=obj({"code": STRING}))
    new = spec(response=obj({"code": {"oneOf": [STRING, {"type": "integer"}]}}))
    found = breaking(changes(tmp_path, old, new))
    assert found and "code" in found[0], found


def test_a_request_body_narrowed_from_a_oneof_of_types_to_an_object_breaks(tmp_path: Path) -> None:
    old = spec(request={"oneOf": [{"type": "object"}, {"type": "array"}, STRING]})
    new = spec(request={"type": "object"})
    assert breaking(changes(tmp_path, old, new)), "bodies that were arrays or strings are refused"


def test_an_enum_narrowed_inside_a_nullable_oneof_wrapper_breaks_a_request(tmp_path: Path) -> None:
    level = {"type": "string", "enum": ["low", "mid", "high"]}
    old = spec(request=obj({"level": {"$ref": "#/components/schemas/Level"}}), schemas={"Level": level})
    narrowed = {"type": "string", "enum": ["low", "high"]}
    wrapped = {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Level"}]}
    new = spec(request=obj({"level": wrapped}), schemas={"Level": narrowed})
    found = changes(tmp_path, old, new)
    assert any("'mid'" in line for line in breaking(found)), found
    assert not [c for c in found if "no longer limited" in c.message], "the values are still limited, in a branch"


def test_required_properties_rewritten_as_oneof_branches_every_old_body_matches_twice_breaks(tmp_path: Path) -> None:
    old = spec(request=obj({"foo": STRING, "bar": STRING}, ["foo", "bar"]))
    new = spec(request={"oneOf": [obj({"foo": STRING}, ["foo"]), obj({"bar": STRING}, ["bar"])]})
    assert breaking(changes(tmp_path, old, new)), "{'foo': 'x', 'bar': 'y'} matches both branches: oneOf refuses it"


def test_a_request_shape_that_matches_one_branch_of_a_new_oneof_does_not_break(tmp_path: Path) -> None:
    card = obj({"kind": {"const": "card"}, "number": STRING}, ["kind", "number"])
    old = spec(request=card)
    new = spec(request={"oneOf": [card, obj({"kind": {"const": "iban"}, "iban": STRING}, ["kind", "iban"])]})
    assert not breaking(changes(tmp_path, old, new))


def test_a_parameter_whose_default_changed_breaks(tmp_path: Path) -> None:
    old = spec(query={"type": "integer", "default": 20})
    new = spec(query={"type": "integer", "default": 50})
    found = breaking(changes(tmp_path, old, new))
    assert found and "20" in found[0] and "50" in found[0], "calls that leave it out get another behaviour"


# -- item 5: verdicts that were wrong --------------------------------------------------------------------
def test_a_nullable_integer_widened_to_a_nullable_number_in_a_request_does_not_break(tmp_path: Path) -> None:
    old = spec(request=obj({"n": {"type": ["integer", "null"]}}))
    new = spec(request=obj({"n": {"type": ["number", "null"]}}))
    assert not breaking(changes(tmp_path, old, new))


@pytest.mark.parametrize("where", ["query", "path", "header"])
def test_a_parameter_integer_to_string_does_not_break_every_value_travels_as_text(tmp_path: Path, where: str) -> None:
    old = spec(**{where: {"type": "integer"}})
    new = spec(**{where: {"type": "string"}})
    assert not breaking(changes(tmp_path, old, new))


def test_a_query_parameter_string_to_integer_breaks(tmp_path: Path) -> None:
    assert breaking(changes(tmp_path, spec(query={"type": "string"}), spec(query={"type": "integer"})))


@pytest.mark.parametrize("new_pattern", [None, ".*"])
def test_a_request_pattern_removed_or_made_anything_widens(tmp_path: Path, new_pattern: str | None) -> None:
    old = spec(request=obj({"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}))
    widened = {"type": "string", **({"pattern": new_pattern} if new_pattern else {})}
    found = changes(tmp_path, old, spec(request=obj({"code": widened})))
    assert found and not breaking(found) and not warnings(found), found


def test_a_request_pattern_changed_may_break_a_warning(tmp_path: Path) -> None:
    old = spec(request=obj({"code": {"type": "string", "pattern": "^[0-9]+$"}}))
    new = spec(request=obj({"code": {"type": "string", "pattern": "^[0-9]*$"}}))
    found = changes(tmp_path, old, new)
    assert not breaking(found) and warnings(found), found


def test_a_request_pattern_added_breaks(tmp_path: Path) -> None:
    old = spec(request=obj({"code": STRING}))
    new = spec(request=obj({"code": {"type": "string", "pattern": "^[0-9]+$"}}))
    assert breaking(changes(tmp_path, old, new))


def test_a_read_only_property_made_required_in_a_request_does_not_break(tmp_path: Path) -> None:
    old = spec(request=obj({"id": {"type": "integer", "readOnly": True}, "name": STRING}, ["name"]))
    new = spec(request=obj({"id": {"type": "integer", "readOnly": True}, "name": STRING}, ["name", "id"]))
    assert not breaking(changes(tmp_path, old, new)), "a client never sends a readOnly property"


def test_a_write_only_property_removed_from_a_response_does_not_break(tmp_path: Path) -> None:
    old = spec(response=obj({"password": {"type": "string", "writeOnly": True}, "name": STRING}, ["password"]))
    new = spec(response=obj({"name": STRING}))
    assert not breaking(changes(tmp_path, old, new)), "a server never answers a writeOnly property"


# -- item 6: an optional response property removed ---------------------------------------------------------
def test_an_optional_response_property_removed_is_a_warning_the_changelog_shows(tmp_path: Path) -> None:
    old = spec(response=obj({"nickname": STRING, "name": STRING}, ["name"]))
    new = spec(response=obj({"name": STRING}, ["name"]))
    found = changes(tmp_path, old, new)
    assert not breaking(found) and warnings(found), found
    markdown = format_markdown(found, "1.0.0", "1.1.0")
    assert "### Warnings" in markdown and "'nickname'" in markdown


# -- item 2: OpenAPI 3.0 documents, compared by meaning ------------------------------------------------------
def test_a_3_0_nullable_string_and_a_3_1_string_or_null_are_no_change(tmp_path: Path) -> None:
    old = spec(request=obj({"n": {"type": "string", "nullable": True}}), version="3.0.3")
    new = spec(request=obj({"n": {"type": ["string", "null"]}}))
    assert changes(tmp_path, old, new) == []


def test_a_3_0_boolean_exclusive_minimum_and_a_3_1_number_are_no_change(tmp_path: Path) -> None:
    old = spec(request=obj({"n": {"type": "number", "minimum": 0, "exclusiveMinimum": True}}), version="3.0.3")
    new = spec(request=obj({"n": {"type": "number", "exclusiveMinimum": 0}}))
    assert changes(tmp_path, old, new) == []


def test_a_3_0_nullable_ref_wrapper_and_a_3_1_oneof_with_null_are_no_change(tmp_path: Path) -> None:
    schemas = {"Pet": obj({"name": STRING})}
    old = spec(response=obj({"pet": {"nullable": True, "anyOf": [{"$ref": "#/components/schemas/Pet"}]}}),
               schemas=schemas, version="3.0.0")  # fmt: skip
    new = spec(response=obj({"pet": {"anyOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "null"}]}}),
               schemas=schemas)  # fmt: skip
    assert changes(tmp_path, old, new) == []


def test_a_3_0_pair_is_compared_and_a_3_0_nullable_removed_from_a_response_does_not_break(tmp_path: Path) -> None:
    old = spec(response=obj({"n": {"type": "string", "nullable": True}}), version="3.0.3")
    new = spec(response=obj({"n": {"type": "string"}}), version="3.0.3")
    found = changes(tmp_path, old, new)
    assert found and not breaking(found)
    assert breaking(changes(tmp_path / "back", new, old)), "a response that may now be null breaks its readers"


def test_a_swagger_2_document_is_refused_in_one_line_naming_its_version(tmp_path: Path, run_cli: RunCli) -> None:
    swagger = tmp_path / "swagger.yaml"
    swagger.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", encoding="utf-8")
    current = tmp_path / "current.yaml"
    current.write_text(yaml.safe_dump(spec()), encoding="utf-8")
    code, out, err = run_cli("diff", str(swagger), str(current))
    assert code == 2 and out == "" and err.count("\n") == 1 and "2.0" in err, err


# -- item 3: each pair of schemas compared once ----------------------------------------------------------------
def _chain(depth: int, last_enum: list[str]) -> Doc:
    """S0 -> S1 -> ... -> S{depth}, each level reaching the next through two properties: 2**depth paths."""
    schemas: Doc = {f"S{i}": obj({"a": {"$ref": f"#/components/schemas/S{i + 1}"},
                                  "b": {"$ref": f"#/components/schemas/S{i + 1}"}}) for i in range(depth)}  # fmt: skip
    schemas[f"S{depth}"] = {"type": "string", "enum": last_enum}
    doc = spec(response={"$ref": "#/components/schemas/S0"}, schemas=schemas)
    other = copy.deepcopy(doc["paths"]["/things/{id}"])
    doc["paths"]["/others/{id}"] = other  # a second operation that uses the same schemas
    return doc


def test_shared_schemas_are_compared_once_and_their_change_reported_at_every_operation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    depth = 16
    old, new = _chain(depth, ["a", "b"]), _chain(depth, ["a", "b", "c"])
    compared: list[Any] = []
    compare = _pairs.PairGraph._compare

    def counting(self: Any, pair: Any, o: Any, n: Any, *rest: Any) -> None:
        compared.append((o.pointer, n.pointer, *rest))
        compare(self, pair, o, n, *rest)

    monkeypatch.setattr(_pairs.PairGraph, "_compare", counting)
    found = changes(tmp_path, old, new)
    assert len(compared) == len(set(compared)) <= 2 * (depth + 1), "each pair once (a string parameter is one more)"
    added = [c for c in found if c.rule == "response-enum-value-added"]  # once per operation, not once per path
    assert sorted(c.where for c in added) == ["POST /others/{id}", "POST /things/{id}"], found
    assert all(c.location is not None and c.location.line > 1 for c in added)
    assert added[0].message == "response 200 body.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: enum value 'c' added"


# -- what the conformance run against oasdiff's tests found (docs/diff-conformance.md) -------------------------
def test_an_empty_pattern_is_no_pattern_so_setting_one_breaks_a_request(tmp_path: Path) -> None:
    old = spec(request=obj({"code": {"type": "string", "pattern": ""}}))
    new = spec(request=obj({"code": {"type": "string", "pattern": "^[0-9]+$"}}))
    assert breaking(changes(tmp_path, old, new)), "'' matches every string: a pattern was added"


def test_a_form_body_travels_as_text_so_integer_to_string_does_not_break(tmp_path: Path) -> None:
    old, new = spec(request=obj({"n": {"type": "integer"}})), spec(request=obj({"n": STRING}))
    for doc in (old, new):
        body = doc["paths"]["/things/{id}"]["post"]["requestBody"]["content"]
        body["application/x-www-form-urlencoded"] = body.pop("application/json")
    assert not breaking(changes(tmp_path, old, new))


def test_a_value_removed_from_an_extensible_enum_of_a_request_breaks_one_added_to_a_response_does_not(
    tmp_path: Path,
) -> None:
    codes = {"type": "string", "x-extensible-enum": ["a", "b"]}
    old = spec(request=obj({"code": codes}), response=obj({"code": codes}))
    new = spec(request=obj({"code": {**codes, "x-extensible-enum": ["a"]}}),
               response=obj({"code": {**codes, "x-extensible-enum": ["a", "b", "c"]}}))  # fmt: skip
    found = changes(tmp_path, old, new)
    assert [line for line in breaking(found) if "'b'" in line], found
    assert not [line for line in breaking(found) if "'c'" in line], "readers of an extensible list expect new codes"


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("not", {"type": "object", "required": ["legacy"]}),
        ("contains", {"type": "integer"}),
        ("prefixItems", [{"type": "integer"}]),
        ("propertyNames", {"pattern": "^[a-z]+$"}),
        ("dependentRequired", {"card": ["cvc"]}),
        ("minContains", 2),
        ("uniqueItems", True),
        ("multipleOf", 5),
    ],
)
def test_a_json_schema_constraint_added_to_a_request_breaks_and_to_a_response_does_not(
    tmp_path: Path, keyword: str, value: Any
) -> None:
    before: Doc = {"type": ["object", "array", "integer"], **({"contains": {}} if keyword == "minContains" else {})}
    after = {**before, keyword: value}
    assert breaking(changes(tmp_path / "request", spec(request=before), spec(request=after))), keyword
    assert not breaking(changes(tmp_path / "response", spec(response=before), spec(response=after))), keyword
    assert breaking(changes(tmp_path / "back", spec(response=after), spec(response=before))), keyword


def test_a_property_required_inside_a_not_is_compared_the_other_way_round(tmp_path: Path) -> None:
    def refusing(names: list[str]) -> Doc:
        return {"type": "object", "not": obj({n: STRING for n in names}, names)}

    assert not breaking(changes(tmp_path / "a", spec(request=refusing(["a"])), spec(request=refusing(["a", "b"]))))
    assert breaking(changes(tmp_path / "b", spec(request=refusing(["a", "b"])), spec(request=refusing(["a"]))))


def test_a_response_header_whose_type_changed_breaks_its_readers(tmp_path: Path) -> None:
    old, new = spec(), spec()
    for doc, kind in ((old, "integer"), (new, "string")):
        doc["paths"]["/things/{id}"]["post"]["responses"]["200"]["headers"] = {"X-Rate": {"schema": {"type": kind}}}
    assert breaking(changes(tmp_path, old, new))


def test_a_oneof_that_was_already_ambiguous_is_not_a_new_ambiguity(tmp_path: Path) -> None:
    named = obj({"name": STRING})
    schemas = {"Dog": named, "Cat": named, "Rabbit": named}
    refs = [{"$ref": f"#/components/schemas/{n}"} for n in ("Dog", "Cat", "Rabbit")]
    old = spec(request={"oneOf": refs[:2]}, schemas=schemas)
    new = spec(request={"oneOf": refs}, schemas=schemas)
    assert not breaking(changes(tmp_path, old, new)), "every old body matched Dog and Cat already"


def test_a_query_parameter_that_becomes_an_array_of_what_it_took_does_not_break(tmp_path: Path) -> None:
    old = spec(query={"type": ["string", "integer"]})
    new = spec(query={"type": "array", "items": STRING})
    assert not breaking(changes(tmp_path, old, new)), "?q=5 is an array of one string"
    assert breaking(changes(tmp_path / "b", old, spec(query={"type": "array", "items": {"type": "boolean"}})))


def _with_webhook(doc: Doc, body: Doc, answer: Doc | None = None) -> Doc:
    """A webhook: the API sends the body to the consumer's server, which answers."""
    content = {"application/json": {"schema": answer}} if answer else None
    doc["webhooks"] = {"thing-created": {"post": {
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "received", **({"content": content} if content else {})}},
    }}}  # fmt: skip
    return doc


def test_webhooks_are_compared_the_other_way_round_and_a_removed_one_breaks(tmp_path: Path) -> None:
    kind = {"type": "string", "enum": ["a", "b"]}
    old = _with_webhook(spec(), obj({"kind": kind}), obj({"ok": STRING}))
    more = _with_webhook(spec(), obj({"kind": {**kind, "enum": ["a", "b", "c"]}}), obj({"ok": STRING}))
    found = breaking(changes(tmp_path / "a", old, more))
    assert found and "'c'" in found[0], "the consumer receives a value it does not handle"
    demanding = _with_webhook(spec(), obj({"kind": kind}), obj({"ok": STRING}, ["ok"]))
    assert breaking(changes(tmp_path / "b", old, demanding)), "the consumer's answer lacks what is now required"
    assert not breaking(changes(tmp_path / "c", demanding, old))
    gone = spec()
    assert breaking(changes(tmp_path / "d", old, gone)), "consumers that handled the event get no more of them"
    assert not breaking(changes(tmp_path / "e", gone, old))


def test_the_published_3_0_rendering_and_the_3_1_spec_are_no_change_either_way() -> None:
    """publish's 3.0.3 rendering says what the spec says, in 3.0's words: compared by meaning, nothing changed."""
    from conftest import ROOT, SPEC_DIR

    rendering = bundle(ROOT / "generated" / "openapi" / "reception-star.openapi.3.0.yaml")
    source = bundle(SPEC_DIR / "openapi.yaml")
    assert diff(rendering, source) == [] and diff(source, rendering) == []

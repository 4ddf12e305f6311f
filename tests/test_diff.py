"""rstar-spec diff: every rule with a before/after fixture; the gate; the changelog."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, SPEC_DIR, RunCli
from rstar_spec import bundle
from rstar_spec.diff.changelog import update_changelog
from rstar_spec.diff.changes import diff
from rstar_spec.diff.rules import RULES

Doc = dict[str, Any]


def base() -> Doc:
    thing = {
        "type": "object",
        "required": ["id", "kind"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["a", "b"]},
        },
    }
    body = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "tag": {"type": "string"},
            "level": {"type": "string", "enum": ["low", "high"]},
        },
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
    return {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1.0.0"},
        "security": [{"bearer": []}],
        "paths": {
            "/things": {
                "get": {"operationId": "list_things",
                        "parameters": [{"name": "offset", "in": "query", "schema": {"type": "integer"}}],
                        "responses": {"200": ok, "400": {"description": "bad"}}},
                "post": {"operationId": "create_thing",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingInput"}}}},
                         "responses": {"201": ok}},
            },
            "/things/{thing_id}": {
                "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {"operationId": "get_thing", "responses": {"200": ok}},
            },
            "/public": {"get": {"operationId": "get_public", "security": [], "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "schemas": {"Thing": thing, "ThingInput": body},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "key": {"type": "apiKey", "in": "header", "name": "K"}},
        },
    }  # fmt: skip


def op(doc: Doc, path: str, method: str) -> Doc:
    return doc["paths"][path][method]


def thing(doc: Doc) -> Doc:
    return doc["components"]["schemas"]["Thing"]


def thing_input(doc: Doc) -> Doc:
    return doc["components"]["schemas"]["ThingInput"]


def with_required_location(doc: Doc) -> None:
    """POST /things's 201 promises a Location header."""
    created = op(doc, "/things", "post")["responses"]["201"]
    op(doc, "/things", "post")["responses"]["201"] = {
        **created,
        "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
    }


# Two shapes of one type (objects that differ by what they require): a oneOf of them changes by its branches.
SHAPE_A = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
SHAPE_B = {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}}


@dataclass(frozen=True)
class Case:
    rule: str
    breaking: bool
    where: str
    new: Callable[[Doc], None] = lambda d: None
    old: Callable[[Doc], None] = lambda d: None


CASES = [
    Case("operation-removed", True, "GET /public", new=lambda d: d["paths"].pop("/public")),
    Case(
        "operation-added",
        False,
        "DELETE /things/{thing_id}",
        new=lambda d: d["paths"]["/things/{thing_id}"].update(delete={"responses": {"204": {"description": "gone"}}}),
    ),
    Case(
        "success-status-removed",
        True,
        "POST /things",
        new=lambda d: op(d, "/things", "post")["responses"].update(
            {"200": op(d, "/things", "post")["responses"].pop("201")}
        ),
    ),
    Case(
        "response-status-removed", False, "GET /things", new=lambda d: op(d, "/things", "get")["responses"].pop("400")
    ),
    Case(
        "response-status-added",
        False,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["responses"].update({"429": {"description": "slow down"}}),
    ),
    Case(
        "parameter-added-required",
        True,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["parameters"].append(
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
    ),
    Case(
        "parameter-added",
        False,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["parameters"].append(
            {"name": "q", "in": "query", "schema": {"type": "string"}}
        ),
    ),
    Case(
        "parameter-became-required",
        True,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["parameters"][0].update(required=True),
    ),
    Case("parameter-removed", False, "GET /things", new=lambda d: op(d, "/things", "get")["parameters"].clear()),
    Case(
        "request-type-changed",
        True,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["name"].update(type="integer"),
    ),
    Case(
        "request-type-changed",
        False,
        "GET /things/{thing_id}",  # a path parameter travels as text: a string takes every integer
        new=lambda d: d["paths"]["/things/{thing_id}"]["parameters"][0].update(schema={"type": "string"}),
    ),
    Case(
        "request-type-changed",
        False,
        "GET /things",  # integer -> number widens what a client may send
        new=lambda d: op(d, "/things", "get")["parameters"][0].update(schema={"type": "number"}),
    ),
    Case(
        "response-type-changed", True, "GET /things", new=lambda d: thing(d)["properties"]["id"].update(type="string")
    ),
    Case(
        "response-type-changed",
        False,
        "GET /things",  # number -> integer narrows what a client receives
        old=lambda d: thing(d)["properties"]["id"].update(type="number"),
    ),
    Case(
        "request-body-added-required",
        True,
        "GET /public",
        new=lambda d: op(d, "/public", "get").update(
            requestBody={"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}}
        ),
    ),
    Case(
        "request-body-added",
        False,
        "GET /public",
        new=lambda d: op(d, "/public", "get").update(
            requestBody={"content": {"text/plain": {"schema": {"type": "string"}}}}
        ),
    ),
    Case("request-body-removed", False, "POST /things", new=lambda d: op(d, "/things", "post").pop("requestBody")),
    Case(
        "request-body-became-required",
        True,
        "POST /things",
        old=lambda d: op(d, "/things", "post")["requestBody"].update(required=False),
    ),
    Case(
        "request-property-added-required",
        True,
        "POST /things",
        new=lambda d: (
            thing_input(d)["properties"].update(size={"type": "integer"}),
            thing_input(d)["required"].append("size"),
        ),
    ),
    Case(
        "request-property-added",
        False,
        "POST /things",
        new=lambda d: thing_input(d)["properties"].update(size={"type": "integer"}),
    ),
    Case(
        "request-property-became-required", True, "POST /things", new=lambda d: thing_input(d)["required"].append("tag")
    ),
    Case(
        "request-property-removed-closed", True, "POST /things", new=lambda d: thing_input(d)["properties"].pop("tag")
    ),
    Case(
        "request-property-removed",
        False,
        "POST /things",
        old=lambda d: thing_input(d).pop("additionalProperties"),
        new=lambda d: thing_input(d)["properties"].pop("tag"),
    ),
    Case(
        "request-enum-value-removed",
        True,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["level"].update(enum=["low"]),
    ),
    Case(
        "request-enum-value-added",
        False,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["level"].update(enum=["low", "high", "max"]),
    ),
    Case(
        "response-enum-value-added",
        True,
        "GET /things",
        new=lambda d: thing(d)["properties"]["kind"].update(enum=["a", "b", "c"]),
    ),
    Case(
        "response-enum-value-removed",
        False,
        "GET /things",
        new=lambda d: thing(d)["properties"]["kind"].update(enum=["a"]),
    ),
    Case(
        "response-required-property-removed",
        True,
        "GET /things",
        new=lambda d: (thing(d)["properties"].pop("kind"), thing(d)["required"].remove("kind")),
    ),
    Case("response-property-became-optional", True, "GET /things", new=lambda d: thing(d)["required"].remove("kind")),
    Case("response-property-removed", False, "GET /things", new=lambda d: thing(d)["properties"].pop("name")),
    Case(
        "response-property-added",
        False,
        "GET /things",
        new=lambda d: thing(d)["properties"].update(color={"type": "string"}),
    ),
    Case(
        "media-type-removed",
        True,
        "POST /things",
        old=lambda d: op(d, "/things", "post")["requestBody"]["content"].update(
            {"application/xml": {"schema": {"type": "string"}}}
        ),
    ),
    Case(
        "media-type-removed",
        True,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["responses"]["200"].update(
            content={"text/csv": {"schema": {"type": "string"}}}
        ),
    ),
    Case(
        "media-type-added",
        False,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["responses"]["200"]["content"].update(
            {"text/csv": {"schema": {"type": "string"}}}
        ),
    ),
    Case("security-added", True, "GET /public", new=lambda d: op(d, "/public", "get").pop("security")),
    Case("security-removed", False, "GET /things", new=lambda d: op(d, "/things", "get").update(security=[])),
    Case("security-changed", True, "GET /things", new=lambda d: op(d, "/things", "get").update(security=[{"key": []}])),
    Case(
        "response-variant-added",
        True,
        "GET /things",
        old=lambda d: thing(d)["properties"].update(v={"oneOf": [SHAPE_A]}),
        new=lambda d: thing(d)["properties"].update(v={"oneOf": [SHAPE_A, SHAPE_B]}),
    ),
    Case("response-enum-removed", True, "GET /things", new=lambda d: thing(d)["properties"]["kind"].pop("enum")),
    Case(
        "request-enum-removed", False, "POST /things", new=lambda d: thing_input(d)["properties"]["level"].pop("enum")
    ),
    Case(
        "response-enum-added",
        False,
        "GET /things",
        new=lambda d: thing(d)["properties"]["name"].update(enum=["x", "y"]),
    ),
    Case(
        "request-enum-added",
        True,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["tag"].update(enum=["x", "y"]),
    ),
    Case(
        "response-header-became-optional",
        True,
        "POST /things",
        old=lambda d: with_required_location(d),
        new=lambda d: op(d, "/things", "post")["responses"]["201"]["headers"]["Location"].pop("required"),
    ),
    Case(
        "response-header-removed",
        True,
        "POST /things",
        old=lambda d: with_required_location(d),
        new=lambda d: op(d, "/things", "post")["responses"]["201"].pop("headers"),
    ),
    Case(
        "response-bound-relaxed",
        True,
        "GET /things",
        old=lambda d: thing(d)["properties"]["id"].update(minimum=1),
        new=lambda d: thing(d)["properties"]["id"].pop("minimum"),
    ),
    Case(
        "response-bound-changed",
        False,
        "GET /things",
        new=lambda d: thing(d)["properties"]["name"].update(maxLength=10),
    ),
    Case(
        "request-bound-tightened",
        True,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["name"].update(maxLength=10),
    ),
    Case(
        "request-bound-tightened",
        True,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["tag"].update(pattern="^[a-z]+$"),
    ),
    Case(
        "request-bound-changed",
        False,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["name"].pop("maxLength"),
        old=lambda d: thing_input(d)["properties"]["name"].update(maxLength=10),
    ),
    Case(
        "request-variant-removed",
        True,
        "POST /things",
        old=lambda d: thing_input(d)["properties"].update(v={"oneOf": [SHAPE_A, SHAPE_B]}),
        new=lambda d: thing_input(d)["properties"].update(v={"oneOf": [SHAPE_A]}),
    ),
    Case(
        "request-variant-added",
        False,
        "POST /things",
        old=lambda d: thing_input(d)["properties"].update(v={"oneOf": [SHAPE_A]}),
        new=lambda d: thing_input(d)["properties"].update(v={"oneOf": [SHAPE_A, SHAPE_B]}),
    ),
    Case(
        "parameter-default-changed",
        True,
        "GET /things",
        old=lambda d: op(d, "/things", "get")["parameters"][0]["schema"].update(default=0),
        new=lambda d: op(d, "/things", "get")["parameters"][0]["schema"].update(default=10),
    ),
    Case(
        "parameter-default-added",
        False,
        "GET /things",
        new=lambda d: op(d, "/things", "get")["parameters"][0]["schema"].update(default=0),
    ),
    Case(
        "request-pattern-changed",
        False,
        "POST /things",
        old=lambda d: thing_input(d)["properties"]["tag"].update(pattern="^[a-z]+$"),
        new=lambda d: thing_input(d)["properties"]["tag"].update(pattern="^[a-z0-9]+$"),
    ),
    Case(
        "response-pattern-changed",
        False,
        "GET /things",
        old=lambda d: thing(d)["properties"]["name"].update(pattern="^[a-z]+$"),
        new=lambda d: thing(d)["properties"]["name"].pop("pattern"),
    ),
    Case(
        "request-additional-properties-narrowed",
        True,
        "POST /things",
        old=lambda d: thing_input(d).pop("additionalProperties"),
        new=lambda d: thing_input(d).update(additionalProperties=False),
    ),
    Case(
        "request-additional-properties-widened",
        False,
        "POST /things",
        new=lambda d: thing_input(d).pop("additionalProperties"),
    ),
    Case(
        "response-additional-properties-widened",
        True,
        "GET /things",
        old=lambda d: thing(d).update(additionalProperties={"type": "string"}),
        new=lambda d: thing(d).pop("additionalProperties"),
    ),
    Case(
        "response-additional-properties-added",
        False,
        "GET /things",
        old=lambda d: thing(d).update(additionalProperties=False),
        new=lambda d: thing(d).pop("additionalProperties"),
    ),
    Case(
        "response-additional-properties-narrowed",
        False,
        "GET /things",
        new=lambda d: thing(d).update(additionalProperties=False),
    ),
    Case(
        "request-oneof-ambiguous",
        True,
        "POST /things",
        new=lambda d: thing_input(d)["properties"]["level"].update(
            oneOf=[{"type": "string"}, {"type": ["string", "null"]}]  # every old value matches both
        ),
    ),
    Case(
        "request-read-only-property-became-required",
        False,
        "POST /things",
        old=lambda d: thing_input(d)["properties"]["tag"].update(readOnly=True),
        new=lambda d: thing_input(d)["required"].append("tag"),
    ),
    Case(
        "response-write-only-property-removed",
        False,
        "GET /things",
        old=lambda d: thing(d)["properties"]["name"].update(writeOnly=True),
        new=lambda d: thing(d)["properties"].pop("name"),
    ),
    Case(
        "request-constraint-added",
        True,
        "POST /things",
        new=lambda d: thing_input(d).update({"not": {"required": ["tag", "level"]}}),
    ),
    Case(
        "request-constraint-removed",
        False,
        "POST /things",
        old=lambda d: thing_input(d).update(dependentRequired={"tag": ["level"]}),
        new=lambda d: thing_input(d).pop("dependentRequired"),
    ),
    Case(
        "request-constraint-changed",
        True,
        "POST /things",
        old=lambda d: thing_input(d)["properties"]["tag"].update(contentMediaType="text/csv"),
        new=lambda d: thing_input(d)["properties"]["tag"].update(contentMediaType="text/tab-separated-values"),
    ),
    Case(
        "response-constraint-added",
        False,
        "GET /things",
        new=lambda d: thing(d).update(propertyNames={"pattern": "^[a-z_]+$"}),
    ),
    Case(
        "response-constraint-removed",
        True,
        "GET /things",
        old=lambda d: thing(d).update(propertyNames={"pattern": "^[a-z_]+$"}),
        new=lambda d: thing(d).pop("propertyNames"),
    ),
    Case(
        "response-constraint-changed",
        True,
        "GET /things",
        old=lambda d: thing(d)["properties"]["name"].update(contentEncoding="base64"),
        new=lambda d: thing(d)["properties"]["name"].update(contentEncoding="base32"),
    ),
    Case(
        "request-extensible-enum-value-added",
        False,
        "POST /things",
        old=lambda d: thing_input(d)["properties"]["tag"].update({"x-extensible-enum": ["x"]}),
        new=lambda d: thing_input(d)["properties"]["tag"].update({"x-extensible-enum": ["x", "y"]}),
    ),
    Case(
        "request-extensible-enum-value-removed",
        True,
        "POST /things",
        old=lambda d: thing_input(d)["properties"]["tag"].update({"x-extensible-enum": ["x", "y"]}),
        new=lambda d: thing_input(d)["properties"]["tag"].update({"x-extensible-enum": ["x"]}),
    ),
    Case(
        "response-extensible-enum-value-added",
        False,
        "GET /things",
        old=lambda d: thing(d)["properties"]["name"].update({"x-extensible-enum": ["x"]}),
        new=lambda d: thing(d)["properties"]["name"].update({"x-extensible-enum": ["x", "y"]}),
    ),
    Case(
        "response-extensible-enum-value-removed",
        False,
        "GET /things",
        old=lambda d: thing(d)["properties"]["name"].update({"x-extensible-enum": ["x", "y"]}),
        new=lambda d: thing(d)["properties"]["name"].update({"x-extensible-enum": ["x"]}),
    ),
    Case(
        "webhook-removed",
        True,
        "WEBHOOK thing-created POST",
        old=lambda d: d.update(webhooks={"thing-created": {"post": {"responses": {"200": {"description": "ok"}}}}}),
        new=lambda d: d.pop("webhooks"),
    ),
    Case(
        "webhook-added",
        False,
        "WEBHOOK thing-created POST",
        new=lambda d: d.update(webhooks={"thing-created": {"post": {"responses": {"200": {"description": "ok"}}}}}),
    ),
    Case(
        "response-variant-removed",
        False,
        "GET /things",
        old=lambda d: thing(d)["properties"].update(v={"oneOf": [SHAPE_A, SHAPE_B]}),
        new=lambda d: thing(d)["properties"].update(v={"oneOf": [SHAPE_A]}),
    ),
]


def write_spec(directory: Path, doc: Doc) -> Path:
    directory.mkdir(parents=True)
    path = directory / "openapi.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def changes_of(tmp_path: Path, case: Case) -> list[Any]:
    old, new = base(), base()
    case.old(old)
    case.old(new)  # what the old side changed is the starting point of both
    case.new(new)
    return diff(bundle(write_spec(tmp_path / "old", old)), bundle(write_spec(tmp_path / "new", new)))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}-{'breaking' if c.breaking else 'ok'}")
def test_rule(tmp_path: Path, case: Case) -> None:
    if case.old is not Case.old and case.new is Case.new:  # the change is made on the old side only
        old = base()
        case.old(old)
        changes = diff(bundle(write_spec(tmp_path / "old", old)), bundle(write_spec(tmp_path / "new", base())))
    else:
        changes = changes_of(tmp_path, case)
    found = [(c.rule, c.breaking, c.where) for c in changes]
    assert (case.rule, case.breaking, case.where) in found, found
    assert all(c.location is not None and c.location.line >= 1 for c in changes)


def test_the_rules_cover_every_kind_the_issue_names() -> None:
    named = {"operation-removed", "success-status-removed", "parameter-added-required", "request-property-added-required",
             "parameter-became-required", "request-type-changed", "response-type-changed", "response-enum-value-removed",
             "request-enum-value-added", "response-required-property-removed", "media-type-removed", "security-added"}  # fmt: skip
    assert named <= {c.rule for c in CASES}


def test_every_rule_of_the_table_has_a_case_with_its_verdict() -> None:
    assert {(r.name, r.breaking) for r in RULES.values()} == {(c.rule, c.breaking) for c in CASES}


def test_no_change_and_a_renamed_path_parameter_are_no_change(tmp_path: Path) -> None:
    assert diff(bundle(SPEC_DIR / "openapi.yaml"), bundle(SPEC_DIR / "openapi.yaml")) == []
    renamed = base()
    item = renamed["paths"].pop("/things/{thing_id}")
    item["parameters"][0]["name"] = "id"
    renamed["paths"]["/things/{id}"] = item
    assert diff(bundle(write_spec(tmp_path / "old", base())), bundle(write_spec(tmp_path / "new", renamed))) == []


def test_cli_text_markdown_and_exit_codes(tmp_path: Path, run_cli: RunCli) -> None:
    old_path = write_spec(tmp_path / "old", base())
    new = base()
    new["paths"].pop("/public")
    op(new, "/things", "get")["responses"]["429"] = {"description": "slow"}
    new_path = write_spec(tmp_path / "new", new)
    code, out, err = run_cli("diff", str(old_path), str(new_path))
    assert code == 1 and "diff: 2 changes, 1 breaking (1.0.0 -> 1.0.0)" in err
    lines = out.splitlines()
    assert lines[0].startswith("BREAKING operation-removed") and "GET /public: operation removed" in lines[0]
    assert lines[1].startswith("ok       response-status-added")
    code, out, _ = run_cli("diff", str(old_path), str(new_path), "--format", "markdown")
    assert "### Breaking" in out and "| `operation-removed` | `GET /public` | operation removed |" in out
    ok = base()
    op(ok, "/things", "get")["responses"]["429"] = {"description": "slow"}
    assert run_cli("diff", str(old_path), str(write_spec(tmp_path / "ok", ok)))[0] == 0


def test_changelog_sections_replace_and_stack(tmp_path: Path) -> None:
    path = tmp_path / "CHANGELOG.md"
    update_changelog(path, "1.0.0", "## 1.0.0 (2026-01-01)\n\nFirst.\n")
    update_changelog(path, "2.0.0", "## 2.0.0 (2026-02-01)\n\nSecond.\n")
    update_changelog(path, "1.0.0", "## 1.0.0 (2026-01-01)\n\nFirst, redone.\n")
    text = path.read_text()
    assert text.startswith("# Changelog\n")
    assert text.index("## 2.0.0") < text.index("## 1.0.0")
    assert "First, redone." in text and "First.\n" not in text and text.count("## ") == 2


# -- the gate, against a real git history -----------------------------------------------------------
def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    write_spec(repo / "spec", base())
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "spec 1.0.0")
    return repo


def edit(repo: Path, change: Callable[[Doc], None], version: str | None = None) -> None:
    path = repo / "spec" / "openapi.yaml"
    doc = yaml.safe_load(path.read_text())
    change(doc)
    if version:
        doc["info"]["version"] = version
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_gate_refuses_a_breaking_change_without_a_new_major(repo: Path, run_cli: RunCli) -> None:
    edit(repo, lambda d: d["paths"].pop("/public"), version="1.1.0")
    code, out, err = run_cli("breaking", cwd=repo)
    assert code == 1 and "BREAKING operation-removed" in out  # 1: breaking changes found; 2 is for bad input
    assert "1 breaking changes need a new major info.version (it is 1.1.0, was 1.0.0)" in err


def test_gate_accepts_a_breaking_change_with_a_new_major_and_writes_the_changelog(repo: Path, run_cli: RunCli) -> None:
    edit(repo, lambda d: d["paths"].pop("/public"), version="2.0.0")
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 0, err
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog") and "## 2.0.0 (" in changelog and "`operation-removed`" in changelog


def test_gate_accepts_non_breaking_changes(repo: Path, run_cli: RunCli) -> None:
    edit(repo, lambda d: op(d, "/things", "get")["responses"].update({"429": {"description": "slow"}}))
    code, out, _ = run_cli("breaking", cwd=repo)
    assert code == 0 and "response-status-added" in out
    assert not (repo / "CHANGELOG.md").exists()  # info.version did not change


def test_gate_checks_the_last_spec_commit_when_the_tree_is_clean(repo: Path, run_cli: RunCli) -> None:
    edit(repo, lambda d: d["paths"].pop("/public"))
    git(repo, "commit", "-q", "-am", "drop /public")
    (repo / "README").write_text("later commit that does not touch spec/\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "docs")
    code, out, _ = run_cli("breaking", cwd=repo)
    assert code == 1 and "operation-removed" in out  # compared with the commit before the spec change
    code, _, err = run_cli("breaking", "--ref", "HEAD", cwd=repo)
    assert code == 0 and "0 changes" in err


def test_gate_with_no_history_of_the_spec(tmp_path: Path, run_cli: RunCli) -> None:
    repo = tmp_path / "fresh"
    write_spec(repo / "spec", base())
    git(repo, "init", "-q", "-b", "main")
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 0 and "nothing to compare" in err


def test_project_changelog_has_the_current_version() -> None:
    version = bundle(SPEC_DIR / "openapi.yaml").data["info"]["version"]
    assert f"## {version} (" in (ROOT / "CHANGELOG.md").read_text()


def _release(repo: Path, version: str, text: str) -> Path:
    path = repo / "generated" / "openapi" / f"reception-star.{version}.openapi.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_gate_refuses_a_change_to_a_published_release(repo: Path, run_cli: RunCli) -> None:
    released = _release(repo, "1.0.0", "openapi: 3.1.0\n# as released\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "release 1.0.0")
    edit(repo, lambda d: op(d, "/things", "get")["responses"].update({"429": {"description": "slow"}}))
    released.write_text("openapi: 3.1.0\n# rendered again, same version\n")
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 1 and "released reception-star.1.0.0.openapi.yaml would change" in err
    released.unlink()  # gone is changed too
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 1 and "released reception-star.1.0.0.openapi.yaml" in err


def test_gate_accepts_a_new_release_beside_the_old_one(repo: Path, run_cli: RunCli) -> None:
    _release(repo, "1.0.0", "openapi: 3.1.0\n# as released\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "release 1.0.0")
    edit(repo, lambda d: op(d, "/things", "get")["responses"].update({"429": {"description": "slow"}}), version="1.1.0")
    _release(repo, "1.1.0", "openapi: 3.1.0\n# the new one\n")
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 0, err


def test_gate_exits_2_on_bad_input_not_1(repo: Path, run_cli: RunCli) -> None:
    (repo / "spec" / "openapi.yaml").write_text("openapi: 3.1.0\ninfo: [unclosed\n")
    code, _, err = run_cli("breaking", cwd=repo)
    assert code == 2 and "openapi.yaml:" in err
    code, _, err = run_cli("breaking", "--ref", "no-such-ref", cwd=repo)
    assert code == 2 and err.count("\n") == 1


def test_gate_locations_name_the_ref_and_the_file_not_a_temporary_folder(repo: Path, run_cli: RunCli) -> None:
    line = next(i for i, text in enumerate((repo / "spec" / "openapi.yaml").read_text().splitlines(), 1)
                if text.startswith("  /public:"))  # fmt: skip
    edit(repo, lambda d: d["paths"].pop("/public"))
    code, out, _ = run_cli("breaking", "--ref", "main", cwd=repo)
    assert code == 1 and f"(main:spec/openapi.yaml:{line + 1}:" in out, out  # the operation, under its path
    assert "/tmp" not in out and "at-ref" not in out
    code, out, _ = run_cli("breaking", cwd=repo)  # the baseline found in the history: named by its commit
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert f"({commit[:12]}:spec/openapi.yaml:{line + 1}:" in out, out


def test_the_readme_rules_table_and_diff_list_are_the_rules_table(run_cli: RunCli) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| rule | verdict | why |") :].split("\n\n", 1)[0].splitlines()[2:]
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table]
    assert [(name.split("`")[1], verdict, why) for name, verdict, why in rows] == [
        (r.id, r.severity, r.reason) for r in RULES.values()
    ]
    code, out, _ = run_cli("diff", "--list")
    assert code == 0 and len(out.splitlines()) == len(RULES)
    assert "response-property-removed" in out and "warning" in out
    code, _, err = run_cli("diff")
    assert code == 2 and "diff needs the old spec" in err

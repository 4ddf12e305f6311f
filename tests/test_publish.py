"""Publishing: the committed renderings match the spec; they are valid, deterministic, atomic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from conftest import ROOT, SPEC_DIR, RunCli, SpecCopy
from rstar_spec import bundle
from rstar_spec.core.outputs import MANIFEST
from rstar_spec.oas.view import DocumentView
from rstar_spec.oas.walk import iter_refs
from rstar_spec.publish.render import (
    BASENAME,
    RENDERING_SUFFIXES,
    PublishError,
    carry_releases,
    check,
    dereference,
    publication_for,
    render,
    versioned_stem,
)

OVERLAYS = ROOT / "overlays"
PUBLISHED = ROOT / "generated" / "openapi"


def test_generated_openapi_matches_the_spec() -> None:
    """The drift check CI runs: regenerate with `nox -s publish` (earlier releases carried over, as it does)."""
    assert check(publication_for(SPEC_DIR / "openapi.yaml", OVERLAYS, PUBLISHED), PUBLISHED) == []


def test_promises_and_the_page_they_quote_are_not_published() -> None:
    """x-promise and info.x-rstar-contract-page point into this repository; kept, an edit of a promise would
    change a released file, which the breaking gate keeps byte for byte."""
    source = bundle(SPEC_DIR / "openapi.yaml").dump()
    assert "x-promise:" in source and "x-rstar-contract-page:" in source
    for name, text in render(SPEC_DIR / "openapi.yaml", OVERLAYS).files.items():
        assert "x-promise" not in text and "x-rstar-contract-page" not in text, name


def test_renderings_are_deterministic_and_valid() -> None:
    first, again = render(SPEC_DIR / "openapi.yaml", OVERLAYS), render(SPEC_DIR / "openapi.yaml", OVERLAYS)
    assert first.files == again.files
    version = yaml.safe_load(first.files[f"{BASENAME}.yaml"])["info"]["version"]
    latest = [f"{BASENAME}{suffix}.{ext}" for suffix in RENDERING_SUFFIXES for ext in ("yaml", "json")]
    pinned = [f"{versioned_stem(version, suffix)}.{ext}" for suffix in RENDERING_SUFFIXES for ext in ("yaml", "json")]
    assert sorted(n for n in first.files if not n.startswith("schemas/")) == sorted(
        ["README.md", "CHANGELOG.md", *latest, *pinned]
    )
    for name in latest:  # the release's files say what the latest says
        assert first.files[name] == first.files[name.replace(BASENAME, versioned_stem(version))]
    assert first.files["CHANGELOG.md"] == (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for name, text in first.files.items():
        if name.endswith(".json") and not name.startswith("schemas/"):
            doc = json.loads(text)
            assert yaml.safe_load(first.files[name.replace(".json", ".yaml")]) == doc  # YAML and JSON say the same
            validator = OpenAPIV30SpecValidator if ".3.0." in name else OpenAPIV31SpecValidator
            assert list(validator(doc).iter_errors()) == []
    published = json.loads(first.files[f"{BASENAME}.json"])
    assert published["openapi"] == "3.1.0" and "contact" in published["info"]
    assert json.loads(first.files[f"{BASENAME}.3.0.json"])["openapi"] == "3.0.3"
    dereferenced = json.loads(first.files[f"{BASENAME}.dereferenced.json"])
    assert list(iter_refs(dereferenced)) == [] and list(dereferenced["components"]) == ["securitySchemes"]
    assert "info.summary dropped" in first.files["README.md"]


def test_dereference_keeps_siblings_and_refuses_cycles() -> None:
    doc = {"a": {"$ref": "#/b", "description": "mine"}, "b": {"type": "string", "description": "theirs"}}
    assert dereference(doc)["a"] == {"type": "string", "description": "mine"}
    with pytest.raises(PublishError, match="refers to itself"):
        dereference(
            {"components": {"schemas": {"Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}}}}}
        )


def test_check_lists_stale_missing_and_extra_files(tmp_path: Path) -> None:
    publication = render(SPEC_DIR / "openapi.yaml", OVERLAYS)
    out = tmp_path / "openapi"
    out.mkdir()
    for name, text in publication.files.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    (out / f"{BASENAME}.json").write_text("{}", encoding="utf-8")
    (out / f"{BASENAME}.3.0.yaml").unlink()
    (out / "old.yaml").write_text("x", encoding="utf-8")
    assert check(publication, out) == [
        "old.yaml (not generated any more)",
        f"{BASENAME}.3.0.yaml (missing)",
        f"{BASENAME}.json (differs)",
    ]


def test_cli_publish_and_check(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "openapi"
    code, _, err = run_cli("publish", "-o", str(out))
    written = [p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST]
    models = json.loads((out / f"{BASENAME}.json").read_text(encoding="utf-8"))["components"]["schemas"]
    # each rendering in JSON and YAML, unversioned and as its release; a JSON Schema per model; README, CHANGELOG
    assert len(written) == 2 * 2 * len(RENDERING_SUFFIXES) + len(models) + 2
    assert code == 0 and f"wrote {len(written)} files" in err
    assert run_cli("publish", "--check", "-o", str(out))[0] == 0
    (out / "README.md").write_text("edited by hand\n", encoding="utf-8")
    code, stdout, _ = run_cli("publish", "--check", "-o", str(out))
    assert code == 1 and "README.md (differs)" in stdout


def test_a_failed_publish_leaves_the_previous_output(spec_copy: SpecCopy, run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    assert run_cli("--spec", str(spec_copy.root), "--overlays", str(OVERLAYS), "publish", "-o", str(out))[0] == 0
    before = {str(p.relative_to(out)): p.read_text() for p in out.rglob("*") if p.is_file()}
    spec_copy.edit("paths/heart.yaml", "  operationId: get_heart\n", "  operationId: get_heart\n  deprecated: maybe\n")
    code, _, err = run_cli("--spec", str(spec_copy.root), "--overlays", str(OVERLAYS), "publish", "-o", str(out))
    assert code == 2 and "is not valid OpenAPI at /paths/~1heart/get/deprecated" in err and len(err.splitlines()) == 1
    assert {str(p.relative_to(out)): p.read_text() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left behind


def test_earlier_releases_are_carried_over_unchanged(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "openapi"
    out.mkdir()
    old = out / "reception-star.3.9.1.openapi.yaml"
    old.write_text("openapi: 3.1.0\n# as released\n", encoding="utf-8")
    (out / "notes.txt").write_text("not ours\n", encoding="utf-8")
    code, _, err = run_cli("publish", "-o", str(out))
    assert code == 2 and "notes.txt" in err  # a file of someone else's: the folder is refused, untouched
    assert (out / "notes.txt").read_text(encoding="utf-8") == "not ours\n"
    (out / "notes.txt").unlink()
    code, _, err = run_cli("publish", "-o", str(out))
    assert code == 0, err
    assert old.read_text(encoding="utf-8") == "openapi: 3.1.0\n# as released\n"  # kept, byte for byte
    publication = render(SPEC_DIR / "openapi.yaml", OVERLAYS)
    carry_releases(publication, out)
    assert check(publication, out) == []


def test_the_published_spec_carries_the_sdk_hints_of_the_python_client() -> None:
    doc = json.loads(render(SPEC_DIR / "openapi.yaml", OVERLAYS).files[f"{BASENAME}.json"])
    ops = {
        op["operationId"]: op
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert ops["list_clients"]["x-speakeasy-pagination"] == {
        "type": "offsetLimit",
        "inputs": [
            {"name": "offset", "in": "parameters", "type": "offset"},
            {"name": "limit", "in": "parameters", "type": "limit"},
        ],
        "outputs": {"results": "$.data"},
    }
    assert ops["list_clients"]["x-rstar-pagination"]["total"] == "total"
    assert ops["get_client"]["x-rstar-etag-cache"] is True
    retry_get, retry_post = ops["get_client"]["x-speakeasy-retries"], ops["create_client"]["x-speakeasy-retries"]
    assert retry_get["statusCodes"] == [429, 502, 503] and retry_get["retryConnectionErrors"] is True
    assert retry_post["statusCodes"] == [429] and retry_post["retryConnectionErrors"] is False  # never twice
    assert "x-rstar-token" in doc["components"]["securitySchemes"]["bearerAuth"]
    # every resource's list with a page, and nothing else, is paginated (today list_clients alone)
    model = DocumentView.of(bundle(SPEC_DIR / "openapi.yaml").data).resources
    lists = {r.operations["list"].operation_id for r in model.resources if r.page and "list" in r.operations}
    assert "list_clients" in lists
    assert {op_id for op_id, op in ops.items() if "x-speakeasy-pagination" in op} == lists
    for resource in model.resources:
        if resource.page is not None and "list" in resource.operations:
            assert ops[str(resource.operations["list"].operation_id)]["x-speakeasy-pagination"] == {
                "type": "offsetLimit",
                "inputs": [
                    {"name": resource.page.offset_param, "in": "parameters", "type": "offset"},
                    {"name": resource.page.limit_param, "in": "parameters", "type": "limit"},
                ],
                "outputs": {"results": f"$.{resource.page.items}"},
            }


def test_each_model_is_a_json_schema_that_validates_the_spec_examples() -> None:
    import jsonschema_rs

    files = render(SPEC_DIR / "openapi.yaml", OVERLAYS).files
    schemas = {
        name.removeprefix("schemas/"): json.loads(text) for name, text in files.items() if name.startswith("schemas/")
    }
    published = json.loads(files[f"{BASENAME}.json"])
    assert sorted(schemas) == sorted(f"{name}.schema.json" for name in published["components"]["schemas"])
    registry = jsonschema_rs.Registry([(f"https://example.test/{name}", schema) for name, schema in schemas.items()])
    for schema in schemas.values():
        jsonschema_rs.meta.validate(schema)  # a valid 2020-12 schema
        assert "#/components/" not in json.dumps(schema)  # every $ref leads to a file beside it
    client = jsonschema_rs.validator_for({"$ref": "https://example.test/Client.schema.json"}, registry=registry)
    example = published["paths"]["/clients/{client_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert client.is_valid(next(iter(example["examples"].values()))["value"])
    assert not client.is_valid({"id": "not a number"})
    grant = jsonschema_rs.validator_for({"$ref": "https://example.test/TokenRequest.schema.json"}, registry=registry)
    assert grant.is_valid({"grant_type": "api_key", "api_key": "k"}) and not grant.is_valid({"grant_type": "magic"})


def test_yaml_1_2_scalars_are_published_as_they_were_read(spec_copy: SpecCopy) -> None:
    spec_copy.edit("openapi.yaml", "info:\n", "info:\n  x-hours: [18:00, no, 1_000, 017]\n")
    published = render(spec_copy.root, OVERLAYS).files
    for name in (f"{BASENAME}.yaml", f"{BASENAME}.3.0.yaml", f"{BASENAME}.json"):
        assert yaml.safe_load(published[name])["info"]["x-hours"] == ["18:00", "no", "1_000", 17], name

"""Publishing: the committed renderings match the spec; they are valid, deterministic, atomic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from conftest import ROOT, SPEC_DIR, RunCli, SpecCopy
from rstar_spec._walk import iter_refs
from rstar_spec.publish import BASENAME, PublishError, check, dereference, render

OVERLAYS = ROOT / "overlays"
PUBLISHED = ROOT / "generated" / "openapi"


def test_generated_openapi_matches_the_spec() -> None:
    """The drift check CI runs: regenerate with `nox -s publish`."""
    assert check(render(SPEC_DIR / "openapi.yaml", OVERLAYS), PUBLISHED) == []


def test_renderings_are_deterministic_and_valid() -> None:
    first, again = render(SPEC_DIR / "openapi.yaml", OVERLAYS), render(SPEC_DIR / "openapi.yaml", OVERLAYS)
    assert first.files == again.files
    assert sorted(first.files) == sorted([
        "README.md", f"{BASENAME}.yaml", f"{BASENAME}.json", f"{BASENAME}.dereferenced.yaml",
        f"{BASENAME}.dereferenced.json", f"{BASENAME}.3.0.yaml", f"{BASENAME}.3.0.json",
    ])  # fmt: skip
    for name, text in first.files.items():
        if name.endswith(".json"):
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
    assert code == 0 and "wrote 7 files" in err
    assert run_cli("publish", "--check", "-o", str(out))[0] == 0
    (out / "README.md").write_text("edited by hand\n", encoding="utf-8")
    code, stdout, _ = run_cli("publish", "--check", "-o", str(out))
    assert code == 1 and "README.md (differs)" in stdout


def test_a_failed_publish_leaves_the_previous_output(spec_copy: SpecCopy, run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "openapi"
    assert run_cli("--spec", str(spec_copy.root), "--overlays", str(OVERLAYS), "publish", "-o", str(out))[0] == 0
    before = {p.name: p.read_text() for p in out.iterdir()}
    spec_copy.edit("paths/heart.yaml", "  operationId: get_heart\n", "  operationId: get_heart\n  deprecated: maybe\n")
    code, _, err = run_cli("--spec", str(spec_copy.root), "--overlays", str(OVERLAYS), "publish", "-o", str(out))
    assert code == 2 and "is not valid OpenAPI at /paths//heart/get/deprecated" in err and len(err.splitlines()) == 1
    assert {p.name: p.read_text() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left behind

import shutil
from pathlib import Path

import pytest

from conftest import SPEC_DIR, RunCli, SpecCopy
from rstar_spec import bundle
from rstar_spec.core.errors import BundleError, RefError


def test_bundle_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    first = bundle(SPEC_DIR / "openapi.yaml").dump()
    again = bundle(SPEC_DIR / "openapi.yaml").dump()
    shutil.copytree(SPEC_DIR, tmp_path / "elsewhere")  # another place on disk, another run
    moved = bundle(tmp_path / "elsewhere" / "openapi.yaml").dump()
    assert first.encode() == again.encode() == moved.encode()
    json_path = Path("x.json")
    assert bundle(SPEC_DIR / "openapi.yaml").dump(json_path) == bundle(SPEC_DIR / "openapi.yaml").dump(json_path)


def test_external_refs_become_components_not_copies() -> None:
    doc = bundle(SPEC_DIR / "openapi.yaml").data
    get_client = doc["paths"]["/clients/{client_id}"]["get"]
    schema = get_client["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Client"}
    assert get_client["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert doc["components"]["schemas"]["ClientPage"]["properties"]["data"]["items"] == {
        "$ref": "#/components/schemas/Client"
    }
    mapping = doc["components"]["schemas"]["TokenRequest"]["discriminator"]["mapping"]
    assert mapping["api_key"] == "#/components/schemas/ApiKeyGrant"
    assert list(doc["components"]) == ["schemas", "responses", "parameters", "headers", "securitySchemes"]
    refs = [line for line in bundle(SPEC_DIR / "openapi.yaml").dump().splitlines() if "$ref" in line]
    assert refs and all('"#/components/' in line for line in refs)


def test_source_map_points_at_the_source_file_and_line() -> None:
    result = bundle(SPEC_DIR / "openapi.yaml")
    loc = result.locate(("paths", "/clients/{client_id}", "delete", "summary"))
    assert loc.file.name == "client.yaml"
    assert (SPEC_DIR / "paths/client.yaml").read_text().splitlines()[loc.line - 1].strip() == "summary: Delete a client"
    loc = result.locate(("components", "schemas", "Client", "properties", "notes", "maxLength"))
    assert loc.file.name == "schemas.yaml"
    line = (SPEC_DIR / "components/schemas.yaml").read_text().splitlines()[loc.line - 1]
    assert line.strip() == "maxLength: 2000"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("https://example.com/schemas.yaml#/Client", "is a URL"),
        ("//example.com/schemas.yaml", "is a URL"),
        ("../../outside.yaml#/Client", "leaves spec/"),
        ("../components/nothere.yaml#/Client", "file not found"),
        ("../components/schemas.yaml#/NoSuchSchema", "points nowhere"),
        ("../components/schemas.yaml#NoSlash", "is not a JSON Pointer"),
        ("../components/schemas.yaml", "names a whole component file"),
    ],
)
def test_bad_ref_names_the_referring_file_and_line(spec_copy: SpecCopy, ref: str, message: str) -> None:
    (spec_copy.dir.parent / "outside.yaml").write_text("Client: {type: object}\n")
    spec_copy.edit("paths/client.yaml", "$ref: ../components/schemas.yaml#/Client\n", f"$ref: '{ref}'\n")
    with pytest.raises(RefError) as info:
        bundle(spec_copy.root)
    assert message in info.value.message
    loc = info.value.location
    assert loc is not None and loc.file == spec_copy.path("paths/client.yaml")
    assert loc.line == spec_copy.line_of("paths/client.yaml", f"$ref: '{ref}'")


def test_internal_ref_to_nowhere_is_an_error_at_its_line(spec_copy: SpecCopy) -> None:
    spec_copy.edit("components/schemas.yaml", "$ref: '#/Client'", "$ref: '#/Cliant'")
    with pytest.raises(RefError, match="points nowhere") as info:
        bundle(spec_copy.root)
    assert info.value.location is not None
    assert info.value.location.line == spec_copy.line_of("components/schemas.yaml", "$ref: '#/Cliant'")


def test_circular_inline_refs_are_an_error(spec_copy: SpecCopy) -> None:
    spec_copy.write("paths/loop.yaml", "get:\n  $ref: '#/get'\n")
    spec_copy.edit("openapi.yaml", "  /heart:\n    $ref: paths/heart.yaml", "  /heart:\n    $ref: paths/loop.yaml")
    with pytest.raises(RefError, match="circular"):
        bundle(spec_copy.root)


def test_cycles_through_components_are_fine(spec_copy: SpecCopy) -> None:
    spec_copy.edit("components/schemas.yaml", "    notes:\n", "    referrer:\n      $ref: '#/Client'\n    notes:\n")
    doc = bundle(spec_copy.root).data
    assert doc["components"]["schemas"]["Client"]["properties"]["referrer"] == {"$ref": "#/components/schemas/Client"}


def test_unknown_component_kind_is_an_error(spec_copy: SpecCopy) -> None:
    spec_copy.write("components/models.yaml", "A: {type: string}\n")
    with pytest.raises(BundleError, match="unknown component kind 'models'"):
        bundle(spec_copy.root)


def test_component_defined_twice_is_an_error(spec_copy: SpecCopy) -> None:
    spec_copy.edit("openapi.yaml", "paths:\n", "components:\n  schemas:\n    Client: {type: object}\npaths:\n")
    with pytest.raises(BundleError, match="component schemas/Client is defined twice") as info:
        bundle(spec_copy.root)
    assert info.value.location is not None and info.value.location.file.name == "schemas.yaml"


def test_root_components_are_kept_in_place(spec_copy: SpecCopy) -> None:
    spec_copy.edit("openapi.yaml", "paths:\n", "components:\n  examples:\n    Unused: {value: 1}\npaths:\n")
    doc = bundle(spec_copy.root).data
    assert doc["components"]["examples"] == {"Unused": {"value": 1}}
    assert list(doc).index("components") < list(doc).index("paths")


def test_ref_siblings_of_inlined_nodes_win(spec_copy: SpecCopy) -> None:
    spec_copy.edit("openapi.yaml", "    $ref: paths/heart.yaml\n", "    $ref: paths/heart.yaml\n    summary: Heart\n")
    assert bundle(spec_copy.root).data["paths"]["/heart"]["summary"] == "Heart"


def test_yaml_1_2_scalars_are_written_as_they_were_read(tmp_path: Path, run_cli: RunCli) -> None:
    import yaml

    root = tmp_path / "openapi.yaml"
    root.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: 1.0.0}\npaths: {}\n"
        "x-hours: {opens: 18:00, closed: [no, NO, off, yes], count: 1_000, floor: 017, later: 1e3, word: inf}\n",
        encoding="utf-8",
    )
    hours = {"opens": "18:00", "closed": ["no", "NO", "off", "yes"], "count": "1_000", "floor": 17, "later": 1000.0,
             "word": "inf"}  # fmt: skip
    for name in ("out.yaml", "out.json"):
        code, _, err = run_cli("--spec", str(root), "bundle", "-o", str(tmp_path / name))
        assert code == 0, err
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert bundle(tmp_path / name).data["x-hours"] == hours  # YAML 1.2, as OpenAPI 3.1 says
        assert yaml.load(text, Loader=yaml.CSafeLoader)["x-hours"] == hours  # and a YAML 1.1 reader alike


def _write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "openapi.yaml"


PETS_BY_FILE = {
    "openapi.yaml": """\
openapi: 3.1.0
info: {title: Pets, version: 1.0.0}
paths:
  /pets:
    get:
      responses:
        '200':
          description: A pet.
          content:
            application/json:
              schema: {$ref: models/pet.yaml}
              example: {kind: cat, lives: 9}
  /cats:
    get:
      responses:
        '200':
          description: A cat, before the mapping that names it is read.
          content:
            application/json:
              schema: {$ref: models/cat.yaml}
""",
    "models/pet.yaml": """\
oneOf:
  - $ref: cat.yaml
  - $ref: dogs.yaml#/Dog
  - $ref: ../components/schemas.yaml#/Bird
discriminator:
  propertyName: kind
  mapping:
    cat: cat.yaml
    dog: dogs.yaml#/Dog
    bird: ../components/schemas.yaml#/Bird
    fish: Fish
""",
    "models/cat.yaml": "type: object\nrequired: [kind]\nproperties:\n  kind: {const: cat}\n  lives: {type: integer}\n",
    "models/dogs.yaml": "Dog:\n  type: object\n  required: [kind]\n  properties:\n    kind: {const: dog}\n",
    "components/schemas.yaml": """\
Bird: {type: object, required: [kind], properties: {kind: {const: bird}}}
Fish: {type: object, required: [kind], properties: {kind: {const: fish}}}
cat: {type: string, description: a name already taken}
""",
}


def test_a_discriminator_mapping_may_name_a_schema_by_reference(tmp_path: Path, run_cli: RunCli) -> None:
    root = _write_tree(tmp_path / "spec", PETS_BY_FILE)
    doc = bundle(root).data
    schemas = doc["components"]["schemas"]
    pet = doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    mapping = pet["discriminator"]["mapping"]
    # a mapped schema becomes a component (its name from the pointer or the file), and every $ref to it a $ref
    assert mapping == {
        "cat": "#/components/schemas/cat_2",
        "dog": "#/components/schemas/Dog",
        "bird": "#/components/schemas/Bird",
        "fish": "Fish",
    }
    assert pet["oneOf"] == [{"$ref": target} for target in list(mapping.values())[:3]]
    assert schemas["cat_2"]["properties"]["lives"] == {"type": "integer"}
    assert schemas["cat"] == {"type": "string", "description": "a name already taken"}
    cats = doc["paths"]["/cats"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert cats == {"$ref": "#/components/schemas/cat_2"}  # the same schema, though read before the mapping
    assert bundle(root).dump() == bundle(root).dump()
    code, out, err = run_cli("--spec", str(root), "validate")
    assert code == 0, out + err
    code, out, _ = run_cli("--spec", str(root), "lint", "--rule", "openapi-structure", "--rule", "no-unused-components")
    assert out.splitlines() == [f"{root.parent / 'components' / 'schemas.yaml'}:3:1 no-unused-components "
                                "component schemas/cat is never used"]  # fmt: skip
    loc = bundle(root).locate(("components", "schemas", "Dog", "required"))
    assert loc.file.name == "dogs.yaml" and loc.line == 3


ONE_FILE = """\
openapi: 3.1.0
info: {title: One, version: 1.0.0}
components:
  responses:
    Gone: {description: gone}
  schemas:
    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}
    B: {type: string, example: x, x-note: {$ref: "#/components/responses/Gone"}}
paths:
  /a:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
        '410': {$ref: '#/components/responses/Gone'}
"""


def test_a_one_file_spec_is_its_own_bundle_as_the_copy_would_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rstar_spec.oas import bundle as bundling

    root = tmp_path / "one.yaml"
    root.write_text(ONE_FILE, encoding="utf-8")
    fast = bundle(root)
    assert list(fast.data["components"]) == ["schemas", "responses"]  # OpenAPI's order, as the copy writes
    monkeypatch.setattr(bundling._Bundler, "one_file", lambda self, doc: None)
    slow = bundle(root)
    assert fast.dump() == slow.dump()
    for pointer in [("paths", "/a", "get", "responses", "410"), ("components", "schemas", "B", "type")]:
        assert fast.locate(pointer) == slow.locate(pointer)


@pytest.mark.parametrize(
    "text",
    [
        ONE_FILE.replace("'#/components/schemas/B'", "'#/components/schemas/Nope'"),  # points nowhere
        ONE_FILE.replace("'#/components/schemas/B'", "'other.yaml#/B'"),  # another file, not there
    ],
)
def test_a_one_file_spec_with_a_bad_ref_is_refused_at_its_line(tmp_path: Path, text: str) -> None:
    root = tmp_path / "one.yaml"
    root.write_text(text, encoding="utf-8")
    with pytest.raises(RefError) as info:
        bundle(root)
    assert info.value.location is not None and info.value.location.line == 7

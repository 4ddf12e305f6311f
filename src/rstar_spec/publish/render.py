"""The published spec: every rendering other teams generate from, in generated/openapi/.

bundle -> publish overlay -> renderings:

- ``reception-star.openapi.{yaml,json}``: OpenAPI 3.1, components kept;
- ``reception-star.openapi.dereferenced.{yaml,json}``: every $ref replaced by what it
  names (components are kept too, for discriminator mappings and security);
- ``reception-star.openapi.3.0.{yaml,json}``: the 3.0.3 rendering (downconvert.py),
  with what 3.0 cannot say listed in the folder's README.md;
- the same six files for this ``info.version`` under pinnable names,
  ``reception-star.<version>.openapi[.dereferenced|.3.0].{yaml,json}`` (GitHub's
  ``api.github.com.2022-11-28.yaml`` style), beside the unversioned "latest"; the files
  of earlier versions stay as they were released (``carry_releases``), and
  ``CHANGELOG.md`` (the description's, from the repository's) says what changed.

Every rendering carries the SDK hints of the Python client (sdk_hints.py):
``x-rstar-*`` and ``x-speakeasy-pagination``/``x-speakeasy-retries``.

The 3.1 document and the 3.0.3 rendering are validated (structure.py) before
anything is written. The dereferenced variant is valid by construction: it puts,
in place of each $ref, a node validated in the slot the ref names, so it is
checked for what dereferencing could break (a $ref left over, an operation lost).
The test suite validates the committed dereferenced files in full. The folder is
then replaced as a whole, so a failed run leaves the previous one untouched.
`check` says which files differ from what would be written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import RstarError, shorten
from ..core.outputs import replace_tree, stale_files
from ..core.pointer import Pointer, from_fragment, get, to_string
from ..core.yaml_io import dump_json, dump_yaml
from ..oas.validate import shape_problems, validate_structure
from ..oas.walk import iter_operations, iter_refs
from ..overlay.pipeline import build_targets
from .downconvert import Loss, downconvert
from .sdk_hints import with_sdk_hints

API_NAME = "reception-star"
BASENAME = f"{API_NAME}.openapi"
DEFAULT_OUTPUT = Path("generated/openapi")
# A release's version in file names: semantic versioning, nothing a file system or a URL would mangle.
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.]+)?")
_RELEASED = re.compile(
    rf"{re.escape(API_NAME)}\.(?P<version>{_VERSION.pattern})\.openapi(?:\.[a-z0-9.]+)?\.(?:yaml|json)"
)
RENDERING_SUFFIXES = ("", ".dereferenced", ".3.0")


def versioned_stem(version: str, suffix: str = "") -> str:
    """reception-star.4.0.0.openapi.dereferenced: the name a consumer pins."""
    return f"{API_NAME}.{version}.openapi{suffix}"


class PublishError(RstarError):
    """A rendering that would not be valid, or an output that cannot be written."""


@dataclass
class Publication:
    files: dict[str, str] = field(default_factory=dict)
    losses: list[Loss] = field(default_factory=list)


def dereference(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every internal $ref replaced by a copy of its target.

    Siblings of a $ref are kept over the target's keys. A $ref that would recurse
    into itself cannot be inlined: that is an error naming it. Components are dropped
    but securitySchemes (named by security requirements), and so are discriminators:
    a discriminator selects among named schemas, and there are none left (Redocly's
    no-illogical-composition-keywords says so). Each inlined branch still says its
    own value (our grants carry a `const grant_type`), so oneOf alone tells them apart.
    """

    # A ref resolves to the same tree wherever it stands: resolved once, the tree is shared by every place
    # that names it (the writers print it in full at each; nothing mutates it but _drop_discriminators,
    # which is idempotent). Copying it per place cost 1 s at 2,000 operations.
    resolved: dict[str, Any] = {}

    def resolve(node: Any, pointer: Pointer, stack: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                if ref in stack:
                    raise PublishError(f"cannot dereference #{to_string(pointer)}: {ref} refers to itself")
                if ref not in resolved:
                    resolved[ref] = resolve(get(doc, from_fragment(ref[1:])), pointer, (*stack, ref))
                inlined = resolved[ref]
                siblings = {k: resolve(v, (*pointer, k), stack) for k, v in node.items() if k != "$ref"}
                return {**inlined, **siblings} if isinstance(inlined, dict) and siblings else inlined
            return {k: resolve(v, (*pointer, k), stack) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v, (*pointer, str(i)), stack) for i, v in enumerate(node)]
        return node

    out: dict[str, Any] = resolve(doc, (), ())
    schemes = out.get("components", {}).get("securitySchemes")
    out.pop("components", None)
    if schemes:
        out["components"] = {"securitySchemes": schemes}
    _drop_discriminators(out)
    return out


def _drop_discriminators(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("discriminator"), dict) and any(k in node for k in ("oneOf", "anyOf", "allOf")):
            del node["discriminator"]
        for value in node.values():
            _drop_discriminators(value)
    elif isinstance(node, list):
        for value in node:
            _drop_discriminators(value)


def _check_valid(name: str, doc: dict[str, Any], version: str) -> None:
    problems = validate_structure(doc, version)
    if problems:
        raise PublishError(f"{name} is not valid OpenAPI at /{'/'.join(problems[0].pointer)}: {problems[0].message}")


def _check_shapes(name: str, doc: dict[str, Any]) -> None:
    problems = shape_problems(doc)
    if problems:
        where = to_string(problems[0].pointer) or "/"
        raise PublishError(f"{name} is not valid OpenAPI at {where}: {shorten(problems[0].message)}")


def _check_dereferenced(dereferenced: dict[str, Any], published: dict[str, Any]) -> None:
    left = next(iter_refs(dereferenced), None)
    if left is not None:
        raise PublishError(f"dereferenced rendering still has a $ref at #{to_string(left[0])}")
    before = [(p, m, o.get("operationId")) for _, p, m, o in iter_operations(published)]
    after = [(p, m, o.get("operationId")) for _, p, m, o in iter_operations(dereferenced)]
    if before != after:
        raise PublishError("dereferenced rendering lost or changed an operation")


def _validate_all(renderings: dict[str, tuple[dict[str, Any], str | None]], published: dict[str, Any]) -> None:
    """Validate every rendering against the OpenAPI version it is written in."""
    for stem, (doc, version) in renderings.items():
        if version is None:
            _check_dereferenced(doc, published)
        else:
            _check_valid(f"{stem}.yaml", doc, version)


def render(root_file: Path, overlays_dir: Path) -> Publication:
    """Every rendering, validated, as file name -> text, latest and versioned. Nothing is written."""
    # One bundle for both targets. The hints come from the python-client target (a spec without that overlay
    # gets the defaults by method).
    targets = build_targets(root_file, ["publish", "python-client"], overlays_dir)
    for name, target in targets.items():  # what follows walks the shapes OpenAPI holds a document to
        _check_shapes(f"the {name} target", target)
    published = with_sdk_hints(targets["publish"], targets["python-client"])
    version = str(published.get("info", {}).get("version", ""))
    if not _VERSION.fullmatch(version):
        raise PublishError(f"info.version {version!r} cannot name a release: use MAJOR.MINOR.PATCH")
    dereferenced = dereference(published)
    downconverted, losses = downconvert(published)
    # suffix -> (document, the OpenAPI version it is validated as; None: checked for what dereferencing breaks)
    renderings: dict[str, tuple[dict[str, Any], str | None]] = dict(
        zip(RENDERING_SUFFIXES, ((published, "3.1"), (dereferenced, None), (downconverted, "3.0")), strict=True)
    )
    publication = Publication(losses=losses)
    _validate_all({f"{BASENAME}{suffix}": rendering for suffix, rendering in renderings.items()}, published)
    for suffix, (doc, _) in renderings.items():
        texts = {"yaml": dump_yaml(doc), "json": dump_json(doc)}
        for ext, text in texts.items():
            publication.files[f"{BASENAME}{suffix}.{ext}"] = text
            publication.files[f"{versioned_stem(version, suffix)}.{ext}"] = text
    for name, schema in json_schemas(published).items():
        publication.files[f"schemas/{name}.schema.json"] = dump_json(schema)
    changelog = _changelog(root_file)
    if changelog is not None:
        publication.files["CHANGELOG.md"] = changelog
    publication.files["README.md"] = _readme(published, losses)
    return publication


_SCHEMA_REF = "#/components/schemas/"


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


def _changelog(root_file: Path) -> str | None:
    """The description's changelog: the repository's CHANGELOG.md beside spec/ (rstar-spec breaking writes it)."""
    path = root_file.resolve().parent.parent / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def released_versions(output: Path) -> dict[str, dict[str, bytes]]:
    """The files of each release already in the output folder, by version."""
    releases: dict[str, dict[str, bytes]] = {}
    if output.is_dir():
        for path in sorted(output.iterdir()):
            found = _RELEASED.fullmatch(path.name)
            if found and path.is_file():
                releases.setdefault(found.group("version"), {})[path.name] = path.read_bytes()
    return releases


def carry_releases(publication: Publication, output: Path) -> None:
    """Keep the files of earlier releases as they are: a consumer may have pinned one."""
    current = {name for name in publication.files if _RELEASED.fullmatch(name)}
    for files in released_versions(output).values():
        for name, data in files.items():
            if name not in current:
                publication.files[name] = data.decode("utf-8")


def _readme(doc: dict[str, Any], losses: list[Loss]) -> str:
    info = doc.get("info", {})
    version = info.get("version")
    pinned = versioned_stem(str(version))
    lines = [
        f"# {info.get('title')} {version}: published renderings",
        "",
        "Generated by `nox -s publish` from `spec/` and `overlays/publish.yaml`; do not edit.",
        "",
        "| file | what |",
        "|---|---|",
        f"| `{BASENAME}.yaml`, `.json` | OpenAPI 3.1, components kept: generate from this |",
        f"| `{BASENAME}.dereferenced.yaml`, `.json` | OpenAPI 3.1, every `$ref` inlined, for tools that cannot follow refs; only `securitySchemes` stay in components; no discriminators (they select named schemas, and none are left: each branch carries its `const`) |",
        f"| `{BASENAME}.3.0.yaml`, `.json` | OpenAPI 3.0.3, for tools that do not read 3.1 |",
        f"| `{pinned}[.dereferenced\\|.3.0].yaml`, `.json` | the same files under this release's name: pin one of these |",
        "| `CHANGELOG.md` | what changed in each release, breaking changes first |",
        "| `schemas/<Model>.schema.json` | each model as a JSON Schema 2020-12 document, `$ref`s between the files, for teams that validate rather than generate |",
        "",
        "The unversioned files are always the latest release. A release's files never change once",
        "published: any change to the spec comes with a new `info.version` (`nox -s breaking` refuses",
        "the same version with another content), and earlier releases stay here under their names.",
        "",
        "## SDK hints",
        "",
        "Each operation carries what our Python client does beyond the API's contract, for the",
        "generators of other languages. They describe client behaviour; the server promises nothing",
        "more because of them.",
        "",
        "| extension | where | what |",
        "|---|---|---|",
        "| `x-speakeasy-pagination` | list operations | offset/limit paging: `inputs` name the query parameters, `outputs.results` the items ([Speakeasy's convention](https://www.speakeasy.com/docs/customize-sdks/pagination)) |",
        "| `x-speakeasy-retries` | every operation | what the Python client retries and how long it waits: 429 always; 502, 503 and connection errors only where sending twice is harmless ([Speakeasy's convention](https://www.speakeasy.com/docs/customize-sdks/retries)) |",
        "| `x-rstar-pagination` | list operations | `{items, offset, limit, total}`: the page envelope's fields and the query parameters |",
        "| `x-rstar-idempotent` | every operation | `true` when a retry after a 502/503 or a broken connection cannot act twice (GET, PUT, DELETE) |",
        "| `x-rstar-etag-cache` | `GET /clients/{client_id}` | a client may keep the `ETag` and send `If-None-Match`; a 304 means its copy is current |",
        "| `x-rstar-sdk-name` | every operation | the method name in our SDKs (`api.<tag>.<name>()`) |",
        "| `x-rstar-token` | `components.securitySchemes.bearerAuth` | where tokens come from: the token operation, the body of each grant (`{api_key}`, `{username}`, `{password}`, `{refresh_token}` stand for credentials) and the answer's fields; after any 401 the client renews the token once and replays the request |",
        "",
        "## What the 3.0.3 rendering cannot say",
        "",
    ]
    lines += [f"- `{loss.pointer and '#' + to_string(loss.pointer)}`: {loss.message}" for loss in losses] or [
        "Nothing: it says everything the 3.1 document says."
    ]
    return "\n".join(lines) + "\n"


def _encoded(publication: Publication) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in publication.files.items()}


def write(publication: Publication, output: Path) -> None:
    """Replace the output folder as a whole: a failed run leaves the previous one."""
    replace_tree(_encoded(publication), output, by="publish")


def check(publication: Publication, output: Path) -> list[str]:
    """The files of the output folder that differ from the publication (missing, changed, extra)."""
    return stale_files(_encoded(publication), output)

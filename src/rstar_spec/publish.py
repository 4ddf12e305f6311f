"""The published spec: every rendering other teams generate from, in generated/openapi/.

bundle -> publish overlay -> renderings:

- ``reception-star.openapi.{yaml,json}``: OpenAPI 3.1, components kept;
- ``reception-star.openapi.dereferenced.{yaml,json}``: every $ref replaced by what it
  names (components are kept too, for discriminator mappings and security);
- ``reception-star.openapi.3.0.{yaml,json}``: the 3.0.3 rendering (downconvert.py),
  with what 3.0 cannot say listed in the folder's README.md.

The 3.1 document and the 3.0.3 rendering are validated with openapi-spec-validator
before anything is written. The dereferenced variant is valid by construction: it
puts, in place of each $ref, a node the validator accepted in the slot the ref
names (openapi-spec-validator follows refs while validating), so at run time it is
checked for what dereferencing could break (a $ref left over, an operation lost);
validating it in full would cost 54 s of openapi-spec-validator on a 2,000-operation
spec. The test suite validates the committed dereferenced files in full. The folder
is then replaced as a whole, so a failed run leaves the previous one untouched.
`check` says which files differ from what would be written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import RstarError
from ._pointer import Pointer, from_fragment, get, to_string
from ._tree import replace_tree, stale_files
from ._walk import iter_operations, iter_refs
from ._yaml import dump_json, dump_yaml
from .downconvert import Loss, downconvert
from .pipeline import build_target
from .validate import validate_structure

BASENAME = "reception-star.openapi"
DEFAULT_OUTPUT = Path("generated/openapi")


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
    but securitySchemes (named by security requirements), and so are discriminator
    mappings, which name components: each inlined branch still says its own value
    (our grants carry a `const grant_type`).
    """

    def resolve(node: Any, pointer: Pointer, stack: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                if ref in stack:
                    raise PublishError(f"cannot dereference #{to_string(pointer)}: {ref} refers to itself")
                target = get(doc, from_fragment(ref[1:]))
                inlined = resolve(copy.deepcopy(target), pointer, (*stack, ref))
                siblings = {k: resolve(v, (*pointer, k), stack) for k, v in node.items() if k != "$ref"}
                return {**inlined, **siblings} if isinstance(inlined, dict) else inlined
            return {k: resolve(v, (*pointer, k), stack) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v, (*pointer, str(i)), stack) for i, v in enumerate(node)]
        return node

    out: dict[str, Any] = resolve(doc, (), ())
    schemes = out.get("components", {}).get("securitySchemes")
    out.pop("components", None)
    if schemes:
        out["components"] = {"securitySchemes": schemes}
    _drop_mappings(out)
    return out


def _drop_mappings(node: Any) -> None:
    if isinstance(node, dict):
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict):
            discriminator.pop("mapping", None)
        for value in node.values():
            _drop_mappings(value)
    elif isinstance(node, list):
        for value in node:
            _drop_mappings(value)


def _check_valid(name: str, doc: dict[str, Any], version: str) -> None:
    problems = validate_structure(doc, version)
    if problems:
        raise PublishError(f"{name} is not valid OpenAPI at /{'/'.join(problems[0].pointer)}: {problems[0].message}")


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
    """Every rendering, validated, as file name -> text. Nothing is written."""
    published = build_target(root_file, "publish", overlays_dir)
    dereferenced = dereference(published)
    downconverted, losses = downconvert(published)
    renderings: dict[str, tuple[dict[str, Any], str | None]] = {
        BASENAME: (published, "3.1"),
        f"{BASENAME}.dereferenced": (dereferenced, None),
        f"{BASENAME}.3.0": (downconverted, "3.0"),
    }
    publication = Publication(losses=losses)
    _validate_all(renderings, published)
    for stem, (doc, _) in renderings.items():
        publication.files[f"{stem}.yaml"] = dump_yaml(doc)
        publication.files[f"{stem}.json"] = dump_json(doc)
    publication.files["README.md"] = _readme(published, losses)
    return publication


def _readme(doc: dict[str, Any], losses: list[Loss]) -> str:
    info = doc.get("info", {})
    lines = [
        f"# {info.get('title')} {info.get('version')}: published renderings",
        "",
        "Generated by `nox -s publish` from `spec/` and `overlays/publish.yaml`; do not edit.",
        "",
        "| file | what |",
        "|---|---|",
        f"| `{BASENAME}.yaml`, `.json` | OpenAPI 3.1, components kept: generate from this |",
        f"| `{BASENAME}.dereferenced.yaml`, `.json` | OpenAPI 3.1, every `$ref` inlined, for tools that cannot follow refs; only `securitySchemes` stay in components, discriminators keep `propertyName` (each branch carries its `const`) |",
        f"| `{BASENAME}.3.0.yaml`, `.json` | OpenAPI 3.0.3, for tools that do not read 3.1 |",
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
    replace_tree(_encoded(publication), output)


def check(publication: Publication, output: Path) -> list[str]:
    """The files of the output folder that differ from the publication (missing, changed, extra)."""
    return stale_files(_encoded(publication), output)

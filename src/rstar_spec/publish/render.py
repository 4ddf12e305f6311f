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

import string
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..core.errors import PublishError, shorten
from ..core.outputs import replace_tree, stale_files
from ..core.pointer import to_string
from ..core.yaml_io import dump_json, dump_yaml
from ..oas.validate import shape_problems, validate_structure
from ..overlay.pipeline import build_targets
from .dereference import check_dereferenced, dereference
from .downconvert import Loss, downconvert
from .json_schema import json_schemas
from .releases import (
    API_NAME,
    BASENAME,
    DEFAULT_OUTPUT,
    RELEASE_VERSION,
    RENDERING_SUFFIXES,
    carry_releases,
    released_versions,
    versioned_stem,
)
from .sdk_hints import with_sdk_hints

__all__ = [
    "API_NAME",
    "BASENAME",
    "DEFAULT_OUTPUT",
    "RENDERING_SUFFIXES",
    "Publication",
    "PublishError",
    "carry_releases",
    "check",
    "dereference",
    "json_schemas",
    "released_versions",
    "render",
    "versioned_stem",
    "write",
]


@dataclass
class Publication:
    files: dict[str, str] = field(default_factory=dict)
    losses: list[Loss] = field(default_factory=list)


def _check_valid(name: str, doc: dict[str, Any], version: str) -> None:
    problems = validate_structure(doc, version)
    if problems:
        raise PublishError(f"{name} is not valid OpenAPI at /{'/'.join(problems[0].pointer)}: {problems[0].message}")


def _check_shapes(name: str, doc: dict[str, Any]) -> None:
    problems = shape_problems(doc)
    if problems:
        where = to_string(problems[0].pointer) or "/"
        raise PublishError(f"{name} is not valid OpenAPI at {where}: {shorten(problems[0].message)}")


def _validate_all(renderings: dict[str, tuple[dict[str, Any], str | None]], published: dict[str, Any]) -> None:
    """Validate every rendering against the OpenAPI version it is written in."""
    for stem, (doc, version) in renderings.items():
        if version is None:
            check_dereferenced(doc, published)
        else:
            _check_valid(f"{stem}.yaml", doc, version)


def render(root_file: Path, overlays_dir: Path) -> Publication:
    """Every rendering, validated, as file name -> text, latest and versioned. Nothing is written."""
    # One bundle for both targets. The hints come from the python-client target (a spec without that overlay
    # gets the defaults by method).
    targets = build_targets(root_file, ["publish", "python-client"], overlays_dir, needs_31="publish")
    for name, target in targets.items():  # what follows walks the shapes OpenAPI holds a document to
        _check_shapes(f"the {name} target", target)
    published = with_sdk_hints(targets["publish"], targets["python-client"])
    version = str(published.get("info", {}).get("version", ""))
    if not RELEASE_VERSION.fullmatch(version):
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


def publication_for(root_file: Path, overlays_dir: Path, output: Path) -> Publication:
    """What `publish` writes into output: every rendering of the spec, and the earlier releases output holds,
    carried over byte for byte. The drift check and the tests compare with this, never with render() alone."""
    publication = render(root_file, overlays_dir)
    carry_releases(publication, output)
    return publication


def _changelog(root_file: Path) -> str | None:
    """The description's changelog: the repository's CHANGELOG.md beside spec/ (rstar-spec breaking writes it)."""
    path = root_file.resolve().parent.parent / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


class _Markdown(string.Template):
    delimiter = "%"  # the README speaks of `$ref`s


def _readme(doc: dict[str, Any], losses: list[Loss]) -> str:
    """README.md.tmpl, filled in: the files of this release, the SDK hints, what 3.0.3 cannot say."""
    info = doc.get("info", {})
    version = info.get("version")
    lost = [f"- `{loss.pointer and '#' + to_string(loss.pointer)}`: {loss.message}" for loss in losses] or [
        "Nothing: it says everything the 3.1 document says."
    ]
    template = resources.files(__package__).joinpath("README.md.tmpl").read_text(encoding="utf-8")
    fields = {
        "title": info.get("title"),
        "version": version,
        "basename": BASENAME,
        "pinned": versioned_stem(str(version)),
    }
    return _Markdown(template).substitute(fields, losses="\n".join(lost))


def _encoded(publication: Publication) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in publication.files.items()}


def write(publication: Publication, output: Path) -> None:
    """Replace the output folder as a whole: a failed run leaves the previous one."""
    replace_tree(_encoded(publication), output, by="publish")


def check(publication: Publication, output: Path) -> list[str]:
    """The files of the output folder that differ from the publication (missing, changed, extra)."""
    return stale_files(_encoded(publication), output)

"""No tool names today's spec: behaviour comes from the document's shape and its x-rstar-* extensions, so a
resource, field or action added to spec/ works with no code edited (issue 25).

The names are read from the bundled spec when the test runs, never written here: its paths, operationIds,
and the names of its parameters and properties. A folder of src/rstar_spec is held to this once it is
converted: add it to CONVERTED.

What counts as naming the spec:
- a path (`/things`, `/things/{thing_id}`) anywhere in the text, comments included;
- an operationId, or a parameter or property name with `_` or `-` in it (`list_things`, `thing_id`): as a
  word anywhere, identifiers and comments included;
- any other parameter or property name (`email`, `total`): as a string literal of the code, exactly (the way
  a key of a JSON body is written); as an English word in a message or a comment it names nothing.

What does not: the words of the toolkit's own conventions, which every spec uses alike. x-rstar-token's
words (its grant kinds, credential placeholders and answer keys, read from the spec's extension: the SDKs'
and the mock's common vocabulary, sdk/facts.py), the error body that lint's `error-schema` rule requires
of every spec (`code`, `message`; a 400's `errors` of `field` and `message`), HTTP's own conditional
request fields (RFC 9110 13.1), whose meaning a tool implements as HTTP defines it, and JSON Schema's format
names (`email` is a format before it is a property), as the jsonschema library knows them. And the keys of
x-rstar-pagination (`items`, `offset`, `limit`, `total`), the extension's own words for a page.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import project_doc
from rstar_spec.oas.walk import iter_operations, iter_schemas

SRC = Path(__file__).resolve().parent.parent / "src" / "rstar_spec"
CONVERTED = [
    "mock",
    "oas",
    "sdk",
    "traffic",
    "contract",
    "python_client",
    "publish",
    "diff",
    "lint",
    "overlay",
    "core",
]  # folders of src/rstar_spec that name no path, operationId or field of today's spec

PAGINATION_WORDS = {"items", "offset", "limit", "total"}  # x-rstar-pagination's keys (Speakeasy's offsetLimit's too)
ERROR_BODY = {"code", "message", "errors", "field"}  # lint's error-schema rule: the toolkit's, not the spec's
HTTP_FIELDS = {"if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range"}
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


def _token_vocabulary(doc: dict[str, Any]) -> set[str]:
    words: set[str] = set()
    for scheme in ((doc.get("components") or {}).get("securitySchemes") or {}).values():
        hint = scheme.get("x-rstar-token") if isinstance(scheme, dict) else None
        if not isinstance(hint, dict):
            continue
        for kind, body in (hint.get("grants") or {}).items():
            words.add(kind)
            words.update(m.group(1) for v in body.values() if isinstance(v, str) and (m := _PLACEHOLDER.match(v)))
        words.update(hint.get("response") or {})
    return words


def spec_names(doc: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """(paths, words that name the spec anywhere, names that name it as an exact string literal)."""
    paths = set(doc.get("paths") or {})
    operation_ids = {
        op["operationId"] for _, _, _, op in iter_operations(doc) if isinstance(op.get("operationId"), str)
    }
    names: set[str] = set()
    for _, _, _, op in iter_operations(doc):
        for param in op.get("parameters") or []:
            if isinstance(param, dict) and "name" in param and str(param.get("in")) != "header":
                names.add(param["name"])
    for item in (doc.get("paths") or {}).values():
        for param in item.get("parameters") or [] if isinstance(item, dict) else []:
            if isinstance(param, dict) and "name" in param:
                names.add(param["name"])
    for param in ((doc.get("components") or {}).get("parameters") or {}).values():
        if param.get("in") != "header" or param.get("name", "").lower() not in HTTP_FIELDS:
            names.add(param["name"])
    for _, schema in iter_schemas(doc):
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            names.update(schema["properties"])
    names -= ERROR_BODY | PAGINATION_WORDS | _token_vocabulary(doc) | set(jsonschema.FormatChecker().checkers)
    distinctive = {n for n in names if "_" in n or "-" in n} | operation_ids
    return paths, distinctive, names


def _literals(source: str) -> list[tuple[int, str]]:
    """(line, value) of every string literal, those inside f-strings' expressions included."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING:
            continue
        try:
            found.append((token.start[0], ast.literal_eval(token.string)))
        except ValueError:  # an f-string: the literals of its expressions
            found += [(token.start[0], m.group(2)) for m in re.finditer(r"(['\"])(\w[\w-]*)\1", token.string)]
    return found


def hits(source: str, doc: dict[str, Any]) -> list[str]:
    """Where source names the spec: `line N: what`."""
    paths, distinctive, names = spec_names(doc)
    found = []
    for n, line in enumerate(source.splitlines(), 1):
        found += [f"line {n}: path {p}" for p in paths if re.search(rf"{re.escape(p)}(?![\w-])", line)]
        found += [f"line {n}: {w}" for w in distinctive if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", line)]
    found += [f"line {n}: {value!r}" for n, value in _literals(source) if isinstance(value, str) and value in names]
    return found


def _modules() -> list[Path]:
    folders = sorted(p for folder in CONVERTED for p in (SRC / folder).rglob("*.py") if "__pycache__" not in p.parts)
    return [*sorted(SRC.glob("*.py")), *folders]  # cli.py and the package's own modules too


# What a module may name, and why: never a behaviour of today's spec, only a format of our own.
ALLOWED = {
    "contract/_guard.py": {
        "'id'": "the ledger's own key for an item's id (a file format of ours, whatever the spec calls its ids)",
        "created_at": "ledgers written before resources were read from the spec kept one stamp under this name",
        "'created_at'": "the same: read from old ledgers only",
    },
}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_a_converted_module_names_nothing_of_todays_spec(path: Path) -> None:
    allowed = ALLOWED.get(path.relative_to(SRC).as_posix(), {})
    found = [
        hit for hit in hits(path.read_text(encoding="utf-8"), project_doc()) if hit.split(": ", 1)[1] not in allowed
    ]
    assert not found, f"{path.relative_to(SRC)} names today's spec: " + "; ".join(sorted(found))


def test_the_check_finds_each_kind_of_name() -> None:
    """It can fail: a path, an operationId, a distinctive name in a comment, a plain name as a key."""
    doc = project_doc()
    paths, distinctive, names = spec_names(doc)
    path = sorted(paths)[0]
    op_id = next(op["operationId"] for _, _, _, op in iter_operations(doc))
    word = sorted(n for n in distinctive if "_" in n and n != op_id)[0]
    plain = sorted(n for n in names if n not in distinctive)[0]
    source = f'url = f"{{base}}{path}"\nhandler = {op_id}\n# reads {word}\nbody = {{"{plain}": 1}}\n'
    assert len(hits(source, doc)) == 4, hits(source, doc)
    harmless = f'message = "the {plain} is wrong"  # an English word, {plain}\nvalue = f"{{x}}/other"\n'
    assert hits(harmless, doc) == []

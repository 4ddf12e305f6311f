"""What `promise-traced` reads: the contract page's rows, and what the responses of a document require.

The page. The root file's `info.x-rstar-contract-page` names it, as a path relative to the root file
(`../docs/reception-star-api.md`). A document that names none is not traced: the rule is for specs
that describe someone else's server from a contract page of their own.

A row of the page is one block of it as CommonMark (with GFM tables) reads it: a table row (all its
cells, with the `|` between them), a heading, a paragraph (a list item's text is its paragraph), a code
block. Its text is its source, markup included (backticks, quotes), with whitespace folded to single
spaces. A promise is on the page when its folded words lie inside one row: a part of a row is enough,
words spanning two rows are not a promise of either.

A requirement is what a response makes a server do: in a schema reachable from a response (its
headers and content, following $refs, each target once), each name of `required`, a bound, `format`,
`pattern`, `enum`, `const`, `uniqueItems: true`, a closed object...; a header the response lists
with `required: true`. It is promised by an `x-promise` on the object that makes it or on one that
holds it inline (a schema's subschemas, a response's headers and content, a header's schema), up to
the nearest $ref: what a $ref leads to carries its own. Two refinements:
- a name of `required` is also promised by an `x-promise` on that property's own schema, written
  inline (beside a $ref if need be);
- a required header is a requirement of each response that lists it, promised on that Response
  Object (or on the header when written inline in it), never by a shared header component: the page
  promises a header on some answers (an `ETag` on one), and a component required there would
  otherwise be promised wherever it is reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.limits import MAX_INPUT_BYTES
from ..core.pointer import Pointer, from_fragment, get
from ..oas.schemas import mapping_of
from ..oas.walk import child_objects, child_schemas, resolve

PROMISE_KEY = "x-promise"
PAGE_KEY = "x-rstar-contract-page"

# Keywords whose presence in a response schema requires something of the server (the value does not matter:
# a minLength of 0 still names a bound the page must give).
_REQUIRING = (
    "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "pattern", "format", "minItems", "maxItems", "minContains", "maxContains", "contains",
    "minProperties", "maxProperties", "dependentRequired", "not",
)  # fmt: skip
# Keywords that require something only with one value: unique items, a closed object.
_REQUIRING_WHEN = {"uniqueItems": True, "additionalProperties": False, "unevaluatedProperties": False}
# The blocks of the page that are rows, by the markdown-it token that opens them.
_ROW_TOKENS = frozenset({"tr_open", "heading_open", "paragraph_open", "fence", "code_block", "html_block"})


def fold(text: str) -> str:
    """Whitespace folded: runs of spaces, tabs and line breaks become one space; none at either end."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Page:
    """The contract page: its name as the document writes it, and its rows, folded."""

    name: str
    rows: tuple[str, ...]

    def holds(self, words: str) -> bool:
        folded = fold(words)
        return any(folded in row for row in self.rows)


def page_rows(text: str) -> tuple[str, ...]:
    """The rows of a Markdown page, each its source text with whitespace folded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as markdown-it counts lines
    lines = text.split("\n")
    from markdown_it import MarkdownIt  # imported here: a lint without a contract page never reads Markdown

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return tuple(fold(" ".join(lines[t.map[0] : t.map[1]])) for t in tokens if t.type in _ROW_TOKENS and t.map)


def read_page(root_file: Path, named: Any) -> Page | str:
    """The page `info.x-rstar-contract-page` names, or why it cannot be read (a finding, not an error: the
    rest of the document is still linted)."""
    if not isinstance(named, str) or not named.strip():
        return "must name the contract page: a path relative to the root file"
    path = root_file.parent / named
    try:
        if not path.is_file():  # a folder, a device, a FIFO (whose open would wait for a writer), nothing
            return f"{named}: no such file" if not path.exists() else f"{named}: not a regular file"
        with open(path, "rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        return f"{named}: cannot read it: {exc.strerror}"
    except ValueError:  # a NUL byte in the name
        return f"{named}: cannot read it: its name holds a NUL byte"
    if len(raw) > MAX_INPUT_BYTES:
        return f"{named}: more than {MAX_INPUT_BYTES // 2**20} MiB, not read further"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"{named}: not UTF-8"
    return Page(named, page_rows(text))


@dataclass(frozen=True)
class Requirement:
    """Something a response requires of a server: where it is written, what it is, whether a promise covers it."""

    pointer: Pointer
    what: str
    promised: bool


def response_requirements(doc: dict[str, Any], responses: Iterator[tuple[Pointer, Any]]) -> list[Requirement]:
    """Every requirement reachable from the given responses (as written: operations' and components'),
    following $refs, each target once."""
    walk = _Walk(doc)
    for pointer, response in responses:
        if pointer[:2] == ("components", "responses"):
            if pointer in walk.seen:
                continue
            walk.seen.add(pointer)
        if isinstance(response, dict):
            walk.response(response, pointer, False)
    return walk.found


Visit = Callable[[dict[str, Any], Pointer, bool], None]


class _Walk:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.seen: set[Pointer] = set()
        self.found: list[Requirement] = []

    def follow(self, node: dict[str, Any], visit: Visit) -> None:
        """A $ref: what it leads to is visited once, on its own (a promise beside the ref does not reach it)."""
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return
        try:
            pointer = from_fragment(ref[1:])
        except ValueError:
            return
        if pointer in self.seen:
            return
        self.seen.add(pointer)
        target = get(self.doc, pointer, None)
        if isinstance(target, dict):
            visit(target, pointer, False)

    def response(self, node: dict[str, Any], pointer: Pointer, promised: bool) -> None:
        if "$ref" in node:  # a Reference Object: only summary and description beside it
            self.follow(node, self.response)
            return
        promised = promised or PROMISE_KEY in node
        for header_pointer, header in child_objects(mapping_of(node.get("headers")), (*pointer, "headers")):
            # Required is a promise of this answer, wherever the header is written: a shared header component
            # required here is not promised on every answer that lists it (the page promises an ETag on one).
            inline = "$ref" not in header
            if mapping_of(resolve(self.doc, header, header_pointer)[1]).get("required") is True:
                covered = promised or (inline and PROMISE_KEY in header)
                self.found.append(Requirement(header_pointer, f"required header {header_pointer[-1]!r}", covered))
            if inline:
                self.header(header, header_pointer, promised)
            else:
                self.follow(header, self.header)
        self.content(node, pointer, promised)

    def header(self, node: dict[str, Any], pointer: Pointer, promised: bool) -> None:
        """What a header requires of its value; whether it is required is its response's (above)."""
        if "$ref" in node:
            self.follow(node, self.header)
            return
        promised = promised or PROMISE_KEY in node
        if isinstance(node.get("schema"), dict):
            self.schema(node["schema"], (*pointer, "schema"), promised)
        self.content(node, pointer, promised)

    def content(self, owner: dict[str, Any], pointer: Pointer, promised: bool) -> None:
        for media_pointer, media in child_objects(mapping_of(owner.get("content")), (*pointer, "content")):
            if isinstance(media.get("schema"), dict):
                self.schema(media["schema"], (*media_pointer, "schema"), promised)

    def schema(self, node: dict[str, Any], pointer: Pointer, promised: bool) -> None:
        promised = promised or PROMISE_KEY in node
        self.requirements(node, pointer, promised)
        for sub_pointer, sub in child_schemas(node, pointer):
            self.schema(sub, sub_pointer, promised)
        if "$ref" in node:  # beside it (3.1), a schema's own keywords are checked above; its target on its own
            self.follow(node, self.schema)

    def requirements(self, node: dict[str, Any], pointer: Pointer, promised: bool) -> None:
        required = node.get("required")
        if isinstance(required, list):
            properties = mapping_of(node.get("properties"))
            for i, name in enumerate(required):
                prop = properties.get(name) if isinstance(name, str) else None
                by_property = isinstance(prop, dict) and PROMISE_KEY in prop
                self.found.append(
                    Requirement((*pointer, "required", str(i)), f"required property {name!r}", promised or by_property)
                )
        for keyword in _REQUIRING:
            if keyword in node:
                self.found.append(Requirement((*pointer, keyword), f"`{keyword}`", promised))
        for keyword, value in _REQUIRING_WHEN.items():
            if node.get(keyword) is value:
                self.found.append(Requirement((*pointer, keyword), f"`{keyword}: {str(value).lower()}`", promised))

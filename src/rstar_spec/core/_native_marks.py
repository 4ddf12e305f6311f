"""Positions read from rapidyaml's tree: `pointer -> (line, col)` without a second full parse.

The positional loader (libyaml compose) records, for every node, the 1-based line and column of a
mapping entry's key, of a sequence item's first token (its `&anchor`, quote, `[`, `{` or `-`), and of
the root's. A native reading keeps the text and the tree rapidyaml parsed it into (in place, in a copy
of it; a text over 8 MiB is parsed again when first asked); a finding's pointer is walked down that
tree (`find_child` in C++, each prefix once): the scalar views rapidyaml hands back point into our
buffer, so their offsets are the places. Where the rule for a node is not plain (a tag, a block
scalar, an empty node, an explicit `?` key, a collection opening with an alias), it raises Unsure and
the caller computes every position the positional way, as before. ``tests/test_yaml_native.py`` holds both to the same place for every pointer.
"""

from __future__ import annotations

import bisect
import itertools
import math
from typing import Any

from ._native import Parsed, address, parse_in_place

try:
    import ryml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - without rapidyaml nothing is read natively, so nothing is placed so
    ryml = None


class Unsure(Exception):
    """The rule for this node is not plain: ask the positional loader."""


def _index(token: str) -> int | float:
    """A sequence index as a JSON Pointer writes it (no sign, no leading zero), else infinity."""
    return int(token) if token.isdigit() and str(int(token)) == token else math.inf


class NativeMarks:
    """The places of nodes of one text, found on demand in rapidyaml's tree of it."""

    def __init__(self, text: str, *, aliases: bool = True, parsed: Parsed | None = None) -> None:
        parsed = parsed or parse_in_place(text.encode("utf-8"))
        self._text, self._parsed, self._tree = parsed
        self._base = address(memoryview(self._parsed))
        self._lines: list[int] | None = None
        self._anchors: dict[bytes, list[int]] | None = None
        self._none = ryml.NONE
        root = self._tree.root_id()
        self._plain_root = not (self._tree.is_stream(root) or self._tree.is_doc(root))
        # pointer -> (its node, whether that stands in a mapping), NONE when absent: findings share prefixes
        self._nodes: dict[tuple[str, ...], tuple[int, bool]] = {(): (root, False)}
        self._aliases = aliases  # False when the reader saw no alias: no node stands for another

    def mark(self, pointer: tuple[str, ...]) -> tuple[int, int] | None:
        """(line, col) of the node at pointer, None when there is no such node; raises Unsure."""
        if not self._plain_root:
            raise Unsure
        node, in_map = self._node(pointer)
        if node == self._none:
            return None
        return self._place(self._key_start(node) if in_map else self._start(node))

    def _node(self, pointer: tuple[str, ...]) -> tuple[int, bool]:
        """The node at pointer as written (an alias is not followed), each prefix looked up once."""
        found = self._nodes.get(pointer)
        if found is not None:
            return found
        parent, _ = self._node(pointer[:-1])
        found = (self._none, False)
        if parent != self._none:
            tree, token = self._tree, pointer[-1]
            parent = self._target(parent)
            if tree.is_map(parent):
                found = (tree.find_child(parent, token.encode("utf-8")), True)
            elif tree.is_seq(parent) and _index(token) < tree.num_children(parent):
                found = (tree.child(parent, int(token)), False)
        self._nodes[pointer] = found
        return found

    # -- rapidyaml node -> offset of its first token, as libyaml marks it ------------------------
    def _offset(self, view: Any) -> int:
        if view is None:  # a null scalar has no text
            raise Unsure
        offset = address(view) - self._base
        if not 0 <= offset <= len(self._text):  # a scalar rapidyaml rewrote into its arena
            raise Unsure
        return offset

    def _key_start(self, node: int) -> int:
        tree, flags = self._tree, self._tree.type(node)
        if flags & (ryml.KEYTAG | ryml.KEYREF | ryml.KEY_LITERAL | ryml.KEY_FOLDED):
            raise Unsure
        if flags & ryml.KEYANCH:
            return self._indicator(self._offset(tree.key_anchor(node)) - 1, b"&")
        key = tree.key(node)
        offset = self._offset(key)
        if flags & (ryml.KEY_SQUO | ryml.KEY_DQUO):
            return self._indicator(offset - 1, b"'\"")
        if not len(key):
            raise Unsure
        return offset

    def _start(self, node: int) -> int:
        tree, flags = self._tree, self._tree.type(node)
        if flags & (ryml.VALTAG | ryml.VAL_LITERAL | ryml.VAL_FOLDED):
            raise Unsure
        if flags & ryml.VALANCH:
            return self._indicator(self._offset(tree.val_anchor(node)) - 1, b"&")
        if flags & ryml.VALREF:
            return self._start(self._target(node))
        if tree.is_container(node):
            first = tree.first_child(node)
            if first == self._none or tree.type(first) & ryml.VALREF:  # (an alias first: its place is its anchor's)
                raise Unsure
            if tree.is_flow(node):
                inner = self._key_start(first) if tree.is_map(node) else self._start(first)
                return self._back_to(inner, b"{" if tree.is_map(node) else b"[", b" \t\r\n")
            if tree.is_map(node):
                offset = self._key_start(first)
                if self._before(offset) == b"?":  # an explicit key: libyaml starts the mapping at the `?`
                    raise Unsure
                return offset
            return self._back_to(self._start(first), b"-", b" ")
        val = tree.val(node)
        offset = self._offset(val)
        if flags & (ryml.VAL_SQUO | ryml.VAL_DQUO):
            return self._indicator(offset - 1, b"'\"")
        if not len(val):
            raise Unsure
        return offset

    def _target(self, node: int) -> int:
        """The anchored node an alias stands for (the last anchor of that name before it), or node itself."""
        tree = self._tree
        if not self._aliases or not tree.type(node) & ryml.VALREF:
            return node
        if self._anchors is None:
            self._anchors = {}
            for i in range(tree.size()):
                if tree.type(i) & ryml.VALANCH:
                    self._anchors.setdefault(bytes(tree.val_anchor(i)), []).append(i)
        name = bytes(tree.val_ref(node))
        name = name[1:] if name.startswith(b"*") else name
        candidates = self._anchors.get(name, [])
        before = [i for i in candidates if i < node]
        if not before:
            raise Unsure
        return before[-1]

    def _indicator(self, offset: int, allowed: bytes) -> int:
        if offset < 0 or self._text[offset] not in allowed:
            raise Unsure
        return offset

    def _before(self, offset: int) -> bytes:
        i = offset - 1
        while i >= 0 and self._text[i] == 0x20:
            i -= 1
        return bytes(self._text[i : i + 1]) if i >= 0 else b""

    def _back_to(self, offset: int, indicator: bytes, skip: bytes) -> int:
        i = offset - 1
        while i >= 0 and self._text[i] in skip:
            i -= 1
        if i < 0 or self._text[i : i + 1] != indicator:
            raise Unsure
        return i

    def _place(self, offset: int) -> tuple[int, int]:
        if self._lines is None:  # where each line starts: lengths added up in C (a line break is \n, \r\n or \r)
            ends = list(itertools.accumulate(map(len, self._text.splitlines(keepends=True))))
            if ends and not self._text.endswith((b"\n", b"\r")):
                ends.pop()
            self._lines = [0, *ends]
        line = bisect.bisect_right(self._lines, offset) - 1
        start = self._lines[line]
        return line + 1, len(self._text[start:offset].decode("utf-8")) + 1

"""Positions read from rapidyaml's tree: `pointer -> (line, col)` without a second full parse.

The positional loader (libyaml compose) records, for every node, the 1-based line and column of a
mapping entry's key, of a sequence item's first token (its `&anchor`, quote, `[`, `{` or `-`), and of
the root's. A native reading keeps the text; when a finding first asks for a place, rapidyaml parses
the text again in place (a few percent of a compose), and each asked pointer is walked down the tree
(`find_child` in C++): the scalar views rapidyaml hands back point into our buffer, so their offsets
are the places. Where the rule for a node is not plain (a tag, a block scalar, an empty node, an
explicit `?` key), it raises Unsure and the caller computes every position the positional way,
as before. ``tests/test_yaml_native.py`` holds both to the same place for every pointer.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
from typing import Any

from ._native import quiet_stderr

try:
    import ryml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - without rapidyaml nothing is read natively, so nothing is placed so
    ryml = None


class _PyBuffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]


def _address(view: Any) -> int:
    """The address of a (read-only) buffer: rapidyaml's views carry no offset of their own."""
    buffer = _PyBuffer()
    _get_buffer(view, ctypes.byref(buffer), 0)
    try:
        return int(buffer.buf or 0)
    finally:
        _release_buffer(ctypes.byref(buffer))


class Unsure(Exception):
    """The rule for this node is not plain: ask the positional loader."""


class NativeMarks:
    """The places of nodes of one text, found on demand in rapidyaml's tree of it."""

    def __init__(self, text: str, *, aliases: bool = True) -> None:
        # rapidyaml filters scalars in place (folds lines, drops escapes): the places are read in a copy
        self._text = text.encode("utf-8")
        self._parsed = bytearray(self._text)
        with quiet_stderr():
            self._tree = ryml.parse_in_place(self._parsed)
        self._base = _address(memoryview(self._parsed))
        self._lines: list[int] | None = None
        self._anchors: dict[bytes, list[int]] | None = None
        self._none = ryml.NONE
        self._found: dict[tuple[int, str], int] = {}  # (node, key) -> child: findings share their prefixes
        self._aliases = aliases  # False when the reader saw no alias: no node stands for another

    def mark(self, pointer: tuple[str, ...]) -> tuple[int, int] | None:
        """(line, col) of the node at pointer, None when there is no such node; raises Unsure."""
        tree = self._tree
        node = tree.root_id()
        if tree.is_stream(node) or tree.is_doc(node):
            raise Unsure
        if not pointer:
            return self._place(self._start(node))
        for depth, token in enumerate(pointer):
            node = self._target(node)
            if tree.is_map(node):
                child = self._found.get((node, token))
                if child is None:
                    child = self._found[node, token] = tree.find_child(node, token.encode("utf-8"))
                if child == self._none:
                    return None
                if depth == len(pointer) - 1:
                    return self._place(self._key_start(child))
            elif tree.is_seq(node):
                if not token.isdigit() or str(int(token)) != token or int(token) >= tree.num_children(node):
                    return None
                child = tree.child(node, int(token))
                if depth == len(pointer) - 1:
                    return self._place(self._start(child))
            else:
                return None
            node = child
        raise AssertionError("unreachable")  # pragma: no cover

    # -- rapidyaml node -> offset of its first token, as libyaml marks it ------------------------
    def _offset(self, view: Any) -> int:
        if view is None:  # a null scalar has no text
            raise Unsure
        offset = _address(view) - self._base
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
            if first == self._none:
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

"""YAML read in C++: rapidyaml parses and writes JSON, ``json`` builds the data.

It is an accelerator, never a second definition of YAML. The positional loader
in ``yaml_io.py`` (libyaml, the YAML 1.2 core schema) says what a file means;
this one answers only where it is sure to answer the same, and returns
``NOT_NATIVE`` otherwise:

- tags, and anchors or aliases on keys: rapidyaml would drop or keep them where
  PyYAML applies them; aliases of values are resolved here (``Tree.resolve``) once
  each names an anchor defined once before it, none stands inside the node it names,
  and the expanded document stays within MAX_NODES (the positional loader's bounds);
  an anchor or alias followed on its line by what PyYAML refuses there (`- &x - b`,
  `- *a - b`);
- an integer longer than MAX_INT_DIGITS, a float past the largest double;
- a plain scalar that the core schema reads as another type than rapidyaml's
  JSON says (``017``, ``0o17``, ``0x1F``, ``True``, ``~``, ``.inf``), or that
  rapidyaml's JSON writes as another text (``inf`` and ``nan`` become ``.inf``
  and ``.nan``, keys too): quoted, it is a string to both;
- a plain scalar that starts with a reserved indicator (``@``, a backtick, ``%``),
  which PyYAML refuses and rapidyaml reads as text;
- a surrogate escape (``"\\ud800"``), which PyYAML refuses;
- NEL, LS or PS anywhere (line breaks to YAML 1.1, not to 1.2), or a tab;
- a character libyaml refuses (``\\x0c``, ``\\x7f``, a C1 control, U+FFFE); an escaped line
  break before a blank line in a double-quoted scalar, an explicit indentation
  indicator beside a line of blanks (rapidyaml folds them otherwise); `?` in a plain
  scalar of a flow collection (an explicit key to libyaml);
- duplicate keys, a byte order mark, more than one document, nesting deeper
  than MAX_DEPTH, anything rapidyaml refuses: the positional loader reports it
  with its place.

Known to differ still (an adversarial review's list, and its fuzzers run again): a
plain scalar over several lines inside a flow collection (``[long\\n text: 2]``,
blank lines before its ``]``), and one that opens with ``]``, ``}`` or ``,`` in block
context: text libyaml refuses (or trims) and rapidyaml takes.

How: where the text may hold a tag, an anchor or an alias (`_token_starts` can only
say "maybe"), what each node is is read from the flags of every node of rapidyaml's
tree; a plain scalar in doubt is found in the data (only nulls and a few strings can
be) and only its node looked up in the tree.

``tests/test_yaml_native.py`` holds both loaders to the same data on generated
documents.
"""

from __future__ import annotations

import contextlib
import ctypes
import enum
import functools
import gc
import json
import math
import operator
import os
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final, NamedTuple

from .limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES

try:  # a platform without a rapidyaml wheel reads YAML positionally, only slower
    import ryml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - wheels exist for the platforms CI runs on
    ryml = None


class _NotNative:
    def __repr__(self) -> str:
        return "NOT_NATIVE"


NOT_NATIVE: Final = _NotNative()


class _Refuse(Exception):
    """The native reading could differ from PyYAML's: step aside."""


# What the positional loader reads as another type than a string (the YAML 1.2 core schema, 10.3.2, and `<<`,
# which it refuses as a merge key), and the tokens PyYAML reads where rapidyaml sees text (`!`, `&`, `*`).
_IMPLICIT = re.compile(
    r"""(?:true|True|TRUE|false|False|FALSE
    |~|null|Null|NULL|
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |<<|!|&|\*)""",
    re.VERBOSE,
)
# rapidyaml's JSON writes a plain `inf`, `infinity`, `nan` (and the core schema's `.Inf`, `.NaN`) as ".inf" or
# ".nan", `-inf` as "-.inf"; a key even when quoted. Each such string, by the texts it may have been written from.
_PREIMAGES = {
    ".inf": ("inf", "infinity", ".inf", ".Inf", ".INF"),
    "-.inf": ("-inf", "-infinity", "-.inf", "-.Inf", "-.INF"),
    ".nan": ("nan", ".nan", ".NaN", ".NAN"),
}
# What a double-quoted scalar writes another way: a line break escaped away, a character by its code. The
# candidates are looked for in the text with these undone as well, so that none is missed.
_ESCAPED_BREAK = re.compile(r"\\\r?\n[ \t]*")
_ESCAPED_CHAR = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")


def _unescaped(text: str) -> str:
    def char(m: re.Match[str]) -> str:
        code = int(m[1] or m[2] or m[3], 16)
        return chr(code) if code <= 0x10FFFF else m[0]

    return _ESCAPED_CHAR.sub(char, _ESCAPED_BREAK.sub("", text))


# (NEL, LS and PS are line breaks to libyaml, YAML 1.1, and ordinary characters to rapidyaml, YAML 1.2; tabs,
# where they may stand and what they mean in block scalars, PyYAML and rapidyaml read differently: both are
# looked for with `in` in native_reading.)


# The integers the positional loader reads (it counts a sign as a digit: `-` and 4,300 digits is refused)
_INT_BOUNDS = (-(10 ** (MAX_INT_DIGITS - 1)), 10**MAX_INT_DIGITS)


# Plain scalars that the core schema resolves and JSON writes the same way: a JSON number, true, false, null.
# (rapidyaml's JSON quotes a zero with an exponent, `0e5`: not agreed.)
_AGREED_PLAIN = re.compile(
    r"-?(?:0(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?)?|[1-9][0-9]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)|true|false|null"
)

_UNSURE_FLAGS = _ALIAS_FLAGS = _PLAIN_FLAG = _KEY_PLAIN_FLAG = 0
if ryml is not None:
    _UNSURE_FLAGS = ryml.KEYANCH | ryml.KEYREF | ryml.KEYTAG | ryml.VALTAG
    _ALIAS_FLAGS = ryml.VALANCH | ryml.VALREF
    _PLAIN_FLAG = ryml.VAL_PLAIN
    _KEY_PLAIN_FLAG = ryml.KEY_PLAIN


def _rewrites(text: str, emitted: str) -> dict[str, str] | None:
    """Each string rapidyaml's JSON wrote otherwise (".inf") and the text it was written from, when that text is
    the only one of its candidates in the document and a string to the core schema (`inf`; `.inf` is a float).
    None when that cannot be told from the text. (Put back in the data, `_as_read`: a replace in the JSON copied
    it whole, 8 ms on Stripe's, which holds one `inf`.)"""
    rewrites: dict[str, str] = {}
    if '.inf"' not in emitted and '.nan"' not in emitted:  # (most documents: two scans, and done)
        return rewrites
    unescaped: str | None = None
    for written, candidates in _PREIMAGES.items():
        if f'"{written}"' not in emitted:
            continue
        if unescaped is None:
            escaped = "\\" in text and (_ESCAPED_CHAR.search(text) or _ESCAPED_BREAK.search(text))
            unescaped = _unescaped(text) if escaped else ""
        found = _candidates(text, candidates) | _candidates(unescaped, candidates)
        if len(found) != 1 or "." in next(iter(found)):
            return None
        rewrites[written] = found.pop()
    return rewrites


_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")


def _anchor(candidate: str) -> str:
    """The letters a candidate is found by: `.Inf` by `Inf`, `-infinity` by `inf` (one scan for several)."""
    return candidate.lstrip("-.")[:3]


def _candidates(text: str, candidates: tuple[str, ...]) -> set[str]:
    """The candidates that stand in text as a whole word (no letter, digit, `_`, `.`, `+`, `-` before it, no
    letter, digit, `_` or `.` after it): a superset of the scalars among them. Each is looked for from its
    anchor, found in C; the text is scanned once an anchor."""
    found: set[str] = set()
    by_anchor: dict[str, list[str]] = {}
    for candidate in candidates:
        by_anchor.setdefault(_anchor(candidate), []).append(candidate)
    size = len(text)
    for anchor, spelled in by_anchor.items():
        i = text.find(anchor)
        while i != -1 and len(found) < len(candidates):
            for candidate in spelled:
                start = i - candidate.index(anchor)
                end = start + len(candidate)
                if (
                    start >= 0
                    and candidate not in found
                    and text.startswith(candidate, start)
                    and (start == 0 or (text[start - 1] not in _WORD_CHARS and text[start - 1] not in "+-"))
                    and (end == size or text[end] not in _WORD_CHARS)
                ):
                    found.add(candidate)
            i = text.find(anchor, i + 1)
    return found


# The JSON strings that _IMPLICIT can match and _AGREED_PLAIN does not (a superset: each is checked after). A
# string's closing quote is never followed by a character these start with, so a match never starts there; one
# that starts at an escaped quote only adds a candidate.
_SUSPECT_STRING = re.compile(r'"((?:True|TRUE|False|FALSE|~|Null|NULL|<<|!|&|\*|[-+]?[0-9.][0-9a-zA-Z_:.+-]*))"')
# What a plain scalar may not start with to PyYAML: an alias (`*`: rapidyaml's JSON writes one as "*x"), a
# reserved indicator, and `:` (a plain scalar to YAML 1.2, refused by libyaml in flow context).
_LEADING_CHARS = frozenset("*`@%:")
# A JSON string that starts so, whole (rapidyaml's JSON puts a blank after every key's colon)
_LEADING_STRING = re.compile(r'"((?:[*`@%]|:(?! ))(?:[^"\\]|\\.)*)"')
# Plain scalars PyYAML reads as something else than rapidyaml in any place: `?` (an explicit key in flow
# context), and as a key `<<` (a merge key, which the positional loader refuses)
_ODD_VALUES = frozenset({"?"})
_ODD_KEYS = frozenset({"<<", "?"})


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
_BUFFER = _PyBuffer()  # one view at a time, read and released at once (reading and placing: one thread)
_BUFFER_REF = ctypes.byref(_BUFFER)


def address(view: Any) -> int:
    """The address of a (read-only) buffer: rapidyaml's views carry no offset of their own."""
    _get_buffer(view, _BUFFER_REF, 0)
    try:
        return int(_BUFFER.buf or 0)
    finally:
        _release_buffer(_BUFFER_REF)


# Where a tag, an anchor, a merge key or an explicit key may stand, told from the text (`_token_starts`):
# each check can only say "maybe", and a maybe has the flags of every node read (`native_reading`). Most
# descriptions hold none: their nodes are not all asked (0.3 us a node, 0.03 s on Stripe's).
_BOUNDARY = frozenset(" \t\r\n[{,:")
_TOKEN_CHARS = "!&<?"  # tags, anchors, merge and explicit keys: the JSON does not show them
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")  # `key: |-`: the next lines are a block scalar's
# After blanks on its line, what a node can start after: an indicator or a flow separator.
_NODE_START = frozenset(":-[{,?")
# A line whose end leaves the next line a value to start (`key:`, `-`, flow, `?`), and one with a comment.
_OPENS_A_NODE = re.compile(r"[:\-\[{,?]\s*$|#")


def _token_starts(text: str) -> bool:
    """Whether a tag, anchor, explicit key or merge key may start a node: a tag or an anchor wherever a token
    can begin (after a blank or an indicator), an explicit or merge key where a node starts, not inside prose
    (a block scalar's lines). Each test can only say "maybe"; what it lets pass is text inside a scalar."""
    for i in _token_chars(text):
        char = text[i]
        if char in "!&":  # a tag or an anchor where a node starts, or right after one (`'q' !t`, `*a !t`)
            if _node_start(text, i) or _after_a_node(text, i):
                return True
        elif char == "?" and i + 1 < len(text) and text[i + 1] not in " \t\r\n,]}":
            continue  # an explicit key's `?` has a blank or a flow indicator after it (`/a?b=1` is text)
        elif (char != "<" or text.startswith("<<", i)) and _node_start(text, i):
            return True
    return False


def _token_chars(text: str) -> list[int]:
    """Where `!`, `&`, `<` and `?` stand, in order: each found by `str.find` (a regex over the four cost Stripe's
    description 11 ms, these 1)."""
    found: list[int] = []
    for char in _TOKEN_CHARS:
        i = text.find(char)
        while i != -1:
            found.append(i)
            i = text.find(char, i + 1)
    found.sort()
    return found


def _after_a_node(text: str, i: int) -> bool:
    """Whether the token at i follows, after blanks, what ends a node (a quoted scalar or a flow collection)
    or a token (an alias, an anchor, a tag): there libyaml refuses what rapidyaml takes. Not after prose
    (`err != nil`, `R & D`)."""
    if i > 0 and text[i - 1] not in _BOUNDARY:
        return False
    j = i - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    if j < 0:
        return False
    start = j
    while start > 0 and text[start - 1] not in " \t\r\n[{,":
        start -= 1
    return text[j] in "'\"]}" or text[start] in "*&!"


def _after_indicator(text: str, i: int, j: int) -> bool:
    """Whether text[j], the last character before the token at i on its line, is an indicator a node follows."""
    c = text[j]
    line_start = text.rfind("\n", 0, j) + 1
    before = text[line_start:j].rstrip(" \t")
    if c in "[{":
        return True
    if c == ",":  # a flow separator in a flow collection, opened any number of lines above (a review found
        # tags missed three lines below the `[`): prose rarely puts a tag or an anchor after a comma
        return True
    if c == ":":  # the value indicator: blank after it, or right after a quoted key (`"a":*x`)
        return j + 1 < i or before.endswith(("'", '"'))
    # `-` and `?`: indicators when they stand alone, blank after them, first on the line or after another
    return j + 1 < i and (not before or before.endswith(("-", "?", ":", ",", "[", "{", "'", '"', "]", "}")))


def _at_line_start(text: str, i: int, j: int) -> bool:
    """Whether the token at i, first on its line, may start a node. It goes on a scalar begun above only when
    the line before is one of that scalar's (a block scalar's header or text, a plain scalar's text, not a
    key's or an entry's) and this line is indented no less: then it is text, unless it may be a key itself
    (`: ` on it). Each "may" here says maybe."""
    end_before = j + 1  # the lines before, blank ones dropped (found in place: a copy of them costs the file)
    while end_before > 0 and text[end_before - 1].isspace():
        end_before -= 1
    if not end_before:
        return True
    last = text[text.rfind("\n", 0, end_before) + 1 : end_before]
    indent = i - (j + 1)
    last_indent = len(last) - len(last.lstrip(" "))
    end = text.find("\n", i)
    line = text[i : end if end != -1 else len(text)]
    if ": " in line or line.rstrip().endswith(":"):
        return True
    if _BLOCK_HEADER.search(last) and "#" not in last:
        return indent <= last_indent  # deeper: the block scalar's text
    if indent < last_indent or _OPENS_A_NODE.search(last):
        return True
    body = last.lstrip(" ")
    return indent == last_indent and (": " in body or body.startswith("- ") or body.endswith(":"))


def _node_start(text: str, i: int) -> bool:
    """Whether the character at i may start a node (see `_token_starts`)."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j < 0:
        return True
    if text[j] in "\r\n":
        return _at_line_start(text, i, j)
    if text[j] in "]}":  # after a flow collection: no scalar goes on there
        return True
    return text[j] in _NODE_START and _after_indicator(text, i, j)


# After an anchor or an alias, on its line: what PyYAML takes there (a blank, then the node, a comment, the end
# of the line or of a flow collection). rapidyaml also takes `- &x - b` and `- *a - b`, which PyYAML refuses.
_AFTER_ALIAS = re.compile(rb"(?:[ ]*(?:[\r\n,\]}]|\Z)|[ ]+#)")
_AFTER_ANCHOR = re.compile(rb"[ ]*(?:[\r\n]|\Z)|[ ]+(?![-?:](?:[ \r\n]|\Z))[^ \r\n]")


def _tokens_stand_alone(parsed: Parsed, aliased: list[int]) -> bool:
    """Whether each anchor and alias is followed on its line by what PyYAML takes there (their views point into
    the buffer parsed in place: their offsets are their places in the text)."""
    tree, text = parsed.tree, parsed.text
    base = address(memoryview(parsed.buffer))
    for i in aliased:
        for view, after in (
            (tree.val_ref(i) if tree.is_val_ref(i) else None, _AFTER_ALIAS),
            (tree.val_anchor(i) if tree.has_val_anchor(i) else None, _AFTER_ANCHOR),
        ):
            if view is None:
                continue
            end = address(view) - base + len(view)
            if not 0 < end <= len(text) or after.match(text, end) is None:
                return False
    return True


def _plain_keys_read(tree: Any, aliased: list[int]) -> bool:
    """Whether the key of each entry with an anchor or an alias reads the same to PyYAML, asked before the aliases
    are resolved (resolving restyles the entry: `_as_read` would no longer see that its key was plain): a plain
    key that is empty, starts with an indicator, holds ` #` or `?`, or is `<<`, is not."""
    for i in aliased:
        if tree.has_key(i) and tree.type(i) & _KEY_PLAIN_FLAG:
            key = tree.key(i)
            written = bytes(key) if key is not None else b""
            if not written or written[:1] in _LEADING_KEY_BYTES or b" #" in written or b"?" in written:
                return False
            if written == b"<<":  # (a merge key: refused above already, where the text holds one)
                return False
    return True


# (a key's own tokens too: `?` an explicit key, `&` and `!` an anchor or a tag on it)
_LEADING_KEY_BYTES = frozenset(c.encode() for c in _LEADING_CHARS | {"?", "&", "!"})


class _Verdict(enum.Enum):
    SAME = "read the same"
    DIFFERS = "PyYAML may read it otherwise"


# What is asked of a node in doubt: a null written `null`; a value, a key not plain; a value, a key not plain in
# a flow collection (`?` starts an explicit key there to libyaml); a value, a key rapidyaml's JSON rewrote.
_NULL_NODE, _VALUE_NODE, _KEY_NODE, _FLOW_VALUE, _FLOW_KEY, _REWRITTEN_VALUE, _REWRITTEN_KEY = range(7)


def _escaped(emitted: str, i: int) -> bool:
    """Whether the quote at i is escaped (an odd run of backslashes before it): inside a string."""
    j = i
    while j > 0 and emitted[j - 1] == "\\":
        j -= 1
    return (i - j) % 2 == 1


def _decoded(body: str) -> str:
    return json.loads(f'"{body}"') if "\\" in body else body


def _odd_strings(emitted: str) -> set[str]:
    """The strings of rapidyaml's JSON that PyYAML could read otherwise if they were plain scalars: one it could
    resolve to another type, one starting with an alias, a reserved indicator or `:`, and one holding ` #`
    (a superset: a match from an escaped quote inside a string only adds a candidate)."""
    implicit, agreed = _IMPLICIT.fullmatch, _AGREED_PLAIN.fullmatch
    odd = {m[1] for m in _SUSPECT_STRING.finditer(emitted) if implicit(m[1]) and not agreed(m[1])}
    odd.update(_decoded(m[1]) for m in _LEADING_STRING.finditer(emitted))
    odd.update(_strings_holding(emitted, " #"))
    return odd


def _strings_holding(emitted: str, needle: str) -> set[str]:
    """The strings of rapidyaml's JSON that hold needle, a text JSON writes only inside strings (` #`, `?`):
    each found around it."""
    found: set[str] = set()
    i = emitted.find(needle)
    while i != -1:
        start = emitted.rfind('"', 0, i)
        while start > 0 and _escaped(emitted, start):
            start = emitted.rfind('"', 0, start)
        end = emitted.find('"', i)
        while end != -1 and _escaped(emitted, end):
            end = emitted.find('"', end + 1)
        if start < 0 or end < 0:  # pragma: no cover - rapidyaml's JSON quotes every string
            raise _Refuse
        found.add(_decoded(emitted[start + 1 : end]))
        i = emitted.find(needle, end)
    return found


def _survey(
    data: Any, values: dict[str, int], keys: dict[str, int]
) -> tuple[list[tuple[tuple[Any, ...], int]], int] | None:
    """Where data holds a null, a string of values or a key of keys: (path, what to ask of the node: values and
    keys say), level by level, and how many values data holds (keys do not count: rapidyaml's tree has a node a
    value). None when it nests containers deeper than MAX_DEPTH, or holds a number the positional loader refuses
    (an integer past MAX_INT_DIGITS, a float past the largest double): one walk for all."""
    asked: list[tuple[tuple[Any, ...], int]] = []
    low, high = _INT_BOUNDS
    key_set = frozenset(keys)  # (a dict's keys view made anew at each of 35,000 containers cost 3 ms)
    if not (data.__class__ is dict or data.__class__ is list):
        if data is None or (data.__class__ is str and data in values):
            asked.append(((), _NULL_NODE if data is None else values[data]))
        elif (data.__class__ is int and not low < data < high) or (data.__class__ is float and not math.isfinite(data)):
            return None
        return asked, 1
    level: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    count = 1
    for _ in range(MAX_DEPTH + 1):
        deeper: list[tuple[tuple[Any, ...], Any]] = []
        for path, node in level:
            count += len(node)
            entries: Iterable[tuple[Any, Any]]
            if node.__class__ is dict:
                if key_set and not key_set.isdisjoint(node):
                    asked += [((*path, k), keys[k]) for k in node if k in keys]
                entries = node.items()
            else:
                entries = enumerate(node)
            for k, v in entries:
                kind = v.__class__
                if kind is dict or kind is list:
                    deeper.append(((*path, k), v))
                elif v is None:
                    asked.append(((*path, k), _NULL_NODE))
                elif kind is str:
                    if v in values:
                        asked.append(((*path, k), values[v]))
                elif kind is int:
                    if not low < v < high:
                        return None
                elif kind is float and not math.isfinite(v):  # 1e999: the positional loader refuses it
                    return None
        if not deeper:
            return asked, count
        level = deeper
    return None


def _as_read(tree: Any, data: Any, emitted: str, rewrites: dict[str, str]) -> _Verdict:
    """Whether PyYAML reads the same as the data at each node whose JSON could come from a plain scalar it reads
    otherwise: a null (rapidyaml also writes an empty scalar so, where PyYAML may refuse the structure around it,
    `- :`), an odd string (`_odd_strings`, `?`) and an odd key (empty, `: 1`; `<<`). Each is found in the data,
    then only its node is looked up in the tree: a plain one differs. So do data nested deeper than MAX_DEPTH, a
    number the positional loader refuses, and a key written twice (the positional loader reports each with its
    place). (The type of a key is not resolved: the positional loader keeps keys as written.) The strings
    rapidyaml's JSON rewrote (`_rewrites`) are put back in data as they were written."""
    odd = _odd_strings(emitted) | _ODD_VALUES
    values = dict.fromkeys(_strings_holding(emitted, "?"), _FLOW_VALUE)
    values.update(dict.fromkeys(odd, _VALUE_NODE))
    values.update(dict.fromkeys(rewrites, _REWRITTEN_VALUE))
    keys = {k: _FLOW_KEY for k, end in values.items() if end == _FLOW_VALUE}
    keys.update((k, _KEY_NODE) for k in odd if k[:1] in _LEADING_CHARS or " #" in k)
    keys.update(dict.fromkeys(_ODD_KEYS, _KEY_NODE))
    keys.update(dict.fromkeys(rewrites, _REWRITTEN_KEY))
    if '"":' in emitted:
        keys[""] = _KEY_NODE
    surveyed = _survey(data, values, keys)
    if surveyed is None:
        return _Verdict.DIFFERS
    asked, count = surveyed
    if count != tree.size():  # a key written twice: the data holds it once (the positional loader names it)
        return _Verdict.DIFFERS
    for path, end in asked:
        if end >= _REWRITTEN_VALUE:
            continue
        node = tree.root_id()
        for name in path:
            if name.__class__ is str:
                written = rewrites.get(name, name)  # (the tree holds the key as the text wrote it)
                node = tree.find_child(node, written.encode("utf-8")) if tree.is_map(node) else ryml.NONE
            else:
                node = tree.child(node, name) if tree.is_seq(node) else ryml.NONE
            if node == ryml.NONE:  # a key rapidyaml holds otherwise than the data does: PyYAML's reading
                return _Verdict.DIFFERS
        flags = tree.type(node)
        if flags & (ryml.VALREF | ryml.KEYREF):  # an alias no anchor names (an anchor was read in the flags)
            return _Verdict.DIFFERS
        if end == _NULL_NODE:
            scalar = tree.val(node) if flags & _PLAIN_FLAG else None
            if scalar is None or bytes(scalar) != b"null":  # (None: an empty scalar)
                return _Verdict.DIFFERS
        elif flags & (_PLAIN_FLAG if end in (_VALUE_NODE, _FLOW_VALUE) else _KEY_PLAIN_FLAG) and (
            end in (_VALUE_NODE, _KEY_NODE) or tree.is_flow(tree.parent(node))
        ):
            return _Verdict.DIFFERS
    # The deepest first, and at one depth the values before the keys: a key put back is on no path still to be
    # followed. (A document that is one rewritten scalar is put back by the caller.)
    rewritten = sorted((a for a in asked if a[1] >= _REWRITTEN_VALUE and a[0]), key=lambda a: (-len(a[0]), a[1]))
    for path, end in rewritten:
        container = data
        for name in path[:-1]:
            container = container[name]
        if end == _REWRITTEN_VALUE:
            container[path[-1]] = rewrites[container[path[-1]]]
            continue
        entries = list(container.items())
        container.clear()
        container.update((rewrites.get(k, k), v) for k, v in entries)
        if len(container) != len(entries):  # `inf` beside a key rapidyaml wrote ".inf": one key twice
            return _Verdict.DIFFERS
    return _Verdict.SAME


_ANCHOR_NAME = re.compile(rb"[0-9A-Za-z_-]+")  # what PyYAML's scanner reads as an anchor or alias name


def _resolvable(tree: Any, aliased: list[int]) -> bool:
    """Whether every alias names an anchor defined once, before it and not around it, and the document, each
    alias expanded, stays within MAX_NODES values (counted as the positional loader counts them, keys too,
    and each node of the tree as two: a bound, not a count). The size of an anchored node is computed once:
    an alias bomb costs what its text costs here, not what it would expand to."""
    anchors: dict[bytes, int] = {}
    aliases: dict[int, int] = {}
    for i in aliased:
        if tree.is_val_ref(i):
            name = bytes(tree.val_ref(i)).removeprefix(b"*")
            if not _ANCHOR_NAME.fullmatch(name):
                return False
            target = anchors.get(name)
            if target is None:  # PyYAML: found undefined alias
                return False
            parent = tree.parent(i)
            while parent != ryml.NONE:  # an alias inside the node it names: recursive
                if parent == target:
                    return False
                parent = tree.parent(parent)
            aliases[i] = target
        if tree.has_val_anchor(i):
            name = bytes(tree.val_anchor(i))
            if not _ANCHOR_NAME.fullmatch(name):  # `&a: 1` is an anchor `a:` to rapidyaml, `a` on a key to PyYAML
                return False
            if name in anchors:  # PyYAML: found duplicate anchor
                return False
            anchors[name] = i
    sizes: dict[int, int] = {}

    def size(node: int) -> int:
        target = aliases.get(node)
        if target is not None:
            return size(target)
        known = sizes.get(node)
        if known is not None:
            return known
        total, per_child, child = 1, 1 if tree.is_map(node) else 0, tree.first_child(node)
        while child != ryml.NONE and total <= MAX_NODES:
            total += size(child) + per_child
            child = tree.next_sibling(child)
        sizes[node] = total
        return total

    expanded = 2 * tree.size()
    for alias in aliases:
        expanded += size(alias) - 1
        if expanded > MAX_NODES:
            return False
    return True


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """rapidyaml prints its parse errors on file descriptor 2 from C++; the positional loader reports them
    in one line of ours instead. (Loading happens before any server thread starts.)"""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to keep quiet
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class Parsed(NamedTuple):
    """A text and rapidyaml's tree of it, parsed in place in a copy: what the native reader leaves for the
    places (its tree is read again by nobody else), so that a lint's first finding parses nothing again."""

    text: bytes
    buffer: bytearray
    tree: Any


def parse_in_place(text: bytes) -> Parsed:
    # rapidyaml filters scalars in place (folds lines, drops escapes): the places are read in the pristine text
    buffer = bytearray(text)
    tree = ryml.Tree()
    # A node a line or an entry of a flow collection, and a tenth more: the tree would otherwise double its room
    # as it grows, up to twice the nodes it holds (a node takes about 150 bytes: 330 MB for a 28 MB spec)
    tree.reserve((text.count(b"\n") + text.count(b",")) * 11 // 10 + 16)
    with quiet_stderr():
        ryml.parse_in_place(buffer, tree)
    return Parsed(text, buffer, tree)


def native_data(text: str) -> Any:
    """The data of text as the positional loader would build it, or NOT_NATIVE."""
    return native_reading(text).data


class Reading(NamedTuple):
    """What the native reader read: the data (or NOT_NATIVE), whether the text held aliases (a place is then
    looked up through them), every $ref string in it (found in the JSON, in C: the bundler needs no walk), and
    rapidyaml's tree of the text as written, which the places are read from (None once aliases were resolved
    in it)."""

    data: Any
    aliases: bool = False
    refs: frozenset[str] = frozenset()
    parsed: Parsed | None = None


_KEPT_TREE_MAX_BYTES = 8 * 1024 * 1024
# What libyaml takes (YAML 1.1's printable set less NEL, refused above): tab, line breaks, printable ASCII, and
# every code point from U+00A0 but U+FFFE and U+FFFF.
_PRINTABLE_BYTES = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F), *range(0x80, 0x100)])
_C1_SECOND_BYTES = frozenset(range(0x80, 0xA0)) - {0x85}  # U+0080-U+009F in UTF-8: \xc2 then one of these


def _not_printable(encoded: bytes, text: str) -> bool:
    """Whether the text holds a character libyaml refuses (`\\x0c`, `\\x7f`, a C1 control, U+FFFE): it says where.
    The ASCII bytes are looked at with one translate, the others where their first byte stands (a regex over the
    text cost Stripe's 15 ms, these 2)."""
    if encoded.translate(None, _PRINTABLE_BYTES):
        return True
    if text.isascii():
        return False
    i = encoded.find(b"\xc2")
    while i != -1:
        if i + 1 < len(encoded) and encoded[i + 1] in _C1_SECOND_BYTES:
            return True
        i = encoded.find(b"\xc2", i + 1)
    return "\ufffe" in text or "\uffff" in text


_INDENTATION_INDICATOR = re.compile(r"[|>][-+]?[1-9][-+]?[ ]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)
_ESCAPED_BREAK_BEFORE_BLANK = re.compile(r"\\\r?\n[ ]*\r?\n")  # (starts with a backslash: found fast)
_BLANKS_LINE = re.compile(r"(?:^|\n)[ ]+\r?(?:\n|$)")
_DIGITS = frozenset("123456789")


def _folded_otherwise(text: str) -> bool:
    r"""Whether rapidyaml may fold a scalar otherwise than libyaml: an escaped line break before a blank line in a
    double-quoted scalar (`"x\` then an empty line: libyaml keeps a line break, rapidyaml a space), or a block
    scalar with an explicit indentation indicator (`>1`, `|-2`) and a line of blanks. Each can only say "maybe":
    an escaped break is cleared when the nearest less indented line above is a block scalar's header (code samples
    end their lines with `\`); the lines of blanks are looked for only in a text with an indentation indicator."""
    for m in _ESCAPED_BREAK_BEFORE_BLANK.finditer(text):
        if not _in_block_scalar(text, m.start()):
            return True
    for indicator in "|>":  # `>` stands in prose thousands of times: each found in C, what follows looked at
        i = text.find(indicator)
        while i != -1:
            after = text[i + 1 : i + 3]
            digit = after[:1] in _DIGITS or (after[:1] in ("-", "+") and after[1:2] in _DIGITS)
            if digit and _INDENTATION_INDICATOR.match(text, i) and _BLANKS_LINE.search(text):
                return True
            i = text.find(indicator, i + 1)
    return False


def _in_block_scalar(text: str, i: int) -> bool:
    """Whether the line holding offset i is a block scalar's: the nearest line above it that is less indented
    (blank lines aside) is a block scalar's header (`_BLOCK_HEADER`, as `_at_line_start` reads one), and holds
    no quote (`key: "x >` is a double-quoted scalar)."""
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", start)
    line = text[start : end if end != -1 else len(text)]
    indent = len(line) - len(line.lstrip(" "))
    while start > 0:
        end = start - 1
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].rstrip("\r")
        if not line.strip(" "):
            continue
        if len(line) - len(line.lstrip(" ")) < indent:
            return '"' not in line and "'" not in line and _BLOCK_HEADER.search(line) is not None
    return False


# A `$ref` key with a string value in rapidyaml's JSON, found from its literal start
_REF_VALUE = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')  # (escaped, a key in a string reads `\"$ref\"`)


def native_reading(text: str, raw: bytes | None = None) -> Reading:
    """The data of text as the positional loader would build it (NOT_NATIVE when it cannot say), with what
    the reading learnt on the way. raw: text in UTF-8, when the caller read it so."""
    data, aliases = NOT_NATIVE, False
    if ryml is None or text.startswith(("\ufeff", "%")) or not text.strip() or "\n%" in text or "\t" in text:
        return Reading(data, aliases)  # a directive (`%YAML`): PyYAML reads directives, rapidyaml another way
    if not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text):
        return Reading(data, aliases)  # NEL, LS, PS: line breaks to libyaml (YAML 1.1), not to rapidyaml
    encoded = raw if raw is not None else text.encode("utf-8", "surrogatepass")
    if _not_printable(encoded, text) or _folded_otherwise(text):
        return Reading(data, aliases)
    try:
        with quiet_stderr():  # rapidyaml's parser and emitter both print their errors
            parsed = parse_in_place(encoded)
            tree = parsed.tree
            root = tree.root_id()
            if tree.is_stream(root):  # more than one document, or explicit markers: keep PyYAML's reading
                return Reading(data, aliases)
            # what each node is, read in C when the text may hold a tag, an anchor or an alias: 0.3 us a node
            seen = functools.reduce(operator.or_, map(tree.type, range(tree.size())), 0) if _token_starts(text) else 0
            if seen & _UNSURE_FLAGS:  # a tag, or an anchor or alias on a key
                return Reading(data, aliases)
            if seen & _ALIAS_FLAGS:
                aliases = True
                if "<<" in text:  # a merge key may stand: rapidyaml's resolve applies it, PyYAML refuses it
                    return Reading(data, aliases)
                aliased = [i for i in range(tree.size()) if tree.type(i) & _ALIAS_FLAGS]
                if not (
                    _resolvable(tree, aliased)
                    and _tokens_stand_alone(parsed, aliased)
                    and _plain_keys_read(tree, aliased)
                ):
                    return Reading(data, aliases)
                tree.resolve()  # each alias becomes a copy of the node it names, as PyYAML builds it
            emitted = ryml.emit_json_malloc(tree, root)
            rewrites = _rewrites(text, emitted)
            if rewrites is None:
                return Reading(data, aliases)
            read = _loads(emitted, text)
            if _as_read(tree, read, emitted, rewrites) is not _Verdict.SAME:
                return Reading(data, aliases)
            if isinstance(read, str):
                read = rewrites.get(read, read)
    except (_Refuse, ValueError, RecursionError):
        return Reading(data, aliases)
    except Exception:  # rapidyaml's parse errors (ryml.ExceptionParse and kin): the positional loader reports them
        return Reading(data, aliases)
    refs = {m[1] if "\\" not in m[1] else json.loads(f'"{m[1]}"') for m in _REF_VALUE.finditer(emitted)}
    refs = {rewrites.get(ref, ref) for ref in refs} if rewrites else refs
    # The tree as written is what the places are read from; resolved, it holds copies, and a big text's tree
    # (six times its size) is not kept beside its data: then the places parse the text again when first asked.
    kept = parsed if not aliases and len(parsed.text) <= _KEPT_TREE_MAX_BYTES else None
    return Reading(read, aliases, frozenset(refs), kept)


def _loads(emitted: str, text: str) -> Any:
    """The data of rapidyaml's JSON of text, as the positional loader builds it; raises ValueError."""
    # "\ud800\udc00": PyYAML refuses surrogate escapes, rapidyaml keeps their bytes. Decoded from UTF-8, a text
    # holds no surrogate: only an escape in it writes one (`\ud800`, `\U0000d800`), so only then is the JSON read
    # for one (UnicodeEncodeError is a ValueError).
    if ("\\u" in text or "\\U" in text) and not emitted.isascii():
        emitted.encode("utf-8")
    with _no_cycle_collection():  # json makes no cycles: a collection per 700 dicts would only walk them
        return json.loads(emitted)  # (in C: the numbers and the keys written twice are looked at in `_survey`)

"""YAML read in C++: rapidyaml parses and writes JSON, ``json`` builds the data.

It is an accelerator, never a second definition of YAML. The positional loader
in ``yaml_io.py`` (libyaml, the YAML 1.2 core schema) says what a file means;
this one answers only where it is sure to answer the same, and returns
``NOT_NATIVE`` otherwise:

- tags, and anchors or aliases on keys: rapidyaml would drop or keep them where
  PyYAML applies them; aliases of values are resolved here (``Tree.resolve``) once
  each names an anchor defined once before it, none stands inside the node it names,
  and the expanded document stays within MAX_NODES (the positional loader's bounds);
- an integer longer than MAX_INT_DIGITS, a float past the largest double;
- a plain scalar that the core schema reads as another type than rapidyaml's
  JSON says (``017``, ``0o17``, ``0x1F``, ``True``, ``~``, ``.inf``), or that
  rapidyaml's JSON writes as another text (``inf`` and ``nan`` become ``.inf``
  and ``.nan``, keys too): quoted, it is a string to both;
- a plain scalar that starts with a reserved indicator (``@``, a backtick, ``%``),
  which PyYAML refuses and rapidyaml reads as text;
- a surrogate escape (``"\\ud800"``), which PyYAML refuses;
- NEL, LS or PS anywhere (line breaks to YAML 1.1, not to 1.2), or a tab;
- duplicate keys, a byte order mark, more than one document, nesting deeper
  than MAX_DEPTH, anything rapidyaml refuses: the positional loader reports it
  with its place.

``tests/test_yaml_native.py`` holds both loaders to the same data on generated
documents.
"""

from __future__ import annotations

import contextlib
import enum
import gc
import json
import math
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
_IMPLICIT_FIRST = "tTfF~nN-+0123456789.<!&*"
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


def _int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise _Refuse
    return int(text)


def _float(text: str) -> float:
    value = float(text)  # every JSON number is the same float to the core schema
    if not math.isfinite(value):  # 1e999: the positional loader refuses it with its place
        raise _Refuse
    return value


def _constant(text: str) -> Any:
    raise _Refuse


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # a duplicate key: the positional loader names it
        raise _Refuse
    return result


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether data nests containers deeper than limit: level by level, each a comprehension (a stack of
    (node, depth) pairs cost three times as much on Stripe's description)."""
    level = [data] if isinstance(data, (dict, list)) else []
    for _ in range(limit + 1):
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) is dict or type(child) is list
        ]
        if not level:
            return False
    return True


# Plain scalars that the core schema resolves and JSON writes the same way: a JSON number, true, false, null.
# (rapidyaml's JSON quotes a zero with an exponent, `0e5`: not agreed.)
_AGREED_PLAIN = re.compile(
    r"-?(?:0(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?)?|[1-9][0-9]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)|true|false|null"
)
_IMPLICIT_FIRST_BYTES = frozenset(_IMPLICIT_FIRST.encode())
# Indicators no plain scalar may start with (PyYAML refuses them; rapidyaml reads them as text).
_RESERVED_FIRST = frozenset(b"@`%")
# A plain scalar may start with `:` in YAML 1.2 (`[:x]`); libyaml refuses it in flow context.
_COLON_FIRST = ord(":")

_UNSURE_FLAGS = _ALIAS_FLAGS = _PLAIN_FLAG = _KEY_PLAIN_FLAG = 0
if ryml is not None:
    _UNSURE_FLAGS = ryml.KEYANCH | ryml.KEYREF | ryml.KEYTAG | ryml.VALTAG
    _ALIAS_FLAGS = ryml.VALANCH | ryml.VALREF
    _PLAIN_FLAG = ryml.VAL_PLAIN
    _KEY_PLAIN_FLAG = ryml.KEY_PLAIN


def _unambiguous_reading(tree: Any, hashes: bool = True) -> list[int] | None:
    """None when the tree has a tag, an anchor or alias on a key, or a plain scalar that the positional loader
    reads as another type than JSON would; otherwise the nodes that carry an anchor or an alias (values only),
    for `_resolvable`. (What rapidyaml's JSON rewrites, `_restore` has written back before.)

    A quoted scalar is a string to both; a plain one is checked only when PyYAML could resolve it (its first
    character says so), which is a few percent of them. With `hashes`, a plain scalar holding ` #` is refused too:
    in flow context rapidyaml keeps it in the scalar, where PyYAML starts a comment."""
    kind, val, key = tree.type, tree.val, tree.key
    plain, key_plain, unsure, alias = _PLAIN_FLAG, _KEY_PLAIN_FLAG, _UNSURE_FLAGS, _ALIAS_FLAGS
    first, implicit, agreed = _IMPLICIT_FIRST_BYTES, _IMPLICIT.fullmatch, _AGREED_PLAIN.fullmatch
    aliased: list[int] = []
    for i in range(tree.size()):
        flags = kind(i)
        if flags & unsure:
            return None
        if flags & alias:
            aliased.append(i)
        if flags & key_plain:
            raw = key(i)
            if raw is None:  # a null key (`: 1`): PyYAML refuses or reads it otherwise
                return None
            if len(raw) and (raw[0] in _RESERVED_FIRST or raw[0] == _COLON_FIRST or raw == b"<<"):  # `<<`: merge
                return None
            if hashes and b" #" in bytes(raw):
                return None
        if flags & plain:
            raw = val(i)
            if hashes and b" #" in bytes(raw):
                return None
            if raw == b"?":  # an explicit key to PyYAML in flow context
                return None
            if not len(raw) or raw[0] in first:
                text = bytes(raw).decode("utf-8")
                if implicit(text) and not agreed(text):
                    return None
            elif raw[0] in _RESERVED_FIRST or raw[0] == _COLON_FIRST:
                return None
    return aliased


def _restore(text: str, emitted: str) -> str | None:
    """The JSON with each rewritten string (".inf") back as the text it was written from, when that text is
    the only one of its candidates in the document and a string to the core schema (`inf`; `.inf` is a float).
    None when that cannot be told from the text."""
    if '.inf"' not in emitted and '.nan"' not in emitted:  # (most documents: two scans, and done)
        return emitted
    unescaped: str | None = None
    for written, candidates in _PREIMAGES.items():
        if f'"{written}"' not in emitted:
            continue
        if unescaped is None:
            escaped = _ESCAPED_CHAR.search(text) or _ESCAPED_BREAK.search(text)
            unescaped = _unescaped(text) if escaped else ""
        found = _candidates(text, candidates) | _candidates(unescaped, candidates)
        if len(found) != 1 or "." in next(iter(found)):
            return None
        emitted = emitted.replace(f'"{written}"', f'"{found.pop()}"')
    return emitted


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


# What `_unambiguous_reading` looks for, found without a walk of every node (from Python it costs 2-3 us a node):
# - in the text, what the JSON does not show: a tag, an anchor, a merge or an explicit key where a node may
#   start (`_token_starts`). Each check can only say "maybe": then the walk decides;
# - in the data, the scalars rapidyaml's JSON writes as a string or null where PyYAML may read otherwise when
#   they are plain: each such node is looked up in the tree and its style decides (`_as_read`).
_BOUNDARY = frozenset(" \t\r\n[{,:")
_TOKEN_CHARS = re.compile(r"[!&<?]")  # tags, anchors, merge and explicit keys: the JSON does not show them
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")  # `key: |-`: the next lines are a block scalar's
# After blanks on its line, what a node can start after: an indicator or a flow separator.
_NODE_START = frozenset(":-[{,?")
# A line whose end leaves the next line a value to start (`key:`, `-`, flow, `?`), and one with a comment.
_OPENS_A_NODE = re.compile(r"[:\-\[{,?]\s*$|#")
# The JSON strings that _IMPLICIT can match and _AGREED_PLAIN does not (a superset: each is checked after). A
# string's closing quote is never followed by a character these start with, so a match never starts there; one
# that starts at an escaped quote only adds a candidate.
_SUSPECT_STRING = re.compile(r'"((?:True|TRUE|False|FALSE|~|Null|NULL|<<|!|&|\*|[-+]?[0-9.][0-9a-zA-Z_:.+-]*))"')
# What a plain scalar may not start with to PyYAML: an alias (`*`: rapidyaml's JSON writes one as "*x"), a
# reserved indicator, and `:` (a plain scalar to YAML 1.2, refused by libyaml in flow context).
_LEADING_CHARS = frozenset("*`@%:")
# A JSON string that starts so, whole (rapidyaml's JSON puts a blank after every key's colon)
_LEADING_STRING = re.compile(r'"((?:[*`@%]|:(?! ))(?:[^"\\]|\\.)*)"')


def _token_starts(text: str) -> bool:
    """Whether a tag, anchor, explicit key or merge key may start a node: a tag or an anchor wherever a token
    can begin (after a blank or an indicator), an explicit or merge key where a node starts, not inside prose
    (a block scalar's lines). Each test can only say "maybe"; what it lets pass is text inside a scalar."""
    for m in _TOKEN_CHARS.finditer(text):
        i = m.start()
        if m[0] in "!&":  # a tag or an anchor where a node starts, or right after one (`'q' !t`, `*a !t`)
            if _node_start(text, i) or _after_a_node(text, i):
                return True
        elif m[0] == "?" and i + 1 < len(text) and text[i + 1] not in " \t\r\n,]}":
            continue  # an explicit key's `?` has a blank or a flow indicator after it (`/a?b=1` is text)
        elif (m[0] != "<" or text.startswith("<<", i)) and _node_start(text, i):
            return True
    return False


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
    if c == ",":  # a flow separator only in a flow collection: one opened on this line or the line before,
        # or a line that starts with the separator (a flow collection written one entry a line)
        above = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1 : line_start].rstrip()
        return (
            not before.strip() or "[" in before or "{" in before or "[" in above or "{" in above or above.endswith(",")
        )
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


class _Verdict(enum.Enum):
    SAME = "read the same"
    DIFFERS = "PyYAML may read it otherwise"
    ALIASED = "an alias: the walk resolves them"


_NULL_NODE, _VALUE_NODE, _KEY_NODE = range(3)


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
    i = emitted.find(" #")  # (outside strings JSON has no `#`: each stands in a string, found around it)
    while i != -1:
        start = emitted.rfind('"', 0, i)
        while start > 0 and _escaped(emitted, start):
            start = emitted.rfind('"', 0, start)
        end = emitted.find('"', i)
        while end != -1 and _escaped(emitted, end):
            end = emitted.find('"', end + 1)
        if start < 0 or end < 0:  # pragma: no cover - rapidyaml's JSON quotes every string
            raise _Refuse
        odd.add(_decoded(emitted[start + 1 : end]))
        i = emitted.find(" #", end)
    return odd


def _survey(data: Any, values: set[str], keys: set[str]) -> list[tuple[tuple[Any, ...], int]] | None:
    """Where data holds a null, a string of values or a key of keys: (path, which end of the node), level by
    level; None when it nests containers deeper than MAX_DEPTH (one walk for both)."""
    asked: list[tuple[tuple[Any, ...], int]] = []
    if not (data.__class__ is dict or data.__class__ is list):
        if data is None or (data.__class__ is str and data in values):
            asked.append(((), _NULL_NODE if data is None else _VALUE_NODE))
        return asked
    level: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    for _ in range(MAX_DEPTH + 1):
        deeper: list[tuple[tuple[Any, ...], Any]] = []
        for path, node in level:
            entries: Iterable[tuple[Any, Any]]
            if node.__class__ is dict:
                if keys and not keys.isdisjoint(node):
                    asked += [((*path, k), _KEY_NODE) for k in node if k in keys]
                entries = node.items()
            else:
                entries = enumerate(node)
            for k, v in entries:
                kind = v.__class__
                if kind is dict or kind is list:
                    deeper.append(((*path, k), v))
                elif v is None:
                    asked.append(((*path, k), _NULL_NODE))
                elif kind is str and v in values:
                    asked.append(((*path, k), _VALUE_NODE))
        if not deeper:
            return asked
        level = deeper
    return None


def _as_read(tree: Any, data: Any, emitted: str) -> _Verdict:
    """Whether PyYAML reads the same as the data at each node whose JSON could come from a plain scalar it reads
    otherwise: a null (rapidyaml also writes an empty scalar so, where PyYAML may refuse the structure around it,
    `- :`), an odd string (`_odd_strings`) and an empty key (`: 1`). Each is found in the data, then only its node
    is looked up in the tree: a plain one differs, an alias asks for the walk. Data nested deeper than MAX_DEPTH
    differs (the positional loader refuses it with its place). (Keys are compared as the walk compares them:
    their type is not resolved.)"""
    values = _odd_strings(emitted)
    keys = {k for k in values if k[:1] in _LEADING_CHARS or " #" in k}
    if '"":' in emitted:
        keys.add("")
    asked = _survey(data, values, keys)
    if asked is None:
        return _Verdict.DIFFERS
    for path, end in asked:
        node = tree.root_id()
        for name in path:
            if name.__class__ is str:
                node = tree.find_child(node, name.encode("utf-8")) if tree.is_map(node) else ryml.NONE
            else:
                node = tree.child(node, name) if tree.is_seq(node) else ryml.NONE
            if node == ryml.NONE:  # a key rapidyaml holds otherwise than the data does: PyYAML's reading
                return _Verdict.DIFFERS
        flags = tree.type(node)
        if flags & (ryml.VALREF | ryml.KEYREF):
            return _Verdict.ALIASED
        if end == _NULL_NODE:
            written = tree.val(node) if flags & _PLAIN_FLAG else None
            if written is None or bytes(written) != b"null":  # (None: an empty scalar)
                return _Verdict.DIFFERS
        elif flags & (_PLAIN_FLAG if end == _VALUE_NODE else _KEY_PLAIN_FLAG):
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
    with quiet_stderr():
        tree = ryml.parse_in_place(buffer)
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


# A `$ref` key with a string value in rapidyaml's JSON, found from its literal start
_REF_VALUE = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')  # (escaped, a key in a string reads `\"$ref\"`)


def native_reading(text: str) -> Reading:
    """The data of text as the positional loader would build it (NOT_NATIVE when it cannot say), with what
    the reading learnt on the way."""
    data, aliases, as_written = NOT_NATIVE, False, True
    if ryml is None or text.startswith(("\ufeff", "%")) or not text.strip() or "\n%" in text or "\t" in text:
        return Reading(data, aliases)  # a directive (`%YAML`): PyYAML reads directives, rapidyaml another way
    if not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text):
        return Reading(data, aliases)  # NEL, LS, PS: line breaks to libyaml (YAML 1.1), not to rapidyaml
    try:
        with quiet_stderr():  # rapidyaml's parser and emitter both print their errors
            parsed = parse_in_place(text.encode("utf-8"))
            tree = parsed.tree
            root = tree.root_id()
            if tree.is_stream(root):  # more than one document, or explicit markers: keep PyYAML's reading
                return Reading(data, aliases)
            emitted = _restore(text, ryml.emit_json_malloc(tree, root))
            if emitted is None:
                return Reading(data, aliases)
            read = None
            walk = _token_starts(text)  # a tag, an anchor or an explicit key may stand where a node starts
            if not walk:
                read = _loads(emitted)
                verdict = _as_read(tree, read, emitted)
                if verdict is _Verdict.DIFFERS:
                    return Reading(data, aliases)
                walk = verdict is _Verdict.ALIASED
            if walk:  # every node looked at, as PyYAML would read it
                aliased = _unambiguous_reading(tree, hashes=" #" in emitted)
                if aliased is None:
                    return Reading(data, aliases)
                if aliased:
                    aliases = True
                    if not _resolvable(tree, aliased):
                        return Reading(data, aliases)
                    tree.resolve()  # each alias becomes a copy of the node it names, as PyYAML builds it
                    as_written = False  # the places parse the text again (the buffer stays: the tree reads it)
                    emitted = _restore(text, ryml.emit_json_malloc(tree, root))
                    if emitted is None:
                        return Reading(data, aliases)
                    read = None
                if read is None:
                    read = _loads(emitted)
    except (_Refuse, ValueError, RecursionError):
        return Reading(data, aliases)
    except Exception:  # rapidyaml's parse errors (ryml.ExceptionParse and kin): the positional loader reports them
        return Reading(data, aliases)
    if walk and _deeper_than(read, MAX_DEPTH):  # (else `_as_read` has looked)
        return Reading(data, aliases)
    refs = {m[1] if "\\" not in m[1] else json.loads(f'"{m[1]}"') for m in _REF_VALUE.finditer(emitted)}
    return Reading(read, aliases, frozenset(refs), parsed if as_written else None)


def _loads(emitted: str) -> Any:
    """The data of rapidyaml's JSON, as the positional loader builds it; raises _Refuse or ValueError."""
    if not emitted.isascii():  # "\ud800\udc00": PyYAML refuses surrogate escapes, rapidyaml keeps bytes
        emitted.encode("utf-8")  # (UnicodeEncodeError is a ValueError)
    with _no_cycle_collection():  # json makes no cycles: a collection per 700 dicts would only walk them
        return json.loads(
            emitted, parse_int=_int, parse_float=_float, parse_constant=_constant, object_pairs_hook=_mapping
        )

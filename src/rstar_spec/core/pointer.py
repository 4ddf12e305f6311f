"""JSON Pointers (RFC 6901) as tuples of reference tokens."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import unquote

Pointer = tuple[str, ...]


class KeyPointer(tuple[str, ...]):
    """A pointer that means the key naming the node, not the node: for a path item
    inlined from paths/x.yaml, the key `/things:` is in the root file."""

    __slots__ = ()


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def to_string(pointer: Pointer) -> str:
    return "".join("/" + escape_token(str(t)) for t in pointer)


@functools.lru_cache(maxsize=8192)  # a big document's refs name a few thousand places, each many times
def from_fragment(fragment: str) -> Pointer:
    """The pointer of a URI fragment (``/a/b~1c``, percent-decoded). Raises ValueError."""
    fragment = unquote(fragment)
    if fragment == "":
        return ()
    if not fragment.startswith("/"):
        raise ValueError(f"fragment {fragment!r} is not a JSON Pointer (it must start with '/')")
    return tuple(unescape_token(t) for t in fragment[1:].split("/"))


def to_ref(pointer: Pointer) -> str:
    return "#" + to_string(pointer)


_MISSING = object()


def get(doc: Any, pointer: Pointer, default: Any = _MISSING) -> Any:
    """The node at pointer; list indexes are decimal tokens. KeyError when absent."""
    node = doc
    for token in pointer:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            if default is _MISSING:
                raise KeyError(to_string(pointer))
            return default
    return node

"""The bounds every input is held to, in one place: what a spec, an overlay or a request to the mock
may be before it is refused, with one line, as bad input (never a traceback, a 500, or memory
without bound). README "Limits" lists them; tests/test_hostile.py proves each.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Bytes of one input file (a spec file, an overlay, a document) or of stdin: past it, refused without reading
the rest (`--spec /dev/zero` would otherwise fill memory). The 2,000-operation bench spec is about 7 MB."""

MAX_DEPTH = 64
"""Nesting of objects and arrays, in a spec file, an overlay, a document an overlay makes, a JSON
body sent to the mock. The deepest real OpenAPI documents stay under 25; Python's own recursion
(the YAML representer, json) fails past about 450."""

MAX_NODES = 2_000_000
"""Values in one loaded file once YAML aliases are expanded (an alias bomb of 1.3 KB expands to
10^10), and in a document an overlay makes. A 2,000-operation spec is about 400,000."""

MAX_GROWTH = 4.0
GROWTH_FLOOR = 100_000
"""A document may grow under one set of overlays to MAX_GROWTH times its size plus GROWTH_FLOOR values
(40 `copy` actions of a list onto itself would double it 40 times)."""

MAX_JSONPATH_LENGTH = 4096
MAX_JSONPATH_SEGMENTS = 256
"""Characters and segments of one JSONPath in an overlay (a 5,000-segment path overflowed the parser's
recursion, and one of 1,900 the matcher's)."""

MAX_INT_DIGITS = 4300
"""Digits of an integer (Python's own int() limit): past it, the value is refused, not converted."""

MAX_BODY_BYTES = 1024 * 1024
"""A request body the mock reads: past it, 413 without reading the rest."""

MAX_HEADER_BYTES = 16 * 1024
"""Bytes of a request's line and headers the servers (the mock, the proxies) read: past it, 400 and the
connection closes. h11's own bound (uvicorn's default); the mock's httptools parser has none of its own."""

HEADER_TIMEOUT = 10.0
"""Seconds the mock waits for a request's headers once a connection is open (slowloris)."""

MAX_CONNECTIONS = 1000
"""Connections the mock serves at once; past it, 503."""

MAX_TOKENS = 100_000
"""Tokens the mock remembers; expired ones go first, then the oldest."""


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether value nests deeper than limit (iteratively: a deep value must not overflow the check itself)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterator[Any] = iter(node.values())
        elif isinstance(node, list):
            children = iter(node)
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def depth(value: Any) -> int:
    """How many levels of objects and arrays value nests (0 for a scalar), counted iteratively."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            level += 1
            deepest = max(deepest, level)
            stack.extend((child, level) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def count_nodes(value: Any, stop_after: int | None = None) -> int:
    """How many values value holds (itself included); counting stops past stop_after."""
    count, stack = 0, [value]
    while stack:
        node = stack.pop()
        count += 1
        if stop_after is not None and count > stop_after:
            return count
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count

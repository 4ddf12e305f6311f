"""I-JSON (RFC 7493): what a JSON text may hold to be read alike everywhere. A lone surrogate escape
(`"\\ud800"`) is JSON, but not I-JSON (2.1: strings must be valid Unicode): the mock refuses it, and the
traffic checker reads a body holding one as not valid."""

from __future__ import annotations

import re
from typing import Any

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def holds_lone_surrogate(value: Any) -> bool:
    """Whether a string or key anywhere in value holds a surrogate code point (json.loads joins pairs)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False

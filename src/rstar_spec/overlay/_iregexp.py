"""RFC 9535's match() and search() in linear time, for the overlay engine's JSONPath.

Their patterns are I-Regexps (RFC 9485), which were designed to need no backtracking. Python's `re`
backtracks anyway: `(a|aa)*c` on 40 characters takes 40 s, doubling every 2 more. RE2 (google-re2)
runs any of them in time linear in the input. The pattern is mapped as RFC 9485 section 5 says for
RE2-like engines: `.` outside a character class is any character but a line break.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

import re2
from jsonpath.function_extensions import ExpressionType, FilterFunction


def to_re2(pattern: str) -> str:
    """An I-Regexp as RE2 syntax: `.` outside a class becomes `[^\\n\\r]`."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        elif char == "." and not in_class:
            out.append("[^\\n\\r]")
        else:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    """The RE2 program of a pattern, or None when it is not one (RFC 9535: the function is then false)."""
    try:
        return re2.compile(to_re2(pattern))
    except re2.error:
        return None


class Match(FilterFunction):
    """match(value, pattern): the whole string value matches the I-Regexp."""

    arg_types: ClassVar[list[ExpressionType]] = [ExpressionType.VALUE, ExpressionType.VALUE]
    return_type: ClassVar[ExpressionType] = ExpressionType.LOGICAL

    def __call__(self, value: object, pattern: object) -> bool:
        if not isinstance(value, str) or not isinstance(pattern, str):
            return False
        program = _compiled(pattern)
        return program is not None and program.fullmatch(value) is not None


class Search(Match):
    """search(value, pattern): some substring of the string value matches the I-Regexp."""

    def __call__(self, value: object, pattern: object) -> bool:
        if not isinstance(value, str) or not isinstance(pattern, str):
            return False
        program = _compiled(pattern)
        return program is not None and program.search(value) is not None

"""Text from the traffic made safe to print: a finding is one line, and no value of an exchange (a body's
`id`, a path, a method) can end it, start another, or drive the terminal.

Escaped, as Python writes them in a string literal: control characters (C0 with newline and carriage
return, DEL, C1 with NEL), line and paragraph separators, format characters (the bidi controls that reorder
a line, zero-width ones, the BOM) and lone surrogates (no output encoding takes them). A backslash stays as
it is: a pattern of the spec reads as written, and a literal `\n` in a value forges nothing.
"""

from __future__ import annotations

import re
import unicodedata

_ALWAYS_SAFE = re.compile(r"[\x20-\x7e]*")  # printable ASCII: nearly every line
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """text with every character that could forge or hide output escaped."""
    if _ALWAYS_SAFE.fullmatch(text):
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

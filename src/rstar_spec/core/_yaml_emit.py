"""YAML out, for JSON-compatible data, in one pass of string building.

PyYAML's representer and emitter take 4 s for the 9 MB dereferenced rendering at
2,000 operations; data that JSON can say needs none of their generality. The
output is block style, sequences not indented under their key (PyYAML's
default), and every scalar written so that YAML 1.1 (PyYAML) and YAML 1.2
(js-yaml, rapidyaml, the generators of other languages) read back the same
value:

- a string is plain only when no reader could take it for anything else: it
  starts with a letter, ``_``, ``/``, ``$`` or ``(``, holds no control or
  line-break character, no ``": "`` or ``" #"``, does not end in ``:`` or a
  space, and is no boolean or null word of either YAML version, nor ``inf``,
  ``infinity`` or ``nan`` (rapidyaml's JSON reads them as floats); every other
  string is written as a JSON string, which is a valid double-quoted YAML scalar
  (NEL, LS and PS escaped: YAML 1.1 would break lines there);
- a multi-line string is a literal block (``|``, ``|-``) when its lines allow it;
- a float always has a dot or an exponent with a sign-free mantissa dot
  (``1.0e-05``): YAML 1.1 reads ``1e-05`` as a string.

``tests/test_yaml_emit.py`` reads generated data back with PyYAML, our
loaders and rapidyaml.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_/$(][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*")
# A version such as 3.1.0 or 4.0.0 may stay plain: it starts with a digit but is no number, date or time to
# either YAML version (checked against both schemas below).
_DOTTED = re.compile(r"[0-9]+(?:\.[0-9]+){2,}(?:-[A-Za-z0-9.]+)?")
_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# Strings to YAML 1.2 and 1.1 that some readers take for a float (rapidyaml's JSON writes `inf` as .inf)
_FLOAT_WORDS = frozenset({"inf", "infinity", "nan"})
_BLOCK_LINE = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\t]*")


# Characters a double-quoted scalar must escape beyond what JSON escapes: those YAML calls unprintable, and the
# line breaks of YAML 1.1 (NEL, LS, PS).
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _quoted(text: str) -> str:
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


@functools.lru_cache(maxsize=8192)  # keys and short values repeat (`type`, `description`, `string`...)
def _string(text: str) -> str:
    if _DOTTED.fullmatch(text):
        return text
    if (
        _PLAIN.fullmatch(text)
        and text.lower() not in _WORDS
        and text.lower() not in _FLOAT_WORDS
        and ": " not in text
        and " #" not in text
        and not text.endswith((":", " "))
    ):
        return text
    return _quoted(text)


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a number JSON can say")
    text = repr(value)
    if "." not in text and "e" in text:  # 1e-05 -> 1.0e-05: YAML 1.1 needs the dot
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _literal(text: str, indent: int) -> str | None:
    """A literal block for a multi-line string, or None when its lines need quoting."""
    if text.endswith("\n\n") or text.startswith((" ", "\n")) or "\r" in text:
        return None
    body, chomp = (text[:-1], "|") if text.endswith("\n") else (text, "|-")
    lines = body.split("\n")
    if any(line.endswith(" ") or not _BLOCK_LINE.fullmatch(line) for line in lines):
        return None
    pad = " " * indent
    return chomp + "".join("\n" + (pad + line if line else "") for line in lines)


def _inline(value: Any, indent: int) -> str:
    """A scalar or an empty container, written after `key: ` or `- `."""
    if isinstance(value, str):
        if "\n" in value:
            block = _literal(value, indent)
            if block is not None:
                return block
        return _string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    raise TypeError(f"cannot write a {type(value).__name__} as YAML")


def _block(
    value: dict[str, Any] | list[Any], indent: int, out: list[str], seen: dict[tuple[int, int], tuple[int, int, str]]
) -> None:
    """A non-empty mapping or sequence, its first line at `indent`.

    `seen` keeps where the lines of each container written at an indentation are in `out` (which only grows):
    a dereferenced document shares one tree wherever a $ref named it, and it is written once, then repeated
    (copying each container's lines as they were written cost a copy per level of nesting)."""
    key = (id(value), indent)
    done = seen.get(key)
    if done is not None:
        begin, end, first_line = done
        at = len(out)
        out.extend(out[begin:end])
        out[at] = first_line  # as written, before a sequence put its `- ` on it
        return
    start = len(out)
    pad = " " * indent
    if isinstance(value, dict):
        for name, item in value.items():
            head = f"{pad}{_string(str(name))}:"
            if isinstance(item, dict) and item:
                out.append(head + "\n")
                _block(item, indent + 2, out, seen)
            elif isinstance(item, list) and item:
                out.append(head + "\n")
                _block(item, indent, out, seen)  # a sequence sits at its key's indentation
            else:
                out.append(f"{head} {_inline(item, indent + 2)}\n")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                first = len(out)
                _block(item, indent + 2, out, seen)
                out[first] = f"{pad}- {out[first][indent + 2 :]}"
            else:
                out.append(f"{pad}- {_inline(item, indent + 2)}\n")
    seen[key] = (start, len(out), out[start])


def emit_yaml(data: Any) -> str:
    """The YAML text of JSON-compatible data."""
    if isinstance(data, (dict, list)) and data:
        out: list[str] = []
        _block(data, 0, out, {})  # the ids stay valid: data is alive until this returns
        return "".join(out)
    return _inline(data, 2) + "\n"

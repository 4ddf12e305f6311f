"""A JSON document read incrementally: the members of its objects walked one by one, and each value that
the caller asks for parsed whole by the standard library's own decoder (``raw_decode``, in C), so memory
holds one value and one chunk of the file, never the whole document. HAR's `log.entries` is read so.

The walk is hand-written because the standard library parses a document only whole; the values are not.
Whatever the walk skips is still parsed (and dropped), so a document that is not JSON is refused wherever
its fault is. Positions in errors are the file's own (line, column), counted across the chunks.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 20  # characters read at a time (and more when one value is larger)

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9eE.+-]*")
_DECODER = json.JSONDecoder()


class JsonStreamError(ValueError):
    """The document is not JSON (or a value is past the bound): message, and where in the file."""

    def __init__(self, message: str, line: int = 0, col: int = 0, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message, self.line, self.col = message, line, col
        self.kind = kind  # syntax, too-large (past max_value_chars) or too-deep

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.col})" if self.line else self.message


class JsonStream:
    """The text of one JSON document, read forward in chunks. `peek` the next significant character,
    `expect` one, `value()` the next value whole, and walk objects and arrays with `members`/`items`."""

    def __init__(self, handle: IO[bytes], max_value_chars: int) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8")()  # strict: not UTF-8 raises
        self.max_value_chars = max_value_chars
        self._text = ""
        self._pos = 0
        self._eof = False
        self._line, self._col = 1, 1  # where _text[0] stands in the file
        self._started = False

    # -- reading ------------------------------------------------------------------------------------

    def _more(self, at_least: int = CHUNK) -> bool:
        """Append the next chunk to the buffer (dropping what was consumed); False at the end of the file."""
        if self._eof:
            return False
        if self._pos > 0:  # drop what was consumed, keeping count of the lines and columns it held
            dropped = self._text[: self._pos]
            newlines = dropped.count("\n")
            if newlines:
                self._line += newlines
                self._col = len(dropped) - dropped.rfind("\n")
            else:
                self._col += len(dropped)
            self._text, self._pos = self._text[self._pos :], 0
        raw = self._handle.read(max(at_least, CHUNK))
        text = self._decoder.decode(raw, final=not raw)
        if not self._started:
            self._started = True
            text = text.removeprefix("\ufeff")  # a byte order mark (utf-8-sig), as editors on Windows write
        self._text += text
        self._eof = not raw
        return True

    def where(self, pos: int | None = None) -> tuple[int, int]:
        """(line, column) in the file of a position in the buffer."""
        pos = self._pos if pos is None else pos
        newlines = self._text.count("\n", 0, pos)
        if newlines:
            return self._line + newlines, pos - self._text.rfind("\n", 0, pos)
        return self._line, self._col + pos

    def fail(self, message: str, pos: int | None = None, kind: str = "syntax") -> JsonStreamError:
        return JsonStreamError(message, *self.where(pos), kind=kind)

    def peek(self) -> str:
        """The next character that is not whitespace, without consuming it; '' at the end."""
        while True:
            self._pos = _WHITESPACE.match(self._text, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.fail(f"Expecting {char!r}" if found else f"Expecting {char!r}, found the end of the file")
        self._pos += 1

    def value(self) -> Any:
        """The next value, parsed whole. Raises JsonStreamError when it is not JSON or is past the bound."""
        self.peek()
        while True:
            start = self._pos  # (reading more moves the buffer: the value starts where the position is)
            try:
                value, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                if self._cut_short(exc) and self._room(start) and self._more(len(self._text) - start):
                    continue  # the value goes on in the next chunk: read more (doubling), parse again
                if not self._room(start):
                    raise self._too_large(start) from None
                raise self.fail(exc.msg, exc.pos) from None
            except RecursionError:
                raise self.fail("nests too deep", start, "too-deep") from None
            except ValueError as exc:  # an integer past Python's digit limit, and the like
                raise self.fail(str(exc).split(";")[0], start) from None
            if not self._eof and _NUMBER_TAIL.fullmatch(self._text, end) and self._room(start):
                self._more(len(self._text) - start)  # the buffer ends in a number: it may go on in the next chunk
                continue
            if end - start > self.max_value_chars:
                raise self._too_large(start)
            self._pos = end
            return value

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether the error may come from the end of the buffer rather than from the document."""
        if self._eof:
            return False
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(self._text) - 8

    def _room(self, start: int) -> bool:
        return len(self._text) - start <= self.max_value_chars

    def _too_large(self, start: int) -> JsonStreamError:
        return self.fail(f"over {self.max_value_chars} bytes", start, "too-large")

    # -- walking ----------------------------------------------------------------------------------------

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here, one by one: the caller reads (or skips) each value
        before asking for the next key."""
        self.expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.fail("Expecting property name enclosed in double quotes")
            key = self.value()
            self.expect(":")
            yield key
            found = self.peek()
            self._pos += 1
            if found == "}":
                return
            if found != ",":
                raise self.fail("Expecting ',' delimiter", self._pos - 1)

    def items(self) -> Iterator[int]:
        """The positions of the array that starts here, one by one: the caller reads each value."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            found = self.peek()
            self._pos += 1
            if found == "]":
                return
            if found != ",":
                raise self.fail("Expecting ',' delimiter", self._pos - 1)

    def end(self) -> None:
        """The document ends here: nothing but whitespace follows."""
        if self.peek():
            raise self.fail("Extra data")

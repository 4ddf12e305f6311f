"""The copy of an answer's body that the proxy checks and records: its Content-Encoding undone as the
chunks pass, and never more than `limit` decoded bytes (a 1 MB gzip answer of zeros decodes to 1 GB).

gzip and deflate only (zlib, bounded by `max_length`): a coding we cannot decode, or a chain of several
(they are not met in practice), leaves the copy empty and marked cut, as a body cut on the wire is.
"""

from __future__ import annotations

import zlib

from .har import CODING_WBITS, MAX_RECORDED_BODY, content_codings


class DecodedCopy:
    """Feed it the body's chunks as they pass (`add`), then ask for `(body, size)` (`result`): the body
    decoded, up to `limit` bytes, and its size; a size past the body's length marks it cut (a HAR entry's
    `Body truncated` comment). A body cut by the limit has a size of `limit + 1`: at least that much,
    since it was decoded no further."""

    def __init__(self, content_encoding: str | None, limit: int = MAX_RECORDED_BODY) -> None:
        codings = content_codings(content_encoding)
        self.limit = limit
        self.kept = bytearray()
        self.wire = 0  # bytes as they came, encoded
        self.cut = False  # the limit was reached: nothing more is decoded
        self.undecodable = len(codings) > 1 or (len(codings) == 1 and codings[0] not in CODING_WBITS)
        self._coding = codings[0] if codings and not self.undecodable else None
        self._zlib = zlib.decompressobj(CODING_WBITS[self._coding]) if self._coding else None
        self._raw = False  # deflate without its zlib wrapper

    def add(self, chunk: bytes) -> None:
        self.wire += len(chunk)
        if self.cut or self.undecodable:
            return
        room = self.limit - len(self.kept)
        if self._zlib is None:  # identity: the bytes as they came
            self.kept += chunk[:room]
            self.cut = len(chunk) > room
            return
        try:
            out = self._zlib.decompress(chunk, room)
        except zlib.error:
            if self._coding != "deflate" or self.kept or self._zlib.unused_data or self._raw:
                self.undecodable = True
                return
            # `deflate` means zlib-wrapped (RFC 9110 8.4.1.2); some servers send it raw, as browsers accept
            self._raw, self._zlib = True, zlib.decompressobj(-zlib.MAX_WBITS)
            self.wire -= len(chunk)
            self.add(chunk)
            return
        self.kept += out
        # output held back for want of room, or input not yet decoded: there is more than the limit
        self.cut = len(self.kept) >= self.limit and bool(self._zlib.unconsumed_tail or not self._zlib.eof)

    def result(self, whole: bool = True, declared: int | None = None) -> tuple[bytes, int]:
        """(the body, its size). `whole`: whether the body arrived complete; when not, it is marked cut,
        with the size `declared` (Content-Length) when that says more."""
        body = bytes(self.kept)
        if self.undecodable:
            return b"", max(self.wire, 1)
        if self._zlib is None:  # identity: the size is the bytes that came, or were to come
            return body, self.wire if whole else max(self.wire + 1, declared or 0)
        if self.cut:
            return body, self.limit + 1
        if (whole and self._zlib.eof) or not self.wire:
            return body, len(body)
        return body, len(body) + 1  # the encoded stream stopped before its end

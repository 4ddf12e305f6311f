"""HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): read strictly where it matters, tolerantly
where tools differ, and written by our recorders with every secret redacted.

Read: browsers' dev tools (Chrome, Firefox: HTTP/2 pseudo-headers, `_fromCache` entries), mitmproxy's
HAR dump (`content.encoding: base64` for bodies that are not text), schemathesis `--report har`
(`[Filtered]` header values, `status: 0` for a request without an answer, bodies cut short with a
`Body truncated` comment). Only `log.entries[].request.method/url` and `response.status` are required;
every other field may be missing. A file that is not HAR is one line and exit 2, never a traceback.

Written: `HarRecorder` appends entries to a file that is a valid HAR after every entry (the closing
brackets are rewritten behind each one), so a recording stopped by Ctrl-C, a crash or a full disk still
reads; secrets are redacted by the one list of names (core/redaction.py) and the spec's own.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import stat
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_plus, urlencode, urlsplit, urlunsplit

import orjson

from ..core.errors import RstarError, display_path
from ..core.ijson import holds_lone_surrogate
from ..core.limits import MAX_DEPTH
from ..core.redaction import REDACTED, Masker, SecretNames, is_secret_name
from ._json_stream import JsonStream, JsonStreamError

MAX_ENTRY_BYTES = 64 * 1024 * 1024
"""A HAR file is read entry by entry (memory holds one entry, whatever the file's size): one entry, or any
other value of the file, past this is refused with one line. A browser keeps a whole download's body."""

MAX_RECORDED_BODY = 1024 * 1024
"""Bytes of one body a recorder keeps; the rest is cut, and the entry says so (as schemathesis does)."""

MAX_RECORDING_BYTES = 256 * 1024 * 1024
"""Bytes a recording may grow to; past it, entries are counted and dropped, and the file says how many."""

TRUNCATED_MARK = "Body truncated"


class HarError(RstarError):
    """A file that is not a HAR 1.2 recording we can read."""


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as recorded. Header names keep their case; compare them lowered."""

    index: int  # the entry's position in log.entries
    method: str  # upper case
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None  # None: not recorded (or none sent)
    request_truncated: bool
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes | None
    response_truncated: bool
    started: datetime | None  # startedDateTime; None when missing or unreadable
    elapsed_ms: float | None  # entry.time
    _lowered: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def request_header(self, name: str) -> str | None:
        return self._headers("request", self.request_headers).get(name.lower())

    def response_header(self, name: str) -> str | None:
        return self._headers("response", self.response_headers).get(name.lower())

    def _headers(self, which: str, headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
        found = self._lowered.get(which)
        if found is None:
            found = {}
            for name, value in headers:
                key = name.lower()
                # Repeated headers join with ", " (RFC 9110 5.3); HTTP/2 pseudo-headers are not headers
                if not key.startswith(":"):
                    found[key] = f"{found[key]}, {value}" if key in found else value
            self._lowered[which] = found
        return found

    @property
    def finished(self) -> datetime | None:
        if self.started is None:
            return None
        elapsed = self.elapsed_ms or 0.0  # none recorded: taken as instant, as HAR's -1 (unknown) below
        if not math.isfinite(elapsed):
            return None  # NaN or Infinity: the recording does not say when it ended
        try:
            return self.started + timedelta(milliseconds=max(elapsed, 0.0))
        except OverflowError:  # past the year 9999: nor here
            return None


@dataclass(frozen=True)
class Recording:
    path: Path
    exchanges: tuple[Exchange, ...]
    unanswered: int  # entries without an answer (status 0 or -1: blocked, failed, cancelled)
    cached: int  # entries a browser answered from its cache: no exchange with the server


def read_har(path: Path) -> Recording:
    """Every exchange of a HAR file at once (a small file: tests, tools). Raises HarError."""
    entries = HarEntries(path)
    exchanges = tuple(entries)
    return Recording(path, exchanges, entries.unanswered, entries.cached)


class HarEntries:
    """The exchanges of a HAR file with an answer from the server, in recorded order, read entry by entry
    as they are iterated: memory holds one entry, whatever the file's size. Iterating raises HarError at
    the first thing that is not HAR, naming the file and the entry (`FILE#N`); entries before it have been
    given already. `unanswered` and `cached` count the entries read so far that are not exchanges."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = display_path(path)
        self.unanswered = 0
        self.cached = 0

    def __iter__(self) -> Iterator[Exchange]:
        where = self.where
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                raise HarError(f"{where}: not a regular file")
            handle = open(self.path, "rb")  # noqa: SIM115  (closed below, also when the caller stops early)
        except OSError as exc:
            raise HarError(f"{where}: cannot read: {exc.strerror}") from None
        with handle:
            stream = JsonStream(handle, MAX_ENTRY_BYTES)
            try:
                yield from self._entries(stream)
            except UnicodeDecodeError:
                raise HarError(f"{where}: not UTF-8, so not HAR") from None
            except OSError as exc:
                raise HarError(f"{where}: cannot read: {exc.strerror}") from None
            except JsonStreamError as exc:
                raise HarError(f"{where}: {_unreadable(exc)}") from None

    def _entries(self, stream: JsonStream) -> Iterator[Exchange]:
        where, seen_log = self.where, False
        if stream.peek() != "{":
            stream.value()  # JSON or not: the one line says which
            raise HarError(f"{where}: no `log` object: not a HAR file")
        for key in stream.members():
            if key != "log":
                stream.value()  # read, so that what is not JSON is refused wherever it is
                continue
            if seen_log:
                raise HarError(f"{where}: `log` twice: not a HAR file")
            seen_log = True
            if stream.peek() != "{":
                stream.value()
                raise HarError(f"{where}: no `log` object: not a HAR file")
            yield from self._log(stream)
        stream.end()
        if not seen_log:
            raise HarError(f"{where}: no `log` object: not a HAR file")

    def _log(self, stream: JsonStream) -> Iterator[Exchange]:
        where, seen_entries = self.where, False
        for key in stream.members():
            if key != "entries":
                stream.value()
                continue
            if seen_entries:
                raise HarError(f"{where}: `log.entries` twice: not a HAR file")
            seen_entries = True
            if stream.peek() != "[":
                stream.value()
                raise HarError(f"{where}: `log.entries` is not a list")
            for index in stream.items():
                try:
                    entry = stream.value()
                except JsonStreamError as exc:
                    raise HarError(f"{where}#{index}: {_unreadable(exc, entry=True)}") from None
                exchange = _exchange(index, entry, f"{where}#{index}")
                if exchange is None:
                    self.unanswered += 1
                elif entry.get("_fromCache"):
                    self.cached += 1
                else:
                    yield exchange
        if not seen_entries:
            raise HarError(f"{where}: `log.entries` is not a list")


def _unreadable(exc: JsonStreamError, entry: bool = False) -> str:
    if exc.kind == "too-large":
        what = "" if entry else f"a value at line {exc.line}, column {exc.col} is "
        return f"{what}over {MAX_ENTRY_BYTES} bytes, the most one entry may have"
    if exc.kind == "too-deep":
        return f"nests too deep to be HAR (line {exc.line}, column {exc.col})"
    return f"not JSON ({exc})" if entry else f"not JSON, so not HAR ({exc})"


def _obj(value: Any, place: str, name: str, *, required: bool = False) -> dict[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise HarError(f"{place}{name}: {'missing' if value is None else 'not an object'}")
    return value


def _text(value: str, place: str) -> str:
    """value, which the wire held as bytes: a lone surrogate (a JSON escape no byte sequence gives) is not."""
    if holds_lone_surrogate(value):
        raise HarError(f"{place}: holds a lone surrogate, which no bytes on the wire give")
    return value


def _records(value: Any, place: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise HarError(f"{place}: not a list")
    found = []
    for i, record in enumerate(value):
        if not isinstance(record, dict) or not isinstance(record.get("name"), str):
            raise HarError(f"{place}[{i}]: not a {{name, value}} record")
        record_value = record.get("value")
        text = "" if record_value is None else str(record_value)
        found.append((_text(record["name"], f"{place}[{i}]"), _text(text, f"{place}[{i}]")))
    return tuple(found)


def _body(content: dict[str, Any], place: str) -> tuple[bytes | None, bool]:
    text = content.get("text")
    if text is None:
        return None, False
    if not isinstance(text, str):
        raise HarError(f"{place}.text: not a string")
    if content.get("encoding") == "base64":
        try:
            body = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise HarError(f"{place}.text: `encoding` says base64 but it is not") from None
    else:
        body = text.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes that are not UTF-8, as sent
    comment = content.get("comment")
    truncated = isinstance(comment, str) and comment.startswith(TRUNCATED_MARK)
    return body, truncated


def _started(text: Any) -> datetime | None:
    """startedDateTime, when it is an ISO 8601 time with an offset (else the recording does not say when)."""
    if not isinstance(text, str):
        return None
    try:
        started = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return started if started.tzinfo is not None else None  # without an offset: not comparable with another


def _elapsed(value: Any) -> float | None:
    """entry.time in milliseconds; None when missing. NaN and Infinity (not JSON, but written by some tools)
    stay as they are: Exchange.finished reads them as unknown."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer past any float
        return math.inf


def _exchange(index: int, entry: Any, place: str) -> Exchange | None:
    """One entry as an exchange; None when it has no answer. place is `FILE#N`."""
    if not isinstance(entry, dict):
        raise HarError(f"{place}: not an object")
    request = _obj(entry.get("request"), f"{place}: ", "request", required=True)
    response = _obj(entry.get("response"), f"{place}: ", "response", required=True)
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not method:
        raise HarError(f"{place}: request.method: missing or not a string")
    if not isinstance(url, str) or not url:
        raise HarError(f"{place}: request.url: missing or not a string")
    _text(method, f"{place}: request.method")
    _text(url, f"{place}: request.url")
    try:
        urlsplit(url)
    except ValueError as exc:
        raise HarError(f"{place}: request.url: not a URL ({exc})") from None
    status = response.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or not -1 <= status <= 999:
        raise HarError(f"{place}: response.status: missing or not a status code")
    if status < 100:  # 0 or -1: no answer (blocked, failed, cancelled, schemathesis' "no response")
        return None
    post = _obj(request.get("postData"), f"{place}: request.", "postData")
    request_body, request_truncated = _body(post, f"{place}: request.postData")
    content = _obj(response.get("content"), f"{place}: response.", "content")
    response_body, response_truncated = _body(content, f"{place}: response.content")
    return Exchange(
        index, method.upper(), url, _records(request.get("headers"), f"{place}: request.headers"),
        request_body, request_truncated, status, _records(response.get("headers"), f"{place}: response.headers"),
        response_body, response_truncated, _started(entry.get("startedDateTime")), _elapsed(entry.get("time")),
    )  # fmt: skip


# -- redaction --------------------------------------------------------------------------------------

_WORD = re.compile(rb"[A-Za-z][A-Za-z0-9_-]*")


def redact_url(url: str, secret: SecretNames = is_secret_name) -> str:
    """url with the values of query parameters that carry secrets replaced; the rest byte for byte."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pieces = parts.query.split("&")
    kept = [
        f"{piece.partition('=')[0]}={quote(REDACTED)}" if secret(unquote_plus(piece.partition("=")[0])) else piece
        for piece in pieces
    ]
    return url if kept == pieces else urlunsplit(parts._replace(query="&".join(kept)))


class _TooDeep(Exception):
    pass


def _redact_json(value: Any, secret: SecretNames, found: list[str], depth: int = 0) -> tuple[Any, bool]:
    """(value redacted, whether anything was); _TooDeep past MAX_DEPTH levels."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise _TooDeep
        secrets = secret.among(value)
        inner = {k: _redact_json(v, secret, found, depth + 1) for k, v in value.items()
                 if k not in secrets and type(v) in (dict, list)}  # fmt: skip
        changed = {k: v for k, (v, c) in inner.items() if c}
        if not secrets and not changed:
            return value, False
        for k in secrets:
            found.extend(_all_strings(value[k]))
        return {k: REDACTED if k in secrets else changed.get(k, v) for k, v in value.items()}, True
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise _TooDeep
        items = [_redact_json(v, secret, found, depth + 1) if type(v) in (dict, list) else (v, False) for v in value]
        return ([v for v, _ in items], True) if any(c for _, c in items) else (value, False)
    return value, False


def redact_body(
    body: bytes, content_type: str, secret: SecretNames = is_secret_name, found: list[str] | None = None
) -> tuple[bytes, bool]:
    """(body with secret values replaced, whether it could be read to do so); the values replaced are
    added to `found`. A body that cannot be read (not JSON, not a form) is not kept at all by the caller
    when it may hold secrets."""
    essence = content_type.split(";", 1)[0].strip().lower()
    if essence == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return b"", False
        if found is not None:
            found.extend(v for n, v in pairs if secret(n))
        return urlencode([(n, REDACTED if secret(n) else v) for n, v in pairs]).encode(), True
    try:
        value = orjson.loads(body)  # in Rust: every JSON body a recorder keeps is read
        redacted, changed = _redact_json(value, secret, [] if found is None else found)
    except (orjson.JSONDecodeError, _TooDeep):  # not JSON, not UTF-8, a lone surrogate, too deep
        return b"", False
    if not changed:
        return body, True  # untouched: the bytes as sent
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace"), True


def _names_a_secret(body: bytes, secret: SecretNames) -> bool:
    """Whether a word of the body names a secret."""
    return bool(secret.among(word.decode("ascii") for word in _WORD.findall(body)))


CODING_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
"""The Content-Encodings we undo, with zlib's window bits for each (every reader and recorder of traffic)."""


def content_codings(header: str | None) -> list[str]:
    """A Content-Encoding header's codings, lower case, `identity` left out."""
    return [c for c in (part.strip().lower() for part in (header or "").split(",")) if c and c != "identity"]


def decoded_body(body: bytes, coding: str, limit: int = MAX_RECORDED_BODY) -> tuple[bytes, bool] | None:
    """body with its Content-Encoding (gzip or deflate) undone, up to `limit` bytes, and whether that is
    all of it; None when it cannot be undone (another coding, more than one, or a broken stream)."""
    codings = content_codings(coding)
    if not codings:
        return body, True
    if len(codings) != 1 or codings[0] not in CODING_WBITS:
        return None
    # deflate: zlib-wrapped as RFC 9110 says, or raw as some senders write it
    for wbits in (CODING_WBITS[codings[0]], *((-zlib.MAX_WBITS,) if codings[0] == "deflate" else ())):
        decoder = zlib.decompressobj(wbits)
        try:
            out = decoder.decompress(body, limit + 1)  # bounded: a small bomb never grows past the bound
        except zlib.error:
            continue
        return out[:limit], decoder.eof and len(out) <= limit
    return None


# -- writing -----------------------------------------------------------------------------------------


@dataclass
class RecordedExchange:
    """What a recorder is given: the request and the answer as they passed."""

    method: str
    url: str
    http_version: str
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes  # as sent (Content-Encoding not undone), possibly cut short
    request_body_size: int  # bytes sent (the body may be cut short)
    status: int
    reason: str
    response_headers: Sequence[tuple[str, str]]
    response_body: bytes  # decoded (Content-Encoding undone), possibly cut short
    response_body_size: int
    started: datetime
    elapsed_ms: float


def _har_headers(headers: Iterable[tuple[str, str]], secret: SecretNames, key: bytes = b"") -> list[dict[str, str]]:
    return [{"name": n, "value": _redacted_header(n, v, key) if secret(n) else v} for n, v in headers]


def _redacted_header(name: str, value: str, key: bytes) -> str:
    """`[redacted]`, and for Authorization a fingerprint that tells callers apart within one recording:
    an HMAC under a key made for the recording and never written, so it says nothing outside it."""
    if name.lower() != "authorization" or not key:
        return REDACTED
    return f"{REDACTED} {hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:12]}"


def _content(
    body: bytes, size: int, mime: str, secret: SecretNames, found: list[str], coding: str = ""
) -> dict[str, Any]:
    """HAR's content: the body decoded (a request's Content-Encoding undone, bounded), redacted, and a
    comment when it was cut, decoded, or left out."""
    content: dict[str, Any] = {"size": size, "mimeType": mime}
    whole, notes = len(body) >= size, []
    if coding.strip() and coding.strip().lower() != "identity":
        decoded = decoded_body(body, coding)
        if decoded is None:
            content["comment"] = f"body not recorded: its Content-Encoding ({coding}) cannot be undone to redact it"
            return content
        body, complete = decoded
        whole = whole and complete
        notes.append(f"decoded from Content-Encoding: {coding}")
    # JSON is read whatever it holds (a walk in Rust and C is as quick as a search); any other body when a
    # word of it names a secret, and left out when it cannot be read to redact it
    if body.lstrip()[:1] in (b"{", b"[") or _names_a_secret(body, secret):
        redacted, readable = redact_body(body, mime, secret, found)
        if readable:
            body = redacted
        elif _names_a_secret(body, secret):
            content["comment"] = "body not recorded: it may hold a secret and could not be read to redact it"
            return content
    try:
        content["text"] = body.decode("utf-8")
    except UnicodeDecodeError:
        content["text"], content["encoding"] = base64.b64encode(body).decode("ascii"), "base64"
    if not whole:
        notes.insert(0, f"{TRUNCATED_MARK}: {len(body)} of {size} bytes recorded" if not notes else
                     f"{TRUNCATED_MARK}: the first {len(body)} decoded bytes recorded")  # fmt: skip
    if notes:
        content["comment"] = "; ".join(notes)
    return content


def har_entry(exchange: RecordedExchange, key: bytes = b"", secret: SecretNames = is_secret_name) -> dict[str, Any]:
    """One HAR 1.2 entry, secrets redacted (core/redaction.py): Authorization (as a fingerprint), and
    every header, query parameter, JSON property at any depth and form field named like a secret, in the
    body as sent or, when it was sent gzip- or deflate-encoded, decoded."""
    request_mime = next((v for n, v in exchange.request_headers if n.lower() == "content-type"), "")
    request_coding = ", ".join(v for n, v in exchange.request_headers if n.lower() == "content-encoding")
    response_mime = next((v for n, v in exchange.response_headers if n.lower() == "content-type"), "")
    found = _header_secrets(exchange.request_headers, secret) + _header_secrets(exchange.response_headers, secret)
    found += [v for n, v in parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True) if secret(n)]
    url = redact_url(exchange.url, secret)
    request: dict[str, Any] = {
        "method": exchange.method, "url": url, "httpVersion": exchange.http_version, "cookies": [],
        "headers": _har_headers(exchange.request_headers, secret, key),
        "queryString": [{"name": n, "value": v} for n, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)],
        "headersSize": -1, "bodySize": exchange.request_body_size,
    }  # fmt: skip
    if exchange.request_body_size:
        post = _content(exchange.request_body, exchange.request_body_size, request_mime, secret, found, request_coding)
        request["postData"] = {k: v for k, v in post.items() if k != "size"}
    location = next((v for n, v in exchange.response_headers if n.lower() == "location"), "")
    response = {
        "status": exchange.status, "statusText": exchange.reason, "httpVersion": exchange.http_version,
        "cookies": [], "headers": _har_headers(exchange.response_headers, secret),
        "content": _content(exchange.response_body, exchange.response_body_size, response_mime, secret, found),
        "redirectURL": redact_url(location, secret), "headersSize": -1, "bodySize": exchange.response_body_size,
    }  # fmt: skip
    entry = {
        "startedDateTime": exchange.started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": round(exchange.elapsed_ms, 3), "request": request, "response": response, "cache": {},
        "timings": {"send": 0, "wait": round(exchange.elapsed_ms, 3), "receive": 0},
    }  # fmt: skip
    masker = _masker_of(tuple(sorted(set(found))))  # a value redacted by its name, masked wherever else it is
    return _masked(entry, masker) if masker and _holds(entry, masker) else entry


def _holds(entry: dict[str, Any], masker: Masker) -> bool:
    """Whether a value masker knows is in the entry (in its text, or in a base64 body: looked into then)."""
    contents = (entry["request"].get("postData") or {}, entry["response"]["content"])
    return any(c.get("encoding") == "base64" for c in contents) or masker.found_in("\0".join(_all_strings(entry)))


def _all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_strings(item)


@functools.lru_cache(maxsize=256)
def _masker_of(values: tuple[str, ...]) -> Masker:
    """One per set of values: a caller's token comes back on each of its requests."""
    return Masker(values)


def _header_secrets(headers: Iterable[tuple[str, str]], secret: SecretNames) -> list[str]:
    """The values of secret headers, and their parts (`Bearer TOKEN`, `a=SESSION; b=...`)."""
    values = []
    for name, value in headers:
        if secret(name):
            values += [value, *(part for part in re.split(r"[\s;,=]+", value) if len(part) >= 8)]
    return values


def _masked(value: Any, masker: Masker) -> Any:
    if isinstance(value, str):
        return value if value == REDACTED else masker.mask(value)
    if isinstance(value, dict):
        if value.get("encoding") == "base64" and isinstance(value.get("text"), str):  # masked in the bytes
            text = base64.b64encode(masker.mask_bytes(base64.b64decode(value["text"]))).decode("ascii")
            return {**{k: _masked(v, masker) for k, v in value.items()}, "text": text}
        return {k: _masked(v, masker) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, masker) for v in value]
    return value


CREATOR = "rstar-spec"


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class HarRecorder:
    """Appends entries to a HAR file, valid after each one. Replaces only a recording of its own: any
    other existing path (a file of the user's, a folder, a device, a link) is refused with one line.

    A write that fails (the disk full) puts the file back as it was before it, every entry so far kept; the
    recorder says so in one line, once, and records no more, while the traffic goes on. A file deleted or
    replaced meanwhile is noticed the same way, and never recreated or touched."""

    def __init__(
        self, path: Path, version: str, max_bytes: int = MAX_RECORDING_BYTES, *, secret_names: Iterable[str] = (),
        say: Callable[[str], None] = _to_stderr,
    ) -> None:  # fmt: skip
        self.path = path
        self.max_bytes = max_bytes
        self.entries = 0
        self.dropped = 0
        self.stopped: str | None = None  # why the recording stopped, once it has
        self._secret = is_secret_name.adding(secret_names)
        self._say = say
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)  # for the callers' fingerprints; never written
        _check_target(path)
        head = json.dumps({"log": {"version": "1.2", "creator": {"name": CREATOR, "version": version}}})
        # `{"log": {..., "entries": [` + entries + `]}}`; the closing bytes are rewritten after every entry
        head_bytes = (head[:-2] + ', "entries": [\n').encode()
        self._tail_fresh = b"]}}\n"
        self._suffix = self._tail_fresh  # what follows the entries in the file now
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)  # a recording may hold personal data even with secrets redacted
            _write_all(fd, head_bytes + self._suffix, 0)
            os.replace(tmp, path)
        except BaseException:
            os.close(fd)
            Path(tmp).unlink(missing_ok=True)
            raise
        self._fd: int | None = fd
        self._end = len(head_bytes)  # where the next entry goes

    def record(self, exchange: RecordedExchange) -> None:
        """Never raises: a recording that cannot go on stops, and says why once."""
        if self.stopped is not None or self._fd is None:
            return
        try:
            entry = har_entry(exchange, self._key, self._secret)
            text = json.dumps(entry, ensure_ascii=False).encode("utf-8", "backslashreplace")
        except (ValueError, TypeError, RecursionError) as exc:
            with self._lock:
                self._stop(f"an exchange could not be written as HAR ({type(exc).__name__})")
            return
        with self._lock:
            if self.stopped is not None or self._fd is None or not self._still_ours():
                return
            if self._end + len(text) > self.max_bytes:
                self.dropped += 1
                tail = f'], "comment": "{self.dropped} entries dropped: the recording reached {self.max_bytes} bytes"}}}}\n'
                self._write_at_end(b"", tail.encode())
                return
            if self._write_at_end((b",\n" if self.entries else b"") + text, self._tail_fresh):
                self.entries += 1

    def _write_at_end(self, chunk: bytes, tail: bytes) -> bool:
        """chunk and the closing bytes after the entries; a write that fails leaves the file as it was."""
        assert self._fd is not None
        suffix = b"\n" + tail
        try:
            _write_all(self._fd, chunk + suffix, self._end)
            os.ftruncate(self._fd, self._end + len(chunk) + len(suffix))
        except OSError as exc:
            with contextlib.suppress(OSError):  # back to the last valid state: it fitted before
                os.ftruncate(self._fd, self._end)
                _write_all(self._fd, self._suffix, self._end)
            self._stop(f"cannot write to it ({exc.strerror or type(exc).__name__}); the {self.entries} entries "
                       "recorded so far are kept")  # fmt: skip
            return False
        self._end += len(chunk)
        self._suffix = suffix
        return True

    def _still_ours(self) -> bool:
        assert self._fd is not None
        try:
            now, ours = os.lstat(self.path), os.fstat(self._fd)
        except FileNotFoundError:
            self._stop("the file was deleted; it is not recreated")
            return False
        except OSError as exc:
            self._stop(f"cannot see it ({exc.strerror or type(exc).__name__})")
            return False
        if (now.st_dev, now.st_ino) != (ours.st_dev, ours.st_ino):
            self._stop("the file was replaced by another; that one is left as it is")
            return False
        return True

    def _stop(self, why: str) -> None:
        if self.stopped is None:
            self.stopped = why
            self._say(f"recording to {display_path(self.path)} stopped: {why}; the traffic goes on unrecorded")

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = None


def _write_all(fd: int, data: bytes, offset: int) -> None:
    """All of data at offset, or OSError (a write may be partial: the rest is written, or its error raised)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def _check_target(path: Path) -> None:
    where = display_path(path)
    if not path.parent.is_dir():
        raise RstarError(f"{where}: its folder does not exist")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RstarError(f"{where}: cannot record here: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise RstarError(f"{where}: exists and is not a regular file; not replaced")
    try:
        with open(path, "rb") as handle:
            start = handle.read(512)
    except OSError as exc:
        raise RstarError(f"{where}: cannot record here: {exc.strerror}") from None
    if f'"creator": {{"name": "{CREATOR}"'.encode() not in start:
        raise RstarError(f"{where}: exists and is not a recording of rstar-spec; not replaced")


def header_pairs(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(n), str(v)) for n, v in items]

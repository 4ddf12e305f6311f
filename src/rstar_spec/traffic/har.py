"""HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): read strictly where it matters, tolerantly
where tools differ, and written by our recorders with every secret redacted.

Read: browsers' dev tools (Chrome, Firefox: HTTP/2 pseudo-headers, `_fromCache` entries), mitmproxy's
HAR dump (`content.encoding: base64` for bodies that are not text), schemathesis `--report har`
(`[Filtered]` header values, `status: 0` for a request without an answer, bodies cut short with a
`Body truncated` comment). Only `log.entries[].request.method/url` and `response.status` are required;
every other field may be missing. A file that is not HAR is one line and exit 2, never a traceback.

Written: `HarRecorder` appends entries to a file that is a valid HAR after every entry (the closing
brackets are rewritten behind each one), so a recording stopped by Ctrl-C or a crash still reads.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..core.errors import RstarError, display_path
from ..core.limits import too_deep
from ._json_stream import JsonStream, JsonStreamError

MAX_ENTRY_BYTES = 64 * 1024 * 1024
"""A HAR file is read entry by entry (memory holds one entry, whatever the file's size): one entry, or any
other value of the file, past this is refused with one line. A browser keeps a whole download's body."""

MAX_RECORDED_BODY = 1024 * 1024
"""Bytes of one body a recorder keeps; the rest is cut, and the entry says so (as schemathesis does)."""

MAX_RECORDING_BYTES = 256 * 1024 * 1024
"""Bytes a recording may grow to; past it, entries are counted and dropped, and the file says how many."""

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
SECRET_FIELDS = frozenset({
    "token", "refresh_token", "access_token", "id_token", "api_key", "apikey", "password", "secret",
    "client_secret",
})  # fmt: skip
"""Names of query parameters and JSON properties whose values are secrets, wherever they appear."""

TRUNCATED_MARK = "Body truncated"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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
    if _LONE_SURROGATE.search(value):
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


def redact_url(url: str) -> str:
    """url with the values of query parameters that carry secrets replaced."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name.lower() in SECRET_FIELDS for name, _ in pairs):
        return url
    query = urlencode([(n, REDACTED if n.lower() in SECRET_FIELDS else v) for n, v in pairs])
    return urlunsplit(parts._replace(query=query))


def redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (REDACTED if k.lower() in SECRET_FIELDS else redact_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def redact_body(body: bytes, content_type: str) -> tuple[bytes, bool]:
    """(body with secret values replaced, whether it could be read to do so). A body that cannot be
    read (not JSON, not a form) is not kept at all by the caller when it may hold secrets."""
    essence = content_type.split(";", 1)[0].strip().lower()
    if essence == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return b"", False
        return urlencode([(n, REDACTED if n.lower() in SECRET_FIELDS else v) for n, v in pairs]).encode(), True
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError):
        return b"", False
    if too_deep(value):
        return b"", False
    redacted = redact_json(value)
    if redacted == value:
        return body, True  # untouched: the bytes as sent
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":")).encode(), True


def _may_hold_secrets(body: bytes) -> bool:
    lowered = body[:MAX_RECORDED_BODY].lower()
    return any(name.encode() in lowered for name in SECRET_FIELDS)


# -- writing -----------------------------------------------------------------------------------------


@dataclass
class RecordedExchange:
    """What a recorder is given: the request and the answer as they passed."""

    method: str
    url: str
    http_version: str
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes
    request_body_size: int  # bytes sent (the body may be cut short)
    status: int
    reason: str
    response_headers: Sequence[tuple[str, str]]
    response_body: bytes  # decoded (Content-Encoding undone), possibly cut short
    response_body_size: int
    started: datetime
    elapsed_ms: float


def _har_headers(headers: Iterable[tuple[str, str]], key: bytes = b"") -> list[dict[str, str]]:
    return [{"name": n, "value": _redacted_header(n, v, key) if n.lower() in SECRET_HEADERS else v} for n, v in headers]


def _redacted_header(name: str, value: str, key: bytes) -> str:
    """`[redacted]`, and for Authorization a fingerprint that tells callers apart within one recording:
    an HMAC under a key made for the recording and never written, so it says nothing outside it."""
    if name.lower() != "authorization" or not key:
        return REDACTED
    return f"{REDACTED} {hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:12]}"


def _content(body: bytes, size: int, mime: str) -> dict[str, Any]:
    truncated = len(body) < size
    body, readable = redact_body(body, mime) if _may_hold_secrets(body) else (body, True)
    content: dict[str, Any] = {"size": size, "mimeType": mime}
    if not readable:
        content["comment"] = "body not recorded: it may hold a secret and could not be read to redact it"
        return content
    try:
        content["text"] = body.decode("utf-8")
    except UnicodeDecodeError:
        content["text"], content["encoding"] = base64.b64encode(body).decode("ascii"), "base64"
    if truncated:
        content["comment"] = f"{TRUNCATED_MARK}: {len(body)} of {size} bytes recorded"
    return content


def har_entry(exchange: RecordedExchange, key: bytes = b"") -> dict[str, Any]:
    """One HAR 1.2 entry, secrets redacted: Authorization and cookies, query parameters and JSON
    properties named like secrets (token, refresh_token, api_key, password...)."""
    request_mime = next((v for n, v in exchange.request_headers if n.lower() == "content-type"), "")
    response_mime = next((v for n, v in exchange.response_headers if n.lower() == "content-type"), "")
    url = redact_url(exchange.url)
    request: dict[str, Any] = {
        "method": exchange.method, "url": url, "httpVersion": exchange.http_version, "cookies": [],
        "headers": _har_headers(exchange.request_headers, key),
        "queryString": [{"name": n, "value": v} for n, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)],
        "headersSize": -1, "bodySize": exchange.request_body_size,
    }  # fmt: skip
    if exchange.request_body_size:
        post = _content(exchange.request_body, exchange.request_body_size, request_mime)
        request["postData"] = {k: v for k, v in post.items() if k != "size"}
    location = next((v for n, v in exchange.response_headers if n.lower() == "location"), "")
    response = {
        "status": exchange.status, "statusText": exchange.reason, "httpVersion": exchange.http_version,
        "cookies": [], "headers": _har_headers(exchange.response_headers),
        "content": _content(exchange.response_body, exchange.response_body_size, response_mime),
        "redirectURL": location, "headersSize": -1, "bodySize": exchange.response_body_size,
    }  # fmt: skip
    return {
        "startedDateTime": exchange.started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": round(exchange.elapsed_ms, 3), "request": request, "response": response, "cache": {},
        "timings": {"send": 0, "wait": round(exchange.elapsed_ms, 3), "receive": 0},
    }  # fmt: skip


CREATOR = "rstar-spec"


class HarRecorder:
    """Appends entries to a HAR file, valid after each one. Replaces only a recording of its own: any
    other existing path (a file of the user's, a folder, a device, a link) is refused with one line."""

    def __init__(self, path: Path, version: str, max_bytes: int = MAX_RECORDING_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.entries = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)  # for the callers' fingerprints; never written
        _check_target(path)
        head = json.dumps({"log": {"version": "1.2", "creator": {"name": CREATOR, "version": version}}})
        # `{"log": {..., "entries": [` + entries + `]}}`; the tail is rewritten after every entry
        self._head = head[:-2] + ', "entries": [\n'
        self._tail_fresh = "]}}\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)  # a recording may hold personal data even with secrets redacted
            self._file = os.fdopen(fd, "w+b")
            self._file.write(self._head.encode() + self._tail_fresh.encode())
            self._file.flush()
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._end = len(self._head.encode())  # where the next entry goes

    def record(self, exchange: RecordedExchange) -> None:
        text = json.dumps(har_entry(exchange, self._key), ensure_ascii=False).encode()
        with self._lock:
            if self._file.closed:
                return
            if self._end + len(text) > self.max_bytes:
                self.dropped += 1
                tail = f'], "comment": "{self.dropped} entries dropped: the recording reached {self.max_bytes} bytes"}}}}\n'
                self._write_at_end(b"", tail.encode())
                return
            chunk = (b",\n" if self.entries else b"") + text
            self._write_at_end(chunk, self._tail_fresh.encode())
            self._end += len(chunk)
            self.entries += 1

    def _write_at_end(self, chunk: bytes, tail: bytes) -> None:
        self._file.seek(self._end)
        self._file.write(chunk + b"\n" + tail)
        self._file.truncate()
        self._file.flush()

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()


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

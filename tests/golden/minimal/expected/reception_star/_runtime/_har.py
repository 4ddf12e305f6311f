"""Recording the client's traffic as HAR 1.2, when asked: ``record=`` a path, or ``$RSTAR_RECORD``.

Every exchange of a call is an entry (the token requests, a 401 and the request sent again, redirects,
and a request that got no answer, with status 0 and ``_error``), its headers and bodies included, with
the secrets replaced by "[redacted]":

- by name: the headers, query parameters and JSON (at any depth) or form fields the generated client's
  ``SECRET_NAMES`` names (Authorization, Cookie, API keys, passwords, tokens, client secrets, ... in any
  of their camelCase, snake_case and kebab-case spellings, and the spec's own secret properties); a
  body of the token endpoint that is not JSON, whole;
- by value, wherever else they appear: every credential and token the client has held or been given
  during its life (the last MAX_KNOWN_SECRETS of them: an old token a server quotes after a renewal),
  the password of a ``user:pass@`` base URL, and each value redacted by name, as they are, percent-
  encoded (URLs, forms) or JSON-escaped, in URLs, headers, bodies and error messages; in a body that is
  not UTF-8, in its declared charset, or in its bytes as UTF-8, UTF-16 and Latin-1 spell them.

Bounded: a body is recorded up to RECORD_BODY_CHARS characters (``content.comment`` says it was
truncated), and the file up to ``record_max_bytes`` (64 MiB by default); past it the recording stops,
says so once (a warning of the ``reception_star`` logger, and ``log.comment`` in the file), and the
calls go on. The file is a valid HAR after every entry: each is written with the closing brackets
after it, in one write, so a crash between calls leaves a complete file, and a write that fails (a full
disk) is undone, the entries so far kept, and stops the recording with one warning. The file is created
readable by its owner only (0600); one deleted or replaced while recording is noticed, said once, and
never recreated. Clients of one process may share a file (they append to it); processes may not. A file
that is not a recording of this client is refused, never overwritten.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import json
import logging
import os
import re
import threading
import weakref
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

import httpx

from ._body import CallBounds
from ._errors import ConfigurationError
from ._spec import SecretNames

RECORD_ENV = "RSTAR_RECORD"
DEFAULT_RECORD_MAX_BYTES = 64 * 1024 * 1024
RECORD_BODY_CHARS = 256 * 1024
MAX_KNOWN_SECRETS = 1024
MIN_SECRET_CHARS = 4  # a shorter value is not masked where it appears: it would garble text and hide little
REDACTED = "[redacted]"
CREATOR = "reception-star"

_log = logging.getLogger("reception_star")
_HEAD = b'{"log": {"version": "1.2", "creator": {"name": "' + CREATOR.encode() + b'", "version": "%s"}, "entries": ['
_TAIL = b"\n]}}\n"
_STOPPED = b'\n], "comment": "recording stopped: the file reached record_max_bytes (%d bytes)"}}\n'
_PATH_LOCKS: dict[str, threading.Lock] = {}
_PATH_LOCKS_MAKING = threading.Lock()
_BYTE_CODECS = ("utf-16-le", "utf-16-be", "latin-1", "cp1252")  # how else a body that is not UTF-8 spells a value


def _lock_of(path: str) -> threading.Lock:
    with _PATH_LOCKS_MAKING:
        return _PATH_LOCKS.setdefault(path, threading.Lock())


def spellings(value: str) -> set[str]:
    """The ways a value appears in text: as it is, percent-encoded as a query, a form and a path encode it
    (upper- and lower-case hex), and escaped in JSON."""
    forms = {value, quote(value, safe=""), quote(value), quote_plus(value), quote(value, safe="!$&'()*+,;=:@/"),
             json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}  # fmt: skip
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in list(forms) if "%" in f}
    return {f for f in forms if f}


class _Known:
    """The secret values a recording masks wherever they appear, most recent last, bounded."""

    def __init__(self) -> None:
        self._values: dict[str, None] = {}
        self._lock = threading.Lock()  # the calls of several threads are recorded at once
        self.text: re.Pattern[str] | None = None
        self.bytes: re.Pattern[bytes] | None = None

    def add(self, values: Iterable[str]) -> None:
        with self._lock:
            self._add(values)

    def _add(self, values: Iterable[str]) -> None:
        changed = False
        for value in values:
            if len(value) < MIN_SECRET_CHARS:
                continue
            changed = changed or value not in self._values
            self._values.pop(value, None)
            self._values[value] = None
        while len(self._values) > MAX_KNOWN_SECRETS:
            del self._values[next(iter(self._values))]
            changed = True
        if changed and self._values:
            forms = sorted({f for v in self._values for f in spellings(v)}, key=len, reverse=True)
            self.text = re.compile("|".join(map(re.escape, forms)))
            encoded = {f.encode("utf-8", "surrogatepass") for f in forms}
            for codec in _BYTE_CODECS:
                for value in self._values:
                    with contextlib.suppress(UnicodeError):
                        encoded.add(value.encode(codec))
            self.bytes = re.compile(b"|".join(map(re.escape, sorted(encoded, key=len, reverse=True))))

    def mask(self, text: str) -> str:
        return text if self.text is None else self.text.sub(REDACTED, text)

    def mask_bytes(self, data: bytes) -> bytes:
        return data if self.bytes is None else self.bytes.sub(REDACTED.encode(), data)


class HarRecorder:
    """Appends the exchanges of each call to a HAR 1.2 file (see the module's docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        secret_names: SecretNames,
        max_bytes: int = DEFAULT_RECORD_MAX_BYTES,
        creator_version: str = "0",
        secrets: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        if max_bytes < 4096:
            raise ConfigurationError("record_max_bytes must be at least 4096")
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.secret_paths: set[str] = set()  # the token endpoint's: a body there that is not JSON is dropped whole
        self._secret_names = secret_names
        self._secrets = secrets
        self._known = _Known()
        self._fd: int | None = None  # the file, held open from the first entry on
        self._closing: weakref.finalize[Any, Any] | None = None
        self._said_stopped = False
        self._head = _HEAD % json.dumps(creator_version)[1:-1].encode()
        self._lock = _lock_of(os.path.realpath(self.path))
        with self._lock:
            self._check()

    def __repr__(self) -> str:
        return f"HarRecorder({str(self.path)!r}, max_bytes={self.max_bytes})"

    def _check(self) -> None:
        """Refuse, untouched, a path that is not absent, empty, or a recording of this client. Nothing is
        written until the first exchange (a client refused for its credentials leaves no file)."""
        where = f"record={str(self.path)!r}"
        try:
            if self.path.exists() or self.path.is_symlink():
                if not self.path.is_file():
                    raise ConfigurationError(f"{where}: not a regular file; give the path of a .har file")
                if self.path.stat().st_size > 0 and not self._ours(None):
                    raise ConfigurationError(
                        f"{where}: the file exists and is not a recording of this client; choose another path"
                    )
            elif not self.path.parent.is_dir():
                raise ConfigurationError(f"{where}: the folder {str(self.path.parent)!r} does not exist")
        except OSError as exc:
            raise ConfigurationError(f"{where}: cannot write it ({exc.strerror or type(exc).__name__})") from None

    def _ours(self, fd: int | None) -> bool:
        """Whether the file (open as fd, or at the path) is a recording of this client: its head, and its
        closing bytes or the note that it stopped."""
        if fd is None:
            with self.path.open("rb") as file:
                return self._ours(file.fileno())
        size = os.fstat(fd).st_size
        head = os.pread(fd, len(_HEAD) - 2 + 1, 0)
        end = os.pread(fd, 200, max(0, size - 200))
        return head.startswith(_HEAD.split(b'"version": "%s"')[0]) and (
            end.endswith(_TAIL) or b"recording stopped" in end
        )

    # -- recording ------------------------------------------------------------------------------
    def record(self, bounds: CallBounds, unanswered: str) -> None:
        """The exchanges of one attempt of a call, in the order they were sent. A request without an
        answer gets status 0 and ``_error``: `unanswered`, what the attempt met."""
        if self._said_stopped:
            return
        try:
            answers = list(bounds.answered)
            entries, found = [], list(self._secrets())
            for request, started, at in bounds.sent:
                found_at = next((i for i, (r, _) in enumerate(answers) if r.request is request), None)
                response, answered_at = answers.pop(found_at) if found_at is not None else (None, None)
                wait = 0.0 if answered_at is None else max(0.0, (answered_at - at) * 1000)
                entries.append(self._entry(request, response, started, wait, unanswered, found))
            self._known.add(found)  # every value redacted by name, and every credential held: masked everywhere
            data = [
                json.dumps(_masked(entry, self._known), ensure_ascii=False).encode("utf-8", "backslashreplace")
                for entry in entries
            ]
        except Exception as exc:  # a recording never fails a call: it stops, and says so once
            self._said_stopped = True
            _log.warning("recording to %s stopped: an exchange could not be recorded (%s)", self.path,
                         type(exc).__name__)  # fmt: skip
            return
        for piece in data:
            self._append(piece)

    def _append(self, data: bytes) -> None:
        with self._lock:
            if self._said_stopped:
                return
            try:
                fd = self._open()
                if fd is not None:
                    self._write_entry(fd, data)
            except OSError as exc:
                self._stop(f"cannot write to it ({exc.strerror or type(exc).__name__}); the entries so far are kept")

    def _open(self) -> int | None:
        """The file, open for writing: made (0600) by the first entry, or an earlier recording's adopted;
        then held open, so that one deleted or put in its place by someone else is told apart (its inode
        cannot be reused while held) and never written to or made again."""
        if self._fd is not None:
            try:
                now = os.stat(self.path, follow_symlinks=False)
            except FileNotFoundError:
                self._stop("the file was deleted; it is not recreated")
                return None
            ours = os.fstat(self._fd)
            if (now.st_dev, now.st_ino) != (ours.st_dev, ours.st_ino):
                self._stop("the file was replaced by another; that one is left as it is")
                return None
            return self._fd
        flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another client of this process began it, or an earlier run's
            fd = os.open(self.path, flags)
        self._fd = fd
        self._closing = weakref.finalize(self, os.close, fd)  # a client never closed does not leak it
        if os.fstat(fd).st_size == 0:
            _write_all(fd, self._head + _TAIL, 0)
        elif not self._ours(fd):
            self._stop("the file is not a recording of this client any more; it is left as it is")
            return None
        return fd

    def close(self) -> None:
        """Let go of the file (the client's close() does)."""
        with self._lock:
            if self._closing is not None:
                self._closing()
            self._said_stopped = True

    def _write_entry(self, fd: int, data: bytes) -> None:
        size = os.fstat(fd).st_size
        end = size - len(_TAIL)  # where the closing bytes begin
        if end < len(self._head) or os.pread(fd, len(_TAIL), end) != _TAIL:
            # stopped at its bound by another client of this process, or changed by someone else: leave it
            bound = b"recording stopped" in os.pread(fd, 200, max(0, size - 200))
            self._stop(f"the file reached record_max_bytes ({self.max_bytes} bytes); the calls go on unrecorded"
                       if bound else "the file no longer ends as this client left it; it is left as it is")  # fmt: skip
            return
        first = os.pread(fd, 1, end - 1) == b"["
        piece = (b"\n" if first else b",\n") + data
        stopped = _STOPPED % self.max_bytes
        if size + len(piece) + len(stopped) - len(_TAIL) > self.max_bytes:
            self._restoring(fd, stopped, end)
            self._stop(f"the file reached record_max_bytes ({self.max_bytes} bytes); the calls go on unrecorded")
            return
        self._restoring(fd, piece + _TAIL, end)  # one write: the file stays a valid HAR

    @staticmethod
    def _restoring(fd: int, data: bytes, end: int) -> None:
        """data written at end; if the write fails, the closing bytes put back, so the file is as it was."""
        try:
            _write_all(fd, data, end)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, end)
                _write_all(fd, _TAIL, end)
            raise

    def _stop(self, why: str) -> None:
        if not self._said_stopped:
            self._said_stopped = True
            _log.warning("recording to %s stopped: %s", self.path, why)

    # -- entries --------------------------------------------------------------------------------
    def _entry(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        started: datetime,
        wait_ms: float,
        error: str,
        found: list[str],
    ) -> dict[str, Any]:
        """One entry, secrets redacted by name; the values redacted are added to `found` (the caller masks
        them, and every other known secret, wherever else they appear)."""
        scrub = _Scrubber(self._secret_names, found, whole_body=request.url.path in self.secret_paths)
        http_version = response.http_version if response is not None else "HTTP/1.1"
        url = request.url
        if url.password:
            found.append(url.password)
        params = url.params.multi_items()
        found.extend(v for k, v in params if self._secret_names(k))
        if url.query:
            url = url.copy_with(params=[(k, REDACTED if self._secret_names(k) else v) for k, v in params])
        har_request: dict[str, Any] = {
            "method": request.method,
            "url": str(url),
            "httpVersion": http_version,
            "cookies": [],
            "headers": scrub.headers(request.headers),
            "queryString": [{"name": k, "value": REDACTED if self._secret_names(k) else v} for k, v in params],
            "headersSize": -1,
            "bodySize": 0,
        }
        body = _body_of(request)
        if body:
            har_request["bodySize"] = len(body)
            har_request["postData"] = scrub.content(body, request.headers.get("content-type", ""))
        har_response: dict[str, Any] = {
            "status": 0,
            "statusText": "",
            "httpVersion": http_version,
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        }
        if response is None:
            har_response["_error"] = error
        else:
            mime = response.headers.get("content-type", "x-unknown")
            har_response.update(
                status=response.status_code,
                statusText=response.reason_phrase,
                headers=scrub.headers(response.headers),
                redirectURL=response.headers.get("location", ""),
            )
            try:
                content = response.content
            except httpx.ResponseNotRead:  # refused unread (too large), or the call failed while reading
                har_response["content"] = {"size": -1, "mimeType": mime, "comment": "the body was not read"}
            else:
                har_response["bodySize"] = len(content)
                har_response["content"] = {"size": len(content), **scrub.content(content, mime)}
        return {
            "startedDateTime": started.isoformat(timespec="milliseconds"),
            "time": round(wait_ms, 3),
            "request": har_request,
            "response": har_response,
            "cache": {},
            "timings": {"send": 0, "wait": round(wait_ms, 3), "receive": 0},
        }


def _write_all(fd: int, data: bytes, offset: int) -> None:
    """All of data at offset, or OSError (a write may be partial: the rest is written, or its error raised)."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def _body_of(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:  # a streamed upload: not recorded
        return b""


def _masked(value: Any, known: _Known) -> Any:
    """value (an entry) with every known secret masked in its text, and in the bytes of a base64 body."""
    if isinstance(value, str):
        return known.mask(value)
    if isinstance(value, dict):
        masked = {k: _masked(v, known) for k, v in value.items()}
        if value.get("encoding") == "base64" and isinstance(value.get("text"), str):
            masked["text"] = base64.b64encode(known.mask_bytes(base64.b64decode(value["text"]))).decode("ascii")
        return masked
    if isinstance(value, list):
        return [_masked(v, known) for v in value]
    return value


class _Scrubber:
    """Replaces secrets by "[redacted]" by name (headers, fields, parameters), keeping what it replaced."""

    def __init__(self, secret_names: SecretNames, found: list[str], *, whole_body: bool) -> None:
        self._secret = secret_names
        self._found = found
        self._whole_body = whole_body

    def headers(self, headers: httpx.Headers) -> list[dict[str, str]]:
        recorded = []
        for name, value in headers.multi_items():
            if self._secret(name):
                # the value, and its parts: `Bearer TOKEN`, `Basic BASE64`, `a=SESSION; b=...`
                self._found += [value, *(p for p in re.split(r"[\s;,=]+", value) if len(p) >= 8)]
                value = REDACTED
            recorded.append({"name": name, "value": value})
        return recorded

    def _value(self, value: Any) -> Any:
        if isinstance(value, dict):
            kept = {}
            for k, v in value.items():
                if isinstance(k, str) and self._secret(k):
                    self._found.extend(_strings(v))
                    kept[k] = REDACTED
                else:
                    kept[k] = self._value(v)
            return kept
        if isinstance(value, list):
            return [self._value(v) for v in value]
        return value

    def content(self, body: bytes, mime: str) -> dict[str, Any]:
        """HAR's content (or postData): mimeType, text, and a comment when the text was cut or dropped."""
        media = mime.split(";")[0].strip().lower()
        recorded: dict[str, Any] = {"mimeType": mime or "x-unknown"}
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            declared = _in_charset(body, mime)  # as its declared charset says, when it does
            if declared is None:
                if self._whole_body:
                    return {**recorded, "text": REDACTED, "comment": "not text, from the token endpoint: redacted"}
                recorded["encoding"] = "base64"  # masked in its bytes by the caller
                kept = body[: RECORD_BODY_CHARS * 3 // 4]
                return {**recorded, "text": base64.b64encode(kept).decode(), **_cut(len(body), len(kept))}
            text = declared
        if media == "application/x-www-form-urlencoded":
            fields = parse_qsl(text, keep_blank_values=True)
            self._found.extend(v for k, v in fields if self._secret(k))
            text = urlencode([(k, REDACTED if self._secret(k) else v) for k, v in fields])
        else:
            try:
                text = json.dumps(self._value(json.loads(text)), ensure_ascii=False)
            except (ValueError, RecursionError):
                if self._whole_body:
                    return {**recorded, "text": REDACTED, "comment": "not JSON, from the token endpoint: redacted"}
        recorded["text"] = text[:RECORD_BODY_CHARS]
        return {**recorded, **_cut(len(text), len(recorded["text"]))}


def _in_charset(body: bytes, mime: str) -> str | None:
    """The body as text in the charset its Content-Type declares; None when it declares none, an unknown
    one, or one the body is not in."""
    found = re.search(r";\s*charset\s*=\s*\"?([\w.:-]+)", mime, re.IGNORECASE)
    if found is None:
        return None
    try:
        codecs.lookup(found.group(1))
        return body.decode(found.group(1))
    except (LookupError, UnicodeError):
        return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _cut(whole: int, kept: int) -> dict[str, str]:
    return {} if kept >= whole else {"comment": f"truncated: {kept} of {whole} characters recorded"}

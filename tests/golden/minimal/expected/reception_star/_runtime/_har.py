"""Recording the client's traffic as HAR 1.2, when asked: ``record=`` a path, or ``$RSTAR_RECORD``.

Every exchange of a call is an entry (the token requests, a 401 and the request sent again, redirects,
and a request that got no answer, with status 0 and ``_error``), its headers and bodies included, with
the secrets replaced by "[redacted]": the Authorization, Cookie and API-key headers; the values of
JSON (and form) fields and query parameters named like secrets (api_key, password, token,
refresh_token, ...); a non-JSON body of the token endpoint whole; and the client's own credentials
and tokens wherever else they appear (a server that echoes the API key in a message).

Bounded: a body is recorded up to RECORD_BODY_CHARS characters (``content.comment`` says it was
truncated), and the file up to ``record_max_bytes`` (64 MiB by default); past it the recording stops,
says so once (a warning of the ``reception_star`` logger, and ``log.comment`` in the file), and the
calls go on. The file is a valid HAR after every entry: each is written with the closing brackets
after it, in one write, so a crash between calls leaves a complete file. Clients of one process
may share a file (they append to it); processes may not. A file that is not a recording of this
client is refused, never overwritten.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from ._body import CallBounds
from ._errors import ConfigurationError

RECORD_ENV = "RSTAR_RECORD"
DEFAULT_RECORD_MAX_BYTES = 64 * 1024 * 1024
RECORD_BODY_CHARS = 256 * 1024
REDACTED = "[redacted]"
CREATOR = "reception-star"

_log = logging.getLogger("reception_star")
_HEAD = b'{"log": {"version": "1.2", "creator": {"name": "' + CREATOR.encode() + b'", "version": "%s"}, "entries": ['
_TAIL = b"\n]}}\n"
_STOPPED = b'\n], "comment": "recording stopped: the file reached record_max_bytes (%d bytes)"}}\n'
_SECRET_HEADERS = frozenset({"authorization", "proxy_authorization", "cookie", "set_cookie"})
_SECRET_NAMES = frozenset({"api_key", "apikey", "password", "token", "secret", "client_secret", "passwd"})
_SECRET_ENDINGS = ("_token", "_password", "_secret", "_api_key", "_apikey", "_key")
_PATH_LOCKS: dict[str, threading.Lock] = {}
_PATH_LOCKS_MAKING = threading.Lock()


def secret_name(name: str) -> bool:
    """Whether a header, field or parameter of this name holds a secret."""
    key = name.lower().replace("-", "_")
    return key in _SECRET_NAMES or key in _SECRET_HEADERS or key.endswith(_SECRET_ENDINGS)


def _lock_of(path: str) -> threading.Lock:
    with _PATH_LOCKS_MAKING:
        return _PATH_LOCKS.setdefault(path, threading.Lock())


class HarRecorder:
    """Appends the exchanges of each call to a HAR 1.2 file (see the module's docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_RECORD_MAX_BYTES,
        creator_version: str = "0",
        secrets: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        if max_bytes < 4096:
            raise ConfigurationError("record_max_bytes must be at least 4096")
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.secret_paths: set[str] = set()  # the token endpoint's: a body there that is not JSON is dropped whole
        self._secrets = secrets
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
                if self.path.stat().st_size > 0:
                    with self.path.open("rb") as file:
                        head = file.read(len(_HEAD) - 2 + 1)
                        file.seek(max(0, self.path.stat().st_size - 200))
                        end = file.read()
                    if not head.startswith(_HEAD.split(b'"version": "%s"')[0]) or not (
                        end.endswith(_TAIL) or b"recording stopped" in end
                    ):
                        raise ConfigurationError(
                            f"{where}: the file exists and is not a recording of this client; choose another path"
                        )
            elif not self.path.parent.is_dir():
                raise ConfigurationError(f"{where}: the folder {str(self.path.parent)!r} does not exist")
        except OSError as exc:
            raise ConfigurationError(f"{where}: cannot write it ({exc.strerror or type(exc).__name__})") from None

    # -- recording ------------------------------------------------------------------------------
    def record(self, bounds: CallBounds, unanswered: str) -> None:
        """The exchanges of one attempt of a call, in the order they were sent. A request without an
        answer gets status 0 and ``_error``: `unanswered`, what the attempt met."""
        if self._said_stopped:
            return
        try:
            secrets = [s for s in self._secrets() if len(s) >= 4]
            answers = list(bounds.answered)
            entries = []
            for request, started, at in bounds.sent:
                found = next((i for i, (r, _) in enumerate(answers) if r.request is request), None)
                response, answered_at = answers.pop(found) if found is not None else (None, None)
                wait = 0.0 if answered_at is None else max(0.0, (answered_at - at) * 1000)
                entries.append(self._entry(request, response, started, wait, unanswered, secrets))
            data = [json.dumps(entry, ensure_ascii=False).encode("utf-8", "backslashreplace") for entry in entries]
        except Exception as exc:  # a recording never fails a call: it stops, and says so once
            self._said_stopped = True
            _log.warning("recording to %s stopped: an exchange could not be recorded (%s)", self.path,
                         type(exc).__name__)  # fmt: skip
            return
        for piece in data:
            self._append(piece)

    def _append(self, data: bytes) -> None:
        with self._lock:
            try:
                if not self.path.exists() or self.path.stat().st_size == 0:
                    with self.path.open("xb" if not self.path.exists() else "r+b") as file:
                        file.write(self._head + _TAIL)
                with self.path.open("r+b") as file:
                    size = file.seek(0, os.SEEK_END)
                    file.seek(size - len(_TAIL))
                    if file.read(len(_TAIL)) != _TAIL:  # stopped, or changed by someone else: leave it
                        self._say_stopped()
                        return
                    file.seek(size - len(_TAIL) - 1)
                    first = file.read(1) == b"["
                    piece = (b"\n" if first else b",\n") + data
                    stopped = _STOPPED % self.max_bytes
                    file.seek(size - len(_TAIL))
                    if size + len(piece) + len(stopped) - len(_TAIL) > self.max_bytes:
                        file.write(stopped)
                        self._say_stopped()
                        return
                    file.write(piece + _TAIL)  # one write: the file stays a valid HAR
            except OSError as exc:
                if not self._said_stopped:
                    _log.warning("recording to %s stopped: %s", self.path, exc.strerror or type(exc).__name__)
                    self._said_stopped = True

    def _say_stopped(self) -> None:
        if not self._said_stopped:
            self._said_stopped = True
            _log.warning("recording to %s stopped: the file reached record_max_bytes (%d bytes); the calls go on "
                         "unrecorded", self.path, self.max_bytes)  # fmt: skip

    # -- entries --------------------------------------------------------------------------------
    def _entry(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        started: datetime,
        wait_ms: float,
        error: str,
        secrets: list[str],
    ) -> dict[str, Any]:
        scrub = _Scrubber(secrets, whole_body=request.url.path in self.secret_paths)
        http_version = response.http_version if response is not None else "HTTP/1.1"
        params = [(k, REDACTED if secret_name(k) else v) for k, v in request.url.params.multi_items()]
        url = request.url.copy_with(params=params) if request.url.query else request.url
        har_request: dict[str, Any] = {
            "method": request.method,
            "url": scrub.text(str(url)),
            "httpVersion": http_version,
            "cookies": [],
            "headers": scrub.headers(request.headers),
            "queryString": [
                {"name": k, "value": REDACTED if secret_name(k) else scrub.text(v)}
                for k, v in request.url.params.multi_items()
            ],
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
                redirectURL=scrub.text(response.headers.get("location", "")),
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


def _body_of(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:  # a streamed upload: not recorded
        return b""


class _Scrubber:
    """Replaces secrets by "[redacted]": by name (headers, fields, parameters), and by value."""

    def __init__(self, secrets: list[str], *, whole_body: bool) -> None:
        self._secrets = secrets
        self._whole_body = whole_body

    def text(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def headers(self, headers: httpx.Headers) -> list[dict[str, str]]:
        return [{"name": name, "value": REDACTED if secret_name(name) else self.text(value)}
                for name, value in headers.multi_items()]  # fmt: skip

    def _value(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: REDACTED if isinstance(k, str) and secret_name(k) else self._value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v) for v in value]
        return self.text(value) if isinstance(value, str) else value

    def content(self, body: bytes, mime: str) -> dict[str, Any]:
        """HAR's content (or postData): mimeType, text, and a comment when the text was cut or dropped."""
        media = mime.split(";")[0].strip().lower()
        recorded: dict[str, Any] = {"mimeType": mime or "x-unknown"}
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            if self._whole_body:
                return {**recorded, "text": REDACTED, "comment": "not text, from the token endpoint: redacted"}
            recorded["encoding"] = "base64"
            text = base64.b64encode(body[: RECORD_BODY_CHARS * 3 // 4]).decode()
            return {**recorded, "text": text, **_cut(len(body), len(body[: RECORD_BODY_CHARS * 3 // 4]))}
        if media == "application/x-www-form-urlencoded":
            fields = parse_qsl(text, keep_blank_values=True)
            text = urlencode([(k, REDACTED if secret_name(k) else self.text(v)) for k, v in fields])
        else:
            try:
                text = json.dumps(self._value(json.loads(text)), ensure_ascii=False)
            except (ValueError, RecursionError):
                if self._whole_body:
                    return {**recorded, "text": REDACTED, "comment": "not JSON, from the token endpoint: redacted"}
                text = self.text(text)
        recorded["text"] = text[:RECORD_BODY_CHARS]
        return {**recorded, **_cut(len(text), len(recorded["text"]))}


def _cut(whole: int, kept: int) -> dict[str, str]:
    return {} if kept >= whole else {"comment": f"truncated: {kept} of {whole} characters recorded"}

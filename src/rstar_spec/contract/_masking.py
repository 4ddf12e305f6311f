"""What a contract run prints and writes holds no secret, even one the server echoes.

schemathesis masks the secrets it knows by name (the Authorization header, `token` fields), but its
failure report shows answer bodies as they are: a server that quotes the API key or a bearer token in
an error message gets it printed. So the run knows every secret value it meets, and masks them all in
everything it prints or writes: the API keys from the environment (RSTAR_API_KEY,
RSTAR_READONLY_API_KEY), and every value a request or an answer of the run carries under a secret name
(the tokens issued during the run, to the suite and to the run's own account), learnt as the exchanges
pass (`learning`, an ASGI middleware in front of the mock or the guard's proxy; `watch`, for the
account's httpx client) before the suite sees them. schemathesis's output goes through `pump` line by
line; the files it writes (junit, HAR, VCR reports) are masked in place when it is done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ..core.redaction import Masker, is_secret_name
from ..core.yaml_io import write_atomic
from ..traffic.har import MAX_RECORDED_BODY, decoded_body, redact_body
from ..traffic.recording import Capture

KEY_ENVS = ("RSTAR_API_KEY", "RSTAR_READONLY_API_KEY")
# schemathesis's options that name a file it writes a report to, and the one that names their folder
REPORT_PATH_FLAGS = ("--report-junit-path", "--report-har-path", "--report-vcr-path")
REPORT_DIR_FLAG = "--report-dir"


def run_masker(env: Mapping[str, str]) -> Masker:
    """The secrets a run knows before it starts: its API keys."""
    return Masker(env[name] for name in KEY_ENVS if env.get(name))


def learn_headers(masker: Masker, headers: Iterable[tuple[str, str]]) -> None:
    """Secret headers' values, and their parts (`Bearer TOKEN`)."""
    for name, value in headers:
        if is_secret_name(name):
            masker.add(value, *value.split())


def learn_body(masker: Masker, body: bytes, content_type: str, coding: str = "") -> None:
    """The values of the fields of a JSON or form body that are named like secrets."""
    decoded = decoded_body(body, coding) if coding else (body, True)
    if decoded is None or not decoded[0]:
        return
    found: list[str] = []
    redact_body(decoded[0], content_type, is_secret_name, found)
    masker.add(*found)


def _header(headers: Sequence[tuple[str, str]], name: str) -> str:
    return ", ".join(v for n, v in headers if n.lower() == name)


def learning(app: Any, masker: Masker) -> Any:
    """app (the mock, the guard's proxy), teaching masker the secrets each exchange carries: the request's
    when it arrives, the answer's before its last bytes are passed on (so before the suite can print them)."""

    async def learnt(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_headers = [
            (bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in scope.get("headers") or ()
        ]
        learn_headers(masker, request_headers)
        sent, answer = Capture(MAX_RECORDED_BODY), Capture(MAX_RECORDED_BODY)
        answer_headers: list[tuple[str, str]] = []

        async def receiving() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                sent.add(message.get("body", b""))
                if not message.get("more_body"):
                    learn_body(masker, bytes(sent.kept), _header(request_headers, "content-type"),
                               _header(request_headers, "content-encoding"))  # fmt: skip
            return message

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer_headers.extend(
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in message.get("headers") or ()
                )
                learn_headers(masker, answer_headers)
            elif message["type"] == "http.response.body":
                answer.add(message.get("body", b""))
                if not message.get("more_body"):
                    learn_body(masker, bytes(answer.kept), _header(answer_headers, "content-type"),
                               _header(answer_headers, "content-encoding"))  # fmt: skip
            await send(message)

        await app(scope, receiving, sending)

    return learnt


def watch(client: Any, masker: Masker) -> None:
    """Teach masker what an httpx.Client of the run (the account's) sends and is answered: its token."""

    def on_response(response: Any) -> None:
        learn_headers(masker, response.request.headers.multi_items())
        response.read()
        learn_body(masker, response.content, response.headers.get("content-type", ""))

    hooks = client.event_hooks
    client.event_hooks = {**hooks, "response": [*hooks.get("response", []), on_response]}


def pump(source: IO[bytes], target: IO[str], masker: Masker) -> threading.Thread:
    """A thread copying source to target line by line, every known secret masked."""

    def copy() -> None:
        with source:
            for line in source:
                target.write(masker.mask(line.decode("utf-8", "replace")))
                target.flush()

    thread = threading.Thread(target=copy, name="contract output", daemon=True)
    thread.start()
    return thread


def report_paths(arguments: Sequence[str], started: float, cwd: Path) -> list[Path]:
    """The report files schemathesis was asked to write (its report options among `arguments`, relative to
    its working folder `cwd`), and those written since `started` in a report folder it was given."""
    paths: list[Path] = []
    for i, argument in enumerate(arguments):
        flag, _, value = argument.partition("=")
        if flag not in (*REPORT_PATH_FLAGS, REPORT_DIR_FLAG):
            continue
        value = value or (arguments[i + 1] if i + 1 < len(arguments) else "")
        where = cwd / value if value else None
        if where is None:
            continue
        if flag != REPORT_DIR_FLAG:
            paths.append(where)
        elif where.is_dir():
            paths += [p for p in where.iterdir() if p.is_file() and p.stat().st_mtime >= started]
    return paths


def mask_files(paths: Iterable[Path], masker: Masker) -> None:
    """Each file (a report of the run) with the known secrets masked, rewritten only when it held one."""
    for path in paths:
        try:
            if not path.is_file() or path.is_symlink():
                continue
            text = path.read_bytes().decode("utf-8", "replace")  # reports are UTF-8 (junit, HAR, VCR YAML)
        except OSError:
            continue
        masked = masker.mask(text)
        if masked != text:
            write_atomic(path, masked)  # its mode kept

"""Hostile input: each probe that once broke a promise (a traceback, a 500, memory without bound, a file
read from outside spec/), now one line and exit 2 for the tools, a 4xx for the mock. The limits are in
src/rstar_spec/core/limits.py. Processes that could blow up run with an address-space limit, so memory
without bound fails the test instead of the machine; slow floods are in tests/stress (nox -s stress).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, SPEC_DIR, target_doc
from rstar_spec.core.errors import display_path
from rstar_spec.core.limits import MAX_DEPTH, MAX_INPUT_BYTES, MAX_INT_DIGITS
from rstar_spec.core.outputs import replace_tree
from rstar_spec.core.yaml_io import dump_json, write_atomic
from rstar_spec.mock import Credentials, MockSettings, running_mock
from rstar_spec.oas.bundle import bundle

RSTAR = [sys.executable, "-m", "rstar_spec"]
MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space: the probes that once took 4 GB die against it
CREDS = Credentials()


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def rstar(*args: str, cwd: Path = ROOT, umask: int | None = None) -> tuple[int, str, str]:
    """rstar-spec in its own process, under the memory cap; (exit code, stdout, stderr)."""

    def limits() -> None:
        _capped()
        if umask is not None:
            os.umask(umask)

    result = subprocess.run(
        [*RSTAR, *args], cwd=cwd, capture_output=True, text=True, preexec_fn=limits, timeout=120, check=False
    )
    return result.returncode, result.stdout, result.stderr


def one_line(code: int, err: str, *expected: str) -> None:
    assert code == 2, err[-2000:]
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err[-2000:]
    assert len(err) < 600, err[:600]  # one clear line, not a dump of the input
    for words in expected:
        assert words in err, err


# -- the tools ---------------------------------------------------------------------------------------------


def alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (alias_bomb(), "expands to more than 2,000,000 values"),
        ("[" * 10_000 + "]" * 10_000 + "\n", f"nested deeper than {MAX_DEPTH} levels"),
        ("a: " + "9" * 100_000 + "\n", f"an integer of more than {MAX_INT_DIGITS} digits"),
        ("a: .inf\n", "is not a number JSON can say"),
        ("a: .nan\n", "is not a number JSON can say"),
    ],
    ids=["alias-bomb", "depth-10000", "100000-digits", "inf", "nan"],
)
def test_a_hostile_yaml_file_is_one_line_for_every_command(tmp_path: Path, text: str, expected: str) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text, encoding="utf-8")
    for command in (["bundle", "-o", str(tmp_path / "x.yaml")], ["bundle", "-o", str(tmp_path / "x.json")],
                    ["validate"], ["lint"]):  # fmt: skip
        code, _, err = rstar("--spec", str(spec), *command)
        one_line(code, err, expected, str(spec))
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "x.json").exists()


def test_depth_is_one_limit_on_every_path(tmp_path: Path) -> None:
    """At 450 levels the YAML writer once failed where JSON, validate and lint succeeded: one limit now."""
    nested = "x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    allowed = "x: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    (tmp_path / "deep.yaml").write_text(nested, encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(allowed, encoding="utf-8")
    code, _, err = rstar("--spec", str(tmp_path / "deep.yaml"), "bundle", "-o", str(tmp_path / "out.yaml"))
    one_line(code, err, "nested deeper than")
    code, _, err = rstar("--spec", str(tmp_path / "ok.yaml"), "bundle", "-o", str(tmp_path / "out.yaml"))
    assert code == 0, err  # just below the limit, the YAML writer copes


@pytest.mark.parametrize("where", ["components/examples.yaml", "paths/heart.yaml"])
def test_a_link_inside_spec_to_a_file_outside_is_refused(tmp_path: Path, where: str) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, spec)
    outside = tmp_path / "secret.yaml"
    outside.write_text("Leaked: {summary: from outside, value: 1}\n", encoding="utf-8")
    link = spec / where
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    for command in (["bundle"], ["validate"], ["lint"]):
        code, out, err = rstar("--spec", str(spec / "openapi.yaml"), *command)
        one_line(code, err, "spec/")
        assert "Leaked" not in out


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_written_files_and_folders_honour_the_umask(tmp_path: Path, mask: int) -> None:
    code, _, err = rstar("bundle", "-o", str(tmp_path / "b.yaml"), umask=mask)
    assert code == 0, err
    overlay = tmp_path / "o.yaml"
    overlay.write_text(
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {x-a: 1}\n"
    )
    code, _, err = rstar(
        "overlay", "apply", str(tmp_path / "b.yaml"), str(overlay), "-o", str(tmp_path / "o.json"), umask=mask
    )
    assert code == 0, err
    previous = os.umask(mask)
    try:
        write_atomic(tmp_path / "w.txt", "x")
        replace_tree({"pkg/a.py": b"", "b.txt": b""}, tmp_path / "tree", by="test")
    finally:
        os.umask(previous)
    for path in (tmp_path / "b.yaml", tmp_path / "o.json", tmp_path / "w.txt", tmp_path / "tree" / "b.txt"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path
    for folder in (tmp_path / "tree", tmp_path / "tree" / "pkg"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask, folder


def _overlay(tmp_path: Path, actions: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text(f"overlay: 1.1.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}", encoding="utf-8")
    return path


def _document(tmp_path: Path, description: str) -> Path:
    path = tmp_path / "doc.yaml"
    path.write_text(f"openapi: 3.1.0\ntags:\n  - name: x\n    description: {description}\n", encoding="utf-8")
    return path


def test_a_backtracking_pattern_in_match_or_search_runs_in_linear_time(tmp_path: Path) -> None:
    """(a|aa)*c on 60 characters: hours with a backtracking engine; RE2 answers at once (30 s is a safety net)."""
    doc = _document(tmp_path, "a" * 60)
    for function in ("match", "search"):
        overlay = _overlay(
            tmp_path, f"  - target: \"$.tags[?{function}(@.description, '(a|aa)*c')]\"\n    update: {{x: 1}}\n"
        )
        result = subprocess.run([*RSTAR, "overlay", "apply", str(doc), str(overlay)], capture_output=True,
                                text=True, timeout=30, check=False)  # fmt: skip
        assert result.returncode == 0 and "x: 1" not in result.stdout, result.stderr
    overlay = _overlay(tmp_path, "  - target: \"$.tags[?match(@.description, 'a.*a')]\"\n    update: {x: 1}\n")
    assert "x: 1" in subprocess.run([*RSTAR, "overlay", "apply", str(doc), str(overlay)], capture_output=True,
                                    text=True, timeout=30, check=True).stdout  # fmt: skip


def test_copies_that_would_grow_the_document_without_bound_are_refused(tmp_path: Path) -> None:
    actions = "".join(f"  - description: copy {i}\n    target: $.tags\n    copy: $.tags\n" for i in range(40))
    code, _, err = rstar("overlay", "apply", str(_document(tmp_path, "x")), str(_overlay(tmp_path, actions)))
    one_line(code, err, "would grow the document past its bound")


def test_a_copy_that_would_nest_too_deep_is_refused(tmp_path: Path) -> None:
    deep = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # as deep as a document may be
    doc = tmp_path / "deep.yaml"
    doc.write_text(f"openapi: 3.1.0\na: {{b: {{c: [1]}}}}\n{deep}\n", encoding="utf-8")
    code, _, err = rstar("overlay", "apply", str(doc), str(_overlay(tmp_path, "  - target: $.a.b.c\n    copy: $.x\n")))
    one_line(code, err, "would make the document nest")


@pytest.mark.parametrize("segments", [5_000, 1_900])
def test_a_jsonpath_too_long_or_too_deep_to_parse_is_one_line(tmp_path: Path, segments: int) -> None:
    overlay = _overlay(tmp_path, f'  - target: "${".a" * segments}"\n    update: {{x: 1}}\n')
    code, _, err = rstar("overlay", "apply", str(_document(tmp_path, "x")), str(overlay))
    one_line(code, err, "invalid JSONPath in target", "segments" if segments < 2000 else "characters")


# -- the mock ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mock() -> Iterator[str]:
    with running_mock(target_doc("mock"), MockSettings(credentials=CREDS, validate_responses=True), header_timeout=1.0,
                      max_connections=20) as base_url:  # fmt: skip
        yield base_url


@pytest.fixture(scope="module")
def api(mock: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock, timeout=10) as http:
        token = http.post("/auth", json={"grant_type": "api_key", "api_key": CREDS.api_key}).json()["token"]
        http.headers["Authorization"] = f"Bearer {token}"
        yield http


@pytest.mark.parametrize("path", ["/auth", "/clients"])
def test_a_deeply_nested_body_is_a_400(api: httpx.Client, path: str) -> None:
    for depth in (1_000, MAX_DEPTH + 1):
        answer = api.post(path, content="[" * depth + "]" * depth, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400 and "nests deeper" in answer.json()["message"], answer.text


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/clients", {"offset": "9" * (MAX_INT_DIGITS + 1)}),
        ("/clients", {"limit": "1" * (MAX_INT_DIGITS + 1)}),
        (f"/clients/{'7' * (MAX_INT_DIGITS + 1)}", {}),
        ("/clients", {"offset": "\u0663"}),  # U+0663, an Arabic-Indic 3
        ("/clients", {"limit": "\uff11"}),  # U+FF11, a fullwidth 1
        ("/clients/1%0a", {}),  # 1 and a newline
        ("/clients/%EF%BC%91", {}),
    ],
    ids=["long-offset", "long-limit", "long-id", "arabic-indic", "fullwidth", "newline", "fullwidth-id"],
)
def test_integers_are_ascii_digits_of_sane_length(api: httpx.Client, path: str, params: dict[str, str]) -> None:
    answer = api.get(path, params=params)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "bad_request"


def test_a_number_too_long_inside_a_body_is_a_400(api: httpx.Client) -> None:
    body = '{"first_name": "A", "last_name": "B", "x": ' + "9" * (MAX_INT_DIGITS + 1) + "}"
    answer = api.post("/clients", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400


def _raw(base_url: str, request: bytes, read: int = 65536) -> bytes:
    url = httpx.URL(base_url)
    with socket.create_connection((url.host, url.port), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(read)


def test_a_body_over_the_limit_is_refused_without_being_read(mock: str) -> None:
    """Content-Length says 100 MB and 10 bytes follow: the answer comes at once, so nothing waited for the rest."""
    path = httpx.URL(mock).path
    head = (f"POST {path}/auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: 100000000\r\n\r\n").encode()  # fmt: skip
    answer = _raw(mock, head + b"0123456789")
    assert answer.startswith(b"HTTP/1.1 413 ") and b"connection: close" in answer.lower(), answer[:200]


def test_a_chunked_body_over_the_limit_is_refused(mock: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536

    answer = httpx.post(f"{mock}/auth", content=chunks(), headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 413


def test_headers_that_do_not_come_in_time_close_the_connection(mock: str) -> None:
    """Slowloris: a header line every 0.3 s. The mock (header timeout 1 s here) closes the connection."""
    url = httpx.URL(mock)
    with socket.create_connection((url.host, url.port), timeout=10) as sock:
        sock.sendall(f"GET {url.path}/heart HTTP/1.1\r\n".encode())
        closed_after = None
        for i in range(20):
            time.sleep(0.3)
            try:
                sock.sendall(f"X-Slow-{i}: 1\r\n".encode())
            except OSError:
                closed_after = i
                break
            sock.setblocking(False)
            try:
                if sock.recv(1) == b"":
                    closed_after = i
                    break
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
    assert closed_after is not None and closed_after < 19, "the slow connection was never closed"
    assert httpx.get(f"{mock}/heart", timeout=5).status_code == 200  # and the mock still answers


@pytest.mark.parametrize("http", ["h11", "httptools"])
def test_request_headers_past_the_bound_are_a_400_and_the_connection_closes(http: str) -> None:
    """A header line after another, fast, never ending: each parser stops at MAX_HEADER_BYTES (h11 has the
    bound of itself; llhttp, the mock's, has none, so the server counts)."""
    from rstar_spec.core.limits import MAX_HEADER_BYTES
    from rstar_spec.core.serve import in_background

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    with in_background(app, "server", http=http) as origin:
        url = httpx.URL(origin)
        with socket.create_connection((url.host, url.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            answer = b""
            with contextlib.suppress(OSError):  # the server may close while we still send
                for i in range(MAX_HEADER_BYTES // 100 * 4):
                    sock.sendall(f"X-Filler-{i}: {'y' * 90}\r\n".encode())
            with contextlib.suppress(OSError):
                while chunk := sock.recv(65536):
                    answer += chunk
        assert answer.startswith(b"HTTP/1.1 4"), answer[:200]  # 400 (httptools) or 431 (h11), then closed
        assert httpx.get(origin, timeout=5).text == "ok"  # and a request of sane size is served


def test_connections_past_the_cap_close_the_ones_waiting_longest(mock: str) -> None:
    url = httpx.URL(mock)
    held = [socket.create_connection((url.host, url.port), timeout=5) for _ in range(25)]
    try:
        time.sleep(0.2)
        closed = 0
        for sock in held:
            sock.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                closed += sock.recv(1) == b""
        assert closed >= 5, closed  # the cap is 20 here
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    assert httpx.get(f"{mock}/heart", timeout=5).status_code == 200


def test_secrets_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch, api: httpx.Client) -> None:
    from rstar_spec.mock import _behaviour

    calls: list[tuple[Any, Any]] = []
    real = _behaviour.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(_behaviour.hmac, "compare_digest", spy)
    assert api.post("/auth", json={"grant_type": "api_key", "api_key": "wrong"}).status_code == 401
    assert (
        api.post("/auth", json={"grant_type": "password", "username": CREDS.username, "password": "no"}).status_code
        == 401
    )
    assert len(calls) >= 4


def test_the_token_store_forgets_expired_tokens_and_stays_bounded() -> None:
    from rstar_spec.mock._state import State

    state = State(CREDS, token_ttl=0, seed=0, max_tokens=100)
    for _ in range(1_000):
        state.issue(read_only=False)
    assert len(state._tokens) <= 100 and len(state._refresh) <= 100
    live = State(CREDS, token_ttl=3600, seed=0, max_tokens=100)
    issued = [live.issue(read_only=False)["token"] for _ in range(1_000)]
    assert len(live._tokens) <= 100 and live.token(issued[-1]) == ("ok", False)  # the newest are kept
    for i in range(1_000):
        live.over_rate(f"bearer-{i}", 5)
    assert len(live._rate) <= 101


def test_the_mock_cli_takes_the_bounds(tmp_path: Path) -> None:
    code, _, err = rstar("mock", "--max-body", "0")
    one_line(code, err, "--max-body", "must be at least 1")


# -- what -o may replace -----------------------------------------------------------------------------------


def _null_device(path: Path) -> None:
    """A character device like /dev/null at path: a test's own, so that a regression replaces only it."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_refuses_a_folder_holding_what_it_did_not_write(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "out"
    (out / "mine").mkdir(parents=True)
    (out / "notes.txt").write_text("not generated\n", encoding="utf-8")
    (out / "mine" / "keep.yaml").write_text("a: 1\n", encoding="utf-8")
    before = _snapshot(out)
    code, out_text, err = run_cli("publish", "-o", str(out))
    one_line(code, err, "did not write", "notes.txt")
    assert _snapshot(out) == before and out_text == ""
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left


def test_publish_replaces_what_it_wrote_and_only_that(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "out"
    out.mkdir()  # empty: fine
    assert run_cli("publish", "-o", str(out))[0] == 0
    (out / "README.md").write_text("edited\n", encoding="utf-8")  # a file it wrote, changed: still its own
    (out / "schemas" / "Client.schema.json").unlink()
    (out / "__pycache__").mkdir()
    code, _, err = run_cli("publish", "-o", str(out))
    assert code == 0, err
    assert run_cli("publish", "--check", "-o", str(out))[0] == 0
    (out / "extra.yaml").write_text("a: 1\n", encoding="utf-8")  # then a file of the user's
    code, _, err = run_cli("publish", "-o", str(out))
    one_line(code, err, "extra.yaml")
    assert (out / "extra.yaml").read_text(encoding="utf-8") == "a: 1\n"


def test_generate_does_not_take_over_a_folder_publish_wrote(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "out"
    assert run_cli("publish", "-o", str(out))[0] == 0
    before = _snapshot(out)
    code, _, err = run_cli("generate", "-o", str(out))
    one_line(code, err, "did not write")
    assert _snapshot(out) == before


@pytest.mark.parametrize("command", ["publish", "generate"])
@pytest.mark.parametrize("kind", ["file", "device", "fifo", "symlink", "symlink-to-empty", "cwd", "parent", "home"])
def test_an_output_folder_that_is_not_one_is_refused(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, command: str, kind: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "mine.txt").write_text("mine\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("HOME", str(empty))  # an empty home must survive too
    # A device of the test's own (never /dev/null: run as root, a regression would replace the real one);
    # `/` is refused as a parent of the working folder, like ".." here.
    if kind == "device":
        _null_device(work / "dev")
    if kind == "fifo":
        os.mkfifo(work / "fifo")
    target = {
        "file": str(work / "mine.txt"),
        "device": str(work / "dev"),
        "fifo": str(work / "fifo"),
        "symlink": str(tmp_path / "link"),
        "symlink-to-empty": str(tmp_path / "link"),
        "cwd": ".",
        "parent": "..",
        "home": str(empty),
    }[kind]
    (tmp_path / "link").symlink_to(empty if kind == "symlink-to-empty" else work)
    args = ["--spec", str(SPEC_DIR / "openapi.yaml"), "--overlays", str(ROOT / "overlays")]
    if command == "generate":
        args += [command, "--templates", str(ROOT / "templates")]
    else:
        args += [command]
    before = (_snapshot(work), sorted(p.name for p in tmp_path.iterdir()))
    code, _, err = run_cli(*args, "-o", target, cwd=work if kind != "parent" else empty)
    one_line(code, err, "refusing")
    assert (_snapshot(work), sorted(p.name for p in tmp_path.iterdir())) == before
    assert (tmp_path / "link").is_symlink() and list(empty.iterdir()) == []
    assert kind != "device" or (work / "dev").is_char_device()
    assert kind != "fifo" or (work / "fifo").is_fifo()


def _file_output_commands(tmp_path: Path) -> dict[str, list[str]]:
    overlay = tmp_path / "o.yaml"
    overlay.write_text(
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {x-a: 1}\n"
    )
    document = tmp_path / "doc.yaml"
    document.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
    return {"bundle": ["bundle"], "overlay": ["overlay", "apply", str(document), str(overlay)]}


@pytest.mark.parametrize("command", ["bundle", "overlay"])
def test_o_through_a_link_writes_the_file_it_points_to(tmp_path: Path, run_cli: Any, command: str) -> None:
    args = _file_output_commands(tmp_path)[command]
    target = tmp_path / "real.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    code, _, err = run_cli(*args, "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("openapi: 3.1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the user's file keeps its mode


@pytest.mark.parametrize("command", ["bundle", "overlay"])
@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "procfs", "missing-parent", "dangling-link"])
def test_o_onto_what_is_not_a_regular_file_is_refused(tmp_path: Path, run_cli: Any, command: str, kind: str) -> None:
    args = _file_output_commands(tmp_path)[command]
    work = tmp_path / "work"
    work.mkdir()
    target = {
        "fifo": work / "fifo",
        "device": work / "dev",
        "directory": work,
        "procfs": Path(f"/proc/{os.getpid()}/comm"),
        "missing-parent": work / "no" / "such" / "out.yaml",
        "dangling-link": work / "link.yaml",
    }[kind]
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        _null_device(target)
    elif kind == "dangling-link":
        target.symlink_to(work / "nothing.yaml")
    comm = Path(f"/proc/{os.getpid()}/comm").read_text(encoding="utf-8")
    before = sorted(p.name for p in work.iterdir())
    code, out, err = run_cli(*args, "-o", str(target))
    one_line(code, err, display_path(target))
    assert out == "" and sorted(p.name for p in work.iterdir()) == before
    assert not (work / "no").exists()
    assert kind != "fifo" or target.is_fifo()
    assert kind != "device" or target.is_char_device()
    assert kind != "dangling-link" or target.is_symlink()
    assert Path(f"/proc/{os.getpid()}/comm").read_text(encoding="utf-8") == comm


# -- shapes the structural check refuses first (issue 22, item 13) ---------------------------------------

BUNDLED = json.loads(dump_json(bundle(SPEC_DIR / "openapi.yaml").data))
ALL_COMMANDS = [
    ["bundle"], ["bundle", "--target", "mock"], ["validate"], ["lint"], ["diff", "{original}", "{spec}"],
    ["diff", "{spec}", "{original}"], ["overlay", "apply", "{spec}", str(ROOT / "overlays" / "publish.yaml")],
    ["publish", "-o", "{out}"],
]  # fmt: skip


def _mutated(tmp_path: Path, *edits: tuple[tuple[str, ...], Any]) -> Path:
    """The project's spec as one JSON file with value put at each pointer."""
    data = copy.deepcopy(BUNDLED)
    for pointer, value in edits:
        parent = data
        for part in pointer[:-1]:
            parent = parent[int(part) if isinstance(parent, list) else part]
        parent[int(pointer[-1]) if isinstance(parent, list) else pointer[-1]] = value
    path = tmp_path / "spec" / "openapi.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(dump_json(data), encoding="utf-8")
    return path


def _command(command: list[str], spec: Path, tmp_path: Path) -> list[str]:
    names = {"spec": str(spec), "original": str(SPEC_DIR / "openapi.yaml"), "out": str(tmp_path / "out")}
    return ["--spec", str(spec), "--overlays", str(ROOT / "overlays"), *(p.format(**names) for p in command)]


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("tags", "0"), ["auth", "Issue tokens"]),  # a tag entry that is a list
        (("paths", "/clients", "get", "responses"), [{"description": "x"}]),  # responses as a list
    ],
)
def test_lint_reports_a_wrong_shape_as_a_structure_finding(
    tmp_path: Path, run_cli: Any, pointer: tuple[str, ...], value: Any
) -> None:
    spec = _mutated(tmp_path, (pointer, value))
    code, out, err = run_cli("--spec", str(spec), "lint")
    assert code == 1 and "Traceback" not in err, err[-2000:]
    assert "openapi-structure" in out and f"{spec.name}:" in out


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("paths", "/clients", "post", "responses", "201", "content"), "application/json"),
        (("paths", "/clients", "post", "responses", "201", "content", "application/json"), ["schema"]),
        (("paths", "/clients", "get", "responses"), [{"description": "x"}]),
        (("paths", "/clients", "post", "responses", "201", "headers", "Location"), 5),
        (("paths", "/clients", "post", "responses", "201", "headers"), ["Location"]),
        (("components", "schemas", "ClientInput", "required"), ["first_name", 5]),
        (("components", "schemas", "ClientInput", "required"), "first_name"),
        (("paths", "/clients", "post", "requestBody", "required"), "yes"),
        (("paths", "/clients", "get", "parameters"), {"offset": 1}),
        (("tags", "0"), ["auth"]),
    ],
)
def test_diff_refuses_a_wrong_shape_in_one_line(
    tmp_path: Path, run_cli: Any, pointer: tuple[str, ...], value: Any
) -> None:
    spec = _mutated(tmp_path, (pointer, value))
    for old, new in ((SPEC_DIR / "openapi.yaml", spec), (spec, SPEC_DIR / "openapi.yaml")):
        code, _, err = run_cli("diff", str(old), str(new))
        one_line(code, err, "not valid OpenAPI", spec.name)


@pytest.mark.parametrize("ref", ["#/components/schemas/Client\x00", "x\x00.yaml#/Client", "\x00"])
@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_a_ref_holding_a_nul_byte_is_one_line_for_every_command(
    tmp_path: Path, run_cli: Any, ref: str, command: list[str]
) -> None:
    spec = _mutated(tmp_path, (("paths", "/clients", "post", "requestBody"), {"$ref": ref}))
    code, _, err = run_cli(*_command(command, spec, tmp_path))
    assert "Traceback" not in err
    if command[0] == "overlay":  # overlays read a document as data: its $refs are no business of theirs
        assert code == 0, err
    else:
        one_line(code, err, "NUL")


def test_a_spec_or_stdin_past_the_size_bound_is_refused_at_once(tmp_path: Path) -> None:
    """The zero device never ends: the read stops at the bound (under the 1 GiB cap, an unbounded read dies)."""
    code, _, err = rstar("--spec", "/dev/zero", "bundle")
    one_line(code, err, "/dev/zero", f"more than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    overlay = tmp_path / "o.yaml"
    overlay.write_text("overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {}\n")
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([*RSTAR, "overlay", "apply", "-", str(overlay)], stdin=zero, capture_output=True,
                                text=True, preexec_fn=_capped, timeout=120, check=False)  # fmt: skip
    one_line(result.returncode, result.stderr, "<stdin>", "MiB")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * MAX_INPUT_BYTES + b"\n")
    code, _, err = rstar("--spec", str(big), "validate")
    one_line(code, err, "big.yaml", "MiB")


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("tags", "0", "name"), ["auth"]),  # found by tests/test_fuzz_cli.py
        (("paths", "/clients", "get", "operationId"), ["list_clients"]),
        (("paths", "/clients/{client_id}", "get", "parameters", "0"), {"name": ["x"], "in": "path"}),
        (("components", "schemas", "ClientInput", "required"), [["first_name"]]),
    ],
)
@pytest.mark.parametrize("command", [["validate"], ["lint"], ["publish", "-o", "{out}"]], ids=lambda c: c[0])
def test_a_name_of_the_wrong_type_is_a_finding_not_a_crash(
    tmp_path: Path, run_cli: Any, pointer: tuple[str, ...], value: Any, command: list[str]
) -> None:
    spec = _mutated(tmp_path, (pointer, value))
    code, out, err = run_cli(*_command(command, spec, tmp_path))
    assert "Traceback" not in err
    if command[0] == "publish":
        one_line(code, err, "not valid OpenAPI")
    else:
        assert code == 1 and out, err


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("info",), ["Reception Star", "4.0.0"]),  # found by tests/test_fuzz_cli.py, as each below
        (("components", "schemas", "Error", "properties"), 22740),
        (("components", "responses", "NotFound", "content"), []),
        (("paths", "/auth", "post", "responses", "401"), []),
    ],
)
def test_publish_refuses_a_wrong_shape_in_one_line(
    tmp_path: Path, run_cli: Any, pointer: tuple[str, ...], value: Any
) -> None:
    spec = _mutated(tmp_path, (pointer, value))
    code, _, err = run_cli(*_command(["publish", "-o", "{out}"], spec, tmp_path))
    one_line(code, err, "not valid OpenAPI")
    assert not (tmp_path / "out").exists()

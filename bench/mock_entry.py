"""Bench entry: mock throughput and p99 latency beside Prism, and the contract suite's wall time.

`wrk -t1 -c10` (keep-alive, loopback) against GET /clients/{client_id} and GET /clients, for
our mock (response validation off, then on) and for Prism 5.16 (`prism mock`, pinned in
tools/npm) serving the same published spec, in the same run, in turns (five 2-second runs each,
the median counts). Prism answers its examples,
statelessly, at the root path and with any bearer token; ours validates the request, checks
the token, reads the store and (by default) validates the answer. Target: with requests and
answers validated, at least 2x Prism's throughput on both. Then `rstar-spec contract` against the embedded mock, whole process: target < 90 s.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PRISM = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "prism"
PUBLISHED = ROOT / "generated" / "openapi" / "reception-star.openapi.yaml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _serving(cmd: list[str], ready_url: str, timeout: float = 60) -> Iterator[None]:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(ready_url, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"bench: {' '.join(cmd[:3])} did not start")
            time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wrk(url: str, token: str, seconds: int) -> tuple[float, float]:
    out = subprocess.run(
        ["wrk", "-t1", "-c10", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"bench: {url} answered {errors.group(1)} errors under load")
    return rps, p99_ms


def run(quick: bool) -> tuple[list[str], list[str]]:
    if shutil.which("wrk") is None:
        return ["wrk is not installed (apt-get install wrk): mock throughput not measured."], []
    # Every server runs at once and is measured in turns, ROUNDS short runs each, interleaved: on a shared
    # machine the load moves within a minute, and a server measured alone in a quiet (or busy) minute would
    # be flattered (or wronged). The median run of each stands for it.
    rounds, seconds = (1, 2) if quick else (5, 2)
    rstar = [
        sys.executable,
        "-m",
        "rstar_spec",
        "--spec",
        str(ROOT / "spec/openapi.yaml"),
        "--overlays",
        str(ROOT / "overlays"),
    ]
    servers: dict[str, tuple[str, str]] = {}  # label -> (base URL, token)
    with contextlib.ExitStack() as stack:
        for label, extra in (
            ("rstar-spec mock --no-validate-responses", ["--no-validate-responses"]),
            ("rstar-spec mock (requests and answers validated, the default)", []),
        ):
            port = _free_port()
            base = f"http://127.0.0.1:{port}/api/v3"
            stack.enter_context(_serving([*rstar, "mock", "--port", str(port), *extra], f"{base}/heart"))
            grant = {"grant_type": "api_key", "api_key": "mock-api-key"}
            servers[label] = (base, httpx.post(f"{base}/auth", json=grant).json()["token"])
        if PRISM.exists():
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            cmd = [str(PRISM), "mock", str(PUBLISHED), "-p", str(port), "-h", "127.0.0.1"]
            stack.enter_context(_serving(cmd, f"{base}/heart"))
            servers["Prism 5.16 (baseline)"] = (base, "x")
        paths = {"one": "/clients/21", "page": "/clients"}
        runs: dict[str, dict[str, list[tuple[float, float]]]] = {label: {k: [] for k in paths} for label in servers}
        for base, token in servers.values():  # warm up (Node's JIT above all) before anything counts
            for path in paths.values():
                _wrk(f"{base}{path}", token, 1)
        for _ in range(rounds):
            for kind, path in paths.items():
                for label, (base, token) in servers.items():
                    runs[label][kind].append(_wrk(f"{base}{path}", token, seconds))
    rows = {label: {k: sorted(r)[len(r) // 2] for k, r in kinds.items()} for label, kinds in runs.items()}
    lines = [
        f"`wrk -t1 -c10 -d{seconds}s`, keep-alive, loopback, same run: the median of {rounds} runs each, "
        "the servers measured in turns.",
        "",
        "| server | GET one client req/s | p99 ms | GET a page of 20 req/s | p99 ms | ratio to Prism (one / page) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    prism = rows.get("Prism 5.16 (baseline)")
    verdicts = []
    for label, r in rows.items():
        ratio = f"{r['one'][0] / prism['one'][0]:.2f}x / {r['page'][0] / prism['page'][0]:.2f}x" if prism else "n/a"
        lines.append(
            f"| {label} | {r['one'][0]:,.0f} | {r['one'][1]:.1f} | {r['page'][0]:,.0f} | {r['page'][1]:.1f} | {ratio} |"
        )
    if prism:
        validated = rows["rstar-spec mock (requests and answers validated, the default)"]
        one, page = validated["one"][0] / prism["one"][0], validated["page"][0] / prism["page"][0]
        met = one >= 2 and page >= 2
        verdicts.append(
            f"- validating requests and answers: {one:.2f}x Prism on one client, {page:.2f}x on a page of 20: "
            f"target >= 2x on both {'met' if met else 'MISSED'}"
        )
    if not quick:
        start = time.perf_counter()
        subprocess.run([*rstar, "contract"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - start
        verdicts.append(
            f"- contract suite against the embedded mock: {wall:.0f} s wall: target < 90 s {'met' if wall < 90 else 'MISSED'}"
        )
    return lines, verdicts

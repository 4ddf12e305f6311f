"""Bench entry: `rstar-spec proxy` beside Prism 5.16's proxy mode (`prism proxy`, pinned in tools/npm), same
run, same upstream (our mock, answers validated), same load; and `redocly drift` beside `traffic check`
on the hand-written recordings of tests/traffic_recordings.py (which kinds of breach each catches).

Load: a small keep-alive HTTP/1.1 client on asyncio (10 connections, GET one client and GET a page of 20,
`seconds` each), written here so that the run needs nothing but Python; it is the same for every row,
so the ratio compares the proxies (the client is not the bottleneck below ~10,000 req/s). Both proxies
check every exchange against the published spec: ours with the traffic rules, Prism with its request
and response validation (violations logged, traffic untouched: `--errors false`).
Target: our proxy at least as fast as Prism's (ratio >= 1.0 on both).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from mock_entry import PRISM, PUBLISHED, ROOT, _free_port, _serving

REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"


async def _connection(host: str, port: int, request: bytes, until: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if status >= 400:
                raise SystemExit(f"bench: the proxy answered {status} under load")
            fields = {
                k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in head.split(b"\r\n")[1:])
            }
            if b"content-length" in fields:
                await reader.readexactly(int(fields[b"content-length"]))
            else:  # chunked
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            latencies.append(time.perf_counter() - start)
            done += 1
    finally:
        writer.close()
    return done


def _load(origin: str, path: str, token: str, seconds: float, connections: int = 10) -> tuple[float, float]:
    """(requests per second, p99 ms) of `connections` keep-alive connections sending GET path."""
    parts = httpx.URL(origin)
    request = (f"GET {path} HTTP/1.1\r\nHost: {parts.host}:{parts.port}\r\nAuthorization: Bearer {token}\r\n"
               "Accept: application/json\r\n\r\n").encode()  # fmt: skip
    latencies: list[float] = []

    async def run() -> int:
        until = time.perf_counter() + seconds
        counts = await asyncio.gather(*(_connection(parts.host, parts.port or 80, request, until, latencies)
                                        for _ in range(connections)))  # fmt: skip
        return sum(counts)

    start = time.perf_counter()
    done = asyncio.run(run())
    elapsed = time.perf_counter() - start
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 100 else float("nan")
    return done / elapsed, p99


def run(quick: bool) -> tuple[list[str], list[str]]:
    seconds = 2 if quick else 8
    rstar = [
        sys.executable,
        "-m",
        "rstar_spec",
        "--spec",
        str(ROOT / "spec/openapi.yaml"),
        "--overlays",
        str(ROOT / "overlays"),
    ]
    upstream_port = _free_port()
    upstream = f"http://127.0.0.1:{upstream_port}"
    rows: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
    with _serving([*rstar, "mock", "--port", str(upstream_port)], f"{upstream}/api/v3/heart"):
        token = httpx.post(f"{upstream}/api/v3/auth", json={"grant_type": "api_key", "api_key": "mock-api-key"}).json()[
            "token"
        ]
        rows["the mock, direct (no proxy: the ceiling)"] = (
            _load(upstream, "/api/v3/clients/21", token, seconds),
            _load(upstream, "/api/v3/clients", token, seconds),
        )
        port = _free_port()
        ours = f"http://127.0.0.1:{port}"
        with _serving(
            [*rstar, "proxy", "--upstream", upstream, "--port", str(port), "--spec", str(PUBLISHED)],
            f"{ours}/api/v3/heart",
        ):
            rows["rstar-spec proxy (every exchange checked)"] = (
                _load(ours, "/api/v3/clients/21", token, seconds),
                _load(ours, "/api/v3/clients", token, seconds),
            )
        if PRISM.exists():
            port = _free_port()
            prism = f"http://127.0.0.1:{port}"
            # Prism serves the spec's paths at its root and forwards them below upstream's base path
            with _serving([str(PRISM), "proxy", str(PUBLISHED), f"{upstream}/api/v3", "-p", str(port), "-h", "127.0.0.1",
                           "--errors", "false", "-v", "error"], f"{prism}/heart"):  # fmt: skip
                rows["Prism 5.16 proxy (baseline)"] = (
                    _load(prism, "/clients/21", token, seconds),
                    _load(prism, "/clients", token, seconds),
                )
    lines = [
        f"10 keep-alive connections, {seconds} s each, loopback, same run, same upstream (`rstar-spec mock`).",
        "",
        "| server | GET one client req/s | p99 ms | GET a page of 20 req/s | p99 ms | ratio to Prism (one / page) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    prism_row = rows.get("Prism 5.16 proxy (baseline)")
    for label, (one, page) in rows.items():
        ratio = f"{one[0] / prism_row[0][0]:.2f}x / {page[0] / prism_row[1][0]:.2f}x" if prism_row else "n/a"
        lines.append(f"| {label} | {one[0]:,.0f} | {one[1]:.1f} | {page[0]:,.0f} | {page[1]:.1f} | {ratio} |")
    verdicts = []
    if prism_row:
        ours_row = rows["rstar-spec proxy (every exchange checked)"]
        one, page = ours_row[0][0] / prism_row[0][0], ours_row[1][0] / prism_row[1][0]
        verdicts.append(f"- rstar-spec proxy: {one:.2f}x Prism's proxy on one client, {page:.2f}x on a page of 20: "
                        f"target >= 1.0x on both {'met' if min(one, page) >= 1.0 else 'MISSED'}")  # fmt: skip
    else:
        verdicts.append("- Prism is not installed (npm ci --prefix tools/npm): no baseline")
    return [*lines, "", *drift_lines()], verdicts


def drift_lines() -> list[str]:
    """`traffic check` beside `redocly drift --match-mode basepath` on the same hand-written recordings."""
    if not REDOCLY.exists():
        return ["Redocly CLI is not installed (npm ci --prefix tools/npm): no side-by-side with `redocly drift`."]
    sys.path.insert(0, str(ROOT / "tests"))
    from traffic_recordings import CROSS_BREACHES, SINGLE_BREACHES, every_freedom

    from rstar_spec.oas.bundle import bundle
    from rstar_spec.traffic import Checker, Spec, check_recordings

    checker = Checker(Spec.of(bundle(PUBLISHED).data))
    cases = {"a correct server, every freedom taken": ("clean", every_freedom())}
    cases.update({case: ("single", har) for case, (_, har) in SINGLE_BREACHES.items()})
    cases.update({case: ("across", har) for case, (_, _, har) in CROSS_BREACHES.items()})
    lines = ["| recording | kind | traffic check findings | redocly drift findings |", "|---|---|---:|---:|"]
    caught = {"ours": {"single": 0, "across": 0}, "drift": {"single": 0, "across": 0}}
    totals = {"single": 0, "across": 0}
    with tempfile.TemporaryDirectory() as folder:
        for i, (case, (kind, har)) in enumerate(cases.items()):
            path = har.write(Path(folder) / f"{i}.har")
            ours = check_recordings(checker, [path])[1].findings
            drift = _drift(path)
            lines.append(f"| {case} | {kind} | {ours} | {drift if drift is not None else 'error'} |")
            if kind in totals:
                totals[kind] += 1
                caught["ours"][kind] += ours > 0
                caught["drift"][kind] += bool(drift)
    lines += ["", f"- kinds of breach caught, one exchange: traffic check {caught['ours']['single']}/{totals['single']}, "
              f"redocly drift {caught['drift']['single']}/{totals['single']}; across exchanges: traffic check "
              f"{caught['ours']['across']}/{totals['across']}, redocly drift {caught['drift']['across']}/{totals['across']}"]  # fmt: skip
    return lines


def _drift(path: Path) -> int | None:
    run = subprocess.run(
        [str(REDOCLY), "drift", str(path), "--api", str(PUBLISHED), "--match-mode", "basepath", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    try:
        report = json.loads(run.stdout[run.stdout.index("{") :])
    except ValueError:
        return None
    return _count_findings(report)


def _count_findings(report: object) -> int:
    """Findings in redocly drift's JSON report, wherever its (experimental) format keeps them."""
    if isinstance(report, dict):
        for key in ("findings", "issues", "problems", "drifts", "results"):
            value = report.get(key)
            if isinstance(value, list):
                return len(value)
        return sum(_count_findings(v) for v in report.values() if isinstance(v, dict | list))
    if isinstance(report, list):
        return len(report)
    return 0

"""Bench entry: the generated Python client: generation time, per-request overhead, iteration memory.

- Generation, whole process, beside plain openapi-python-client (default templates,
  its default ruff hooks, same ruff) on the same bundled document, in the same run:
  the project spec (target < 5 s) and the synthetic 500-operation spec (targets:
  within 1.2x of plain's time and 1.2x of its lines of Python). Ours includes bundling,
  the overlay and the runtime.
- Overhead: the generated client against raw httpx (one httpx.Client, the bearer
  header set by hand, JSON decoded) on the same mock server, a separate process on
  loopback; alternating rounds, median per-request time. Target: within 15%.
- Memory: iterating 10,000 clients with `clients.list()` (pages of 100) against the
  mock: Python's peak allocation (tracemalloc) compared with fetching one page,
  with iterating the first tenth, and with keeping every client in a list.
  Target: bounded by a page, not the total: all of them cost no more than the
  first tenth plus one page.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from mock_entry import _free_port, _serving
from synth import write_synthetic_spec

from rstar_spec.mock import Credentials

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
API_KEY = Credentials.from_env().api_key  # what the mock accepts: RSTAR_MOCK_API_KEY or its default
Measure = Callable[[list[str], int], tuple[float, float]]

# The synthetic spec has no token endpoint and no ETag: only the overlay actions that apply to it.
SYNTHETIC_OVERLAY = """overlay: 1.1.0
info: {title: Python client hints for the synthetic spec, version: 1.0.0}
actions:
  - target: $.paths.*[?@.parameters[?@['$ref'] == '#/components/parameters/Offset']]
    update:
      x-rstar-pagination: {items: data, offset: offset, limit: limit, total: total}
  - target: $.paths.*['get', 'put', 'delete']
    update: {x-rstar-idempotent: true}
  - target: $.paths.*.post
    update: {x-rstar-idempotent: false}
"""
PLAIN_CONFIG = """project_name_override: reception-star-client
package_name_override: reception_star
class_overrides:
  Client: {class_name: ClientRecord, module_name: client_record}
"""


def generation(measure: Measure, quick: bool) -> tuple[list[str], list[str]]:
    repeat = 1 if quick else 3
    sizes = [50] if quick else [500]
    rows = []
    rstar = [sys.executable, "-m", "rstar_spec"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        overlays = work / "synthetic-overlays"
        overlays.mkdir()
        (overlays / "python-client.yaml").write_text(SYNTHETIC_OVERLAY, encoding="utf-8")
        (work / "plain.yaml").write_text(PLAIN_CONFIG, encoding="utf-8")
        specs = [("project spec", ROOT / "spec" / "openapi.yaml", ROOT / "overlays")]
        specs += [(f"synthetic {n}", write_synthetic_spec(work / f"s{n}", n), overlays) for n in sizes]
        for name, root_file, overlays_dir in specs:
            slug = name.replace(" ", "-")
            bundled = work / f"{slug}.json"
            subprocess.run([*rstar, "--spec", str(root_file), "bundle", "-o", str(bundled)], check=True)
            ours = [
                *rstar,
                "--spec",
                str(root_file),
                "--overlays",
                str(overlays_dir),
                "generate",
                "--templates",
                str(ROOT / "templates"),
                "-o",
                str(work / f"{slug}-ours"),
            ]
            plain = [
                # its default post hooks call `ruff` from PATH: this environment's, the pinned one
                "/usr/bin/env",
                f"PATH={BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                "RUFF_NO_CACHE=true",
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                str(bundled),
                "--config",
                str(work / "plain.yaml"),
                "--meta",
                "uv",
                "--overwrite",
                "--output-path",
                str(work / f"{slug}-plain"),
            ]
            ours_s, ours_rss = measure(ours, repeat)
            plain_s, plain_rss = measure(plain, repeat)
            lines_ours = _python_lines(work / f"{slug}-ours")
            lines_plain = _python_lines(work / f"{slug}-plain")
            rows.append((name, ours_s, ours_rss, plain_s, plain_rss, lines_ours, lines_plain))
            print(f"  measured generation of {name}", file=sys.stderr)
    table = [
        "| spec | rstar-spec generate s | peak RSS MiB | plain openapi-python-client s (baseline) | baseline RSS MiB | ratio | lines of Python, ours / plain | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ours_s, ours_rss, plain_s, plain_rss, lines_ours, lines_plain in rows:
        table.append(
            f"| {name} | {ours_s:.2f} | {ours_rss:.0f} | {plain_s:.2f} | {plain_rss:.0f} | {ours_s / plain_s:.2f}x "
            f"| {lines_ours:,} / {lines_plain:,} | {lines_ours / lines_plain:.2f}x |"
        )
    project_s = rows[0][1]
    verdicts = [f"- project spec generated in {project_s:.2f} s: target < 5 s {'met' if project_s < 5 else 'MISSED'}"]
    if not quick:
        ratio = rows[1][1] / rows[1][3]
        lines = rows[1][5] / rows[1][6]
        verdicts.append(
            f"- synthetic 500 operations: {ratio:.2f}x plain openapi-python-client's time: "
            f"target within 1.2x {'met' if ratio <= 1.2 else 'MISSED'}; {lines:.2f}x its lines of Python: "
            f"target within 1.2x {'met' if lines <= 1.2 else 'MISSED'}"
        )
    return table, verdicts


def _python_lines(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").splitlines()) for p in folder.rglob("*.py"))


@contextlib.contextmanager
def _mock(seed: int) -> Iterator[str]:
    """`rstar-spec mock` in its own process on a free loopback port; yields its base URL."""
    port = _free_port()
    cmd = [sys.executable, "-m", "rstar_spec", "mock", "--port", str(port), "--seed", str(seed)]
    base_url = f"http://127.0.0.1:{port}/api/v3"
    with _serving(cmd, f"{base_url}/heart"):
        yield base_url


def _per_request(call: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


def overhead(quick: bool) -> tuple[list[str], list[str]]:
    from reception_star import ReceptionStar

    n, rounds = (200, 3) if quick else (1000, 7)
    rows = []
    with _mock(seed=36) as base_url:
        token = httpx.post(f"{base_url}/auth", json={"grant_type": "api_key", "api_key": API_KEY}).json()["token"]
        raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
        # The surface a user calls: ReceptionStar's resources, with a page object for lists.
        ours = ReceptionStar(API_KEY, base_url=base_url, etag_cache=0)
        cached = ReceptionStar(API_KEY, base_url=base_url)

        def raw_one() -> object:
            response = raw.get("/clients/1")
            response.raise_for_status()
            return response.json()

        def raw_page() -> object:
            response = raw.get("/clients", params={"offset": 0, "limit": 20})
            response.raise_for_status()
            return response.json()

        cases = [
            ("GET /clients/1 (`clients.retrieve`)", raw_one, lambda: ours.clients.retrieve(1)),
            ("GET /clients, page of 20 (`clients.list`)", raw_page, lambda: ours.clients.list(limit=20)),
            ("GET /clients/1, ETag cache on (304s)", raw_one, lambda: cached.clients.retrieve(1)),
        ]
        for name, baseline, generated in cases:
            for call in (baseline, generated):
                _per_request(call, 100)  # warm up: connections, token, caches
            raw_times, our_times = [], []
            for _ in range(rounds):  # alternate, so that drift in the machine hits both
                raw_times.append(_per_request(baseline, n))
                our_times.append(_per_request(generated, n))
            rows.append((name, statistics.median(raw_times), statistics.median(our_times)))
        raw.close()
        ours.close()
        cached.close()
    table = [
        "| request | raw httpx µs (baseline) | generated client µs | overhead µs | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, raw_s, ours_s in rows:
        table.append(
            f"| {name} | {raw_s * 1e6:.0f} | {ours_s * 1e6:.0f} | {(ours_s - raw_s) * 1e6:+.0f} | {ours_s / raw_s:.2f}x |"
        )
    ratio = rows[0][2] / rows[0][1]
    verdicts = [
        f"- GET one client: the generated client takes {ratio:.2f}x raw httpx: "
        f"target within 1.05x {'met' if ratio <= 1.05 else 'MISSED'}"
    ]
    return table, verdicts


def _peak(action: Callable[[], object]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def iteration_memory(quick: bool) -> tuple[list[str], list[str]]:
    from reception_star import ReceptionStar

    total = 2_000 if quick else 10_000
    rows = []
    with _mock(seed=total) as base_url, ReceptionStar(API_KEY, base_url=base_url) as api:

        def count(limit: int) -> int:
            return sum(1 for _ in api.clients.list(limit=limit))

        counted = count(100)  # first, unmeasured: the token, the connection, imports, buffers grown to size
        rows.append(("one page of 100 (`list().data`)", 100, _peak(lambda: api.clients.list(limit=100).data)))
        rows.append(
            (
                f"first {total // 10:,} (iterating `list()`, pages of 100)",
                total // 10,
                _peak(lambda: _first(api, total // 10)),
            )
        )
        rows.append((f"all {counted:,} (iterating `list()`, pages of 100)", counted, _peak(lambda: count(100))))
        rows.append(
            (
                f"all {counted:,} kept in a list (reference)",
                counted,
                _peak(lambda: list(api.clients.list(limit=100))),
            )
        )
    table = ["| what | items | Python peak MiB (tracemalloc) |", "|---|---:|---:|"]
    table += [f"| {name} | {items:,} | {mib:.2f} |" for name, items, mib in rows]
    page, tenth, everything, kept = (r[2] for r in rows)
    # Bounded by a page: ten times the items may not cost more than a page's worth more
    # memory (two pages are alive while the next is fetched: the one being read, the new one).
    bounded = everything <= tenth + page
    verdicts = [
        f"- iterating {counted:,} clients peaks at {everything:.2f} MiB: {everything / page:.1f}x one page, "
        f"{everything / tenth:.2f}x the first tenth of them, {kept / everything:.0f}x less than keeping them all: "
        f"target bounded by a page {'met' if bounded else 'MISSED'}"
    ]
    return table, verdicts


def _first(api: Any, n: int) -> None:
    for i, _ in enumerate(api.clients.list(limit=100)):
        if i + 1 >= n:
            break


def run(measure: Measure, quick: bool) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    verdicts: list[str] = []
    for part in (generation(measure, quick), overhead(quick), iteration_memory(quick)):
        lines += [*part[0], ""]
        verdicts += part[1]
    return lines, verdicts

"""Bench entry: lint where the work is not a clean 2,000-operation spec, beside Redocly in the same run.

- 2,000 operations with thousands of findings, each placed at file:line:col (the places come from
  rapidyaml's tree of the text, not from a second parse);
- the same spec written with YAML anchors and aliases (resolved natively);
- 20,000 operations (29 MB): time and peak RSS, their growth from 2,000;
- with `--huge`, 200,000 operations in one file (about 290 MB): refused at once with one line (the
  64 MiB bound of core/limits.py), Redocly beside it.

Targets: <= 1.0x `redocly lint --extends recommended` with findings and with anchors; at 20,000
operations a peak RSS <= 1 GiB and growth no worse than linear from 2,000; 200,000 operations lint
within 8 GiB or are refused early with one line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from synth import write_synthetic_spec, write_with_anchors

ROOT = Path(__file__).resolve().parent.parent
REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"
RSTAR = [sys.executable, "-m", "rstar_spec"]

Measure = Callable[[list[str], int], tuple[float, float]]


def _bundled(root_file: Path, into: Path) -> Path:
    subprocess.run([*RSTAR, "--spec", str(root_file), "bundle", "-o", str(into)], check=True)
    return into


def _findings(one_file: Path) -> int:
    proc = subprocess.run([*RSTAR, "--spec", str(one_file), "lint"], capture_output=True, text=True, check=False)
    return sum(1 for line in proc.stdout.splitlines() if line.strip())


def _redocly(measure: Measure, one_file: Path, repeat: int) -> tuple[float, float] | None:
    if not REDOCLY.exists():
        return None
    return measure([str(REDOCLY), "lint", str(one_file), "--extends=recommended"], repeat)


def write_copies_as_json(one_file: Path, into: Path, copies: int) -> Path:
    """`copies` times the paths of a one-file spec (each copy under its own prefix, its operationIds
    renamed), streamed out as JSON: 100 copies of 2,000 operations without holding 200,000 in memory."""
    data = yaml.safe_load(one_file.read_text(encoding="utf-8"))
    paths = data.pop("paths")
    with into.open("w", encoding="utf-8") as out:
        out.write(json.dumps(data)[:-1] + ', "paths": {')
        first = True
        for copy in range(copies):
            for path, item in paths.items():
                text = re.sub(r'("operationId": "[^"]+)"', rf'\1_c{copy}"', json.dumps(item))
                out.write(("" if first else ", ") + json.dumps(f"/c{copy}{path}") + ": " + text)
                first = False
        out.write("}}\n")
    return into


def run(measure: Measure, tmp: Path, quick: bool, huge: bool) -> tuple[list[str], list[str]]:
    repeat = 1 if quick else 3
    small = 50 if quick else 2000
    large = 500 if quick else 20000
    clean = _bundled(write_synthetic_spec(tmp / f"c{small}", small), tmp / f"clean-{small}.yaml")
    findings = _bundled(write_synthetic_spec(tmp / f"f{small}", small, findings=True), tmp / f"findings-{small}.yaml")
    anchored = write_with_anchors(findings, tmp / f"anchors-{small}.yaml")
    big = _bundled(write_synthetic_spec(tmp / f"c{large}", large), tmp / f"clean-{large}.yaml")
    cases = [
        (f"{small:,} operations, clean", small, clean, repeat),
        (f"{small:,} operations, {_findings(findings):,} findings", small, findings, repeat),
        (f"the same, with {anchored.read_text().count('&id'):,} anchors and aliases", small, anchored, repeat),
        (f"{large:,} operations, clean ({big.stat().st_size / 1e6:.0f} MB)", large, big, 1),
    ]
    rows = []
    for name, ops, one_file, times in cases:
        ours = measure([*RSTAR, "--spec", str(one_file), "lint"], times)
        theirs = _redocly(measure, one_file, times)
        rows.append((name, ops, ours, theirs))
        print(f"  measured lint: {name}", file=sys.stderr)
    lines = [
        f"Whole processes, one file each, median of {repeat} (of 1 at {large:,} operations).",
        "",
        "| case | rstar-spec lint s | peak RSS MiB | Redocly lint s (baseline) | Redocly peak RSS MiB | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, _, (s, rss), theirs in rows:
        their_s, their_rss = ("n/a", "n/a") if theirs is None else (f"{theirs[0]:.2f}", f"{theirs[1]:.0f}")
        ratio = f"{s / theirs[0]:.2f}x" if theirs else "n/a"
        lines.append(f"| {name} | {s:.2f} | {rss:.0f} | {their_s} | {their_rss} | {ratio} |")
    verdicts = []
    for name, _, (s, _), theirs in rows[1:3]:
        if theirs:
            verdicts.append(
                f"- {name}: {s / theirs[0]:.2f}x Redocly: target <= 1.0x {'met' if s <= theirs[0] else 'MISSED'}"
            )
    (_, ops_a, (s_a, rss_a), _), (_, ops_b, (s_b, rss_b), _) = rows[0], rows[3]
    size = ops_b / ops_a
    verdicts.append(
        f"- {ops_b:,} operations: peak RSS {rss_b:.0f} MiB: target <= 1024 MiB {'met' if rss_b <= 1024 else 'MISSED'}"
    )
    verdicts.append(
        f"- growth {ops_a:,} -> {ops_b:,} operations: time x{s_b / s_a:.1f}, peak RSS x{rss_b / rss_a:.1f} for "
        f"x{size:.0f} the operations: {'no worse than linear' if max(s_b / s_a, rss_b / rss_a) <= 1.25 * size else 'WORSE than linear'}"
        " (within the +-25 % noise band)"
    )
    if huge:
        lines += ["", *_huge(measure, clean, small, tmp)]
    return lines, verdicts


def _huge(measure: Measure, clean: Path, small: int, tmp: Path) -> list[str]:
    """200,000 operations in one file: rstar-spec refuses it before reading; Redocly beside it, once."""
    copies = 200_000 // small if small >= 2000 else 4
    one_file = write_copies_as_json(clean, tmp / "huge.json", copies)
    size_mb = one_file.stat().st_size / 1e6
    start = time.perf_counter()
    proc = subprocess.run([*RSTAR, "--spec", str(one_file), "lint"], capture_output=True, text=True, check=False)
    ours_s = time.perf_counter() - start
    said = proc.stderr.strip().splitlines()
    lines = [
        f"{copies * small:,} operations in one file ({size_mb:.0f} MB), once:",
        "",
        f"- rstar-spec lint: exit {proc.returncode} after {ours_s:.2f} s, {len(said)} line: `{said[-1] if said else ''}`",
    ]
    if REDOCLY.exists():
        start = time.perf_counter()
        try:
            their_s, their_rss = measure([str(REDOCLY), "lint", str(one_file), "--extends=recommended"], 1)
            lines.append(f"- Redocly lint (baseline): {their_s:.1f} s, peak RSS {their_rss:.0f} MiB")
        except SystemExit as exc:  # Redocly ran out of heap, or failed otherwise: say so with its time
            lines.append(
                f"- Redocly lint (baseline): failed after {time.perf_counter() - start:.0f} s: {str(exc)[-160:]}"
            )
    return lines

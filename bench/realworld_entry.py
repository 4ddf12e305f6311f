"""Bench entry: validate, lint and bundle on the public descriptions of shared/realworld/, beside Redocly.

Whole processes, median of the repeats, each pointed at the one file as a user would
(`rstar-spec --spec FILE validate|lint|bundle`), ours and Redocly's in turn, one run of each per repeat
(the machine's speed drifts over minutes: measured side by side, both sides see the same drift). The baselines run in the same loop:
`redocly lint FILE --extends=recommended` for validate and lint (Redocly has no validate of
its own; lint is what it checks a description with), `redocly bundle FILE -o OUT` for bundle.
Target: every ratio at most 0.5x, and no command crashing (an exit other than 0 or 1 fails
the run). The folder is shared/ beside the clone, or RSTAR_SHARED_DIR.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"
TARGET = 0.5

Measure = Callable[[list[str], int], tuple[float, float]]


def realworld_dir() -> Path:
    return Path(os.environ.get("RSTAR_SHARED_DIR", ROOT.parent / "shared")) / "realworld"


def run(measure: Measure, quick: bool, repeat: int = 3) -> tuple[list[str], list[str]]:
    folder = realworld_dir()
    specs = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not specs:
        return [f"no descriptions in {folder}: nothing measured"], []
    if quick:
        specs = specs[:2]
        repeat = 1
    rstar = [sys.executable, "-m", "rstar_spec"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.yaml")
        for spec in specs:
            commands = {
                command: [*rstar, "--spec", str(spec), *args]
                for command, args in (("validate", ["validate"]), ("lint", ["lint"]), ("bundle", ["bundle", "-o", out]))
            }
            if REDOCLY.exists():
                commands["redocly lint"] = [str(REDOCLY), "lint", str(spec), "--extends=recommended"]
                commands["redocly bundle"] = [str(REDOCLY), "bundle", str(spec), "-o", out]
            # one run of each in turn, `repeat` times: a machine that slows down for a while slows both sides
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
            for _ in range(repeat):
                for name, cmd in commands.items():
                    runs[name].append(measure(cmd, 1))
            measured = {
                name: (statistics.median(s for s, _ in found), max(rss for _, rss in found))
                for name, found in runs.items()
            }
            ours = {command: measured[command] for command in ("validate", "lint", "bundle")}
            rows.append((spec, ours, measured.get("redocly lint"), measured.get("redocly bundle")))
            print(f"  measured {spec.name}", file=sys.stderr)
    table = [
        "| description | MB | validate s | lint s | Redocly lint s | validate ratio | lint ratio "
        "| bundle s | Redocly bundle s | bundle ratio | peak RSS MiB (ours, most) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios: list[tuple[str, float]] = []
    for spec, ours, redocly_lint, redocly_bundle in rows:
        (validate_s, validate_rss), (lint_s, lint_rss), (bundle_s, bundle_rss) = (
            ours["validate"],
            ours["lint"],
            ours["bundle"],
        )
        cells = [spec.name, f"{spec.stat().st_size / 1e6:.2f}", f"{validate_s:.2f}", f"{lint_s:.2f}"]
        if redocly_lint and redocly_bundle:
            base_lint, base_bundle = redocly_lint[0], redocly_bundle[0]
            found = [
                (f"{spec.name} validate", validate_s / base_lint),
                (f"{spec.name} lint", lint_s / base_lint),
                (f"{spec.name} bundle", bundle_s / base_bundle),
            ]
            ratios += found
            cells += [f"{base_lint:.2f}", f"{found[0][1]:.2f}x", f"{found[1][1]:.2f}x", f"{bundle_s:.2f}"]
            cells += [f"{base_bundle:.2f}", f"{found[2][1]:.2f}x"]
        else:
            cells += ["n/a", "n/a", "n/a", f"{bundle_s:.2f}", "n/a", "n/a"]
        cells.append(f"{max(validate_rss, lint_rss, bundle_rss):.0f}")
        table.append("| " + " | ".join(cells) + " |")
    verdicts = ["- every command exited 0 or 1 on every description: no crash"]
    if ratios:
        worst_name, worst = max(ratios, key=lambda r: r[1])
        missed = [name for name, ratio in ratios if ratio > TARGET]
        verdicts.append(
            f"- worst ratio {worst:.2f}x ({worst_name}), best {min(r for _, r in ratios):.2f}x: target <= {TARGET}x "
            + ("met on every description" if not missed else f"MISSED on {len(missed)}: {', '.join(missed)}")
        )
    return [f"Whole processes, median of {repeat}, one file each ({folder}).", "", *table], verdicts

"""Bench entry: `rstar-spec diff` on real description pairs, side by side with `redocly diff` (Redocly CLI 2.77).

Whole processes, median of the repeats, peak RSS of each. The pairs are read where they are
(`../shared/realworld/`, never copied into the repository): Stripe's spec3, 2023-04-03 against 2023-09-12
(4 MB each, OpenAPI 3.0, deeply shared self-referencing schemas), and Stripe against itself. Targets
(issue 26, item 3): the Stripe pair within `redocly diff`'s time and under 1 GiB.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"
GIB = 1024.0  # MiB

PAIRS = [
    ("Stripe spec3 2023-04-03 -> 2023-09-12", "stripe-spec3-2023-04-03.yaml", "stripe-spec3-2023-09-12.yaml"),
    ("Stripe spec3 2023-09-12 against itself", "stripe-spec3-2023-09-12.yaml", "stripe-spec3-2023-09-12.yaml"),
]


def _realworld() -> Path | None:
    """The folder of public descriptions: beside the clone, or beside the main checkout of a worktree."""
    for base in (ROOT.parent, Path("/work")):
        folder = base / "shared" / "realworld"
        if folder.is_dir():
            return folder
    return None


def run(measure, quick: bool) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    folder = _realworld()
    if folder is None:
        return ["shared/realworld/ is not beside the clone: no pair to diff."], []
    redocly = REDOCLY if REDOCLY.exists() else Path("/work/main/tools/npm/node_modules/.bin/redocly")
    repeat = 1 if quick else 3
    rows = []
    for name, old, new in PAIRS[:1] if quick else PAIRS:
        ours_s, ours_rss = measure([sys.executable, "-m", "rstar_spec", "diff", str(folder / old), str(folder / new)],
                                   repeat)  # fmt: skip
        if redocly.exists():
            theirs_s, theirs_rss = measure([str(redocly), "diff", str(folder / old), str(folder / new)], repeat)
        else:
            theirs_s = theirs_rss = float("nan")
        rows.append((name, ours_s, ours_rss, theirs_s, theirs_rss))
        print(f"  measured diff of {name}", file=sys.stderr)
    lines = [
        f"Whole processes, median of {repeat}; `redocly diff` is Redocly CLI 2.77 from tools/npm, same files.",
        "",
        "| pair | rstar-spec diff s | peak RSS MiB | redocly diff s (baseline) | peak RSS MiB | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | {ours:.2f} | {rss:.0f} | {theirs:.2f} | {theirs_rss:.0f} | {ours / theirs:.2f}x |"
        for name, ours, rss, theirs, theirs_rss in rows
    ]
    name, ours, rss, theirs, _ = rows[0]
    verdicts = [
        f"- {name}: {ours / theirs:.2f}x `redocly diff`'s time: target <= 1.0x {'met' if ours <= theirs else 'MISSED'}",
        f"- {name}: peak RSS {rss:.0f} MiB: target < 1 GiB {'met' if rss < GIB else 'MISSED'}",
    ]
    return lines, verdicts

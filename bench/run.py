"""Speed and memory of `rstar-spec`, side by side with a baseline in the same run.

Each entry runs a whole process (as a user would), a few times; the table shows
the median wall time and the peak RSS of the process. The package's modules are
compiled to bytecode first, as an install leaves them (pip compiles on install):
where PYTHONDONTWRITEBYTECODE is set, every measured run would compile them again
(0.03 s a run, a third of a small spec's lint). Lint's baseline is Redocly
CLI (`redocly lint --extends recommended`, pinned in tools/npm) on the same
bundled file, with openapi-spec-validator's CLI beside it (what `validate` was
built on before jsonschema-rs). Figures go to stdout and to bench/RESULTS.md.

Targets: validate, lint and bundle of every description in shared/realworld/ at most 0.5x Redocly's time
(bench/realworld_entry.py); the project spec linted in under 0.5 s, a 2,000-operation spec at most
as long as Redocly, cost growing no worse than linearly with the number of
operations; an overlay of 1,000 actions applied to a
5 MB spec in under 1 s, growing linearly (bench/overlay_entry.py); the generated
Python client's generation time, per-request overhead and iteration memory
(bench/client_entry.py); `traffic check` on 100k and 300k entries in flat memory (bench/traffic_entry.py);
`diff` on Stripe's description pair within `redocly diff`'s time and 1 GiB (bench/diff_entry.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import client_entry
import diff_entry
import lint_scale_entry
import mock_entry
import overlay_entry
import proxy_entry
import publish_entry
import realworld_entry
import traffic_entry
from synth import write_synthetic_spec

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BIN = Path(sys.executable).parent


GNU_TIME = shutil.which("time") if Path("/usr/bin/time").exists() else None


def run_process(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one run of cmd; fails loudly if cmd fails.

    The peak RSS comes from GNU time when it is there: a child's own ru_maxrss counts
    the pages it held as a fork of this (large) bench process before it exec'd, which
    inflated every figure by the bench's size.
    """
    wrapped = ["/usr/bin/time", "-f", "rstar-bench-maxrss=%M", *cmd] if GNU_TIME else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):  # 1: findings, still a full run
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}): {err.strip()[:300]}")
    found = re.search(r"rstar-bench-maxrss=(\d+)", err)
    return elapsed, (int(found.group(1)) if found else usage.ru_maxrss) / 1024


def measure(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [run_process(cmd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def count_operations(root_file: Path) -> int:
    from rstar_spec import bundle
    from rstar_spec.oas.walk import iter_operations

    return sum(1 for _ in iter_operations(bundle(root_file).data))


def compile_bytecode() -> None:
    """The package's bytecode, as an install leaves it (next to the modules, in __pycache__)."""
    import compileall

    import rstar_spec

    compileall.compile_dir(Path(rstar_spec.__file__).parent, quiet=1)


def main() -> int:
    compile_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: the project spec and 50 operations, once")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=("spec", "lint-scale", "overlay", "publish", "mock", "client", "proxy", "traffic", "diff", "realworld"),
        help="run one entry",
    )
    parser.add_argument("--huge", action="store_true", help="also 200,000 operations in one file (Redocly: minutes)")
    args = parser.parse_args()
    sections: list[str] = []
    if args.only in (None, "spec"):
        sections += spec_entry(args)
    if args.only in (None, "lint-scale"):
        with tempfile.TemporaryDirectory() as tmp:
            lines, verdicts = lint_scale_entry.run(measure, Path(tmp), args.quick, args.huge)
        sections += ["## lint with findings, with anchors, at 20,000 operations", "", *lines, "", *verdicts, ""]
    if args.only in (None, "overlay"):
        lines, verdicts = overlay_entry.run(Path(tempfile.gettempdir()), args.quick)
        sections += ["## Overlay", "", *lines, "", *verdicts, ""]
    if args.only in (None, "mock"):
        lines, verdicts = mock_entry.run(args.quick)
        sections += ["## Mock server and contract suite", "", *lines, "", *verdicts, ""]
    if args.only in (None, "proxy"):
        lines, verdicts = proxy_entry.run(args.quick)
        sections += [
            "## Traffic: the checking proxy beside Prism's, traffic check beside redocly drift",
            "",
            *lines,
            "",
            *verdicts,
            "",
        ]
    if args.only in (None, "traffic"):
        with tempfile.TemporaryDirectory() as tmp:
            lines, verdicts = traffic_entry.run(measure, Path(tmp), args.quick)
        sections += ["## traffic check on large recordings (streamed)", "", *lines, "", *verdicts, ""]
    if args.only in (None, "client"):
        lines, verdicts = client_entry.run(measure, args.quick)
        sections += ["## Generated Python client", "", *lines, *verdicts, ""]
    if args.only in (None, "realworld"):
        lines, verdicts = realworld_entry.run(measure, args.quick, args.repeat)
        sections += [
            "## validate, lint and bundle on public descriptions (shared/realworld/), beside Redocly",
            "",
            *lines,
            "",
            *verdicts,
            "",
        ]
    if args.only in (None, "publish"):
        lines, verdicts = publish_entry.run(measure, args.quick)
        sections += ["## publish and diff", "", *lines, "", *verdicts, ""]
    if args.only in (None, "diff"):
        lines, verdicts = diff_entry.run(measure, args.quick)
        sections += ["## diff on real descriptions, beside redocly diff", "", *lines, "", *verdicts, ""]
    report = "\n".join(
        [
            "# Benchmark results",
            "",
            f"`nox -s bench{' -- --quick' if args.quick else ''}`, "
            f"{os.cpu_count()} cores, Python {sys.version.split()[0]}.",
            "",
            *sections,
        ]
    )
    print(report)
    if not args.quick and args.only is None:  # a smoke run or a single entry does not replace the figures
        RESULTS.write_text(report, encoding="utf-8")
    return 0


REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"


def spec_entry(args: argparse.Namespace) -> list[str]:
    """`rstar-spec lint` (bundle, structure, examples, 33 rules) beside `redocly lint --extends recommended`
    on the same one-file document, and openapi-spec-validator (what validate used to be)."""
    sizes = [50] if args.quick else [50, 500, 2000]
    repeat = 1 if args.quick else args.repeat

    rstar = [sys.executable, "-m", "rstar_spec"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        specs = [("project spec", ROOT / "spec" / "openapi.yaml")]
        specs += [(f"synthetic {n}", write_synthetic_spec(Path(tmp) / f"s{n}", n)) for n in sizes]
        for name, root_file in specs:
            bundled = Path(tmp) / f"{name.replace(' ', '-')}.yaml"
            subprocess.run([*rstar, "--spec", str(root_file), "bundle", "-o", str(bundled)], check=True)
            ops = count_operations(root_file)
            split_s, _ = measure([*rstar, "--spec", str(root_file), "lint"], repeat)
            one_s, one_rss = measure([*rstar, "--spec", str(bundled), "lint"], repeat)
            redocly_s = (
                measure([str(REDOCLY), "lint", str(bundled), "--extends=recommended"], repeat)[0]
                if REDOCLY.exists()
                else None
            )
            base_s, _ = (
                measure([str(BIN / "openapi-spec-validator"), str(bundled)], repeat)
                if (BIN / "openapi-spec-validator").exists()
                else (None, None)
            )
            rows.append((name, ops, split_s, one_s, one_rss, redocly_s, base_s))
            print(f"  measured {name}: {ops} operations", file=sys.stderr)

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    table = [
        "| spec | ops | rstar-spec lint s (spec/ files) | rstar-spec lint s (one bundled file) | peak RSS MiB "
        "| Redocly lint s (same file, baseline) | ratio to Redocly | openapi-spec-validator s (same file) | ms per op |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ops, split_s, one_s, rss, redocly_s, base_s in rows:
        ratio = f"{one_s / redocly_s:.2f}x" if redocly_s else "n/a"
        table.append(
            f"| {name} | {ops} | {split_s:.2f} | {one_s:.2f} | {rss:.0f} | {fmt(redocly_s)} | {ratio} "
            f"| {fmt(base_s)} | {1000 * one_s / ops:.1f} |"
        )
    project_s = rows[0][2]
    verdicts = [f"- project spec linted in {project_s:.2f} s: target < 0.5 s {'met' if project_s < 0.5 else 'MISSED'}"]
    largest = rows[-1]
    if largest[5]:
        ratio = largest[3] / largest[5]
        verdicts.append(
            f"- {largest[0]}: {ratio:.2f}x `redocly lint --extends recommended` on the same file: "
            f"target <= 1.0x {'met' if ratio <= 1.0 else 'MISSED'}"
        )
    synthetic = rows[1:]
    if len(synthetic) >= 2:
        (_, ops_a, _, s_a, *_), (_, ops_b, _, s_b, *_) = synthetic[-2], synthetic[-1]
        growth, size = s_b / s_a, ops_b / ops_a
        verdicts.append(
            f"- growth {ops_a} -> {ops_b} ops: time x{growth:.2f} for x{size:.1f} the operations: "
            f"{'no worse than linear' if growth <= 1.25 * size else 'WORSE than linear'} (within the +-25 % noise band)"
        )
    loader = loader_entry(repeat) if not args.quick else []
    return [
        "## lint (bundle, structure, examples, rules)",
        "",
        f"Whole processes, median of {repeat}.",
        "",
        *table,
        "",
        *verdicts,
        "",
        *loader,
    ]


def loader_entry(repeat: int) -> list[str]:
    """Reading the 2,000-operation spec as one file, in-process: libyaml alone, our positional loader, the native one."""
    import yaml

    from rstar_spec.core._native import native_data
    from rstar_spec.core.yaml_io import _positional

    with tempfile.TemporaryDirectory() as tmp:
        root_file = write_synthetic_spec(Path(tmp) / "s2000", 2000)
        one_file = Path(tmp) / "one.yaml"
        bundle_cmd = [sys.executable, "-m", "rstar_spec", "--spec", str(root_file), "bundle", "-o", str(one_file)]
        subprocess.run(bundle_cmd, check=True)
        text = one_file.read_text(encoding="utf-8")

    def timed(read: Callable[[], object]) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            read()
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    base = timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader))
    positional = timed(lambda: _positional(text, one_file))
    native = timed(lambda: native_data(text))
    return [
        f"Reading the 2,000-operation spec as one file ({len(text) / 1e6:.1f} MB), in-process, median of {repeat}:",
        "",
        "| loader | s | ratio to yaml.CSafeLoader |",
        "|---|---:|---:|",
        f"| yaml.CSafeLoader alone (baseline: data, no positions) | {base:.2f} | 1.00x |",
        f"| positional (libyaml compose + our builder, every position) | {positional:.2f} | {positional / base:.2f}x |",
        f"| native (rapidyaml + json; positions only when a finding needs one) | {native:.2f} | {native / base:.2f}x |",
        "",
    ]


if __name__ == "__main__":
    raise SystemExit(main())

"""Bench entry: publish and diff on the project spec and the synthetic 2,000-operation spec.

Whole processes, median of the repeats. `rstar-spec publish` bundles, applies the
publish overlay, dereferences, down-converts, validates all three renderings and
writes six files; beside it, Redocly CLI's `bundle --dereferenced` of the same source
(the baseline of the 2.5x target) when the pinned npm tools are installed
(`npm ci --prefix tools/npm`). `rstar-spec diff` compares the spec with a copy in
which every tenth resource lost an operation and gained a required property.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REDOCLY = ROOT / "tools" / "npm" / "node_modules" / ".bin" / "redocly"


def _changed_copy(root_file: Path, into: Path) -> Path:
    shutil.copytree(root_file.parent, into)
    schemas = into / "components" / "schemas.yaml"
    data = yaml.safe_load(schemas.read_text())
    names = [n for n in data if n.endswith("Input")]
    for name in names[::10]:
        data[name]["properties"]["extra"] = {"type": "string"}
        data[name]["required"].append("extra")
    schemas.write_text(yaml.safe_dump(data, sort_keys=False))
    for item in sorted((into / "paths").glob("*-item.yaml"))[::10]:
        doc = yaml.safe_load(item.read_text())
        doc.pop("delete", None)
        item.write_text(yaml.safe_dump(doc, sort_keys=False))
    return into / root_file.name


def run(measure, quick: bool) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    from synth import write_synthetic_spec

    repeat = 1 if quick else 3
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # A synthetic spec is published with the publish overlay alone: the python-client overlay names
        # operations only the project spec has (its hints then default by method, as for any spec).
        synthetic_overlays = Path(tmp) / "overlays"
        synthetic_overlays.mkdir()
        shutil.copy(ROOT / "overlays" / "publish.yaml", synthetic_overlays / "publish.yaml")
        specs = [("project spec", ROOT / "spec" / "openapi.yaml")]
        if not quick:
            specs.append(("synthetic 2000", write_synthetic_spec(Path(tmp) / "s2000", 2000)))
        for name, root_file in specs:
            out = Path(tmp) / f"out-{name.replace(' ', '-')}"
            overlays = ROOT / "overlays" if name == "project spec" else synthetic_overlays
            rstar = [sys.executable, "-m", "rstar_spec", "--overlays", str(overlays)]
            publish_s, publish_rss = measure([*rstar, "--spec", str(root_file), "publish", "-o", str(out)], repeat)
            redocly = "n/a"
            if REDOCLY.exists():
                redocly_s, _ = measure(
                    [str(REDOCLY), "bundle", "--dereferenced", str(root_file), "-o", str(Path(tmp) / "r.yaml")],
                    repeat,
                )
                redocly = f"{redocly_s:.2f}"
            changed = _changed_copy(root_file, Path(tmp) / f"changed-{name.replace(' ', '-')}")
            diff_s, diff_rss = measure([*rstar, "diff", str(root_file), str(changed)], repeat)
            rows.append((name, publish_s, publish_rss, redocly, diff_s, diff_rss))
    lines = [
        f"Whole processes, median of {repeat}.",
        "",
        "| spec | publish s (publish overlay, `$..` query) | publish peak RSS MiB "
        "| Redocly bundle --dereferenced s (same source, baseline) | ratio | diff s | diff peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n} | {p:.2f} | {pr:.0f} | {r} | {p / float(r):.2f}x | {d:.2f} | {dr:.0f} |"
        if r != "n/a"
        else f"| {n} | {p:.2f} | {pr:.0f} | n/a | n/a | {d:.2f} | {dr:.0f} |"
        for n, p, pr, r, d, dr in rows
    ]
    verdicts = [
        f"- publish of {n}: {p:.2f} s, {p / float(r):.2f}x `redocly bundle --dereferenced`: target <= 2.5x "
        f"{'met' if p <= 2.5 * float(r) else 'MISSED'}"
        for n, p, _, r, *_ in rows
        if n == "synthetic 2000" and r != "n/a"
    ]
    return lines, verdicts

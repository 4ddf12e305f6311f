"""The consumers' documents: the bundle with the overlay of each consumer applied.

A target NAME is the overlay ``overlays/NAME.yaml``; `rstar-spec bundle --target NAME`
builds it. The pipeline always applies overlays in strict mode, so that a
renamed path or component never silently disables an action.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import RstarError, UsageError, display_path
from ..oas.bundle import bundle
from ..oas.openapi30 import version_of
from .engine import Overlay, apply_overlay, load_overlay


def overlay_files(overlays_dir: Path) -> list[Path]:
    if not overlays_dir.is_dir():
        return []
    return sorted(p for p in overlays_dir.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def target_names(overlays_dir: Path) -> list[str]:
    return [p.stem for p in overlay_files(overlays_dir)]


def overlay_for(target: str, overlays_dir: Path) -> Path:
    for path in overlay_files(overlays_dir):
        if path.stem == target:
            return path
    if not overlays_dir.is_dir():
        raise UsageError(
            f"target {target!r}: no overlays folder {display_path(overlays_dir)}/ here (looked in "
            f"{overlays_dir.resolve()}): run from the repository root, or pass --overlays DIR (and --spec FILE)"
        )
    known = ", ".join(target_names(overlays_dir)) or f"none: {display_path(overlays_dir)}/ has no overlays"
    raise UsageError(f"unknown target {target!r} (known: {known}; looked in {overlays_dir.resolve()})")


def build_target(root_file: Path, target: str, overlays_dir: Path, *, needs_31: str | None = None) -> Any:
    """The target's document: the bundle with the target's overlay applied strictly. With needs_31 (the name
    of the command), a spec that is not OpenAPI 3.1 is refused before any overlay is applied."""
    overlay = load_overlay(overlay_for(target, overlays_dir))  # fails before bundling on a bad overlay
    return apply_overlay(_bundled(root_file, needs_31), overlay, strict=True)


def _bundled(root_file: Path, needs_31: str | None) -> Any:
    result = bundle(root_file)
    if needs_31 is not None and version_of(result.data) != "3.1":
        raise RstarError(
            f"{needs_31} needs an OpenAPI 3.1 spec and this one is {result.data.get('openapi')!r}: convert it to "
            "3.1 first (validate, lint, bundle, mock and traffic check take it as it is)",
            result.locate(("openapi",)),
        )
    return result.data


def build_targets(
    root_file: Path, targets: list[str], overlays_dir: Path, *, needs_31: str | None = None
) -> dict[str, Any]:
    """Several targets' documents from one bundle, each overlay on its own copy (the last on the bundle
    itself); a target without an overlay in overlays_dir is the bundle as it is. needs_31: see build_target."""
    known = set(target_names(overlays_dir))
    overlays = {t: load_overlay(overlay_for(t, overlays_dir)) for t in targets if t in known}  # checked first
    data = _bundled(root_file, needs_31)
    built = {}
    for i, target in enumerate(targets):
        doc = data if i == len(targets) - 1 else copy.deepcopy(data)
        built[target] = apply_overlay(doc, overlays[target], strict=True) if target in overlays else doc
    return built


@dataclass(frozen=True)
class OverlayCheck:
    path: Path
    actions: int
    error: RstarError | None


def check_overlays(root_file: Path, paths: list[Path]) -> list[OverlayCheck]:
    """Each overlay: schema-valid, compiled, and applied strictly to a fresh bundle."""
    checks = []
    for path in paths:
        try:
            overlay: Overlay = load_overlay(path)
            apply_overlay(bundle(root_file).data, overlay, strict=True)
        except RstarError as exc:  # an overlay that is not YAML is as broken as one that selects nothing
            checks.append(OverlayCheck(path, 0, exc))
        else:
            checks.append(OverlayCheck(path, len(overlay.actions), None))
    return checks

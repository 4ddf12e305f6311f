"""The folders of src/rstar_spec are its layers: a folder imports only from the folders below it
(ARCHITECTURE.md draws the order), and the client's runtime imports nothing of rstar_spec."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "rstar_spec"
# Lowest first; folders on one rank do not import each other.
RANKS = [{"core"}, {"oas"}, {"overlay", "sdk", "lint", "mock", "traffic"}, {"python_client"}, {"publish"},
         {"diff"}, {"contract"}, {"cli"}, {"__init__", "__main__"}]  # fmt: skip
RANK = {name: i for i, names in enumerate(RANKS) for name in names}


def _imported_folders(path: Path) -> set[str]:
    """The top folders of rstar_spec that the module at path imports (relative or absolute)."""
    module_parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module_parts[: len(module_parts) - node.level])
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [target] if target else [[alias.name] for alias in node.names]
            elif node.module and node.module.split(".")[0] == "rstar_spec":
                names = [node.module.split(".")[1:] or [alias.name for alias in node.names][:1]]
            else:
                continue
            found.update(parts[0] for parts in names if parts)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("rstar_spec."))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_folder_has_a_rank() -> None:
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _modules()}
    assert tops <= set(RANK), f"folders without a rank in this test and ARCHITECTURE.md: {tops - set(RANK)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_imports_only_its_own_folder_and_lower_ones(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    upward = {f for f in _imported_folders(path) if f != own and f in RANK and RANK[f] >= RANK[own]}
    assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}, not below {own}"


def test_the_client_runtime_imports_nothing_of_rstar_spec() -> None:
    runtime = PACKAGE / "python_client" / "runtime"
    for path in runtime.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "rstar_spec" not in text.replace("rstar_spec/", ""), path
        outside = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.ImportFrom) and n.level > 1 + (
            len(path.relative_to(runtime).parts) - 1)]  # fmt: skip
        assert not outside, f"{path} imports from outside the runtime"

"""rstar-spec: the source of truth for the Reception Star API v3, and its tooling.

The public API re-exports the pieces the CLI is made of:

- ``bundle(root_file) -> Bundle``: the split spec joined into one document,
  with a source map back to the files;
- ``validate(doc) -> list[Problem]``: structure and examples;
- ``run_rules(bundle) -> list[Finding]``: the house lint rules.
"""

__version__ = "0.1.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .core.errors import BundleError, Location, RefError, RstarError, SpecLoadError, UsageError

if TYPE_CHECKING:
    from .lint import RULES, Finding, run_rules
    from .oas.bundle import Bundle, bundle
    from .oas.validate import Problem, validate

# Lint and validation pull in the schema engine (jsonschema-rs) and the lint rules:
# loaded on first use, so `rstar-spec bundle` does not pay for them. The bundler (the YAML readers) too:
# the contract suite's schemathesis processes import this package for their checks and read no YAML.
_LAZY = {
    "Bundle": ".oas.bundle",
    "bundle": ".oas.bundle",
    "RULES": ".lint",
    "Finding": ".lint",
    "run_rules": ".lint",
    "Problem": ".oas.validate",
    "validate": ".oas.validate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RULES",
    "Bundle",
    "BundleError",
    "Finding",
    "Location",
    "Problem",
    "RefError",
    "RstarError",
    "SpecLoadError",
    "UsageError",
    "__version__",
    "bundle",
    "run_rules",
    "validate",
]

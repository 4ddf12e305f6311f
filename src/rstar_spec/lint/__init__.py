"""`rstar-spec lint`: the house rules, reported at their place in the source files."""

from . import rules as _rules  # noqa: F401  (registers the rules)
from ._registry import RULES, Finding, LintContext, Rule, rule, run_rules

__all__ = ["RULES", "Finding", "LintContext", "Rule", "rule", "run_rules"]

"""The lint machinery: rules as small registered functions, findings as values.

A rule is a function ``check(ctx) -> Iterable[(pointer, message)]`` registered
with ``@rule(id, reason)``; the pointer is a place in the bundle, turned into the
source location (``file:line:col``) through the bundle's source map. A node may
silence rules for itself and everything below it with ``x-lint-ignore: [rule-id]``
(the publish overlay strips that extension).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .._errors import Location
from .._pointer import Pointer
from .._walk import iter_operations, resolve
from ..bundle import Bundle

Check = Callable[["LintContext"], Iterable[tuple[Pointer, str]]]
IGNORE_KEY = "x-lint-ignore"


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    check: Check = field(repr=False)
    severity: str = "error"


RULES: dict[str, Rule] = {}


def rule(rule_id: str, reason: str, severity: str = "error") -> Callable[[Check], Check]:
    """Register a check under rule_id; reason is the one line that says why the rule exists."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, reason, check, severity)
        return check

    return register


@dataclass(frozen=True, order=True)
class Finding:
    location: Location
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location} {self.rule} {self.message}"


class LintContext:
    """What rules look at: the bundled document, with helpers cached once per run."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.doc = bundle.data

    def resolve(self, node: Any, pointer: Pointer) -> tuple[Pointer, Any]:
        return resolve(self.doc, node, pointer)

    @cached_property
    def operations(self) -> list[tuple[Pointer, str, str, dict[str, Any]]]:
        return list(iter_operations(self.doc))


def _ignored(doc: Any, pointer: Pointer, rule_id: str) -> bool:
    node = doc
    for token in (None, *pointer):
        if token is not None:
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return False
        if isinstance(node, dict):
            ignored = node.get(IGNORE_KEY)
            if isinstance(ignored, list) and rule_id in ignored:
                return True
    return False


def run_rules(bundle: Bundle, rule_ids: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the selected rules (all by default), sorted by place, without repeats."""
    ctx = LintContext(bundle)
    selected = [RULES[r] for r in rule_ids] if rule_ids is not None else list(RULES.values())
    findings: set[Finding] = set()
    for lint_rule in selected:
        for pointer, message in lint_rule.check(ctx):
            if not _ignored(bundle.data, pointer, lint_rule.id):
                findings.add(Finding(bundle.locate(pointer), lint_rule.id, message, lint_rule.severity))
    return sorted(findings)

"""The lint machinery: rules as small registered functions that subscribe to node kinds.

A rule is registered with ``@rule(id, reason, on=KIND)`` and called once per
node of that kind, as Redocly's and Spectral's visitors do:
``check(ctx, node) -> Iterable[(pointer, message)]``. One typed walk of the
document (``_visit.py``) finds every node of every kind once; rules that compare
nodes with one another (unique operationIds, unused components) subscribe to
``document`` and read the walk's index instead of walking again.

The pointer of a finding is a place in the bundle, turned into ``file:line:col``
through the bundle's source map only then: a clean run never computes a
position. A node may silence rules for itself and everything below it with
``x-lint-ignore: [rule-id]`` (the publish overlay strips that extension).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..core._memory import release_freed_memory
from ..core.errors import Location
from ..core.pointer import Pointer
from ..core.progress import step
from ..oas.bundle import Bundle
from ..oas.openapi30 import version_of
from ..oas.validate import Problem, shape_problems
from ..oas.view import DocumentView
from ..oas.walk import resolve, walks_kept
from ._visit import KINDS, Node, index_document

Check = Callable[["LintContext", Node], Iterable[tuple[Pointer, str]]]
IGNORE_KEY = "x-lint-ignore"
STRUCTURE_RULE = "openapi-structure"


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    check: Check = field(repr=False)
    severity: str = "error"
    on: tuple[str, ...] = ("document",)
    holding: tuple[str, ...] = ()  # asked only of the nodes that hold one of these keys (none: of every node)

    def asks(self, nodes: list[Node]) -> list[Node]:
        """The nodes this rule is asked of (Stripe has 17,860 schemas, and 3 rules on schemas read one key)."""
        if not self.holding:
            return nodes
        keys = frozenset(self.holding)  # (isdisjoint reads the node's few keys in C)
        return [n for n in nodes if isinstance(n.value, dict) and not keys.isdisjoint(n.value)]


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    reason: str,
    *,
    on: str | tuple[str, ...],
    severity: str = "error",
    holding: tuple[str, ...] = (),
) -> Callable[[Check], Check]:
    """Register check under rule_id, called for every node of the kind(s) `on` (that holds one of the keys
    `holding`, when given); reason says why the rule exists."""
    kinds = (on,) if isinstance(on, str) else on
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ValueError(f"lint rule {rule_id!r} subscribes to {unknown[0]!r}, not one of {', '.join(KINDS)}")

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, reason, check, severity, kinds, holding)
        return check

    return register


class Finding(NamedTuple):
    """A lint finding; ordered by place, rule, message. (A tuple: a big spec's lint makes thousands.)"""

    location: Location
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location} {self.rule} {self.message}"


class LintContext:
    """What rules look at: the bundled document and the index of its nodes by kind (one walk)."""

    def __init__(self, bundle: Bundle, shapes: list[Problem] | None = None) -> None:
        self.bundle = bundle
        self.shapes = shapes  # the structure check's shape problems, when run_rules has them
        self.doc = bundle.data
        self.version = version_of(self.doc)  # "3.0" or "3.1": which words a schema speaks
        self.index: dict[str, list[Node]] = index_document(self.doc)

    @functools.cached_property
    def view(self) -> DocumentView:
        """The document's one typed view (and its resource model), built once for every rule that reads it
        (built per list operation, it cost Stripe's lint 4 s)."""
        return DocumentView.of(self.doc)

    def resolve(self, node: Any, pointer: Pointer) -> tuple[Pointer, Any]:
        return resolve(self.doc, node, pointer)

    def nodes(self, kind: str) -> list[Node]:
        return self.index[kind]


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
    # The rules walk the shapes the structure check holds a document to. On a document whose shapes are not valid
    # OpenAPI, a rule that trips over one (reads a list as a map) adds nothing to what the structure check says:
    # its exception is dropped and the shape problems are the findings in its stead. On a sound one, it is a bug.
    with walks_kept():  # the document does not change while the rules read it
        return _run_rules(bundle, rule_ids)


def _run_rules(bundle: Bundle, rule_ids: Iterable[str] | None) -> list[Finding]:
    shapes = shape_problems(bundle.data)
    selected = [RULES[r] for r in rule_ids] if rule_ids is not None else list(RULES.values())
    by_kind: dict[str, list[Rule]] = {}
    for lint_rule in selected:
        for kind in lint_rule.on:
            by_kind.setdefault(kind, []).append(lint_rule)
    raw: list[tuple[Rule, Pointer, str]] = []
    tripped = False
    try:
        ctx = LintContext(bundle, shapes)
    except Exception:
        if not shapes:
            raise
        by_kind, tripped = {}, True
    for kind, subscribers in by_kind.items():
        for lint_rule in subscribers:
            if kind == "document":
                step(f"rule {lint_rule.id}")
            for node in lint_rule.asks(ctx.nodes(kind)):
                try:
                    found = list(lint_rule.check(ctx, node))
                    if found:  # most nodes give nothing: no second generator for them (18,000 schemas in Stripe)
                        raw.extend((lint_rule, pointer, message) for pointer, message in found)
                except Exception:
                    if not shapes:
                        raise
                    tripped = True
            if kind == "document":  # a whole-document check copies the document into Rust: give it back
                release_freed_memory()
    if tripped:
        raw += [(RULES[STRUCTURE_RULE], p.pointer, p.message) for p in shapes]
    step("placing findings")
    # no source says x-lint-ignore (read natively, the text is kept): nothing is silenced, nothing to look up
    silencing = any(doc.text is None or IGNORE_KEY in doc.text for doc in bundle.source_map.docs.values())
    findings = {
        Finding(bundle.locate(pointer), lint_rule.id, message, lint_rule.severity)
        for lint_rule, pointer, message in raw
        if not (silencing and _ignored(bundle.data, pointer, lint_rule.id))
    }
    # by place, rule, message (the dataclass's order), with the key built once per finding
    return sorted(
        findings, key=lambda f: (f.location.file, f.location.line, f.location.col, f.rule, f.message, f.severity)
    )

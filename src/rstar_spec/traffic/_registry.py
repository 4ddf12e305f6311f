"""Traffic rules as small registered functions, as lint's and schemathesis' checks are.

A single-exchange rule, ``@single(id, reason)``, is ``check(ctx) -> Iterable[Verdict]``: it sees one
exchange matched to its operation. A cross-exchange rule, ``@across(id, reason)``, is a class made
fresh for each recording; ``observe(ctx, items)`` is called for every exchange in recorded order, with
what the recording showed of the item before this exchange (``items``, kept by the checker).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._context import ExchangeContext

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Verdict:
    severity: str  # error (a finding) or warning
    message: str


def finding(message: str) -> Verdict:
    return Verdict(ERROR, message)


def warning(message: str) -> Verdict:
    return Verdict(WARNING, message)


class CrossRule(Protocol):
    def observe(self, ctx: ExchangeContext, items: Any) -> Iterable[Verdict]: ...


SingleCheck = Callable[[ExchangeContext], Iterable[Verdict]]


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str
    kind: str  # single or across
    check: SingleCheck | None = field(default=None, repr=False)
    factory: Callable[[], CrossRule] | None = field(default=None, repr=False)


RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if rule.id in RULES:
        raise ValueError(f"traffic rule {rule.id!r} registered twice")
    RULES[rule.id] = rule


def single(rule_id: str, reason: str) -> Callable[[SingleCheck], SingleCheck]:
    def register(check: SingleCheck) -> SingleCheck:
        _register(Rule(rule_id, reason, "single", check=check))
        return check

    return register


def across(rule_id: str, reason: str) -> Callable[[type[Any]], type[Any]]:
    def register(cls: type[Any]) -> type[Any]:
        _register(Rule(rule_id, reason, "across", factory=cls))
        return cls

    return register

"""Recorded exchanges checked against a spec: each matched to its operation through the document view's
router, the single-exchange rules run on it, then the cross-exchange rules in recorded order.

``TrafficSession`` is the state of one recording (or of one proxy run): feed it exchanges in order, get
findings back. ``check_files`` reads HAR files one after the other, entry by entry, each as its own
session, and hands every finding to a report function as it is found: memory holds one entry and the
bounded state across exchanges (traffic/_items.py), never the file or the findings (they are counted).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from ..core.errors import RstarError
from . import rules as _rules  # noqa: F401  (registers the rules)
from ._context import ExchangeContext, Spec
from ._items import Items
from ._printable import printable
from ._registry import ERROR, RULES, WARNING, CrossRule, Verdict
from .har import Exchange, HarEntries

DEFAULT_WINDOW = 5.0
"""Seconds between two exchanges within which the recording leaves no room for another writer."""


@dataclass(frozen=True)
class Finding:
    source: str  # the recording, as printed
    index: int  # the entry's position in log.entries
    method: str
    path: str  # the URL's path as sent: never its query (it may hold a secret)
    status: int
    rule: str
    severity: str
    message: str

    def __post_init__(self) -> None:
        # Every text of a finding may hold a value of the traffic: escaped here, once, whoever prints it
        for name in ("source", "method", "path", "rule", "message"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        label = "" if self.severity == ERROR else "warning: "
        return f"{self.source}#{self.index} {self.method} {self.path} {self.status} {self.rule}: {label}{self.message}"

    def github(self) -> str:
        kind = "error" if self.severity == ERROR else "warning"
        text = f"{self.source}#{self.index} {self.method} {self.path} {self.status}: {self.message}"
        escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} title=traffic {self.rule}::{escaped}"


@dataclass
class Counts:
    checked: int = 0
    skipped: int = 0  # other hosts or paths, no operation, no answer, a browser's cache
    findings: int = 0
    warnings: int = 0

    def add(self, other: Counts) -> None:
        self.checked += other.checked
        self.skipped += other.skipped
        self.findings += other.findings
        self.warnings += other.warnings

    def line(self) -> str:
        return f"traffic: checked {self.checked}, skipped {self.skipped}, findings {self.findings}, warnings {self.warnings}"


class Checker:
    """The spec, read once, and which entries it speaks for: under its server's path on any host, or
    under base_url only (its scheme, host, port and path)."""

    def __init__(self, spec: Spec, base_url: str | None = None, window: float = DEFAULT_WINDOW,
                 rule_ids: Sequence[str] | None = None) -> None:  # fmt: skip
        self.spec = spec
        self.window = window
        self.origin: tuple[str, str] | None = None
        self.base_path = spec.view.base_path
        if base_url is not None:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise RstarError(f"--base-url {base_url!r}: not an http(s) URL with a host")
            self.origin = (parts.scheme.lower(), parts.netloc.lower())
            self.base_path = parts.path.rstrip("/")
        unknown = [r for r in rule_ids or () if r not in RULES]
        if unknown:
            raise RstarError(f"unknown traffic rule {unknown[0]!r} (rstar-spec traffic rules lists them)")
        chosen = [RULES[r] for r in rule_ids] if rule_ids else list(RULES.values())
        self.single = [r for r in chosen if r.kind == "single"]
        self.across = [r for r in chosen if r.kind == "across"]

    def context(self, source: str, exchange: Exchange) -> ExchangeContext | None:
        """The exchange matched to its operation; None when the spec does not speak for it."""
        try:
            parts = urlsplit(exchange.url)
        except ValueError:  # not a URL (`http://[::1`): a HAR reader refuses it; a proxy may pass one on
            return None
        if self.origin is not None and (parts.scheme.lower(), parts.netloc.lower()) != self.origin:
            return None
        under = self.spec.view.under_base(parts.path or "/", self.base_path)
        if under is None:
            return None
        match = self.spec.view.router.match(exchange.method, under)
        if match is None:
            return None
        return ExchangeContext(source, exchange, match.operation, under, match.path_params, self.spec)

    def session(self, source: str) -> TrafficSession:
        return TrafficSession(self, source)


@dataclass
class TrafficSession:
    checker: Checker
    source: str
    counts: Counts = field(default_factory=Counts)
    items: Items = field(default_factory=Items)
    cross: list[tuple[str, CrossRule]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items.max_age = max(self.items.max_age, self.checker.window)  # history outlives the window
        for rule in self.checker.across:
            assert rule.factory is not None
            instance = rule.factory()
            instance.window = self.checker.window  # type: ignore[attr-defined]
            self.cross.append((rule.id, instance))

    def observe(self, exchange: Exchange) -> list[Finding]:
        """Check one exchange, the next in recorded order."""
        ctx = self.checker.context(self.source, exchange)
        if ctx is None:
            self.counts.skipped += 1
            return []
        self.counts.checked += 1
        found: list[Finding] = []
        for rule in self.checker.single:
            assert rule.check is not None
            found += self._findings(ctx, rule.id, rule.check(ctx))
        for rule_id, instance in self.cross:
            found += self._findings(ctx, rule_id, instance.observe(ctx, self.items))
        self.items.update(ctx)
        return found

    def check(self, exchanges: Iterable[Exchange], report: Callable[[Finding], None]) -> Counts:
        """Check exchanges as they come (a generator is read one at a time), each finding reported at once."""
        for exchange in exchanges:
            for found in self.observe(exchange):
                report(found)
        return self.counts

    def _findings(self, ctx: ExchangeContext, rule_id: str, verdicts: Iterable[Verdict]) -> list[Finding]:
        found = []
        exchange = ctx.exchange
        path = urlsplit(exchange.url).path
        for verdict in verdicts:
            if verdict.severity == ERROR:
                self.counts.findings += 1
            elif verdict.severity == WARNING:
                self.counts.warnings += 1
            found.append(Finding(self.source, exchange.index, exchange.method, path, exchange.status, rule_id,
                                 verdict.severity, verdict.message))  # fmt: skip
        return found


def check_files(checker: Checker, paths: Sequence[Path], report: Callable[[Finding], None]) -> Counts:
    """Each file read and checked entry by entry, one after the other, every finding reported as it is
    found. A file that cannot be read stops the run at the entry at fault (HarError); what came before it
    has been reported."""
    total = Counts()
    for path in paths:
        entries = HarEntries(path)
        session = checker.session(entries.where)
        session.check(entries, report)
        session.counts.skipped += entries.unanswered + entries.cached
        total.add(session.counts)
    return total


def check_recordings(checker: Checker, paths: Sequence[Path]) -> tuple[list[Finding], Counts]:
    """check_files, its findings gathered in a list: for tests and small recordings, not for the CLI."""
    findings: list[Finding] = []
    counts = check_files(checker, paths, findings.append)
    return findings, counts


class FindingWriter:
    """Findings written as they come: `text` (a line each), `github` (a workflow annotation each) or
    `json` (JSON Lines: an object a finding, then `{"summary": {...}}` as the last line)."""

    def __init__(self, fmt: str, out: TextIO) -> None:
        self.fmt = fmt
        self.out = out

    def write(self, found: Finding) -> None:
        if self.fmt == "json":
            text = json.dumps(found.as_json(), ensure_ascii=False)
        elif self.fmt == "github":
            text = found.github()
        else:
            text = found.line()
        self.out.write(text + "\n")

    def finish(self, counts: Counts) -> None:
        if self.fmt == "json":
            self.out.write(json.dumps({"summary": asdict(counts)}) + "\n")
        self.out.flush()

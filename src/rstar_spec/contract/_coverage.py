"""What a contract run verified: for each operation, each documented response with how many times the
server answered it to the suite's requests, each documented header seen or not, each link followed,
and every undocumented status seen.

Observed where the server's answers pass: `Recorder.observe` wraps the ASGI app the suite talks to
(the embedded mock itself, or the guard's proxy in front of a server we do not run), so it sees every
request of the schemathesis process, the follow-up requests of our checks included, exactly once. The
guard's own requests and the cleanup's go straight to the server with httpx (_account.py):
`Recorder.watch` hooks that client and labels them apart. A request the guard refused (418,
`X-Rstar-Guard: refused`) never reached the server and is counted apart too.

Links: a stateful case that followed a link is noted by the check in _coverage_check.py (schemathesis
keeps the transition in its scenario recorder); the note is joined to the exchange by the case's id.

Outputs: a table (stdout), `--coverage FILE.json`, Markdown appended to $GITHUB_STEP_SUMMARY,
`--coverage-html FILE` (_coverage_html.py); `--require-coverage` turns every documented response never
observed, less the exemptions (coverage-exemptions.yaml, each with a reason), into a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..core.errors import Location, RstarError, UsageError, display_path
from ..core.outputs import output_file
from ..core.yaml_io import load_yaml, write_atomic
from ..oas.view import DocumentView
from ._coverage_check import CHECKS_ENV, LINKS_ENV
from ._guard import GUARD_HEADER

CASE_HEADER = b"x-schemathesis-testcaseid"
DEFAULT_EXEMPTIONS = "coverage-exemptions.yaml"
SOURCES = ("setup", "guard", "cleanup")  # requests kept apart from the suite's
_TRANSITION = re.compile(r"^(?P<source>.+?) -> \[(?P<status>[^\]]+)\] (?P<name>.+) -> (?P<target>.+)$")


# -- observing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """One request and what answered it."""

    method: str  # upper case
    raw_path: str  # as sent, without the query
    status: int | None  # None: no answer from the server
    headers: frozenset[str] = frozenset()  # the answer's header names, lower case
    case_id: str | None = None  # schemathesis's X-Schemathesis-TestCaseId
    source: str = "suite"  # suite; setup (before it), guard (its requests during it), cleanup (after it)
    refused: bool = False  # answered by the guard, never sent to the server


class Recorder:
    """The exchanges of one run, in the order they ended; thread-safe."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.stage = "setup"  # -> suite -> cleanup
        self._lock = threading.Lock()

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    @contextlib.contextmanager
    def suite(self) -> Iterator[None]:
        """While schemathesis runs: what the observed app answers is the suite's."""
        self.stage = "suite"
        try:
            yield
        finally:
            self.stage = "cleanup"

    def observe(self, app: Any) -> Any:
        """app, recording every HTTP exchange it answers (an ASGI middleware: nothing is changed)."""

        async def observed(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            source = self.stage
            raw = scope.get("raw_path") or scope["path"].encode("utf-8")
            case_id = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == CASE_HEADER), None)
            answer: dict[str, Any] = {}

            async def sending(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.get("headers", ())}
                    answer.update(status=message["status"], headers=headers)
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                headers = answer.get("headers", {})
                guard = headers.get(GUARD_HEADER.lower())
                status = None if guard == "upstream-error" else answer.get("status")
                self.add(Exchange(
                    scope["method"].upper(), raw.decode("latin-1"), status, frozenset(headers), case_id,
                    source, refused=guard == "refused",
                ))  # fmt: skip

        return observed

    def watch(self, client: Any) -> None:
        """Record what an httpx.Client (the guard's and the cleanup's) sends, apart from the suite's."""

        def on_response(response: Any) -> None:
            source = {"setup": "setup", "suite": "guard"}.get(self.stage, "cleanup")
            self.add(Exchange(
                response.request.method.upper(), response.request.url.raw_path.split(b"?", 1)[0].decode("latin-1"),
                response.status_code, frozenset(k.lower() for k in response.headers), None, source,
            ))  # fmt: skip

        hooks = client.event_hooks
        client.event_hooks = {**hooks, "response": [*hooks.get("response", []), on_response]}


def read_links(path: Path) -> dict[str, str]:
    """case id -> transition id, for the stateful cases whose link's values were applied."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    found = {}
    for line in text.splitlines():
        try:
            note = json.loads(line)
        except ValueError:
            continue  # a line cut short by a killed run
        if isinstance(note, dict) and note.get("applied") and isinstance(note.get("case"), str):
            found[note["case"]] = str(note.get("transition"))
    return found


# -- counting ----------------------------------------------------------------------------------------------


@dataclass
class ResponseCount:
    status: str  # as documented ("200", "4XX", "default"), or the status seen when undocumented
    documented: bool
    observed: int = 0
    answered: Counter[int] = field(default_factory=Counter)  # the concrete statuses counted here
    headers: dict[str, tuple[bool, int]] = field(default_factory=dict)  # name -> (required, answers with it)
    links: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # name -> (operationId, followed)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "documented": self.documented, "observed": self.observed}
        if self.documented:
            data["answered"] = {str(s): n for s, n in sorted(self.answered.items())}
            data["headers"] = [{"name": n, "required": r, "seen": s} for n, (r, s) in self.headers.items()]
            data["links"] = [{"name": n, "operationId": o, "followed": f} for n, (o, f) in self.links.items()]
        return data


@dataclass
class OperationCount:
    method: str  # upper case
    path: str  # the template
    operation_id: str | None
    responses: dict[str, ResponseCount]

    @property
    def key(self) -> str:
        """`GET /things/{thing_id}`: how the run and the exemptions name an operation."""
        return f"{self.method} {self.path}"

    @property
    def label(self) -> str:
        return self.key + (f" ({self.operation_id})" if self.operation_id else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method, "path": self.path, "operationId": self.operation_id,
            "responses": [r.to_json() for r in self.responses.values()],
        }  # fmt: skip


@dataclass(frozen=True)
class CheckCount:
    check: str  # one of our checks (checks.py)
    operation: str  # `METHOD /path`
    ran: int  # answers it judged


@dataclass
class Coverage:
    operations: list[OperationCount]
    unmatched: Counter[tuple[str, str, str]]  # (method, template or "(no path)", status) not documented at all
    apart: Counter[tuple[str, str, str, str]]  # (source, method, template or raw, status): not the suite's
    refused: int  # requests the guard answered itself
    unanswered: int  # requests the server never answered
    undocumented_links: Counter[str]  # transitions followed that no documented link names (inferred)
    requests: int  # the suite's requests the server answered
    left_out: tuple[tuple[str, str], ...] = ()  # (operation, why) the run did not test (--read-only: the writes)
    exempt: dict[tuple[str, str], str] = field(default_factory=dict)  # (operation, status) -> the exemption's reason
    checks: tuple[CheckCount, ...] = ()  # our checks (checks.py), each on the operations it judges

    def exempt_by(self, exemptions: tuple[Exemption, ...]) -> Coverage:
        """Each documented response never observed that an exemption covers, with its reason."""
        for op, response in self.documented():
            found = next((e for e in exemptions if e.covers(op, response)), None)
            if found is not None and not response.observed:
                self.exempt[(op.key, response.status)] = found.reason
        return self

    def missing(self) -> list[tuple[OperationCount, ResponseCount]]:
        """Documented responses never observed and not exempt."""
        return [(op, r) for op, r in self.documented() if not r.observed and (op.key, r.status) not in self.exempt]

    def documented(self) -> Iterator[tuple[OperationCount, ResponseCount]]:
        for op in self.operations:
            for response in op.responses.values():
                if response.documented:
                    yield op, response

    def undocumented(self) -> Iterator[tuple[OperationCount, ResponseCount]]:
        for op in self.operations:
            for response in op.responses.values():
                if not response.documented:
                    yield op, response

    def to_json(self) -> dict[str, Any]:
        documented = list(self.documented())
        return {
            "operations": [op.to_json() for op in self.operations],
            "leftOut": [{"operation": key, "reason": why} for key, why in self.left_out],
            "exempt": [{"operation": op, "status": st, "reason": why} for (op, st), why in self.exempt.items()],
            "checks": [{"check": c.check, "operation": c.operation, "ran": c.ran} for c in self.checks],
            "unmatched": [
                {"method": m, "path": p, "status": s, "observed": n} for (m, p, s), n in sorted(self.unmatched.items())
            ],
            "undocumentedLinks": [{"transition": t, "followed": n} for t, n in sorted(self.undocumented_links.items())],
            "apart": [
                {"source": src, "method": m, "path": p, "status": s, "observed": n}
                for (src, m, p, s), n in sorted(self.apart.items())
            ],
            "totals": {
                "requests": self.requests,
                "documentedResponses": len(documented),
                "documentedObserved": sum(1 for _, r in documented if r.observed),
                "documentedExempt": len(self.exempt),
                "undocumentedStatuses": sum(r.observed for _, r in self.undocumented()),
                "unmatched": sum(self.unmatched.values()),
                "refusedByGuard": self.refused,
                "unanswered": self.unanswered,
            },
        }


def _status(status: int | None) -> str:
    return "no answer" if status is None else str(status)


def count(
    view: DocumentView, exchanges: list[Exchange], links: Mapping[str, str], base_path: str | None = None,
    left_out: Mapping[str, str] | None = None, checks: Mapping[tuple[str, str], int] | None = None,
    expected_checks: tuple[tuple[str, str], ...] = (),
) -> Coverage:  # fmt: skip
    """The coverage of the suite's exchanges (the others counted apart), base_path the path of the URL under
    test; the operations of left_out (`METHOD /path` -> why) are not listed (unless answered: then they were
    tested after all); checks: how often each of our checks judged an operation, next to the ones expected."""
    left_out = left_out or {}
    operations: dict[tuple[str, str], OperationCount] = {}
    for op in view.operations:
        responses = {}
        for key, response in op.responses.items():
            responses[key] = ResponseCount(
                key, True, headers={h.name: (h.required, 0) for h in response.headers},
                links={link.name: (link.operation_id, 0) for link in response.links},
            )  # fmt: skip
        operations[(op.method, op.template)] = OperationCount(
            op.method.upper(), op.template, op.operation_id, responses
        )
    unmatched: Counter[tuple[str, str, str]] = Counter()
    apart: Counter[tuple[str, str, str, str]] = Counter()
    undocumented_links: Counter[str] = Counter()
    refused = unanswered = requests = 0
    followed: set[str] = set()
    for exchange in exchanges:
        path = view.under_base(exchange.raw_path, base_path)
        match = view.router.match(exchange.method, path) if path is not None else None
        if exchange.source != "suite":
            where = match.operation.template if match else exchange.raw_path
            apart[(exchange.source, exchange.method, where, _status(exchange.status))] += 1
            continue
        if exchange.refused:
            refused += 1
            continue
        if exchange.status is None:
            unanswered += 1
            continue
        requests += 1
        if match is None:
            found = view.router.route(path) if path is not None else None
            where = found[0].path.template if found else "(no path)"
            unmatched[(exchange.method, where, str(exchange.status))] += 1
            continue
        op, counted = match.operation, operations[(match.operation.method, match.operation.template)]
        documented = op.response_for(exchange.status)
        if documented is None:
            key = str(exchange.status)
            counted.responses.setdefault(key, ResponseCount(key, False)).observed += 1
            continue
        tally = counted.responses[documented.status]
        tally.observed += 1
        tally.answered[exchange.status] += 1
        for name, (required, seen) in tally.headers.items():
            if name.lower() in exchange.headers:
                tally.headers[name] = (required, seen + 1)
        transition = links.get(exchange.case_id) if exchange.case_id else None
        if transition is not None and exchange.case_id not in followed:
            followed.add(exchange.case_id)  # type: ignore[arg-type]
            if not _count_link(view, operations, transition):
                undocumented_links[transition] += 1
    for op_count in operations.values():  # the undocumented statuses after the documented ones, in order
        first = {k: r for k, r in op_count.responses.items() if r.documented}
        others = sorted((r for r in op_count.responses.values() if not r.documented), key=lambda r: r.status)
        op_count.responses = {**first, **{r.status: r for r in others}}
    listed = [
        op for op in operations.values()
        if op.key not in left_out or any(r.observed for r in op.responses.values())
    ]  # fmt: skip
    ran = dict(checks or {})
    judged = [CheckCount(c, o, ran.pop((c, o), 0)) for c, o in expected_checks if o not in left_out]
    judged += [CheckCount(c, o, n) for (c, o), n in sorted(ran.items())]
    return Coverage(
        listed, unmatched, apart, refused, unanswered, undocumented_links, requests,
        tuple(sorted((k, why) for k, why in left_out.items() if k not in {op.key for op in listed})),
        checks=tuple(judged),
    )  # fmt: skip


def _count_link(view: DocumentView, operations: dict[tuple[str, str], OperationCount], transition: str) -> bool:
    """Count a followed transition on the documented link it names; False when none does."""
    parsed = _TRANSITION.match(transition)
    if parsed is None:
        return False
    method, _, template = parsed["source"].partition(" ")
    counted = operations.get((method.lower(), template))
    response = counted.responses.get(parsed["status"]) if counted else None
    if response is None or not response.documented or parsed["name"] not in response.links:
        return False
    operation_id, n = response.links[parsed["name"]]
    response.links[parsed["name"]] = (operation_id, n + 1)
    return True


# -- exemptions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exemption:
    status: str  # as documented: "500", "5XX", "default"
    operation: str | None  # operationId or "METHOD /path"; None for every operation
    reason: str
    location: Location

    def covers(self, op: OperationCount, response: ResponseCount) -> bool:
        if response.status != self.status:
            return False
        return self.operation is None or self.operation in (op.operation_id, op.key)


_EXEMPTION_KEYS = frozenset({"status", "operation", "reason"})


def load_exemptions(path: Path) -> tuple[Exemption, ...]:
    """The documented responses --require-coverage does not ask for, each with its reason; one-line errors."""
    _readable_file(path, "--coverage-exemptions")
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict) or set(data) != {"exemptions"} or not isinstance(data["exemptions"], list):
        raise RstarError("expected a mapping with one key, `exemptions`: a list", doc.location(()))
    found = []
    for i, entry in enumerate(data["exemptions"]):
        where = doc.location(("exemptions", str(i)))
        if not isinstance(entry, dict):
            raise RstarError("an exemption is a mapping: status, reason, and optionally operation", where)
        unknown = sorted(set(map(str, entry)) - _EXEMPTION_KEYS)
        if unknown:
            raise RstarError(f"unknown key {unknown[0]!r} (an exemption has status, reason, operation)", where)
        status, reason, operation = entry.get("status"), entry.get("reason"), entry.get("operation")
        if isinstance(status, int) and not isinstance(status, bool):
            status = str(status)
        if not isinstance(status, str) or not re.fullmatch(r"[1-5](\d\d|XX|xx)|default", status):
            raise RstarError(f"status {status!r}: expected a status as documented (500, 5XX, default)", where)
        if not isinstance(reason, str) or not reason.strip():
            raise RstarError(f"the exemption of {status} has no reason: say why it cannot be provoked safely", where)
        if operation is not None and (not isinstance(operation, str) or not operation.strip()):
            raise RstarError("operation: expected an operationId or `METHOD /path`", where)
        found.append(Exemption(status, operation, " ".join(reason.split()), where))
    return tuple(found)


def default_exemptions_path() -> Path:
    return Path(str(resources.files(__package__).joinpath(DEFAULT_EXEMPTIONS)))


def never_observed(coverage: Coverage, exemptions: tuple[Exemption, ...]) -> list[str]:
    """A line for each documented response the suite never saw and no exemption covers."""
    return [
        f"{op.label} {response.status}: documented, never observed"
        for op, response in coverage.documented()
        if not response.observed and not any(e.covers(op, response) for e in exemptions)
    ]


def read_checks(path: Path) -> Counter[tuple[str, str]]:
    """(check, operation) -> answers judged, from the notes of the schemathesis process (_coverage_check.py)."""
    found: Counter[tuple[str, str]] = Counter()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return found
    for line in text.splitlines():
        try:
            note = json.loads(line)
        except ValueError:
            continue
        if isinstance(note, dict) and isinstance(note.get("ran"), int):
            found[(str(note.get("check")), str(note.get("operation")))] += note["ran"]
    return found


# -- output paths -------------------------------------------------------------------------------------------


def _readable_file(path: Path, flag: str) -> None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{flag} {display_path(path)}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{flag} {display_path(path)}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise UsageError(f"{flag} {display_path(path)}: not a regular file")


def output_path(path: Path, flag: str) -> Path:
    """Where to write flag's file: path when absent or a regular file, a link's target when that is a regular
    file. Anything else (a folder, a device, a FIFO, a link to one or to nothing) is the user's: refused."""
    return output_file(path, flag)


@dataclass(frozen=True)
class CoverageOptions:
    json: Path | None = None
    html: Path | None = None
    summary: Path | None = None  # $GITHUB_STEP_SUMMARY: Markdown appended
    require: bool = False
    exemptions: tuple[Exemption, ...] = ()


def coverage_options(
    json_path: Path | None, html: Path | None, require: bool, exemptions: Path | None, environ: Mapping[str, str]
) -> CoverageOptions:
    """Checked before the run starts: the output paths, and the exemptions file (the shipped one by default)."""
    summary = environ.get("GITHUB_STEP_SUMMARY")
    return CoverageOptions(
        json=output_path(json_path, "--coverage") if json_path else None,
        html=output_path(html, "--coverage-html") if html else None,
        summary=output_path(Path(summary), "GITHUB_STEP_SUMMARY") if summary else None,
        require=require,
        exemptions=load_exemptions(exemptions or default_exemptions_path()),
    )


# -- rendering ----------------------------------------------------------------------------------------------


def _headers_text(response: ResponseCount) -> str:
    return ", ".join(f"{n} {'seen' if s else 'not seen'}" for n, (_, s) in response.headers.items())


def _links_text(response: ResponseCount) -> str:
    return ", ".join(f"{n} followed {f}" for n, (_, f) in response.links.items())


def _apart_text(coverage: Coverage) -> str:
    by_source = Counter[str]()
    for (source, *_), n in coverage.apart.items():
        by_source[source] += n
    parts = [f"{by_source[s]} {s}" for s in SOURCES if by_source[s]]
    parts.append(f"{coverage.refused} refused by the guard")
    if coverage.left_out:
        parts.append(f"{len(coverage.left_out)} operations left out")
    if coverage.unanswered:
        parts.append(f"{coverage.unanswered} unanswered")
    return ", ".join(parts)


def _status_text(coverage: Coverage, op: OperationCount, response: ResponseCount) -> str:
    if not response.documented:
        return f"{response.status} (undocumented)"
    if (op.key, response.status) in coverage.exempt:
        return f"{response.status} (exempt)"
    return response.status


def _rows(coverage: Coverage, probes: bool = True) -> Iterator[tuple[str, str, str, str, str]]:
    for op in coverage.operations:
        for response in op.responses.values():
            status = _status_text(coverage, op, response)
            yield op.label, status, str(response.observed), _headers_text(response), _links_text(response)
    for (method, path, status), n in sorted(coverage.unmatched.items()) if probes else ():
        yield f"{method} {path}", f"{status} (no such operation)", str(n), "", ""


def headline(coverage: Coverage) -> str:
    totals = coverage.to_json()["totals"]
    missing = len(coverage.missing())
    return (
        f"coverage: {totals['documentedObserved']} of {totals['documentedResponses']} documented responses observed, "
        f"{totals['documentedExempt']} exempt, {missing} missing, in {coverage.requests} answers to the suite; "
        f"{totals['undocumentedStatuses']} with an undocumented status; {totals['unmatched']} to requests no "
        f"operation documents; apart: {_apart_text(coverage)}"
    )


def verdict(coverage: Coverage, require: bool) -> str:
    """The coverage gate's verdict, in one line."""
    if not require:
        return "coverage gate: off (--require-coverage fails a run for each documented response never observed)"
    missing = len(coverage.missing())
    if missing:
        return f"coverage gate (--require-coverage): failed: {missing} documented responses never observed"
    return (
        f"coverage gate (--require-coverage): passed: every documented response observed or exempt "
        f"({len(coverage.exempt)} exempt, each with its reason)"
    )


def checks_line(coverage: Coverage) -> str:
    """Our checks: how often they judged an answer, and where one that applies never did."""
    ran = [c for c in coverage.checks if c.ran]
    never = [c for c in coverage.checks if not c.ran]
    text = (
        f"checks: {len({c.check for c in ran})} of the page's checks judged {sum(c.ran for c in ran)} answers "
        f"on {len({c.operation for c in ran})} operations"
    )
    if never:
        text += "; never ran: " + ", ".join(f"{c.check} on {c.operation}" for c in never)
    return text


def _reasons(coverage: Coverage) -> list[str]:
    """The exemptions' reasons, once each: `429, 500 on 7 operations: why`."""
    by_reason: dict[str, tuple[set[str], set[str]]] = {}
    for (op, status), why in coverage.exempt.items():
        statuses, ops = by_reason.setdefault(why, (set(), set()))
        statuses.add(status)
        ops.add(op)
    return [f"{', '.join(sorted(st))} on {len(ops)} operations: {why}" for why, (st, ops) in by_reason.items()]


def _probes_text(coverage: Coverage) -> str:
    by_status = Counter[str]()
    for (_, _, status), n in coverage.unmatched.items():
        by_status[status] += n
    return ", ".join(f"{n} answered {status}" for status, n in sorted(by_status.items()))


def render_table(coverage: Coverage) -> str:
    """The whole table (-v): every documented response, every undocumented status, every probe; the exemptions'
    reasons and our checks after it."""
    rows = [("OPERATION", "RESPONSE", "SEEN", "HEADERS", "LINKS"), *_rows(coverage)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines, previous = [], None
    for row in rows:
        label = row[0] if row[0] != previous else ""
        previous = row[0]
        cells = [
            label.ljust(widths[0]),
            row[1].ljust(widths[1]),
            row[2].rjust(widths[2]),
            row[3].ljust(widths[3]),
            row[4],
        ]
        lines.append("  ".join(cells).rstrip())
    lines += [f"exempt: {line}" for line in _reasons(coverage)]
    lines += [f"left out: {key}: {why}" for key, why in coverage.left_out]
    lines += [f"check {c.check} on {c.operation}: {c.ran}" for c in coverage.checks]
    return "\n".join([headline(coverage), *lines]) + "\n"


def render_brief(coverage: Coverage, require: bool) -> str:
    """What needs a person's attention (the default): the headline, the responses missing (unless the gate
    names them), undocumented statuses, what the run left out and why, our checks in one line."""
    lines = [headline(coverage)]
    if not require:
        lines += [f"  missing: {op.label} {r.status}: documented, never observed" for op, r in coverage.missing()]
    lines += [f"  undocumented: {op.label} answered {r.status} {r.observed} times" for op, r in coverage.undocumented()]
    lines += [f"  left out: {key}: {why}" for key, why in coverage.left_out]
    lines += [checks_line(coverage), "(the whole table, the exemptions' reasons and the probes: -v)"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """A table cell: no pipe, no newline, no HTML or Markdown markup."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([`*_\[\]])", r"\\\1", " ".join(escaped.split()))


def render_markdown(coverage: Coverage, missing: list[str] | None = None, require: bool = False) -> str:
    lines = ["### Contract coverage", "", f"**{_md(verdict(coverage, require or bool(missing)))}**", "",
             _md(headline(coverage)), "",
             "| Operation | Response | Observed | Headers | Links |", "|---|---|--:|---|---|"]  # fmt: skip
    previous = None
    for op in coverage.operations:
        for response in op.responses.values():
            why = coverage.exempt.get((op.key, response.status))
            if why is not None:
                status = f"➖ {_md(response.status)} exempt: {_md(why)}"
            elif response.documented and not response.observed:
                status = f"❌ {_md(response.status)}"
            else:
                status = _md(_status_text(coverage, op, response))
            shown, previous = ("" if op.label == previous else _md(op.label)), op.label
            lines.append(
                f"| {shown} | {status} | {response.observed} | {_md(_headers_text(response))} | "
                f"{_md(_links_text(response))} |"
            )
    if coverage.unmatched:
        lines += ["", _md(f"{sum(coverage.unmatched.values())} requests to no documented operation "
                          f"(probes of undocumented methods and paths): {_probes_text(coverage)}")]  # fmt: skip
    if coverage.left_out:
        lines += ["", "Left out of the run:", ""] + [f"- {_md(key)}: {_md(why)}" for key, why in coverage.left_out]
    lines += ["", _md(checks_line(coverage))]
    if missing:
        lines += ["", f"**--require-coverage: {len(missing)} documented responses never observed**", ""]
        lines += [f"- {_md(line)}" for line in missing]
    return "\n".join(lines) + "\n\n"


# -- one run ------------------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"contract: {message}", file=sys.stderr, flush=True)


@dataclass
class RunInfo:
    """What the HTML names: the server tested, the seed that replays the run, when it ran."""

    target: str | None = None
    seed: int | None = None
    date: str | None = None


class RunCoverage:
    """The coverage of one contract run: observes it, then reports (`finish`). A context manager: the
    files the link and check notes are written to are removed after."""

    def __init__(self, doc: dict[str, Any], options: CoverageOptions | None, base_path: str | None = None) -> None:
        from ._spec import suite_spec  # the run's one view of the document, which the checks share

        self.view = suite_spec(doc).view
        self.doc = doc
        self.base_path = base_path
        # without options (a run from code, not the CLI): the shipped exemptions, as the CLI's default
        self.options = options or CoverageOptions(exemptions=load_exemptions(default_exemptions_path()))
        self.recorder = Recorder()
        self.links_file, self.checks_file = _note_file("links"), _note_file("checks")
        self.env = {LINKS_ENV: str(self.links_file), CHECKS_ENV: str(self.checks_file)}
        self.observe, self.watch, self.suite = self.recorder.observe, self.recorder.watch, self.recorder.suite
        self.left_out: dict[str, str] = {}  # `METHOD /path` -> why the run does not test it
        self.info = RunInfo()
        self.mask: Callable[[str], str] = str  # what the reports pass through: the run's secrets masked (_masking.py)

    def leave_out(self, operations: Mapping[str, str]) -> None:
        self.left_out.update(operations)

    def describe(self, target: str | None = None, seed: int | None = None) -> None:
        if target is not None and "@" in urlsplit(target).netloc:  # user:password@host: never in a report
            url = urlsplit(target)
            target = urlunsplit(url._replace(netloc=url.netloc.rsplit("@", 1)[1]))
        self.info.target = target or self.info.target
        self.info.seed = seed if seed is not None else self.info.seed

    def __enter__(self) -> RunCoverage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.links_file.unlink(missing_ok=True)
        self.checks_file.unlink(missing_ok=True)

    def coverage(self) -> Coverage:
        from ._spec import page_checks, suite_spec

        with self.recorder._lock:
            exchanges = list(self.recorder.exchanges)
        return count(
            self.view, exchanges, read_links(self.links_file), self.base_path, self.left_out,
            read_checks(self.checks_file), page_checks(suite_spec(self.doc)),
        ).exempt_by(self.options.exemptions)  # fmt: skip

    def finish(self, code: int, verbose: bool = False) -> int:
        """Print what needs attention (all with verbose), write the files; with --require-coverage, exit 1 for
        what was never observed and is not exempt."""
        coverage = self.coverage()
        options = self.options
        self.info.date = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        missing = never_observed(coverage, options.exemptions) if options.require else []
        mask = self.mask
        sys.stdout.write(mask(render_table(coverage) if verbose else render_brief(coverage, options.require)))
        sys.stdout.flush()
        if options.json:
            write_atomic(options.json, mask(json.dumps(coverage.to_json(), indent=2, sort_keys=False) + "\n"))
            _say(f"coverage written to {display_path(options.json)}")
        if options.html:
            from ._coverage_html import render_html

            write_atomic(options.html, mask(render_html(coverage, self.info, options.require)))
            _say(f"coverage matrix written to {display_path(options.html)}")
        if options.summary:
            try:
                with options.summary.open("a", encoding="utf-8") as out:
                    out.write(mask(render_markdown(coverage, missing, options.require)))
            except OSError as exc:
                raise UsageError(f"GITHUB_STEP_SUMMARY {display_path(options.summary)}: {exc.strerror}") from None
        for line in missing:
            _say(f"not covered: {line}")
        if options.require:
            _say(verdict(coverage, True))
        if missing:
            return code or 1
        return code


def _note_file(kind: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f"rstar-contract-{kind}-", suffix=".jsonl")
    os.close(fd)
    return Path(name)

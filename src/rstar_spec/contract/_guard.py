"""What a contract run against a server we do not run may send, and what it created.

A run with --base-url works on a real account. Two layers keep it from changing
or deleting anything it did not create:

- **Shaping** (`shape_target`, called from the suite's `before_call` hook in
  checks.py): a write on an existing resource (PUT, DELETE, ... on
  `/clients/{client_id}`) is pointed at a client this run created, or at an id
  the run has seen answer 404 (`absent`). Negative values keep their shape with
  every digit run replaced by that id, so a lenient server that reads `01` or
  `1.0` as 1 still meets no real client.
- **The guard** (`Guard.judge`, applied by `GuardProxy` to every request the
  schemathesis process sends, whichever part of schemathesis sends it): reads
  pass; a POST that creates (its operation answers 201) passes and its answer's
  `id` is written to the ledger; a POST that creates nothing (`/auth`) passes;
  a write on an item passes only when its target is owned or shaped like
  `absent`; everything else is refused with a 418 that fails the run.

The ledger is a JSON-lines file: the proxy appends what was created and deleted,
the hooks read it to know the run's own ids, and the cleanup deletes what is left.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..oas.view import DocumentView
from ..oas.walk import iter_operations

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})  # RFC 9110 9.2.1
GUARD_HEADER = "X-Rstar-Guard"
# Characters an id-shaped segment may hold once shaped: none of them lets a path escape its segment
# (`/`, `%`, `;`, `?`, `#`) and, ASCII only, none is a digit of another script (Arabic-Indic, fullwidth)
# that a lenient parser might read as one.
_SHAPED = re.compile(r"^[A-Za-z0-9._~+-]+$")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Routes:
    """What the guard needs of the spec: which POSTs create, and which templated paths name one item."""

    base_path: str  # the path of the URL under test, e.g. /api/v3
    creating: frozenset[str]  # collection paths whose POST answers 201: /clients
    other_posts: frozenset[str]  # POSTs that create nothing the account keeps: /auth
    items: tuple[tuple[re.Pattern[str], str, str], ...]  # (regex of the item path, collection, template)

    @classmethod
    def from_doc(cls, doc: dict[str, Any], base_path: str) -> Routes:
        """From the document's view: a POST creates when it documents 201; an item path is a template
        whose one template is its last segment (/clients/{client_id} in /clients)."""
        view = DocumentView.of(doc)
        posts = [op for op in view.operations if op.method == "post"]
        creating = {op.template for op in posts if "201" in op.responses}
        other_posts = {op.template for op in posts} - creating
        items = []
        for path in dict.fromkeys(op.path for op in view.operations):
            last = f"/{{{path.names[-1]}}}" if path.names else ""
            if len(path.names) == 1 and path.names[0] and "/" not in path.names[0] and path.template.endswith(last):
                parent = path.template.removesuffix(last)
                items.append((re.compile("^" + re.escape(base_path + parent) + "/([^/]+)$"), parent, path.template))
        return cls(base_path.rstrip("/"), frozenset(creating), frozenset(other_posts), tuple(items))

    def item(self, raw_path: str) -> tuple[str, str] | None:
        """(collection, decoded id segment) when raw_path names one item of a collection."""
        for regex, collection, _ in self.items:
            match = regex.match(raw_path)
            if match:
                return collection, unquote(match.group(1))
        return None


def absent_shaped(segment: str, absent: str | None) -> bool:
    """A segment no reading of which names an existing client: safe characters only, every run of digits the absent id."""
    if not segment or segment in (".", "..") or not _SHAPED.match(segment):
        return False
    return all(run == absent for run in _DIGITS.findall(segment))


def shape_value(value: Any, pool: list[str], absent: str | None, prefer_owned: bool) -> str:
    """The value a write's path parameter is sent with: one of `pool` (ids the run owns) or absent-shaped.

    An id-like value (an integer) becomes the newest id of `pool` (when `prefer_owned`) or the absent
    id; any other value (a negative case: `abc`, `1.5`, `-1`) keeps its shape, in safe characters, with
    every run of digits replaced by the absent id.
    """
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text in pool or absent_shaped(text, absent):
        return text
    if (isinstance(value, int) and not isinstance(value, bool) and value > 0) or (text.isascii() and text.isdigit()):
        if prefer_owned and pool:
            return pool[-1]
        return absent if absent is not None else "not-an-id"
    kept = "".join(c for c in text if c.isascii() and _SHAPED.match(c))
    shaped = _DIGITS.sub(absent or "", kept)
    return shaped if absent_shaped(shaped, absent) else "not-an-id"


@dataclass
class Verdict:
    allowed: bool
    reason: str = ""
    creates: str | None = None  # the collection a POST creates in
    item: tuple[str, str] | None = None  # (collection, id) a write targets


@dataclass
class Ledger:
    """The run's own resources: appended by the proxy, read by the hooks and the cleanup."""

    path: Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def write(self, event: str, collection: str, item_id: str, **extra: Any) -> None:
        line = json.dumps({"event": event, "collection": collection, "id": item_id, **extra}, sort_keys=True)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()

    def events(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip().endswith("}")]

    def owned(self, collection: str) -> list[str]:
        """Ids of the collection the run created (in order), deleted or not."""
        return [item_id for c, item_id, _ in self.created() if c == collection]

    def created(self) -> list[tuple[str, str, bool]]:
        """(collection, id, fixture) of everything created, in order, once each."""
        found: dict[tuple[str, str], bool] = {}
        for event in self.events():
            if event["event"] == "created":
                found.setdefault((event["collection"], event["id"]), bool(event.get("fixture")))
        return [(c, i, fixture) for (c, i), fixture in found.items()]

    def marked(self, event: str) -> set[tuple[str, str]]:
        """(collection, id) of every item with this event: "deleted" (by a case), "cleaned" (by the cleanup)."""
        return {(e["collection"], e["id"]) for e in self.events() if e["event"] == event}


@dataclass
class Guard:
    routes: Routes
    ledger: Ledger
    absent: str | None
    read_only: bool = False
    refused: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # creating requests whose outcome is unknown
    writes: dict[str, int] = field(default_factory=dict)  # "PUT own" / "DELETE absent" -> count
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def judge(self, method: str, raw_path: str) -> Verdict:
        method = method.upper()
        if method in SAFE_METHODS:
            return Verdict(True)
        path = raw_path[len(self.routes.base_path) :] if raw_path.startswith(self.routes.base_path) else None
        if method == "POST" and path in self.routes.other_posts:
            return Verdict(True)
        if self.read_only:
            return self._refuse(method, raw_path, "--read-only sends no write")
        if method == "POST" and path in self.routes.creating:
            return Verdict(True, creates=path)
        item = self.routes.item(raw_path)
        if item is None:
            return self._refuse(method, raw_path, "a write on no item this run created")
        collection, item_id = item
        if item_id in self.ledger.owned(collection):
            self._count(f"{method} own")
            return Verdict(True, item=item)
        if absent_shaped(item_id, self.absent):
            self._count(f"{method} absent")
            return Verdict(True, item=item)
        return self._refuse(method, raw_path, f"{collection}/{item_id} is not a client this run created")

    def record(self, verdict: Verdict, method: str, raw_path: str, status: int | None, body: bytes) -> None:
        """After the answer (None: no answer): what the request created or deleted."""
        if verdict.creates is not None:
            created = None
            if status is not None and 200 <= status < 300:
                try:
                    created = json.loads(body).get("id")
                except (ValueError, AttributeError):
                    created = None
            if created is not None:
                self.ledger.write("created", verdict.creates, str(created))
            elif status is None or 200 <= status < 300 or (status >= 500 and status != 503):
                # No answer, a 500/502/504 (the server, or one behind a gateway, may have acted before
                # failing), or a 2xx without an id: something may exist that the run cannot name. A 503
                # says the request was not handled.
                with self._lock:
                    self.uncertain.append(f"{method} {raw_path} answered {status or 'nothing'}")
        elif (
            verdict.item is not None
            and method.upper() == "DELETE"
            and status is not None
            and (200 <= status < 300 or status == 404)
        ):
            self.ledger.write("deleted", *verdict.item)

    def _refuse(self, method: str, raw_path: str, why: str) -> Verdict:
        with self._lock:
            self.refused.append(f"{method} {raw_path}: {why}")
        return Verdict(False, why)

    def _count(self, key: str) -> None:
        with self._lock:
            self.writes[key] = self.writes.get(key, 0) + 1


def write_operations(doc: dict[str, Any], routes: Routes) -> list[str]:
    """The operationIds a --read-only run leaves out: every write but the POSTs that create nothing (/auth).

    They are excluded from the run, not removed from the document, so that a 405's `Allow` is still
    judged against every method the spec documents."""
    return [
        str(operation.get("operationId"))
        for _, path, method, operation in iter_operations(doc)
        if method.upper() not in SAFE_METHODS and not (method == "post" and path in routes.other_posts)
    ]


def summary(guard: Guard, created: Iterable[tuple[str, str, bool]]) -> str:
    made = [c for c in created if not c[2]]
    writes = ", ".join(f"{n} {k}" for k, n in sorted(guard.writes.items())) or "none"
    return f"guard: {len(made)} clients created by cases; writes on items: {writes}; {len(guard.refused)} refused"

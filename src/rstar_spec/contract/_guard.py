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

A client the run deleted is no longer its own: the server may give its id to
the next client, the run's or someone else's (the contract page does not promise
ids are never reused). A write on it keeps its id in the case, so schemathesis
knows the 404 follows its own DELETE, but the proxy sends it to the absent id
(`Verdict.send_to`): the answer is the 404 of a client that is gone, and a
reused id is never touched. An id created again is the run's own again.

The ledger is a JSON-lines file: the proxy appends what was created and deleted,
the hooks read it to know the run's own ids, and the cleanup deletes what is left.
Every append is written and flushed before the proxy answers, so the hook of the
next request reads it.
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
NO_ID = "not-an-id"  # a segment no reading of which names a client: the target when no absent id was found
# What a ledger line says: a creation about to be sent (by name), its outcome, and what became of the item.
LEDGER_EVENTS = frozenset({"creating", "not-created", "created", "deleted", "cleaned"})


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
        return absent if absent is not None else NO_ID
    kept = "".join(c for c in text if c.isascii() and _SHAPED.match(c))
    shaped = _DIGITS.sub(absent or "", kept)
    return shaped if absent_shaped(shaped, absent) else NO_ID


@dataclass
class Verdict:
    allowed: bool
    reason: str = ""
    creates: str | None = None  # the collection a POST creates in
    item: tuple[str, str] | None = None  # (collection, id) a write targets
    send_to: str | None = None  # the raw path sent instead: a write on a client the run deleted goes to `absent`


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

    def problem(self) -> str | None:
        """Why this file is not a ledger a cleanup can read (None when it is)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            return f"cannot read it ({type(exc).__name__})"
        for number, line in enumerate(lines, 1):
            if not line.strip() or (number == len(lines) and line.startswith("{") and not line.strip().endswith("}")):
                continue  # a last line cut short (the run killed as it wrote) is skipped, as events() does
            try:
                event = json.loads(line)
            except ValueError:
                event = None
            if not (
                isinstance(event, dict)
                and event.get("event") in LEDGER_EVENTS
                and isinstance(event.get("collection"), str)
                and isinstance(event.get("id"), str)
                and (event["event"] not in ("creating", "not-created") or isinstance(event.get("name"), str))
            ):
                return f"line {number} is not a record of a contract run's ledger"
        return None

    def owned(self, collection: str) -> list[str]:
        """Ids of the collection the run created (in order), deleted or not."""
        return [item_id for c, item_id, _ in self.created() if c == collection]

    def live(self, collection: str) -> list[str]:
        """Ids of the collection the run created and has not deleted since (in order of creation)."""
        latest = self.latest()
        return [i for i in self.owned(collection) if latest.get((collection, i)) == "created"]

    def latest(self) -> dict[tuple[str, str], str]:
        """(collection, id) -> the last of its "created", "deleted", "cleaned": a server may give a deleted id again."""
        found: dict[tuple[str, str], str] = {}
        for event in self.events():
            if event["event"] in ("created", "deleted", "cleaned"):
                found[(event["collection"], event["id"])] = event["event"]
        return found

    def created(self) -> list[tuple[str, str, bool]]:
        """(collection, id, fixture) of everything created, in order, once each."""
        found: dict[tuple[str, str], bool] = {}
        for event in self.events():
            if event["event"] == "created":
                found.setdefault((event["collection"], event["id"]), bool(event.get("fixture")))
        return [(c, i, fixture) for (c, i), fixture in found.items()]

    def fingerprint(self, collection: str, item_id: str) -> Any:
        """The `created_at` the id was last created with: tells the run's client from another with its id."""
        found = None
        for event in self.events():
            if event["event"] == "created" and (event["collection"], event["id"]) == (collection, item_id):
                found = event.get("created_at")
        return found

    def pending(self) -> list[str]:
        """Names of the run's own creations recorded as "creating" and neither found created nor not created."""
        names: dict[str, bool] = {}
        for event in self.events():
            if event["event"] == "creating":
                names.setdefault(event["name"], True)
            elif event["event"] in ("created", "not-created") and event.get("name") in names:
                names[event["name"]] = False
        return [name for name, open_ in names.items() if open_]

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
        state = self.ledger.latest().get(item)
        if state == "created":
            self._count(f"{method} own")
            return Verdict(True, item=item)
        if state is not None:  # the run's, deleted: its id may be someone's now
            self._count(f"{method} gone")
            return Verdict(True, send_to=f"{self.routes.base_path}{collection}/{self.absent or NO_ID}")
        if absent_shaped(item_id, self.absent):
            self._count(f"{method} absent")
            return Verdict(True, item=item)
        return self._refuse(method, raw_path, f"{collection}/{item_id} is not a client this run created")

    def record(self, verdict: Verdict, method: str, raw_path: str, status: int | None, body: bytes) -> None:
        """After the answer (None: no answer): what the request created or deleted."""
        if verdict.creates is not None:
            created, created_at = None, None
            if status is not None and 200 <= status < 300:
                try:
                    answer = json.loads(body)
                    created, created_at = answer.get("id"), answer.get("created_at")
                except (ValueError, AttributeError):
                    created = None
            if created is not None:
                self.ledger.write("created", verdict.creates, str(created), created_at=created_at)
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

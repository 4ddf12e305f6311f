"""What a contract run against a server we do not run may send, and what it created.

A run with --base-url works on a real account. Two layers keep it from changing
or deleting anything it did not create, on every resource of the document
(oas/resources.py, read through _spec.py):

- **Shaping** (`shape_value`, called from the suite's `before_call` hook in
  checks.py): a write on an existing item (PUT, PATCH, DELETE, an action below
  it) is pointed at an item this run created, or at an id the run has seen
  answer 404 (`absent`, one per resource). Negative values keep their shape with
  every digit run replaced by that id, so a lenient server that reads `01` or
  `1.0` as 1 still meets no real item. A create below an item (a nested
  collection) is pointed at a parent the run created.
- **The guard** (`Guard.judge`, applied by `GuardProxy` to every request the
  schemathesis process sends, whichever part of schemathesis sends it): reads
  pass, and so do the token operation and operations the document declares
  reads; a create passes when the run can delete what it creates (the resource
  has a DELETE, and a nested one lies under a parent the run created), and its
  answer's id is written to the ledger; a write on an item passes only when its
  target is owned or shaped like `absent`; everything else is refused with a 418
  that fails the run.

An item the run deleted is no longer its own: the server may give its id to the
next item, the run's or someone else's (the contract page does not promise ids
are never reused). A write on it keeps its id in the case, so schemathesis knows
the 404 follows its own DELETE, but the proxy sends it to the absent id
(`Verdict.send_to`): the answer is the 404 of an item that is gone, and a reused
id is never touched. An id created again is the run's own again.

The ledger is a JSON-lines file: the proxy appends what was created and deleted
(by concrete collection path: `/shops/12/staff`), the hooks read it to know the
run's own ids, and the cleanup deletes what is left. Every append is written and
flushed before the proxy answers, so the hook of the next request reads it. A
creation records the item's `stamps` (its read-only date-time fields as created),
which tell the run's item from another given the same id later; ledgers written
before resources were read from the spec kept one such stamp as `created_at`, and
are read as such.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..oas.paths import PathTemplate
from ..oas.resources import Resource
from ..oas.walk import iter_operations
from ._spec import SuiteSpec, suite_spec

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})  # RFC 9110 9.2.1
GUARD_HEADER = "X-Rstar-Guard"
# Characters an id-shaped segment may hold once shaped: none of them lets a path escape its segment
# (`/`, `%`, `;`, `?`, `#`) and, ASCII only, none is a digit of another script (Arabic-Indic, fullwidth)
# that a lenient parser might read as one.
_SHAPED = re.compile(r"^[A-Za-z0-9._~+-]+$")
_DIGITS = re.compile(r"[0-9]+")
NO_ID = "not-an-id"  # a segment no reading of which names an item: the target when no absent id was found
# What a ledger line says: a creation about to be sent (by name), its outcome, and what became of the item.
LEDGER_EVENTS = frozenset({"creating", "not-created", "created", "deleted", "cleaned"})
LEGACY_STAMP = "created_at"  # the one stamp ledgers of earlier versions kept, under its field's name
PASSING_ROLES = frozenset({"token", "read"})  # writes by method that change nothing the account keeps


def render(template: PathTemplate, values: dict[str, Any]) -> str:
    """The concrete path of a template with these (decoded) values, each percent-encoded as one segment."""
    path = template.template
    for name in template.names:
        path = path.replace("{" + name + "}", quote(str(values.get(name, "")), safe=""))
    return path


@dataclass(frozen=True)
class Routes:
    """What the guard needs of the spec: its resources, by way of the suite's view (_spec.py)."""

    base_path: str  # the path of the URL under test, e.g. /api/v3
    spec: SuiteSpec

    @classmethod
    def from_doc(cls, doc: dict[str, Any], base_path: str) -> Routes:
        return cls(base_path.rstrip("/"), suite_spec(doc))

    @property
    def creating(self) -> frozenset[str]:
        """Collection templates a guarded run may create in: it can delete what it creates."""
        return frozenset(r.collection.template for r in self.spec.resources if self.spec.why_not_created(r) is None)

    @property
    def never_created(self) -> dict[str, str]:
        """Collection template -> why a guarded run never creates there (only resources that create)."""
        found = {}
        for resource in self.spec.resources:
            why = self.spec.why_not_created(resource)
            if resource.creatable and why is not None:
                found[resource.collection.template] = why
        return found


def absent_shaped(segment: str, absent: str | None, strict: bool = False) -> bool:
    """A segment no reading of which names an existing item: safe characters only, every run of digits the
    absent id. `strict` (ids that are not integers: any text may name an item): the absent id itself only."""
    if not segment or segment in (".", "..") or not _SHAPED.match(segment):
        return False
    if absent is not None and segment == absent:
        return True
    if strict:
        return False
    return all(run == absent for run in _DIGITS.findall(segment))


def shape_value(value: Any, pool: list[str], absent: str | None, prefer_owned: bool, strict: bool = False) -> str:
    """The value a write's path parameter is sent with: one of `pool` (ids the run owns) or absent-shaped.

    An id-like value (an integer) becomes the newest id of `pool` (when `prefer_owned`) or the absent
    id; any other value (a negative case: `abc`, `1.5`, `-1`) keeps its shape, in safe characters, with
    every run of digits replaced by the absent id. `strict` (ids that are not integers): the newest id of
    `pool` or the absent id, whatever the value.
    """
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text in pool or absent_shaped(text, absent, strict):
        return text
    if strict:
        return pool[-1] if prefer_owned and pool else (absent if absent is not None else NO_ID)
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
    creates: str | None = None  # the concrete collection a create creates in
    item: tuple[str, str] | None = None  # (concrete collection, id) a write targets
    send_to: str | None = None  # the raw path sent instead: a write on an item the run deleted goes to `absent`
    resource: Resource | None = field(default=None, repr=False)


@dataclass
class Ledger:
    """The run's own items: appended by the proxy, read by the hooks and the cleanup."""

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
                and event["collection"].startswith("/")
                and isinstance(event.get("id"), str)
                and (event["event"] not in ("creating", "not-created") or isinstance(event.get("name"), str))
                and isinstance(event.get("stamps", {}), dict)
                and isinstance(event.get("mark", {}), dict)
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

    def live_items(self, collection: PathTemplate) -> list[str]:
        """The paths of the live items the run created in any collection of this template (in order)."""
        latest = self.latest()
        return [
            f"{c}/{quote(i, safe='')}"
            for c, i, _ in self.created()
            if collection.match(c) is not None and latest.get((c, i)) == "created"
        ]

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

    def fingerprint(self, collection: str, item_id: str) -> dict[str, Any]:
        """The stamps the id was last created with: they tell the run's item from another with its id."""
        found: dict[str, Any] = {}
        for event in self.events():
            if event["event"] == "created" and (event["collection"], event["id"]) == (collection, item_id):
                stamps = event.get("stamps")
                legacy = {LEGACY_STAMP: event[LEGACY_STAMP]} if event.get(LEGACY_STAMP) is not None else {}
                found = stamps if isinstance(stamps, dict) else legacy
        return found

    def pending(self) -> list[dict[str, Any]]:
        """The "creating" records (collection, name, mark) of the run's own creations neither found created
        nor not created."""
        names: dict[str, dict[str, Any] | None] = {}
        for event in self.events():
            if event["event"] == "creating":
                names.setdefault(event["name"], event)
            elif event["event"] in ("created", "not-created") and event.get("name") in names:
                names[event["name"]] = None
        return [event for event in names.values() if event is not None]

    def marked(self, event: str) -> set[tuple[str, str]]:
        """(collection, id) of every item with this event: "deleted" (by a case), "cleaned" (by the cleanup)."""
        return {(e["collection"], e["id"]) for e in self.events() if e["event"] == event}


def stamps_of(item: Any, names: Iterable[str]) -> dict[str, Any]:
    """The values of an item's stamps, as created."""
    return {n: item[n] for n in names if isinstance(item, dict) and item.get(n) is not None}


@dataclass
class Guard:
    routes: Routes
    ledger: Ledger
    absent: dict[str, str | None]  # collection template -> an id that answered 404 when the run began
    read_only: bool = False
    refused: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # creating requests whose outcome is unknown
    writes: dict[str, int] = field(default_factory=dict)  # "PUT own" / "DELETE absent" -> count
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def judge(self, method: str, raw_path: str) -> Verdict:
        method = method.upper()
        if method in SAFE_METHODS:
            return Verdict(True)
        base = self.routes.base_path
        path = raw_path[len(base) :] if raw_path.startswith(base + "/") or not base else None
        spec = self.routes.spec
        match = spec.view.router.match(method, path) if path is not None else None
        if match is None:
            return self._refuse(method, raw_path, "a write no operation of the document names")
        placement = spec.view.resources.placement(match.operation)
        role = placement.role if placement is not None else "none"
        if role in PASSING_ROLES:
            return Verdict(True)
        if self.read_only:
            return self._refuse(method, raw_path, "--read-only sends no write")
        resource = placement.resource if placement is not None else None
        if resource is None:
            return self._refuse(method, raw_path, f"{match.operation.label} is placed on no resource")
        values = match.path_params
        collection = render(resource.collection, values)
        parent = spec.parent(resource)
        parent_absent = False
        latest: dict[tuple[str, str], str] | None = None  # the ledger, read once per request when needed
        if parent is not None and parent.item is not None:
            parent_path = render(parent.item, values)
            parent_collection, parent_id = parent_path.rsplit("/", 1)[0], values.get(parent.id_param or "", "")
            latest = self.ledger.latest()
            owned = latest.get((parent_collection, parent_id)) == "created"
            parent_absent = absent_shaped(
                parent_id, self.absent.get(parent.collection.template), not self.routes.spec.integer_ids(parent)
            )
            if not owned and not parent_absent:
                return self._refuse(method, raw_path, f"{parent_path} is not an item this run created")
        if role == "create":
            why = spec.why_not_created(resource)
            if why is not None:
                return self._refuse(method, raw_path, f"never creates in {resource.collection.template}: {why}")
            return Verdict(True, creates=collection, resource=resource)
        item_id = values.get(resource.id_param or "")
        if item_id is None:
            return self._refuse(method, raw_path, f"{match.operation.label} names no item")
        item = (collection, item_id)
        absent = self.absent.get(resource.collection.template)
        state = (latest if latest is not None else self.ledger.latest()).get(item)
        if state == "created":
            self._count(f"{method} own")
            return Verdict(True, item=item, resource=resource)
        if state is not None:  # the run's, deleted: its id may be someone's now
            self._count(f"{method} gone")
            send_to = base + render(match.operation.path, {**values, resource.id_param or "": absent or NO_ID})
            return Verdict(True, send_to=send_to, resource=resource)
        if absent_shaped(item_id, absent, not spec.integer_ids(resource)) or parent_absent:
            self._count(f"{method} absent")
            return Verdict(True, item=item, resource=resource)
        return self._refuse(method, raw_path, f"{collection}/{item_id} is not an item this run created")

    def record(self, verdict: Verdict, method: str, raw_path: str, status: int | None, body: bytes) -> None:
        """After the answer (None: no answer): what the request created or deleted."""
        resource = verdict.resource
        if verdict.creates is not None and resource is not None:
            created, answer = None, None
            if status is not None and 200 <= status < 300:
                try:
                    answer = json.loads(body)
                    created = answer.get(resource.id_field) if resource.id_field else None
                except (ValueError, AttributeError):
                    created = None
            if created is not None:
                stamps = stamps_of(answer, self.routes.spec.stamps(resource))
                self.ledger.write("created", verdict.creates, str(created), stamps=stamps)
            elif status is None or 200 <= status < 300 or (status >= 500 and status != 503):
                # No answer, a 500/502/504 (the server, or one behind a gateway, may have acted before
                # failing), or a 2xx without an id: something may exist that the run cannot name. A 503
                # says the request was not handled.
                with self._lock:
                    self.uncertain.append(f"{method} {raw_path} answered {status or 'nothing'}")
        elif (
            verdict.item is not None
            and method.upper() == "DELETE"
            and resource is not None
            and resource.op("delete") is not None
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


def write_labels(spec: SuiteSpec) -> list[str]:
    """`METHOD /path` of every write but the token operation and declared reads: what --read-only leaves out."""
    found = []
    for op in spec.view.operations:
        placement = spec.view.resources.placement(op)
        if op.method.upper() not in SAFE_METHODS and (placement is None or placement.role not in PASSING_ROLES):
            found.append(op.label)
    return found


def write_operations(doc: dict[str, Any], routes: Routes) -> list[str]:
    """The operationIds a --read-only run leaves out: every write but the token operation and declared reads.

    They are excluded from the run, not removed from the document, so that a 405's `Allow` is still
    judged against every method the spec documents."""
    spec = routes.spec
    found = []
    for _, path, method, operation in iter_operations(doc):
        placement = spec.placement(method, path)
        if method.upper() not in SAFE_METHODS and (placement is None or placement.role not in PASSING_ROLES):
            found.append(str(operation.get("operationId")))
    return found


def summary(guard: Guard, created: Iterable[tuple[str, str, bool]]) -> str:
    made = [c for c in created if not c[2]]
    writes = ", ".join(f"{n} {k}" for k, n in sorted(guard.writes.items())) or "none"
    return f"guard: {len(made)} items created by cases; writes on items: {writes}; {len(guard.refused)} refused"
